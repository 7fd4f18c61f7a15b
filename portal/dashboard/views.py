"""数据公开: the public KPI page, its CSV export, and the internal weekly 督查专报."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from portal.dashboard import charts, kpi, services
from portal.dashboard.kpi_periods import current
from portal.outputs import csv_response
from portal.times import to_local

bp = Blueprint("dashboard", __name__, url_prefix="/data")

RATE_COLUMNS = {"acceptance", "completion", "on_time", "satisfaction", "township", "rework"}


def _sort_args() -> tuple[str, bool]:
    sort = request.args.get("sort", "score")
    if sort not in kpi.SORT_KEYS:
        sort = "score"
    default_dir = "asc" if sort in ("name", "rework", "handling") else "desc"
    return sort, request.args.get("dir", default_dir) != "asc"


def _csv_response(rows: list[list[object]], filename: str) -> Response:
    return csv_response(rows, f"attachment; filename={filename}")


@bp.get("/")
def index():
    """The department KPI table of a period, the city's totals and two charts."""
    period = services.period_from_args(request.args)
    sort, descending = _sort_args()
    page = services.data_page(period, sort, descending)
    return render_template(
        "dashboard/index.html",
        period=period,
        page=page,
        sort=sort,
        descending=descending,
        bars=charts.department_bars(page.table.rows),
        lines=charts.monthly_lines(page.trend),
        narrow_bars=charts.department_bars(page.table.rows, plot=charts.NARROW_PLOT),
        narrow_lines=charts.monthly_lines(page.trend, width=charts.NARROW_LINES_WIDTH, label_every=2),
        metrics=kpi.METRICS,
        min_sample=kpi.min_sample(),
        percent=charts.percent,
        presets=_presets(period),
    )


def _presets(period):
    """Periods offered in the selector: this and last year, recent quarters and months."""
    this_year, this_quarter, this_month = current("year"), current("quarter"), current("month")
    options = [this_year, this_year.previous()]
    q = this_quarter
    for _ in range(6):
        options.append(q)
        q = q.previous()
    m = this_month
    for _ in range(12):
        options.append(m)
        m = m.previous()
    if all(p.key != period.key for p in options):
        options.insert(0, period)
    return options


@bp.get("/kpi.csv")
def kpi_csv():
    """The department KPI table as CSV (UTF-8 with BOM), rates in percent."""
    period = services.period_from_args(request.args)
    sort, descending = _sort_args()
    page = services.data_page(period, sort, descending)
    header = [label + ("（%）" if key in RATE_COLUMNS else "") for key, label in services.CSV_COLUMNS]
    rows: list[list[object]] = [header]
    items = [services.row_json(r, r.counts, r.name) for r in page.table.rows]
    items.append(services.row_json(None, page.table.totals, "合计"))
    for item in items:
        rows.append([_csv_value(key, item.get(key)) for key, _ in services.CSV_COLUMNS])
    return _csv_response(rows, f"kpi-{period.key}.csv")


def _csv_value(key: str, value):
    if value is None:
        return ""
    if key in RATE_COLUMNS:
        return f"{value * 100:.1f}"
    return value


@bp.get("/supervision")
def supervision():
    """督查专报: stalled and overdue assignments of a week, by department, with escalations."""
    report = services.supervision(current_user, request.args.get("week"))
    return render_template("dashboard/supervision.html", report=report, percent=charts.percent)


@bp.get("/supervision.csv")
def supervision_csv():
    """The weekly report's items as CSV, one row per assignment."""
    report = services.supervision(current_user, request.args.get("week"))
    rows: list[list[object]] = [
        [
            "部门",
            "工单编号",
            "标题",
            "承办角色",
            "派单时间",
            "签收期限",
            "签收时间",
            "办理期限",
            "答复时间",
            "超时未签收",
            "逾期",
            "逾期天数",
            "督办级别",
            "催办督办记录",
        ]
    ]
    fmt = "%Y-%m-%d %H:%M"
    for dep in report.departments:
        for item in dep.items:
            rows.append(
                [
                    dep.name,
                    item.tracking_no,
                    item.title,
                    "主办" if item.role == "lead" else "协办",
                    to_local(item.dispatched_at).strftime(fmt),
                    to_local(item.sign_deadline).strftime(fmt),
                    to_local(item.signed_at).strftime(fmt) if item.signed_at else "",
                    to_local(item.due_at).strftime(fmt),
                    to_local(item.replied_at).strftime(fmt) if item.replied_at else "",
                    "是" if item.sign_late else "",
                    "是" if item.overdue else "",
                    f"{item.overdue_days(report.until):.1f}" if item.overdue else "",
                    {0: "", 1: "督办", 2: "顶格推进"}.get(item.escalation_level, ""),
                    "；".join(f"{to_local(h['at']).strftime(fmt)} {h['label']}" for h in item.history),
                ]
            )
    return _csv_response(rows, f"supervision-{report.period.key}.csv")
