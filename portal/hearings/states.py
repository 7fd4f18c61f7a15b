"""The state machine of a hearing (the questions' table is ``portal.hearings.questions.QUESTIONS``)."""

from __future__ import annotations

from datetime import timedelta

from portal.hearings.models import HearingState

H = HearingState

# scheduled → live → closed → archived; hosts open and close a hearing, and may reopen one closed by
# mistake within REOPEN_WITHIN of its closing.
HEARING_TRANSITIONS: dict[str, tuple[frozenset[HearingState], HearingState, str]] = {
    "open": (frozenset({H.SCHEDULED}), H.LIVE, "开始答辩"),
    "close": (frozenset({H.LIVE}), H.CLOSED, "结束答辩"),
    "reopen": (frozenset({H.CLOSED}), H.LIVE, "重新开始答辩"),
    "archive": (frozenset({H.CLOSED}), H.ARCHIVED, "归档"),
}
REOPEN_WITHIN = timedelta(days=1)


def hearing_actions(state: HearingState) -> list[str]:
    return [action for action, (sources, _, _) in HEARING_TRANSITIONS.items() if state in sources]
