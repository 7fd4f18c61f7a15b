"""Enterprise ratings of policy fulfilment, plan tasks, departments and handled 涉企 work orders, and the
企业家满意度指数 computed from them (``portal.ratings.public``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or index loads no views.
    from portal.pages import home_panel
    from portal.ratings import actions, api, demo, models, permissions, views, views_admin, views_rate  # noqa: F401
    from portal.ratings.index import satisfaction_index
    from portal.ratings.periods import current_period, period_label

    app.register_blueprint(views.bp)
    app.register_blueprint(views_rate.bp)
    app.register_blueprint(views_admin.bp)
    app.register_blueprint(api.bp)
    actions.register()

    @home_panel(order=45, template="ratings/_home_panel.html")
    def ratings_panel() -> dict:
        from flask_login import current_user

        from portal.accounts.models import Role
        from portal.ratings.membership import verified_enterprises

        period = current_period()
        return {
            "result": satisfaction_index(period),
            "label": period_label(period),
            "can_rate": bool(verified_enterprises(current_user)),
            "official": bool(getattr(current_user, "department_id", None)) and current_user.has_role(Role.OFFICIAL),
        }
