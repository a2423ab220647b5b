"""The LLM coach: LangChain chat models (any OpenAI-compatible endpoint, or Ollama), streamed.

The prompt is the step's system prompt (``prompts/<step>.md`` + ``prompts/_rules.md``), the recent
conversation, and one human turn (``prompts/_turn.md``) carrying the project state, the step's
findings and numbered reference passages — all as delimited data blocks. Whatever goes wrong with the
provider, the writer gets a clear Chinese message and the offline coach answers that turn.
The API key lives only in ``LLMSettings`` and the client; it is never logged, stored or exported.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder

from coach.coaching.context import Focus, finding_excerpt, shorten, top_headings
from coach.coaching.format import passage_source
from coach.coaching.gather import Gathered
from coach.coaching.offline import OfflineCoach
from coach.coaching.questions import next_questions
from coach.coaching.safety import EDIT_END, EDIT_START, CitationFilter, ThinkFilter, data_block, neutralise, scrub
from coach.coaching.types import CoachReply, CoachTurn, ReplyExtras, SuggestedEdit
from coach.project import ChatMessage, Project
from coach.steps import get_step
from coach.text.vocabulary import brief_label, severity_label

log = logging.getLogger(__name__)

PROVIDERS = ("openai", "ollama")
DEFAULT_TIMEOUT = 60.0
DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434"
PASSAGE_COUNT = 4
PASSAGE_CHARS = 600
DRAFT_CHARS = 6000
HISTORY_MESSAGES = 6
HISTORY_CHARS = 1500
FINDINGS_SHOWN = 8


# --- settings ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LLMSettings:
    """Which model to talk to. ``api_key`` is kept out of ``repr`` so it cannot leak into a log line."""

    provider: str = "openai"
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = 0  # the offline coach is the fallback: fail fast rather than make the writer wait
    temperature: float = 0.3

    def problem(self) -> str | None:
        """Why these settings cannot work (Chinese, for the writer), or None."""
        if self.provider not in PROVIDERS:
            return f"COACH_LLM_PROVIDER 只能是 openai 或 ollama，现在是“{self.provider}”。"
        if not self.model:
            return "还没有指定大模型：请设置 COACH_LLM_MODEL（例如 deepseek-chat、qwen-plus、qwen2.5:7b）。"
        if self.provider == "openai" and not self.base_url and not self.api_key:
            return "还没有配置大模型服务：请设置 COACH_LLM_BASE_URL（OpenAI 兼容接口地址）和 COACH_LLM_API_KEY。"
        return None

    @property
    def ready(self) -> bool:
        return self.problem() is None

    def describe(self) -> str:
        """For the UI: provider, model and address — never the key."""
        where = self.base_url or (DEFAULT_OLLAMA_URL if self.provider == "ollama" else "OpenAI")
        return f"{self.model or '（未指定模型）'} @ {where}"


_KEYS = ("provider", "base_url", "api_key", "model", "timeout", "max_retries")


def _secret_section(secrets: Mapping[str, Any] | None) -> dict[str, Any]:
    """Settings from ``.streamlit/secrets.toml``: flat COACH_LLM_* keys, or an [llm] / [coach_llm] table."""
    found: dict[str, Any] = {}
    if not secrets:
        return found
    for table in ("llm", "coach_llm"):
        section = secrets.get(table) if hasattr(secrets, "get") else None
        if isinstance(section, Mapping):
            for k in _KEYS:
                if section.get(k) not in (None, ""):
                    found[k] = section.get(k)
    for k in _KEYS:
        value = secrets.get(f"COACH_LLM_{k.upper()}") if hasattr(secrets, "get") else None
        if value not in (None, ""):
            found[k] = value
    return found


def llm_settings_from(env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> LLMSettings:
    """Read COACH_LLM_PROVIDER / _BASE_URL / _API_KEY / _MODEL / _TIMEOUT / _MAX_RETRIES.

    ``env`` (default ``os.environ``) wins over ``secrets`` (the app passes ``st.secrets``), so a
    deployment can override the file. The provider defaults to ollama when the address is Ollama's port.
    """
    import os

    env = os.environ if env is None else env
    values = _secret_section(secrets)
    for k in _KEYS:
        value = env.get(f"COACH_LLM_{k.upper()}")
        if value not in (None, ""):
            values[k] = value
    provider = str(values.get("provider") or "").strip().lower()
    base_url = str(values.get("base_url") or "").strip() or None
    if not provider:
        provider = "ollama" if base_url and ":11434" in base_url else "openai"

    def number(key: str, default: float) -> float:
        try:
            return float(values[key]) if key in values else default
        except (TypeError, ValueError):
            log.warning("ignoring COACH_LLM_%s: not a number", key.upper())
            return default

    return LLMSettings(
        provider=provider,
        base_url=base_url,
        api_key=str(values.get("api_key") or "").strip() or None,
        model=str(values.get("model") or "").strip() or None,
        timeout=number("timeout", DEFAULT_TIMEOUT),
        max_retries=int(number("max_retries", 0)),
    )


def make_chat_model(settings: LLMSettings) -> BaseChatModel:
    """The LangChain chat model for ``settings`` (streaming; time-out applies between chunks too)."""
    if settings.provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=settings.model,
            base_url=settings.base_url or DEFAULT_OLLAMA_URL,
            temperature=settings.temperature,
            client_kwargs={"timeout": settings.timeout},
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        # local servers (llama.cpp, vLLM, LM Studio) need no key, but the client insists on one
        api_key=settings.api_key or "not-needed",
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        temperature=settings.temperature,
        streaming=True,
    )


# --- failures ---------------------------------------------------------------------------------------

class EmptyAnswer(Exception):
    """The provider finished without saying anything."""


class CutOff(Exception):
    """The stream ended without the provider saying it was finished."""


@dataclass(frozen=True)
class LLMFailure:
    reason: str  # auth | forbidden | not_found | rate_limit | timeout | connection | cut_off | malformed | empty | server | bad_request | config | unknown
    message: str  # Chinese, for the chat


FALLBACK = "本轮改由离线教练回答。"


def classify_failure(exc: BaseException, settings: LLMSettings, partial: bool = False) -> LLMFailure:
    """Turn whatever the provider (or the network) did into one clear Chinese message."""
    import httpx
    import openai

    status = getattr(exc, "status_code", None)
    if status is None and isinstance(getattr(exc, "response", None), httpx.Response):
        status = exc.response.status_code  # type: ignore[union-attr]
    where = settings.base_url or (DEFAULT_OLLAMA_URL if settings.provider == "ollama" else "OpenAI")
    if isinstance(exc, EmptyAnswer):
        return LLMFailure("empty", f"大模型返回了空回答。{FALLBACK}")
    if isinstance(exc, CutOff):
        return LLMFailure("cut_off", f"大模型的回答没有正常结束（可能被截断），上面是已收到的部分。{FALLBACK}")
    if isinstance(exc, (openai.APITimeoutError, httpx.TimeoutException, TimeoutError)):
        return LLMFailure(
            "timeout",
            f"大模型服务在 {settings.timeout:g} 秒内没有回应（超时），可以稍后再试，或调大 COACH_LLM_TIMEOUT。{FALLBACK}",
        )
    if status == 401:
        return LLMFailure("auth", f"大模型服务拒绝了密钥（401），请检查 COACH_LLM_API_KEY；{FALLBACK}")
    if status == 403:
        return LLMFailure("forbidden", f"大模型服务拒绝访问（403）：这个密钥没有使用该模型的权限，请检查 COACH_LLM_API_KEY 和 COACH_LLM_MODEL；{FALLBACK}")
    if status == 404:
        hint = f"（Ollama 需要先运行 ollama pull {settings.model}）" if settings.provider == "ollama" else ""
        return LLMFailure("not_found", f"大模型服务找不到模型“{settings.model}”或接口地址不对（404），请检查 COACH_LLM_MODEL 和 COACH_LLM_BASE_URL{hint}；{FALLBACK}")
    if status == 429:
        return LLMFailure("rate_limit", f"大模型服务请求太频繁或额度已用完（429），请稍后再试或检查账户额度；{FALLBACK}")
    if isinstance(status, int) and 400 <= status < 500:
        return LLMFailure("bad_request", f"大模型服务不接受这次请求（{status}），请检查 COACH_LLM_MODEL 等设置；{FALLBACK}")
    if isinstance(status, int) and status >= 500:
        return LLMFailure("server", f"大模型服务内部出错（{status}），请稍后再试；{FALLBACK}")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)) or (
        partial and isinstance(exc, (openai.APIConnectionError, httpx.TransportError, ConnectionError))
    ):
        return LLMFailure("cut_off", f"大模型的回答中途断开了，上面是已收到的部分。{FALLBACK}")
    if isinstance(exc, (openai.APIConnectionError, httpx.TransportError, ConnectionError)):
        return LLMFailure("connection", f"连不上大模型服务（{where}），请确认服务已启动、COACH_LLM_BASE_URL 填写正确；{FALLBACK}")
    if isinstance(exc, (ValueError, openai.APIResponseValidationError)):
        return LLMFailure("malformed", f"大模型服务返回的数据格式不对，无法解析。{FALLBACK}")
    return LLMFailure("unknown", f"调用大模型时出错（{type(exc).__name__}）。{FALLBACK}")


# --- prompt -----------------------------------------------------------------------------------------

def build_prompt(system_template: str, turn_template: str) -> ChatPromptTemplate:
    return ChatPromptTemplate.from_messages(
        [("system", system_template), MessagesPlaceholder("history"), ("human", turn_template)]
    )


def history_messages(turn: CoachTurn, limit: int = HISTORY_MESSAGES) -> list[BaseMessage]:
    """The recent conversation of this step (texts only, trimmed); the current message is not repeated."""
    msgs: list[ChatMessage] = list(turn.conversation())
    if msgs and msgs[-1].role == "user" and msgs[-1].content == turn.message:
        msgs = msgs[:-1]  # the app recorded the message before asking for the reply
    out: list[BaseMessage] = []
    for m in msgs[-limit:]:
        text = shorten(m.content, HISTORY_CHARS) if len(m.content) > HISTORY_CHARS else m.content
        out.append(HumanMessage(text) if m.role == "user" else AIMessage(text))
    return out


#: the 立意卡 fields the model sees (署名 and 成文日期 do not change what to write)
PROMPT_BRIEF_FIELDS = ("genre", "direction", "occasion", "title", "recipient", "leader_intent", "audience", "thesis",
                       "expected_effect", "target_chars", "speaking_minutes")


def project_block(project: Project, step_key: str, gathered: Gathered) -> str:
    b = project.brief
    card_fields = tuple((brief_label(name), str(getattr(b, name) or "")) for name in PROMPT_BRIEF_FIELDS)
    card = "\n".join(f"{label}：{value}" for label, value in card_fields if str(value).strip())
    blocks = [data_block("写作者的立意卡", card or "（还没有填写）")]
    focus = gathered.focus
    # which parts of the project a turn carries is the step's choice (Step.context_blocks)
    for name in get_step(step_key).context_blocks:
        if name == "outline" or (name == "outline_if_written" and project.outline.strip()):
            blocks.append(data_block("写作者的提纲", project.outline or "\n".join(top_headings(project))))
        elif name == "section_sizes":
            sizes = "\n".join(f"{s.heading}（{len(s.body.strip())}字）" for s in project.sections)
            if sizes:
                blocks.append(data_block("各部分篇幅", sizes))
        elif name == "focus_part":
            blocks.append(data_block(f"写作者正在写的部分：{focus.label}", focus.text, limit=DRAFT_CHARS))
        elif name == "draft":
            blocks.append(data_block("写作者的文稿", project.current_text(), limit=DRAFT_CHARS))
        elif name == "asked_part" and focus.target != "draft" and focus.text.strip():
            blocks.append(data_block(f"写作者问到的部分：{focus.label}", focus.text, limit=DRAFT_CHARS))
        elif name == "last_version" and project.versions:
            v = project.versions[-1]
            blocks.append(data_block(f"上一个版本：{v.label}", v.text, limit=DRAFT_CHARS // 2))
    return "\n\n".join(blocks)


def findings_block(project: Project, step_key: str, findings: list[Any]) -> str:
    if not findings:
        return data_block("检查结果", "这一步的检查没有发现问题。")
    lines = []
    for i, f in enumerate(findings[:FINDINGS_SHOWN], start=1):
        line = f"{i}. [{severity_label(f.severity)}] {f.message}"
        excerpt = finding_excerpt(project, step_key, f)
        if excerpt:
            line += f"——原文「{excerpt}」"
        if f.suggestion:
            line += f"；建议：{f.suggestion}"
        lines.append(line)
    more = f"\n（另有{len(findings) - FINDINGS_SHOWN}条未列出）" if len(findings) > FINDINGS_SHOWN else ""
    return data_block(f"检查结果（共{len(findings)}条）", "\n".join(lines) + more)


def passages_block(hits: list[Any]) -> str:
    if not hits:
        return "（本轮没有参考材料：回答中不要使用 [1] 这样的编号。）"
    blocks = [
        data_block(f"参考材料 [{n}]｜来源：{passage_source(h.passage)}", h.passage.text, limit=PASSAGE_CHARS)
        for n, h in enumerate(hits, start=1)
    ]
    return f"参考材料共{len(hits)}段，引用时只能用 [1] 到 [{len(hits)}]：\n\n" + "\n\n".join(blocks)


def chunk_text(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks (some providers)
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content or "")


def _finished(chunk: Any) -> bool:
    meta = getattr(chunk, "response_metadata", None) or {}
    return bool(meta.get("finish_reason") or meta.get("done_reason") or meta.get("done"))


_EDIT_BLOCK = re.compile(re.escape(EDIT_START) + r"\s*(.*?)\s*" + re.escape(EDIT_END), re.S)


def rewrite_edit(focus: Focus, after: str) -> SuggestedEdit | None:
    """The model's rewrite as an edit of ONE paragraph of the focused part: the paragraph it resembles
    most. A one-paragraph answer never replaces a whole multi-paragraph section or draft."""
    after = after.strip()
    paragraphs = [p.strip() for p in focus.text.splitlines() if p.strip()]
    if not after:
        return None
    if not paragraphs:
        before = ""
    elif len(paragraphs) == 1:
        before = paragraphs[0]
    else:
        ratio, before = max((SequenceMatcher(None, p, after, autojunk=False).ratio(), p) for p in paragraphs)
        if ratio < 0.3:
            return None  # cannot tell which paragraph was rewritten: leave it as advice in the text
    if before == after:
        return None
    return SuggestedEdit(target=focus.target, before=before, after=after, reason="大模型按你的要求给出的改写建议")


# --- the coach --------------------------------------------------------------------------------------

class LLMCoach:
    """Coaching through a chat model; the offline coach gathers context and answers when the model fails."""

    name = "llm"

    def __init__(self, settings: LLMSettings, *, offline: OfflineCoach | None = None,
                 chat_model: BaseChatModel | None = None, require_finish: bool | None = None) -> None:
        self.settings = settings
        self.offline = offline if offline is not None else OfflineCoach()
        self._chat_model = chat_model
        # ChatOpenAI and ChatOllama report why a stream ended (finish_reason / done_reason); a stream that
        # ends without one was cut. An injected model (tests, other integrations) may not report it.
        self.require_finish = (chat_model is None) if require_finish is None else require_finish

    @property
    def chat_model(self) -> BaseChatModel:
        if self._chat_model is None:
            self._chat_model = make_chat_model(self.settings)
        return self._chat_model

    def reply(self, turn: CoachTurn) -> CoachReply:
        return CoachReply(lambda extras: self.produce(turn, extras),
                          ReplyExtras(coach=self.name, model=self.settings.model))

    # the prompt, separately testable
    def gather(self, turn: CoachTurn) -> Gathered:
        return self.offline.gather(turn, k=PASSAGE_COUNT, need_hits=True, need_findings=True)

    def task_for(self, turn: CoachTurn, g: Gathered) -> str:
        data = self.offline.data
        intent = next((i for i in data.intents if i.id == g.route.intent), None)
        task = (intent.llm_task if intent and intent.llm_task else data.unknown_llm_task).replace("{focus}", g.focus.label)
        if g.route.intent != "rewrite":
            task += f"写作者没有要求改写，不要给出{EDIT_START}。"
        bank = data.banks[g.step.key]
        open_q = next_questions(bank, turn.project, g.focus, turn.conversation(), limit=1)
        if open_q:
            task += f"（这一步还没有回答的问题，可供参考：{open_q[0].text}）"
        return task

    def build_messages(self, turn: CoachTurn, g: Gathered) -> list[BaseMessage]:
        data = self.offline.data
        step = g.step
        prompt = build_prompt(data.system_prompts[step.key], data.turn_template)
        value = prompt.invoke({
            "step_name": step.name,
            "step_goal": step.goal,
            "checklist": "\n".join(f"- {item}" for item in step.checklist),
            "history": history_messages(turn),
            "project": project_block(turn.project, step.key, g),
            "findings": findings_block(turn.project, step.key, g.findings),
            "passages": passages_block(g.hits),
            "task": self.task_for(turn, g),
            "message": neutralise(turn.message) or "（写作者没有输入文字）",
        })
        return value.to_messages()

    def produce(self, turn: CoachTurn, extras: ReplyExtras) -> Iterator[str]:
        problem = self.settings.problem()
        if problem:
            yield from self._fall_back(turn, extras, LLMFailure("config", f"{problem}{FALLBACK}"), partial=False)
            return
        try:
            g = self.gather(turn)
            messages = self.build_messages(turn, g)
        except Exception as exc:
            log.exception("preparing the LLM prompt failed")
            yield from self._fall_back(turn, extras, classify_failure(exc, self.settings), partial=False)
            return
        extras.intent = g.route.intent
        extras.focus = g.focus.target
        extras.passages = [
            {"n": n, "cited": False, "score": float(getattr(h, "score", 0.0) or 0.0),
             "source": passage_source(h.passage), "passage": h.passage.to_dict()}
            for n, h in enumerate(g.hits, start=1)
        ]
        extras.findings = [f.to_dict() for f in g.findings[:FINDINGS_SHOWN]]
        cites = CitationFilter(len(g.hits))
        thinking = ThinkFilter()
        received: list[str] = []
        finished = False
        try:
            for chunk in self.chat_model.stream(messages):
                finished = finished or _finished(chunk)
                text = thinking.feed(chunk_text(chunk))
                if not text:
                    continue
                received.append(text)
                piece = cites.feed(text)
                if piece:
                    yield piece
            tail = cites.feed(thinking.flush()) + cites.flush()
            if tail:
                received.append(tail)
                yield tail
            if not "".join(received).strip():
                raise EmptyAnswer()
            if self.require_finish and not finished:
                raise CutOff()
        except Exception as exc:
            tail = cites.flush()
            if tail:
                yield tail
            failure = classify_failure(exc, self.settings, partial=bool("".join(received).strip()))
            log.warning("LLM turn failed (%s): %s", failure.reason, scrub(f"{type(exc).__name__}: {exc}", [self.settings.api_key]))
            yield from self._fall_back(turn, extras, failure, partial=bool(received))
            return
        answer = "".join(received)
        for p in extras.passages:
            p["cited"] = p["n"] in cites.cited
        extras.citations_dropped = list(cites.dropped)
        if cites.dropped:
            yield f"\n\n（已删去指向不存在材料的引用编号：{'、'.join(dict.fromkeys(cites.dropped))}）"
        if g.route.intent == "rewrite":
            # an edit only when the writer asked for one, and only of the part they asked about
            m = _EDIT_BLOCK.search(answer)
            edit = rewrite_edit(g.focus, m.group(1)) if m else None
            if edit is not None:
                extras.edits.append(edit)

    def _fall_back(self, turn: CoachTurn, extras: ReplyExtras, failure: LLMFailure, partial: bool) -> Iterator[str]:
        """Say what went wrong, then let the offline coach answer this turn."""
        yield ("\n\n" if partial else "") + f"> ⚠️ {failure.message}\n\n"
        sub = ReplyExtras(coach="offline")
        yield from self.offline.produce(turn, sub)
        for name in sub.__dataclass_fields__:
            setattr(extras, name, getattr(sub, name))
        extras.fallback = {"reason": failure.reason, "message": failure.message}
        extras.model = self.settings.model
