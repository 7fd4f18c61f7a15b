"""Sections one package adds to another package's page (indico-style template hooks).

A page names itself (``"plans.overview"``, ``"hearings.show"``, ``"policies.detail"``) and renders
``page_sections(page, subject)`` where it wants them; a package that relates things to that page registers a
section with ``page_section(page, order, template)``: a function of the page's subject (an id or the object)
returning the template's variables, or None to leave the section out. The page's package knows nothing of
who contributes, so no capability imports another to show a link.

Foundation: imports no capability package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

SectionContext = Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class PageSection:
    order: int
    template: str
    context: SectionContext  # the page's subject → the template's variables, or None to leave the section out


_SECTIONS: dict[str, dict[str, PageSection]] = {}


def page_section(page: str, order: int, template: str) -> Callable[[SectionContext], SectionContext]:
    """Register a section of ``page``: ``template`` rendered with what the decorated function returns."""

    def register(fn: SectionContext) -> SectionContext:
        _SECTIONS.setdefault(page, {})[template] = PageSection(order, template, fn)
        return fn

    return register


def sections_for(page: str, subject: Any) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every section registered for ``page`` that has something to show, in order."""
    shown = []
    for section in sorted(_SECTIONS.get(page, {}).values(), key=lambda s: s.order):
        context = section.context(subject)
        if context is not None:
            shown.append((section.template, context))
    return shown


def init_app(app: Flask) -> None:
    """Templates call ``page_sections(page, subject)`` and include each ``(template, section)`` pair."""
    app.jinja_env.globals["page_sections"] = sections_for
