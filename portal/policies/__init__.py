"""The policy archive: documents, status, interpretations, versions — and their full-text search."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or services loads no views.
    from portal.pages import home_panel
    from portal.policies import api, demo, manage, permissions, search_source, services, views  # noqa: F401
    from portal.policies.cli import policies_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(policies_cli)
    search_source.register()

    @home_panel(order=30, template="policies/_home_panel.html")
    def policies_panel() -> dict:
        counts = services.status_counts()
        public = sum(n for status, n in counts.items() if status.value != "draft")
        return {"latest_policies": services.latest_published(5), "public_count": public}
