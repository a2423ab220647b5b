"""One call for the app's download buttons and the CLI: a project in a chosen format, as bytes with a file name."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from coach.export.errors import ExportError
from coach.export.filenames import safe_filename
from coach.export.jsonio import to_json
from coach.export.markdown import to_markdown
from coach.export.word import to_docx
from coach.findings import Finding
from coach.project import Project

MIME_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class ExportFile:
    file_name: str  # safe to offer as a download name
    data: bytes
    mime: str


def export_file(
    project: Project, fmt: str, findings: Iterable[Finding | dict[str, Any]] | None = None
) -> ExportFile:
    """``fmt`` is "md", "json" or "docx". Raises ExportError (Chinese message) when there is nothing to export."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "markdown":
        fmt = "md"
    if fmt not in MIME_TYPES:
        raise ExportError(f"不支持导出为“{fmt}”，可选：md、json、docx。")
    findings = list(findings or [])
    if fmt == "md":
        data = to_markdown(project, findings).encode("utf-8")
    elif fmt == "json":
        data = to_json(project, findings).encode("utf-8")
    else:
        buffer = io.BytesIO()
        to_docx(project, buffer)
        data = buffer.getvalue()
    name = safe_filename(project.brief.title.strip() or project.name, fmt)
    return ExportFile(file_name=name, data=data, mime=MIME_TYPES[fmt])
