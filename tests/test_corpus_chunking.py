"""Passages: offsets, coverage, sentence integrity and length bounds — on the real seeds and on
generated speeches (hypothesis)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.corpus import MAX_CHARS, MIN_CHARS, clean_text, ingest_paths, parse_document

END_CHARS = "。！？!?”’\"」』）)】》."


@pytest.fixture(scope="module")
def seed_documents(seeds_dir):
    documents, problems = ingest_paths([seeds_dir])
    assert problems == [] and len(documents) == 5
    return documents


def check_invariants(doc):
    """What every consumer of passages relies on."""
    text = doc.text
    covered = [0] * len(text)
    previous_end = doc.front_matter_end
    for n, p in enumerate(doc.passages):
        assert p.id == f"{doc.doc_id}#{n}"
        assert p.text == text[p.start : p.end]  # offsets are exact
        assert p.text and p.text == p.text.strip()
        assert p.start >= previous_end  # in order, no overlap
        previous_end = p.end
        assert p.kind in ("heading", "paragraph") and p.position in ("opening", "body", "closing")
        for i in range(p.start, p.end):
            covered[i] += 1
    # everything after the front matter (title lines) is in exactly one passage
    for i, ch in enumerate(text):
        if i >= doc.front_matter_end and not ch.isspace():
            assert covered[i] == 1, (i, text[max(0, i - 10) : i + 10])
    assert not text[: doc.front_matter_end].strip() or doc.title in text[: doc.front_matter_end]
    # headings are passages of their own, and no paragraph passage contains a heading
    spans = {(p.start, p.end) for p in doc.passages if p.kind == "heading"}
    for h in doc.headings:
        assert (h.start, h.end) in spans
        assert not any(p.start < h.start < p.end for p in doc.passages)
    order = {"opening": 0, "body": 1, "closing": 2}
    # the opening's own run-in points (001: 体会有三点：一是……) are body-like content inside the opening
    opening_points = {h.label for h in doc.headings if h.position == "opening"}
    ranks = [0 if p.heading_path and p.heading_path[0] in opening_points else order[p.position]
             for p in doc.passages]
    assert ranks == sorted(ranks)


def check_no_sentence_cut(doc):
    """Between two paragraph passages there is a sentence end or a line break; a passage followed
    by a heading may end anywhere a heading can start (after a colon: "体会有三点：一是……")."""
    for p, q in zip(doc.passages, doc.passages[1:]):
        if p.kind == "heading" or q.kind == "heading":
            continue
        between = doc.text[p.end : q.start]
        assert "\n" in between or doc.text[p.end - 1] in END_CHARS, (p.text[-20:], q.text[:20])


def test_seed_passages_invariants(seed_documents):
    for doc in seed_documents:
        check_invariants(doc)
        check_no_sentence_cut(doc)


def test_seed_passage_lengths(seed_documents):
    paragraphs = [p for d in seed_documents for p in d.passages if p.kind == "paragraph"]
    assert all(len(p.text) <= MAX_CHARS for p in paragraphs)
    short = [p for p in paragraphs if len(p.text) < MIN_CHARS]
    # short passages only where a paragraph between two headings is short on its own
    for p in short:
        doc = next(d for d in seed_documents if d.doc_id == p.doc_id)
        i = doc.passages.index(p)
        neighbours = doc.passages[max(0, i - 1) : i] + doc.passages[i + 1 : i + 2]
        assert all(
            n.kind == "heading" or n.heading_path != p.heading_path or n.position != p.position
            or len(n.text) + len(p.text) + 1 > MAX_CHARS
            for n in neighbours
        ), p.text
    mean = sum(len(p.text) for p in paragraphs) / len(paragraphs)
    assert 120 <= mean <= 260


def test_short_paragraphs_merge_under_the_same_heading_only(seed_documents):
    doc0 = next(d for d in seed_documents if d.doc_id.startswith("000"))
    # "同志们：" alone on its line merges with the first paragraph, keeping the line break
    assert doc0.passages[0].text.startswith("同志们：\n今天，我们把各各单位")
    doc3 = next(d for d in seed_documents if d.doc_id.startswith("003"))
    assert doc3.passages[-1].text.endswith("作出新的更大的贡献！\n谢谢大家！")
    for doc in seed_documents:
        for p in doc.passages:
            if p.kind == "paragraph" and "\n" in p.text:
                # a merged passage never spans a heading
                assert not any(p.start < h.start < p.end for h in doc.headings)


def test_long_single_sentence_stays_whole():
    sentence = "我们要" + "认真学习贯彻会议精神、" * 40 + "切实把各项工作做好。"
    assert len(sentence) > MAX_CHARS
    doc = parse_document(f"同志们：\n开头一句话。\n一、总体要求\n{sentence}短句。\n二、工作安排\n结束。", "t")
    p = next(p for p in doc.passages if sentence in p.text)
    assert p.text == sentence  # alone, uncut; the following short sentence is another passage
    check_invariants(doc)


def test_long_paragraph_is_cut_into_even_pieces():
    sentences = [f"这是第{'零一二三四五六七八九'[i % 10]}句比较长的话，用来检验切分是否均匀合理。" for i in range(30)]
    para = "".join(sentences)  # 30 × 27 = 810 characters
    doc = parse_document("同志们：\n" + para, "t")
    pieces = [p for p in doc.passages if p.text in para]
    assert len(pieces) == 3
    assert all(MIN_CHARS <= len(p.text) <= MAX_CHARS for p in pieces)
    assert max(len(p.text) for p in pieces) - min(len(p.text) for p in pieces) <= 60
    check_invariants(doc)


# ------------------------------------------------------------------------------------------
# generated speeches

# characters that can never form a marker, salutation or closing cue
SAFE = "办公室工作服务发展提高能力水平学习政治纪律作风建设会议文件落实推进创新队伍素质责任使命担当基层群众单位部门"
NUMERALS = "一二三四五六七八九十"

sentence_st = st.builds(
    lambda body, end: body + end,
    st.text(alphabet=SAFE + "，、", min_size=3, max_size=120).filter(lambda s: s[0] not in "，、"),
    st.sampled_from(["。", "！", "？", "。”", "!", "?"]),
).map(lambda s: s if not s.endswith("。”") else "“" + s)
paragraph_st = st.lists(sentence_st, min_size=1, max_size=8)


@st.composite
def speeches(draw):
    parts: list[tuple[str, str]] = []  # (kind, text) — kind: title/sal/para/h1/h2/closing
    if draw(st.booleans()):
        parts.append(("title", "在" + draw(st.text(alphabet=SAFE, min_size=4, max_size=20)) + "上的讲话"))
    parts.append(("sal", draw(st.sampled_from(["同志们：", "各位领导、同志们："]))))
    for para in draw(st.lists(paragraph_st, min_size=1, max_size=2)):
        parts.append(("para", "".join(para)))
    for i in range(draw(st.integers(0, 4))):
        parts.append(("h1", f"{NUMERALS[i]}、" + draw(st.text(alphabet=SAFE, min_size=4, max_size=25))))
        subs = draw(st.integers(0, 3))
        if subs == 0:
            for para in draw(st.lists(paragraph_st, min_size=1, max_size=3)):
                parts.append(("para", "".join(para)))
        for j in range(subs):
            parts.append(("h2", f"（{NUMERALS[j]}）" + draw(st.text(alphabet=SAFE, min_size=4, max_size=25))))
            for para in draw(st.lists(paragraph_st, min_size=1, max_size=3)):
                parts.append(("para", "".join(para)))
    if draw(st.booleans()):
        parts.append(("closing", "同志们，" + "".join(draw(paragraph_st))))
        if draw(st.booleans()):
            parts.append(("closing", "谢谢大家！"))
    return parts


def assemble(parts):
    text, offsets = "", []
    for kind, chunk in parts:
        if text:
            text += "\n"
        offsets.append((kind, len(text), len(text) + len(chunk)))
        text += chunk
    return text, offsets


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(speeches())
def test_generated_speeches_structure_and_chunks(parts):
    text, offsets = assemble(parts)
    assert clean_text(text) == text  # generated text is already clean
    doc = parse_document(text, "gen")
    check_invariants(doc)
    check_no_sentence_cut(doc)
    # headings recovered exactly, with their levels
    expected = [(1 if k == "h1" else 2, text[s:e]) for k, s, e in offsets if k in ("h1", "h2")]
    assert [(h.level, h.label) for h in doc.headings] == expected
    titles = [text[s:e] for k, s, e in offsets if k == "title"]
    assert doc.title == (titles[0] if titles else "")
    # every generated sentence lies inside exactly one passage, uncut
    for kind, s, e in offsets:
        if kind not in ("para", "closing"):
            continue
        for m in re.finditer(r"[^。！？!?]+[。！？!?]”?", text[s:e]):
            a, b = s + m.start(), s + m.end()
            holders = [p for p in doc.passages if p.start <= a and b <= p.end]
            assert len(holders) == 1, text[a:b]
            p = holders[0]
            if p.kind == "paragraph" and len(p.text) > MAX_CHARS:
                assert (p.start, p.end) == (a, b)  # only a single sentence may exceed the limit
    # positions: closing paragraphs are closing, the salutation's passage is the opening
    for kind, s, e in offsets:
        if kind == "title":
            continue
        holder = next(p for p in doc.passages if p.start <= s < p.end)
        if kind == "closing":
            assert holder.position == "closing"
        if kind == "sal":
            assert holder.position == "opening" and holder.start == s


# arbitrary input: whatever it is, parsing must not fail and the passages must stay sound
messy_st = st.text(
    alphabet=st.sampled_from(
        list("一二三是要第步首先其次、，。：！？!?:;；（）()“”\n \u3000\r\u200b同志们谢大家好办公室工作学习.1234XX")
    ),
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(messy_st)
def test_arbitrary_text_never_breaks_parsing(raw):
    doc = parse_document(raw, "messy")
    check_invariants(doc)
    for h in doc.headings:
        assert doc.text[h.start : h.end].startswith(h.marker)
        assert 0 <= h.start < h.end <= len(doc.text)
