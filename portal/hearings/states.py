"""The state machines of a question and of a hearing: one table each, read by services, templates and tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from portal.hearings.models import HearingState, QuestionState

Q = QuestionState


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[QuestionState]
    target: QuestionState | None  # None: the state stays (an edit)
    permission: str  # the permission rule deciding who may do it
    label: str  # the button's text


# pending → approved → answering → answered; pending → rejected; approved → merged(into);
# approved|answered → hidden; an edit keeps the state and the original text in history.
QUESTION_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("approve", frozenset({Q.PENDING}), Q.APPROVED, "hearings.moderate", "通过"),
        Transition("reject", frozenset({Q.PENDING}), Q.REJECTED, "hearings.moderate", "不予公开"),
        Transition("edit", frozenset({Q.PENDING, Q.APPROVED}), None, "hearings.moderate", "修改错字"),
        Transition("merge", frozenset({Q.APPROVED}), Q.MERGED, "hearings.moderate", "合并为重复"),
        Transition("hide", frozenset({Q.APPROVED, Q.ANSWERED}), Q.HIDDEN, "hearings.moderate", "隐藏"),
        Transition("answering", frozenset({Q.APPROVED}), Q.ANSWERING, "hearings.host", "开始回答"),
        Transition("answered", frozenset({Q.ANSWERING}), Q.ANSWERED, "hearings.host", "标记已回答"),
    )
}


def transition(action: str) -> Transition | None:
    return QUESTION_TRANSITIONS.get(action)


def allowed_actions(state: QuestionState) -> list[str]:
    """Actions whose source states include ``state``, in table order (for buttons and tests)."""
    return [t.action for t in QUESTION_TRANSITIONS.values() if state in t.sources]


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
