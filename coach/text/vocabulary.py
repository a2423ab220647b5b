"""The words the writer reads for things every part of the coach names: finding severities, the 立意卡
fields, and the one speaking pace.

Severity: error / warning / info are 错误 / 提醒 / 建议 everywhere — the app, the offline coach, the LLM
prompt, the Markdown export and the command line (the command line used to say 警告/提示; the app's words,
which its score explanation "每条提醒扣5分，每条建议扣1分" is written in, won).

Speaking pace: a prepared 讲话 is read at about 180–260 字/分钟 (the range the 立意 check holds a brief to).
One midpoint, 220, is used wherever a single figure is needed (the 填肉 speaking-time estimate, the 立意
advice "按每分钟约220字估算篇幅"). Before, 填肉 estimated with 240 and 立意 advised 200 — the same draft
got two different lengths for the same minutes.
"""

from __future__ import annotations

#: finding severity → the word the writer reads
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "提醒", "info": "建议"}
#: most serious first
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


def severity_label(severity: str) -> str:
    """错误 / 提醒 / 建议; an unknown severity is shown as it is."""
    return SEVERITY_LABELS.get(severity, severity)


def severity_counts(counts: dict[str, int]) -> str:
    """"错误 3，提醒 1，建议 0" for a count per severity (every severity named, in order)."""
    return "，".join(f"{label} {counts.get(sev, 0)}" for sev, label in SEVERITY_LABELS.items())


#: a step's state (``Project.step_status``) → the word the writer reads
STATUS_LABELS: dict[str, str] = {"not_started": "未开始", "in_progress": "进行中", "done": "已完成"}

#: every field of the 立意卡 (``coach.project.BriefCard``) with the words the writer reads, in card order
BRIEF_FIELD_LABELS: dict[str, str] = {
    "genre": "文种",
    "direction": "行文方向",
    "occasion": "场合",
    "title": "标题",
    "recipient": "主送机关",
    "leader_intent": "领导意图",
    "audience": "受众",
    "thesis": "一句话核心观点",
    "expected_effect": "预期效果",
    "target_chars": "目标字数",
    "speaking_minutes": "讲话时长（分钟）",
    "signature": "署名",
    "date": "成文日期",
}


def brief_label(field: str) -> str:
    return BRIEF_FIELD_LABELS.get(field, field)


#: the usual pace of a prepared speech, 字/分钟 (characters that are spoken: no punctuation)
SPEECH_PACE_RANGE: tuple[int, int] = (180, 260)
#: the one figure used for estimates: the middle of the range
SPEECH_CHARS_PER_MINUTE: int = (SPEECH_PACE_RANGE[0] + SPEECH_PACE_RANGE[1]) // 2
