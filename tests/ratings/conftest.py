"""Fixtures of the ratings tests: verified enterprise members, targets and ratings written through the service."""

from __future__ import annotations

import itertools

import pytest

from portal.accounts.models import Role
from portal.accounts.uscc import check_character
from portal.ratings import services, targets

_seq = itertools.count(1)


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015 check character) numbered ``n``."""
    first17 = f"91370200{n:09d}"
    return first17 + check_character(first17)


@pytest.fixture
def rater(factory):
    """rater(name=None) → a verified member (企业家) of a new enterprise called ``name``."""

    def make(name: str | None = None):
        n = next(_seq)
        user = factory.user(Role.ENTREPRENEUR, display_name=f"企业家{n}")
        factory.verified_member(user, name or f"评价测试企业{n}有限公司", uscc(n))
        return user

    return make


def scores(attitude=5, style=5, efficiency=5, competence=5, overall=5) -> dict[str, int]:
    return {
        "attitude": attitude,
        "style": style,
        "efficiency": efficiency,
        "competence": competence,
        "overall": overall,
    }


@pytest.fixture
def rate(ctx):
    """rate(user, target, **scores) → the rating, through the service."""

    def make(user, target, comment: str = "", **values):
        return services.rate(user, target, scores(**values), comment).rating

    return make


@pytest.fixture
def department_target(factory):
    def make(department=None):
        department = department or factory.department()
        return targets.department_target(department.id)

    return make
