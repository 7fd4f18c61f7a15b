"""The scorecard and the ranking as CSV rows: the same figures, methods and evidence links as the pages."""

from __future__ import annotations

from portal.scorecards import figures
from portal.scorecards.card import Ranking, Scorecard

SCORECARD_HEADER = ("部分", "指标", "数值", "显示", "分子", "分母", "计算方法", "计数依据")


def _number(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 4)
    return value


def scorecard_rows(card: Scorecard) -> list[list[object]]:
    rows: list[list[object]] = []
    for section in figures.sections(card, external=True):
        for f in section.figures:
            numerator, denominator = (f.parts[0].value, f.parts[1].value) if len(f.parts) == 2 else ("", "")
            href = f.href
            if href.startswith("#"):
                href = ""
            rows.append([section.title, f.label, _number(f.value), f.text, numerator, denominator, f.method, href])
    return rows


RANKING_HEADER = (
    "排名",
    "部门",
    "综合得分",
    "办件得分",
    "承接率（%）",
    "办结率（%）",
    "满意率（%）",
    "逾期",
    "企业家满意度指数",
    "参评企业",
    "承诺事项",
    "承诺兑现率（%）",
    "牵头任务",
    "任务平均进度（%）",
)


def _pct(value: float | None):
    return "" if value is None else round(value * 100, 1)


def _round(value: float | None):
    return "" if value is None else round(value, 1)


def ranking_rows(ranking: Ranking) -> list[list[object]]:
    return [
        [
            card.rank or "",
            card.name,
            _round(card.score),
            _round(card.kpi_score),
            _pct(card.rates["acceptance"]),
            _pct(card.rates["completion"]),
            _pct(card.rates["satisfaction"]),
            card.overdue if card.kpi else "",
            "样本不足" if card.index.value is None and card.index.raters else _round(card.index.value),
            card.index.raters,
            card.commitments.total,
            _pct(card.commitments.rate),
            card.tasks.total,
            _round(card.tasks.mean_progress),
        ]
        for card in ranking.cards
    ]
