"""Example passages that teach: the body under a heading, never the writer's own speech, honest absence,
the corpus's own errors marked, skeletons named after their speech."""

from __future__ import annotations

import json

import pytest

from coach import config
from coach.cli import main as cli_main
from coach.index.manifest import FORMAT_VERSION, Manifest
from coach.ui import actions, services


def test_how_to_write_an_opening_returns_the_body_text_not_the_heading(seed_retriever):
    hits = seed_retriever.search("如何写好开头", k=5)
    assert hits
    top = hits[0].passage
    # the answer is the paragraph under 第一步:立意定向, found through its heading path
    assert top.kind == "paragraph"
    assert top.text.startswith("这是动笔前的“顶层设计”")
    assert any(h.startswith("第一步:立意定向") for h in top.heading_path)
    assert not any(h.passage.text.startswith("第一步:立意定向") for h in hits)


def test_heading_only_passage_never_outranks_its_body(seed_retriever):
    for query in ("综合协调讲效率", "当好参谋助手", "谋篇布局 结构", "如何写好开头"):
        hits = seed_retriever.search(query, k=10)
        ids = [h.passage.id for h in hits]
        for n, h in enumerate(hits):
            if h.passage.kind != "heading":
                continue
            bodies = [m.passage.id for m in hits[n + 1:]
                      if m.passage.doc_id == h.passage.doc_id and m.passage.kind == "paragraph"
                      and m.passage.heading_path[: len(h.passage.heading_path)] == h.passage.heading_path]
            assert not bodies, (query, h.passage.text, ids)


def test_headings_still_come_back_when_the_step_asks_for_headings(seed_retriever):
    hits = seed_retriever.search("当好参谋助手", k=3, step="搭骨")
    assert hits and all(h.passage.kind == "heading" for h in hits)


def test_heading_context_lets_a_query_match_words_only_the_heading_has(seed_retriever):
    # "二要靠事实说服力" is a heading; its paragraph never says 事实说服力
    hits = seed_retriever.search("事实说服力", k=3, step="填肉")
    assert any(h.passage.text.startswith("要用鲜活的案例") for h in hits)


def test_sample_project_never_sees_its_own_source(seed_retriever):
    sample = actions.sample_project()
    own = sample.current_text()
    assert seed_retriever.own_documents(own) == ("002_4cf813356daf6edd",)
    for query in (sample.brief.thesis, "严格纪律学风，确保培训的严肃性和实效性", "做绝对忠诚的政治标兵"):
        for step in ("立意", "搭骨", "填肉", "成器", None):
            hits = seed_retriever.search(query, k=8, step=step, exclude_text=own, floor=0)
            assert all(not h.passage.doc_id.startswith("002") for h in hits), (query, step)
    # without the exclusion the seed speech is what the thesis finds first: the test above means something
    plain = seed_retriever.search("严格纪律学风，确保培训的严肃性和实效性", k=3)
    assert plain[0].passage.doc_id.startswith("002")


def test_exclude_by_doc_id_or_file_name(seed_retriever):
    query = "信息报送 迟报漏报瞒报"
    assert any(h.passage.doc_id.startswith("003") for h in seed_retriever.search(query, k=5))
    for key in ("003_e00d83e4667ee5ea", "003_e00d83e4667ee5ea.txt"):
        hits = seed_retriever.search(query, k=5, exclude_docs=[key])
        assert hits and all(not h.passage.doc_id.startswith("003") for h in hits)


def test_quoting_one_passage_does_not_exclude_the_whole_speech(seed_retriever):
    quote = "办公室工作千头万绪，大家在工作中一定要讲究工作方法"
    assert seed_retriever.own_documents("我的稿子。" + quote + "。其余是我自己写的。") == ()


def test_coach_service_passes_the_writers_text(seed_retriever):
    sample = actions.sample_project()
    result = services.find_examples(seed_retriever, sample.brief.thesis, "liyi", 4, sample.current_text())
    assert result["excluded_docs"] == ["002_4cf813356daf6edd"]
    assert all(not h["doc"].startswith("002") for h in result["hits"])


def test_off_topic_query_says_nothing_fits(seed_retriever):
    for query in ("防汛抗旱工作部署", "医保基金监管", "道路交通事故应急处置"):
        hits = seed_retriever.search(query, k=4, step="填肉")
        assert not hits and hits.absent, query
    result = services.find_examples(seed_retriever, "森林防火责任落实", "tianrou")
    assert result["absent"] and result["hits"] == []
    assert result["message"] == "语料库里没有相近的范文，可以在 管理语料库 上传"


def test_on_topic_queries_pass_the_floor(seed_retriever):
    for query in ("怎样让稿子有说服力", "督促检查是办公室的主要职能之一", "写稿先定框架再往里填内容"):
        hits = seed_retriever.search(query, k=4)
        assert hits and not hits.absent
        assert all(h.relevance is not None and h.relevance >= hits.floor for h in hits)


def test_cli_search_says_nothing_fits(seed_index_dir, built_model_path, capsys):
    code = cli_main(["search", "--index", str(seed_index_dir), "--model", str(built_model_path), "汛期地质灾害防范"])
    assert code == 0
    assert "语料库里没有相近的范文" in capsys.readouterr().out


def test_shown_passages_carry_the_corpus_errors(seed_retriever):
    def marked(start):
        p = next(p for p in seed_retriever.passages if start in p.text)
        return {p.text[m["start"]:m["end"]] for m in p.marks}, p

    found, p = marked("今天，我们把各各单位")
    assert {"各各", "*"} <= found
    found, _ = marked("要善于用十跟手指头弹钢琴")
    assert "十跟手指" in found
    m = next(m for m in p.marks if p.text[m["start"]:m["end"]] == "各各")
    assert m["severity"] in ("error", "warning") and m["message"]
    hits = seed_retriever.search("要善于用十跟手指头弹钢琴，要分清事情的轻重缓急", k=3)
    hit = next(h.to_dict() for h in hits if "弹钢琴" in h.passage.text)
    assert any(hit["text"][m["start"]:m["end"]] == "十跟手指" and m["replacement"] == "十根手指" for m in hit["marks"])
    # style notes (long sentences, trailing spaces) are not marked on an example
    assert all(m["severity"] != "info" for p in seed_retriever.passages for m in p.marks)


def test_opening_points_are_not_shown_as_openings(seed_retriever):
    hits = seed_retriever.search("办公室的平台很难得 锻炼人", k=8, floor=0)
    point = next(h for h in hits if h.passage.text.startswith("办公室工作非常辛苦，也非常锻炼人"))
    assert point.to_dict()["position"] == "body"
    openings = seed_retriever.search("办公室的平台很难得 锻炼人", k=8, step="立意", floor=0)
    assert all(not h.passage.text.startswith("办公室工作非常辛苦") for h in openings)


def test_skeletons_carry_the_speech_title(seeds_dir):
    titles = {sk.doc_id[:3]: sk.title for sk in services.seed_skeletons(seeds_dir)}
    assert titles["000"] == "在全*党政机关办公室工作人员能力提升培训班上的讲话"
    assert titles["002"] == "在XX县党政办公室业务工作培训会上的讲话"
    assert titles["003"] == "在全县办公室主任会议上的讲话"
    assert not any(t.startswith("范文 ") for t in titles.values())


def test_index_format_is_versioned(seed_index_dir, tmp_path):
    import shutil

    import pytest

    from coach.errors import IndexError_

    assert Manifest.load(seed_index_dir).format_version == FORMAT_VERSION == 3
    old = tmp_path / "old"
    shutil.copytree(seed_index_dir, old)
    data = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    data["format_version"] = 1
    (old / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexError_, match="coach index build --force"):
        Manifest.load(old)


def test_a_query_word_the_corpus_never_uses_is_expanded_with_its_own_words(seed_retriever):
    # 踢皮球 is not in the seeds; the embedding model's word vectors lead to their 扯皮 (推诿扯皮)
    assert "扯皮" in seed_retriever.expansion("几个部门互相踢皮球")
    # words the corpus uses are left alone
    assert seed_retriever.expansion("综合协调讲效率") == []


def test_a_heading_example_carries_its_sub_headings(seed_retriever):
    hits = seed_retriever.search("聚焦多维并重，提升工作的能动性和质效性", k=3, step="搭骨")
    top = next(h for h in hits if h.passage.text.startswith("二、聚焦多维并重")).to_dict()
    assert top["outline"] == [
        "（一）坚定理想信念，做绝对忠诚的政治标兵",
        "（二）强化服务职能，做保障有力的后勤卫士",
        "（三）突出能力建设，做履职担当的业务达人",
        "（四）严守纪律界限，做作风建设的道德先锋",
    ]


def test_an_old_format_index_is_rebuilt_not_skipped(seed_index_dir, built_model_path, tmp_path):
    import shutil

    from coach.index import build_index

    old = tmp_path / "index"
    shutil.copytree(seed_index_dir, old)
    data = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    data["format_version"] = 1
    (old / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    result = build_index(corpus=[], out=old, model=str(built_model_path), include_seeds=True)
    assert not result.skipped and Manifest.load(old).format_version == FORMAT_VERSION


def test_an_opening_example_comes_with_the_whole_opening(seed_retriever):
    hits = seed_retriever.search("区委区政府研究决定举行业务培训班", k=3, step="立意")
    hit = next(h.to_dict() for h in hits if h.passage.doc_id.startswith("001"))
    # 001's opening: greeting and background, then (after its own three points) 借此机会，我讲三点意见
    assert hit["unit"].startswith("同志们：") and hit["unit"].endswith("借此机会，我讲三点意见：")
    assert "三是办公室的平台很难得" not in hit["unit"]


def test_a_passage_with_corpus_errors_shows_before_and_after(seed_retriever):
    p = next(p for p in seed_retriever.passages if "要善于用十跟手指头弹钢琴" in p.text)
    from coach.index.retriever import Hit

    d = Hit(passage=p, score=1.0, rank=1).to_dict()
    assert "十根手指头弹钢琴" in d["corrected"] and "十跟手指" not in d["corrected"]
    assert d["text"] == p.text  # the original stays as written


# --- examples per genre (issue 10 part 3) -----------------------------------------------------------

MODEL_LABEL = "写作教练编写的示范文本"


@pytest.mark.parametrize("step", ["liyi", "dagu", "tianrou", "chengqi"])
def test_a_qingshi_project_gets_qingshi_model_passages_labelled_as_ours(seed_retriever, step):
    out = services.find_examples(seed_retriever, "申请增加2名工作人员编制", step, 4, genre="请示")
    assert out["hits"] and not out["absent"]
    assert out["genre"] == "请示" and out["genre_status"] in ("match", "form")
    for hit in out["hits"]:
        assert hit["genre"] == "请示" and hit["origin"] == "model" and hit["source_label"] == MODEL_LABEL
        assert "同志们" not in hit["text"] and "谢谢大家" not in hit["text"]
        assert hit["whole"].startswith("关于申请购置办公设备的请示\n××市××局：")  # the whole model to read
    if out["genre_status"] == "form":  # nothing of it close to 编制: said, not hidden
        assert "没有内容相近的请示" in out["message"]


def test_a_qingshi_closing_example_is_its_closing_formula(seed_retriever):
    out = services.find_examples(seed_retriever, "请示的结尾怎么写", "chengqi", 4, genre="请示")
    assert any(h["text"].startswith("妥否，请批示。") for h in out["hits"])


def test_an_empty_qingshi_project_still_sees_a_qingshi(seed_retriever):
    out = services.find_examples(seed_retriever, "", "liyi", 4, genre="请示")
    assert out["hits"] and {h["genre"] for h in out["hits"]} == {"请示"}
    assert out["message"] == "下面是请示范文的写法，可以借鉴结构和用语"


@pytest.mark.parametrize("genre", ["通报", "决定"])
def test_a_genre_the_corpus_lacks_gets_the_honest_message(seed_retriever, genre):
    out = services.find_examples(seed_retriever, "全市安全生产检查发现的问题和处理", "tianrou", 4, genre=genre)
    assert out["genre_status"] in ("borrowed", "missing")
    assert out["message"].startswith(f"语料库里还没有{genre}的范文")
    assert f"管理语料库 上传本单位的{genre}" in out["message"]
    assert all(h["genre"] != genre for h in out["hits"])
    if out["hits"]:
        borrowed = "、".join(out["borrowed_from"])
        assert f"下面是{borrowed}里可借鉴的写法" in out["message"]
        assert {h["genre"] for h in out["hits"]} == set(out["borrowed_from"])
    else:
        assert out["absent"] and "也没有可借鉴的相近段落" in out["message"]


def test_borrowed_examples_prefer_the_same_family(seed_retriever):
    # a 通报 is a 法定公文: our 法定公文 model texts come before the seed speeches
    out = services.find_examples(seed_retriever, "办公室公文处理工作的情况和问题", "tianrou", 4, genre="通报")
    assert out["genre_status"] == "borrowed" and "讲话稿" not in out["borrowed_from"]


def test_a_speech_project_gets_real_speeches_and_never_a_model_text(seed_retriever):
    for step in ("liyi", "dagu", "tianrou", "chengqi"):
        out = services.find_examples(seed_retriever, "办公室干部要提高写材料的能力", step, 4, genre="讲话稿")
        assert out["genre_status"] == "match" and out["message"] == ""
        for hit in out["hits"]:
            assert hit["origin"] == "seed" and hit["source_label"] != MODEL_LABEL and hit["whole"] == ""


def test_a_real_speech_is_never_labelled_as_a_model_text_nor_the_reverse(seed_retriever):
    for query in ("怎样写好开头", "请示和报告的区别", "公文处理工作", "会议议定事项", "特此通知"):
        for hit in seed_retriever.search(query, k=10, floor=0):
            d = hit.to_dict()
            from_models = str(config.model_texts_dir()) in d["source"]
            assert (d["origin"] == "model") == from_models
            assert (d["source_label"] == MODEL_LABEL) == from_models


def test_without_a_genre_the_examples_are_as_before(seed_retriever):
    out = services.find_examples(seed_retriever, "关于防汛抗旱物资储备的部署", "tianrou", 4)
    assert out["absent"] and out["genre_status"] == "" and out["message"].startswith("语料库里没有相近的范文")


def test_cli_search_filters_by_genre(seed_index_dir, capsys):
    assert cli_main(["search", "--json", "--genre", "请示", "--index", str(seed_index_dir), "购置办公电脑"]) == 0
    (hits,) = json.loads(capsys.readouterr().out)
    assert hits and {h["genre"] for h in hits} == {"请示"}
    assert cli_main(["search", "--genre", "请示", "--index", str(seed_index_dir), "购置办公电脑"]) == 0
    assert f"〔请示·{MODEL_LABEL}〕" in capsys.readouterr().out
    assert cli_main(["search", "--genre", "通报", "--index", str(seed_index_dir), "安全检查"]) == 0
    assert "语料库里还没有通报的范文" in capsys.readouterr().out
    assert cli_main(["search", "--genre", "心得体会", "--index", str(seed_index_dir), "学习"]) != 0
    assert "不认识的文种“心得体会”" in capsys.readouterr().err


def test_changing_an_uploads_genre_rebuilds_the_index_with_it(tmp_path, built_model_path):
    from coach.index import Retriever, build_index
    from coach.ui import uploads

    folder = tmp_path / "corpus"
    text = ("关于2025年度安全生产工作情况的报告\n××市应急管理局：\n现将我局2025年度安全生产工作情况报告如下。"
            "全年开展安全检查120次，整改隐患356处。\n特此报告。\n××县应急管理局\n2026年1月5日")
    (out,) = uploads.save_uploads([("安全报告.txt", text.encode("utf-8"))], folder)
    index = tmp_path / "index"
    build_index(corpus=[folder], out=index, model=str(built_model_path), include_seeds=False)
    assert Retriever.load(index).genre_counts() == {"报告": 1}
    uploads.set_corpus_file_genre(folder, out.stored_as, "通报")
    result = build_index(corpus=[folder], out=index, model=str(built_model_path), include_seeds=False)
    assert not result.skipped and result.manifest.genres == {"通报": 1}
    assert {p.genre for p in Retriever.load(index).passages} == {"通报"}


def test_revision_pairs_show_each_real_slip_with_its_correction_one_rule_at_a_time(seed_retriever):
    from coach.ui.examples import revision_pairs

    pairs = revision_pairs(seed_retriever.passages, limit=6)
    assert len(pairs) == 6
    slip = next(p for p in pairs if "【十跟手指】" in p.before)
    assert "【十根手指】" in slip.after and "十根手指" in slip.reason and slip.source.startswith("《")
    # distinct kinds of slip come first: six pairs, not six half-width punctuation marks from one speech
    reasons = [p.reason.split("；")[0] for p in pairs]
    assert len(set(reasons)) == len(reasons)
    assert all("占位符" not in p.reason for p in pairs)


def test_passage_strengths_name_the_data_facts_and_quotations_in_it():
    from coach.ui.examples import passage_strengths

    text = ("今年以来，全市办公室系统共处理来文1286件，按期办结率达到97%。习近平总书记强调，“办公室工作无小事”。"
            "市政府办公室在全省会议上作了交流发言。")
    notes = passage_strengths(text)
    assert notes[0].startswith("用数据说话：") and "1286件" in notes[0] and "97%" in notes[0]
    assert any(n.startswith("有引语：") for n in notes)
    assert passage_strengths("我们要不断提高认识，切实加强领导，把各项工作做好。") == []  # nothing concrete
