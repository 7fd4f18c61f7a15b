"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask, request
from flask_login import current_user

from portal import pagesections
from portal.accounts.permissions import can
from portal.privacy import mask_name, mask_personal, mask_phone
from portal.times import to_local

# Top navigation: (endpoint path, label). Paths, not endpoints, so the shell does not depend
# on which capability packages a deployment enables.
NAVIGATION = (
    ("/hearings/", "公开答辩"),
    ("/plans/", "作战方案"),
    ("/consultations/", "征求意见"),
    ("/feedback/", "问政"),
    ("/policies/", "政策文库"),
    ("/data/", "数据公开"),
)


def format_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return to_local(value).strftime(fmt)


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class PageAction:
    """A link a package adds to another package's page (a 评价 button on a policy page)."""

    label: str
    url: str
    primary: bool = False


PageActions = Callable[[Any, Any], list[PageAction]]  # (the page's object, the viewer) → links
_PAGE_ACTIONS: dict[str, list[PageActions]] = {}


def page_action(kind: str) -> Callable[[PageActions], PageActions]:
    """Register links for the pages of ``kind`` ("policy", "task", "department", "order"), so that the package
    that owns a page knows nothing of who adds to it; templates call ``page_actions(kind, obj)``."""

    def register(fn: PageActions) -> PageActions:
        providers = _PAGE_ACTIONS.setdefault(kind, [])
        if fn not in providers:
            providers.append(fn)
        return fn

    return register


def page_actions(kind: str, obj: Any) -> list[PageAction]:
    return [action for fn in _PAGE_ACTIONS.get(kind, []) for action in fn(obj, current_user)]


def html_attrs(**attrs: object) -> dict[str, object]:
    """Attributes for a form widget: drop empty ones, spell aria_x as aria-x."""
    return {key.replace("_", "-"): value for key, value in attrs.items() if value not in (None, "")}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["html_attrs"] = html_attrs
    app.jinja_env.globals["page_actions"] = page_actions
    pagesections.init_app(app)
    app.jinja_env.filters.update(
        datetime=format_datetime,
        date_cn=format_date,
        mask_phone=mask_phone,
        mask_name=mask_name,
        mask_personal=mask_personal,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def shell_context() -> dict[str, object]:
        path = request.path if request else "/"
        nav = [(href, label, path.startswith(href)) for href, label in NAVIGATION]
        return {"navigation": nav, "can": lambda action, obj=None: can(current_user, action, obj)}
