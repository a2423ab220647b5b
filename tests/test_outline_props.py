"""Properties of the outline parser, renderer and checks: parse → render → parse keeps the tree, and no
input — empty, punctuation only, emoji, control characters, mixed scripts, 1 MB — makes them raise or
report a line that does not exist."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.checks.outline import Outline, OutlineNode, check_outline, parse_outline, render_outline

SEVERITIES = {"error", "warning", "info"}

# heading words: Chinese, Latin, digits, emoji and the punctuation headings carry (no line breaks, no 。
# followed by more text, which would make the rest a run-in paragraph)
_HEADING_CHARS = st.sampled_from(
    list("加强学习提升素质坚定信念提振士气严格管理实干苦干创新机制促进发展办公室工作")
    + list("abcXYZ0123456789，、“”（）()：；！？-·%")
    + ["😀", "Ω", "é", " "]
)
heading_text = st.text(_HEADING_CHARS, min_size=0, max_size=14).map(str.strip)


def trees(depth: int = 0):
    children = st.just([]) if depth >= 6 else st.lists(st.deferred(lambda: trees(depth + 1)), max_size=3 if depth < 2 else 2)
    return st.builds(lambda text, kids: OutlineNode(level=depth + 1, text=text, children=kids), heading_text, children)


outlines = st.lists(trees(), min_size=0, max_size=6).map(lambda roots: Outline(roots=roots))


def shape(outline: Outline):
    return [(depth, node.text) for node, _parent, depth in outline.walk()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(outlines)
def test_render_then_parse_gives_back_the_same_tree(outline):
    rendered = render_outline(outline)
    parsed = parse_outline(rendered)
    assert shape(parsed) == shape(outline)
    assert render_outline(parsed) == rendered


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parse_render_parse_is_stable_on_any_text(text):
    first = render_outline(parse_outline(text))
    again = parse_outline(first)
    assert render_outline(again) == first
    assert shape(parse_outline(render_outline(again))) == shape(again)


def _assert_sane(findings, text):
    lines = text.count("\n") + 1
    for f in findings:
        assert f.severity in SEVERITIES
        assert f.message and "{" not in f.message
        if f.line is not None:
            assert 1 <= f.line <= lines
        if f.start is not None:
            assert 0 <= f.start <= (f.end if f.end is not None else f.start) <= len(text)
        if f.fix is not None:
            assert 0 <= f.fix.start <= f.fix.end <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_checks_never_raise_and_lines_are_in_range(text):
    _assert_sane(check_outline(text, thesis="提高办公室工作水平"), text)


numbered_lines = st.lists(
    st.tuples(
        st.sampled_from(["一、", "二、", "三、", "（一）", "(二)", "（二）、", "1.", "2、", "(1)", "（3）", "①", "", "- ", "  "]),
        heading_text,
        st.sampled_from(["", "。", "，", "；", "？"]),
    ),
    max_size=25,
).map(lambda rows: "\n".join(m + t + p for m, t, p in rows))


@settings(max_examples=200, deadline=None)
@given(numbered_lines)
def test_checks_on_messy_numbered_outlines(text):
    findings = check_outline(text)
    _assert_sane(findings, text)
    # every safe fix applies cleanly and the fixed text parses to as many headings
    for f in findings:
        if f.fix is not None and f.fix.safe:
            fixed = text[: f.fix.start] + f.fix.replacement + text[f.fix.end :]
            assert len(parse_outline(fixed).nodes()) == len(parse_outline(text).nodes())


def test_hostile_and_odd_inputs():
    for text in [
        "",
        "。，、；：？！…—",
        "\x00\x01\x02\x1b[31m一、红色\x1b[0m",
        "一、😀🚀\n二、🎉",
        "一、English heading\n二、Заголовок\n三、عنوان\n四、見出し",
        "\u2028\u2029\x85\x0b\x0c",
        "一、" + "长" * 5000,
        "\n" * 1000,
        "<script>alert(1)</script>\n一、<b>粗体</b>",
    ]:
        findings = check_outline(text)
        _assert_sane(findings, text)
        assert render_outline(parse_outline(render_outline(parse_outline(text)))) == render_outline(parse_outline(text))


def test_one_megabyte_of_text():
    block = "一、加强学习，提升素质\n（一）坚定信念\n这是正文段落，讲了很多内容。\n1.细化措施\n"
    text = (block * (1_000_000 // len(block) + 1))[:1_000_000]
    outline = parse_outline(text)
    assert len(outline.roots) > 10_000
    findings = check_outline(outline)
    _assert_sane(findings, text)
    assert any(f.rule == "outline.top-count" for f in findings)
    prose = "同志们，今天我们召开会议。" * 80_000
    assert [f.rule for f in check_outline(prose)] == ["outline.empty"]  # one long line of prose: no heading
