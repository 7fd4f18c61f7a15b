"""Demo work orders: the Laiwu whistle, the Laixi calls, the Guiyang consultation and a few open ones."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.accounts import services as accounts
from portal.accounts.demo import DEMO_PASSWORD
from portal.demo import demo_loader
from portal.extensions import db
from portal.feedback import clock, escalation, lifecycle, rating, responsibility, services
from portal.feedback.demo_data import LAIWU_TEXT, OFFICIALS, REPLY_TEMPLATES, RESPONSIBILITIES
from portal.feedback.models import ReplyTemplate, WorkOrder
from portal.times import LOCAL_TZ, to_local, utcnow


def _user(username: str):
    user = accounts.find_user(username)
    if user is None:
        raise RuntimeError(f"demo user {username} missing (run the accounts loader first)")
    return user


def _dept(name: str) -> int:
    return accounts.find_department(name).id


def _local(days_ago: int, hh: int, mm: int) -> datetime:
    day = to_local(utcnow()).date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=LOCAL_TZ)


def _file(ref: str, username: str, when: datetime, **fields) -> WorkOrder | None:
    """File one order as ``username`` at ``when``, unless the demo already holds it."""
    if db.session.scalar(sa.select(WorkOrder.id).where(WorkOrder.source_ref == ref)) is not None:
        return None
    with clock.at(when):
        return services.file_order(_user(username), services.OrderData(source_ref=ref, **fields))


def _dispatch(order, when, departments, lead, instructions=""):
    with clock.at(when):
        lifecycle.dispatch_order(_user("dispatcher"), order, [_dept(d) for d in departments], _dept(lead), instructions)


def _assignment(order, short_name):
    dept_id = _dept(short_name)
    return next(a for a in reversed(order.assignments) if a.department_id == dept_id)


def _sign(order, who, dept, when, note="已签收，正在办理"):
    user = _user(who)
    with clock.at(when):
        lifecycle.sign_assignment(user, _assignment(order, dept), user.display_name, user.phone, note)


def _reply(order, who, dept, when, text):
    with clock.at(when):
        lifecycle.reply_assignment(_user(who), _assignment(order, dept), text)


def _ensure_people() -> int:
    created = 0
    for username, name, roles, dept, position, phone in OFFICIALS:
        if accounts.find_user(username) is not None:
            continue
        accounts.create_user(
            None,
            accounts.UserData(
                username=username,
                display_name=name,
                roles=roles,
                password=DEMO_PASSWORD,
                phone=phone,
                department_id=_dept(dept),
                position=position,
                title="联络员",
            ),
        )
        created += 1
    return created


def _ensure_lists() -> None:
    for matter, category, keywords, basis, depts in RESPONSIBILITIES:
        if responsibility.find_item(matter) is None:
            responsibility.create_item(
                None, responsibility.ItemData(matter, category, keywords, basis, [_dept(d) for d in depts])
            )
    for dept, title, body in REPLY_TEMPLATES:
        dept_id = _dept(dept) if dept else None
        exists = db.session.scalar(
            sa.select(ReplyTemplate.id).where(ReplyTemplate.title == title, ReplyTemplate.department_id == dept_id)
        )
        if exists is None:
            db.session.add(ReplyTemplate(department_id=dept_id, title=title, body=body))
    db.session.commit()


def _laiwu() -> int:
    """凤城街道 blows the whistle; four departments report at 7 pm; the street rates each one."""
    order = _file(
        "demo:laiwu-whistle",
        "unit",
        _local(9, 16, 32),
        kind="call",
        category="城市管理",
        title="升平巷车库无照经营烧烤，夜间扰民、污染环境",
        description=LAIWU_TEXT,
        place="凤城街道升平巷",
        district_id=_dept("莱芜区"),
        street_id=_dept("凤城街道"),
    )
    if order is None:
        return 0
    depts = ["区市场监管局", "区城管局", "生态环境莱芜分局", "公安分局"]
    _dispatch(order, _local(9, 16, 41), depts, "区城管局", "请于今晚7点到升平巷集中处置")
    for (who, dept), minute in zip(
        [
            ("official", "区市场监管局"),
            ("laiwu_cg", "区城管局"),
            ("laiwu_hb", "生态环境莱芜分局"),
            ("laiwu_ga", "公安分局"),
        ],
        (52, 58, 63, 69),
        strict=True,
    ):
        _sign(order, who, dept, _local(9, 16, 0) + timedelta(minutes=minute), "我单位于今晚7点准时报到")
    replies = {
        "区市场监管局": "<p>当晚7点参加联合行动。经核查，该经营点未取得营业执照，已依法责令停止经营。</p>",
        "区城管局": "<p>当晚7点会同各部门开展联合行动，依法取缔车库烧烤经营点，收缴烧烤设施；"
        "街道已帮助商户另行寻找合适的经营地点。</p>",
        "生态环境莱芜分局": "<p>现场对油烟排放进行检查，对相关行为依法予以处罚。</p>",
        "公安分局": "<p>派出所民警到场维持秩序，对夜间扰民行为进行了批评教育。</p>",
    }
    whos = {"区市场监管局": "official", "区城管局": "laiwu_cg", "生态环境莱芜分局": "laiwu_hb", "公安分局": "laiwu_ga"}
    for i, (dept, text) in enumerate(replies.items()):
        _reply(order, whos[dept], dept, _local(9, 21, 10 + i * 5), text)
    with clock.at(_local(8, 9, 5)):
        lifecycle.close_order(_user("laiwu_cg"), order, "联合行动已取缔非法经营点，问题解决")
    with clock.at(_local(8, 10, 30)):
        rating.rate_order(_user("unit"), order, {_dept(d): ("satisfied", "响应迅速，准时报到") for d in depts})
    return 1


def _laixi() -> int:
    made = 0
    order = _file(
        "demo:laixi-qili",
        "shuiji",
        _local(40, 9, 12),
        kind="call",
        category="住房建设",
        title="绮丽水洗项目厂房手续办理难题",
        description="绮丽水洗项目厂房手续十四年未能办结，属历史遗留问题，涉及施工许可、竣工验收和不动产登记，"
        "街道无法单独解决，请住建、自然资源等部门联动办理。",
        place="水集街道",
        district_id=_dept("莱西市"),
        street_id=_dept("水集街道"),
    )
    if order is not None:
        made += 1
        _dispatch(order, _local(40, 9, 40), ["住房城乡建设局", "自然资源和规划局"], "住房城乡建设局")
        _sign(order, "zhujian", "住房城乡建设局", _local(40, 9, 58))
        _sign(order, "ziran", "自然资源和规划局", _local(40, 10, 4))
        _reply(
            order,
            "ziran",
            "自然资源和规划局",
            _local(36, 15, 20),
            "<p>已完成用地手续核查，并联办理不动产登记，登记证书已发放企业。</p>",
        )
        _reply(
            order,
            "zhujian",
            "住房城乡建设局",
            _local(35, 11, 0),
            "<p>会同自然资源部门现场办公，补办施工许可并完成竣工验收备案，厂房手续全部办结。"
            "企业已决定追加投资3000万元。</p>",
        )
        with clock.at(_local(35, 16, 0)):
            lifecycle.close_order(_user("zhujian"), order, "十四年历史遗留问题已解决")
        with clock.at(_local(34, 9, 0)):
            rating.rate_order(
                _user("shuiji"),
                order,
                {
                    _dept("住房城乡建设局"): ("satisfied", "主动靠上服务"),
                    _dept("自然资源和规划局"): ("satisfied", ""),
                },
            )
    order = _file(
        "demo:laixi-cj",
        "shangwu",
        _local(30, 14, 5),
        kind="call",
        category="工业经济",
        title="希杰集团复工复产、扩大产能",
        description="希杰集团复工复产并计划扩大产能，涉及技改项目备案、用工招聘和园区配套，请工信、人社和经济开发区协同推进。",
        place="莱西经济开发区",
        district_id=_dept("莱西市"),
    )
    if order is not None:
        made += 1
        _dispatch(order, _local(30, 14, 30), ["工信局", "人社局", "经济开发区"], "工信局")
        _sign(order, "gongxin", "工信局", _local(30, 14, 45))
        _sign(order, "renshe", "人社局", _local(30, 14, 52))
        _sign(order, "kaifaqu", "经济开发区", _local(30, 14, 58))
        _reply(order, "renshe", "人社局", _local(27, 10, 0), "<p>举办专场招聘会，帮助企业招工420人。</p>")
        _reply(order, "kaifaqu", "经济开发区", _local(26, 16, 0), "<p>园区完成水电气配套，协助企业落实扩产用地。</p>")
        _reply(
            order,
            "gongxin",
            "工信局",
            _local(25, 11, 30),
            "<p>技改项目已备案，企业全面复工并扩大产能，中国食品板块总部落户莱西。</p>",
        )
        with clock.at(_local(25, 15, 0)):
            lifecycle.close_order(_user("gongxin"), order)
        with clock.at(_local(24, 9, 30)):
            rating.rate_order(
                _user("shangwu"),
                order,
                {
                    _dept("工信局"): ("satisfied", ""),
                    _dept("人社局"): ("satisfied", "招聘会组织得力"),
                    _dept("经济开发区"): ("basic", "配套进度可以再快些"),
                },
            )
    return made


def _guiyang() -> int:
    """胡先生's consultation at 11:19; 医保局 answers 55 minutes later."""
    order = _file(
        "demo:guiyang-yibao",
        "citizen",
        _local(3, 11, 19),
        kind="consultation",
        category="医疗保障",
        title="人社通APP不能办理异地医保备案",
        description="贵阳人社通APP不具备异地医保备案功能，请问异地就医备案应该通过什么渠道办理？",
    )
    if order is None:
        return 0
    _dispatch(order, _local(3, 11, 24), ["医保局"], "医保局")
    _sign(order, "yibao", "医保局", _local(3, 11, 31))
    _reply(
        order,
        "yibao",
        "医保局",
        _local(3, 12, 14),
        "<p>异地就医备案可通过“国家医保服务平台”APP或医保局微信公众号办理，也可到各医保经办窗口现场办理。"
        "我局已协调人社部门在人社通APP中增加跳转入口。</p>",
    )
    with clock.at(_local(3, 12, 20)):
        lifecycle.close_order(_user("yibao"), order)
    return 1


def _open_orders() -> int:
    made = 0
    # Awaiting sign-for: dispatched a few minutes ago.
    now = utcnow()
    order = _file(
        "demo:open-noise",
        "citizen",
        now - timedelta(minutes=25),
        kind="complaint",
        category="社会治安",
        title="小区楼下烧烤摊深夜噪音扰民",
        description="凤城街道某小区楼下烧烤摊每晚营业到凌晨两点，噪音扰民、油烟大，希望有关部门处理。",
        place="凤城街道汇源小区",
        district_id=_dept("莱芜区"),
        street_id=_dept("凤城街道"),
    )
    if order is not None:
        made += 1
        _dispatch(order, now - timedelta(minutes=12), ["公安分局", "区城管局"], "公安分局")
    # Overdue: help dispatched two weeks ago, never replied.
    order = _file(
        "demo:open-overdue",
        "entrepreneur",
        _local(16, 10, 0),
        kind="help",
        category="住房建设",
        title="新建厂房竣工验收迟迟未安排",
        description="我公司新建厂房已完工两个月，申请竣工验收后一直未安排现场验收，影响设备进场，请求帮助协调。",
        place="莱西经济开发区",
    )
    if order is not None:
        made += 1
        _dispatch(order, _local(16, 10, 30), ["住房城乡建设局"], "住房城乡建设局")
        _sign(order, "zhujian", "住房城乡建设局", _local(16, 10, 50))
    # Extension requested: a suggestion being studied.
    order = _file(
        "demo:open-extension",
        "citizen",
        _local(5, 15, 0),
        kind="suggestion",
        category="规划国土",
        title="建议在莱西站站前广场增设非机动车停放区",
        description="莱西站即将启用，建议站前广场规划时增设非机动车和共享单车停放区，方便市民换乘。",
        place="莱西站站前广场",
        district_id=_dept("莱西市"),
    )
    if order is not None:
        made += 1
        _dispatch(order, _local(5, 15, 30), ["自然资源和规划局"], "自然资源和规划局")
        _sign(order, "ziran", "自然资源和规划局", _local(5, 16, 0))
        with clock.at(_local(1, 10, 0)):
            a = _assignment(order, "自然资源和规划局")
            lifecycle.start_assignment(_user("ziran"), a, "已会同交通部门研究站前广场布局")
            lifecycle.request_extension(
                _user("ziran"),
                a,
                (to_local(a.due_at) + timedelta(days=14)).date(),
                "需征求交通、城管部门意见并修改广场设计方案",
            )
    # In progress at the demo official's department.
    order = _file(
        "demo:open-food",
        "citizen",
        _local(2, 19, 40),
        kind="complaint",
        category="市场监管",
        title="超市销售过期食品",
        description="莱芜区凤城街道某超市货架上有过期的酸奶和面包，已拍照留存，请市场监管部门查处。",
        place="莱芜区凤城街道",
        district_id=_dept("莱芜区"),
        street_id=_dept("凤城街道"),
    )
    if order is not None:
        made += 1
        _dispatch(order, _local(2, 20, 0), ["区市场监管局"], "区市场监管局")
        _sign(order, "official", "区市场监管局", _local(2, 20, 20))
        with clock.at(_local(1, 9, 30)):
            lifecycle.start_assignment(_user("official"), _assignment(order, "区市场监管局"), "执法人员已到现场检查")
    # Returned: sent to the wrong department, back on the dispatcher's desk.
    order = _file(
        "demo:open-returned",
        "citizen",
        _local(1, 14, 0),
        kind="consultation",
        category="人力社保",
        title="灵活就业人员医保断缴后如何补缴",
        description="我是灵活就业人员，医保断缴了三个月，请问现在如何补缴，会不会影响报销？",
    )
    if order is not None:
        made += 1
        _dispatch(order, _local(1, 14, 20), ["人社局"], "人社局")
        with clock.at(_local(1, 14, 35)):
            lifecycle.return_assignment(
                _user("renshe"), _assignment(order, "人社局"), "医保缴费与报销属医保局职责，请改派医保局"
            )
    # New: waiting for dispatch.
    _file(
        "demo:open-new",
        "entrepreneur",
        now - timedelta(minutes=40),
        kind="complaint",
        category="营商环境",
        title="企业开办网上申请多次被退回",
        description="我公司在一网通办平台申请变更登记，材料已按要求提交三次仍被退回，退回理由不明确，希望明确需要补充哪些材料。",
    )
    return made


@demo_loader(order=30)
def load_feedback() -> str:
    people = _ensure_people()
    _ensure_lists()
    orders = _laiwu() + _laixi() + _guiyang() + _open_orders()
    result = escalation.tick()
    return f"feedback: {people} officials and {orders} work orders created; tick: {result}"
