"""The one place the app reaches the other parts of ``coach``.

Each capability is one small function, so the app never imports a subsystem directly and a test can
call exactly what the app calls. Heavy objects (store, retriever, coach) are created here and cached
by the app with ``st.cache_resource``, keyed by the data folder so tests with their own ``COACH_HOME``
never share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach import config
from coach.project import Project


# --- projects -----------------------------------------------------------------------------------

def open_store(url: str | None = None):
    from coach.store import ProjectStore

    return ProjectStore(url)


def stale_error() -> type[Exception]:
    from coach.store import StaleProjectError

    return StaleProjectError


def not_found_error() -> type[Exception]:
    from coach.store import ProjectNotFoundError

    return ProjectNotFoundError


# --- corpus and index ---------------------------------------------------------------------------

def index_dir() -> Path:
    return config.default_index_dir()


def uploads_dir() -> Path:
    from coach.index.build import uploads_dir as _uploads

    return _uploads()


def index_manifest(folder: Path | None = None):
    """The manifest of the built index, or None when there is none yet (cheap: no model is loaded)."""
    from coach.errors import CoachError
    from coach.index import Manifest

    try:
        return Manifest.load(Path(folder or index_dir()))
    except CoachError:
        return None


def open_retriever(folder: Path | None = None, secrets: dict[str, Any] | None = None):
    """The retriever over the built index. Raises ``CoachError`` with a Chinese message when the index
    is missing or broken; the app shows it and offers to build the index.

    For the default static model queries are embedded with numpy (``coach.embed.load_encoder``), so the
    server never imports torch. ``secrets``: the app's secrets; when they (or the environment) configure an
    LLM, it also rewrites colloquial queries into official wording (coach.index.rewrite), fused beside them."""
    from coach.index import Retriever
    from coach.index.rewrite import rewriter_from_env

    return Retriever.load(Path(folder or index_dir()), rewriter=rewriter_from_env(secrets=secrets))


def index_key(folder: Path | None = None) -> str:
    """Changes whenever the index is rebuilt, so a cached retriever is replaced after a rebuild."""
    manifest = index_manifest(folder)
    return "" if manifest is None else f"{Path(folder or index_dir())}@{manifest.built_at}"


def search(retriever: Any, query: str, step: str, k: int = 4, own_text: str = "",
           genre: str | None = None) -> list[dict[str, Any]]:
    """Example passages for ``query`` in ``step``'s scope, as plain dicts (Hit.to_dict(): each carries
    ``position``, ``heading_path`` and ``marks``, the corpus's own errors in its text). ``own_text`` is the
    writer's text: the speech it was made from (the sample's seed) and passages of it are never shown."""
    return find_examples(retriever, query, step, k, own_text, genre=genre)["hits"]


#: what ``find_examples`` says when the project's genre is missing from the corpus or nothing of it is close
GENRE_MESSAGES = {
    "form": "语料库里没有内容相近的{genre}，下面是{genre}范文的写法，可以借鉴结构和用语",
    "form-unasked": "下面是{genre}范文的写法，可以借鉴结构和用语",
    "borrowed": "语料库里还没有{genre}的范文，下面是{others}里可借鉴的写法；可以在 管理语料库 上传本单位的{genre}",
    "missing": "语料库里还没有{genre}的范文，也没有可借鉴的相近段落；可以在 管理语料库 上传本单位的{genre}",
}


def _empty_result() -> dict[str, Any]:
    return {"hits": [], "absent": False, "message": "", "dropped": 0, "floor": None, "excluded_docs": [],
            "genre": "", "genre_status": "", "borrowed_from": []}


def _as_result(result: Any) -> dict[str, Any]:
    if hasattr(result, "to_dict"):
        out = result.to_dict()
    else:
        out = {**_empty_result(), "hits": [h.to_dict() for h in result]}
    out.setdefault("genre", "")
    out.setdefault("genre_status", "")
    out.setdefault("borrowed_from", [])
    return out


def find_examples(retriever: Any, query: str, step: str, k: int = 4, own_text: str = "",
                  genre: str | None = None) -> dict[str, Any]:
    """Example passages for the step, honest about what the corpus holds.

    Returns ``{"hits": [...], "absent", "message", "genre", "genre_status", "borrowed_from", ...}``; every hit
    carries ``genre``, ``origin`` and ``source_label`` ("写作教练编写的示范文本" for our model texts, which
    must be shown with it). ``absent`` is True when nothing is shown; ``message`` (natural Chinese, "" when
    there is nothing to say) goes above the hits. With the project's ``genre``:

    - ``genre_status == "match"``: passages of documents of that genre close to the query;
    - ``"form"``: the corpus has the genre but nothing of it close to the query (or in the step's scope):
      its passages are shown for their form, and ``message`` says so;
    - ``"borrowed"``: the corpus has no document of the genre; the hits are close passages of other genres
      (same family first: 法定公文 for a 法定公文), ``borrowed_from`` names them and ``message`` says
      "语料库里还没有请示的范文，下面是讲话稿里可借鉴的写法；可以在 管理语料库 上传本单位的请示";
    - ``"missing"``: no genre and nothing close either: no hits, ``absent`` True, ``message`` offers the upload.

    Without a genre (or one the coach does not know) ``genre_status`` is "" and the search is as before:
    ``absent`` with ``message`` 语料库里没有相近的范文，可以在 管理语料库 上传.
    """
    from coach.genres import get_genre

    known = get_genre(genre) if genre else None
    counts = retriever.genre_counts() if known is not None and hasattr(retriever, "genre_counts") else None
    if counts is None:
        if not query.strip():
            return _empty_result()
        return _as_result(retriever.search(query, k=k, step=step, exclude_text=own_text or None))

    name = known.name
    # a writer who asks nothing yet (empty 立意) still gets the genre's own examples: the genre is the query
    asked = bool(query.strip())
    query = query.strip() or name
    own = own_text or None

    def found(result, status: str, borrowed: tuple[str, ...] = ()) -> dict[str, Any]:
        out = _as_result(result)
        out.update(genre=name, genre_status=status, borrowed_from=list(borrowed), absent=not out["hits"])
        key = status if asked or status != "form" else "form-unasked"
        out["message"] = GENRE_MESSAGES[key].format(genre=name, others="、".join(borrowed)) \
            if key in GENRE_MESSAGES else ""
        return out

    if counts.get(name):
        close = retriever.search(query, k=k, step=step, exclude_text=own, genres=[name])
        if close:
            return found(close, "match")
        # the genre is there but nothing of it is close: for a 请示 the form is the lesson, so show it anyway
        for scope in (step, None):
            form = retriever.search(query, k=k, step=scope, exclude_text=own, genres=[name], floor=0)
            if form:
                return found(form, "form")
    from coach.genres import load_genres

    family = {g.name for g in load_genres() if g.family == known.family}
    others = [g for g in counts if g != name]
    for pool in ([g for g in others if g in family], others):
        if not pool:
            continue
        hits = retriever.search(query, k=k, step=step, exclude_text=own, genres=pool)
        if hits:
            borrowed = tuple(dict.fromkeys(h.passage.genre or "其他范文" for h in hits))
            return found(hits, "borrowed", borrowed)
    out = found([], "missing")
    out["absent"] = True
    return out


def check_embedder(retriever: Any | None):
    """The ``embed`` callable the step checks use for their semantic parts, from the index's own model
    (the one ``coach outline check`` loads); None without a retriever."""
    model = getattr(retriever, "embedder", None)
    if model is None:
        return None
    from coach.checks.outline import embed_with

    return embed_with(model)


def passage_pin(hit: dict[str, Any]) -> dict[str, Any]:
    """What a pin stores: the passage and where it came from (no scores)."""
    keys = ("id", "doc", "title", "text", "heading_path", "position", "kind", "source")
    return {k: hit.get(k) for k in keys}


def project_from_dict(data: dict[str, Any]) -> Project:
    return Project.from_dict(data)


# --- 修容 and 成器 --------------------------------------------------------------------------------

def merge_deep_findings(quick: list, deep: list) -> list:
    """The quick lint's findings plus the 深度校对 ones at places no quick finding covers."""
    from coach.typo import merge_findings

    return merge_findings(list(quick), list(deep))


def apply_fix(text: str, finding):
    from coach.lint import apply_fix as _apply

    return _apply(text, finding)


def apply_safe_fixes(text: str, genre: str | None):
    from coach.lint import apply_safe_fixes as _apply

    return _apply(text, genre=genre)


def compare(old: str, new: str):
    from coach.checks.diff import compare as _compare

    return _compare(old, new)


# --- 搭骨: the seed speeches' outlines as skeletons -----------------------------------------------

@dataclass(frozen=True)
class Skeleton:
    doc_id: str
    title: str
    outline: str  # numbered outline text, ready for the editor
    top_count: int


def seed_skeletons(folder: str | Path, max_level: int = 2) -> list[Skeleton]:
    """The outline (first ``max_level`` levels) of every speech in ``folder``, for 搭骨 to start from."""
    from coach.checks.outline import Outline, render_outline
    from coach.corpus import ingest_paths, outline_of
    from coach.corpus.document import derive_title

    documents, _problems = ingest_paths([Path(folder)])
    out = []
    for doc in documents:
        headings = [h for h in outline_of(doc) if h.level <= max_level]
        outline = Outline.from_headings(headings, doc.text)
        if not outline.roots:
            continue
        # untitled speeches are named after the meeting their opening announces, as their passages are
        title = doc.title or derive_title(doc.text) or f"范文 {doc.doc_id[:3]}（{outline.roots[0].text[:16]}……）"
        out.append(Skeleton(doc.doc_id, title, render_outline(outline), len(outline.roots)))
    return out


# --- the coach ------------------------------------------------------------------------------------

def llm_settings(secrets: dict[str, Any] | None = None):
    """LLM settings from the environment (first) and the app's secrets; never from anywhere else."""
    from coach.coaching import llm_settings_from

    return llm_settings_from(None, secrets or {})


def settings_fingerprint(settings: Any) -> str:
    """A cache key for a coach built from ``settings`` that does not carry the API key in clear."""
    import hashlib

    raw = "|".join(str(getattr(settings, k, "")) for k in
                   ("provider", "base_url", "api_key", "model", "timeout", "max_retries", "temperature"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_coach(mode: str, retriever: Any | None, settings: Any | None = None):
    """The offline coach (searching ``retriever`` when there is one) or the LLM coach around it.

    Without a retriever the coach answers without examples rather than building an index itself
    (``retriever_factory=None``): building is the writer's choice, in the corpus page."""
    from coach.coaching import create_coach as _create

    return _create(mode, retriever=retriever, settings=settings, retriever_factory=None)


def coach_turn(project: Project, step_key: str, message: str, findings: list | None = None):
    from coach.coaching import CoachTurn

    return CoachTurn(project=project, step=step_key, message=message, findings=findings)


def record_message(project: Project, step_key: str, message: str):
    from coach.coaching import record_message as _record

    return _record(project, step_key, message)


def record_reply(project: Project, step_key: str, reply: Any):
    from coach.coaching import record_reply as _record

    return _record(project, step_key, reply)


def apply_edit(project: Project, edit: dict[str, Any]) -> bool:
    from coach.coaching import apply_edit as _apply

    return _apply(project, edit)
