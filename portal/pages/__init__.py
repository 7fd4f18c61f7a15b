"""Public shell pages: the home page and the department directory.

Capability packages contribute panels to the home page with ``home_panel`` instead of
editing the home template, so each slice owns what it shows there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, render_template

from portal.accounts import services as accounts

bp = Blueprint("pages", __name__)


@dataclass(frozen=True)
class HomePanel:
    order: int
    template: str
    context: Callable[[], dict[str, Any]]


_PANELS: dict[str, HomePanel] = {}


def home_panel(order: int, template: str) -> Callable[[Callable[[], dict[str, Any]]], Callable[[], dict[str, Any]]]:
    """Register a home-page panel: ``template`` rendered with what the decorated function returns."""

    def register(fn: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
        _PANELS[template] = HomePanel(order, template, fn)
        return fn

    return register


@bp.route("/")
def home():
    """The home page: what the portal offers, then each capability's live panel."""
    panels = [(p.template, p.context()) for p in sorted(_PANELS.values(), key=lambda p: p.order)]
    departments = accounts.department_tree()
    return render_template("pages/home.html", panels=panels, department_count=len(departments))


@bp.route("/departments/")
def departments():
    """Public directory of departments with their public phones."""
    return render_template("pages/departments.html", tree=accounts.department_tree())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
