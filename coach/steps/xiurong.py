from coach.steps.base import RetrievalScope, Step

STEP = Step(
    key="xiurong",
    name="修容",
    order=4,
    goal="在语言文字上反复锤炼：精准、规范、庄重、简洁。",
    checklist=(
        "文种与格式：发文字号、主送机关、标题层次序号",
        "用词与标点：易混词（截止/截至）、全角标点、顿号用法",
        "数字与日期：阿拉伯数字、年份不省略、范围两端都带单位",
        "逻辑与行文：不越级请示、不一文多事",
    ),
    scope=RetrievalScope(kinds=("paragraph",)),
)
