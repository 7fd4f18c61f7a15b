"""Every state machine shares one shape; docs/STATE_MACHINES.md is rendered from the tables and kept current."""

from __future__ import annotations

from portal.accounts import permissions
from portal.statemachine import DOCS_PATH, machines, render_markdown

EXPECTED = {
    "policies.policy",
    "hearings.question",
    "hearings.hearing",
    "plans.plan",
    "feedback.order",
    "feedback.assignment",
    "feedback.extension",
}


def test_every_machine_is_defined_once_the_app_is_built(app):
    assert {m.name for m in machines()} >= EXPECTED


def test_the_committed_state_machine_docs_match_the_tables(app):
    assert DOCS_PATH.read_text(encoding="utf-8") == render_markdown(), (
        "docs/STATE_MACHINES.md is out of date: run flask --app portal docs state-machines"
    )


def test_the_docs_command_checks_and_writes_the_file(app, runner):
    result = runner.invoke(args=["docs", "state-machines", "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_every_row_names_known_states_and_a_registered_permission_rule(app):
    for machine in machines():
        assert machine.states, machine.name
        for t in machine:
            assert t.sources and t.sources <= set(machine.states), (machine.name, t.action)
            assert t.to is None or t.to in machine.states, (machine.name, t.action)
            assert t.who in permissions._RULES, (machine.name, t.action, t.who)
            assert t.label and t.action.replace("_", "").isalpha(), (machine.name, t.action)
