"""Demo departments and one account per role (passwords in README.md)."""

from __future__ import annotations

from portal.accounts import services
from portal.accounts.models import DepartmentKind, DepartmentPosition, Role
from portal.demo import demo_loader

DEMO_PASSWORD = "demo1234"

# (name, short name, kind, parent name, public phone) — the city of the articles in shared/corpus.
DEPARTMENTS: list[tuple[str, str, DepartmentKind, str | None, str]] = [
    ("市人民政府", "市政府", DepartmentKind.CITY, None, "0532-12345"),
    ("市人民政府办公室", "市政府办公室", DepartmentKind.OFFICE, "市人民政府", "0532-85910001"),
    ("市12345市民服务热线运行中心", "12345热线", DepartmentKind.OFFICE, "市人民政府", "12345"),
    ("市发展和改革委员会", "发展改革委", DepartmentKind.OFFICE, "市人民政府", "0532-85910002"),
    ("市司法局", "司法局", DepartmentKind.OFFICE, "市人民政府", "0532-85910003"),
    ("市行政审批服务局", "行政审批局", DepartmentKind.OFFICE, "市人民政府", "0532-85910004"),
    ("市大数据发展管理局", "大数据局", DepartmentKind.OFFICE, "市人民政府", "0532-85910005"),
    ("市自然资源和规划局", "自然资源和规划局", DepartmentKind.OFFICE, "市人民政府", "0532-85910006"),
    ("市住房和城乡建设局", "住房城乡建设局", DepartmentKind.OFFICE, "市人民政府", "0532-85910007"),
    ("市综合行政执法局", "综合行政执法局", DepartmentKind.OFFICE, "市人民政府", "0532-85910008"),
    ("市市场监督管理局", "市场监管局", DepartmentKind.OFFICE, "市人民政府", "0532-85910009"),
    ("市生态环境局", "生态环境局", DepartmentKind.OFFICE, "市人民政府", "0532-85910010"),
    ("市公安局", "公安局", DepartmentKind.OFFICE, "市人民政府", "110"),
    ("市人力资源和社会保障局", "人社局", DepartmentKind.OFFICE, "市人民政府", "0532-12333"),
    ("市医疗保障局", "医保局", DepartmentKind.OFFICE, "市人民政府", "0532-85910012"),
    ("市工业和信息化局", "工信局", DepartmentKind.OFFICE, "市人民政府", "0532-85910013"),
    ("市商务局", "商务局", DepartmentKind.OFFICE, "市人民政府", "0532-85910014"),
    ("莱芜区人民政府", "莱芜区", DepartmentKind.DISTRICT, "市人民政府", "0531-76221234"),
    ("莱芜区市场监督管理局", "区市场监管局", DepartmentKind.OFFICE, "莱芜区人民政府", "0531-76221001"),
    ("莱芜区综合行政执法局", "区城管局", DepartmentKind.OFFICE, "莱芜区人民政府", "0531-76221002"),
    ("市生态环境局莱芜分局", "生态环境莱芜分局", DepartmentKind.OFFICE, "莱芜区人民政府", "0531-76221003"),
    ("市公安局莱芜分局", "公安分局", DepartmentKind.OFFICE, "莱芜区人民政府", "0531-76221110"),
    ("凤城街道办事处", "凤城街道", DepartmentKind.TOWNSHIP, "莱芜区人民政府", "0531-76221100"),
    ("莱西市人民政府", "莱西市", DepartmentKind.DISTRICT, "市人民政府", "0532-88481234"),
    ("水集街道办事处", "水集街道", DepartmentKind.TOWNSHIP, "莱西市人民政府", "0532-88481100"),
    ("莱西经济开发区管理委员会", "经济开发区", DepartmentKind.TOWNSHIP, "莱西市人民政府", "0532-88481200"),
]

# (username, display name, roles, department short name, position, title, phone)
USERS: list[tuple[str, str, set[Role], str | None, DepartmentPosition | None, str, str]] = [
    ("admin", "系统管理员", {Role.ADMIN}, None, None, "", "13800000001"),
    ("citizen", "胡明", {Role.CITIZEN}, None, None, "", "13800000002"),
    ("entrepreneur", "李海燕", {Role.ENTREPRENEUR}, None, None, "董事长", "13800000003"),
    ("unit", "凤城街道办事处", {Role.UNIT}, "凤城街道", DepartmentPosition.LIAISON, "", "13800000004"),
    ("official", "王建国", {Role.OFFICIAL}, "区市场监管局", DepartmentPosition.LIAISON, "科长", "13800000005"),
    ("dispatcher", "赵晓梅", {Role.DISPATCHER}, "12345热线", DepartmentPosition.MEMBER, "派单员", "13800000006"),
    ("moderator", "孙丽", {Role.MODERATOR}, "市政府办公室", DepartmentPosition.MEMBER, "", "13800000007"),
    ("host", "周涛", {Role.HOST}, "市政府办公室", DepartmentPosition.MEMBER, "主持人", "13800000008"),
    ("editor", "陈静", {Role.EDITOR}, "司法局", DepartmentPosition.MEMBER, "", "13800000009"),
]

DEMO_ENTERPRISE = ("青岛海润食品有限公司", "91370200MA3C5XYK0R")


@demo_loader(order=0)
def load_accounts() -> str:
    created_depts = 0
    for order, (name, short, kind, parent, phone) in enumerate(DEPARTMENTS):
        if services.find_department(name) is None:
            parent_dept = services.find_department(parent) if parent else None
            services.create_department(
                None,
                services.DepartmentData(
                    name=name,
                    short_name=short,
                    kind=kind,
                    parent_id=parent_dept.id if parent_dept else None,
                    phone=phone,
                    sort_order=order,
                ),
            )
            created_depts += 1
    created_users = 0
    for username, display, roles, dept, position, title, phone in USERS:
        if services.find_user(username) is not None:
            continue
        department = services.find_department(dept) if dept else None
        services.create_user(
            None,
            services.UserData(
                username=username,
                display_name=display,
                roles=roles,
                password=DEMO_PASSWORD,
                phone=phone,
                department_id=department.id if department else None,
                position=position,
                title=title,
                enterprise_name=DEMO_ENTERPRISE[0] if Role.ENTREPRENEUR in roles else "",
                uscc=DEMO_ENTERPRISE[1] if Role.ENTREPRENEUR in roles else "",
            ),
        )
        created_users += 1
    return f"accounts: {created_depts} departments and {created_users} users created"
