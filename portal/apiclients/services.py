"""Registering API clients, issuing their keys (shown once, stored as a hash), changing limits, revoking.

Every operation takes the acting user; only administrators manage clients (``apiclients.manage``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from limits import parse_many

from portal.accounts.models import Role, User
from portal.accounts.permissions import can, require, roles_rule
from portal.apiclients.models import ApiClient, ApiClientEvent, ClientState
from portal.errors import Invalid, get_or_raise
from portal.extensions import db
from portal.history import record
from portal.statemachine import Machine, row
from portal.times import utcnow

MANAGE = "apiclients.manage"
roles_rule(MANAGE, Role.ADMIN)

KEY_PREFIX = "pk_"
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per key


def hash_key(key: str) -> str:
    """A key is 256 random bits: a plain SHA-256 is enough to store it (no password to stretch)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def check_limit(value: str, field: str) -> str:
    """A limit in the limits syntax ("600 per minute;20000 per day"), or Invalid with a Chinese message."""
    value = (value or "").strip()
    try:
        if not value or not parse_many(value):
            raise ValueError(value)
    except ValueError:
        raise Invalid("频率限制的格式应为“600 per minute”，多个用分号隔开", field=field) from None
    if len(value) > 80:
        raise Invalid("频率限制不能超过80个字符", field=field)
    return value


def _text(value: str, field: str, label: str, hi: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid(f"请填写{label}", field=field)
    if len(value) > hi:
        raise Invalid(f"{label}不能超过{hi}个字", field=field)
    return value


@dataclass
class ClientData:
    name: str
    contact: str
    owner_username: str
    purpose: str = ""
    read_limit: str = ""
    write_limit: str = ""


def _record(actor, client: ApiClient, action: str, before, after, note: str = "") -> None:
    record(ApiClientEvent, actor, action, before, after, note=note, client_id=client.id)


def register_client(actor: User, data: ClientData) -> tuple[ApiClient, str]:
    """A new client and its key; the key is returned once and never stored."""
    require(actor, MANAGE)
    name = _text(data.name, "name", "名称", 80)
    contact = _text(data.contact, "contact", "联系方式", 200)
    purpose = _text(data.purpose, "purpose", "用途", 2000, required=False)
    owner = db.session.scalar(sa.select(User).where(User.username == (data.owner_username or "").strip().lower()))
    if owner is None:
        raise Invalid("没有这个用户名的账号", field="owner_username")
    read_limit = check_limit(data.read_limit or current_app.config["API_KEY_READ_LIMIT"], "read_limit")
    write_limit = check_limit(data.write_limit or current_app.config["API_KEY_WRITE_LIMIT"], "write_limit")
    key = new_key()
    client = ApiClient(
        name=name,
        contact=contact,
        purpose=purpose,
        owner_id=owner.id,
        key_prefix=key[:10],
        key_hash=hash_key(key),
        read_limit=read_limit,
        write_limit=write_limit,
        state=ClientState.ACTIVE,
        created_at=utcnow(),
    )
    db.session.add(client)
    db.session.flush()
    _record(actor, client, "issue", None, ClientState.ACTIVE, note=f"签发密钥 {client.key_prefix}…")
    db.session.commit()
    return client, key


def _change_limits(actor, client: ApiClient, transition, read_limit: str, write_limit: str) -> str:
    client.read_limit = check_limit(read_limit, "read_limit")
    client.write_limit = check_limit(write_limit, "write_limit")
    return f"读取 {client.read_limit}；写入 {client.write_limit}"


def _revoke(actor, client: ApiClient, transition) -> str:
    client.revoked_at = utcnow()
    return f"吊销密钥 {client.key_prefix}…"


def _record_transition(actor, client: ApiClient, transition, before, note) -> None:
    _record(actor, client, transition.action, before, client.state, note=note or "")


LIFECYCLE = Machine(
    "apiclients.client",
    "API clients (接口调用方密钥)",
    (
        row("change_limits", "修改频率限制", ClientState.ACTIVE, None, MANAGE, effect=_change_limits),
        row("revoke", "吊销密钥", ClientState.ACTIVE, ClientState.REVOKED, MANAGE, effect=_revoke),
    ),
    can=can,
    states=list(ClientState),
    record=_record_transition,
    notes="a key is issued active; a revoked key is refused (403) and cannot be restored: register a new client",
)


def act(actor: User, client_id: int, action: str, **params) -> ApiClient:
    client = get_client(client_id)
    LIFECYCLE.fire(actor, client, action, **params)
    db.session.commit()
    return client


def get_client(client_id: int) -> ApiClient:
    return get_or_raise(ApiClient, client_id, "该接口调用方不存在")


def list_clients(actor: User) -> list[ApiClient]:
    require(actor, MANAGE)
    return list(db.session.scalars(sa.select(ApiClient).order_by(ApiClient.state, ApiClient.created_at.desc())))


def find_by_key(key: str) -> ApiClient | None:
    if not key or len(key) > 200:
        return None
    return db.session.scalar(sa.select(ApiClient).where(ApiClient.key_hash == hash_key(key)))


def touch(client: ApiClient) -> None:
    """Note the key's use, to the minute: one write a minute per key, not one a request."""
    now = utcnow()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_EVERY:
        db.session.execute(sa.update(ApiClient).where(ApiClient.id == client.id).values(last_used_at=now))
        db.session.commit()
