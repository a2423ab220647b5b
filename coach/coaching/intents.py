"""The offline coach's answers, one method per intent (examples, method, check, rule, next, ghostwrite,
rewrite, help, unknown) and the pieces they share. Each takes the turn and what was gathered for it and
returns the reply's paragraphs; ``OfflineCoach.compose`` picks one by the route's intent."""

from __future__ import annotations

import logging
import re
from typing import Any

from coach.coaching.context import (
    Focus,
    anchor,
    finding_excerpt,
    sentence_bounds,
    sentences_containing,
    shorten,
    step_text,
)
from coach.coaching.format import change_view, example_text, md_escape, passage_source, q
from coach.coaching.gather import EXAMPLE_COUNT, Gathered
from coach.coaching.questions import OpenQuestion, next_questions
from coach.coaching.resources import FaqEntry, unfold
from coach.coaching.types import CoachTurn, ReplyExtras, SuggestedEdit
from coach.findings import Finding
from coach.project import Project
from coach.steps import STEPS, get_step
from coach.text.vocabulary import SEVERITY_LABELS as SEVERITY_LABEL
from coach.text.vocabulary import SEVERITY_ORDER

log = logging.getLogger(__name__)

TOP_FINDINGS = 3


class IntentReplies:
    """Mixed into ``OfflineCoach``: uses its gathered sources (``self.data``, ``self.retriever`` …)."""

    # -- pieces ------------------------------------------------------------------------------------
    def _anchor(self, turn: CoachTurn, g: Gathered) -> str:
        return md_escape(anchor(turn.project, g.step.key, g.focus))

    def _questions(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras, limit: int = 1) -> list[OpenQuestion]:
        bank = self.data.banks[g.step.key]
        found = next_questions(bank, turn.project, g.focus, turn.conversation(), limit=limit, intent=g.route.intent)
        extras.questions.extend(qn.id for qn in found)
        return found

    def _next_line(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras, lead: str = "接下来想一想") -> str:
        found = self._questions(turn, g, extras)
        if found:
            return f"**{lead}：** {md_escape(found[0].text)}"
        return self._step_done_line(g)

    def _step_done_line(self, g: Gathered) -> str:
        bank = self.data.banks[g.step.key]
        later = [s for s in STEPS if s.order > g.step.order]
        line = bank.done or "这一步的要点都过了一遍。"
        if later and later[0].name not in line:
            line += f"（下一步：「{later[0].name}」）"
        return f"**下一步：** {md_escape(line)}"

    # -- intents -----------------------------------------------------------------------------------
    def _examples(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras) -> list[str]:
        bank = self.data.banks[g.step.key]
        out = [self._anchor(turn, g)]
        genre_note = self._missing_genre_note(g)
        topic = self._topic_phrases(turn.message, g)
        hits = g.hits
        if topic and not g.problems:
            hits = self._on_topic(turn, g, topic)
            if not hits:
                # say so plainly: weak passages about something else are not "相近的" examples
                shown = "、".join(f"「{md_escape(t)}」" for t in topic)
                held = self._corpus_summary()
                out.append(f"语料库里没有关于{shown}的范文{held}。与其拿不相干的段落凑数，不如在“管理语料库”"
                           f"上传本单位{shown}方面的稿子，上传后我就能从里面找例文。")
                if genre_note:
                    out.append(genre_note)
                out.append(self._next_line(turn, g, extras))
                return out
            g.hits = hits
        if not hits:
            why = g.problems[0] if g.problems else f"例文库里没有找到和「{g.focus.label}」相近的段落"
            out.append(md_escape(why) + "。可以换个说法，比如说出你想写的主题词，再让我找一次；"
                       "语料库里没有同类的范文时，可以在“管理语料库”上传。")
            if genre_note:
                out.append(genre_note)
            out.append(self._next_line(turn, g, extras))
            return out
        if genre_note:
            out.append(genre_note)
            out.append(f"下面{len(hits)}段来自现有语料，只能借鉴写法（怎样交代缘由、怎样把话说得具体），不是范文：")
        else:
            intro = (bank.examples_intro or "下面是例文库里和「{focus}」相近的{n}段例文。")
            intro = intro.replace("{n}", str(len(hits))).replace("{focus}", "、".join(topic) or g.focus.label)
            out.append(f"{md_escape(intro)}{md_escape(bank.examples_hint)}")
        out.extend(self._show_passages(g, extras))
        out.append(self._next_line(turn, g, extras, lead="对照例文，想一想"))
        return out

    def _about_genre(self, g: Gathered) -> str:
        return g.route.named_genre or g.route.genre

    def _missing_genre_note(self, g: Gathered) -> str:
        """When the writer's genre is not in the corpus: say so, and what is still useful."""
        genre = self._about_genre(g)
        held = self.corpus_genres()
        if not genre or held is None or genre in held:
            return ""
        from coach.genres import get_genre

        info = get_genre(genre)
        if info is None:
            return ""
        have = "、".join(sorted(held)) or "其他文种"
        note = f"语料库里还没有{genre}的范文（现有的是{have}），可以在“管理语料库”上传本单位的{genre}。"
        try:
            from coach.genres import structure as genre_structure

            s = genre_structure.structure(genre)
        except Exception:  # the structure data is optional for this note
            s = None
        if s is not None and s.parts:
            note += f"{genre}的标准结构是{s.parts_text()}，可以先照它列提纲。"
        return md_escape(note)

    def _corpus_summary(self) -> str:
        held = self.corpus_genres()
        if not held:
            return ""
        return f"（现有的范文是{'、'.join(sorted(held))}）"

    def _topic_phrases(self, message: str, g: Gathered) -> list[str]:
        """What the writer wants examples about ("安全生产方面的范文" -> ["安全生产"]): the message's words
        minus intent words, function words, generic words and genre names; neighbouring words are kept
        together, since jieba cuts 安全生产 into 安全 / 生产 and a passage about 地区生产总值 is not about it."""
        if not message.strip():
            return []
        import jieba
        from coach.genres import load_genres

        skip = set(self.data.stopwords) | set(self.data.topic_generic)
        skip |= {n for gen in load_genres() for n in (gen.name, *gen.aliases)}
        skip |= {g.step.name, g.focus.label}
        # "第二部分" / a quoted heading name the part being written (the focus), not a topic
        text = re.sub(r"第[一二三四五六七八九十\d]{1,3}(?:部分|节|点|个(?:部分|标题)?|段|条)?", " ", message)
        if g.focus.heading:
            text = text.replace(g.focus.heading, " ")
        for intent in self.data.intents:
            if intent.id == "examples":
                for pattern in intent.patterns:
                    text = pattern.sub(" ", text)
        phrases, current = [], ""
        for word in jieba.lcut(text):
            w = word.strip()
            if not w or not re.match(r"^[\u4e00-\u9fffA-Za-z0-9]+$", w) or w in skip:
                if len(current) >= 2:
                    phrases.append(current)
                current = ""
                continue
            current += w
        if len(current) >= 2:
            phrases.append(current)
        return list(dict.fromkeys(phrases))

    def _on_topic(self, turn: CoachTurn, g: Gathered, topic: list[str]) -> list[Any]:
        """Passages that are about the topic the writer named: searched for the topic itself, and holding it."""
        hits, problem = self.retrieve(g.step, turn.project, g.focus, " ".join(topic), turn.message, EXAMPLE_COUNT + 3)
        if problem:
            return []
        keep = []
        for h in hits:
            p = h.passage
            where = "\n".join([getattr(p, "title", "") or "", *(getattr(p, "heading_path", ()) or ()), p.text])
            if any(t in where for t in topic):
                keep.append(h)
        return keep[:EXAMPLE_COUNT]

    def _show_passages(self, g: Gathered, extras: ReplyExtras) -> list[str]:
        out = []
        for n, hit in enumerate(g.hits, start=1):
            p = hit.passage
            quoted = "\n".join("> " + md_escape(line) for line in shorten(p.text, 160).splitlines() if line.strip())
            out.append(f"**[{n}]** {md_escape(passage_source(p))}\n{quoted}")
            extras.passages.append({
                "n": n, "cited": True, "score": float(getattr(hit, "score", 0.0) or 0.0),
                "source": passage_source(p), "passage": p.to_dict(),
            })
        return out

    def _method(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras) -> list[str]:
        """How to do this step: its goal and checklist (the five-step method of speech 004), one real example."""
        bank = self.data.banks[g.step.key]
        out = [self._anchor(turn, g)]
        out.append(f"「{g.step.name}」这一步的要领：{md_escape(g.step.goal)}")
        out.append("\n".join(f"- {md_escape(item)}" for item in g.step.checklist))
        if g.hits:
            out.append(f"看一个真实的例子。{md_escape(bank.examples_hint)}")
            out.extend(self._show_passages(g, extras))
        out.append(self._next_line(turn, g, extras, lead="照这个要领，先想一想"))
        return out

    def _check(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras) -> list[str]:
        out = [self._anchor(turn, g)]
        if g.problems and not g.findings:
            out.append(md_escape(g.problems[-1]) + "。")
        findings = sorted(g.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.start or 0, f.line or 0))
        if not findings:
            if not g.problems:
                out.append(f"我按「{g.step.name}」的要求检查了一遍，没有发现需要改的地方。这一步还可以对照下面几条自己再看看：")
                out.append("\n".join(f"- {md_escape(item)}" for item in g.step.checklist[:3]))
            out.append(self._next_line(turn, g, extras))
            return out
        # one line per rule (the same placeholder seven times is one lesson), worst rules first
        by_rule: dict[str, list[Finding]] = {}
        for f in findings:
            by_rule.setdefault(f.rule, []).append(f)
        counts = {sev: sum(1 for f in findings if f.severity == sev) for sev in SEVERITY_LABEL}
        summary = "、".join(f"{n}处{SEVERITY_LABEL[s]}" for s, n in counts.items() if n)
        top = list(by_rule.values())[:TOP_FINDINGS]
        kinds = f"，分属{len(by_rule)}类" if len(by_rule) > 1 else ""
        lead = f"先看最要紧的{len(top)}类：" if len(by_rule) > len(top) or len(top) > 1 else "具体是："
        out.append(f"我按「{g.step.name}」的要求检查了一遍，发现{len(findings)}处问题（{summary}{kinds}），{lead}")
        lines = []
        for i, group in enumerate(top, start=1):
            f = group[0]
            extras.findings.append(f.to_dict())
            times = f"，共{len(group)}处" if len(group) > 1 else ""
            line = f"{i}. **{md_escape(f.message)}**（{SEVERITY_LABEL.get(f.severity, f.severity)}{times}）"
            excerpt = finding_excerpt(turn.project, g.step.key, f)
            line += f"——你写的{q(excerpt, 60)}。" if excerpt else "。"
            if f.suggestion:
                line += f"改法：{md_escape(f.suggestion)}"
            edit = self._edit_from_fix(turn.project, g.step.key, f)
            if edit is not None:
                extras.edits.append(edit)
                line += f"（可以直接采用：{md_escape(change_view(edit.before, edit.after))}）"
            lines.append(line)
        out.append("\n".join(lines))
        rest = len(findings) - sum(len(grp) for grp in top)
        if rest > 0:
            out.append(f"其余{rest}处可以在检查结果里逐条查看。")
        out.append(self._next_line(turn, g, extras))
        return out

    def _edit_from_fix(self, project: Project, step_key: str, f: Finding) -> SuggestedEdit | None:
        """A finding's fix as an edit of the enclosing sentence, which the writer may accept."""
        if f.fix is None:
            return None
        text = step_text(project, step_key)
        fx = f.fix
        if not (0 <= fx.start <= fx.end <= len(text)):
            return None
        left, right = sentence_bounds(text, fx.start, fx.end)
        before = text[left:right]
        after = text[left:fx.start] + fx.replacement + text[fx.end:right]
        if not before.strip() or before == after:
            return None
        target = get_step(step_key).work_text
        return SuggestedEdit(target=target, before=before.strip("\n"), after=after.strip("\n"), reason=f.message)

    def _rules_for(self, message: str, faq: list[tuple[FaqEntry, float]]) -> list[Any]:
        """Lint rules the question names. ``find_rules`` also matches loosely (a question word in a rule's
        explanation); only rules whose own terms occur in the question count here. With a FAQ answer
        already chosen, a rule must be named at least as precisely as the FAQ entry to add anything."""
        if self.rule_finder is None or not message.strip():
            return []
        try:
            rules = list(self.rule_finder(message))
        except Exception as exc:
            log.warning("rule lookup failed: %s", type(exc).__name__)
            return []
        named = max((len(k) for e, _ in faq[:1] for k in e.keywords if k and k in message), default=0)
        keep = []
        for r in rules:
            terms = getattr(r, "terms", None)
            words = terms() if callable(terms) else ()
            if sum(len(t) for t in set(words) if len(t) >= 2 and t in message) >= max(named, 2):
                keep.append(r)
        return keep[:1] if faq else keep[:2]

    def _rule(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras) -> list[str]:
        entries: list[FaqEntry] = []
        if g.route.faq:
            best = g.route.faq[0][1]
            close = (lambda s: s >= best - 0.06) if g.route.how == "meaning" else (lambda s: s >= best * 0.75)
            entries = [e for e, s in g.route.faq if close(s)][:2]
        rules = self._rules_for(turn.message, list(g.route.faq))
        if not entries and not rules:
            return self._unknown(turn, g, extras, lead=f"你问的是{q(turn.message, 40)}。这条规则我的资料里还没有收录。")
        out: list[str] = []
        for e in entries:
            extras.rules.append(e.id)
            examples = []
            if e.right:
                examples.append("✓ " + "　".join(md_escape(x) for x in e.right[:2]))
            if e.wrong:
                examples.append("✗ " + "　".join(md_escape(x) for x in e.wrong[:2]))
            if e.basis:
                examples.append(f"依据：{md_escape(e.basis)}")
            out.append(f"**{md_escape(e.question)}**\n\n{md_escape(e.answer)}" + ("\n\n" + "\n".join(examples) if examples else ""))
        for rule in rules:
            rid = str(getattr(rule, "id", ""))
            if rid in extras.rules:
                continue
            extras.rules.append(rid)
            title = str(getattr(rule, "title", "") or re.sub(r"[（(]?“?\{[^}]*\}”?[）)]?", "", str(getattr(rule, "message", ""))))
            text = f"**规则：{md_escape(title)}**（{md_escape(rid)}）"
            explanation = str(getattr(rule, "explanation", "") or getattr(rule, "suggestion", "") or "").strip()
            if explanation:
                text += "\n\n" + md_escape(unfold(explanation))
            examples = getattr(rule, "examples", None) or {}
            bad = [example_text(x) for x in (examples.get("match") or ())] if isinstance(examples, dict) else []
            good = [example_text(x) for x in (examples.get("no_match") or ())] if isinstance(examples, dict) else []
            ex = (["✓ " + md_escape(good[0])] if good else []) + (["✗ " + md_escape(bad[0])] if bad else [])
            if ex:
                text += "\n\n" + "\n".join(ex)
            out.append(text)
        out.append(self._tie_rule_to_text(turn, g, entries, rules))
        out.append(self._next_line(turn, g, extras))
        return out

    def _tie_rule_to_text(self, turn: CoachTurn, g: Gathered, entries: list[FaqEntry], rules: list[Any]) -> str:
        # the words to look for in the writer's text: the entry's own check words, else its short keywords
        # (a keyword like "数据应该怎么用" is a way of asking, not a word of the draft)
        words = [w for e in entries for w in (e.check_words or [k for k in e.keywords if 2 <= len(k) <= 3])]
        for r in rules:
            words.extend(w for w in (getattr(r, "words", None) or {}) if w)
        project = turn.project
        text = "\n".join([project.brief.thesis, project.outline, project.current_text()])
        hits = sentences_containing(text, words, limit=2) if words else []
        if hits:
            shown = "；".join(q(s, 60) for s in hits)
            return f"对照你的文字：{shown}——按上面的规则看看用得对不对。"
        if words:
            shown = "".join(f"「{md_escape(w)}」" for w in list(dict.fromkeys(words))[:4])
            return f"你目前的文字里没有用到{shown}，写到时对照一下即可。{self._anchor(turn, g)}"
        return self._anchor(turn, g)

    def _next(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras) -> list[str]:
        found = self._questions(turn, g, extras, limit=2)
        out = [self._anchor(turn, g)]
        if not found:
            out.append(self._step_done_line(g))
            return out
        out.append(f"**下一步：** {md_escape(found[0].text)}")
        if len(found) > 1:
            out.append(f"想好以后，再考虑：{md_escape(found[1].text)}")
        return out

    def _ghostwrite(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras) -> list[str]:
        return [
            "我是教练，不替你写全文——稿子得是你自己想清楚、写出来的，"
            f"{self._owner_phrase(turn)}才有底气，改的人才知道改什么。"
            "我们一步一步来，每一步我都可以给你看例文、帮你检查、回答规范问题。",
            self._anchor(turn, g),
            self._next_line(turn, g, extras, lead="先从这个问题开始"),
        ]

    def _owner_phrase(self, turn: CoachTurn) -> str:
        from coach.genres import get_genre

        g = get_genre(turn.project.brief.genre)
        return "讲的人" if g is None or g.is_speech else "发文的单位"

    def _rewrite(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras) -> list[str]:
        focus = g.focus
        out = [self._anchor(turn, g)]
        if not focus.text.strip():
            out.append(f"「{md_escape(focus.label)}」还没有文字，没有可改的地方。先写几句，哪怕很粗糙，我再帮你看。")
            out.append(self._next_line(turn, g, extras))
            return out
        edits = self._lint_edits(turn.project, focus)
        out.append("离线时我只改有规可依的地方（用词、标点、数字、序号），内容上怎么改由你来定。")
        if edits:
            extras.edits.extend(edits)
            lines = [f"- {md_escape(change_view(e.before, e.after))}（{md_escape(e.reason)}）" for e in edits[:5]]
            out.append(f"「{md_escape(focus.label)}」里有{len(edits)}处可以这样改，你可以逐条采用或忽略：\n" + "\n".join(lines))
        else:
            out.append(f"按规则看，「{md_escape(focus.label)}」没有需要改的字词和标点。")
        found = self._questions(turn, g, extras, limit=2)
        if found:
            out.append("内容上，可以从这里自己改一改：\n" + "\n".join(f"- {md_escape(x.text)}" for x in found))
        return out

    def _lint_edits(self, project: Project, focus: Focus) -> list[SuggestedEdit]:
        if self.linter is None:
            return []
        text = focus.text
        try:
            findings = list(self.linter(text, genre=project.brief.genre or None))
        except Exception as exc:
            log.warning("lint failed: %s", type(exc).__name__)
            return []
        edits: list[SuggestedEdit] = []
        # one edit per sentence, all of that sentence's non-overlapping fixes applied together
        by_sentence: dict[tuple[int, int], list[Finding]] = {}
        for f in findings:
            if f.fix is None or not (0 <= f.fix.start <= f.fix.end <= len(text)):
                continue
            by_sentence.setdefault(sentence_bounds(text, f.fix.start, f.fix.end), []).append(f)
        for (left, right), group in sorted(by_sentence.items()):
            group.sort(key=lambda f: f.fix.start)  # type: ignore[union-attr]
            pieces, cursor, reasons = [], left, []
            for f in group:
                fx = f.fix
                assert fx is not None
                if fx.start < cursor:
                    continue  # overlaps an earlier fix in this sentence
                pieces.append(text[cursor:fx.start] + fx.replacement)
                cursor = fx.end
                reasons.append(f.message)
            after = "".join(pieces) + text[cursor:right]
            before = text[left:right]
            if before != after:
                edits.append(SuggestedEdit(target=focus.target, before=before.strip("\n"), after=after.strip("\n"),
                                           reason="；".join(dict.fromkeys(reasons))))
        return edits

    def _help(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras, lead: str = "") -> list[str]:
        bank = self.data.banks[g.step.key]
        out = []
        if lead:
            out.append(lead)
        out.append(self._anchor(turn, g))
        if bank.help:
            out.append(md_escape(bank.help))
        out.append("你可以这样问我：\n" + "\n".join(f"- {md_escape(line)}" for line in self.data.help_lines))
        out.append(self._next_line(turn, g, extras))
        return out

    def _unknown(self, turn: CoachTurn, g: Gathered, extras: ReplyExtras, lead: str = "") -> list[str]:
        if not lead:
            # quote the writer: two different questions never get the same canned reply
            lead = ("你还没有输入问题。" if not turn.message.strip()
                    else f"你说的是{q(turn.message, 40)}，这句话我没能对上我会做的事。")
        return self._help(turn, g, extras, lead=lead)
