from coach.steps.base import RetrievalScope, Step

STEP = Step(
    key="dagu",
    name="搭骨",
    order=2,
    goal="先搭骨架：自上而下列出一级、二级标题，让各部分逻辑递进、相互支撑、不重不漏。",
    checklist=(
        "一级标题一般三到五个（“讲三点意见”）",
        "层次不超过四级：一、→（一）→ 1. →（1）",
        "同级标题对仗工整，字数相当、结构相同",
        "各部分相互独立、合起来完整（不重不漏）",
        "每个一级标题都服务于核心观点",
    ),
    # headings are the skeletons of real speeches
    scope=RetrievalScope(kinds=("heading",)),
)
