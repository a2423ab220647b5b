"""搭骨 for the screen: the outline's top-level headings (which become 填肉's sections), the outline as
a Graphviz picture, and the sections kept in step with the outline.

The picture is DOT text for ``st.graphviz_chart`` (drawn in the browser). Every label is escaped for a
DOT quoted string (backslash, double quote, line breaks), so heading text cannot change the graph's
structure; Graphviz draws plain-text labels, never HTML, when labels are quoted strings.
"""

from __future__ import annotations

from coach.project import Project
from coach.ui.sections import OutlineHeading, SyncResult, sync_sections

#: characters per line in a node of the picture; longer headings wrap
LABEL_WIDTH = 10
#: more nodes than this and the picture stops helping; only the first levels are drawn
MAX_NODES = 80


def parse(text: str):
    from coach.checks.outline import parse_outline

    return parse_outline(text or "")


def top_headings(outline_text: str) -> list[OutlineHeading]:
    """The outline's top-level headings, numbered as they will appear in the draft (一、二、三、…)."""
    from coach.checks.outline import canonical_marker

    outline = parse(outline_text)
    return [OutlineHeading(f"{canonical_marker(1, n)}{node.text.strip()}", node.text.strip())
            for n, node in enumerate(outline.roots, start=1) if node.text.strip()]


def _text_of_heading_line(line: str) -> str:
    roots = parse(line).roots
    return roots[0].text.strip() if len(roots) == 1 and roots[0].text.strip() else line.strip()


def sync_project_sections(project: Project) -> SyncResult:
    """``project.sections`` re-matched to the outline's top-level headings (text kept, see ``sync_sections``)."""
    headings = top_headings(project.outline)
    heading_text = {s.heading: _text_of_heading_line(s.heading) for s in project.sections}
    return sync_sections(project.sections, headings, heading_text)


def dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")


def _wrap(text: str, width: int = LABEL_WIDTH) -> str:
    text = dot_escape(text.strip())
    # wrap by characters (Chinese has no spaces); never cut an escape sequence in two
    lines, current, n = [], "", 0
    i = 0
    while i < len(text):
        piece = text[i : i + 2] if text[i] == "\\" else text[i]
        current += piece
        n += 1
        i += len(piece)
        if n >= width:
            lines.append(current)
            current, n = "", 0
    if current:
        lines.append(current)
    return "\\n".join(lines)


def outline_dot(outline_text: str, title: str = "") -> str:
    """The outline as a left-to-right tree in DOT."""
    outline = parse(outline_text)
    out = [
        "digraph outline {",
        '  rankdir=LR; bgcolor="transparent"; nodesep=0.15; ranksep=0.3;',
        '  node [shape=box, style="rounded,filled", fillcolor="#f7f4ee", color="#b3261e", fontsize=10, margin="0.22,0.06",'
        ' fontname="Noto Sans CJK SC, Microsoft YaHei, sans-serif"];',
        '  edge [color="#999999", arrowsize=0.6];',
        f'  root [label="{_wrap(title or "全文", 12)}", fillcolor="#b3261e", fontcolor="white"];',
    ]
    count = 0

    def emit(nodes, parent: str, depth: int) -> None:
        nonlocal count
        for node in nodes:
            if count >= MAX_NODES:
                return
            count += 1
            name = f"n{count}"
            label = _wrap(f"{node.marker}{node.text}" if node.marker else node.text)
            fill = ("#fde8e4", "#f7f4ee", "#ffffff", "#ffffff", "#ffffff")[min(depth, 5) - 1]
            out.append(f'  {name} [label="{label}", fillcolor="{fill}"];')
            out.append(f"  {parent} -> {name};")
            emit(node.children, name, depth + 1)

    emit(outline.roots, "root", 1)
    out.append("}")
    return "\n".join(out)


def tree_rows(outline_text: str) -> list[tuple[int, str]]:
    """(depth, "marker + text") for every heading, for a plain indented tree next to the picture."""
    outline = parse(outline_text)
    return [(depth, f"{node.marker}{node.text}") for node, _, depth in outline.walk()]
