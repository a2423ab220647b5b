"""Findings for every step, each step's status, and the score card (成器).

A step is "未开始" while its artifact is empty, "进行中" once the writer has put something in it, and
"已完成" when the writer marks it done (stored in ``Project.step_status``). The number of open findings
(errors + warnings) is shown next to it, so the sidebar says where work is left.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.findings import Finding
from coach.project import Project
from coach.steps import STEPS, Step
from coach.text.vocabulary import SEVERITY_LABELS, SEVERITY_ORDER, STATUS_LABELS

STATE_ICONS = {"not_started": "○", "in_progress": "◐", "done": "●"}

#: score deductions per finding (shown to the writer next to the score card)
PENALTY = {"error": 15, "warning": 5, "info": 1}


def score_rule_text() -> str:
    """How a step is scored, in the words the writer reads (the 成器 page shows it under the scores)."""
    each = "，".join(f"每条{SEVERITY_LABELS[s]}扣{n}分" for s, n in PENALTY.items())
    return f"每步满分100：{each}；未开始的步骤不计分，总分按五步平均。"


def content_marker(project: Project) -> int:
    """A cheap fingerprint of what the checks read; chats, pins and versions do not change findings."""
    return hash((repr(project.brief), project.outline, project.opening, project.closing, project.draft,
                 tuple((s.heading, s.body) for s in project.sections)))


@dataclass(frozen=True)
class CheckRun:
    findings: dict[str, list[Finding]]  # step key -> findings
    failures: dict[str, str]  # step key -> what went wrong, for a check that raised


def run_checks(project: Project, steps: tuple[Step, ...] = STEPS, embed=None) -> CheckRun:
    """Every step's findings. A failing check is reported, not raised: one broken check must not
    take the whole page (and the writer's text) down with it."""
    findings: dict[str, list[Finding]] = {}
    failures: dict[str, str] = {}
    for step in steps:
        try:
            findings[step.key] = step.run_check(project, embed=embed)
        except Exception as exc:  # noqa: BLE001 - shown to the writer as "this check failed"
            findings[step.key] = []
            failures[step.key] = f"{step.name}的检查出错了（{exc.__class__.__name__}: {exc}），其他功能不受影响。"
    return CheckRun(findings, failures)


#: the 修容 list shows this many findings at most; the rest wait until the first are dealt with
MAX_LISTED_FINDINGS = 60


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then suggestions; each group keeps the checks' order."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))


def open_count(findings: list[Finding]) -> int:
    return sum(1 for f in findings if f.severity in ("error", "warning"))


@dataclass(frozen=True)
class StepView:
    key: str
    name: str
    order: int
    state: str  # not_started | in_progress | done
    open_findings: int
    errors: int

    @property
    def state_label(self) -> str:
        return STATUS_LABELS[self.state]

    @property
    def caption(self) -> str:
        """The line under the step's name in the sidebar: "◐ 进行中 · 3 条待改"."""
        text = f"{STATE_ICONS[self.state]} {self.state_label}"
        if self.open_findings and self.state != "not_started":
            text += f" · {self.open_findings} 条待改"
        return text

    @property
    def nav_label(self) -> str:
        # must not change while the writer works: Streamlit keeps a radio's choice by its label
        return f"{self.order}. {self.name}"


def step_state(step: Step, project: Project) -> str:
    stored = project.step_status.get(step.key, "")
    if stored == "done":
        return "done"
    if step.started(project) or stored == "in_progress":
        return "in_progress"
    return "not_started"


def step_views(project: Project, run: CheckRun, steps: tuple[Step, ...] = STEPS) -> list[StepView]:
    out = []
    for step in steps:
        found = run.findings.get(step.key, [])
        out.append(StepView(step.key, step.name, step.order, step_state(step, project), open_count(found),
                            sum(1 for f in found if f.severity == "error")))
    return out


@dataclass(frozen=True)
class ScoreRow:
    step: str
    state: str
    errors: int
    warnings: int
    infos: int
    score: int | None  # None while the step has not started

    def as_row(self) -> dict[str, object]:
        return {"步骤": self.step, "状态": STATUS_LABELS[self.state], SEVERITY_LABELS["error"]: self.errors, SEVERITY_LABELS["warning"]: self.warnings,
                # a string column: a step not started reads "未计分", never "None"
                SEVERITY_LABELS["info"]: self.infos, "得分": "未计分" if self.score is None else str(self.score)}


def scorecard(project: Project, run: CheckRun, steps: tuple[Step, ...] = STEPS) -> list[ScoreRow]:
    """One row per step: 100 minus 15 per error, 5 per warning, 1 per suggestion (never below 0)."""
    rows = []
    for step in steps:
        found = run.findings.get(step.key, [])
        counts = {sev: sum(1 for f in found if f.severity == sev) for sev in PENALTY}
        state = step_state(step, project)
        score = None if state == "not_started" else max(0, 100 - sum(PENALTY[s] * n for s, n in counts.items()))
        rows.append(ScoreRow(step.name, state, counts["error"], counts["warning"], counts["info"], score))
    return rows


def overall_score(rows: list[ScoreRow]) -> int | None:
    scored = [r.score for r in rows if r.score is not None]
    return round(sum(scored) / len(rows)) if scored else None


# --- 定稿检查: everything still open, across every step, before the text leaves the app ---------------

@dataclass(frozen=True)
class StepOpen:
    key: str
    name: str
    findings: tuple[Finding, ...]  # that step's findings, as its own page lists them

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass(frozen=True)
class FinalCheck:
    """What 成器's 定稿检查 reports: every open finding of every step and the unfilled placeholders."""

    steps: tuple[StepOpen, ...]
    placeholders: tuple[Finding, ...]  # XX、××、*、某某、□ left in the text (spans into current_text())
    placeholder_text: str = ""  # them as the writer sees them: “XX”、“全*”

    @property
    def blocking(self) -> int:
        """Errors and warnings anywhere: what must be looked at before 定稿."""
        return sum(s.count("error") + s.count("warning") for s in self.steps)

    @property
    def total(self) -> int:
        return sum(len(s.findings) for s in self.steps)

    @property
    def ready(self) -> bool:
        return self.blocking == 0 and not self.placeholders

    def summary(self) -> str:
        if self.ready:
            extra = f"（还有{self.total}条建议可以参考）" if self.total else ""
            return f"定稿检查通过：各步没有错误和提醒，也没有未填的占位符{extra}。"
        parts = [f"{s.name}{s.count('error') + s.count('warning')}条" for s in self.steps
                 if s.count("error") + s.count("warning")]
        said = []
        if parts:
            said.append(f"各步还有{self.blocking}条错误或提醒没处理（{'、'.join(parts)}）")
        if self.placeholders:
            said.append(f"全文还有{len(self.placeholders)}处占位符没填（{self.placeholder_text}）")
        return "还不能定稿：" + "；".join(said) + "。"


def placeholder_names(found, text: str) -> str:
    """“XX”、“全*”… as the writer will find them in the text (the first six kinds)."""
    names: list[str] = []
    for f in found:
        if f.start is None or f.end is None:
            continue
        # a little context around a lone “*” or “□” so the writer can find it
        name = text[f.start:f.end] if f.end - f.start > 1 else text[max(0, f.start - 1):f.end + 1].strip()
        if name and name not in names:
            names.append(name)
    return "、".join(f"“{n}”" for n in names[:6])


def final_check(project: Project, run: CheckRun, steps: tuple[Step, ...] = STEPS) -> FinalCheck:
    from coach.lint import lint

    text = project.current_text()
    # the placeholders straight from the rules (not via 修容's list), so they are reported even when
    # 修容 is not started or its check failed
    placeholders = tuple(f for f in lint(text, genre=project.brief.genre or None) if f.family == "placeholder")
    # a step's checklist reminders (成器's 三改三审) are shown beside its checklist, not problems in the text
    per_step = tuple(StepOpen(s.key, s.name, tuple(f for f in run.findings.get(s.key, [])
                                                   if not (f.extra or {}).get("checklist")))
                     for s in steps)
    return FinalCheck(per_step, placeholders, placeholder_names(placeholders, text))
