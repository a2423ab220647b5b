"""Recover a speech's structure from its cleaned text: title, salutation, the heading tree, and
where the opening ends and the closing begins.

Headings in Chinese speeches come in two kinds (the marker tables are data in ``coach.text.headings``):
- outline numbering with a fixed rank: 一、 > （一）/(一) > 1./1．/1、 > （1）/(1), usually on a line
  of their own — but in text scraped from the web the line breaks are often lost, so they may also
  start right after a sentence end inside a paragraph (seed 004);
- run-in points (一是/二是, 一要/二要, 第一，/第二，, 第一步/第二步, 首先/其次/再次/最后, 其一/其二),
  which start a sentence (or follow a colon: "体会有三点：一是办公室的工作很重要。") and nest
  under whatever heading encloses them. "第一位的是", "第一线", "统一是" are not markers: a marker
  must start a sentence/paragraph or follow a colon, and 第N needs punctuation after it.

A candidate only counts as a heading if it fits a numbered sequence: a run-in "一是" needs a
following "二是" under the same parent, "三是" needs an open "二是", a mid-paragraph "一、" needs a
following "二、". This is what keeps "……首先要搞清楚三个问题" or a stray "一要" out of the outline.

A heading ends at the end of its first sentence (003's "（一）抓好信息报送。信息报送是……": the
heading is "抓好信息报送"), at its line end, or — for outline headings whose line break was lost and
that have no end punctuation (004's "一、学习是办公室干部的立身之本学习是永恒的课题。") — where
the next sentence repeats the heading's first word, or, for its siblings, at the length their
parallel wording implies (对仗: "写材料是办公室干部的看家本领" is aligned on "是办公室干部的" with
"学习是办公室干部的立身之本", so it ends 4 characters after the shared part).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from coach.corpus.text import CLAUSE_PUNCT, TERMINATORS, TRAILING_PUNCT, line_spans, sentence_spans
from coach.corpus.types import Heading
from coach.text.headings import MarkerFamily, match_prose_marker

#: the longest line (characters) that can be a title, or a title glued in front of a salutation
TITLE_MAX = 60
#: a heading ending in ？ continues to the next 。 if the whole heading stays this short
#: ("(一)第一层面:为什么要学?解决“动力源”问题。")
QUESTION_HEADING_MAX = 40


#: salutations open a speech: "同志们：", "各位领导、同志们：", "尊敬的……，女士们、先生们："
SALUTATION_RE = re.compile(
    r"(?:尊敬的)?(?:[^\s，,。：:！!？?；;、]{1,20}?[、，,])*?"
    r"(?:同志们|同事们|朋友们|同学们|老师们|各位领导|各位来宾|各位嘉宾|各位代表|各位委员|各位同仁|各位同事|"
    r"女士们、先生们|女士们，先生们|女士们|先生们)[：:]"
)
#: a sentence starting like this after the last heading begins the closing
CLOSING_SENTENCE_RE = re.compile(r"(?:同志们[，,！!]|谢谢(?:大家|各位|您)?[！!。.]?$|谢谢)")
#: a paragraph starting like this after the last heading begins the closing: a speech's "最后，" or a
#: 公文's 结语 ("妥否，请批示。" "特此报告。" "以上意见，请……"), which the 落款 (署名、日期、附注) follows
CLOSING_PARAGRAPH_RE = re.compile(
    r"(?:最后[，,]|让我们|妥否|当否|可否|如无不妥|特此|专此|此复|以上(?:意见|报告|请示|通知)|请予(?:批复|函复|审批|支持))"
)
#: a 公文's 主送机关 standing on its own line: "××市××局：" "各区县政府办公室，市政府各部门办公室："
RECIPIENT_LINE_RE = re.compile(r"[^。！？；：:\n]{2,80}[：:]")


@dataclass
class _Candidate:
    family: MarkerFamily
    ordinal: int | None  # None for "最后" (continues the open sequence)
    start: int
    marker_end: int
    para: int  # index of the paragraph (line)
    para_start: bool  # the marker starts its paragraph


@dataclass
class _Node:
    cand: _Candidate
    parent: int | None
    depth: int
    ordinal: int
    scope_end: int = -1
    end: int = -1  # end of the heading text itself
    repaired: bool = False

    @property
    def family(self) -> str:
        return self.cand.family.key

    @property
    def start(self) -> int:
        return self.cand.start


@dataclass
class Structure:
    """Everything the chunker needs besides the text."""

    title: str = ""
    title_span: tuple[int, int] | None = None
    salutation: str = ""
    salutation_span: tuple[int, int] | None = None
    front_matter_end: int = 0  # passages start here
    headings: list[Heading] = field(default_factory=list)
    scope_ends: list[int] = field(default_factory=list)  # per heading: where its section ends
    body_start: int = 0
    closing_start: int = 0


# --------------------------------------------------------------------------------------------
# title and salutation


def _title_like(s: str, *, allow_commas: bool) -> bool:
    s = s.strip()
    if not (2 <= len(s) <= TITLE_MAX):
        return False
    if any(c in s for c in TERMINATORS):
        return False
    if not allow_commas and any(c in s for c in CLAUSE_PUNCT):
        return False
    return match_prose_marker(s, 0, para_start=True) is None


def find_front_matter(text: str) -> tuple[str, tuple[int, int] | None, str, tuple[int, int] | None, int]:
    """(title, title_span, salutation, salutation_span, front_matter_end)."""
    lines = line_spans(text)
    if not lines:
        return "", None, "", None, 0
    # the salutation: at the start of one of the first lines, or glued behind a title (seed 004)
    for li, (ls, le) in enumerate(lines[:4]):
        line = text[ls:le]
        m = SALUTATION_RE.search(line, 0, min(len(line), TITLE_MAX + 40))
        if m is None:
            continue
        prefix = line[: m.start()]
        if prefix and not _title_like(prefix, allow_commas=False):
            continue
        before = lines[:li]
        if not all(_title_like(text[s:e], allow_commas=True) or _is_byline(text[s:e]) for s, e in before):
            continue  # real text precedes it: not the salutation that opens the speech
        sal_span = (ls + m.start(), ls + m.end())
        title, title_span = "", None
        if before:
            title_span = before[0]
            title = text[title_span[0] : title_span[1]]
        elif prefix.strip():
            s, e = ls, ls + len(prefix.rstrip())
            title, title_span = text[s:e], (s, e)
        return title, title_span, m.group(0), sal_span, sal_span[0]
    # no salutation: a short first line without sentence punctuation is the title
    if len(lines) >= 2:
        s, e = lines[0]
        first = text[s:e]
        if _title_like(first, allow_commas=False) or (_title_like(first, allow_commas=True) and len(first) <= 30):
            front_end = lines[1][0]
            # the same title repeated at the start of the next line (a page header and the article)
            ns, ne = lines[1]
            if text.startswith(first, ns) and ne - ns > len(first):
                front_end = ns + len(first)
                while front_end < ne and text[front_end].isspace():
                    front_end += 1
            return first, (s, e), "", None, front_end
    return "", None, "", None, lines[0][0]


def _is_byline(s: str) -> bool:
    """A subtitle, speaker or date line between title and salutation: "——在……上的讲话", "（2023年5月10日）"."""
    s = s.strip()
    return bool(
        s.startswith(("——", "--", "—"))
        or re.fullmatch(r"[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]?", s)
        or (len(s) <= 8 and not any(c in s for c in TERMINATORS + CLAUSE_PUNCT))
    )


# --------------------------------------------------------------------------------------------
# heading candidates


def _candidates(text: str, paras: list[tuple[int, int]], front_end: int) -> list[_Candidate]:
    out: list[_Candidate] = []
    for pi, (ps, pe) in enumerate(paras):
        if pe <= front_end:
            continue
        starts: dict[int, bool] = {}  # position -> only after a colon/semicolon
        for s, _ in sentence_spans(text, max(ps, front_end), pe):
            starts[s] = False
        for m in re.finditer(r"[：:；;]", text[ps:pe]):
            p = ps + m.end()
            while p < pe and text[p].isspace():
                p += 1
            if p < pe and p not in starts:
                starts[p] = True
        for p in sorted(starts):
            if p < front_end:
                continue
            hit = match_prose_marker(text, p, after_colon=starts[p], para_start=p == ps or p == front_end)
            if hit is None:
                continue
            fam, ordinal, mend = hit
            out.append(_Candidate(fam, ordinal, p, mend, pi, p == ps or p == front_end))
    return out


# --------------------------------------------------------------------------------------------
# the tree


def _assemble(cands: list[_Candidate], para_ends: list[int]) -> list[_Node]:
    nodes: list[_Node] = []
    stack: list[int] = []

    def pop_to(k: int) -> None:  # keep stack[:k]
        del stack[k:]

    for c in cands:
        # run-in points that started inside a paragraph end with it
        while stack:
            top = nodes[stack[-1]]
            if top.cand.family.rank == 0 and not top.cand.para_start and top.cand.para != c.para:
                stack.pop()
            else:
                break
        fam = c.family
        same = next((k for k in range(len(stack) - 1, -1, -1) if nodes[stack[k]].family == fam.key), None)
        if fam.rank:
            if same is not None:
                prev = nodes[stack[same]]
                if c.ordinal is None:
                    continue
                if not (c.ordinal == prev.ordinal + 1 or (c.para_start and c.ordinal > prev.ordinal)):
                    continue
                pop_to(same)
            else:
                if not c.para_start and c.ordinal != 1:
                    continue
                lower = [k for k in range(len(stack)) if 0 < nodes[stack[k]].cand.family.rank < fam.rank]
                if lower:
                    pop_to(lower[-1] + 1)
                else:
                    higher = [k for k in range(len(stack)) if nodes[stack[k]].cand.family.rank >= fam.rank]
                    if higher:
                        pop_to(higher[0])
                    # outline numbering never nests under a run-in point that started mid-paragraph,
                    # and 一、 never nests under a run-in point at all
                    while stack and nodes[stack[-1]].cand.family.rank == 0 and (
                        fam.rank == 1 or not nodes[stack[-1]].cand.para_start
                    ):
                        stack.pop()
            ordinal = c.ordinal
        else:
            if same is not None:
                prev = nodes[stack[same]]
                ordinal = c.ordinal if c.ordinal is not None else prev.ordinal + 1
                if ordinal not in (prev.ordinal + 1, 1):
                    continue
                pop_to(same)
            else:
                if c.ordinal != 1:
                    continue
                ordinal = 1
        parent = stack[-1] if stack else None
        depth = nodes[parent].depth + 1 if parent is not None else 1
        nodes.append(_Node(c, parent, depth, ordinal))
        stack.append(len(nodes) - 1)
    _set_scopes(nodes, para_ends)
    return nodes


def _set_scopes(nodes: list[_Node], para_ends: list[int], text_end: int | None = None) -> None:
    """A heading's section ends where the next heading at its depth or above starts; a run-in point
    that started inside a paragraph ends with that paragraph at the latest."""
    for i, n in enumerate(nodes):
        end = None
        for j in range(i + 1, len(nodes)):
            if nodes[j].depth <= n.depth:
                end = nodes[j].start
                break
        n.scope_end = end if end is not None else (text_end if text_end is not None else 10**12)
        if n.cand.family.rank == 0 and not n.cand.para_start:
            n.scope_end = min(n.scope_end, para_ends[n.cand.para])
    # a child never outlives its parent
    for n in nodes:
        if n.parent is not None:
            n.scope_end = min(n.scope_end, nodes[n.parent].scope_end)


def _singletons(nodes: list[_Node]) -> set[int]:
    """Candidates (by start offset) that opened a sequence nobody continued."""
    seconds: dict[tuple, list[int]] = {}
    for m in nodes:
        if m.ordinal == 2:
            seconds.setdefault((m.parent, m.family), []).append(m.start)
    bad = set()
    for n in nodes:
        needs_sibling = n.cand.family.rank == 0 or not n.cand.para_start
        if not needs_sibling or n.ordinal != 1:
            continue
        if not any(s > n.start for s in seconds.get((n.parent, n.family), ())):
            bad.add(n.start)
    return bad


#: rejecting a singleton can (rarely) change how later candidates nest; stop re-checking after this
MAX_TREE_PASSES = 50


def _build_tree(text: str, paras: list[tuple[int, int]], front_end: int) -> list[_Node]:
    cands = _candidates(text, paras, front_end)
    para_ends = [e for _, e in paras]
    rejected: set[int] = set()
    nodes: list[_Node] = []
    for _ in range(MAX_TREE_PASSES):
        nodes = _assemble([c for c in cands if c.start not in rejected], para_ends)
        bad = _singletons(nodes)
        if not bad:
            break
        rejected |= bad
    return nodes


# --------------------------------------------------------------------------------------------
# where each heading ends


def _heading_ends(text: str, nodes: list[_Node], paras: list[tuple[int, int]]) -> None:
    starts = sorted(n.start for n in nodes)
    for n in nodes:
        ps, pe = paras[n.cand.para]
        k = bisect_right(starts, n.start)
        limit = min(starts[k], pe) if k < len(starts) else pe
        sents = sentence_spans(text, n.cand.marker_end, limit)
        if not sents:
            n.end = n.cand.marker_end
            continue
        end = sents[0][1]
        if text[end - 1] in "？?" and len(sents) > 1 and sents[1][1] - n.start <= QUESTION_HEADING_MAX:
            end = sents[1][1]
        n.end = end
    for n in nodes:
        if n.cand.family.rank and n.end < paras[n.cand.para][1]:
            _repair_by_repetition(text, n)
    _repair_by_alignment(text, nodes, paras)


def _repair_by_repetition(text: str, n: _Node) -> None:
    """"学习是办公室干部的立身之本学习是永恒的课题。": the heading ends where its first word comes back."""
    m = n.cand.marker_end
    body = text[m : n.end].rstrip(TERMINATORS)
    for size in (4, 3, 2):
        head = body[:size]
        if len(head) < size or any(c in head for c in CLAUSE_PUNCT + TERMINATORS + "“”\"'"):
            continue
        at = body.find(head, 6)
        if at == -1 or len(body) - at < 4:
            continue
        if any(c in body[:at] for c in CLAUSE_PUNCT):
            continue
        n.end = m + at
        n.repaired = True
        return


def _repair_by_alignment(text: str, nodes: list[_Node], paras: list[tuple[int, int]]) -> None:
    """Siblings with parallel wording end at the same distance after their shared part."""
    for i, n in enumerate(nodes):
        if n.repaired or not n.cand.family.rank or n.end >= paras[n.cand.para][1]:
            continue
        anchors = [a for a in nodes if a.repaired and a.parent == n.parent and a.family == n.family]
        body = text[n.cand.marker_end : n.end]
        for a in anchors:
            head = text[a.cand.marker_end : a.end]
            match = SequenceMatcher(None, head, body, autojunk=False).find_longest_match(0, len(head), 0, len(body))
            if match.size < 3 or match.b > 12:
                continue
            tail = len(head) - (match.a + match.size)
            cut = match.b + match.size + tail
            if cut >= len(body) or any(c in body[:cut] for c in CLAUSE_PUNCT + TERMINATORS):
                continue
            n.end = n.cand.marker_end + cut
            n.repaired = True
            break


# --------------------------------------------------------------------------------------------
# opening / closing


def _body_start(nodes: list[_Node], paras: list[tuple[int, int]], front_end: int, text: str) -> int:
    tops = [n for n in nodes if n.depth == 1]
    if tops:
        outline = [n for n in tops if n.cand.family.rank]
        if outline:
            best_rank = min(n.cand.family.rank for n in outline)
            return next(n.start for n in outline if n.cand.family.rank == best_rank)
        at_para = [n for n in tops if n.cand.para_start]
        family = (at_para or tops)[0].family
        return next(n.start for n in tops if n.family == family)
    # no headings: the opening is the first paragraph (with the salutation's line, if it stands alone)
    rest = [(s, e) for s, e in paras if e > front_end]
    if not rest:
        return front_end
    first = rest[0]
    line = text[max(first[0], front_end) : first[1]]
    if (SALUTATION_RE.fullmatch(line) or RECIPIENT_LINE_RE.fullmatch(line)) and len(rest) > 1:
        first = rest[1]
    if first == rest[-1]:
        sents = sentence_spans(text, max(first[0], front_end), first[1])
        return sents[1][0] if len(sents) > 2 else first[1]
    return first[1]


def _closing_start(text: str, after: int, paras: list[tuple[int, int]]) -> int:
    for ps, pe in paras:
        if pe <= after:
            continue
        s0 = max(ps, after)
        if s0 == ps and CLOSING_PARAGRAPH_RE.match(text, ps):
            return ps
        for s, e in sentence_spans(text, s0, pe):
            if CLOSING_SENTENCE_RE.match(text[s:e]):
                return s
    return len(text)


# --------------------------------------------------------------------------------------------


def parse_structure(text: str) -> Structure:
    """Title, salutation, headings (with levels = depth in the tree), opening/closing boundaries."""
    title, title_span, salutation, sal_span, front_end = find_front_matter(text)
    paras = line_spans(text)
    nodes = _build_tree(text, paras, front_end)
    _heading_ends(text, nodes, paras)
    body_start = _body_start(nodes, paras, front_end, text) if paras else 0
    last_end = max([n.end for n in nodes] + [body_start, front_end])
    closing = _closing_start(text, last_end, paras)
    _set_scopes(nodes, [e for _, e in paras], len(text))
    for n in nodes:
        if n.start < body_start:
            n.scope_end = min(n.scope_end, body_start)
        if n.start < closing:
            n.scope_end = min(n.scope_end, closing)
        n.scope_end = max(n.scope_end, n.end)
    headings = []
    index_of = {id(n): i for i, n in enumerate(nodes)}
    for n in nodes:
        body = text[n.cand.marker_end : n.end].rstrip(TRAILING_PUNCT)
        ps, pe = paras[n.cand.para]
        headings.append(
            Heading(
                level=n.depth,
                marker=text[n.start : n.cand.marker_end],
                text=body,
                start=n.start,
                end=n.end,
                run_in=n.end < pe,
                family=n.family,
                ordinal=n.ordinal,
                parent=index_of[id(nodes[n.parent])] if n.parent is not None else -1,
                position="opening" if n.start < body_start else ("closing" if n.start >= closing else "body"),
            )
        )
    return Structure(
        title=title,
        title_span=title_span,
        salutation=salutation,
        salutation_span=sal_span,
        front_matter_end=front_end,
        headings=headings,
        scope_ends=[n.scope_end for n in nodes],
        body_start=body_start,
        closing_start=closing,
    )
