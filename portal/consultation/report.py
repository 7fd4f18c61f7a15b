"""The 意见采纳情况 report (counts per section and per answer, every comment with its answer, CSV) and the final
version's changes beside the comments that led to them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from portal.consultation import drafts
from portal.consultation.comments import public_comments
from portal.consultation.models import Answer, Comment, CommentState, Consultation, Section, SubjectKind
from portal.extensions import db
from portal.plans.public import Change, compare, plan_draft
from portal.policies.public import DiffLine, diff_lines, policy_draft
from portal.privacy import mask_personal
from portal.times import to_local

ANSWERS = tuple(Answer)


@dataclass
class SectionCount:
    section: Section
    comments: list[Comment]
    answers: Counter = field(default_factory=Counter)  # Answer → count; None → not yet answered

    @property
    def total(self) -> int:
        return len(self.comments)


@dataclass
class Report:
    consultation: Consultation
    sections: list[SectionCount]
    answers: Counter  # over every public comment
    received: int  # every comment sent in
    published: int  # public ones
    withheld: int  # rejected or hidden
    pending: int

    @property
    def commented(self) -> list[SectionCount]:
        return [s for s in self.sections if s.total]

    @property
    def adoption_rate(self) -> float | None:
        """(采纳 + 部分采纳) / answered public comments."""
        answered = sum(self.answers[a] for a in ANSWERS)
        return (self.answers[Answer.ADOPTED] + self.answers[Answer.PARTLY]) / answered if answered else None


def comment_counts(c: Consultation) -> dict[int, int]:
    """Section id → number of public comments (the counts beside each heading)."""
    rows = db.session.execute(
        sa.select(Comment.section_id, sa.func.count())
        .where(Comment.consultation_id == c.id, Comment.state == CommentState.APPROVED)
        .group_by(Comment.section_id)
    )
    return {section_id: n for section_id, n in rows}


def build(c: Consultation) -> Report:
    comments = public_comments(c)
    by_section: dict[int, list[Comment]] = {}
    for comment in comments:
        by_section.setdefault(comment.section_id, []).append(comment)
    sections = []
    for section in c.sections:
        mine = by_section.get(section.id, [])
        sections.append(SectionCount(section, mine, Counter(x.answer for x in mine)))
    states = Counter(
        dict(
            db.session.execute(
                sa.select(Comment.state, sa.func.count()).where(Comment.consultation_id == c.id).group_by(Comment.state)
            ).all()
        )
    )
    return Report(
        consultation=c,
        sections=sections,
        answers=Counter(x.answer for x in comments),
        received=sum(states.values()),
        published=states[CommentState.APPROVED],
        withheld=states[CommentState.REJECTED] + states[CommentState.HIDDEN],
        pending=states[CommentState.PENDING],
    )


CSV_HEADER = (
    "编号",
    "章节",
    "章节标题",
    "意见人",
    "意见内容",
    "附议数",
    "提交时间",
    "答复",
    "答复理由",
    "修改的章节",
    "答复时间",
)


def csv_rows(report: Report) -> Iterator[Sequence[object]]:
    """Every public comment with its answer; personal contact details typed into a text are masked."""
    yield CSV_HEADER
    for count in report.sections:
        for x in count.comments:
            yield (
                x.id,
                count.section.number or count.section.level.label,
                count.section.title,
                x.author_name,
                mask_personal(x.text),
                x.supports,
                to_local(x.created_at).strftime("%Y-%m-%d %H:%M"),
                x.answer.label if x.answer else "未答复",
                mask_personal(x.answer_reason),
                x.changed_section.heading if x.changed_section else "",
                to_local(x.answered_at).strftime("%Y-%m-%d %H:%M") if x.answered_at else "",
            )


# -- the final version beside the comments ---------------------------------------------------------------------


@dataclass
class ChangedPart:
    """One section of the draft as it is in the final version, with the comments whose answer names it."""

    heading: str
    kind: str  # changed | added | removed | same
    context: str = ""
    fields: list[Any] = field(default_factory=list)  # plan: FieldChange rows
    lines: list[DiffLine] = field(default_factory=list)  # policy: the article's text diff
    comments: list[Comment] = field(default_factory=list)


@dataclass
class Changes:
    final_label: str
    parts: list[ChangedPart]
    unchanged_with_comments: list[ChangedPart]

    @property
    def empty(self) -> bool:
        return not self.parts


def _leading(c: Consultation) -> dict[str, list[Comment]]:
    """Section key → the public comments answered as having changed that section."""
    out: dict[str, list[Comment]] = {}
    for x in public_comments(c):
        if x.changed_section is not None and x.answer in (Answer.ADOPTED, Answer.PARTLY):
            out.setdefault(x.changed_section.key, []).append(x)
    return out


def _plan_changes(c: Consultation, leading: dict[str, list[Comment]]) -> tuple[str, list[ChangedPart]]:
    final = plan_draft(c.plan_id)
    diff = compare(c.draft, final.snapshot)
    parts: list[ChangedPart] = []
    level_of = {"battles": "battle", "goals": "goal", "tasks": "task"}
    names = {"battles": "攻坚战", "goals": "攻坚目标", "tasks": "攻坚任务"}
    for level, prefix in level_of.items():
        change: Change
        for change in getattr(diff, level):
            key = f"{prefix}:{change.node_id}"
            parts.append(
                ChangedPart(
                    heading=f"{names[level]}：{change.title}",
                    kind=change.kind,
                    context=change.context,
                    fields=change.fields,
                    comments=leading.pop(key, []),
                )
            )
    return f"现行方案（{final.version_label} 版）", parts


def _policy_changes(c: Consultation, leading: dict[str, list[Comment]]) -> tuple[str, list[ChangedPart]]:
    final = policy_draft(c.policy_id)
    old = {s.key: s for s in drafts.policy_sections(c.draft.get("text", ""))}
    new = {s.key: s for s in drafts.policy_sections(final.body_text)}
    parts: list[ChangedPart] = []
    for key, section in old.items():
        after = new.get(key)
        if after is None:
            parts.append(ChangedPart(section.number, "removed", section.context, lines=diff_lines(section.body, "")))
        elif after.body != section.body:
            parts.append(
                ChangedPart(section.number, "changed", section.context, lines=diff_lines(section.body, after.body))
            )
        else:
            continue
        parts[-1].comments = leading.pop(key, [])
    for key, section in new.items():
        if key not in old:
            parts.append(
                ChangedPart(
                    section.number,
                    "added",
                    section.context,
                    lines=diff_lines("", section.body),
                    comments=leading.pop(key, []),
                )
            )
    label = f"{final.status_label}文本（第 {final.version} 版）"
    return label, parts


def changes(c: Consultation) -> Changes:
    """What changed from the draft opened for comment to the subject as it is now, section by section."""
    leading = _leading(c)
    label, parts = (_plan_changes if c.kind == SubjectKind.PLAN else _policy_changes)(c, leading)
    by_key = {s.key: s for s in c.sections}
    # Comments naming a section the final version did not change (yet): shown apart, so none is lost.
    rest = [
        ChangedPart(by_key[key].heading, "same", by_key[key].context, comments=comments)
        for key, comments in leading.items()
        if key in by_key
    ]
    return Changes(label, parts, rest)
