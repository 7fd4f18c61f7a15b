import io

import pytest
import sqlalchemy as sa

from portal.actors import SYSTEM
from portal.errors import Invalid
from portal.policies import attachments
from portal.policies.models import LinkKind


def test_an_editor_uploads_an_attachment_that_the_public_can_download(make_policy, users, login, client):
    policy = make_policy()
    editor = login(users["editor"])
    response = editor.post(
        f"/policies/manage/{policy.id}/attachments",
        data={"file": (io.BytesIO(b"%PDF-1.4 test"), "附件1：办理时限清单.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = policy.attachments[0]
    download = client.get(f"/policies/{policy.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 test"
    assert "附件1：办理时限清单.pdf" in client.get(f"/policies/{policy.id}").get_data(as_text=True)


def test_an_executable_attachment_is_refused_with_400(make_policy, users, login):
    policy = make_policy()
    response = login(users["editor"]).post(
        f"/policies/manage/{policy.id}/attachments",
        data={"file": (io.BytesIO(b"MZ"), "setup.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "附件只能是" in response.get_data(as_text=True)
    assert policy.attachments == []


def test_links_to_plans_are_checked_and_shown(make_policy, db, client):
    policy = make_policy()
    if not sa.inspect(db.engine).has_table("plans"):
        pytest.skip("plans package not installed")
    with pytest.raises(Invalid, match="不存在"):
        attachments.add_link(SYSTEM, policy.id, LinkKind.PLAN, 999_999)
    db.session.rollback()


def test_interpretations_link_both_ways(make_policy, client):
    target = make_policy("贵阳市政务服务限时办结管理办法")
    reading = make_policy("《贵阳市政务服务限时办结管理办法》政策解读", doc_type="解读", interprets_id=target.id)
    assert "《贵阳市政务服务限时办结管理办法》政策解读" in client.get(f"/policies/{target.id}").get_data(as_text=True)
    html = client.get(f"/policies/{reading.id}").get_data(as_text=True)
    assert "解读对象" in html and f'href="/policies/{target.id}"' in html
