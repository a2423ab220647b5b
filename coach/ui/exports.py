"""The files the writer can download at any step: everything so far as Markdown and JSON, the draft
as Word. Each file is produced only when its button is clicked (``make``), from a private copy of the
project, so a large draft does not slow down every rerun."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from coach.findings import Finding
from coach.project import Project


@dataclass(frozen=True)
class ExportFile:
    kind: str  # "markdown" | "json" | "docx"
    label: str
    file_name: str
    mime: str
    icon: str
    make: Callable[[], bytes]


def _title(project: Project) -> str:
    return project.brief.title.strip() or project.name.strip() or "文稿"


def export_files(project: Project, findings: list[Finding]) -> list[ExportFile]:
    """``findings``: every open finding of every step, listed in the Markdown and JSON files."""
    from coach import export

    title = _title(project)

    def markdown() -> bytes:
        return export.to_markdown(project, findings).encode("utf-8")

    def as_json() -> bytes:
        return export.to_json(project, findings).encode("utf-8")

    def docx() -> bytes:
        stream = io.BytesIO()
        export.to_docx(project, stream)
        return stream.getvalue()

    return [
        ExportFile("markdown", "下载全部内容（Markdown）", export.safe_filename(title, "md"), "text/markdown",
                   ":material/description:", markdown),
        ExportFile("json", "下载全部内容（JSON）", export.safe_filename(title, "json"), "application/json",
                   ":material/data_object:", as_json),
        ExportFile("docx", "下载全文（Word）", export.safe_filename(title, "docx"),
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   ":material/article:", docx),
    ]
