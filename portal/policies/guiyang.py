"""The Guiyang review of normative documents (guiyang-governance-efficiency): 248 documents, of which 168 stay
in force, 31 expired because their term ended and 49 were repealed (basis repealed, replaced by a new document,
or in conflict with current law). Generated with a fixed seed from the articles' vocabulary."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

IN_FORCE, EXPIRED, REPEALED = 168, 31, 49
SEED = 20201214

# 发文机关 and their 文号 prefixes (筑 = Guiyang).
ISSUERS = (
    ("贵阳市人民政府", "筑府发"),
    ("贵阳市人民政府办公厅", "筑府办发"),
    ("贵阳市司法局", "筑司通"),
    ("贵阳市发展和改革委员会", "筑发改"),
    ("贵阳市人力资源和社会保障局", "筑人社发"),
    ("贵阳市医疗保障局", "筑医保发"),
    ("贵阳市大数据发展管理局", "筑数据发"),
    ("贵阳市市场监督管理局", "筑市监发"),
    ("贵阳市生态环境局", "筑环发"),
    ("贵阳市住房和城乡建设局", "筑建发"),
    ("贵阳市自然资源和规划局", "筑自然资源发"),
    ("贵阳市政务服务管理局", "筑政务发"),
)
# (subject, topic) — the matters the articles talk about.
SUBJECTS = (
    ("政务服务“一网通办”", "一网通办"),
    ("12345政务服务便民热线工单办理", "12345热线"),
    ("融媒问政办理", "融媒问政"),
    ("行政审批事项限时办结", "限时办结"),
    ("行政规范性文件管理", "规范性文件清理"),
    ("优化营商环境", "营商环境"),
    ("企业开办便利化", "营商环境"),
    ("工程建设项目审批制度改革", "审批提质增效"),
    ("城乡居民基本医疗保险", "医疗保障"),
    ("异地就医直接结算", "医疗保障"),
    ("就业创业补贴资金", "就业创业"),
    ("大数据产业发展", "大数据"),
    ("数字政府建设", "数字政府"),
    ("政务数据共享开放", "数据共享"),
    ("市场主体登记", "市场监管"),
    ("城市管理综合执法", "综合执法"),
    ("生态环境保护督察整改", "生态环境"),
    ("住房公积金缴存使用", "住房保障"),
    ("国有土地上房屋征收与补偿", "自然资源"),
    ("重大项目建设调度", "重大项目"),
    ("政府系统效能提升", "效能提升"),
    ("数智督查", "数智督查"),
    ("公共资源交易", "公共资源交易"),
    ("首问负责和一次性告知", "政务服务"),
)
EXPIRY_REASONS = (
    "规范性文件清理：执行时效届满，自动失效",
    "规范性文件清理：规定的阶段性工作任务已经完成，执行时效届满",
    "规范性文件清理：有效期届满，未申请延续",
)
REPEAL_REASONS = (
    "规范性文件清理：制定依据已废止",
    "规范性文件清理：已被新文件代替（{new}）",
    "规范性文件清理：与现行法律法规相冲突",
    "规范性文件清理：与《优化营商环境条例》的规定不一致",
)
# The review was completed by the end of October 2020; decisions were published in three batches.
REVIEW_DATES = (date(2020, 6, 30), date(2020, 9, 15), date(2020, 10, 30))

ARTICLE_SENTENCES = (
    "各级各部门应当按照“谁主管、谁负责”的原则，明确{subject}的责任主体、办理流程和完成时限。",
    "{issuer}负责本{doc_type}的组织实施和监督检查，各区（市、县）人民政府负责本辖区内的具体工作。",
    "办理{subject}事项实行首问负责制和限时办结制，能够当场办结的，应当当场办结。",
    "依托全市政务服务平台和12345政务服务便民热线，推动{subject}事项网上办、掌上办、一次办。",
    "建立{subject}工作台账，实行清单化管理、项目化推进，按月调度、按季通报。",
    "对群众反映的问题，承办单位应当在规定时限内办结并答复，办结率、满意率纳入年度目标考核。",
    "市政府督查室会同有关部门运用数智督查平台，对{subject}工作开展跟踪督查，对推诿扯皮、敷衍塞责的予以通报。",
    "有关部门应当加强政务数据共享，凡是能够通过共享获取的材料，不得要求申请人重复提交。",
    "财政部门应当将{subject}所需经费纳入年度预算，保障工作正常开展。",
    "违反本规定，不履行或者不正确履行职责的，依法依规追究有关单位和人员的责任。",
)
TYPE_TITLES = {
    "办法": "贵阳市{subject}管理办法",
    "规定": "贵阳市{subject}若干规定",
    "意见": "{issuer}关于进一步加强{subject}工作的意见",
    "方案": "贵阳市{subject}工作实施方案",
    "通知": "{issuer}关于做好{subject}有关工作的通知",
    "决定": "{issuer}关于推进{subject}的决定",
}
CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class GeneratedDocument:
    title: str
    doc_number: str
    issuer: str
    doc_type: str
    written_on: date
    published_on: date
    topics: list[str]
    body: str
    status: str  # in_force / expired / repealed
    status_on: date | None
    reason: str
    revised_body: str | None  # an earlier correction, shown in the version history


def _body(rng: random.Random, title: str, subject: str, issuer: str, doc_type: str) -> str:
    purpose = rng.choice(("规范", "推进", "加强", "优化"))
    lines = [
        f"为{purpose}{subject}工作，提升为民服务效能，根据有关法律法规和省有关规定，结合我市实际，制定本{doc_type}。"
    ]
    picked = sorted(rng.sample(range(len(ARTICLE_SENTENCES)), rng.randint(5, 8)))
    sentences = [ARTICLE_SENTENCES[i] for i in picked]
    for number, sentence in enumerate(sentences, start=1):
        label = CHINESE_NUMBERS[number - 1]
        lines.append(f"第{label}条　" + sentence.format(subject=subject, issuer=issuer, doc_type=doc_type))
    lines.append(f"第{CHINESE_NUMBERS[len(sentences)]}条　本{doc_type}自印发之日起施行，由{issuer}负责解释。")
    return "\n".join(lines)


def generate() -> list[GeneratedDocument]:
    """The 248 documents, in a stable order (same seed, same output)."""
    rng = random.Random(SEED)
    statuses = ["in_force"] * IN_FORCE + ["expired"] * EXPIRED + ["repealed"] * REPEALED
    rng.shuffle(statuses)
    counters: dict[tuple[str, int], int] = {}
    docs: list[GeneratedDocument] = []
    titles: set[str] = set()
    for status in statuses:
        while True:
            issuer, prefix = rng.choice(ISSUERS)
            subject, topic = rng.choice(SUBJECTS)
            doc_type = rng.choice(tuple(TYPE_TITLES))
            title = TYPE_TITLES[doc_type].format(subject=subject, issuer=issuer)
            year = rng.randint(2008, 2020) if status == "in_force" else rng.randint(2006, 2017)
            if (title, year) not in titles:
                titles.add((title, year))
                break
        key = (prefix, year)
        counters[key] = counters.get(key, 0) + rng.randint(1, 6)
        doc_number = f"{prefix}〔{year}〕{counters[key]}号"
        written = date(year, 1, 1) + timedelta(days=rng.randint(0, 330))
        if year == 2020:
            written = date(2020, 1, 1) + timedelta(days=rng.randint(0, 150))
        published = written + timedelta(days=rng.randint(2, 12))
        body = _body(rng, title, subject, issuer, doc_type)
        status_on, reason = None, ""
        if status != "in_force":
            status_on = rng.choice(REVIEW_DATES)
            pool = EXPIRY_REASONS if status == "expired" else REPEAL_REASONS
            reason = rng.choice(pool).format(
                new=f"《贵阳市{subject}管理办法》（{prefix}〔2020〕{rng.randint(1, 40)}号）"
            )
        revised = None
        if rng.random() < 0.12:
            revised = body.replace("按月调度、按季通报", "按周调度、按月通报").replace("当场办结的", "即时办结的")
            if revised == body:
                revised = body + "\n各区（市、县）可结合实际制定实施细则。"
        docs.append(
            GeneratedDocument(
                title=title,
                doc_number=doc_number,
                issuer=issuer,
                doc_type=doc_type,
                written_on=written,
                published_on=published,
                topics=[topic, "规范性文件"],
                body=body,
                status=status,
                status_on=status_on,
                reason=reason,
                revised_body=revised,
            )
        )
    return docs
