"""Every step's work area in AppTest: fill it, see the checks, navigate, chat; plus examples, pins,
exports, uploads and the index rebuild. Real store (SQLite), real index (FAISS + BM25) and real model
where the feature needs them; the LLM coach talks to a real local HTTP server (tests/openai_server.py)
because no real provider can be reached from the test machine.
"""

from __future__ import annotations

import io
import json

import pytest
from docx import Document as DocxDocument

from coach.store import ProjectStore
from coach.ui import exports

from app_helpers import assert_ok, create_project, go, html_of, install_index, new_app, texts, widget  # noqa: E402

OUTLINE = "一、学习是办公室干部的立身之本\n(一)为什么要学\n（二）学什么\n二、写材料是办公室干部的看家本领\n三、为人处事是办公室干部的必备素养"


def write_outline(at, text: str = OUTLINE) -> None:
    go(at, "dagu")
    widget(at, "text_area", "outline").input(text).run()
    assert_ok(at)


def write_section(at, label: str, body: str) -> None:
    go(at, "tianrou")
    pick = at.selectbox(key="tianrou_pick")
    key = next(k for k in pick.options if k == label)
    pick.select(key).run()
    area = next(t for t in at.text_area if t.key and ".part." in t.key)
    area.input(body).run()
    assert_ok(at)


def saved(pid):
    return ProjectStore().load(pid)[0]


# --- 搭骨 ---------------------------------------------------------------------------------------------

def test_dagu_outline_checks_picture_renumber_and_undo():
    at = new_app()
    pid = create_project(at)
    write_outline(at)
    shown = texts(at)
    assert "编号标点不规范：“(一)”应写作“（一）”" in shown
    dot = at.get("graphviz_chart")[0].proto.spec
    assert "一、学习是办公室" in dot and "root -> n1" in dot
    assert "3个一级标题，对应“填肉”中的3个部分" in shown
    assert [s.heading for s in saved(pid).sections] == [
        "一、学习是办公室干部的立身之本", "二、写材料是办公室干部的看家本领", "三、为人处事是办公室干部的必备素养"]

    at.button(key="renumber").click().run()
    assert saved(pid).outline.splitlines()[1] == "（一）为什么要学"
    assert widget(at, "text_area", "outline").value.splitlines()[1] == "（一）为什么要学"
    assert "编号标点不规范" not in texts(at)
    at.button(key="undo").click().run()
    assert saved(pid).outline == OUTLINE


def test_undo_of_a_renumbering_stays_on_dagu_and_never_erases_later_work():
    at = new_app()
    pid = create_project(at)
    write_outline(at)
    at.button(key="renumber").click().run()
    write_section(at, "一、学习是办公室干部的立身之本", "学习是立身之本，要持之以恒。")
    go(at, "xiurong")
    widget(at, "text_area", "draft").input("全文初稿：学习是立身之本。").run()
    # 修容 offers to undo only its own edit, never the renumbering made on 搭骨
    labels = [b.label for b in at.button if b.key in ("undo", "redo")]
    assert labels == ["撤销：修改全文"]
    go(at, "tianrou")
    assert [b.label for b in at.button if b.key == "undo"] == ["撤销：修改正文"]
    go(at, "dagu")
    undo = at.button(key="undo")
    assert undo.label == "撤销：自动重新编号"
    undo.click().run()
    p = saved(pid)
    assert p.outline == OUTLINE
    assert p.sections[0].body == "学习是立身之本，要持之以恒。"
    assert p.draft == "全文初稿：学习是立身之本。"
    at.button(key="redo").click().run()
    assert saved(pid).outline.splitlines()[1] == "（一）为什么要学"


def test_dagu_skeleton_from_a_seed_speech_is_copied_into_the_editor():
    at = new_app()
    pid = create_project(at)
    go(at, "dagu")
    pick = at.selectbox(key="skeleton_pick")
    assert "在全市办公室系统业务培训会上的讲话（3个一级标题）" in pick.options
    pick.set_value("004_4b4506e4ca38ae09").run()
    at.button(key="use_skeleton").click().run()
    outline = saved(pid).outline
    assert outline.startswith("一、学习是办公室干部的立身之本")
    assert "三、为人处事是办公室干部的必备素养" in outline
    assert len(saved(pid).sections) == 3
    assert "这只是起点" in texts(at)


# --- 填肉 ---------------------------------------------------------------------------------------------

def test_tianrou_sections_follow_the_outline_and_keep_their_text():
    at = new_app()
    pid = create_project(at)
    write_outline(at)
    go(at, "tianrou")
    assert at.selectbox(key="tianrou_pick").options == [
        "开头", "一、学习是办公室干部的立身之本", "二、写材料是办公室干部的看家本领", "三、为人处事是办公室干部的必备素养", "结尾"]
    write_section(at, "二、写材料是办公室干部的看家本领",
                  "文稿起草是办公室最核心的业务之一。2024年，全市办公室系统共起草文稿1200余篇，其中《关于加强文稿质量的意见》获评优秀。")
    shown = texts(at)
    assert "“一、学习是办公室干部的立身之本”下面还没有内容" in shown
    table = at.dataframe[0].value
    assert list(table.columns) == ["部分", "字数", "数据·事实·引语", "有材料"]  # four columns fit the side column
    row = table[table["部分"] == "二、写材料是办公室…"].iloc[0]
    assert int(row["数据·事实·引语"].split("·")[0]) >= 2 and row["有材料"] == "✓"

    # reorder and reword the outline: the text follows its heading
    write_outline(at, "一、写材料是看家本领\n二、学习是办公室干部的立身之本\n三、为人处事是办公室干部的必备素养")
    project = saved(pid)
    assert project.sections[0].heading == "一、写材料是看家本领"
    assert project.sections[0].body.startswith("文稿起草是办公室最核心的业务之一")

    # drop the heading: the text is kept as a part "不在提纲中" and can be merged
    write_outline(at, "一、学习是办公室干部的立身之本\n二、为人处事是办公室干部的必备素养")
    assert any(s.body.startswith("文稿起草") for s in saved(pid).sections)
    go(at, "tianrou")
    at.selectbox(key="tianrou_pick").select("一、写材料是看家本领").run()
    assert "这一部分的标题已经不在提纲里了" in texts(at)
    at.button(key="merge.2").click().run()
    project = saved(pid)
    assert len(project.sections) == 2
    assert "文稿起草是办公室最核心的业务之一" in project.sections[0].body


# --- 修容 ---------------------------------------------------------------------------------------------

def test_xiurong_highlights_lint_findings_and_applies_fixes_with_undo():
    at = new_app()
    pid = create_project(at)
    widget(at, "text_input", "brief.title").input("在全市办公室系统业务培训会上的讲话").run()
    write_outline(at, "一、加强学习\n二、改进作风")
    write_section(at, "一、加强学习", "截止2025年底,各各单位共组织培训12次。")
    go(at, "xiurong")
    assert widget(at, "text_area", "draft").value.startswith("在全市办公室系统业务培训会上的讲话\n一、加强学习")
    page = html_of(at)
    assert '<mark class="sev-error"' in page and ">截止</mark>" in page
    shown = texts(at)
    assert "“截止”后面紧跟时间，应写作“截至”" in shown
    assert "“各”字重复了" in shown

    # one fix (not a safe one), then undo
    fix = next(b for b in at.button if b.key and b.key.startswith("fix.doubled-char"))
    fix.click().run()
    assert "各单位" in saved(pid).draft and "各各" not in saved(pid).draft
    at.button(key="undo").click().run()
    assert "各各单位" in saved(pid).current_text()

    # all safe fixes at once
    at.button(key="fix_all").click().run()
    draft = saved(pid).draft
    assert "截至2025年底，各各单位" in draft  # safe fixes only: the doubled 各 waits for the writer
    assert "已自动修改2处" in texts(at)
    assert widget(at, "text_area", "draft").value == draft
    at.button(key="undo").click().run()
    assert "截止2025年底,各各单位" in saved(pid).current_text()


def test_xiurong_escapes_html_in_the_draft():
    at = new_app()
    pid = create_project(at)
    go(at, "xiurong")
    widget(at, "text_area", "draft").input('<img src=x onerror="alert(1)">截止5月15日,完成').run()
    page = html_of(at)
    assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert saved(pid).draft.startswith("<img")  # the writer's text itself is kept as typed


# --- 成器 ---------------------------------------------------------------------------------------------

def test_chengqi_versions_diff_review_and_scorecard():
    at = new_app()
    pid = create_project(at)
    go(at, "xiurong")
    widget(at, "text_area", "draft").input("一、加强学习\n截止2025年底,共组织培训12次。").run()
    go(at, "chengqi")  # leaving 修容 takes a snapshot
    project = saved(pid)
    assert [v.label for v in project.versions] == ["自动保存（离开修容时）"]

    at.button(key="review.0").click().run()
    assert [v.label for v in saved(pid).versions][-1] == "三改三审·改内容"
    assert ":green[**已完成**]　改内容" in texts(at)

    go(at, "xiurong")
    at.button(key="fix_all").click().run()
    go(at, "chengqi")
    old = at.selectbox(key=next(s.key for s in at.selectbox if s.key and s.key.endswith("diff_old")))
    old.select(saved(pid).versions[0].id).run()
    page = html_of(at)
    assert "<del" in page and "<ins" in page and "截至" in page
    assert "修正了" in texts(at)  # the reason: the lint finding the change fixed

    at.text_input(key="version_label").input("送审稿").run()
    at.button(key="snapshot").click().run()
    assert saved(pid).versions[-1].label == "送审稿"

    scores = at.dataframe[0].value
    assert list(scores["步骤"]) == ["立意", "搭骨", "填肉", "修容", "成器"]
    assert scores.set_index("步骤").loc["修容", "状态"] == "进行中"


# --- exports -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("step_key", ["liyi", "dagu", "tianrou", "xiurong", "chengqi"])
def test_exports_are_offered_at_every_step(step_key):
    at = new_app()
    create_project(at)
    go(at, step_key)
    labels = [b.label for b in at.sidebar.get("download_button")]
    assert labels == ["下载全部内容（Markdown）", "下载全部内容（JSON）", "下载全文（Word）"]


def test_exported_files_hold_everything_so_far():
    at = new_app()
    pid = create_project(at)
    widget(at, "text_input", "brief.title").input("关于加强办公室业务学习的讲话").run()
    write_outline(at, "一、加强学习\n二、改进作风")
    write_section(at, "一、加强学习", "学习是立身之本，2025年共组织培训12次。")
    project = saved(pid)
    from coach.ui.status import run_checks

    run = run_checks(project)
    files = {f.kind: f for f in exports.export_files(project, [f for fs in run.findings.values() for f in fs])}
    assert files["docx"].file_name == "关于加强办公室业务学习的讲话.docx"
    doc = DocxDocument(io.BytesIO(files["docx"].make()))
    body = [p.text for p in doc.paragraphs]
    assert "关于加强办公室业务学习的讲话" in body
    assert any("学习是立身之本" in t for t in body)
    data = json.loads(files["json"].make())
    assert "一、加强学习" in json.dumps(data, ensure_ascii=False)
    assert "二、改进作风" in files["markdown"].make().decode("utf-8")


# --- examples and pins -----------------------------------------------------------------------------------

def test_examples_come_with_their_source_and_can_be_pinned(seed_index_dir):
    install_index(seed_index_dir)
    at = new_app()
    pid = create_project(at)
    assert "填写标题、场合或核心观点后" in texts(at)
    widget(at, "text_area", "brief.thesis").input("学习是办公室干部的立身之本，要把学习作为一种生活方式").run()
    shown = texts(at)
    assert "范文示例" in shown
    assert "《在全市办公室系统业务培训会上的讲话》" in shown or "《在全区办公室系统业务培训班上的讲话》" in shown
    at.button(key="pin.liyi.0").click().run()
    pins = saved(pid).pins
    assert len(pins) == 1 and pins[0]["text"] and pins[0]["step"] == "liyi" and pins[0]["id"]
    assert "已收藏的段落（1）" in [e.label for e in at.expander]
    at.button(key="unpin.liyi.0").click().run()
    assert saved(pid).pins == []


def test_the_samples_examples_never_come_from_the_speech_it_is_made_of(seed_index_dir):
    install_index(seed_index_dir)
    at = new_app()
    at.button(key="welcome_sample").click().run()
    from coach.index.retriever import PASSAGES_NAME, read_passages

    passages = [p.to_dict() for p in read_passages(seed_index_dir / PASSAGES_NAME)]
    source_title = next(p["title"] for p in passages if p["doc_id"].startswith("002"))
    others = {p["title"] for p in passages if not p["doc_id"].startswith("002")}
    seen = []
    for key in ("liyi", "dagu", "tianrou", "chengqi"):
        go(at, key)
        captions = [c.value for c in at.caption if c.value.startswith("《")]
        assert captions, key  # the sample does get examples …
        assert not any(f"《{source_title}》" in c for c in captions), (key, captions)  # … never its own speech
        seen += captions
    assert any(any(f"《{t}》" in c for t in others) for c in seen)


def test_tianrou_examples_follow_the_chosen_section(seed_index_dir):
    install_index(seed_index_dir)
    at = new_app()
    create_project(at)
    write_outline(at, "一、加强理论学习\n二、写好文字材料")
    write_section(at, "二、写好文字材料", "")
    shown = texts(at)
    assert "范文示例" in shown and "› " in shown


def test_tianrou_examples_say_what_makes_them_strong(seed_index_dir):
    # 填肉's teaching unit: a passage with data or concrete facts says so, in its own words
    install_index(seed_index_dir)
    at = new_app()
    create_project(at)
    write_outline(at, "一、抓好督查督办\n二、提高办文质量")
    write_section(at, "一、抓好督查督办", "")
    strengths = [c.value for c in at.caption if c.value.startswith(":green[这段的长处]")]
    assert strengths and any("用数据说话" in c or "有具体事实" in c for c in strengths)


def test_xiurong_shows_the_corpus_real_slips_before_and_after(seed_index_dir):
    # 修容's teaching unit: a real published speech's slip beside its correction, never the slip alone
    install_index(seed_index_dir)
    at = new_app()
    create_project(at)
    go(at, "xiurong")
    assert "改前改后：范文里的真实笔误" in [e.label for e in at.expander]
    pairs = [m.value for m in at.markdown if m.value.startswith("改前：")]
    assert any("【十跟手指】" in p and "【十根手指】" in p for p in pairs)
    assert not any("【XX】" in p or "【*】" in p or "【×" in p for p in pairs)  # anonymisation is not a slip


def test_xiurong_slips_never_come_from_the_writers_own_speech(seed_index_dir, seed_texts):
    # a writer editing seed 003 (十跟手指 is its slip) sees that slip in the 修容 list, never as an example
    install_index(seed_index_dir)
    from coach.index.retriever import PASSAGES_NAME, read_passages

    own_title = next(p.title for p in read_passages(seed_index_dir / PASSAGES_NAME) if p.doc_id.startswith("003"))
    own_text = next(t for name, t in seed_texts.items() if name.startswith("003"))
    at = new_app()
    create_project(at, "改自己的讲话")
    go(at, "xiurong")
    before = [m.value for m in at.markdown if m.value.startswith("改前：")]
    assert any("【十跟手指】" in p for p in before)  # another writer sees 003's slip as an example
    area = next(t for t in at.text_area if t.key and t.key.endswith(".draft"))
    area.input(own_text).run()
    pairs = [m.value for m in at.markdown if m.value.startswith("改前：")]
    sources = [c.value for c in at.caption if c.value.endswith("》")]
    assert pairs and not any("【十跟手指】" in p for p in pairs)
    assert not any(f"《{own_title}》" in c for c in sources)


# --- the coach ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("step_key,question", [
    ("liyi", "请示和报告有什么区别？"), ("dagu", "下一步做什么"), ("tianrou", "给我看看例子"),
    ("xiurong", "截止和截至怎么区分？"), ("chengqi", "帮我检查"),
])
def test_offline_coach_answers_at_every_step_and_the_talk_is_saved(step_key, question):
    at = new_app()
    pid = create_project(at)
    go(at, step_key)
    at.chat_input(key=f"chat.{step_key}").set_value(question).run()
    assert_ok(at)
    chats = saved(pid).chats[step_key]
    assert [m.role for m in chats] == ["user", "assistant"]
    assert chats[0].content == question and chats[1].content.strip()
    shown = [m.value for cm in at.chat_message for m in cm.markdown]
    assert question in shown and chats[1].content in shown
    # after a restart the conversation is still there
    again = new_app(p=pid)
    go(again, step_key)
    assert [cm.name for cm in again.chat_message] == ["user", "assistant"]


def test_llm_coach_streams_from_a_real_http_server_and_never_stores_the_key(monkeypatch):
    from openai_server import Behaviour, OpenAIServer

    with OpenAIServer() as server:
        monkeypatch.setenv("COACH_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("COACH_LLM_API_KEY", "sk-test-secret-123")
        monkeypatch.setenv("COACH_LLM_MODEL", "test-model")
        server.push(Behaviour(chunks=["核心观点要", "用一句话", "说清楚。"]))
        at = new_app()
        pid = create_project(at)
        assert at.sidebar.radio(key="coach_mode").value == "llm"
        at.chat_input(key="chat.liyi").set_value("怎么提炼核心观点？").run()
        assert_ok(at)
        reply = saved(pid).chats["liyi"][-1]
        assert "核心观点要用一句话说清楚。" in reply.content
        headers = {k.lower(): v for k, v in server.requests[-1].headers.items()}
        assert headers.get("authorization") == "Bearer sk-test-secret-123"

        # the provider fails: the writer is told and the offline coach answers that turn
        server.push(Behaviour(mode="status", status=500, error_message="boom"))
        at.chat_input(key="chat.liyi").set_value("请示和报告有什么区别？").run()
        assert_ok(at)
        last = saved(pid).chats["liyi"][-1]
        assert last.extras.get("fallback") and last.content.strip()
        assert "由离线教练代答" in texts(at)

        # switch to the offline coach in the sidebar
        at.sidebar.radio(key="coach_mode").set_value("offline").run()
        count = len(server.requests)
        at.chat_input(key="chat.liyi").set_value("下一步做什么").run()
        assert len(server.requests) == count

    row = ProjectStore().engine.connect().exec_driver_sql("select data from coach_projects").fetchone()
    assert "sk-test-secret-123" not in row[0]


# --- the writer's own corpus ----------------------------------------------------------------------------

def test_upload_speeches_and_rebuild_the_index(built_model_path, monkeypatch):
    monkeypatch.setenv("COACH_EMBED_MODEL", str(built_model_path))
    at = new_app()
    create_project(at)
    at.sidebar.button(key="show_corpus").click().run()
    assert "索引尚未构建" in texts(at)
    speech = ("在全县防汛工作会议上的讲话\n同志们：\n今天召开全县防汛工作会议，部署今年防汛抗旱工作。\n"
              "一、提高认识，压实防汛责任\n防汛工作事关群众生命财产安全，2024年全县共转移群众3200人。\n"
              "二、突出重点，抓好隐患排查\n要对全县47座水库逐一排查，做到不漏一处。")
    at.file_uploader[0].set_value([
        ("防汛讲话.txt", speech.encode("gb18030"), "text/plain"),
        ("损坏.docx", b"PK\x03\x04broken", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]).run()
    at.button(key="upload_go").click().run()
    assert_ok(at)
    assert any("已导入《在全县防汛工作会议上的讲话》" in m.value for m in at.success)
    assert any("损坏.docx" in m.value for m in at.error)

    at.button(key="rebuild").click().run()
    assert_ok(at)
    # the five seed speeches, our model texts (coach/genres/models) and the one good upload
    from coach import config
    from coach.genres.structure import MODELS_DIR

    expected = len(list(config.seeds_dir().glob("*.txt"))) + len(list(MODELS_DIR.glob("*.txt"))) + 1
    assert any(f"索引已重建：{expected}篇文稿" in m.value for m in at.success), texts(at)
    from coach.ui.services import index_manifest

    manifest = index_manifest()
    assert any(c["path"].endswith("防汛讲话.txt") for c in manifest.corpus)

    at.button(key="corpus_back").click().run()
    widget(at, "text_area", "brief.thesis").input("防汛工作事关群众生命财产安全").run()
    assert "在全县防汛工作会议上的讲话" in texts(at)
