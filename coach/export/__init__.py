"""Export, at any step: Markdown and JSON of everything so far, and the draft as a GB/T 9704 Word file.

    to_markdown(project, findings)       -> str
    to_json(project, findings)           -> str   (project_from_json(text) -> Project loads it back)
    to_docx(project, path_or_stream)              (A4, 仿宋 3号, 22 lines × 28 chars, "— 1 —" page numbers)
    safe_filename(title, "docx")         -> a portable file name that keeps the Chinese title
    export_file(project, "docx", findings) -> ExportFile(file_name, data, mime)  (for download buttons)
"""

from coach.export.draft import (
    Block,
    DraftLayout,
    format_date,
    heading_level,
    layout_of_project,
    parse_draft,
    project_from_plain_text,
)
from coach.export.errors import ExportError
from coach.export.files import ExportFile, export_file
from coach.export.filenames import safe_filename
from coach.export.jsonio import findings_from_json, project_from_json, to_json
from coach.export.markdown import to_markdown
from coach.export.word import build_document, to_docx

__all__ = [
    "Block",
    "DraftLayout",
    "ExportError",
    "ExportFile",
    "build_document",
    "export_file",
    "findings_from_json",
    "format_date",
    "heading_level",
    "layout_of_project",
    "parse_draft",
    "project_from_json",
    "project_from_plain_text",
    "safe_filename",
    "to_docx",
    "to_json",
    "to_markdown",
]
