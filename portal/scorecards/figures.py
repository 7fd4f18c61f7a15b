"""Every figure of a scorecard with how it is computed and the list of the items behind it (计数依据).

The page, its CSV and the tests read the same list, so a figure cannot appear without its method and link.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for

from portal.feedback.public import evidence_link_args
from portal.hearings.public import CommitmentStatus
from portal.scorecards import enterprise_index
from portal.scorecards.card import COMPONENTS, Scorecard


@dataclass(frozen=True)
class Part:
    """A number inside a figure (a numerator, a denominator) and its own list."""

    label: str
    value: int
    href: str


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    text: str  # as shown: "92.3%", "12", "样本不足"
    value: float | int | None  # for the CSV: a count, a rate 0–1, a score
    href: str  # the items behind it (or where it is computed)
    method: str  # 计算方法
    parts: tuple[Part, ...] = ()
    unit: str = ""


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    note: str = ""


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _orders(kind: str, card: Scorecard, external: bool) -> str:
    p = card.period
    args = evidence_link_args(kind, p.first_day, p.last_day, card.department_id)
    return url_for("feedback.public_list", _external=external, **args)


def _commitments(card: Scorecard, external: bool, status: str | None = None) -> str:
    return url_for(
        "hearings.commitments",
        dept=card.department_id,
        until=card.period.last_day.isoformat(),
        status=status,
        _external=external,
    )


def _tasks(card: Scorecard, external: bool, status: str | None = None, sort: str | None = None) -> str:
    return url_for(
        "plans.tasks",
        dept=card.department_id,
        lead=1,
        status=status,
        sort=sort,
        _external=external,
    )


def _rate(card, key, label, num, den, num_label, den_label, method, external) -> Figure:
    counts = card.counts
    n, d = getattr(counts, num), getattr(counts, den)
    rate = card.rates[key]
    return Figure(
        key,
        label,
        percent(rate),
        rate,
        _orders(den, card, external),
        method,
        (Part(num_label, n, _orders(num, card, external)), Part(den_label, d, _orders(den, card, external))),
    )


def sections(card: Scorecard, *, external: bool = False) -> list[Section]:
    c = card.counts
    orders = Section("orders", "办件：群众诉求与镇街呼叫", note="与“数据公开”同一口径，按派单逐条计数。")
    orders.figures = [
        Figure(
            "dispatched",
            "派单",
            str(c.dispatched),
            c.dispatched,
            _orders("dispatched", card, external),
            "本期派给本部门、已签收或已过签收时限的派单条数（退单计入）。",
            unit="条",
        ),
        _rate(
            card,
            "acceptance",
            "承接率",
            "signed_in_time",
            "dispatched",
            "按时签收",
            "派单",
            "按时签收 ÷ 派单：在签收时限（默认 30 分钟）内签收的比例。",
            external,
        ),
        _rate(
            card,
            "completion",
            "办结率",
            "due_closed_in_time",
            "due",
            "按期办结",
            "到期应办结",
            "按期办结 ÷ 到期应办结：办理期限落在本期且已届满的派单中，期限内答复的比例。",
            external,
        ),
        Figure(
            "overdue",
            "逾期",
            str(card.overdue),
            card.overdue,
            _orders("due_late", card, external),
            "到期应办结 − 按期办结：期限已过而未在期限内答复的派单。",
            unit="条",
        ),
        _rate(
            card,
            "on_time",
            "按时办结率",
            "closed_in_time",
            "closed",
            "按时答复",
            "本期答复",
            "按时答复 ÷ 本期答复：本期答复办结的派单中未超期限的比例。",
            external,
        ),
        _rate(
            card,
            "satisfaction",
            "满意率",
            "satisfied",
            "rated",
            "满意与基本满意",
            "参评",
            "（满意 + 基本满意）÷ 本期涉及本部门的评价；未评价的不计入。",
            external,
        ),
        _rate(
            card,
            "township",
            "镇街评价",
            "township_satisfied",
            "township_rated",
            "满意与基本满意",
            "镇街参评",
            "呼叫单位对本部门的评价中满意与基本满意的比例。",
            external,
        ),
        _rate(
            card,
            "rework",
            "返工率",
            "reopened",
            "closed",
            "发回重办",
            "本期答复",
            "发回重办 ÷ 本期答复：答复后因不满意被发回重办的比例（越低越好）。",
            external,
        ),
        Figure(
            "handling",
            "平均办理时长",
            "—" if c.avg_handling_hours is None else f"{c.avg_handling_hours:.1f} 小时",
            None if c.avg_handling_hours is None else round(c.avg_handling_hours, 1),
            _orders("closed", card, external),
            "本期答复的派单从派单到答复的平均时长。",
        ),
        Figure(
            "kpi_score",
            "办件得分",
            "—" if card.kpi_score is None else f"{card.kpi_score:.1f}",
            None if card.kpi_score is None else round(card.kpi_score, 1),
            url_for("dashboard.index", period=card.period.key, _external=external),
            "千分制，按“数据公开”公布的权重对上列各率加权（返工率按 1 − 返工率），见该页“统计口径与计分”。"
            + ("" if card.kpi_ranked or card.kpi is None else "本期派单与办结不足最低样本数：只计分，不计入综合得分。"),
        ),
    ]

    idx = card.index
    index = Section(
        "index",
        "企业家满意度指数",
        note=f"评价周期 {idx.rating_period}；参评企业少于 {idx.k} 家时不公布指数（样本不足），也不公开评价明细。",
    )
    index.figures = [
        Figure(
            "index",
            "企业家满意度指数",
            "样本不足" if idx.value is None else f"{idx.value:.1f}",
            idx.value,
            enterprise_index.evidence_href(card, external),
            enterprise_index.METHOD,
        ),
        Figure(
            "raters",
            "参评企业",
            str(idx.raters),
            idx.raters,
            enterprise_index.evidence_href(card, external),
            "本评价周期对本部门（服务、牵头任务、办理的涉企诉求）作出评价的不同企业数；不公开企业名称。",
            unit="家",
        ),
        Figure(
            "raters_share",
            "参评企业占比",
            percent(idx.share),
            idx.share,
            enterprise_index.evidence_href(card, external),
            "参评企业 ÷ 有已认证成员的企业数。",
        ),
    ]

    made = card.commitments
    commitments = Section(
        "commitments", "公开答辩承诺事项", note=f"截至 {card.period.last_day.isoformat()} 作出的承诺，状态为当前状态。"
    )
    commitments.figures = [
        Figure(
            "commitments",
            "承诺事项",
            str(made.total),
            made.total,
            _commitments(card, external),
            "本部门在公开答辩、公开质询中作出的承诺条数。",
            unit="项",
        ),
        *(
            Figure(
                f"commitments_{status.value}",
                status.label,
                str(made.count(status.value)),
                made.count(status.value),
                _commitments(card, external, status.value),
                f"状态为“{status.label}”的承诺。",
                unit="项",
            )
            for status in CommitmentStatus
        ),
        Figure(
            "commitment_rate",
            "承诺兑现率",
            percent(made.rate),
            made.rate,
            _commitments(card, external, "done"),
            "已完成 ÷ 承诺事项。",
            (
                Part("已完成", made.count("done"), _commitments(card, external, "done")),
                Part("承诺事项", made.total, _commitments(card, external)),
            ),
        ),
    ]

    t = card.tasks
    tasks = Section("tasks", "作战方案攻坚任务", note="各作战方案中由本部门牵头的任务，状态与进度为当前值。")
    tasks.figures = [
        Figure("tasks", "牵头任务", str(t.total), t.total, _tasks(card, external), "本部门牵头的任务数。", unit="项"),
        Figure(
            "tasks_done",
            "已完成",
            str(t.done),
            t.done,
            _tasks(card, external, "done"),
            "状态为“已完成”的牵头任务。",
            unit="项",
        ),
        Figure(
            "tasks_overdue",
            "逾期",
            str(t.overdue),
            t.overdue,
            _tasks(card, external, "overdue"),
            "已过完成时限仍未完成的牵头任务。",
            unit="项",
        ),
        Figure(
            "tasks_progress",
            "平均进度",
            "—" if t.mean_progress is None else f"{t.mean_progress:.1f}%",
            None if t.mean_progress is None else round(t.mean_progress, 1),
            _tasks(card, external, sort="progress"),
            "牵头任务当前进度（%）的算术平均。",
        ),
    ]

    overall = Section("score", "综合得分与排名")
    overall.figures = [
        Figure(
            "score",
            "综合得分",
            "—" if card.score is None else f"{card.score:.1f}",
            None if card.score is None else round(card.score, 1),
            "#method",
            score_method(card),
        ),
        Figure(
            "rank",
            "排名",
            "—" if card.rank is None else f"第 {card.rank} 名",
            card.rank,
            url_for("scorecards.ranking", period=card.period.key, _external=external),
            "本期有综合得分的部门按得分从高到低排名。",
        ),
    ]
    return [orders, index, commitments, tasks, overall]


def formula(weights: dict[str, float]) -> str:
    terms = " + ".join(f"{weights[k]:g}×{COMPONENTS[k]}" for k in COMPONENTS if k in weights)
    total = sum(weights.values())
    return f"综合得分 = ({terms}) ÷ {total:g}（各项折算为 0–100 分；某项无数据时不计入，按其余各项的权重折算）"


def score_method(card: Scorecard) -> str:
    terms = card.score_terms
    if not terms:
        return "本期没有任何一项数据，不计分。"
    top = " + ".join(f"{w:g}×{v:.1f}" for _, w, v in terms)
    bottom = " + ".join(f"{w:g}" for _, w, _ in terms)
    return f"({top}) ÷ ({bottom}) = {card.score:.1f}"
