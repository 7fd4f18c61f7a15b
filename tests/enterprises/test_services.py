"""Memberships through the services: join request → approve/refuse, invitations, several enterprises, history."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.enterprises import services
from portal.enterprises.models import InvitationEvent, MembershipEvent, MembershipState, MembershipVia
from portal.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from portal.history import HistoryIsAppendOnly
from portal.uploads import Upload
from tests.support.factories import LICENCE_PNG

XIJIE = ("青岛希杰集团有限公司", "91370285MA3C00010Q")
OTHER = ("青岛莱西测试机械有限公司", "91370285163560001U")


def _apply(user, name_code=XIJIE, files=None):
    name, code = name_code
    files = [Upload("营业执照.png", LICENCE_PNG)] if files is None else files
    return services.apply(user, services.JoinRequest(name, code, files))


@pytest.fixture
def people(factory, users):
    return {
        "boss": users["entrepreneur"],
        "colleague": factory.user(Role.ENTREPRENEUR),
        "admin": users["admin"],
        "citizen": users["citizen"],
        "stranger": factory.user(Role.ENTREPRENEUR),
    }


def _events(db, membership):
    return [
        (e.action, e.from_state, e.to_state, e.note)
        for e in db.session.scalars(
            sa.select(MembershipEvent)
            .where(MembershipEvent.membership_id == membership.id)
            .order_by(MembershipEvent.id)
        )
    ]


def test_request_then_approval_makes_a_verified_member(db, people):
    boss, admin = people["boss"], people["admin"]
    m = _apply(boss)
    assert m.state == MembershipState.PENDING and m.via == MembershipVia.LICENCE
    assert m.licence_content_type == "image/png" and services.licence_path(m).read_bytes() == LICENCE_PNG
    assert services.verified_enterprises(boss) == []
    assert not services.is_verified_member(boss, m.enterprise_id)
    assert [x.id for x in services.review_queue(admin)] == [m.id]

    services.decide(admin, m.id, "approve")
    assert [e.uscc for e in services.verified_enterprises(boss)] == [XIJIE[1]]
    assert services.is_verified_member(boss, m.enterprise_id)
    assert m.decided_by_id == admin.id and m.decided_at is not None
    assert _events(db, m) == [("apply", None, "pending", XIJIE[0]), ("approve", "pending", "approved", "")]
    assert services.review_queue(admin) == []


def test_refusal_needs_a_reason_and_only_an_admin_decides(db, people):
    boss, admin = people["boss"], people["admin"]
    m = _apply(boss)
    with pytest.raises(Invalid) as err:
        services.decide(admin, m.id, "refuse", reason="  ")
    assert err.value.field == "reason"
    db.session.rollback()
    with pytest.raises(Forbidden):
        services.decide(boss, m.id, "approve")  # the applicant cannot approve themselves
    db.session.rollback()
    with pytest.raises(NotFound):
        services.decide(people["colleague"], m.id, "approve")  # someone else's request does not exist for them
    db.session.rollback()
    with pytest.raises(Unauthorized):
        services.decide(None, m.id, "approve")
    db.session.rollback()
    services.decide(admin, m.id, "refuse", reason="执照照片模糊，请重新拍摄")
    assert m.state == MembershipState.REFUSED and m.reason == "执照照片模糊，请重新拍摄"
    assert not services.is_verified_member(boss, m.enterprise_id)
    with pytest.raises(Conflict):
        services.decide(admin, m.id, "approve")  # refused is final; a new request may follow
    db.session.rollback()
    again = _apply(boss)
    assert again.id != m.id and again.state == MembershipState.PENDING


def test_the_request_checks_code_licence_and_role(db, people):
    boss = people["boss"]
    with pytest.raises(Invalid) as err:
        _apply(boss, ("某公司", "91370285MA3C00011Q"))
    assert err.value.field == "uscc"
    db.session.rollback()
    with pytest.raises(Invalid) as err:
        _apply(boss, files=[])
    assert err.value.field == "licence"
    db.session.rollback()
    with pytest.raises(Invalid) as err:
        _apply(boss, files=[Upload("执照.png", b"MZ\x90\x00 not an image")])
    assert err.value.field == "licence" and "不是图片" in err.value.message
    db.session.rollback()
    with pytest.raises(Invalid) as err:
        _apply(boss, files=[Upload("1.png", LICENCE_PNG), Upload("2.png", LICENCE_PNG)])
    assert "最多上传1个" in err.value.message
    db.session.rollback()
    with pytest.raises(Forbidden):
        _apply(people["citizen"])
    db.session.rollback()
    _apply(boss)
    with pytest.raises(Conflict):
        _apply(boss)  # one open request per enterprise


def test_several_enterprises_per_person_and_several_people_per_enterprise(db, people):
    boss, colleague, admin = people["boss"], people["colleague"], people["admin"]
    for who, which in ((boss, XIJIE), (boss, OTHER), (colleague, XIJIE)):
        services.decide(admin, _apply(who, which).id, "approve")
    assert sorted(e.uscc for e in services.verified_enterprises(boss)) == sorted([XIJIE[1], OTHER[1]])
    xijie = services.verified_enterprises(colleague)[0]
    assert sorted(services.verified_member_ids(xijie.id)) == sorted([boss.id, colleague.id])
    assert services.verified_enterprises(None) == [] and services.verified_enterprises(SYSTEM) == []


def test_leaving_and_revoking_end_the_verification(db, people):
    boss, admin = people["boss"], people["admin"]
    m = _apply(boss)
    services.decide(admin, m.id, "approve")
    with pytest.raises(Invalid):
        services.decide(admin, m.id, "revoke")
    db.session.rollback()
    services.decide(admin, m.id, "revoke", reason="营业执照已注销")
    assert services.verified_enterprises(boss) == []
    m2 = _apply(boss)
    services.decide(admin, m2.id, "approve")
    services.decide(boss, m2.id, "leave")
    assert services.verified_enterprises(boss) == []


def test_invitation_by_user_name(db, people):
    boss, colleague, admin = people["boss"], people["colleague"], people["admin"]
    m = _apply(boss)
    with pytest.raises(Forbidden):
        services.invite(boss, m.enterprise_id, colleague.username)  # not verified yet
    db.session.rollback()
    services.decide(admin, m.id, "approve")
    with pytest.raises(Invalid):
        services.invite(boss, m.enterprise_id, people["citizen"].username)  # entrepreneurs only
    db.session.rollback()
    new = services.invite(boss, m.enterprise_id, colleague.username.upper())
    assert new.code is None and new.invitation.invitee_id == colleague.id
    assert [i.id for i in services.invitations_for(colleague)] == [new.invitation.id]
    with pytest.raises(Forbidden):
        services.accept_invitation(people["admin"], new.invitation)  # addressed to someone else
    db.session.rollback()
    with pytest.raises(NotFound):
        services.accept_by_id(people["stranger"], new.invitation.id)  # another entrepreneur: no such invitation
    db.session.rollback()
    joined = services.accept_by_id(colleague, new.invitation.id)
    assert joined.state == MembershipState.APPROVED and joined.via == MembershipVia.INVITATION
    assert joined.licence_stored_name is None
    assert services.is_verified_member(colleague, m.enterprise_id)
    with pytest.raises(Conflict):
        services.accept_by_id(colleague, new.invitation.id)  # used
    db.session.rollback()
    actions = [e.action for e in db.session.scalars(sa.select(InvitationEvent).order_by(InvitationEvent.id))]
    assert actions == ["invite", "accept"]


def test_invitation_by_link_is_single_use_and_expires(db, people, factory, app):
    boss, colleague, admin = people["boss"], people["colleague"], people["admin"]
    third = factory.user(Role.ENTREPRENEUR)
    m = _apply(boss)
    services.decide(admin, m.id, "approve")
    link = services.invite(boss, m.enterprise_id)
    assert link.code and link.invitation.code_hash != link.code  # only the hash is kept
    with pytest.raises(NotFound):
        services.accept_by_code(colleague, link.code + "x")
    db.session.rollback()
    with pytest.raises(Forbidden):
        services.accept_by_code(people["citizen"], link.code)
    db.session.rollback()
    services.accept_by_code(colleague, link.code)
    with pytest.raises(Conflict):
        services.accept_by_code(third, link.code)
    db.session.rollback()
    expired = services.invite(boss, m.enterprise_id)
    expired.invitation.expires_at = expired.invitation.created_at.replace(year=2000)
    db.session.commit()
    with pytest.raises(Conflict) as err:
        services.accept_by_code(third, expired.code)
    assert "过期" in err.value.message


def test_history_is_append_only(db, people):
    m = _apply(people["boss"])
    event = db.session.scalar(sa.select(MembershipEvent).where(MembershipEvent.membership_id == m.id))
    event.note = "changed"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()


def test_verified_enterprise_count_counts_enterprises_with_an_approved_member(db, people):
    boss, colleague, admin = people["boss"], people["colleague"], people["admin"]
    assert services.verified_enterprise_count() == 0
    services.decide(admin, _apply(boss).id, "approve")
    services.decide(admin, _apply(colleague).id, "approve")
    _apply(colleague, OTHER)  # pending: not counted
    assert services.verified_enterprise_count() == 1
