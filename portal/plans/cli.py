"""``flask plans``: progress and overdue tasks from the command line (for 调度 meetings and cron mail)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.plans import services

plans_cli = AppGroup("plans", help="Campaign plans.")


@plans_cli.command("progress")
def progress_command() -> None:
    """Print every plan's progress per battle."""
    for plan in services.list_plans():
        view = services.plan_overview(plan.id)
        click.echo(f"{plan.title} [{plan.state.label}] {view.progress.display} ({view.progress.task_count} 项任务)")
        for battle in view.battles:
            p = battle.progress
            click.echo(
                f"  {battle.battle.title}: {p.display}  完成 {p.done_count}/{p.task_count}  逾期 {p.overdue_count}"
            )


@plans_cli.command("overdue")
@click.argument("plan_id", type=int)
def overdue_command(plan_id: int) -> None:
    """List a plan's overdue tasks (逾期) with their lead departments."""
    tasks = services.ledger(plan_id, services.LedgerFilter(status=services.OVERDUE))
    for task in tasks:
        click.echo(f"{task.id}\t{task.due_date}\t{task.progress}%\t{task.lead_department.short_name}\t{task.title}")
    click.echo(f"共 {len(tasks)} 项逾期任务")
