"""Data for the 修容 charts: how long the sentences and the sections are.

Long sentences are hard to read aloud and hard to follow on paper; sections of very different lengths
usually mean one point is thin. The tables are pandas DataFrames and the charts Altair specs, so both
can be checked without a browser. Altair renders text as data (Vega), never as HTML.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from coach.project import Project

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
        {"序号": n, "字数": len(s), "句子": s[:30] + ("…" if len(s) > 30 else ""), "过长": len(s) > LONG_SENTENCE}
        for n, (_, _, s) in enumerate(sentences(text), start=1)
    ]
    return pd.DataFrame(rows, columns=["序号", "字数", "句子", "过长"])


def section_lengths(project: Project) -> pd.DataFrame:
    rows = []
    if project.opening.strip():
        rows.append({"部分": "开头", "字数": len(project.opening.strip())})
    for n, section in enumerate(project.sections, start=1):
        rows.append({"部分": section.heading.strip() or f"第{n}部分", "字数": len(section.body.strip())})
    if project.closing.strip():
        rows.append({"部分": "结尾", "字数": len(project.closing.strip())})
    return pd.DataFrame(rows, columns=["部分", "字数"])


def sentence_chart(frame: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("序号:O", title="句子（按顺序）", axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("字数:Q", title="字数"),
            color=alt.Color("过长:N", scale=alt.Scale(domain=[False, True], range=["#8aa9d6", "#e06c5a"]),
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
