"""A writing project: the work of every step, as one plain, JSON-serialisable value.

The store persists it, the coach reads it, the exporters render it, the app edits it. Keeping it a
plain dataclass (no ORM objects, no Streamlit state) is what lets every part be tested alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from coach.genres import load_genres

FORMAT_VERSION = 1

# the genres are data (coach/genres/genres.yaml): 15 法定文种 (《党政机关公文处理工作条例》第八条),
# 讲话稿 and the everyday 事务文书
STATUTORY_GENRES = tuple(g.name for g in load_genres() if g.statutory)
OTHER_GENRES = tuple(g.name for g in load_genres() if not g.statutory)
GENRES = STATUTORY_GENRES + OTHER_GENRES
DIRECTIONS = ("上行文", "平行文", "下行文")


@dataclass
class BriefCard:
    """立意卡: what the writer decides before writing."""

    genre: str = ""  # 文种, one of GENRES
    direction: str = ""  # 行文方向, one of DIRECTIONS
    occasion: str = ""  # 场合
    title: str = ""
    recipient: str = ""  # 主送机关 (ends with "：" when rendered)
    leader_intent: str = ""  # 领导意图
    audience: str = ""  # 受众
    thesis: str = ""  # 一句话核心观点
    expected_effect: str = ""  # 预期效果
    target_chars: int | None = None  # 目标字数
    speaking_minutes: int | None = None  # 讲话时长（分钟）
    signature: str = ""  # 署名
    date: str = ""  # 成文日期, e.g. 2026年11月22日


@dataclass
class Section:
    """One top-level part of the draft (填肉): its heading from the outline and the writer's text."""

    heading: str
    body: str = ""


@dataclass
class Version:
    """A snapshot of the draft (成器): on demand or at every step change."""

    id: str
    label: str
    created_at: str  # ISO 8601
    text: str
    step: str = ""


@dataclass
class ChatMessage:
    role: str  # "user" | "assistant"
    content: str
    extras: dict[str, Any] = field(default_factory=dict)  # cited passages, findings, suggested edits


@dataclass
class Project:
    name: str = "未命名文稿"
    id: str | None = None
    brief: BriefCard = field(default_factory=BriefCard)
    outline: str = ""  # numbered outline text (一、 （一） 1. （1）)
    opening: str = ""  # 开头 (before the first heading)
    sections: list[Section] = field(default_factory=list)
    closing: str = ""  # 结尾
    draft: str = ""  # the whole text being polished (修容/成器); "" until assembled
    versions: list[Version] = field(default_factory=list)
    pins: list[dict[str, Any]] = field(default_factory=list)  # pinned passages (Passage.to_dict())
    chats: dict[str, list[ChatMessage]] = field(default_factory=dict)  # step key -> messages
    step_status: dict[str, str] = field(default_factory=dict)  # step key -> not_started|in_progress|done
    current_step: str = ""  # a step key; "" = the first step (the step list lives in coach.steps)
    format_version: int = FORMAT_VERSION

    def assemble_draft(self) -> str:
        """The draft built from the title, 主送机关, opening, sections and closing.

        This is what 修容 starts from when the writer has not edited the whole text yet.
        """
        parts: list[str] = []
        if self.brief.title.strip():
            parts.append(self.brief.title.strip())
        if self.brief.recipient.strip():
            recipient = self.brief.recipient.strip().rstrip("：:")
            parts.append(recipient + "：")
        if self.opening.strip():
            parts.append(self.opening.strip())
        for section in self.sections:
            if section.heading.strip():
                parts.append(section.heading.strip())
            if section.body.strip():
                parts.append(section.body.strip())
        if self.closing.strip():
            parts.append(self.closing.strip())
        return "\n".join(parts)

    def has_body_text(self) -> bool:
        """Anything written beyond the 立意卡 and the outline: an opening, a section, a closing or a draft."""
        return bool(self.opening.strip() or self.closing.strip() or self.draft.strip()
                    or any(s.body.strip() for s in self.sections))

    def current_text(self) -> str:
        """The draft if the writer has one, otherwise the assembled sections."""
        return self.draft if self.draft.strip() else self.assemble_draft()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Project":
        known = {f.name for f in fields(cls)}
        d = {k: v for k, v in data.items() if k in known}
        brief_keys = {f.name for f in fields(BriefCard)}
        d["brief"] = BriefCard(**{k: v for k, v in (data.get("brief") or {}).items() if k in brief_keys})
        d["sections"] = [Section(**s) for s in data.get("sections") or []]
        d["versions"] = [Version(**v) for v in data.get("versions") or []]
        d["chats"] = {
            step: [ChatMessage(**m) for m in msgs] for step, msgs in (data.get("chats") or {}).items()
        }
        return cls(**d)
