"""The host and moderation consoles, commitments and hearing set-up, submitted through their rendered pages."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from portal.accounts.models import Role
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
