"""Nothing a requester submitted is seen by someone who should not see it."""

from __future__ import annotations

import pytest

from portal.feedback import lifecycle


def test_public_page_never_shows_the_requesters_contact(city, client):
    order = city.dispatched()
    lifecycle.sign_assignment(city.official_a, city.assignment(order, city.dept_a), "刘强", "13800000101")
    body = client.get(f"/feedback/{order.tracking_no}").get_data(as_text=True)
    assert "13912345678" not in body and "胡明" not in body
    assert "胡*" in body
    assert "138****0101" in body and "13800000101" not in body  # handler masked to the public


def test_requester_sees_the_handlers_full_phone(city, login):
    order = city.dispatched()
    lifecycle.sign_assignment(city.official_a, city.assignment(order, city.dept_a), "刘强", "13800000101")
    body = login(city.citizen).get(f"/feedback/{order.tracking_no}").get_data(as_text=True)
    assert "13800000101" in body and "13912345678" in body


def test_api_gives_public_fields_only(city, client):
    order = city.dispatched()
    lifecycle.sign_assignment(city.official_a, city.assignment(order, city.dept_a), "刘强", "13800000101")
    response = client.get(f"/api/v1/feedback/{order.tracking_no}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    data = response.get_json()
    assert data["tracking_no"] == order.tracking_no and data["state"] == "signed"
    assert "13912345678" not in text and "胡明" not in text and "13800000101" not in text
    assert data["departments"][0]["handler_phone"] == "138****0101"


def test_private_order_is_hidden_from_the_api_for_everyone(city, login):
    order = city.file(is_public=False)
    assert login(city.citizen).get(f"/api/v1/feedback/{order.tracking_no}").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "other_citizen", "official_b"])
def test_private_order_is_not_found_for_outsiders(city, client, login, who):
    order = city.dispatched(city.dept_a, is_public=False)
    c = client if who == "anonymous" else login(getattr(city, who))
    response = c.get(f"/feedback/{order.tracking_no}")
    assert response.status_code == 404
    assert order.title not in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["citizen", "official_a", "dispatcher", "admin"])
def test_private_order_is_visible_to_the_requester_and_involved_officials(city, login, who):
    order = city.dispatched(city.dept_a, is_public=False)
    assert login(getattr(city, who)).get(f"/feedback/{order.tracking_no}").status_code == 200


def test_private_orders_are_left_out_of_the_public_list_and_search(city, client):
    public, private = city.file(title="公开的诉求标题"), city.file(title="不公开的诉求标题", is_public=False)
    body = client.get("/feedback/").get_data(as_text=True)
    assert public.title in body and private.title not in body
    response = client.get(f"/feedback/?q={private.tracking_no}")
    assert response.status_code == 200 and "未找到" in response.get_data(as_text=True)


def test_internal_history_is_not_on_the_public_timeline(city, client):
    order = city.dispatched()
    lifecycle.return_assignment(city.official_a, city.assignment(order, city.dept_a), "内部理由：不归我们管")
    assert "内部理由" not in client.get(f"/feedback/{order.tracking_no}").get_data(as_text=True)
    assert "内部理由" not in client.get(f"/api/v1/feedback/{order.tracking_no}").get_data(as_text=True)
