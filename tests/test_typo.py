"""The deep 错别字 check (``coach lint --deep``) with the real model: Gemma 3 270M converted from the
installed GGUF package once for this module, into a temporary COACH_HOME (as in a fresh clone)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.cli import main


@pytest.fixture(scope="module")
def typo_home(tmp_path_factory) -> Path:
    """A COACH_HOME with the typo LM built in it (the build itself is what a fresh clone runs)."""
    from coach.typo.lm import MODEL_NAME, ensure_typo_lm

    home = tmp_path_factory.mktemp("typo-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COACH_HOME", str(home))
        ensure_typo_lm(home / "models" / MODEL_NAME, progress=False)
    return home


@pytest.fixture(scope="module")
def detector(typo_home):
    from coach.typo.detector import TypoDetector
    from coach.typo.lm import MODEL_NAME, TypoLM

    return TypoDetector(TypoLM(typo_home / "models" / MODEL_NAME))


@pytest.fixture
def in_typo_home(typo_home, monkeypatch):
    """COACH_HOME pointing at the built model, with the CLI's cached detector reset around the test."""
    from coach.typo import default_detector

    monkeypatch.setenv("COACH_HOME", str(typo_home))
    default_detector.cache_clear()
    yield typo_home
    default_detector.cache_clear()


def test_built_model_is_a_small_folder_that_loads(typo_home, detector):
    from coach.typo.convert import is_built
    from coach.typo.lm import MODEL_NAME

    folder = typo_home / "models" / MODEL_NAME
    assert is_built(folder)
    # bfloat16 with the pruned vocabulary: well under the 1 GB a float32 full-vocabulary copy takes
    assert (folder / "model.safetensors").stat().st_size < 300e6
    assert not list((typo_home / "cache").glob("**/*.gguf"))  # the temporary .gguf is gone
    # the rebuilt tokenizer cuts Chinese into Gemma's own word pieces
    assert detector.lm.tokenizer.encode("贯彻落实", add_special_tokens=False).tokens == ["贯彻", "落实"]


def test_finds_guanqie_and_suggests_che(detector):
    sentence = "我们要认真贯切落实党的二十大精神。"
    hits = detector.check_sentence(sentence)
    assert [(h.start, h.original, h.replacement) for h in hits] == [(sentence.index("切"), "切", "彻")]
    assert hits[0].margin > detector.margin


def test_seed_slip_is_found_in_a_longer_text(detector):
    # seed 003's real slip, in its paragraph; the offsets are the text's, not the sentence's
    text = ("（四）要做好沟通协调。办公室工作千头万绪，大家在工作中一定要讲究工作方法，"
            "要善于用十跟手指头弹钢琴。")
    hits = detector.check_text(text)
    assert [(h.start, h.replacement) for h in hits] == [(text.index("跟"), "根")]


def test_window_scores_reuse_the_first_pass_without_changing_a_gain(detector):
    # a window that runs to the sentence's end differs from the whole sentence only in tokens the two share,
    # so its gain must equal the whole sentences' difference scored the plain way (every token run)
    lm = detector.lm
    sentence = "我们要认真贯切落实党的二十大精神。"
    i = sentence.index("切")
    candidates = [sentence[:i] + c + sentence[i + 1 :] for c in "彻窃且"]
    analysed = lm.analyse([sentence])[0]
    k = next(k for k, (a, b) in enumerate(analysed["offsets"]) if a <= i < b)
    p = analysed["offsets"][k - 1][0]
    before = dict(lm.stats)
    windows = lm.continuation_scores([(analysed, k, [sentence[p:]] + [c[p:] for c in candidates])])[0]
    whole = lm.scores([sentence] + candidates)
    assert windows[1:] - windows[0] == pytest.approx(whole[1:] - whole[0], abs=0.02)
    assert windows[1] - windows[0] > 5  # 贯彻 is far likelier than 贯切
    # what is written was not run again, and no candidate re-ran the tokens before its change
    assert lm.stats["rows"] - before["rows"] <= len(candidates)
    assert lm.stats["tokens"] - before["tokens"] < len(candidates) * len(lm.encode([sentence[i:]])[0].ids)


@pytest.mark.parametrize("sentence", [
    "我们要认真贯彻落实党的二十大精神。",
    "各地区各部门要切实加强组织领导，确保各项任务落到实处。",
    "请各单位于5月15日前将有关材料报送办公室。",
])
def test_correct_official_sentences_give_nothing(detector, sentence):
    assert detector.check_sentence(sentence) == []


def test_lint_deep_json_has_typo_findings_in_the_lint_shape(in_typo_home, tmp_path, capsys):
    doc = tmp_path / "doc.txt"
    doc.write_text("各位同志：\n我们要认真贯切落实党的二十大精神，把各项工作做实做细。\n", encoding="utf-8")
    assert main(["lint", "--json", "--deep", str(doc)]) == 0  # warnings only
    findings = json.loads(capsys.readouterr().out)
    deep = [f for f in findings if f["family"] == "typo-lm"]
    assert len(deep) == 1
    f = deep[0]
    assert f["rule"] == "typo-lm" and f["severity"] == "warning"
    assert f["suggestion"] == "彻"
    assert (f["line"], f["extra"]["column"]) == (2, 7)
    assert f["fix"] == {"start": f["start"], "end": f["end"], "replacement": "彻", "safe": False}
    assert f["extra"]["margin"] > 0 and "【切】" in f["extra"]["excerpt"]
    # the same document without --deep: the quick lint alone does not see this slip
    assert main(["lint", "--json", str(doc)]) == 0
    assert not [x for x in json.loads(capsys.readouterr().out) if x["family"] == "typo-lm"]


def test_deep_findings_do_not_repeat_what_the_quick_lint_found():
    from coach.findings import Finding
    from coach.typo import merge_findings

    quick = [Finding(rule="r1", severity="error", message="m", start=6, end=8)]
    deep = [Finding(rule="typo-lm", severity="warning", message="m", start=7, end=8, family="typo-lm"),
            Finding(rule="typo-lm", severity="warning", message="m", start=2, end=3, family="typo-lm")]
    assert [(f.rule, f.start) for f in merge_findings(quick, deep)] == [("typo-lm", 2), ("r1", 6)]


def test_deep_and_fix_together_are_refused(tmp_path, capsys):
    doc = tmp_path / "doc.txt"
    doc.write_text("我们要认真贯切落实。\n", encoding="utf-8")
    assert main(["lint", "--deep", "--fix", str(doc)]) == 2
    assert "--deep" in capsys.readouterr().err


def test_model_build_typo_keeps_an_existing_model(typo_home, capsys):
    from coach.typo.lm import MODEL_NAME

    folder = typo_home / "models" / MODEL_NAME
    before = (folder / "model.safetensors").stat().st_mtime_ns
    assert main(["model", "build", "--typo", "--out", str(folder)]) == 0
    assert "已存在" in capsys.readouterr().out
    assert (folder / "model.safetensors").stat().st_mtime_ns == before


def test_deep_check_in_the_app_runs_in_a_child_process_and_its_fixes_apply(in_typo_home):
    # 修容's "深度校对" button: the model runs in a child process (coach.ui.deepcheck), its findings join the
    # list with a one-click fix, and the fix is undoable like any other
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from app_helpers import create_project, go, new_app, texts

    from coach.store import ProjectStore

    at = new_app()
    pid = create_project(at, "深度校对")
    go(at, "xiurong")
    area = next(t for t in at.text_area if t.key and t.key.endswith(".draft"))
    area.input("我们要认真贯切落实党的二十大精神，推动各项工作落地见效。").run()
    at.button(key="deep_check").click().run()
    shown = texts(at)
    assert "深度校对完成：发现" in shown and "“切”可能应为“彻”" in shown
    fix = next(b for b in at.button if b.key and b.key.startswith("fix.typo-lm"))
    fix.click().run()
    assert "贯彻落实" in ProjectStore().load(pid)[0].draft
    undo = at.button(key="undo")
    assert undo.label == "撤销：把“切”改为“彻”"
    undo.click().run()
    assert "贯切落实" in ProjectStore().load(pid)[0].current_text()


def test_deep_check_child_process_reports_progress_and_findings(in_typo_home):
    from coach.ui.deepcheck import run_deep_check

    seen = []
    result = run_deep_check("我们要认真贯切落实党的二十大精神。\n会议要求各单位抓好落实。", lambda d, t: seen.append((d, t)))
    assert result.ok and seen and seen[-1][0] == seen[-1][1]
    assert [(f.extra["found"], f.suggestion) for f in result.findings] == [("切", "彻")]
    assert not run_deep_check("   ", lambda d, t: None).ok


# --- the optional LLM proofreading pass, against a real local OpenAI-compatible server --------------

DRAFT = "各位同志：\n我们要认真贯切落实党的二十大精神，把各项工作做实做细。\n"


@pytest.fixture
def llm_server():
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from openai_server import OpenAIServer

    with OpenAIServer() as s:
        yield s


def _settings(server):
    from coach.coaching.llm import LLMSettings

    return LLMSettings(provider="openai", base_url=server.base_url, api_key="sk-test", model="test-model", timeout=5)


def _answer(server, suggestions, chatter=""):
    from openai_server import Behaviour

    body = json.dumps(suggestions, ensure_ascii=False)
    # streamed in pieces, as providers do, with a code fence around the JSON
    text = f"{chatter}```json\n{body}\n```"
    server.push(Behaviour(chunks=[text[k : k + 9] for k in range(0, len(text), 9)]))


def test_llm_suggestion_that_verifies_becomes_a_finding_with_a_fix(llm_server, detector):
    from coach.typo.llm_check import llm_proofread

    _answer(llm_server, [{"原文": "认真贯切落实", "改为": "认真贯彻落实", "说明": "贯切→贯彻"}], "好的，结果如下：\n")
    result = llm_proofread(DRAFT, _settings(llm_server), lm=detector.lm)
    assert result.problem is None and not result.dropped
    [f] = result.findings
    at = DRAFT.index("切")
    assert (f.start, f.end, f.suggestion, f.family, f.rule) == (at, at + 1, "彻", "typo-lm", "typo-llm")
    assert f.fix.replacement == "彻" and not f.fix.safe and f.line == 2
    # the draft went to the model as a delimited data block, with the proofreading instructions
    messages = llm_server.last_messages()
    assert "错别字" in messages[0]["content"] and "贯切落实" in messages[-1]["content"]
    assert "<<<正文>>>" in messages[-1]["content"]


def test_hallucinated_rewritten_or_worse_suggestions_are_dropped(llm_server, detector):
    from coach.typo.llm_check import llm_proofread

    text = "我们要认真贯彻落实党的二十大精神，把各项工作做实做细。"
    _answer(llm_server, [
        {"原文": "坚决贯切执行", "改为": "坚决贯彻执行"},  # quotes text that is not in the draft
        {"原文": "把各项工作做实做细", "改为": "推动各项工作取得实效"},  # a rewrite, not a typo fix
        {"原文": "认真贯彻落实", "改为": "认真惯彻落实"},  # a "fix" that the LM finds far worse
        {"改为": "无原文"},
    ])
    result = llm_proofread(text, _settings(llm_server), lm=detector.lm)
    assert result.findings == []
    assert len(result.dropped) == 4 and "未通过核对" in result.message
    assert {d["why"] for d in result.dropped} >= {"原文不在正文中", "不是小范围的改字"}
    assert any("更不通顺" in d["why"] for d in result.dropped)


def test_llm_that_fails_or_answers_nonsense_leaves_a_clear_note_and_no_findings(llm_server, detector):
    from openai_server import Behaviour

    from coach.coaching.llm import LLMSettings
    from coach.typo.llm_check import llm_proofread

    llm_server.push(Behaviour(chunks=["我觉得这篇文章写得很好。"]))
    result = llm_proofread(DRAFT, _settings(llm_server), lm=detector.lm)
    assert result.findings == [] and "格式" in result.problem
    llm_server.push(Behaviour(mode="status", status=500, error_message="boom"))
    result = llm_proofread(DRAFT, _settings(llm_server), lm=detector.lm)
    assert result.findings == [] and "500" in result.problem and "其余校对结果不受影响" in result.problem
    result = llm_proofread(DRAFT, LLMSettings(provider="openai"), lm=detector.lm)
    assert result.findings == [] and "COACH_LLM" in result.problem


def test_lint_deep_llm_adds_only_verified_llm_findings(in_typo_home, llm_server, tmp_path, capsys, monkeypatch):
    doc = tmp_path / "doc.txt"
    doc.write_text("会议要求，各单位要加强组织领导，确保各项任务落到实处。\n", encoding="utf-8")
    monkeypatch.setenv("COACH_LLM_BASE_URL", llm_server.base_url)
    monkeypatch.setenv("COACH_LLM_API_KEY", "sk-test")
    monkeypatch.setenv("COACH_LLM_MODEL", "test-model")
    _answer(llm_server, [{"原文": "落到实处", "改为": "落倒实处"}, {"原文": "加强组织领道", "改为": "加强组织领导"}])
    assert main(["lint", "--json", "--deep", "--llm", str(doc)]) == 0
    out = capsys.readouterr()
    assert not [f for f in json.loads(out.out) if f["rule"] == "typo-llm"]  # neither survives verification
    assert "2条建议未通过核对" in out.err
    assert main(["lint", "--llm", str(doc)]) == 2 and "--deep" in capsys.readouterr().err


def test_deep_check_child_adds_the_llm_pass_when_asked(in_typo_home, llm_server, monkeypatch):
    from coach.ui.deepcheck import run_deep_check

    monkeypatch.setenv("COACH_LLM_BASE_URL", llm_server.base_url)
    monkeypatch.setenv("COACH_LLM_MODEL", "test-model")
    _answer(llm_server, [{"原文": "要认真贯切", "改为": "要认真贯彻"}, {"原文": "不存在的话", "改为": "不存在的活"}])
    result = run_deep_check("我们要认真贯切落实党的二十大精神。", lambda d, t: None, llm=True)
    assert result.ok and "大模型校对" in result.message and "1条建议未通过核对" in result.message
    # the LM found 切→彻 itself; the LLM's agreeing suggestion is not listed twice
    assert [(f.extra["found"], f.suggestion) for f in result.findings] == [("切", "彻")]


def test_xiurong_offers_the_llm_pass_when_the_apps_secrets_configure_an_llm(in_typo_home, llm_server, monkeypatch):
    # an LLM set up only in the app's secrets (not the environment) reaches the deep check's child process:
    # the 修容 page offers the pass, runs it, and says what the LLM's suggestions came to
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from app_helpers import APP, assert_ok, create_project, go, texts
    from streamlit.testing.v1 import AppTest

    for name in ("COACH_LLM_PROVIDER", "COACH_LLM_BASE_URL", "COACH_LLM_API_KEY", "COACH_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["COACH_LLM_BASE_URL"] = llm_server.base_url
    at.secrets["COACH_LLM_MODEL"] = "test-model"
    at.run()
    assert_ok(at)
    create_project(at, "深度校对加大模型")
    go(at, "xiurong")
    area = next(t for t in at.text_area if t.key and t.key.endswith(".draft"))
    area.input("我们要认真贯切落实党的二十大精神。").run()
    assert at.checkbox(key="deep_check_llm").value is True  # offered, and on, because a model is configured
    _answer(llm_server, [{"原文": "要认真贯切", "改为": "要认真贯彻"}, {"原文": "不存在的话", "改为": "不存在的活"}])
    # every request gets this answer, whichever comes first (the examples' query rewrite may ask the LLM too)
    llm_server.default = llm_server._queue.popleft()
    at.button(key="deep_check").click().run()
    assert_ok(at)
    shown = texts(at)
    assert "深度校对完成：发现1处" in shown and "1条建议未通过核对" in shown
    asked = [json.dumps(r.body, ensure_ascii=False) for r in llm_server.requests if r.method == "POST"]
    assert any("贯切" in body for body in asked)  # the child really asked the LLM the app is configured with


def test_xiurong_offline_does_not_offer_the_llm_pass(in_typo_home, monkeypatch):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from app_helpers import create_project, go, new_app

    for name in ("COACH_LLM_PROVIDER", "COACH_LLM_BASE_URL", "COACH_LLM_API_KEY", "COACH_LLM_MODEL"):
        monkeypatch.delenv(name, raising=False)
    at = new_app()
    create_project(at, "离线深度校对")
    go(at, "xiurong")
    area = next(t for t in at.text_area if t.key and t.key.endswith(".draft"))
    area.input("我们要认真贯切落实党的二十大精神。").run()
    assert not [c for c in at.checkbox if c.key == "deep_check_llm"]


# --- protected 公文 words -------------------------------------------------------------------------------------

def test_protected_official_words_are_never_corrected_but_a_slip_inside_one_is(detector):
    # 踔厉 is rare and sounds like 凌厉: unprotected, the LM prefers 凌 by 23 nats (seed 002). Written exactly,
    # the word is left alone; misspelt (踔励奋发) it no longer matches and is checked like any other text.
    right = "我们要踔厉奋发、勇毅前行，吃透上情、把握下情。"
    hits = detector.check_sentences([right], keep_all=True)[0]  # every position's best candidate, any gain
    inside = [h for h in hits if right.find("踔厉奋发") <= h.start < right.find("踔厉奋发") + 4
              or right.find("上情") <= h.start < right.find("上情") + 2]
    assert inside == []
    from coach.typo.protected import protected_mask

    assert not any(protected_mask("我们要踔励奋发")[3:5])


def test_an_office_adds_its_own_protected_words(tmp_path, monkeypatch):
    from coach.typo.protected import protected_mask

    sentence = "请市凇江区报送材料。"
    assert not any(protected_mask(sentence))
    own = tmp_path / "本单位词表.txt"
    own.write_bytes("# 本单位的地名\n凇江区\n".encode("gbk"))  # any encoding the corpus reader knows
    monkeypatch.setenv("COACH_TYPO_PROTECTED", str(own))
    assert protected_mask(sentence)[2:5] == [True, True, True]
    monkeypatch.setenv("COACH_TYPO_PROTECTED", str(tmp_path / "没有这个文件.txt"))
    assert not any(protected_mask(sentence))  # a missing file is skipped; the built-in words still apply
    assert any(protected_mask("踔厉奋发"))
