from coach.steps.base import RetrievalScope, Step

STEP = Step(
    key="chengqi",
    name="成器",
    order=5,
    goal="文章不厌百回改：自己先“三改三审”，再把修改稿和原稿对比，揣摩修改背后的深意。",
    checklist=(
        "改内容：观点是否提炼到位，材料是否支撑观点",
        "改篇幅：删去空话套话，各部分详略得当",
        "改表述：逻辑衔接是否顺畅，用词是否精准",
        "对比修改稿和原稿，弄清每一处修改的理由",
    ),
    # closings show how real speeches gather the threads and end
    scope=RetrievalScope(positions=("closing",), kinds=("paragraph",)),
)
