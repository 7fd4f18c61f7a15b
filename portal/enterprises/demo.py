"""Demo enterprises and memberships from the demo's enterprises.yaml (docs/DEMO-DATA.md), through the services:
join requests with the sample licence photo, the admin's decisions, invitations accepted."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal import demo as demo_data
from portal.accounts.demo import user
from portal.accounts.models import Enterprise
from portal.accounts.services import enterprise_for
from portal.demo import demo_loader
from portal.enterprises import services
from portal.enterprises.models import OPEN_STATES, Membership
from portal.extensions import db
from portal.uploads import Upload


def _enterprise(name: str) -> Enterprise:
    found = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == name))
    if found is None:
        raise demo_data.DemoDataError(f"enterprises.yaml: enterprise {name!r} is not in its enterprises list")
    return found


def _membership(row: dict[str, Any], licence: Upload, reviewer: Any) -> bool:
    person, enterprise = user(row["user"]), _enterprise(row["enterprise"])
    decision = row.get("decision")
    # Loading again adds nothing: a person's row for an enterprise in the state the row leads to is already there.
    state = {"approve": "approved", "refuse": "refused"}.get(decision or "", "pending")
    if row.get("invited_by"):
        state = "approved"
    states = OPEN_STATES if state == "pending" else {state}  # a pending row the admin decided meanwhile: done too
    exists = db.session.scalar(
        sa.select(Membership.id).where(
            Membership.user_id == person.id, Membership.enterprise_id == enterprise.id, Membership.state.in_(states)
        )
    )
    if exists is not None:
        return False
    if row.get("invited_by"):
        invitation = services.invite(user(row["invited_by"]), enterprise.id, person.username).invitation
        services.accept_invitation(person, invitation)
        return True
    membership = services.apply(person, services.JoinRequest(enterprise.name, enterprise.uscc, [licence]))
    if decision:
        services.decide(reviewer, membership.id, decision, row.get("reason", ""))
    return True


@demo_loader(order=5)
def load_enterprises(data: dict[str, Any] | None = None) -> str:
    data = demo_data.read("enterprises") if data is None else data
    if not data:
        return "enterprises: no demo data"
    for row in data.get("enterprises") or []:
        enterprise_for(row["name"], row["uscc"])
    db.session.commit()
    path = demo_data.data_dir() / data["licence"]
    licence = Upload(path.name, path.read_bytes())
    reviewer = user(data.get("reviewer", "admin"))
    created = sum(_membership(row, licence, reviewer) for row in data.get("memberships") or [])
    return f"enterprises: {len(data.get('enterprises') or [])} enterprises, {created} memberships created"
