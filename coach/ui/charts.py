"""Data for the 修容 charts: how long the sentences and the sections are.

Long sentences are hard to read aloud and hard to follow on paper; sections of very different lengths
usually mean one point is thin. The tables are pandas DataFrames and the charts Altair specs, so both
can be checked without a browser. Altair renders text as data (Vega), never as HTML.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd


#: a sentence longer than this many characters is hard to say in one breath (practice, not a standard)
LONG_SENTENCE = 60

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) for every sentence of ``text``; line breaks end sentences too."""
    out = []
    for m in _SENTENCE.finditer(text):
        s = m.group(0)
        if s.strip():
            out.append((m.start(), m.end(), s.strip()))
    return out


def sentence_lengths(text: str) -> pd.DataFrame:
    rows = [
        {"序号": n, "字数": len(s), "句子": s[:30] + ("…" if len(s) > 30 else ""), "过长": len(s) > LONG_SENTENCE,
         "长度": "过长" if len(s) > LONG_SENTENCE else "正常"}
        for n, (_, _, s) in enumerate(sentences(text), start=1)
    ]
    return pd.DataFrame(rows, columns=["序号", "字数", "句子", "过长", "长度"])


def _chars(text: str) -> int:
    return len("".join(text.split()))


def section_lengths(text: str, title: str = "") -> pd.DataFrame:
    """Characters per part of the text on screen (the 修容 draft), cut at its top-level headings
    (一、二、…): 开头 is what comes before the first one (the title line left out)."""
    from coach.checks.outline import parse_outline

    roots = [n for n in parse_outline(text).roots if n.start is not None]
    rows = []
    head = text[: roots[0].start] if roots else text
    lines = head.split("\n")
    if title.strip() and lines and lines[0].strip() == title.strip():
        head = "\n".join(lines[1:])
    if _chars(head) and roots:
        rows.append({"部分": "开头", "字数": _chars(head)})
    for i, node in enumerate(roots):
        end = roots[i + 1].start if i + 1 < len(roots) else len(text)
        label = (node.marker + node.text).strip() or f"第{i + 1}部分"
        rows.append({"部分": label[:30], "字数": _chars(text[node.start:end])})
    return pd.DataFrame(rows, columns=["部分", "字数"])


def sentence_chart(frame: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("序号:O", title="句子（按顺序）", axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("字数:Q", title="字数"),
            color=alt.Color("长度:N", scale=alt.Scale(domain=["正常", "过长"], range=["#8aa9d6", "#e06c5a"]),
                            legend=alt.Legend(title=f"超过{LONG_SENTENCE}字")),
            tooltip=["序号", "字数", "句子"],
        )
        .properties(height=220)
    )


def section_chart(frame: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar(color="#8aa9d6")
        .encode(
            y=alt.Y("部分:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("字数:Q", title="字数"),
            tooltip=["部分", "字数"],
        )
        .properties(height=max(80, 32 * len(frame)))
    )
