"""``flask hearings``: list hearings, issue a new projector URL, archive a closed hearing, set what an inquiry reviews
(for operators)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.actors import SYSTEM
from portal.errors import DomainError
from portal.hearings import services, setup
from portal.times import to_local

hearings_cli = AppGroup("hearings", help="Public hearings (公开答辩 / 公开质询).")


def _projector_path(hearing) -> str:
    return f"/hearings/{hearing.id}/projector/{hearing.projector_token}"


@hearings_cli.command("list")
def list_command() -> None:
    """Every hearing: id, kind, state, start (Beijing time), title."""
    hearings = setup.all_hearings()
    for h in hearings:
        start = to_local(h.starts_at).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{h.id}\t{h.kind.label}\t{h.state.label}\t{start}\t{h.title}")
    click.echo(f"共 {len(hearings)} 场")


@hearings_cli.command("projector-token")
@click.argument("hearing_id", type=int)
def projector_token_command(hearing_id: int) -> None:
    """Issue a new projector URL for a hearing; the old URL stops working."""
    try:
        hearing = services.get_hearing(hearing_id)
        setup.regenerate_projector_token(SYSTEM, hearing)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"新的投屏地址：{_projector_path(hearing)}")


@hearings_cli.command("archive")
@click.argument("hearing_id", type=int)
def archive_command(hearing_id: int) -> None:
    """Archive a closed hearing."""
    try:
        hearing = services.get_hearing(hearing_id)
        services.change_state(SYSTEM, hearing, "archive")
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"已归档：{hearing.title}")


@hearings_cli.command("reviews")
@click.argument("inquiry_id", type=int)
@click.argument("hearing_ids", type=int, nargs=-1)
def reviews_command(inquiry_id: int, hearing_ids: tuple[int, ...]) -> None:
    """Set the hearings a 公开质询 reviews (without any, it reviews the earlier hearings of its plan)."""
    from portal.hearings import reviews

    try:
        inquiry = services.get_hearing(inquiry_id)
        reviews.set_reviews(SYSTEM, inquiry, list(hearing_ids))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    titles = [h.title for h in reviews.reviewed_hearings(inquiry)]
    click.echo(f"{inquiry.title} 质询：" + ("；".join(titles) or "（无）"))
