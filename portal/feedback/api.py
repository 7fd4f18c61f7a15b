"""Public JSON: an order's public fields by tracking number (a private order is not found)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from portal.errors import NotFound
from portal.feedback import services

api = Blueprint("feedback_api", __name__, url_prefix="/api/v1/feedback")


@api.route("/<tracking_no>")
def order(tracking_no: str):
    """Public fields only, whoever asks: contacts and private orders never leave through the API."""
    found = services.find_order(tracking_no)
    if found is None or not found.is_public:
        raise NotFound("未找到该编号的公开诉求")
    return jsonify(services.public_view(found))


@api.route("/notices/unread")
def unread():
    """The header badge's count, refreshed by the notices script."""
    if not current_user.is_authenticated:
        return jsonify(count=0)
    return jsonify(count=services.history.unread_count(current_user))
