"""成器: compare two versions of a draft the way an editor reads a marked-up copy.

"把修改稿和原稿对比，揣摩修改背后的深意" (speech 004). The diff is Chinese-aware: sentences are aligned first
(so a sentence or paragraph that moved is recognised as a move, not a deletion plus an addition), then the
changed sentences are compared word by word (jieba tokens, not characters or bytes). Each change is
classified (wording / addition / deletion / move) and, when the old version had a lint or outline finding
under the change that the new version no longer has, the change says which rule it fixed.

difflib's SequenceMatcher does the alignment (autojunk off: in Chinese text "，" and "的" are frequent and
must not be junked).
"""

from __future__ import annotations

import html
import logging
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import jieba

from coach.findings import Finding

jieba.setLogLevel(logging.WARNING)

KINDS = ("wording", "addition", "deletion", "move")
KIND_NAMES = {"wording": "改写", "addition": "增加", "deletion": "删除", "move": "移动"}

#: a moved sentence must have at least this many characters (short ones like "同志们：" recur by chance)
MOVE_MIN_CHARS = 6
#: two sentences this alike (difflib ratio) count as the same sentence, moved and lightly edited
MOVE_SIMILARITY = 0.8
#: a changed sentence this alike to one at the same place in the other version was edited there, not moved
IN_PLACE_SIMILARITY = 0.5
#: word-level diff of a changed stretch with more words than this on a side is not attempted (difflib is
#: quadratic on repetitive input): after trimming the common beginning and end, the rest is one change
MAX_DIFF_TOKENS = 4000
#: sentence alignment past this many sentences lets difflib junk the most frequent ones (empty lines …)
AUTOJUNK_UNITS = 4000
#: fuzzy move matching compares at most this many (deleted, inserted) sentence pairs; past it only
#: sentences that reappear word for word are recognised as moved
MAX_MOVE_COMPARISONS = 200_000

Checker = Callable[[str], Sequence[Finding]]

_UNIT = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)\"']*|\n)|[^。！？!?；;\n]+$")


@dataclass(frozen=True)
class FixedIssue:
    """A finding of the old version that this change made go away."""

    rule: str
    message: str

    def __str__(self) -> str:
        # what the writer reads: the rule id is internal (it stays in to_dict for --json and tools)
        return f"修正了：{self.message}"


@dataclass
class Change:
    kind: str  # one of KINDS
    old_text: str
    new_text: str
    old_span: tuple[int, int]  # offsets into the old text (empty span = insertion point)
    new_span: tuple[int, int]  # offsets into the new text
    old_line: int = 0
    new_line: int = 0
    fixed: list[FixedIssue] = field(default_factory=list)
    edited: bool = False  # for a move: the moved text was also reworded

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    def explain(self) -> list[str]:
        return [str(f) for f in self.fixed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "kind_name": self.kind_name,
            "old_text": self.old_text,
            "new_text": self.new_text,
            "old_span": list(self.old_span),
            "new_span": list(self.new_span),
            "old_line": self.old_line,
            "new_line": self.new_line,
            "edited": self.edited,
            "fixed": [{"rule": f.rule, "message": f.message, "text": str(f)} for f in self.fixed],
        }


@dataclass
class RevisionStats:
    old_chars: int
    new_chars: int
    chars_added: int  # by additions and rewordings (moves excluded)
    chars_removed: int  # by deletions and rewordings
    changes: dict[str, int]  # kind -> count
    similarity: float  # 1 - (added + removed) / (old + new); moved text counts as kept
    fixed_findings: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Segment:
    op: str  # "equal" | "del" | "ins" | "move-from" | "move-to"
    text: str
    change: int | None = None  # index into Revision.changes


@dataclass
class Revision:
    old: str
    new: str
    changes: list[Change]
    stats: RevisionStats
    segments: list[_Segment] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"changes": [c.to_dict() for c in self.changes], "stats": self.stats.to_dict()}

    def to_html(self) -> str:
        """The new version with the changes marked up (<del>/<ins>); every piece of the writer's text is
        escaped, so the fragment is safe to show in a page whatever the drafts contain."""
        out = [
            '<div class="coach-diff" style="white-space:pre-wrap;line-height:1.9">',
            "<style>.coach-diff del{color:#b42318;background:#fee4e2}"
            ".coach-diff ins{color:#067647;background:#dcfae6;text-decoration:none}"
            ".coach-diff .move{background:#e0eaff;color:#3538cd}"
            ".coach-diff small{color:#667085}</style>",
        ]
        done_note: set[int] = set()
        for seg in self.segments:
            text = html.escape(seg.text)
            if seg.op == "equal":
                out.append(text)
                continue
            change = self.changes[seg.change] if seg.change is not None else None
            title = ""
            if change is not None:
                words = [change.kind_name] + change.explain()
                title = f' title="{html.escape("；".join(words), quote=True)}"'
            number = f' data-change="{seg.change}"' if seg.change is not None else ""
            if seg.op == "del":
                out.append(f'<del class="{change.kind if change else "deletion"}"{number}{title}>{text}</del>')
            elif seg.op == "ins":
                out.append(f'<ins class="{change.kind if change else "addition"}"{number}{title}>{text}</ins>')
            elif seg.op == "move-from":
                out.append(f'<del class="move"{number}{title}>{text}</del>')
            else:
                out.append(f'<ins class="move"{number}{title}>{text}</ins>')
            if change is not None and change.fixed and seg.change not in done_note and seg.op in ("ins", "move-to", "del"):
                # the note goes after the last piece of the change (its insertion, or a pure deletion)
                if seg.op != "del" or change.kind == "deletion":
                    done_note.add(seg.change)
                    notes = "；".join(html.escape(s) for s in change.explain())
                    out.append(f"<small>（{notes}）</small>")
        out.append("</div>")
        return "".join(out)


# --------------------------------------------------------------------------------------------------
# units and tokens


def _units(text: str) -> list[tuple[int, int]]:
    """Sentence spans: up to and including 。！？；(and closing quotes), or a line break on its own."""
    spans = []
    for m in _UNIT.finditer(text):
        if m.end() > m.start():
            spans.append((m.start(), m.end()))
    return spans


#: jieba is fed at most this many characters at a time: on a long run with no break (a 1 MB line of
#: letters or emoji) its segmentation is superlinear; a word cut at a chunk edge only costs diff precision
TOKEN_CHUNK = 1000


def _tokens(text: str, base: int) -> list[tuple[int, int]]:
    """jieba word spans of ``text`` shifted by ``base``."""
    spans = []
    for chunk_start in range(0, len(text), TOKEN_CHUNK):
        chunk = text[chunk_start : chunk_start + TOKEN_CHUNK]
        pos = 0
        for word in jieba.cut(chunk, HMM=True):
            spans.append((base + chunk_start + pos, base + chunk_start + pos + len(word)))
            pos += len(word)
        if pos != len(chunk):  # never seen; fall back to characters rather than misplace offsets
            return [(base + i, base + i + 1) for i in range(len(text))]
    return spans


def _alike(a: str, b: str, threshold: float) -> bool:
    return _similarity(a, b, threshold) >= threshold


def _similarity(a: str, b: str, floor: float = 0.0) -> float:
    """difflib's ratio, or 0 as soon as its cheap upper bounds fall below ``floor``. Past a few thousand
    characters (a "sentence" with no full stop) the exact ratio is quadratic: its upper bound stands in."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < floor:
        return 0.0
    quick = sm.quick_ratio()
    if quick < floor or len(a) + len(b) > 4000:
        return quick if quick >= floor else 0.0
    return sm.ratio()


def _norm(text: str) -> str:
    return "".join(text.split())


def _line_index(text: str) -> list[int]:
    return [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]


def _line_at(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset)


# --------------------------------------------------------------------------------------------------
# compare


def _default_checker() -> Checker | None:
    """coach.lint plus the structural outline checks, when coach.lint is installed."""
    try:
        from coach.lint import lint as lint_text
    except ImportError:  # the linter is optional for the diff
        lint_text = None
    from coach.checks.outline import check_outline, parse_outline

    def structure(text: str) -> list[Finding]:
        # a draft is prose: only numbered headings (一、（一）1.) are headings there. Read as an indented
        # outline, every short line of a 请示 (称谓, 妥否，请批示。, the date) would be a "heading" and the
        # diff would credit a deleted paragraph with fixing 同级标题不对仗
        if parse_outline(text).style != "numbered":
            return []
        return [f for f in check_outline(text) if f.rule != "outline.empty"]

    def check(text: str) -> list[Finding]:
        found = list(lint_text(text)) if lint_text else []
        found.extend(structure(text))
        return found

    check.structural = structure  # type: ignore[attr-defined]  # the cheap re-check of _attribute
    return check


def compare(old: str, new: str, lint: Checker | None | bool = None) -> Revision:
    """Compare two versions. ``lint``: a callable text -> findings used to say what each change fixed;
    None uses ``coach.lint.lint`` plus the structural outline checks; False skips the attribution."""
    old = old or ""
    new = new or ""
    checker: Checker | None = _default_checker() if lint is None else (lint or None)
    builder = _Builder(old, new)
    builder.run()
    # changes in reading order of the new version (moves were found first)
    order = sorted(range(len(builder.changes)), key=lambda k: (builder.changes[k].new_span, builder.changes[k].old_span))
    position = {old_index: new_index for new_index, old_index in enumerate(order)}
    changes = [builder.changes[k] for k in order]
    for seg in builder.segments:
        if seg.change is not None:
            seg.change = position[seg.change]
    if checker is not None and changes:
        _attribute(old, new, changes, builder.anchors, checker)
    counts = {kind: 0 for kind in KINDS}
    for change in changes:
        counts[change.kind] += 1
    added = sum(len(c.new_text) for c in changes if c.kind in ("addition", "wording"))
    removed = sum(len(c.old_text) for c in changes if c.kind in ("deletion", "wording"))
    total = len(old) + len(new)
    stats = RevisionStats(
        old_chars=len(old),
        new_chars=len(new),
        chars_added=added,
        chars_removed=removed,
        changes=counts,
        similarity=round(1 - (added + removed) / total, 4) if total else 1.0,
        fixed_findings=sum(len(c.fixed) for c in changes),
    )
    return Revision(old=old, new=new, changes=changes, stats=stats, segments=builder.segments)


class _Builder:
    """Aligns sentences, detects moves, diffs the rest word by word; collects changes, HTML segments and
    the anchors (equal old/new stretches) that map an old offset to a new one."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.segments: list[_Segment] = []
        self.anchors: list[tuple[int, int, int]] = []  # (old_start, new_start, length) of kept text
        self._old_lines = _line_index(old)
        self._new_lines = _line_index(new)

    # -- helpers

    def _add(self, kind: str, o: tuple[int, int], n: tuple[int, int], edited: bool = False) -> int:
        self.changes.append(
            Change(
                kind=kind,
                old_text=self.old[o[0] : o[1]],
                new_text=self.new[n[0] : n[1]],
                old_span=o,
                new_span=n,
                old_line=_line_at(self._old_lines, o[0]),
                new_line=_line_at(self._new_lines, n[0]),
                edited=edited,
            )
        )
        return len(self.changes) - 1

    def _equal(self, o0: int, o1: int, n0: int, n1: int) -> None:
        if o1 > o0:
            self.anchors.append((o0, n0, o1 - o0))
            self.segments.append(_Segment("equal", self.new[n0:n1]))

    # -- the passes

    def run(self) -> None:
        old_units, new_units = _units(self.old), _units(self.new)
        old_keys = [_norm(self.old[s:e]) or self.old[s:e] for s, e in old_units]
        new_keys = [_norm(self.new[s:e]) or self.new[s:e] for s, e in new_units]
        big = max(len(old_keys), len(new_keys)) > AUTOJUNK_UNITS
        matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=big)
        opcodes = matcher.get_opcodes()
        moves = self._find_moves(opcodes, old_units, new_units, old_keys, new_keys)
        move_of_old = {i: m for m in moves for i in range(m[0], m[1])}
        move_of_new = {j: m for m in moves for j in range(m[2], m[3])}
        move_change: dict[tuple[int, int, int, int], int] = {}
        for m in moves:
            o = (old_units[m[0]][0], old_units[m[1] - 1][1])
            n = (new_units[m[2]][0], new_units[m[3] - 1][1])
            edited = _norm(self.old[o[0] : o[1]]) != _norm(self.new[n[0] : n[1]])
            move_change[m] = self._add("move", o, n, edited)
            if not edited:
                self.anchors.append((o[0], n[0], o[1] - o[0]) if o[1] - o[0] == n[1] - n[0] else (o[0], n[0], 0))
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    (os_, oe), (ns, ne) = old_units[i], new_units[j]
                    if self.old[os_:oe] == self.new[ns:ne]:
                        self._equal(os_, oe, ns, ne)
                    else:  # equal once whitespace is ignored: diff the words to show the spacing change
                        self.segments.extend(seg for _pos, seg in self._diff_words([(os_, oe)], [(ns, ne)]))
                continue
            new_at = new_units[j1][0] if j1 < len(new_units) else len(self.new)
            old_at = old_units[i1][0] if i1 < len(old_units) else len(self.old)
            block: list[tuple[int, _Segment]] = []  # (position in the new text, segment), sorted below
            for i in range(i1, i2):
                if i in move_of_old:
                    s, e = old_units[i]
                    block.append((new_at, _Segment("move-from", self.old[s:e], move_change[move_of_old[i]])))
            old_rest = [i for i in range(i1, i2) if i not in move_of_old]
            new_rest = [j for j in range(j1, j2) if j not in move_of_new]
            if old_rest and new_rest:
                # word diff over the sentences that did not move (a moved one in between is left out)
                block.extend(self._diff_words([old_units[i] for i in old_rest], [new_units[j] for j in new_rest]))
            elif new_rest:
                for run in _runs(new_rest):
                    n = (new_units[run[0]][0], new_units[run[-1]][1])
                    idx = self._add("addition", (old_at, old_at), n)
                    block.append((n[0], _Segment("ins", self.new[n[0] : n[1]], idx)))
            elif old_rest:
                for run in _runs(old_rest):
                    o = (old_units[run[0]][0], old_units[run[-1]][1])
                    idx = self._add("deletion", o, (new_at, new_at))
                    block.append((new_at, _Segment("del", self.old[o[0] : o[1]], idx)))
            for j in range(j1, j2):
                if j in move_of_new:
                    s, e = new_units[j]
                    block.append((s, _Segment("move-to", self.new[s:e], move_change[move_of_new[j]])))
            block.sort(key=lambda item: item[0])  # stable: deletions stay before insertions at one point
            self.segments.extend(seg for _pos, seg in block)
        self.anchors.sort()

    def _find_moves(self, opcodes, old_units, new_units, old_keys, new_keys) -> list[tuple[int, int, int, int]]:
        """Pairs of (unmatched old sentence, unmatched new sentence) that are the same sentence in another
        place, merged into runs contiguous on both sides: (i1, i2, j1, j2)."""
        # a sentence edited where it stands is no move: pair such sentences inside each replaced block first
        # (in order, so two sentences that swapped places inside one block are still seen as a move)
        in_place_old: set[int] = set()
        in_place_new: set[int] = set()
        for tag, i1, i2, j1, j2 in opcodes:
            if tag != "replace":
                continue
            if (i2 - i1) * (j2 - j1) > MAX_MOVE_COMPARISONS:
                continue
            last = j1 - 1
            for i in range(i1, i2):
                for j in range(last + 1, j2):
                    if _alike(old_keys[i], new_keys[j], IN_PLACE_SIMILARITY):
                        in_place_old.add(i)
                        in_place_new.add(j)
                        last = j
                        break
        deleted: list[tuple[int, int]] = []  # (unit index, opcode index)
        inserted: list[tuple[int, int]] = []
        for k, (tag, i1, i2, j1, j2) in enumerate(opcodes):
            if tag in ("delete", "replace"):
                deleted.extend((i, k) for i in range(i1, i2) if i not in in_place_old)
            if tag in ("insert", "replace"):
                inserted.extend((j, k) for j in range(j1, j2) if j not in in_place_new)
        by_key: dict[str, list[tuple[int, int]]] = {}
        for j, k in inserted:
            by_key.setdefault(new_keys[j], []).append((j, k))
        used: set[int] = set()
        pairs: list[tuple[int, int]] = []
        for i, k in deleted:
            key = old_keys[i]
            if sum(ch.isalnum() for ch in key) < MOVE_MIN_CHARS:
                continue
            match = next((j for j, kk in by_key.get(key, []) if kk != k and j not in used), None)
            if match is None and len(deleted) * len(inserted) <= MAX_MOVE_COMPARISONS:
                best, best_ratio = None, MOVE_SIMILARITY
                for j, kk in inserted:
                    if kk == k or j in used:
                        continue
                    ratio = _similarity(key, new_keys[j], best_ratio)
                    if ratio >= best_ratio:
                        best, best_ratio = j, ratio
                match = best
            if match is not None:
                used.add(match)
                pairs.append((i, match))
        pairs.sort()
        runs: list[list[int]] = []
        for i, j in pairs:
            if runs and runs[-1][1] == i and runs[-1][3] == j:
                runs[-1][1] += 1
                runs[-1][3] += 1
            else:
                runs.append([i, i + 1, j, j + 1])
        return [tuple(r) for r in runs]  # type: ignore[misc]

    def _diff_words(
        self, old_spans: list[tuple[int, int]], new_spans: list[tuple[int, int]]
    ) -> list[tuple[int, _Segment]]:
        """Word-level diff of some old sentences against some new ones; (new position, segment) pairs."""
        old_tokens = [t for s, e in old_spans for t in _tokens(self.old[s:e], s)]
        new_tokens = [t for s, e in new_spans for t in _tokens(self.new[s:e], s)]
        o_end = old_spans[-1][1]
        n_end = new_spans[-1][1]
        a = [self.old[s:e] for s, e in old_tokens]
        b = [self.new[s:e] for s, e in new_tokens]
        out: list[tuple[int, _Segment]] = []
        for tag, i1, i2, j1, j2 in _word_opcodes(a, b):
            os_ = old_tokens[i1][0] if i1 < len(old_tokens) else o_end
            oe = old_tokens[i2 - 1][1] if i2 > i1 else os_
            ns = new_tokens[j1][0] if j1 < len(new_tokens) else n_end
            ne = new_tokens[j2 - 1][1] if j2 > j1 else ns
            if tag == "equal":
                # by stretches adjacent on both sides: a moved sentence between two equal words must not
                # be swallowed into the equal text
                run: list[int] | None = None  # [old start, old end, new start, new end]
                for (ts, te), (us, ue) in zip(old_tokens[i1:i2], new_tokens[j1:j2]):
                    if run is not None and run[1] == ts and run[3] == us:
                        run[1], run[3] = te, ue
                        continue
                    if run is not None:
                        self.anchors.append((run[0], run[2], run[1] - run[0]))
                        out.append((run[2], _Segment("equal", self.new[run[2] : run[3]])))
                    run = [ts, te, us, ue]
                if run is not None:
                    self.anchors.append((run[0], run[2], run[1] - run[0]))
                    out.append((run[2], _Segment("equal", self.new[run[2] : run[3]])))
                continue
            old_runs = _contiguous(old_tokens[i1:i2])
            new_runs = _contiguous(new_tokens[j1:j2])
            if tag == "replace" and len(old_runs) == 1 and len(new_runs) == 1:
                idx = self._add("wording", (os_, oe), (ns, ne))
                out.append((ns, _Segment("del", self.old[os_:oe], idx)))
                out.append((ns, _Segment("ins", self.new[ns:ne], idx)))
                continue
            # pure deletions/additions, or a change interrupted by a moved sentence: one piece per
            # stretch of adjacent text, so every change's span holds exactly its text
            for rs, re_ in old_runs:
                idx = self._add("deletion", (rs, re_), (ns, ns))
                out.append((ns, _Segment("del", self.old[rs:re_], idx)))
            for rs, re_ in new_runs:
                idx = self._add("addition", (os_, os_), (rs, re_))
                out.append((rs, _Segment("ins", self.new[rs:re_], idx)))
        return out


def _word_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes over two word lists, with the common beginning and end trimmed first and a
    too-long middle reported as one replacement instead of a quadratic search."""
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    ops: list[tuple[str, int, int, int, int]] = []
    if head:
        ops.append(("equal", 0, head, 0, head))
    if a_mid or b_mid:
        if len(a_mid) > MAX_DIFF_TOKENS or len(b_mid) > MAX_DIFF_TOKENS or not a_mid or not b_mid:
            tag = "replace" if a_mid and b_mid else ("delete" if a_mid else "insert")
            ops.append((tag, head, head + len(a_mid), head, head + len(b_mid)))
        else:
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, a_mid, b_mid, autojunk=False).get_opcodes():
                ops.append((tag, head + i1, head + i2, head + j1, head + j2))
    if tail:
        ops.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return ops


def _contiguous(tokens: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge token spans that touch into stretches of adjacent text."""
    runs: list[list[int]] = []
    for s, e in tokens:
        if runs and runs[-1][1] == s:
            runs[-1][1] = e
        else:
            runs.append([s, e])
    return [(s, e) for s, e in runs]


def _runs(indices: list[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] → [[1, 2, 3], [7, 8]]."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


# --------------------------------------------------------------------------------------------------
# what each change fixed


def _span_of(f: Finding, text: str, line_starts: list[int]) -> tuple[int, int] | None:
    if f.start is not None:
        end = f.end if f.end is not None else f.start
        return (max(0, f.start), max(f.start, end))
    if f.line:
        if f.line > len(line_starts):
            return None
        start = line_starts[f.line - 1]
        end = text.find("\n", start)
        return (start, len(text) if end < 0 else end)
    return None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open overlap, where an empty span (an insertion point or a zero-width finding) touches the
    spans it lies in or at the edge of."""
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] <= b[1] and b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]


def _map_offset(anchors: list[tuple[int, int, int]], pos: int) -> int | None:
    k = bisect_right(anchors, (pos, float("inf"), 0)) - 1
    if k >= 0:
        o0, n0, length = anchors[k]
        if o0 <= pos <= o0 + length:
            return n0 + (pos - o0)
    return None


#: outline rules that judge a heading by its own text; every other outline.* rule weighs a heading against
#: other headings (numbering, levels, count, balance, overlap), so it can vanish because of a change elsewhere
LOCAL_OUTLINE_RULES = frozenset({"outline.marker-punct", "outline.trailing-punct", "outline.empty-heading"})
#: at most this many counterfactual re-checks of relational findings per comparison; past it they are not named
MAX_RECHECKS = 12


def _relational(rule: str) -> bool:
    return rule.startswith("outline.") and rule not in LOCAL_OUTLINE_RULES


def _inside_changed_text(span: tuple[int, int], units: list[tuple[int, int]], changes: list[Change]) -> bool:
    """Every old sentence the finding covers was changed: a finding wider than the edited sentences (a
    whole line, the whole outline) is about more than this change."""
    if span[0] == span[1]:
        return True  # a point: the change that touches it is the changed text
    k = max(0, bisect_right(units, (span[0], float("inf"))) - 1)
    while k < len(units) and units[k][0] < span[1]:
        unit = units[k]
        if unit[1] > span[0] and not any(_overlaps(unit, c.old_span) for c in changes):
            return False
        k += 1
    return True


def _deleted(span: tuple[int, int], changes: list[Change]) -> bool:
    """The changes are deletions that remove all of ``span``'s text."""
    if any(c.kind != "deletion" for c in changes):
        return False
    pos = span[0]
    for c in sorted(changes, key=lambda c: c.old_span):
        if c.old_span[0] > pos:
            return False
        pos = max(pos, c.old_span[1])
    return pos >= span[1]


def _apply(old: str, changes: list[Change], span: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    """The old text with only ``changes`` made, and where ``span`` is in it."""
    out, pos, shift_start, shift_end = [], 0, 0, 0
    for c in sorted(changes, key=lambda c: c.old_span):
        s, e = c.old_span
        out.append(old[pos:s])
        out.append(c.new_text)
        pos = e
        delta = len(c.new_text) - (e - s)
        if e <= span[0]:
            shift_start += delta
        if s < span[1] or (s == e == span[1]):
            shift_end += delta
    out.append(old[pos:])
    return "".join(out), (span[0] + shift_start, max(span[0] + shift_start, span[1] + shift_end))


def _attribute(
    old: str, new: str, changes: list[Change], anchors: list[tuple[int, int, int]], checker: Checker
) -> None:
    """Name a finding on a change only when the finding's span lies in the old sentences the change edited
    and the finding is gone from that place in the new version. A finding that weighs a heading against
    the others (outline.parallel, top-count …) is named only when the change rewrote that heading (not
    deleted it) and the change alone, made on the old version, makes it go away."""
    old_findings = list(checker(old))
    new_findings = list(checker(new))
    old_lines, new_lines = _line_index(old), _line_index(new)
    units = _units(old)
    recheck = getattr(checker, "structural", checker)
    rechecks = 0
    new_by_rule: dict[str, list[tuple[int, int]]] = {}
    for g in new_findings:
        span = _span_of(g, new, new_lines)
        if span is not None:
            new_by_rule.setdefault(g.rule, []).append(span)
    for f in old_findings:
        span = _span_of(f, old, old_lines)
        if span is None:
            continue
        touched = [c for c in changes if _overlaps(span, c.old_span)]
        if not touched or not _inside_changed_text(span, units, touched):
            continue
        # where the finding's text is now: its mapped ends plus what the touching changes became
        points = [p for p in (_map_offset(anchors, span[0]), _map_offset(anchors, span[1])) if p is not None]
        for c in touched:
            points.extend(c.new_span)
        where = (min(points), max(points))
        if any(_overlaps(where, g) for g in new_by_rule.get(f.rule, [])):
            continue  # still there
        if _relational(f.rule):
            if any(c.kind == "move" for c in touched) or _deleted(span, touched):
                continue  # the heading was moved or deleted, not made parallel / renumbered
            line_start = old.rfind("\n", 0, span[0]) + 1
            line_end = old.find("\n", span[1])
            line_end = len(old) if line_end < 0 else line_end
            if any(c.old_span[0] < line_start or c.old_span[1] > line_end for c in touched):
                continue  # the change reaches past the heading's line: it rewrote more than the heading
            if rechecks >= MAX_RECHECKS:
                continue
            rechecks += 1
            alone, at = _apply(old, touched, span)
            if any(g.rule == f.rule and _overlaps(at, s) for g in recheck(alone)
                   for s in [_span_of(g, alone, _line_index(alone))] if s is not None):
                continue  # gone only thanks to other changes (a sibling deleted, the others renumbered)
        issue = FixedIssue(f.rule, f.message)
        for c in touched:
            if issue not in c.fixed:
                c.fixed.append(issue)


__all__ = ["Change", "FixedIssue", "KINDS", "Revision", "RevisionStats", "compare"]
