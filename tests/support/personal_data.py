"""The personal-data scan of public output: an order typed with every kind of detail, and what must never leak.

Used by every test of a public page, list, download or feed that shows work orders: file an order with
``TITLE``/``BODY``/``PLACE`` by a requester called ``REQUESTER_NAME``, then assert ``leaks(body) == []``.
"""

from __future__ import annotations

import json

TITLE = "楼道堆物 电话13912345678"
BODY = "我的手机13912345678，住升平巷5号楼2单元301，身份证370202199001011234，车牌鲁A12345经常被堵。"
PLACE = "升平巷5号楼"
SECRETS = ["13912345678", "5号楼2单元301", "370202199001011234", "鲁A12345"]


def leaks(text: str, *more: str) -> list[str]:
    """The secrets (and ``more``: a requester's full name, their phone…) that appear in ``text``."""
    return [s for s in (*SECRETS, *more) if s in text]


def readable(response) -> str:
    """A response's body as a person reads it: JSON decoded, since its \\uXXXX escapes would hide a name."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)
