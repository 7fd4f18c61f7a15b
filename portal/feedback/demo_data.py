"""The demo city's work orders, from the articles in shared/corpus (facts as DEMO.md lists them)."""

from __future__ import annotations

from portal.accounts.models import DepartmentPosition, Role

# (username, display name, roles, department short name, position, phone)
OFFICIALS = [
    ("laiwu_cg", "刘强", {Role.OFFICIAL}, "区城管局", DepartmentPosition.LIAISON, "13800001011"),
    ("laiwu_hb", "张洁", {Role.OFFICIAL}, "生态环境莱芜分局", DepartmentPosition.LIAISON, "13800001012"),
    ("laiwu_ga", "马军", {Role.OFFICIAL}, "公安分局", DepartmentPosition.LIAISON, "13800001013"),
    ("zhujian", "高峰", {Role.OFFICIAL}, "住房城乡建设局", DepartmentPosition.LIAISON, "13800001021"),
    ("ziran", "韩雪", {Role.OFFICIAL}, "自然资源和规划局", DepartmentPosition.LIAISON, "13800001022"),
    ("gongxin", "吴斌", {Role.OFFICIAL}, "工信局", DepartmentPosition.LIAISON, "13800001023"),
    ("renshe", "郑敏", {Role.OFFICIAL}, "人社局", DepartmentPosition.LIAISON, "13800001024"),
    ("kaifaqu", "冯磊", {Role.OFFICIAL}, "经济开发区", DepartmentPosition.LIAISON, "13800001025"),
    ("shangwu", "何静", {Role.OFFICIAL}, "商务局", DepartmentPosition.LIAISON, "13800001026"),
    ("yibao", "罗婷", {Role.OFFICIAL}, "医保局", DepartmentPosition.LIAISON, "13800001027"),
    ("shuiji", "孟涛", {Role.UNIT}, "水集街道", DepartmentPosition.LIAISON, "13800001031"),
]

# (matter, category, keywords, basis, [lead, assisting...]) — a few matters of the 职责边界清单.
RESPONSIBILITIES = [
    (
        "无照经营",
        "市场监管",
        "无照 无证 无照经营 经营 烧烤 摊点",
        "市场监管部门查处无照经营，城管配合清理占道。",
        ["区市场监管局", "区城管局"],
    ),
    (
        "露天烧烤与占道经营",
        "城市管理",
        "露天烧烤 烧烤 占道 摊贩 车库",
        "城市管理部门负责，生态环境部门配合油烟执法。",
        ["区城管局", "生态环境莱芜分局"],
    ),
    (
        "餐饮油烟污染",
        "生态环境",
        "油烟 污染 异味 排放 环境",
        "生态环境部门负责大气污染防治监管。",
        ["生态环境莱芜分局"],
    ),
    (
        "夜间噪音扰民",
        "社会治安",
        "扰民 噪音 夜间 喧哗",
        "社会生活噪声由公安机关查处，城管配合。",
        ["公安分局", "区城管局"],
    ),
    (
        "企业厂房手续",
        "住房建设",
        "厂房 手续 施工许可 竣工验收 产权",
        "住建部门负责施工许可与验收，自然资源部门负责用地和不动产登记。",
        ["住房城乡建设局", "自然资源和规划局"],
    ),
    ("建设用地与规划许可", "规划国土", "土地 用地 规划 出让 不动产", "自然资源和规划部门负责。", ["自然资源和规划局"]),
    (
        "企业复工复产与扩大产能",
        "工业经济",
        "复工 复产 扩产 产能 技改",
        "工信部门牵头，人社部门保障用工，园区靠上服务。",
        ["工信局", "人社局", "经济开发区"],
    ),
    ("用工与工资支付", "人力社保", "工资 拖欠 社保 招工 用工 劳动", "人社部门负责劳动保障监察。", ["人社局"]),
    ("医保异地备案与报销", "医疗保障", "医保 异地 备案 报销 就医", "医疗保障部门负责。", ["医保局"]),
    ("食品安全", "市场监管", "食品 过期 餐饮 卫生 变质", "市场监管部门负责食品安全监管。", ["市场监管局"]),
    (
        "政务服务系统与网上办事",
        "政务服务",
        "APP 系统 网上办 一网通办 小程序",
        "大数据部门负责平台建设，业务部门负责事项。",
        ["大数据局"],
    ),
]

REPLY_TEMPLATES = [
    (
        None,
        "已收悉·正在办理",
        "您反映的问题已收悉，我单位已安排专人办理，将在办理期限内答复您。感谢您对我们工作的监督。",
    ),
    (None, "办结答复", "经核查，您反映的问题已处理完毕。处理情况如下：\n（请填写处理情况）\n如有疑问，请联系经办人。"),
    (
        "区市场监管局",
        "无照经营查处",
        "经现场核查，该经营点未取得营业执照，我局已依法责令停止经营，并联合相关部门予以取缔。",
    ),
]

LAIWU_TEXT = (
    "凤城街道升平巷内有人利用车库无照经营烧烤，导致夜间扰民以及污染环境问题，驻地街道无法单独解决，请予以协助办理。"
)
