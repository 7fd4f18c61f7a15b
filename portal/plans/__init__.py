"""Campaign plans (作战方案): battles, goals, tasks, milestones, progress, versions."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or services loads no views.
    from portal.plans import (  # noqa: F401  (demo, rules, routes register themselves)
        admin,
        api,
        demo,
        permissions,
        views,
        views_lists,
    )
    from portal.plans.cli import plans_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(plans_cli)
