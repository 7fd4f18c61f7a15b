"""The demo enterprises: from the articles, the entrepreneur in two of them, a request waiting for the admins."""

from __future__ import annotations

import pytest

from portal.accounts.demo import load_accounts, user
from portal.enterprises import services
from portal.enterprises.demo import load_enterprises
from portal.enterprises.models import MembershipState, MembershipVia


@pytest.mark.slow
def test_demo_enterprises_load_once(db):
    load_accounts()
    assert "7 memberships created" in load_enterprises()
    assert "0 memberships created" in load_enterprises()
    names = [e.name for e in services.verified_enterprises(user("entrepreneur"))]
    assert names == sorted(["青岛海润食品有限公司", "青岛莱西农产品冷链物流有限公司"])
    assert [e.name for e in services.verified_enterprises(user("xijie_hr"))] == ["希杰（莱西）食品有限公司"]
    assert services.my_memberships(user("xijie_hr"))[0].via == MembershipVia.INVITATION
    queue = services.review_queue(user("admin"))
    assert [(m.user.username, m.enterprise.name) for m in queue] == [("qili", "莱西绮丽水洗有限公司")]
    assert services.licence_path(queue[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    refused = services.review_queue(user("admin"), MembershipState.REFUSED)
    assert refused[0].user.username == "beiqi" and "看不清" in refused[0].reason
    assert services.verified_enterprise_count() == 4
