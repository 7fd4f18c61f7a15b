"""The feedback tests' small city, and an API key of the citizen's for filing."""

from __future__ import annotations

import pytest

from portal.actors import SYSTEM
from portal.apiclients import services as apiclients
from tests.feedback.conftest import City, city  # noqa: F401  (the fixture, shared)


@pytest.fixture
def api_key(city: City) -> str:  # noqa: F811
    data = apiclients.ClientData("市民随手拍", "app@example.org", city.citizen.username, "随手拍小程序")
    return apiclients.register_client(SYSTEM, data)[1]
