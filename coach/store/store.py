"""ProjectStore: save and load writing projects in SQLite (default) or PostgreSQL (for teams).

Concurrency model: optimistic. Every project row has a ``revision``; a save says which revision it
started from and is a single ``UPDATE … WHERE id = ? AND revision = ?``. If another window saved in
between, no row matches, nothing is written and ``StaleProjectError`` tells the writer to reload. The
database does the atomicity (SQLite's write lock, PostgreSQL's row lock), so two savers starting from
the same revision can never both win.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, inspect, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, SQLAlchemyError

from coach.config import data_dir
from coach.errors import CoachError
from coach.project import Project
from coach.store.schema import SCHEMA_VERSION, meta_table, metadata, projects_table
from coach.store.secrets import strip_secrets

log = logging.getLogger(__name__)

DATABASE_URL_ENV = "COACH_DATABASE_URL"
DEFAULT_PROJECT_NAME = "未命名文稿"
MAX_NAME_CHARS = 200


class StoreError(CoachError):
    """The project database cannot be opened or read."""


class ProjectNotFoundError(StoreError):
    def __init__(self, project_id: str, deleted: bool = False):
        self.project_id = project_id
        self.deleted = deleted
        if deleted:
            msg = "这个文稿已被删除。如需找回，请在“已删除的文稿”中恢复它。"
        else:
            msg = f"找不到这个文稿（编号 {project_id}），它可能已被删除。请回到文稿列表重新选择。"
        super().__init__(msg)


class StaleProjectError(CoachError):
    """The stored project moved on since the caller loaded it; the caller's save was not written."""

    def __init__(self, project_id: str, expected_revision: int, current_revision: int):
        self.project_id = project_id
        self.expected_revision = expected_revision
        self.current_revision = current_revision
        super().__init__(
            f"这个文稿已在另一个窗口或标签页中修改过（版本 {current_revision}），为避免覆盖，本次修改没有保存。"
            "请刷新页面载入最新内容，你刚才输入的内容已保留在下方。"
        )


@dataclass(frozen=True)
class ProjectSummary:
    """One line of the project list: enough to show and pick a project without loading its text."""

    id: str
    name: str
    updated_at: datetime  # timezone-aware, UTC
    revision: int
    step_status: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None
    deleted_at: datetime | None = None


def default_database_url() -> str:
    """``COACH_DATABASE_URL`` if set, else the SQLite file ``coach.db`` in the data folder."""
    configured = os.environ.get(DATABASE_URL_ENV, "").strip()
    if configured:
        return configured
    return f"sqlite:///{data_dir() / 'coach.db'}"


def normalise_database_url(url: str) -> str:
    """Let users write plain ``postgresql://`` URLs: we ship psycopg 3, not SQLAlchemy's default psycopg2."""
    url = url.strip()
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def clean_name(name: str | None) -> str:
    """A project name fit for a list: no control characters, no surrounding blanks, bounded length."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_NAME_CHARS] or DEFAULT_PROJECT_NAME


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything we write is UTC
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _dump(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (half an emoji pasted from somewhere) cannot be stored as UTF-8;
        # \u escapes keep it, so the writer's text comes back exactly as it was
        text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text


def _project_data(project: Project) -> tuple[dict[str, Any], str]:
    data, removed = strip_secrets(project.to_dict())
    if removed:
        log.warning("not storing credential-looking fields: %s", ", ".join(removed))
    data["name"] = clean_name(project.name)
    return data, _dump(data)


class ProjectStore:
    """Projects in a SQL database. ``url`` None → ``COACH_DATABASE_URL`` or ``data_dir()/coach.db``."""

    def __init__(self, url: str | None = None):
        raw_url = normalise_database_url(url or default_database_url())
        try:
            parsed = make_url(raw_url)
        except ArgumentError as exc:
            raise StoreError(
                f"项目数据库地址格式不对：{raw_url!r}。请检查 {DATABASE_URL_ENV} 设置，"
                "例如 sqlite:///路径/coach.db 或 postgresql://用户:密码@主机/数据库。"
            ) from exc
        self.url = parsed
        self.display_url = parsed.render_as_string(hide_password=True)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(parsed, pool_pre_ping=True)
        except (NoSuchModuleError, ImportError) as exc:
            raise StoreError(
                f"不支持这种项目数据库：{self.display_url}。目前支持 SQLite 和 PostgreSQL。"
            ) from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _configure_sqlite)
        self._ensure_schema()

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "ProjectStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _database_error(self, exc: Exception) -> StoreError:
        reason = str(getattr(exc, "orig", None) or exc).strip()
        reason = reason.splitlines()[0] if reason else type(exc).__name__
        return StoreError(
            f"无法访问项目数据库（{self.display_url}）：{reason}。请检查数据库是否在运行、"
            f"{DATABASE_URL_ENV} 设置是否正确；你的文稿内容没有丢失，修复后可再次保存。"
        )

    def _ensure_schema(self) -> None:
        try:
            try:
                metadata.create_all(self.engine, checkfirst=True)
            except DBAPIError:
                # another process created the tables between our check and our CREATE; fine if they exist now
                if not inspect(self.engine).has_table(projects_table.name):
                    raise
            with self.engine.begin() as conn:
                stored = conn.execute(
                    select(meta_table.c.value).where(meta_table.c.key == "schema_version")
                ).scalar_one_or_none()
            if stored is None:
                try:
                    with self.engine.begin() as conn:
                        conn.execute(meta_table.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                except IntegrityError:
                    pass  # written by a concurrent first start
            elif int(stored) > SCHEMA_VERSION:
                raise StoreError(
                    f"项目数据库（{self.display_url}）由更新版本的写作教练创建（结构版本 {stored}，"
                    f"本程序支持 {SCHEMA_VERSION}）。请升级写作教练后再打开。"
                )
        except SQLAlchemyError as exc:
            raise self._database_error(exc) from exc

    # -- API -----------------------------------------------------------------------------------

    def create(self, name: str | None = None, project: Project | None = None) -> tuple[Project, int]:
        """A new project (empty, or a copy of ``project`` e.g. from an imported file) under a fresh id."""
        new = Project.from_dict(project.to_dict()) if project is not None else Project()
        new.id = str(uuid.uuid4())
        new.name = clean_name(name if name is not None else new.name)
        data, text = _project_data(new)
        now = _now()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    projects_table.insert().values(
                        id=new.id, name=data["name"], data=text, step_status=_dump(new.step_status),
                        revision=1, created_at=now, updated_at=now, deleted_at=None,
                    )
                )
        except SQLAlchemyError as exc:
            raise self._database_error(exc) from exc
        return Project.from_dict(data), 1

    def list(self, deleted: bool = False) -> list[ProjectSummary]:
        """Projects, last modified first; ``deleted=True`` lists the ones that can still be restored."""
        t = projects_table
        condition = t.c.deleted_at.is_not(None) if deleted else t.c.deleted_at.is_(None)
        query = (
            select(t.c.id, t.c.name, t.c.updated_at, t.c.revision, t.c.step_status, t.c.created_at, t.c.deleted_at)
            .where(condition)
            .order_by(t.c.updated_at.desc(), t.c.id)
        )
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
        except SQLAlchemyError as exc:
            raise self._database_error(exc) from exc
        summaries = []
        for row in rows:
            try:
                status = json.loads(row.step_status or "{}")
            except ValueError:
                status = {}
            summaries.append(
                ProjectSummary(
                    id=row.id, name=row.name, updated_at=_aware(row.updated_at), revision=row.revision,
                    step_status=status if isinstance(status, dict) else {},
                    created_at=_aware(row.created_at), deleted_at=_aware(row.deleted_at),
                )
            )
        return summaries

    def load(self, project_id: str) -> tuple[Project, int]:
        t = projects_table
        try:
            with self.engine.connect() as conn:
                row = conn.execute(
                    select(t.c.name, t.c.data, t.c.revision, t.c.deleted_at).where(t.c.id == str(project_id))
                ).one_or_none()
        except SQLAlchemyError as exc:
            raise self._database_error(exc) from exc
        if row is None:
            raise ProjectNotFoundError(str(project_id))
        if row.deleted_at is not None:
            raise ProjectNotFoundError(str(project_id), deleted=True)
        try:
            project = Project.from_dict(json.loads(row.data))
        except (ValueError, TypeError) as exc:
            raise StoreError(
                f"文稿“{row.name}”在数据库中的内容已损坏，无法读取（{exc}）。请联系管理员从备份恢复。"
            ) from exc
        project.id = str(project_id)
        project.name = row.name
        return project, row.revision

    def save(self, project: Project, expected_revision: int) -> int:
        """Write ``project`` if the stored revision is still ``expected_revision``; return the new revision.

        Raises ``StaleProjectError`` (nothing written) when another window saved first.
        """
        if not project.id:
            raise StoreError("这个文稿还没有建档，无法保存。请先新建文稿。")
        data, text = _project_data(project)
        t = projects_table
        try:
            with self.engine.begin() as conn:
                result = conn.execute(
                    update(t)
                    .where(t.c.id == project.id, t.c.revision == expected_revision, t.c.deleted_at.is_(None))
                    .values(
                        name=data["name"], data=text, step_status=_dump(project.step_status),
                        revision=t.c.revision + 1, updated_at=_now(),
                    )
                )
                if result.rowcount == 1:
                    return expected_revision + 1
                row = conn.execute(select(t.c.revision, t.c.deleted_at).where(t.c.id == project.id)).one_or_none()
        except SQLAlchemyError as exc:
            raise self._database_error(exc) from exc
        if row is None:
            raise ProjectNotFoundError(project.id)
        if row.deleted_at is not None:
            raise ProjectNotFoundError(project.id, deleted=True)
        raise StaleProjectError(project.id, expected_revision, row.revision)

    def rename(self, project_id: str, name: str) -> int:
        """Give a project a new name; returns the new revision (a tab holding the project must adopt it)."""
        new_name = clean_name(name)
        t = projects_table
        try:
            # read-modify-write of the JSON, guarded by the revision like any save; retried if a save slips in
            for _attempt in range(5):
                with self.engine.begin() as conn:
                    row = conn.execute(
                        select(t.c.data, t.c.revision, t.c.deleted_at).where(t.c.id == str(project_id))
                    ).one_or_none()
                    if row is None:
                        raise ProjectNotFoundError(str(project_id))
                    if row.deleted_at is not None:
                        raise ProjectNotFoundError(str(project_id), deleted=True)
                    data = json.loads(row.data)
                    data["name"] = new_name
                    result = conn.execute(
                        update(t)
                        .where(t.c.id == str(project_id), t.c.revision == row.revision)
                        .values(name=new_name, data=_dump(data), revision=row.revision + 1, updated_at=_now())
                    )
                    if result.rowcount == 1:
                        return row.revision + 1
        except SQLAlchemyError as exc:
            raise self._database_error(exc) from exc
        raise StoreError("文稿正在被频繁修改，改名没有成功，请稍后再试。")

    def delete(self, project_id: str) -> None:
        """Soft delete: the project leaves the list but ``restore`` brings it back."""
        self._set_deleted(project_id, _now())

    def restore(self, project_id: str) -> None:
        self._set_deleted(project_id, None)

    def _set_deleted(self, project_id: str, when: datetime | None) -> None:
        t = projects_table
        # only rows not already in the wanted state, so deleting twice keeps the first deletion time
        in_other_state = t.c.deleted_at.is_(None) if when is not None else t.c.deleted_at.is_not(None)
        try:
            with self.engine.begin() as conn:
                result = conn.execute(
                    update(t).where(t.c.id == str(project_id), in_other_state).values(deleted_at=when)
                )
                exists = result.rowcount == 1 or conn.execute(
                    select(t.c.id).where(t.c.id == str(project_id))
                ).one_or_none() is not None
        except SQLAlchemyError as exc:
            raise self._database_error(exc) from exc
        if not exists:
            raise ProjectNotFoundError(str(project_id))

    def count(self) -> int:
        """Number of live (not deleted) projects."""
        try:
            with self.engine.connect() as conn:
                return int(
                    conn.execute(
                        select(func.count()).select_from(projects_table).where(projects_table.c.deleted_at.is_(None))
                    ).scalar_one()
                )
        except SQLAlchemyError as exc:
            raise self._database_error(exc) from exc


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the app read while another tab writes; busy_timeout makes a second writer wait, not fail
    cursor.execute("PRAGMA busy_timeout = 15000")
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
    except Exception:  # noqa: BLE001 - some file systems refuse WAL; the default journal still works
        pass
    cursor.close()
