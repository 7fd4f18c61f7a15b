"""The XSS corpus put into every text surface of the live server's database, through the real services.

Every payload goes through every surface: a field as long as the corpus takes all of it at once; a shorter
field takes the payloads in batches (``batches``), one record per batch, so short fields (names, titles)
get as many records as they need. Each batch mixes the payloads with Chinese text.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from portal.actors import SYSTEM
from portal.errors import Invalid

CORPUS = Path(__file__).with_name("xss_payloads.txt")
PASSWORD = "password123"
FILLER = ("市民反映：", "请问", "关于", "营商环境", "一业一证", "办事指南", "答复意见")


def payloads() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


def batches(items: list[str], limit: int) -> list[str]:
    """The payloads packed into strings of at most ``limit`` characters, Chinese words between them."""
    out, current = [], ""
    for i, item in enumerate(items):
        piece = f"{FILLER[i % len(FILLER)]}{item}"
        if len(piece) > limit:
            piece = item[:limit]
        if current and len(current) + len(piece) + 1 > limit:
            out.append(current)
            current = ""
        current = f"{current} {piece}" if current else piece
    if current:
        out.append(current)
    return out


@dataclass
class XssWorld:
    payload_count: int
    surfaces: list[str] = field(default_factory=list)  # the text fields that hold the corpus
    pages: list[str] = field(default_factory=list)  # pages every visitor sees
    host_pages: list[str] = field(default_factory=list)  # the host's and moderator's consoles
    texts: list[str] = field(default_factory=list)  # feeds, CSV and JSON, fetched as text
    live_hearing: int = 0
    askers: list[str] = field(default_factory=list)  # accounts that may ask on the live hearing
    host: str = ""


def _quick_commits(db) -> None:
    import sqlalchemy as sa

    session = db.session()
    session.expire_on_commit = False
    if db.engine.dialect.name == "sqlite":
        session.execute(sa.text("PRAGMA synchronous = OFF"))
    elif db.engine.dialect.name == "postgresql":
        session.execute(sa.text("SET synchronous_commit TO OFF"))


def build(db) -> XssWorld:
    from portal.accounts import services as accounts
    from portal.accounts.models import DepartmentKind, Role
    from portal.feedback import attachments as feedback_files
    from portal.feedback import lifecycle, rating, responsibility
    from portal.feedback import services as feedback
    from portal.hearings import questions
    from portal.hearings import services as hearings
    from portal.hearings.models import HearingKind, HearingState, RaiserKind
    from portal.plans import editing
    from portal.plans import services as plans
    from portal.policies import services as policies
    from portal.times import utcnow

    corpus = payloads()
    # Hundreds of commits: no fsync for each (the seeding connection only), and no expiry of every row the
    # session holds at each commit (the rows stay as this function wrote them).
    _quick_commits(db)
    everything = " ".join(batches(corpus, 10_000))
    tag = uuid.uuid4().hex[:6]
    w = XssWorld(payload_count=len(corpus))

    def user(role: Role, display_name: str, department=None) -> object:
        return accounts.create_user(
            SYSTEM,
            accounts.UserData(
                username=f"x{tag}{uuid.uuid4().hex[:8]}",
                display_name=display_name,
                roles={role},
                password=PASSWORD,
                department_id=department.id if department else None,
            ),
        )

    def surface(name: str) -> None:
        w.surfaces.append(name)

    # Departments: their names are public (the directory, order pages, task ledgers).
    departments = []
    for i, name in enumerate(batches(corpus, 80)):
        departments.append(
            accounts.create_department(
                SYSTEM,
                accounts.DepartmentData(
                    name=f"{name}", short_name=f"X{tag}{i}", kind=DepartmentKind.OFFICE, parent_id=None
                ),
            )
        )
    surface("department names")
    dept = departments[0]
    official = user(Role.OFFICIAL, "经办人", dept)
    dispatcher = user(Role.DISPATCHER, "派单员")
    citizen = user(Role.CITIZEN, "市民")
    host = user(Role.HOST, "主持人")
    w.host = host.username

    # Plans: titles of plans, battles, goals and tasks, leaders and contacts, progress notes.
    plan = editing.create_plan(SYSTEM, editing.PlanData(title=batches(corpus, 120)[0], version_label="1.0", year=2021))
    goal = None
    titles, leaders, contacts = batches(corpus, 200), batches(corpus, 60), batches(corpus, 40)
    for i, title in enumerate(batches(corpus, 120)):
        battle = editing.add_battle(SYSTEM, plan.id, title, everything[:2000] if i == 0 else "")
        goal = editing.add_goal(SYSTEM, battle.id, title, everything[:2000] if i == 0 else "")
    tasks = []
    for i in range(max(len(titles), len(leaders), len(contacts))):
        tasks.append(
            editing.create_task(
                SYSTEM,
                editing.TaskData(
                    goal_id=goal.id,
                    title=titles[i % len(titles)],
                    lead_department_id=departments[i % len(departments)].id,
                    responsible_leader=leaders[i % len(leaders)],
                    contact_name=contacts[i % len(contacts)],
                    contact_phone="13905321234",
                    start_date="2021-03-01",
                    due_date="2026-12-31",
                    milestones="\n".join(f"2026-0{1 + n % 9}-1{n % 9} {t}" for n, t in enumerate(batches(corpus, 100))),
                ),
            )
        )
    editing.change_state(SYSTEM, plan.id, "defended")
    editing.publish_version(SYSTEM, plan.id, everything[:500])
    for note in batches(corpus, 500):
        plans.report_progress(SYSTEM, tasks[0].id, plans.ProgressReport(progress=10, note=note))
    surface("plan, battle, goal and task titles; leaders; contacts; milestones; progress notes")
    w.pages += [
        "/plans/",
        f"/plans/{plan.id}",
        f"/plans/{plan.id}/tasks",
        f"/plans/tasks/{tasks[0].id}",
        f"/plans/{plan.id}/versions",
    ]
    w.texts += [f"/plans/{plan.id}/tasks.csv", f"/api/v1/plans/{plan.id}", f"/api/v1/plans/tasks/{tasks[0].id}"]

    # Hearings: titles, places, summaries, agendas, panels and raisers; questions (askers' names too),
    # answer summaries and commitments; a live one (queue, projector, consoles) and a closed one (transcript).
    names = batches(corpus, 40)
    askers = [user(Role.CITIZEN, name) for name in names]
    w.askers = [a.username for a in askers[:4]]
    hearing_titles = batches(corpus, 200)
    shown = []
    for i, title in enumerate(hearing_titles):
        panel = [  # 30 to a panel (the most a hearing has): the names fill the first few hearings
            hearings.PanelData(name=n, title="副市长", department_id=dept.id, is_lead=j == 0)
            for j, n in enumerate(names[i * 30 : i * 30 + 30] or names[:1])
        ]
        raisers = [(RaiserKind.ENTREPRENEUR, n, n) for n in batches(corpus, 80)] if i == 0 else []
        h = hearings.create_hearing(
            SYSTEM,
            hearings.HearingData(
                kind=HearingKind.DEFENSE,
                title=title,
                starts_at=utcnow() + timedelta(days=1 + i),
                plan_id=plan.id,
                place=title,
                summary=everything if i == 0 else "",
                agenda=everything if i == 0 else "",
                premoderation=False,
                panel=panel,
                raisers=raisers,
            ),
        )
        shown.append(h)
    live, closed = shown[0], shown[1]
    for h in (live, closed):
        h.starts_at = utcnow() - timedelta(minutes=30)
        db.session.commit()
        hearings.change_state(SYSTEM, h, "open")
    for h in (live, closed):
        asked = []
        # every asker's name on the live hearing; the texts in batches on both (the transcript shows them all)
        texts = ([f"请问市里{n}何时办结，谢谢！" for n in names] if h is live else []) + batches(corpus, 280)
        for i, text in enumerate(texts):
            try:  # the question's text is made plain first: a payload may leave too little of it
                asked.append(questions.ask(askers[i % len(askers)], h, text, f"x{tag}{h.id}-{i}").question)
            except Invalid:
                db.session.rollback()
        questions.moderate(SYSTEM, asked[0].id, "answering")
        questions.moderate(SYSTEM, asked[0].id, "answered", summary=batches(corpus, 280)[0])
        for text in batches(corpus, 190):
            hearings.flag_commitment(SYSTEM, h, asked[0].id, dept.id, text, date.today() + timedelta(days=90))
    hearings.change_state(SYSTEM, closed, "close")
    assert live.state == HearingState.LIVE
    w.live_hearing = live.id
    commitment = hearings.commitments_for_hearing(live.id)[0]
    surface("hearing titles, places, summaries, agendas, panel and raiser names")
    surface("questions, askers' display names, answer summaries, commitments")
    with_panels = -(-len(names) // 30)
    w.pages += ["/hearings/", *[f"/hearings/{h.id}" for h in shown[: max(2, with_panels)]]]
    w.pages += [
        f"/hearings/{live.id}/projector/{live.projector_token}",
        f"/hearings/{closed.id}/transcript",
        f"/hearings/commitments/{commitment['id'] if isinstance(commitment, dict) else commitment.id}",
    ]
    w.host_pages += [f"/hearings/{live.id}/host", f"/hearings/{live.id}/moderate", "/hearings/manage/"]
    w.texts += [f"/hearings/{closed.id}/transcript.csv", f"/hearings/{closed.id}/transcript.json"]

    # Work orders: titles, descriptions, places (public list and page); the order's timeline: instructions,
    # notes, an extension reason, the reply (rich text); the responsibility list.
    orders = []
    order_titles = batches(corpus, 60)
    for i, title in enumerate(order_titles):
        orders.append(
            feedback.file_order(
                citizen,
                feedback.OrderData(
                    kind="suggestion",
                    category="城市管理",
                    title=title if len(title) >= 4 else f"建议：{title}",
                    description=everything[:5000] if i == 0 else f"详细内容：{title}",
                    place=batches(corpus, 200)[i % len(batches(corpus, 200))],
                    requester_phone="13912345678",
                    uploads=[feedback_files.Upload("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)] if i == 0 else [],
                ),
            )
        )
    order = orders[0]
    lifecycle.dispatch_order(dispatcher, order, [dept.id], dept.id, everything[:2000])
    assignment = order.assignments[0]
    lifecycle.sign_assignment(official, assignment, names[0], "13800000101", everything[:500])
    for note in batches(corpus, 500):
        lifecycle.record_progress(official, assignment, note)
    lifecycle.reply_assignment(official, assignment, "<p>" + everything[:4000] + "</p>")
    lifecycle.close_order(official, order, everything[:1000])
    rating.rate_order(citizen, order, {None: ("satisfied", everything[:1000])})
    for matter in batches(corpus, 120):
        responsibility.create_item(
            SYSTEM, responsibility.ItemData(matter, "城市管理", matter[:200], everything[:1000], [dept.id])
        )
    surface("work order titles, descriptions, places; dispatch instructions, sign-for and progress notes; replies")
    surface("closing notes and the requester's rating comment")
    surface("responsibility list matters, keywords and bases")
    pages = -(-len(orders) // 20)
    w.pages += [f"/feedback/?page={n}" for n in range(1, pages + 1)]
    w.pages += [f"/feedback/{order.tracking_no}", "/feedback/responsibilities/", "/", "/departments/"]
    w.texts += [f"/api/v1/feedback/{order.tracking_no}"]
    # Open311: the same order (title, text, place, the reply as status_notes) in both formats.
    w.texts += [f"/open311/v2/requests/{order.tracking_no}.json", f"/open311/v2/requests/{order.tracking_no}.xml"]

    # Policies: titles, bodies and issuers (archive, document, version, snippets, feed, export).
    bodies = []
    for i, title in enumerate(batches(corpus, 300)):
        body = f"营商环境优化条款。{everything}\n第二条 营商环境。{title}" if i == 0 else f"营商环境{title}"
        p = policies.create_policy(
            SYSTEM,
            policies.PolicyData(
                title=title,
                body=body,
                issuer=batches(corpus, 100)[i % len(batches(corpus, 100))],
                doc_type="办法",
                published_on=date.today(),
                topics=["营商环境"],
            ),
        )
        policies.transition(SYSTEM, p.id, "publish", date.today())
        bodies.append(p)
    first = bodies[0]
    data = policies.PolicyData(
        title=first.title, body=first.body + "\n第三条 " + everything[:1000], issuer=first.issuer
    )
    policies.update_policy(SYSTEM, first.id, data, everything[:200])
    surface("policy titles, bodies, issuers and change summaries")
    w.pages += ["/policies/", f"/policies/{first.id}", f"/policies/{first.id}/versions/2", "/policies/?q=营商环境"]
    w.texts += ["/policies/feed.atom", "/policies/export.csv", f"/api/v1/policies/{first.id}"]

    # The open-data lists of orders, commitments and tasks, in every form.
    w.pages += ["/feedback/public/?per_page=100", "/hearings/commitments/?per_page=100", "/plans/tasks/?per_page=100"]
    w.texts += ["/feedback/public/orders.csv", "/feedback/public/feed.atom", "/api/v1/feedback?per_page=100"]
    w.texts += ["/hearings/commitments.csv", "/hearings/commitments.atom", "/api/v1/hearings/commitments?per_page=100"]
    w.texts += ["/plans/tasks.csv", "/plans/tasks.atom", "/api/v1/plans/tasks?per_page=100"]

    # Search queries echoed back.
    from urllib.parse import quote

    for q in batches(corpus, 200):
        w.pages.append(f"/policies/?q={quote(q)}")
    for q in batches(corpus, 100)[:4]:  # the public list takes 100 characters and 8 words: some refused (400)
        w.pages.append(f"/feedback/public/?q={quote(q)}")
    surface("search queries echoed back (policy archive, order lookup)")
    db.session.commit()
    return w
