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


# Personal details typed into the text of a public request: masked wherever the public reads it.
# Order matters: an ID number holds runs that look like a mobile number, so it is masked first.
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![0-9])")
# 0532-85912345, (0532)85912345, 010 12345678, 053285912345, with an optional extension (转801).
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z])(\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})([-－\s]?)([2-9]\d{6,7})(?:(?:转|-|ext\.?)\d{1,5})?(?![0-9])"
)
# A landline without its area code only after a word that says it is a number: 电话85912345.
_LOCAL_NUMBER = re.compile(r"((?:电话|座机|固话|手机|联系方式|号码|拨打|致电|打)[^0-9\n]{0,4}?)([2-9]\d{6,7})(?![0-9])")
# 鲁A12345, 鲁A·12345, 鲁AD12345 (new energy, 8 characters), 鲁A1234学.
_PLATE = re.compile(
    r"(?<![A-Za-z0-9])([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])([A-HJ-NP-Z])[·•\s]?"
    r"((?=[A-HJ-NP-Z0-9]*\d)[A-HJ-NP-Z0-9]{5,6}|[A-HJ-NP-Z0-9]{4}[挂学警])(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# House-level parts of an address: 升平巷5号, 5号楼2单元301, 3栋1单元502室, 12幢-1-301. A street or
# village word must stand before a bare 号 (so 文号 such as 青政发〔2021〕5号 and dates such as 5月3号 stay).
_HOUSE = re.compile(
    r"(?:(?<=[路街巷道弄里村庄屯组苑园])\d+号(?:楼|院)?|\d+(?:号楼|号院|栋|幢|单元|室))"
    r"(?:[-－—#]?\d+(?:号楼|号院|号|栋|幢|座|单元|层|楼|室|户|房)?)*"
)


def _stars(text: str) -> str:
    return re.sub(r"\d", "*", text)


def mask_personal(text: str | None) -> str:
    """Hide mobile and landline numbers, ID numbers, plates and house numbers in free text typed by a person."""
    if not text:
        return ""
    text = _ID_CARD.sub(lambda m: m[0][:3] + "*" * 11 + m[0][-4:], text)
    text = _MOBILE.sub(lambda m: f"{m[1]}****{m[3]}", text)
    text = _LANDLINE.sub(lambda m: f"{m[1]}{m[2]}{'*' * (len(m[3]) - 2)}{m[3][-2:]}", text)
    text = _LOCAL_NUMBER.sub(lambda m: f"{m[1]}{'*' * (len(m[2]) - 2)}{m[2][-2:]}", text)
    text = _PLATE.sub(lambda m: f"{m[1]}{m[2]}{'*' * (len(m[3]) - 1)}{m[3][-1]}", text)
    return _HOUSE.sub(lambda m: _stars(m[0]), text)


def has_personal(*texts: str | None) -> bool:
    """Whether any of the texts holds a detail :func:`mask_personal` would hide."""
    return any(text and mask_personal(text) != text for text in texts)
