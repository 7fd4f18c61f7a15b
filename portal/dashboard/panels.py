"""The 数据公开 panel on the home page: this year's headline rates."""

from __future__ import annotations

from portal.dashboard import services
from portal.dashboard.charts import percent
from portal.pages import home_panel


@home_panel(order=40, template="dashboard/_home_panel.html")
def headline_panel() -> dict[str, object]:
    return {"data": services.headline(), "percent": percent}
