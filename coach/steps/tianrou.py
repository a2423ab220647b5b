from coach.steps.base import RetrievalScope, Step

STEP = Step(
    key="tianrou",
    name="填肉",
    order=3,
    goal="给每个部分填上血肉：材料的生命力在于思想、事实和数据。",
    checklist=(
        "观点鲜明，不满足于人云亦云的“大路货”",
        "用鲜活的案例、具体的事件支撑观点",
        "善用数据说话，通过对比让文稿更有说服力",
        "各部分篇幅大体均衡",
    ),
    scope=RetrievalScope(positions=("body",), kinds=("paragraph",)),
)
