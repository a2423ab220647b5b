"""The project as a JSON file that loads back: for backups, for moving work between machines, for the CLI.

    {"format": "coach-project", "export_version": 1, "exported_at": "…",
     "project": Project.to_dict(), "findings": [Finding.to_dict(), …]}

Loading validates every field's type (pydantic over the Project dataclasses), so a hand-edited or
truncated file is refused with a Chinese message naming the field, instead of failing later in the app.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from coach.export.errors import ExportError
from coach.findings import Finding, Fix
from coach.project import FORMAT_VERSION, Project
from coach.store.secrets import strip_secrets
from coach.text.decode import DecodeError, decode_text

EXPORT_FORMAT = "coach-project"
EXPORT_VERSION = 1

_ERROR_WORDS = {
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "list_type": "应为列表",
    "dict_type": "应为对象（键值对）",
    "dataclass_type": "应为对象（键值对）",
    "dataclass_args_type": "应为对象（键值对）",
    "missing": "缺少这一项",
    "missing_argument": "缺少这一项",
    "bool_type": "应为真/假",
}


def _project_adapter() -> TypeAdapter:
    # built per call: cheap, and keeps the module free of hidden global state
    return TypeAdapter(Project)


def to_json(project: Project, findings: Iterable[Finding | dict[str, Any]] | None = None) -> str:
    data, _removed = strip_secrets(project.to_dict())  # exported files travel; credentials never do
    document = {
        "format": EXPORT_FORMAT,
        "export_version": EXPORT_VERSION,
        "format_version": project.format_version,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "project": data,
        "findings": [f.to_dict() if isinstance(f, Finding) else dict(f) for f in (findings or [])],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _describe_location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"第 {item + 1} 项")
        else:
            parts.append(str(item))
    return ".".join(parts) if parts else "（最外层）"


def _parse_object(text: str | bytes) -> dict[str, Any]:
    if isinstance(text, bytes):
        try:
            text = decode_text(text)[0]
        except DecodeError as exc:
            raise ExportError("这个 JSON 文件不是文本文件，无法读取。请用写作教练重新导出。") from exc
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ExportError("JSON 文件是空的。请选择写作教练导出的 .json 文件。")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(
            f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近格式有误。"
            "请确认选的是写作教练导出的 .json 文件，且没有被截断或手工改坏。"
        ) from exc
    if not isinstance(data, dict):
        raise ExportError("JSON 的最外层应当是一个对象（{…}），这不是写作教练导出的文稿文件。")
    return data


def _project_data(data: dict[str, Any]) -> dict[str, Any]:
    if "format" in data and data["format"] != EXPORT_FORMAT:
        raise ExportError(f"这个 JSON 文件的类型是“{data['format']}”，不是写作教练导出的文稿（{EXPORT_FORMAT}）。")
    if "project" in data:
        export_version = data.get("export_version")
        if isinstance(export_version, int) and export_version > EXPORT_VERSION:
            raise ExportError("这个文件由更新版本的写作教练导出，请升级写作教练后再打开。")
        project = data["project"]
    elif "brief" in data or "sections" in data or "draft" in data:
        project = data  # a bare Project.to_dict()
    else:
        raise ExportError("JSON 里没有找到文稿内容（缺少 project 一项），这不是写作教练导出的文稿文件。")
    if not isinstance(project, dict):
        raise ExportError("JSON 里的 project 一项应当是一个对象（{…}），文件可能已损坏。")
    return project


def project_from_json(text: str | bytes) -> Project:
    """The project in a JSON export (or a bare ``Project.to_dict()``); ExportError names what is wrong."""
    project_data = _project_data(_parse_object(text))
    version = project_data.get("format_version", FORMAT_VERSION)
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise ExportError(
            f"这个文稿由更新版本的写作教练保存（格式版本 {version}，本程序支持 {FORMAT_VERSION}）。请升级后再打开。"
        )
    try:
        return _project_adapter().validate_python(project_data)
    except ValidationError as exc:
        problems = [
            f"{_describe_location(err['loc'])} {_ERROR_WORDS.get(err['type'], '格式不对')}" for err in exc.errors()[:3]
        ]
        more = f"等 {exc.error_count()} 处" if exc.error_count() > 3 else ""
        raise ExportError(
            f"文稿 JSON 的内容不完整或被改坏了：{'；'.join(problems)}{more}。请用写作教练重新导出，或改正这些地方。"
        ) from exc


def findings_from_json(text: str | bytes) -> list[Finding]:
    """The findings saved alongside a project export (empty for a bare project)."""
    data = _parse_object(text)
    raw = data.get("findings") or []
    if not isinstance(raw, list):
        raise ExportError("JSON 里的 findings 一项应当是列表，文件可能已损坏。")
    findings = []
    for i, item in enumerate(raw):
        try:
            item = dict(item)
            fix = item.pop("fix", None)
            findings.append(Finding(**item, fix=Fix(**fix) if fix else None))
        except (TypeError, ValueError) as exc:
            raise ExportError(f"JSON 里第 {i + 1} 条问题记录格式不对（{exc}），文件可能已损坏。") from exc
    return findings
