import pytest

from portal.accounts.uscc import check_character, is_valid_uscc, uscc_problem

VALID = ["91350100M000100Y43", "91110000600037341L", "91370200MA3C5XYK0R"]


@pytest.mark.parametrize("code", VALID)
def test_published_codes_are_valid(code):
    assert is_valid_uscc(code)
    assert is_valid_uscc(code.lower()), "input is case-insensitive"


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("9135010", "应为18位"),
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100I43", "不允许的字符"),
        ("91350100M0001OOY43", "不允许的字符"),
        ("B1350100M000100Y43", "登记管理部门代码"),
        ("9A350100M000100Y43", "机构类别代码"),
        ("9135A100M000100Y43", "行政区划码"),
        ("91350100M000100Y44", "校验码"),
    ],
)
def test_invalid_code_says_which_rule_failed(code, rule):
    assert not is_valid_uscc(code)
    assert rule in uscc_problem(code)


def test_check_character_changes_with_any_single_digit_change():
    base = "91350100M000100Y4"
    assert check_character(base) == "3"
    for i in range(8, 17):
        changed = base[:i] + ("1" if base[i] != "1" else "2") + base[i + 1 :]
        assert check_character(changed) != "3"
