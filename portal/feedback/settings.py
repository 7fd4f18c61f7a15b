"""Deadlines and limits of work orders, read from the app config with the articles' defaults."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from portal.feedback.calendar import deadline
from portal.feedback.enums import OrderKind

DEFAULTS: dict[str, object] = {
    # Sign-for (签收) within natural minutes: half an hour, as in the Laiwu article.
    "FEEDBACK_SIGN_MINUTES": {kind.value: 30 for kind in OrderKind},
    # Handling deadline in working days per kind.
    "FEEDBACK_HANDLING_DAYS": {"consultation": 3, "help": 5, "complaint": 15, "suggestion": 15, "call": 5},
    "FEEDBACK_SIGN_REMIND_MINUTES": 10,  # 催签 this long before the sign-for deadline
    "FEEDBACK_REMIND_HOURS": 24,  # 催办 this long before the handling deadline
    "FEEDBACK_TOP_ESCALATION_HOURS": 48,  # 督办 unanswered this long → 顶格推进 to the department head
    "FEEDBACK_MAX_ATTACHMENT_MB": 10,
    "FEEDBACK_MAX_ATTACHMENTS": 6,
}


def setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


def _per_kind(name: str, kind: OrderKind) -> int:
    table = {**DEFAULTS[name], **(setting(name) or {})}  # type: ignore[dict-item]
    return int(table[kind.value])


def sign_minutes(kind: OrderKind) -> int:
    """The sign-for limit in natural minutes, as configured (30 by default)."""
    return _per_kind("FEEDBACK_SIGN_MINUTES", kind)


def sign_deadline(kind: OrderKind, start: datetime) -> datetime:
    return start + timedelta(minutes=sign_minutes(kind))


def handling_days(kind: OrderKind) -> int:
    return _per_kind("FEEDBACK_HANDLING_DAYS", kind)


def handling_deadline(kind: OrderKind, start: datetime) -> datetime:
    return deadline(start, handling_days(kind))
