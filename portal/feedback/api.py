"""Public JSON: an order's public fields by tracking number (a private order is not found)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from portal.apidoc import endpoint
from portal.errors import NotFound
from portal.feedback import services
from portal.feedback.schemas import Order, UnreadCount

api = Blueprint("feedback_api", __name__, url_prefix="/api/v1/feedback")


@api.get("/<tracking_no>")
@endpoint(
    summary="按编号查看一件公开诉求",
    description="公开页面上的全部信息：办理部门、答复与公开的办理记录。不公开的诉求与不存在的编号同样返回 404。",
    tag="feedback",
    ok=Order,
    not_found=True,
)
def order(tracking_no: str):
    """Public fields only, whoever asks: contacts and private orders never leave through the API."""
    found = services.find_order(tracking_no)
    if found is None or not found.is_public:
        raise NotFound("未找到该编号的公开诉求")
    return jsonify(services.public_view(found))


@api.get("/notices/unread")
@endpoint(summary="当前用户的未读通知数", description="未登录时为 0。", tag="feedback", ok=UnreadCount)
def unread():
    """The header badge's count, refreshed by the notices script."""
    if not current_user.is_authenticated:
        return jsonify(count=0)
    return jsonify(count=services.history.unread_count(current_user))
