"""文种 as data: what each genre is, which way it travels, what its 立意卡 asks for.

The genres live in ``genres.yaml`` beside this module (the 15 法定公文, 讲话稿 and the common 事务文书);
every step asks here instead of keeping its own list, so a genre added to the file reaches every step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("genres.yaml")
FAMILY_LABELS = {"statutory": "法定公文", "speech": "讲话稿", "affairs": "事务文书"}


@dataclass(frozen=True)
class Genre:
    name: str  # what the writer reads and picks: "请示"
    family: str  # statutory | speech | affairs
    directions: tuple[str, ...]  # 上行文 / 平行文 / 下行文 it normally travels; () = not 行文 between organs
    recipient: bool  # has a 主送机关
    signature: bool  # has a 落款 (署名 and 成文日期)
    aliases: tuple[str, ...] = ()
    direction_hint: str = ""  # what to tell a writer who picked another direction for it (立意)

    @property
    def statutory(self) -> bool:
        return self.family == "statutory"

    @property
    def is_speech(self) -> bool:
        return self.family == "speech"

    @property
    def family_label(self) -> str:
        return FAMILY_LABELS[self.family]


@lru_cache(maxsize=4)
def load_genres(path: str | None = None) -> tuple[Genre, ...]:
    data = yaml.safe_load(Path(path or DATA_FILE).read_text(encoding="utf-8")) or {}
    out = []
    for entry in data.get("genres") or []:
        out.append(Genre(name=entry["name"], family=entry["family"], directions=tuple(entry.get("directions") or ()),
                         recipient=bool(entry.get("recipient")), signature=bool(entry.get("signature")),
                         aliases=tuple(entry.get("aliases") or ()),
                         direction_hint=str(entry.get("direction_hint") or "")))
    return tuple(out)


def genre_names() -> tuple[str, ...]:
    return tuple(g.name for g in load_genres())


def get_genre(name: str | None) -> Genre | None:
    """The genre named (or aliased) ``name``; None for "" or an unknown name."""
    name = (name or "").strip()
    if not name:
        return None
    for g in load_genres():
        if name == g.name or name in g.aliases:
            return g
    return None


# a title ends with its genre: "关于申请购置办公设备的请示", "在全市……会议上的讲话"; what may follow the genre
# word and is not part of it: "（试行）" "（征求意见稿）" "（代拟稿）", a closing 书名号 or quotation mark
_TITLE_TRAILER = re.compile(r"(?:[（(][^（）()]{1,10}[）)]|[》”\"」』\s。])+$")
_TITLE_LEAD = re.compile(r"^[《“\"「『\s]+")
#: closing formulas read from a document's last lines (title first: a 报告 that ends "妥否，请批示" is a
#: 报告式请示, still a 报告 to file; the genre checks say what is wrong with it)
_CLOSING_CUES = (
    (re.compile(r"妥否|当否|可否|请批示|请审批|请予审批|特此请示"), "请示"),
    (re.compile(r"特此函|特此复函|请予函复|函告为盼|此函"), "函"),  # before 批复: "特此复函" holds "此复"
    (re.compile(r"特此批复|此复"), "批复"),
    (re.compile(r"特此报告|专此报告"), "报告"),
    (re.compile(r"特此通报"), "通报"),
    (re.compile(r"特此通知"), "通知"),
    (re.compile(r"谢谢大家|谢谢各位|谢谢！"), "讲话稿"),
)
#: a speech opens with a salutation on (nearly) its first line
_SPEECH_OPENING = re.compile(r"^[^\n]{0,60}?(?:同志们|各位领导|各位来宾|各位代表|女士们)[，、,：:]", re.M)


def detect_genre(title: str, text: str = "") -> Genre | None:
    """The genre a document's title names, else what its closing formula (or a speech's salutation)
    suggests; None when unsure. "关于加强公文管理的意见（试行）" is an 意见, "《关于……的通知》" a 通知."""
    title = _TITLE_LEAD.sub("", _TITLE_TRAILER.sub("", (title or "").strip()))
    by_length = sorted(((n, g) for g in load_genres() for n in (g.name, *g.aliases)), key=lambda ng: -len(ng[0]))
    for n, g in by_length:
        if title.endswith(n):
            return g
    if re.search(r"讲话|致辞|发言", title):
        return get_genre("讲话稿")
    body = (text or "").strip()
    tail = body[-300:]
    for pattern, name in _CLOSING_CUES:
        if pattern.search(tail):
            return get_genre(name)
    if _SPEECH_OPENING.search(body[:400]):
        return get_genre("讲话稿")
    return None


def genres_in(titles) -> set[str]:
    """The genres a corpus holds, read from its documents' titles."""
    found = set()
    for title in titles:
        g = detect_genre(title or "")
        if g is not None:
            found.add(g.name)
    return found


def named_genre(message: str) -> Genre | None:
    """A genre the writer names in a question ("有没有请示的范文？"); the longest name wins."""
    names = sorted(((n, g) for g in load_genres() for n in (g.name, *g.aliases) if len(n) >= 2),
                   key=lambda ng: -len(ng[0]))
    return next((g for n, g in names if n in (message or "")), None)


def missing_genre_note(genre: str, held: set[str], with_passages: bool = True) -> str:
    """What to tell a writer whose genre the corpus does not hold, and what is still useful."""
    have = "、".join(sorted(held)) or "讲话稿"
    shown = f"下面的段落只能借鉴写法，不是{genre}的范文；" if with_passages else ""
    return (f"语料库里还没有{genre}的范文（现有的是{have}）。{shown}"
            f"写作教练编写的{genre}示范文本和标准结构在“搭骨”里可以打开，本单位的{genre}可以在“管理语料库”上传。")


__all__ = ["genres_in", "named_genre", "missing_genre_note", "Genre", "load_genres", "genre_names", "get_genre", "detect_genre", "FAMILY_LABELS"]
