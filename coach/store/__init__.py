"""Keeping the writer's work safe: projects in SQLite (default) or PostgreSQL, with stale-tab detection.

    store = ProjectStore()                 # COACH_DATABASE_URL, or data_dir()/coach.db
    project, rev = store.create("关于…的讲话")
    project.opening = "同志们：…"
    rev = store.save(project, rev)         # StaleProjectError if another tab saved first
"""

from coach.store.schema import SCHEMA_VERSION
from coach.store.secrets import is_secret_key, strip_secrets
from coach.store.store import (
    DATABASE_URL_ENV,
    ProjectNotFoundError,
    ProjectStore,
    ProjectSummary,
    StaleProjectError,
    StoreError,
    clean_name,
    default_database_url,
)

__all__ = [
    "DATABASE_URL_ENV",
    "SCHEMA_VERSION",
    "ProjectNotFoundError",
    "ProjectStore",
    "ProjectSummary",
    "StaleProjectError",
    "StoreError",
    "clean_name",
    "default_database_url",
    "is_secret_key",
    "strip_secrets",
]
