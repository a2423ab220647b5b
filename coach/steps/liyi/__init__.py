"""立意: decide genre, direction, intent, audience and the one-sentence thesis before writing.

The checks here read the 立意卡 (``Project.brief``) only. Rules that come from 《党政机关公文处理工作条例》
are errors or warnings with ``source="regulation"``; habits of practice warn with ``source="practice"``.
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from coach.findings import Finding
from coach.project import GENRES, STATUTORY_GENRES, BriefCard, Project
from coach.steps.base import RetrievalScope, Step
from coach.text.vocabulary import BRIEF_FIELD_LABELS, SPEECH_CHARS_PER_MINUTE, SPEECH_PACE_RANGE

FAMILY = "立意卡"

#: fields every 立意卡 needs, with the words the writer reads
REQUIRED_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (name, BRIEF_FIELD_LABELS[name])
    for name in ("genre", "title", "leader_intent", "audience", "thesis", "expected_effect")
)

#: genres that are not 行文 between organs, so 行文方向 does not apply to them
NO_DIRECTION_GENRES = ("讲话稿", "调研报告", "工作总结", "述职报告")

#: the direction each genre normally travels (条例 and common practice); absent = any direction
EXPECTED_DIRECTION: dict[str, tuple[str, ...]] = {
    "请示": ("上行文",),
    "报告": ("上行文",),
    "议案": ("上行文",),
    "批复": ("下行文",),
    "命令（令）": ("下行文",),
    "决定": ("下行文",),
    "通知": ("下行文", "平行文"),
    "通报": ("下行文", "平行文"),
    "函": ("平行文",),
}

# words by which a 请示 asks for something; two asks in different clauses = two matters
_REQUEST_WORDS = re.compile(r"申请|请求|恳请|请予|请批准|批准|审批|核拨|拨付|增设|增加编制|解决|同意")
_CLAUSE_SPLIT = re.compile(r"[；;。！？!?\n]|，?(?:同时|另外|此外|以及|并且|还要|还需|再者)")
_ENUMERATION = re.compile(r"一是.{0,40}二是|其一.{0,40}其二|第一[，,、].{0,40}第二|[（(]一[)）].{0,60}[（(]二[)）]")
# phrases that ask a superior to approve something — forbidden in a 报告 (条例第十五条: 不得夹带请示事项)
_REQUEST_IN_REPORT = re.compile(r"请批示|请批准|请审批|妥否|恳请|请予|请求批准|当否|请审定|请核准")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_TITLE_END_PUNCT = re.compile(r"[，。；：、,.;:！？!?]$")



def _finding(rule: str, severity: str, message: str, suggestion: str | None, field: str | None,
             source: str = "check") -> Finding:
    extra = {"field": field} if field else {}
    return Finding(rule=rule, severity=severity, message=message, suggestion=suggestion,
                   family=FAMILY, source=source, extra=extra)


def _missing_fields(brief: BriefCard) -> list[Finding]:
    out = []
    genre = brief.genre.strip()
    for name, label in REQUIRED_FIELDS:
        if str(getattr(brief, name) or "").strip():
            continue
        if genre == "讲话稿" and name == "audience":
            # a speech is heard once: without knowing who listens, the wording cannot be chosen
            out.append(_finding("liyi.speech.audience", "error", "讲话稿必须先弄清受众：讲给谁听？",
                                "写明听众是谁（例如“全市办公室系统业务骨干”），按他们的接受习惯选择话语。", name))
            continue
        out.append(_finding(f"liyi.missing.{name}", "warning", f"立意卡还没有填写“{label}”。",
                            _MISSING_HINTS.get(name), name))
    if genre and genre not in NO_DIRECTION_GENRES and not brief.direction.strip():
        out.append(_finding("liyi.missing.direction", "warning", "还没有选定行文方向（上行文、平行文、下行文）。",
                            "行文方向决定称谓、语气和结尾用语：对上级要请示、报告，对下级要部署、要求。", "direction"))
    if genre == "讲话稿":
        if not brief.occasion.strip():
            out.append(_finding("liyi.missing.occasion", "warning", "讲话稿还没有写明场合（什么会议、什么活动）。",
                                "场合决定开头的称呼和讲话的调子，例如“全市办公室系统业务培训会”。", "occasion"))
    elif not (brief.target_chars or brief.speaking_minutes):
        out.append(_finding("liyi.missing.length", "info", "还没有定下目标篇幅。",
                            "先定篇幅，搭骨时才知道每一部分大约写多少字。", "target_chars"))
    return out


_MISSING_HINTS = {
    "genre": "先定文种：不同文种有不同的行文规则和语言风格。",
    "title": "标题一般由“发文机关 + 关于……的 + 文种”组成，讲话稿写明场合即可。",
    "leader_intent": "写下领导关注的重点、想表达的核心观点、希望达到的效果。",
    "audience": "写给上级、下级还是群众？受众不同，接受习惯和话语体系不同。",
    "thesis": "用一句话说出全文最想让人记住的观点。",
    "expected_effect": "读完或听完之后，希望对方知道什么、做什么？",
}


def _matters_in(text: str) -> list[str]:
    """The clauses of ``text`` that each ask for something (one per matter)."""
    return [c.strip() for c in _CLAUSE_SPLIT.split(text) if c and _REQUEST_WORDS.search(c)]


def _genre_rules(brief: BriefCard) -> list[Finding]:
    genre = brief.genre.strip()
    direction = brief.direction.strip()
    out: list[Finding] = []
    if genre and genre not in GENRES:
        out.append(_finding("liyi.genre.unknown", "warning", f"“{genre}”不是常用文种。",
                            "法定文种共15种（决议、决定、命令（令）……纪要），另有讲话稿、调研报告、工作总结、述职报告。",
                            "genre"))

    expected = EXPECTED_DIRECTION.get(genre)
    if expected and direction and direction not in expected:
        severity = "error" if genre in ("请示", "批复", "报告") else "warning"
        out.append(_finding(
            "liyi.genre.direction", severity,
            f"{genre}一般是{'或'.join(expected)}，这里选了{direction}。",
            _DIRECTION_HINTS.get(genre, "请核对文种和行文方向是否一致。"), "direction",
            source="regulation" if severity == "error" else "practice"))

    if genre == "请示":
        asked = brief.thesis + "\n" + brief.leader_intent + "\n" + brief.title
        matters = _matters_in(brief.thesis) or _matters_in(brief.title)
        intent_matters = _matters_in(brief.leader_intent)
        if len(matters) >= 2 or len(intent_matters) >= 2 or _ENUMERATION.search(asked):
            several = matters if len(matters) >= 2 else intent_matters
            shown = "；".join(several[:3]) if several else "列举了多项内容"
            out.append(_finding(
                "liyi.qingshi.one_matter", "error",
                f"请示应当一文一事，这里似乎请示了不止一件事：{shown}。",
                "把不同事项分成几份请示分别报送，每份只请示一件事。", "thesis", source="regulation"))
        if re.search(r"[、，,]|和|及", brief.recipient.strip()):
            out.append(_finding(
                "liyi.qingshi.one_recipient", "warning", "请示原则上只主送一个上级机关，这里似乎写了几个主送机关。",
                "只写负责审批的那个上级机关，需要其他机关知道的用抄送。", "recipient", source="regulation"))

    if genre == "报告":
        text = "\n".join((brief.thesis, brief.leader_intent, brief.expected_effect, brief.title))
        m = _REQUEST_IN_REPORT.search(text)
        if m or "请示" in brief.title:
            word = m.group(0) if m else "请示"
            out.append(_finding(
                "liyi.baogao.request", "error",
                f"报告中不得夹带请示事项，这里出现了“{word}”。",
                "需要上级批准的事项另写一份请示；报告只汇报工作、反映情况、答复询问。", "thesis",
                source="regulation"))

    if direction == "下行文" and genre not in ("请示", "报告"):
        m = _REQUEST_IN_REPORT.search("\n".join((brief.thesis, brief.leader_intent, brief.title)))
        if m:
            out.append(_finding(
                "liyi.downward.request", "warning",
                f"下行文中出现了向上级请求批准的用语“{m.group(0)}”。",
                "对下级用“请认真贯彻执行”“请结合实际抓好落实”等；需要上级批准的事项另写请示。", "thesis",
                source="practice"))

    if genre == "讲话稿":
        if not brief.speaking_minutes:
            out.append(_finding("liyi.speech.minutes", "error", "讲话稿必须先定讲话时长。",
                                f"先问清给多少分钟，再按每分钟约{SPEECH_CHARS_PER_MINUTE}字估算篇幅。", "speaking_minutes"))
        if brief.speaking_minutes and brief.target_chars:
            pace = brief.target_chars / brief.speaking_minutes
            low, high = SPEECH_PACE_RANGE
            if not low <= pace <= high:
                out.append(_finding(
                    "liyi.speech.pace", "warning",
                    f"{brief.target_chars}字讲{brief.speaking_minutes}分钟，相当于每分钟{pace:.0f}字，"
                    f"通常每分钟讲{low}—{high}字。",
                    f"按{brief.speaking_minutes}分钟算，篇幅在{brief.speaking_minutes * low}—"
                    f"{brief.speaking_minutes * high}字比较合适。", "target_chars", source="practice"))

    title = brief.title.strip()
    if title and _TITLE_END_PUNCT.search(title):
        out.append(_finding("liyi.title.punctuation", "warning", "标题末尾不加标点符号。",
                            f"改为“{title[:-1]}”。", "title", source="standard"))
    if title and genre in STATUTORY_GENRES:
        names = ("命令", "令") if genre == "命令（令）" else (genre,)
        if not title.endswith(names):
            out.append(_finding(
                "liyi.title.genre", "info", f"公文标题一般以文种结尾，例如“关于……的{names[0]}”。",
                f"检查标题是否写明文种“{names[0]}”。", "title", source="practice"))
    return out


_DIRECTION_HINTS = {
    "请示": "请示是向上级机关请求指示、批准的上行文；对下级布置工作请用通知或意见。",
    "报告": "报告是向上级机关汇报工作、反映情况的上行文。",
    "批复": "批复是答复下级机关请示的下行文。",
    "函": "函用于不相隶属机关之间商洽工作、询问和答复问题、请求批准。",
}


def _thesis_rules(brief: BriefCard) -> list[Finding]:
    thesis = brief.thesis.strip()
    if not thesis:
        return []
    out = []
    sentences = [s for s in _SENTENCE_END.split(thesis) if s.strip()]
    if len(sentences) > 1:
        out.append(_finding("liyi.thesis.one_sentence", "warning",
                            f"核心观点写成了{len(sentences)}句话，还可以再提炼。",
                            "试着只留一句：如果只能让听众记住一句话，是哪一句？", "thesis"))
    elif len(thesis) > 60:
        out.append(_finding("liyi.thesis.long", "info", f"核心观点有{len(thesis)}个字，有点长。",
                            "一句话核心观点最好在三十字左右，便于提炼标题。", "thesis"))
    if brief.target_chars is not None and brief.target_chars <= 0:
        out.append(_finding("liyi.length.invalid", "error", "目标字数应当大于零。", None, "target_chars"))
    return out


def _brief_started(project: Project) -> bool:
    defaults = BriefCard()
    return any(getattr(project.brief, f.name) != getattr(defaults, f.name) for f in fields(BriefCard))


def check(project: Project, embed=None) -> list[Finding]:
    from coach.genres import structure

    brief = project.brief
    # the genre's rules on the title too (“关于购置设备及增加编制的请示” is two matters before a word is written)
    title = structure.genre_rule_findings(brief.genre, brief.title)
    for f in title:
        f.extra.setdefault("field", "title")
    return _missing_fields(brief) + _genre_rules(brief) + title + _thesis_rules(brief)


def query(project: Project, focus: str | None = None) -> str:
    """Openings that state a purpose like ours: search with the thesis, occasion and genre."""
    brief = project.brief
    parts = [focus] if focus else [brief.thesis, brief.occasion, brief.title, brief.leader_intent]
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return text or brief.genre


STEP = Step(
    key="liyi",
    name="立意",
    order=1,
    goal="动笔之前先想清楚：写什么文种、为谁写、领导想说什么、受众是谁、核心观点是哪一句。",
    checklist=(
        "明确文种和行文方向，不把报告写成夹带请示事项的“报告式请示”",
        "吃透领导意图：关注的重点、想表达的核心观点、希望达到的效果",
        "分析受众：写给上级、下级还是群众，用对方听得懂、能接受的话",
        "用一句话写出核心观点",
        "定下篇幅或讲话时长",
    ),
    # openings show how real speeches state their purpose
    scope=RetrievalScope(positions=("opening",), kinds=("paragraph",)),
    artifact="立意卡",
    check=check,
    query=query,
    folder=Path(__file__).parent,
    started=_brief_started,
    focus="brief.thesis",
    parts_in_focus=False,
    context_blocks=("outline_if_written",),
    example_hint="填写标题、场合或核心观点后，这里会显示真实讲话稿里开门见山、点明主旨的开头。",
    chat_hint="例如：“这篇讲话的核心观点怎么提炼？”“请示和报告有什么区别？”",
    page="coach.steps.liyi.page:render",
)
