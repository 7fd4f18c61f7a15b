"""Steps on one work order taken at the same moment, by threads with their own sessions and connections (as two
web requests): the order's state machine holds, exactly one step of a kind is applied, the others get 409 with a
message that says what happened meanwhile. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

import sqlalchemy as sa

from portal.accounts.models import User
from portal.errors import DomainError
from portal.extensions import db as _db
from portal.feedback import lifecycle, rating
from portal.feedback.enums import AssignmentState, EventAction, OrderState
from portal.feedback.models import Assignment, OrderEvent, Rating, WorkOrder

THREADS = 4


def race(app, steps):
    """Run each step in its own thread and session: ``load`` reads what the person's page showed, then all threads
    meet at a barrier and ``act`` at once. Returns each thread's outcome: "ok" or (status, message)."""
    barrier = threading.Barrier(len(steps))
    outcomes: list = [None] * len(steps)

    def run(i, load, act):
        with app.test_request_context():
            try:
                loaded = load()
                barrier.wait(timeout=30)
                act(*loaded)
                outcomes[i] = "ok"
            except DomainError as error:
                _db.session.rollback()
                outcomes[i] = (error.status, error.message)
            except Exception as error:
                _db.session.rollback()
                outcomes[i] = ("error", repr(error))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i, *step)) for i, step in enumerate(steps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def one_winner(outcomes) -> list:
    assert outcomes.count("ok") == 1, outcomes
    losers = [o for o in outcomes if o != "ok"]
    assert all(o[0] == 409 for o in losers), losers
    return losers


def events(order_id: int) -> Counter:
    _db.session.expire_all()
    return Counter(_db.session.scalars(sa.select(OrderEvent.action).where(OrderEvent.order_id == order_id)))


def fresh(model, ident):
    """The row as the threads left it (this session's copy was read before they ran)."""
    _db.session.expire_all()
    return _db.session.get(model, ident)


def _load_order(order_id: int, user_id: int):
    order = _db.session.get(WorkOrder, order_id)
    _ = (order.state, order.assignments, order.ratings)  # everything the page showed, read before the others act
    return order, _db.session.get(User, user_id)


def _load_assignment(assignment_id: int, user_id: int):
    assignment = _db.session.get(Assignment, assignment_id)
    _ = (assignment.state, assignment.order.state, assignment.order.assignments)
    return assignment, _db.session.get(User, user_id)


def test_parallel_dispatch_dispatches_once(app, city):
    order = city.file()
    order_id, dept, dispatcher = order.id, city.dept_a.id, city.dispatcher.id
    outcomes = race(
        app,
        [
            (
                lambda: _load_order(order_id, dispatcher),
                lambda o, u: lifecycle.dispatch_order(u, o, [dept], dept, "请尽快处理"),
            )
        ]
        * THREADS,
    )
    losers = one_winner(outcomes)
    assert all("刚刚已由他人处理" in message and "已受理" in message for _, message in losers), losers
    assert _db.session.scalar(sa.select(sa.func.count()).where(Assignment.order_id == order_id)) == 1
    assert events(order_id)[EventAction.DISPATCH] == 1


def test_parallel_sign_for_signs_once(app, city):
    order = city.dispatched()
    assignment_id, official = city.assignment(order, city.dept_a).id, city.official_a.id
    outcomes = race(
        app,
        [
            (
                lambda: _load_assignment(assignment_id, official),
                lambda a, u: lifecycle.sign_assignment(u, a, "刘强", "13800000101"),
            )
        ]
        * THREADS,
    )
    losers = one_winner(outcomes)
    assert all("已签收" in message for _, message in losers), losers
    assert fresh(Assignment, assignment_id).state == AssignmentState.SIGNED
    assert events(order.id)[EventAction.SIGN] == 1


def test_sign_against_return_one_of_them_wins(app, city):
    order = city.dispatched()
    assignment_id, official = city.assignment(order, city.dept_a).id, city.official_a.id
    outcomes = race(
        app,
        [
            (lambda: _load_assignment(assignment_id, official), lambda a, u: lifecycle.sign_assignment(u, a, "", "")),
            (
                lambda: _load_assignment(assignment_id, official),
                lambda a, u: lifecycle.return_assignment(u, a, "非本部门职责"),
            ),
        ],
    )
    one_winner(outcomes)
    state = fresh(Assignment, assignment_id).state
    happened = events(order.id)
    assert (state, happened[EventAction.SIGN], happened[EventAction.RETURN]) in {
        (AssignmentState.SIGNED, 1, 0),
        (AssignmentState.RETURNED, 0, 1),
    }


def test_parallel_reply_replies_once(app, city):
    order = city.dispatched()
    assignment = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, assignment, "", "")
    assignment_id, official = assignment.id, city.official_a.id
    outcomes = race(
        app,
        [
            (
                lambda: _load_assignment(assignment_id, official),
                lambda a, u: lifecycle.reply_assignment(u, a, "<p>已现场核查并处理完毕，感谢监督。</p>"),
            )
        ]
        * THREADS,
    )
    one_winner(outcomes)
    assert events(order.id)[EventAction.REPLY] == 1
    assert fresh(WorkOrder, order.id).state == OrderState.REPLIED


def test_parallel_rating_rates_once(app, city):
    order = city.closed()
    order_id, citizen = order.id, city.citizen.id
    outcomes = race(
        app,
        [
            (
                lambda: _load_order(order_id, citizen),
                lambda o, u: rating.rate_order(u, o, {None: ("unsatisfied", "没有解决")}),
            )
        ]
        * THREADS,
    )
    one_winner(outcomes)
    assert _db.session.scalar(sa.select(sa.func.count()).where(Rating.order_id == order_id)) == 1
    reopened = fresh(WorkOrder, order_id)
    assert (reopened.round, reopened.reopen_count, reopened.state) == (2, 1, OrderState.DISPATCHED)
    assert events(order_id)[EventAction.RATE] == 1


def test_a_stale_page_gets_a_409_page_that_says_what_happened(app, city, login):
    order = city.dispatched()
    assignment = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, assignment, "", "")
    response = login(city.official_a).post(f"/feedback/assignments/{assignment.id}/sign", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "签收" in page and "<html" in page
