"""Masking of personal contact data shown to the public."""

from __future__ import annotations

import re


def mask_phone(phone: str | None) -> str:
    """138****5678: keep the first three and last four digits, hide at least four in between."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_name(name: str | None) -> str:
    """Keep the surname only: 胡明 → 胡*, 张小红 → 张**."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)
