"""The host and moderation consoles, commitments and hearing set-up, submitted through their rendered pages."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.hearings import services
from portal.hearings.models import HearingState, QuestionState
from tests.support.forms import open_form


def test_a_commitment_registered_in_the_host_console_keeps_its_question(hearings, factory, login, client, db):
    hearing = hearings.hearing()
    earlier = hearings.question(hearing, QuestionState.ANSWERED, text="第一个已回答的问题是什么？")
    chosen = hearings.question(hearing, QuestionState.ANSWERED, text="企业开办能否一天办结？")
    factory.department("市行政审批服务局", short_name="审批局")
    host = login(factory.user(Role.HOST))

    form = open_form(host, f"/hearings/{hearing.id}/host", form="#commitment-form")
    form.select("对应问题", f"#{chosen.id} 企业开办能否一天办结？")
    form.fill("承诺内容", "年内实现企业开办一日办结")
    form.select("责任部门", "市行政审批服务局")
    form.fill("完成时限", (date.today() + timedelta(days=90)).isoformat())
    response = form.submit(button="登记承诺")
    assert response.status_code == 302

    (item,) = services.commitments_for_hearing(hearing.id)
    assert item.question_id == chosen.id != earlier.id
    page = client.get(f"/hearings/commitments/{item.id}").get_data(as_text=True)
    assert "企业开办能否一天办结？" in page and "已答复" in page  # the question and its answer summary

    hearing.state = HearingState.CLOSED
    db.session.commit()
    html = client.get(f"/hearings/{hearing.id}/transcript").get_data(as_text=True)
    row = html[html.index(f'<tr id="q{chosen.id}">') :]
    row = row[: row.index("</tr>")]
    assert "企业开办能否一天办结？" in row and "已答复" in row and "年内实现企业开办一日办结" in row
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/hearings/{hearing.id}/transcript.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    by_id = {int(r["编号"]): r for r in rows}
    assert "年内实现企业开办一日办结" in by_id[chosen.id]["承诺事项"] and by_id[chosen.id]["答复摘要"] == "已答复"
    assert by_id[earlier.id]["承诺事项"] == ""
    data = json.loads(client.get(f"/hearings/{hearing.id}/transcript.json").get_data(as_text=True))
    by_id = {q["id"]: q for q in data["questions"]}
    assert [c["text"] for c in by_id[chosen.id]["commitments"]] == ["年内实现企业开办一日办结"]
    assert by_id[chosen.id]["text"] == "企业开办能否一天办结？"


def _host_page(host, hearing):
    return host.get(f"/hearings/{hearing.id}/host").get_data(as_text=True)


def test_ending_a_hearing_from_the_host_console_asks_for_confirmation_first(hearings, factory, login, db):
    hearing = hearings.hearing()
    hearings.question(hearing, QuestionState.PENDING)
    host = login(factory.user(Role.HOST))
    page = _host_page(host, hearing)
    assert f'href="/hearings/{hearing.id}/close"' in page and "结束答辩…" in page
    # A stray POST (an old bookmark, a double click) does not end it: it lands on the confirmation.
    response = host.post(f"/hearings/{hearing.id}/state/close")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/hearings/{hearing.id}/close")
    db.session.refresh(hearing)
    assert hearing.state == HearingState.LIVE

    confirm = open_form(host, f"/hearings/{hearing.id}/close", form="/state/close")
    assert "还有 <strong>1</strong> 条待审核" in confirm.page.get_data(as_text=True)
    response = confirm.submit(button="确认结束答辩")
    assert response.status_code == 302
    db.session.refresh(hearing)
    assert hearing.state == HearingState.CLOSED and hearing.closed_at is not None


def test_a_host_reopens_a_hearing_closed_by_mistake_within_a_day(hearings, factory, login, db):
    from portal.hearings.models import HearingEvent

    hearing = hearings.hearing()
    host = login(factory.user(Role.HOST, display_name="主持人甲"))
    open_form(host, f"/hearings/{hearing.id}/close", form="/state/close").submit(button="确认结束答辩")
    response = open_form(host, f"/hearings/{hearing.id}/host", form="/state/reopen").submit(button="重新开始答辩")
    assert response.status_code == 302
    db.session.refresh(hearing)
    assert hearing.state == HearingState.LIVE and hearing.closed_at is None
    events = db.session.query(HearingEvent).filter_by(hearing_id=hearing.id).order_by(HearingEvent.id).all()
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("close", "live", "closed"),
        ("reopen", "closed", "live"),
    ]
    assert "误结束后重新开始" in events[1].note
    page = _host_page(host, hearing)
    assert "答辩记录" in page and "「重新开始答辩」" in page and "主持人甲" in page


def test_a_hearing_closed_more_than_a_day_ago_cannot_be_reopened(hearings, factory, login, db):
    from portal.times import utcnow

    hearing = hearings.hearing()
    host = login(factory.user(Role.HOST))
    open_form(host, f"/hearings/{hearing.id}/close", form="/state/close").submit(button="确认结束答辩")
    db.session.refresh(hearing)
    hearing.closed_at = utcnow() - timedelta(days=1, minutes=1)
    db.session.commit()
    assert "重新开始答辩" not in _host_page(host, hearing)
    response = host.post(f"/hearings/{hearing.id}/state/reopen", follow_redirects=True)
    assert response.status_code == 200 and "答辩结束已超过一天，不能重新开始" in response.get_data(as_text=True)
    db.session.refresh(hearing)
    assert hearing.state == HearingState.CLOSED


def test_a_hearing_opened_early_and_closed_early_shows_its_real_start_and_end(hearings, factory, login, client, db):
    from portal.times import to_local, utcnow

    hearing = hearings.hearing(HearingState.SCHEDULED)
    hearing.starts_at = utcnow() + timedelta(hours=3)  # planned later than it really ran
    hearing.ends_at = hearing.starts_at + timedelta(hours=2)
    db.session.commit()
    host = login(factory.user(Role.HOST))
    open_form(host, f"/hearings/{hearing.id}/host", form="/state/open").submit(button="开始答辩")
    host.post(f"/hearings/{hearing.id}/state/close", data={"confirm": "yes"})  # as the confirmation page sends
    db.session.refresh(hearing)
    opened, closed = to_local(hearing.opened_at), to_local(hearing.closed_at)
    assert opened <= closed < to_local(hearing.starts_at)
    real = f"{opened:%Y-%m-%d %H:%M} – {closed:%H:%M}" if opened.date() == closed.date() else None
    for path in (f"/hearings/{hearing.id}", f"/hearings/{hearing.id}/transcript", "/hearings/"):
        page = client.get(path).get_data(as_text=True)
        assert f"{to_local(hearing.starts_at):%Y-%m-%d %H:%M} – {closed:%H:%M}" not in page, path
        if real:
            assert real in page, path


def test_a_question_held_for_review_tells_the_asker_why(hearings, factory, login):
    hearing = hearings.hearing(premoderation=False)
    asker = login(factory.user())
    form = open_form(asker, f"/hearings/{hearing.id}", form="/questions")
    form.fill("您的问题", "办证大厅周末能否开放？")
    assert form.submit(button="提交问题").status_code == 302
    queue = asker.get(f"/hearings/{hearing.id}").get_data(as_text=True).split('data-slot="queue"')[1]
    assert "办证大厅周末能否开放？" in queue  # published at once: 办证 holds nothing back

    form = open_form(asker, f"/hearings/{hearing.id}", form="/questions")
    form.fill("您的问题", "群里有人代开发票，怎么举报？")
    form.submit(button="提交问题")
    page = asker.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    assert "问题已提交。问题含有需审核的词语（代开发票），审核通过后公开。" in page  # the flash
    mine = page[page.index('id="mine"') : page.index('data-slot="queue"')]
    assert "问题含有需审核的词语（代开发票），审核通过后公开。" in mine


def test_transcript_exports_give_beijing_times_with_their_offset(hearings, client, db):
    from datetime import UTC, datetime

    hearing = hearings.hearing()
    q = hearings.question(hearing, QuestionState.ANSWERED)
    q.created_at = datetime(2026, 12, 20, 1, 5, tzinfo=UTC)  # 09:05 in Beijing
    q.answered_at = datetime(2026, 12, 20, 1, 20, tzinfo=UTC)
    hearing.state, hearing.closed_at = HearingState.CLOSED, datetime(2026, 12, 20, 3, 0, tzinfo=UTC)
    db.session.commit()
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/hearings/{hearing.id}/transcript.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert rows[0]["提问时间"] == "2026-12-20T09:05:00+08:00" and rows[0]["答复时间"] == "2026-12-20T09:20:00+08:00"
    data = json.loads(client.get(f"/hearings/{hearing.id}/transcript.json").get_data(as_text=True))
    assert data["questions"][0]["asked_at"] == "2026-12-20T09:05:00+08:00"
    assert data["questions"][0]["answered_at"] == "2026-12-20T09:20:00+08:00"
    assert data["hearing"]["closed_at"] == "2026-12-20T11:00:00+08:00"


def _shown(html: str, predicate) -> list:
    """Elements matching ``predicate`` that a browser shows (neither they nor an ancestor is hidden)."""
    from tests.support.forms import parse_html

    def visible(e):
        while e is not None:
            if e.has("hidden"):
                return False
            e = e.parent
        return True

    return [e for e in parse_html(html).iter() if predicate(e) and visible(e)]


def _livestream(e):
    return e.tag == "a" and e.text().strip() == "观看直播"


def _now_card(e):
    return e.get("data-testid") == "now-card"


def test_upcoming_and_ended_hearings_show_no_livestream_button_and_no_now_card(hearings, factory, client, db):
    for state in (HearingState.SCHEDULED, HearingState.CLOSED, HearingState.ARCHIVED):
        hearing = hearings.hearing(state, livestream_url="https://live.example.gov.cn/x")
        page = client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
        assert _shown(page, _livestream) == [] and _shown(page, _now_card) == [], state
    live = hearings.hearing(HearingState.LIVE, livestream_url="https://live.example.gov.cn/y")
    page = client.get(f"/hearings/{live.id}").get_data(as_text=True)
    assert len(_shown(page, _livestream)) == 1 and len(_shown(page, _now_card)) == 1


def test_the_counts_above_the_queue_match_what_is_listed_and_name_merged_and_hidden(hearings, factory, client):
    from portal.hearings import questions

    hearing = hearings.hearing()
    kept = [hearings.question(hearing) for _ in range(2)]
    duplicate = hearings.question(hearing)
    questions.moderate(factory.user(Role.MODERATOR), duplicate.id, "merge", into=kept[0].id)
    hearings.question(hearing, QuestionState.HIDDEN)
    hearings.question(hearing, QuestionState.PENDING)
    page = client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    listed = _shown(page, lambda e: e.get("data-testid") == "question" and e.get("data-id"))
    (counts,) = _shown(page, lambda e: e.get("data-testid") == "counts")
    numbers = {
        e.get("data-count"): int(e.text()) for e in counts.iter() if e.get("data-count") not in (None, "presence")
    }
    assert numbers["public"] == len(listed) == 2
    assert numbers["merged"] == 1 and numbers["hidden"] == 1 and numbers["pending"] == 1 and numbers["received"] == 5
    assert "合并" in counts.text() and "隐藏" in counts.text()


def test_a_host_sets_up_a_hearing_through_the_rendered_form_and_edits_it(factory, login, db):
    import sqlalchemy as sa

    from portal.hearings.models import Hearing, HearingKind
    from portal.plans.models import Plan
    from portal.times import LOCAL_TZ

    plan = Plan(title="高效建设攻势作战方案", year=2026)
    db.session.add(plan)
    db.session.commit()
    host = login(factory.user(Role.HOST))
    form = open_form(host, "/hearings/manage/new", form="创建答辩")
    form.check("类型", "公开质询")
    form.select("作战方案", "高效建设攻势作战方案（2026年）")
    form.fill("名称", "攻势落实情况公开质询")
    form.fill("开始时间", "2026-12-28T09:00")
    form.fill("结束时间", "2026-12-28T11:30")
    form.fill("地点", "市人大常委会会议厅")
    form.fill("议程", "09:00 质询开始\n09:10 牵头部门报告落实情况")
    form.fill("答辩团", "王明 | 副市长")
    form.fill("提问人", "媒体 | 陈晨 | 青岛日报")
    form.uncheck("先审后发：观众的问题经审核后公开")
    form.fill("问题字数上限", "200")
    assert form.submit(button="创建答辩").status_code == 302

    hearing = db.session.scalar(sa.select(Hearing).where(Hearing.title == "攻势落实情况公开质询"))
    assert hearing.kind == HearingKind.INQUIRY and hearing.plan_id == plan.id
    assert hearing.starts_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") == "2026-12-28 09:00"
    assert hearing.ends_at.astimezone(LOCAL_TZ).strftime("%H:%M") == "11:30"
    assert hearing.place == "市人大常委会会议厅" and not hearing.premoderation and hearing.max_question_length == 200
    assert [p.name for p in hearing.panel] == ["王明"] and [r.name for r in hearing.raisers] == ["陈晨"]

    form = open_form(host, f"/hearings/manage/{hearing.id}/edit", form="保存修改")
    form.fill("地点", "市民中心第二会议室")
    assert form.submit(button="保存修改").status_code == 302
    db.session.refresh(hearing)
    assert hearing.place == "市民中心第二会议室" and hearing.title == "攻势落实情况公开质询"
    assert hearing.plan_id == plan.id and not hearing.premoderation  # untouched controls keep their values


def test_the_lead_department_records_progress_through_the_commitment_page(hearings, factory, login, client, db):
    from portal.hearings.models import CommitmentStatus, CommitmentUpdate

    hearing = hearings.hearing()
    dept = factory.department("市大数据发展管理局", short_name="大数据局")
    item = services.flag_commitment(SYSTEM, hearing, None, dept.id, "建立数据共享责任清单", date.today())
    official = login(factory.user(Role.OFFICIAL, department=dept))
    form = open_form(official, f"/hearings/commitments/{item.id}", form="保存进展")
    form.select("状态", "推进中")
    form.fill("进展说明", "清单初稿已征求意见")
    assert form.submit(button="保存进展").status_code == 302
    db.session.refresh(item)
    assert item.status == CommitmentStatus.IN_PROGRESS
    last = (
        db.session.query(CommitmentUpdate).filter_by(commitment_id=item.id).order_by(CommitmentUpdate.id.desc()).first()
    )
    assert (last.from_status, last.to_status, last.note) == ("not_started", "in_progress", "清单初稿已征求意见")
