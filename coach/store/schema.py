"""The project database's tables, written with SQLAlchemy Core so one definition serves SQLite and PostgreSQL.

Kept deliberately small: one row per project holding ``Project.to_dict()`` as JSON text (versions, chats
and pins live inside it), plus a key/value table that records the schema version. Tables carry a
``coach_`` prefix so a team database can host them next to other applications' tables.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

#: bump when the tables change; ProjectStore refuses a database written by a newer schema
SCHEMA_VERSION = 1

metadata = MetaData()

meta_table = Table(
    "coach_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

projects_table = Table(
    "coach_projects",
    metadata,
    Column("id", String(36), primary_key=True),  # uuid4 as text
    Column("name", Text, nullable=False),
    # JSON text rather than a JSON column type: identical bytes on both backends, and we control encoding
    Column("data", Text, nullable=False),
    # copied out of ``data`` so the project list does not have to parse every (possibly huge) draft
    Column("step_status", Text, nullable=False, default="{}"),
    Column("revision", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("deleted_at", DateTime(timezone=True), nullable=True),  # soft delete, undone by restore()
)

Index("ix_coach_projects_listing", projects_table.c.deleted_at, projects_table.c.updated_at)
