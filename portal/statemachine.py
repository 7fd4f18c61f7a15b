"""State machines: one ``Transition`` shape and one ``Machine`` that looks up, checks, applies and records.

Every state machine of the portal (policies, hearings, questions, plans, work orders, their assignments and
extension requests) is one table of ``Transition`` rows. Services dispatch through ``Machine.fire``: it finds
the row for the action, checks who may (401/403), the state (409) and the row's guard (409), runs the row's
effect, sets the new state and writes the machine's history. Templates ask ``Machine.available`` for the
buttons of the actions the current user may take, and ``render_markdown`` writes every table to
docs/STATE_MACHINES.md (``flask docs state-machines``), so the table is the documentation.

This is a foundation module: it imports no capability package. Who may is a permission rule's name; each
machine is handed the ``can(actor, rule, obj)`` that decides it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from portal.config import ROOT
from portal.errors import Conflict, Forbidden, Invalid, Unauthorized

Effect = Callable[..., Any]  # effect(actor, obj, transition, **params) -> anything the machine's recorder uses
Guard = Callable[[Any], "str | None"]  # guard(obj) -> why the action is refused now, or None
Recorder = Callable[[Any, Any, "Transition", Any, Any], None]  # record(actor, obj, transition, before, result)


@dataclass(frozen=True)
class Transition:
    """One row of a machine: from these states, this action leads to that state, for whoever ``who`` allows."""

    action: str  # the name views and forms pass
    label: str  # the button's text (zh-CN)
    sources: frozenset[Enum]
    to: Enum | None  # None: the state does not change (the action records or edits something)
    who: str  # the permission rule deciding who may
    effect: Effect | None = None  # runs after the checks and before the new state is set
    guard: Guard | None = None  # a further condition on the object (deadline, one at a time, …)
    needs_reason: bool = False  # the action requires a written reason
    refusal: str = ""  # the 409 message from other states, when the machine's general one does not fit
    derived: bool = False  # the effect sets the state (e.g. an order's follows its assignments); ``to`` is the usual


def row(
    action: str,
    label: str,
    sources: Enum | Iterable[Enum],
    to: Enum | None,
    who: str,
    **kw: Any,
) -> Transition:
    """A ``Transition`` with ``sources`` given as one state or several."""
    states = frozenset({sources} if isinstance(sources, Enum) else sources)
    return Transition(action, label, states, to, who, **kw)


def _label(state: Any) -> str:
    return str(getattr(state, "label", None) or getattr(state, "value", state))


class Machine:
    """A table of transitions over the ``state`` attribute of one kind of object."""

    def __init__(
        self,
        name: str,
        title: str,
        transitions: Iterable[Transition],
        *,
        can: Callable[[Any, str, Any], bool],
        states: Iterable[Enum] = (),
        state: str = "state",
        refusal: str = "当前状态（{state}）不能{action}",
        unknown: str = "未知的操作",
        record: Recorder | None = None,
        subject: Callable[[Any], Any] | None = None,
        who_labels: dict[str, str] | None = None,
        notes: str = "",
    ) -> None:
        self.name, self.title, self.notes = name, title, notes
        self.rows: dict[str, Transition] = {}
        for t in transitions:
            if t.action in self.rows:
                raise ValueError(f"{name}: action {t.action!r} appears twice")
            self.rows[t.action] = t
        self.states = list(states)
        self.can_rule, self.state_attr = can, state
        self.refusal, self.unknown = refusal, unknown
        self.record = record
        self.subject = subject or (lambda obj: obj)  # what the permission rule judges (a question: its hearing)
        self.who_labels = who_labels or {}
        _MACHINES[name] = self

    # -- reading the table ----------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Transition]:
        return iter(self.rows.values())

    def __contains__(self, action: object) -> bool:
        return action in self.rows

    def __getitem__(self, action: str) -> Transition:
        return self.rows[action]

    def get(self, action: str) -> Transition | None:
        return self.rows.get(action)

    def state_of(self, obj: Any) -> Any:
        return getattr(obj, self.state_attr)

    def from_state(self, state: Any) -> list[Transition]:
        """Rows whose sources include ``state``, in table order."""
        return [t for t in self.rows.values() if state in t.sources]

    def allows(self, action: str, state: Any) -> bool:
        t = self.rows.get(action)
        return t is not None and state in t.sources

    def may(self, actor: Any, action: str, obj: Any) -> bool:
        """Whether ``actor`` may take ``action`` on ``obj`` now (state, who may and guard)."""
        t = self.rows.get(action)
        return (
            t is not None
            and self.state_of(obj) in t.sources
            and bool(self.can_rule(actor, t.who, self.subject(obj)))
            and (t.guard is None or t.guard(obj) is None)
        )

    def available(self, actor: Any, obj: Any) -> list[Transition]:
        """The rows ``actor`` may take on ``obj`` now, in table order: the buttons a page shows."""
        return [t for t in self.rows.values() if self.may(actor, t.action, obj)]

    def menu(self, actor: Any, subject: Any = None) -> dict[str, list[str]]:
        """State → the actions ``actor`` may take from it (guards aside), for pages whose script draws the buttons."""
        return {
            s.value: [t.action for t in self.from_state(s) if self.can_rule(actor, t.who, subject)] for s in self.states
        }

    # -- acting -------------------------------------------------------------------------------------------

    def lookup(self, action: str) -> Transition:
        t = self.rows.get(action)
        if t is None:
            raise Invalid(self.unknown, field="action")
        return t

    def authorise(self, actor: Any, t: Transition, obj: Any) -> None:
        if self.can_rule(actor, t.who, self.subject(obj) if obj is not None else None):
            return
        if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", True):
            raise Unauthorized()
        raise Forbidden()

    def check(self, actor: Any, obj: Any, action: str) -> Transition:
        """The row for ``action``, once who may (401/403), the state (409) and the guard (409) allow it."""
        t = self.lookup(action)
        self.authorise(actor, t, obj)
        state = self.state_of(obj)
        if state not in t.sources:
            refusal = t.refusal or self.refusal
            raise Conflict(refusal.format(state=_label(state), action=t.label, to=_label(t.to)))
        if t.guard is not None and (why := t.guard(obj)) is not None:
            raise Conflict(why)
        return t

    def fire(self, actor: Any, obj: Any, action: str, **params: Any) -> Any:
        """Check, run the effect, set the new state, write history; returns what the effect returned.

        The caller commits (or rolls back on a ``DomainError``).
        """
        t = self.check(actor, obj, action)
        before = self.state_of(obj)
        result = t.effect(actor, obj, t, **params) if t.effect is not None else None
        if t.to is not None and not t.derived:
            setattr(obj, self.state_attr, t.to)
        if self.record is not None:
            self.record(actor, obj, t, before, result)
        return result

    # -- documentation ------------------------------------------------------------------------------------

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", f"`{self.name}`" + (f" — {self.notes}" if self.notes else ""), ""]
        if self.states:
            lines += ["States: " + ", ".join(f"`{s.value}` {_label(s)}" for s in self.states), ""]
        lines += ["| from | action | to | who may |", "| --- | --- | --- | --- |"]
        order = {s: i for i, s in enumerate(self.states)}
        for t in self.rows.values():
            sources = sorted(t.sources, key=lambda s: (order.get(s, len(order)), str(s.value)))
            to = "(unchanged)" if t.to is None else f"`{t.to.value}` {_label(t.to)}"
            to += " (usually; derived, see above)" if t.derived else ""
            extra = [" (reason required)" if t.needs_reason else "", " (conditions apply)" if t.guard else ""]
            who = self.who_labels.get(t.who, "")
            lines.append(
                f"| {', '.join(f'`{s.value}`' for s in sources)} | `{t.action}` {t.label}{''.join(extra)} "
                f"| {to} | `{t.who}`{(' — ' + who) if who else ''} |"
            )
        return "\n".join(lines) + "\n"


_MACHINES: dict[str, Machine] = {}


def machines() -> list[Machine]:
    """Every machine defined so far (the capability packages define theirs when imported), by name."""
    return [_MACHINES[name] for name in sorted(_MACHINES)]


DOCS_PATH = ROOT / "docs" / "STATE_MACHINES.md"

HEADER = """# State machines

Generated from the transition tables in the code by `flask --app portal docs state-machines`; do not edit by
hand (a test fails when this file and the tables differ). Each row: from which states, the action (its name
and button text), the state it leads to, and the permission rule deciding who may take it. The services
dispatch every action through these tables; "conditions apply" marks a row with a further check on the
object (a deadline, one request at a time, a live hearing, …) that answers 409 when not met.
"""


def render_markdown() -> str:
    return HEADER + "".join("\n" + m.markdown() for m in machines())


def write_markdown(path: Path) -> bool:
    """Write the rendered tables to ``path``; True when the file changed."""
    text = render_markdown()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


docs_cli = AppGroup("docs", help="Generated documentation.")


@docs_cli.command("state-machines")
@click.option("--check", is_flag=True, help="Exit 1 when the committed file differs from the tables.")
def state_machines_command(check: bool) -> None:
    """Write every state machine's table to docs/STATE_MACHINES.md."""
    path = DOCS_PATH
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != render_markdown():
            raise click.ClickException(f"{path} is out of date: run flask --app portal docs state-machines")
        click.echo(f"{path} is up to date ({len(machines())} machines)")
        return
    changed = write_markdown(path)
    click.echo(f"{'wrote' if changed else 'unchanged'} {path} ({len(machines())} machines)")
