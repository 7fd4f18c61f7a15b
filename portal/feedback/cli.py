"""``flask feedback tick``: reminders, overdue marks and escalation (idempotent; cron it with several workers)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.feedback import escalation
from portal.jobs import periodic

feedback_cli = AppGroup("feedback", help="Feedback work orders.")


@feedback_cli.command("tick")
def tick_command() -> None:
    """Send 催签/催办, mark overdue assignments, escalate (督办, 顶格推进)."""
    click.echo(str(escalation.tick()))


@periodic(60)
def tick_job() -> None:
    escalation.tick()
