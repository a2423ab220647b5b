"""The app shell in Streamlit's AppTest: projects, step navigation, 立意, autosave, restarts, stale tabs.

Everything runs against the real app script and a real SQLite project store in a temporary COACH_HOME.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from coach.store import ProjectStore

from app_helpers import APP, assert_ok, create_project, go, new_app, texts, widget  # noqa: E402


def test_welcome_then_new_project_opens_liyi():
    at = new_app()
    assert "欢迎使用写作教练" in texts(at)
    pid = create_project(at)
    assert "第1步 · 立意" in texts(at)
    project, _ = ProjectStore().load(pid)
    assert project.name == "在全市办公室系统业务培训会上的讲话"
    radio = at.sidebar.radio(key="nav_step")
    assert radio.options == ["1. 立意", "2. 搭骨", "3. 填肉", "4. 修容", "5. 成器"]
    assert list(radio.proto.captions) == ["○ 未开始"] * 5


def test_liyi_fields_autosave_and_checks_follow():
    at = new_app()
    pid = create_project(at)
    assert "立意卡还没有填写“文种”" in texts(at)
    widget(at, "selectbox", "brief.genre").select("请示").run()
    widget(at, "selectbox", "brief.direction").select("下行文").run()
    widget(at, "text_input", "brief.title").input("关于申请拨付防汛经费的请示").run()
    widget(at, "text_area", "brief.thesis").input("申请拨付防汛专项经费200万元，同时请求批准增设两个编制。").run()
    shown = texts(at)
    assert "请示应当一文一事" in shown
    assert "请示一般是上行文，这里选了下行文" in shown
    assert "立意卡还没有填写“文种”" not in shown

    saved, _ = ProjectStore().load(pid)
    assert saved.brief.genre == "请示"
    assert saved.brief.title == "关于申请拨付防汛经费的请示"
    assert "增设两个编制" in saved.brief.thesis

    widget(at, "selectbox", "brief.direction").select("上行文").run()
    widget(at, "text_area", "brief.thesis").input("申请拨付防汛专项经费200万元，确保安全度汛。").run()
    shown = texts(at)
    assert "一文一事" not in shown and "这里选了下行文" not in shown
    # the sidebar counts what is still open
    assert any("进行中" in c for c in at.sidebar.radio(key="nav_step").proto.captions)


def test_speech_needs_audience_and_minutes():
    at = new_app()
    create_project(at)
    widget(at, "selectbox", "brief.genre").select("讲话稿").run()
    shown = texts(at)
    assert "讲话稿必须先弄清受众" in shown
    assert "讲话稿必须先定讲话时长" in shown
    widget(at, "text_input", "brief.audience").input("全市办公室系统业务骨干").run()
    widget(at, "number_input", "brief.speaking_minutes").set_value(30).run()
    shown = texts(at)
    assert "讲话稿必须先弄清受众" not in shown and "讲话稿必须先定讲话时长" not in shown


def test_project_survives_a_restart_and_reopens_from_the_url():
    at = new_app()
    pid = create_project(at)
    widget(at, "text_input", "brief.title").input("关于2025年工作情况的报告").run()
    at.sidebar.radio(key="nav_step").set_value("dagu").run()
    assert at.query_params["step"] == "dagu"

    # a browser refresh (new session) or a server restart (new process: caches cleared) keeps everything
    import streamlit as st

    st.cache_resource.clear()
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params["p"] = pid
    again.run()
    assert not again.exception
    assert "第2步 · 搭骨" in texts(again)
    again.sidebar.radio(key="nav_step").set_value("liyi").run()
    assert widget(again, "text_input", "brief.title").value == "关于2025年工作情况的报告"


def test_stale_tab_is_told_and_keeps_its_text():
    first = new_app()
    pid = create_project(first)
    second = AppTest.from_file(APP, default_timeout=60)
    second.query_params["p"] = pid
    second.run()

    widget(first, "text_input", "brief.title").input("第一个标签页的标题").run()
    widget(second, "text_area", "brief.thesis").input("第二个标签页写下的核心观点").run()
    assert "这里的修改没有保存" in texts(second)
    assert any("第二个标签页写下的核心观点" in c.value for c in second.code)
    assert widget(second, "text_area", "brief.thesis").value == "第二个标签页写下的核心观点"
    saved, _ = ProjectStore().load(pid)
    assert saved.brief.title == "第一个标签页的标题"
    assert saved.brief.thesis == ""  # the stale tab did not overwrite anything

    second.button(key="conflict_overwrite").click().run()
    saved, _ = ProjectStore().load(pid)
    assert saved.brief.thesis == "第二个标签页写下的核心观点"
    assert "这里的修改没有保存" not in texts(second)


def test_stale_tab_can_take_the_newer_version():
    first = new_app()
    pid = create_project(first)
    second = AppTest.from_file(APP, default_timeout=60)
    second.query_params["p"] = pid
    second.run()
    widget(first, "text_input", "brief.title").input("较新的标题").run()
    widget(second, "text_input", "brief.audience").input("旧标签页的受众").run()
    second.button(key="conflict_reload").click().run()
    assert widget(second, "text_input", "brief.title").value == "较新的标题"
    assert widget(second, "text_input", "brief.audience").value == ""
    # and it can save again
    widget(second, "text_input", "brief.audience").input("新的受众").run()
    saved, _ = ProjectStore().load(pid)
    assert (saved.brief.title, saved.brief.audience) == ("较新的标题", "新的受众")


def test_rename_delete_and_undo_delete():
    at = new_app()
    pid = create_project(at, "草稿一")
    at.sidebar.text_input(key="g0.rename").input("草稿一（修改）")
    at.sidebar.button(key="rename_go").click().run()
    assert ProjectStore().load(pid)[0].name == "草稿一（修改）"
    at.sidebar.button(key="delete_go").click().run()
    assert [s.id for s in ProjectStore().list()] == []
    assert "欢迎使用写作教练" in texts(at)
    at.sidebar.button(key="undo_delete").click().run()
    assert [s.id for s in ProjectStore().list()] == [pid]
    assert at.query_params["p"] == pid


@pytest.mark.parametrize("step_key,heading", [("dagu", "第2步 · 搭骨"), ("tianrou", "第3步 · 填肉"),
                                               ("xiurong", "第4步 · 修容"), ("chengqi", "第5步 · 成器")])
def test_every_step_opens(step_key, heading):
    at = new_app()
    create_project(at)
    at.sidebar.radio(key="nav_step").set_value(step_key).run()
    assert not at.exception, [e.value for e in at.exception]
    assert heading in texts(at)


def test_recent_projects_on_the_welcome_page_and_a_stale_link():
    first = new_app()
    pid = create_project(first, "最近的一篇")
    at = new_app()  # a new browser session without a project in its address
    assert "最近的文稿" in texts(at)
    at.button(key=f"recent.{pid}").click().run()
    assert at.query_params["p"] == pid and "第1步 · 立意" in texts(at)

    ProjectStore().delete(pid)
    gone = new_app(p=pid)
    assert "这个文稿已被删除" in texts(gone)
    assert "欢迎使用写作教练" in texts(gone)
    assert "p" not in gone.query_params


def test_sample_project_from_the_welcome_page_has_every_part_to_try():
    at = new_app()
    at.button(key="welcome_sample").click().run()
    shown = texts(at)
    assert "第1步 · 立意" in shown and "已打开示例文稿" in shown
    (summary,) = ProjectStore().list()
    project, _ = ProjectStore().load(summary.id)
    assert project.name.startswith("示例：")
    assert project.brief.genre == "讲话稿" and project.brief.thesis
    # the speech's own three parts, with their text, and its outline down to （一）
    assert [s.heading[:2] for s in project.sections] == ["一、", "二、", "三、"]
    assert all(len(s.body) > 200 for s in project.sections)
    assert "（四）严守纪律界限，做作风建设的道德先锋" in project.outline
    # its anonymisation marks are what 修容 must flag before export
    from coach.lint import lint

    assert any(f.family == "placeholder" for f in lint(project.current_text()))
    # every step opens on it without an error, and 修容 lists the placeholders
    for key in ("dagu", "tianrou", "xiurong", "chengqi"):
        go(at, key)
        assert_ok(at)
        if key == "xiurong":
            assert "“XX”是占位符" in texts(at)


def test_opening_the_sample_twice_opens_the_one_there_is():
    at = new_app()
    at.button(key="welcome_sample").click().run()
    go(at, "dagu")
    at.sidebar.button(key="delete_go")  # the sidebar is there: a project is open
    # back on the welcome page (as after a refresh without a project), the sample is opened again
    at2 = new_app()
    at2.button(key="welcome_sample").click().run()
    assert [s.name for s in ProjectStore().list()] == ["示例：在XX县党政办公室业务工作培训会上的讲话"]
    assert "示例文稿已经有了，已为你打开" in texts(at2)


def test_the_corpus_page_is_reachable_from_the_welcome_page():
    at = new_app()
    at.button(key="welcome_corpus").click().run()
    shown = texts(at)
    assert "语料库" in shown and "导入讲话稿" in shown
    assert at.button(key="corpus_back").label == "返回首页"
    at.button(key="corpus_back").click().run()
    assert "欢迎使用写作教练" in texts(at)


def test_the_new_documents_name_is_offered_as_its_title():
    at = new_app()
    pid = create_project(at, "关于申请购置办公设备的请示")
    offer = at.button(key="title_from_name")
    assert offer.label == "用文稿名“关于申请购置办公设备的请示”作标题"
    offer.click().run()
    assert widget(at, "text_input", "brief.title").value == "关于申请购置办公设备的请示"
    assert ProjectStore().load(pid)[0].brief.title == "关于申请购置办公设备的请示"
    assert not [b for b in at.button if b.key == "title_from_name"]


def test_the_final_check_never_says_all_clear_while_xiurong_lists_findings():
    # the bug: 成器 said "定稿检查没有发现问题" while 修容 listed 18 findings and the text held XX marks
    at = new_app()
    at.button(key="welcome_sample").click().run()
    go(at, "xiurong")
    assert "没有发现文字问题" not in texts(at)
    go(at, "chengqi")
    shown = texts(at)
    assert "没有发现问题" not in shown and "定稿检查通过" not in shown
    assert "还不能定稿" in shown and "处占位符没填（“XX”" in shown
    assert any(e.label.startswith("修容：错误") for e in at.expander)
    # and before the Word file is written, the writer is told the placeholders would go into it
    assert any("导出的文件会原样带上" in w.value for w in at.warning)
