"""Structure recovered from the five real seed speeches: titles, salutations, heading trees,
opening/body/closing. The expected trees below were written by reading the seeds, not by running
the parser."""

from __future__ import annotations

import pytest

from coach.corpus import clean_text, heading_tree, ingest_paths, outline_of, parse_document

SEED_004 = "004_4b4506e4ca38ae09"


@pytest.fixture(scope="module")
def seeds(seeds_dir):
    documents, problems = ingest_paths([seeds_dir])
    assert problems == []
    return {d.doc_id: d for d in documents}


def render(headings) -> str:
    return "\n".join("  " * (h.level - 1) + h.label for h in headings)


def seed(seeds, prefix):
    return next(d for key, d in seeds.items() if key.startswith(prefix))


EXPECTED_000 = """\
一、明确职能定位，切实增强参加培训学习的政治自觉和行动自觉
  一要充分认识“四最一中枢”定位
  二要充分认识办公室工作的复杂性和多样性
  三要增强做好办公室工作的信心
二、加强学习，努力提升各方面本领能力
  一是旗帜鲜明讲政治
  二是文字材料出精品
  三是综合协调讲效率
  四是信息报送高水平
  五是档案管理高标准
三、严格遵守纪律，确保学习培训取得实效
  一要端正态度学
  二要带着问题学
  三要遵规守纪学"""

EXPECTED_001_BODY = """\
一要进一步增强做好办公室工作的责任感和使命感
二要全面提升办公室工作的能力和水平
三要努力造就一支高素质的办公室干部队伍
  首先，要提高政治素质
  第二，要勤于善于学习
  第三，要在改进作风上作表率"""

EXPECTED_002 = """\
一、提高思想认识，增强学习的自觉性和主动性
  一是顺应XX高质量发展的必然要求
  二是提升新时代“三服务”能力的客观需要
  三是有利于加强办公室系统干部队伍建设
二、聚焦多维并重，提升工作的能动性和质效性
  （一）坚定理想信念，做绝对忠诚的政治标兵
    一是要不断提高政治判断力
    二是要不断提高政治领悟力
    三是不断提高政治执行力
  （二）强化服务职能，做保障有力的后勤卫士
    一是要高水平服务决策
    二是要高质量服务发展
    三是要高效率服务落实
  （三）突出能力建设，做履职担当的业务达人
    一是要进一步提高参谋服务能力
    二是要进一步提高综合协调能力
    三是要进一步提高开拓创新能力
  （四）严守纪律界限，做作风建设的道德先锋
    一是要知敬畏强信念
    二是要存戒惧守纪律
    三是要守底线重品行
三、严格纪律学风，确保培训的严肃性和实效性
  一是保持良好学习态度
  二是树立良好学习思路
  三是保证良好学习纪律"""

EXPECTED_003 = """\
一、进一步提高认识，增强做好办公室工作的责任感和使命感
  （一）充分认识办公室工作的重要性
  （二）充分认识新形态对办公室工作的新要求
    一是承担的任务越来越重
    二是领导的要求越来越高
    三是突发性、紧急性事件越来越多
  （三）充分认识当前办公室工作存在的困难和问题
    一是队伍建设存在薄弱环节
    二是信息渠道不够畅通
    三是服务质量还需进一步提高
    四是工作作风有待改进
二、进一步明确目标，统筹抓好办公室各项重点工作
  （一）抓好信息报送
  （二）抓好贯彻落实
  （三）抓好公文办理
    一是切实增强公文办理的政治责任感，严格按照《党政机关公文处理条例》的规定，认真对待每一份公文及文稿的起草工作，把好行文关、会签关、政策法规关、文字审核关和体例格式关
    二是保证质量
    三是严格程序
  （四）要做好沟通协调
  （五）当好参谋助手
  （六）抓好督促检查
  （七）积极应对舆情
三、进一步转变作风，努力提高办公室整体服务质量
  （一）加强学习，提升素质
  （二）坚定信念，提振士气
  （三）严格管理，实干苦干
    首先是要实干
    其次是要苦干
  （四）创新机制，促进发展
  （五）甘于寂寞，淡泊名利"""

# 004 keeps its half-width punctuation exactly as written ("第一步:", "第一,", "(一)").
EXPECTED_004 = """\
一、学习是办公室干部的立身之本
  (一)第一层面:为什么要学?解决“动力源”问题
  (二)第二层面:学什么?解决“路线图”问题
    一是学理论,铸牢政治忠诚
    二是学业务,练就过硬本领
    三是学新知,增强适应能力
  (三)第三层面:怎么学?解决“方法论”问题
    一要静心读
    二要勤于思
    三要善于用
二、写材料是办公室干部的看家本领
  第一步:立意定向——解决“写什么”和“为什么写”的问题
    一是明确文种意图
    二是吃透领导意图
    三是分析受众对象
  第二步:谋篇布局——解决“怎么写”的结构问题
  第三步:充实血肉——解决“用什么支撑观点”的内容问题
    一要靠思想穿透力
    二要靠事实说服力
    三要靠数据支撑力
  第四步:精修言辞——解决“如何表达得更精准”的语言问题
    一是文种与格式错误,如发文字号不规范、主送机关称谓错误等
    二是语言与标点错误,如用词混淆(“截止”与“截至”)、标点误用等常见病
    三是逻辑与行文错误,如越级请示、一文多事等
  第五步:追求卓越——解决“如何从合格到优秀”的升华问题
三、为人处事是办公室干部的必备素养
  第一,以诚待人,这是根本
  第二,换位思考,这是智慧
  第三,守住底线,这是原则
  第四,精通协调,这是能力
    一是职责边界清单化
    二是争议协调制度化
    三是首问责任强制化"""


@pytest.mark.parametrize(
    "prefix, expected",
    [("000", EXPECTED_000), ("001", EXPECTED_001_BODY), ("002", EXPECTED_002), ("003", EXPECTED_003), ("004", EXPECTED_004)],
)
def test_seed_outline_recovered_exactly(seeds, prefix, expected):
    assert render(outline_of(seed(seeds, prefix))) == expected


def test_001_opening_points_are_run_in_headings_of_the_opening(seeds):
    doc = seed(seeds, "001")
    opening = [h for h in doc.headings if h.position == "opening"]
    # "对于办公室工作，我很深的体会有三点：一是办公室的工作很重要。" — a point after a colon
    assert [h.label for h in opening] == ["一是办公室的工作很重要", "二是办公室的同志很辛苦", "三是办公室的平台很难得"]
    assert all(h.run_in for h in opening)
    assert render(outline_of(doc, include_opening_closing=True)).startswith("一是办公室的工作很重要\n")
    # "不是在项目第一线" is no 第一 point
    assert not any("第一线" in h.label for h in doc.headings)


def test_words_that_only_look_like_markers_are_not_headings(seeds):
    doc4 = seed(seeds, "004")
    labels = [h.label for h in doc4.headings]
    assert not any(label.startswith("第一位") for label in labels)  # "第一位的是政治属性"
    assert not any(label.startswith("首先") for label in labels)  # "首先要搞清楚三个问题:" opens no sequence
    doc3 = seed(seeds, "003")
    # "其次是要勤于思考" in （四） has no 首先 before it: not a point
    assert not any("勤于思考" in h.label for h in doc3.headings)
    doc0 = seed(seeds, "000")
    assert not any("第一位" in h.label for h in doc0.headings)  # "这是第一位的"


def test_heading_tree_nesting_and_parents(seeds):
    doc = seed(seeds, "002")
    tree = heading_tree(outline_of(doc))
    assert [h.label[:2] for h, _ in tree] == ["一、", "二、", "三、"]
    second = tree[1][1]
    assert [h.marker for h, _ in second] == ["（一）", "（二）", "（三）", "（四）"]
    assert [h.marker for h, _ in tree[0][1]] == ["一是", "二是", "三是"]
    for i, h in enumerate(doc.headings):
        if h.parent >= 0:
            parent = doc.headings[h.parent]
            assert parent.level == h.level - 1 and parent.start < h.start


def test_heading_offsets_and_run_in_flags(seeds):
    doc3 = seed(seeds, "003")
    h = next(h for h in doc3.headings if h.label == "（一）抓好信息报送")
    assert doc3.text[h.start : h.end] == "（一）抓好信息报送。"
    assert h.run_in and doc3.text[h.end :].startswith("信息报送是让领导")
    alone = next(h for h in doc3.headings if h.label == "（一）充分认识办公室工作的重要性")
    assert not alone.run_in
    assert h.family == "cn-paren" and h.ordinal == 1 and h.level == 2


def test_004_run_in_top_headings_end_where_the_paragraph_starts(seeds):
    doc = seed(seeds, "004")
    tops = [h for h in doc.headings if h.level == 1]
    after = [doc.text[h.end : h.end + 8] for h in tops]
    assert after == ["学习是永恒的课题", "文稿起草是办公室", "办公室是人际关系"]
    assert all(h.run_in for h in tops)


def test_004_boilerplate_gone_title_found_and_not_repeated(seeds):
    doc = seed(seeds, "004")
    for junk in ("网友整理分享", "供大家学习参考", "喜欢就分享吧", "强调提升业务能力与服务水平"):
        assert junk not in doc.text
    assert doc.title == "在全市办公室系统业务培训会上的讲话"
    assert doc.salutation == "同志们:"
    assert doc.text[: doc.front_matter_end] == doc.title
    assert not any(doc.title in p.text for p in doc.passages)
    assert all(p.title == doc.title for p in doc.passages)
    assert doc.passages[0].text.startswith("同志们:下午好!根据市委的安排")


def test_004_truncated_ending_is_kept(seeds, seed_texts):
    doc = seed(seeds, "004")
    assert doc.text.endswith("不得随意“")
    last = doc.passages[-1]
    assert last.text.endswith("不得随意“") and last.end == len(doc.text)
    assert last.position == "body"  # no closing: the speech was cut off
    assert last.heading_path[-1] == "三是首问责任强制化"


@pytest.mark.parametrize(
    "prefix, title, salutation",
    [
        ("000", "", "同志们："),
        ("001", "在全区办公室系统业务培训班上的讲话", "同志们："),
        ("002", "", "同志们："),
        ("003", "", "同志们："),
    ],
)
def test_titles_and_salutations(seeds, prefix, title, salutation):
    doc = seed(seeds, prefix)
    assert doc.title == title
    assert doc.salutation == salutation
    assert doc.passages[0].text.startswith(salutation)


def test_positions_opening_body_closing(seeds):
    expected_closing_start = {
        "000": "同志们，做好新时代办公室工作",
        "001": "同志们，大家要珍惜这次宝贵的学习机会",
        "002": "同志们，时代赋予使命",
        "003": "同志们，做好新形态下的办公室工作",
    }
    for prefix, closing_text in expected_closing_start.items():
        doc = seed(seeds, prefix)
        points = {h.label for h in doc.headings if h.position == "opening"}
        # the opening's run-in points (001) sit inside the opening though their passages are labelled body
        positions = ["opening" if p.heading_path and p.heading_path[0] in points else p.position
                     for p in doc.passages]
        assert positions[0] == "opening"
        # opening*, body*, closing* — in that order, each present
        order = {"opening": 0, "body": 1, "closing": 2}
        assert [order[p] for p in positions] == sorted(order[p] for p in positions)
        closing = [p for p in doc.passages if p.position == "closing"]
        assert closing[0].text.startswith(closing_text)
        assert all(p.heading_path == () for p in closing)
        first_body = next(p for p in doc.passages if p.position == "body")
        assert first_body.kind == "heading"
    for prefix in ("002", "003"):
        doc = seed(seeds, prefix)
        assert doc.passages[-1].position == "closing" and doc.passages[-1].text.endswith("谢谢大家！")
    doc1 = seed(seeds, "001")
    assert "最后，向全区从事办公室工作的所有同志" in doc1.passages[-1].text
    # 002: "同志们，近年来……" right under 二、 is body, not closing
    doc2 = seed(seeds, "002")
    p = next(p for p in doc2.passages if p.text.startswith("同志们，近年来"))
    assert p.position == "body" and p.heading_path == ("二、聚焦多维并重，提升工作的能动性和质效性",)


def test_position_labels_checked_by_hand_on_the_seeds(seeds):
    """What a writer reads as 开头/正文/结尾 next to an example (labels checked by reading every seed)."""
    def position_of(prefix, start):
        doc = seed(seeds, prefix)
        return next(p for p in doc.passages if p.text.startswith(start)).position

    # 001's opening digresses into three points (体会有三点：一是……); they are content, not an opening
    assert position_of("001", "三是办公室的平台很难得") == "body"
    assert position_of("001", "办公室工作非常辛苦，也非常锻炼人") == "body"
    assert position_of("001", "一是办公室的工作很重要") == "body"
    # … and the opening resumes with the sentence that hands over to the body
    assert position_of("001", "借此机会，我讲三点意见") == "opening"
    assert position_of("001", "多年以来，全区党政机关办公室") == "opening"
    assert position_of("000", "同志们：") == "opening"
    assert position_of("002", "讲办得及时") == "opening"
    assert position_of("004", "因此,我们必须时刻保持本领恐慌的危机感") == "opening"
    assert position_of("003", "办公室是一个单位的神经中枢") == "body"
    assert position_of("003", "同志们，做好新形态下的办公室工作") == "closing"
    assert position_of("000", "同志们，做好新时代办公室工作") == "closing"


def test_heading_paths_include_markers(seeds):
    doc = seed(seeds, "004")
    p = next(p for p in doc.passages if p.text.startswith("这是动笔前的“顶层设计”"))
    assert p.heading_path == ("二、写材料是办公室干部的看家本领", "第一步:立意定向——解决“写什么”和“为什么写”的问题")
    assert p.position == "body" and p.kind == "paragraph"


# ------------------------------------------------------------------------------------------
# synthetic documents for forms the seeds do not show


def labels(doc):
    return render(doc.headings)


def test_four_numbering_levels_and_half_width_parens():
    text = (
        "关于做好年度工作的讲话\n各位领导、同志们：\n今天召开会议。\n"
        "一、总体要求\n（一）指导思想\n1.坚持稳中求进。要把握好节奏。\n(1)抓早抓小\n(2)抓细抓实\n"
        "2．坚持系统观念\n（二）目标任务\n二、重点工作\n谢谢大家！"
    )
    doc = parse_document(text, "t")
    assert doc.title == "关于做好年度工作的讲话"
    assert doc.salutation == "各位领导、同志们："
    assert labels(doc) == (
        "一、总体要求\n  （一）指导思想\n    1.坚持稳中求进\n      (1)抓早抓小\n      (2)抓细抓实\n"
        "    2．坚持系统观念\n  （二）目标任务\n二、重点工作"
    )
    assert doc.passages[-1].text == "谢谢大家！" and doc.passages[-1].position == "closing"


def test_inline_greeting_after_salutation_and_glued_title():
    doc = parse_document("在某会议上的讲话同志们：大家好！今天我讲两点。一要学。学是根本。二要用。用是目的。", "t")
    assert doc.title == "在某会议上的讲话"
    assert doc.salutation == "同志们："
    assert labels(doc) == "一要学\n二要用"
    assert doc.passages[0].text == "同志们：大家好！今天我讲两点。" and doc.passages[0].position == "opening"


def test_title_repeated_as_the_start_of_the_next_line():
    doc = parse_document("在全市会议上的讲话\n在全市会议上的讲话今天开会。\n一、要务实\n工作要实。\n二、要创新\n工作要新。", "t")
    assert doc.title == "在全市会议上的讲话"
    assert doc.passages[0].text == "今天开会。"
    assert not any("在全市会议上的讲话" in p.text for p in doc.passages)


def test_lone_run_in_marker_is_not_a_heading():
    doc = parse_document("同志们：\n一是我们要认真学习。这是根本。大家要记住。\n谢谢大家！", "t")
    assert doc.headings == []


def test_document_without_headings_has_opening_body_closing():
    text = "同志们：\n今天开会，讲三句话。\n第一段正文，内容很多。\n第二段正文，内容更多。\n同志们，让我们一起努力！\n谢谢大家！"
    doc = parse_document(text, "t")
    positions = [(p.position, p.text.split("\n")[0]) for p in doc.passages]
    assert positions[0] == ("opening", "同志们：")
    assert ("closing", "同志们，让我们一起努力！") in positions
    assert any(pos == "body" for pos, _ in positions)


def test_parse_document_cleans_its_input():
    raw = "\ufeff同志们：\r\n\u3000\u3000今天开会。  \r\n一、要务实\r\n工作要实。\r\n二、要创新\r\n工作要新。\r\n"
    doc = parse_document(raw, "t")
    assert doc.text == clean_text(raw) == "同志们：\n今天开会。\n一、要务实\n工作要实。\n二、要创新\n工作要新。"
    assert [h.label for h in doc.headings] == ["一、要务实", "二、要创新"]


def test_empty_text_parses_to_an_empty_document():
    doc = parse_document("", "empty")
    assert doc.text == "" and doc.passages == [] and doc.headings == [] and doc.title == ""
