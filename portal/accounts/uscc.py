"""统一社会信用代码 (unified social credit code) validation per GB 32100-2015.

Layout of the 18 characters: registration authority (1), organisation kind (1), administrative
division code (6 digits), entity identifier (9), check character (1). The check character is
computed modulo 31 over the first 17 characters with fixed weights.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authority → organisation kinds it may issue (GB 32100-2015, table 1).
AUTHORITIES = {
    "1": "0123459",  # 机构编制
    "2": "19",  # 外交
    "3": "12345",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "129",  # 工会
    "9": "123",  # 工商 / 市场监管
    "A": "19",  # 中央军委改革和编制办公室
    "N": "123",  # 农业
    "Y": "1",  # 其他
}


def check_character(first17: str) -> str:
    """The 18th character for the given first 17 (which must use ALPHABET)."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, in words for the user; None when it is valid."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位"
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）"
    authority, kind = code[0], code[1]
    if authority not in AUTHORITIES:
        return f"第1位登记管理部门代码“{authority}”无效"
    if kind not in AUTHORITIES[authority]:
        return f"第2位机构类别代码“{kind}”与登记管理部门代码“{authority}”不匹配"
    if not code[2:8].isdigit():
        return "第3至8位应为6位数字的登记管理机关行政区划码"
    expected = check_character(code[:17])
    if code[17] != expected:
        return "第18位校验码不正确，请核对代码是否输入有误"
    return None


def is_valid_uscc(code: str) -> bool:
    return uscc_problem(code) is None


def normalize_uscc(code: str) -> str:
    return (code or "").strip().upper()
