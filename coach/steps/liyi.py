from coach.steps.base import RetrievalScope, Step

STEP = Step(
    key="liyi",
    name="立意",
    order=1,
    goal="动笔之前先想清楚：写什么文种、为谁写、领导想说什么、受众是谁、核心观点是哪一句。",
    checklist=(
        "明确文种和行文方向，不把报告写成夹带请示事项的“报告式请示”",
        "吃透领导意图：关注的重点、想表达的核心观点、希望达到的效果",
        "分析受众：写给上级、下级还是群众，用对方听得懂、能接受的话",
        "用一句话写出核心观点",
        "定下篇幅或讲话时长",
    ),
    # openings show how real speeches state their purpose
    scope=RetrievalScope(positions=("opening",), kinds=("paragraph",)),
)
