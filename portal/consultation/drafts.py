"""A draft cut into the sections people comment on: a plan into battles, goals and tasks; a policy's text into
articles (第X条), or numbered paragraphs when it has none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from portal.consultation.models import SectionLevel

DIGITS = "零一二三四五六七八九"
_ARTICLE = re.compile(r"^\s*(第[一二三四五六七八九十百千零〇两\d]+条)[\s\u3000]*(.*)$")
_CHAPTER = re.compile(r"^\s*(第[一二三四五六七八九十百千零〇两\d]+[章节])[\s\u3000]*(.*)$")


@dataclass(frozen=True)
class SectionData:
    key: str  # what a later version is matched on: "task:12", "article:第三条", "para:4"
    level: SectionLevel
    number: str
    title: str
    body: str = ""
    context: str = ""


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (up to 99: battles and articles of a draft)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def _task_body(task: dict[str, Any]) -> str:
    lines = [task.get("description") or ""]
    facts = [f"牵头部门：{task['lead_department']}"] if task.get("lead_department") else []
    if task.get("participating_departments"):
        facts.append("参与部门：" + "、".join(task["participating_departments"]))
    if task.get("due_date"):
        facts.append(f"完成时限：{task['due_date']}")
    lines.append("；".join(facts))
    return "\n".join(line for line in lines if line)


def plan_sections(snapshot: dict[str, Any]) -> list[SectionData]:
    """Every battle, goal and task of a plan snapshot (portal.plans versions), in reading order."""
    out: list[SectionData] = []
    for b, battle in enumerate(snapshot.get("battles", []), 1):
        out.append(
            SectionData(
                f"battle:{battle['id']}",
                SectionLevel.BATTLE,
                f"攻坚战{chinese_number(b)}",
                battle["title"],
                battle.get("description") or "",
            )
        )
        for g, goal in enumerate(battle.get("goals", []), 1):
            out.append(
                SectionData(
                    f"goal:{goal['id']}",
                    SectionLevel.GOAL,
                    f"目标 {b}.{g}",
                    goal["title"],
                    goal.get("description") or "",
                    battle["title"],
                )
            )
            for t, task in enumerate(goal.get("tasks", []), 1):
                out.append(
                    SectionData(
                        f"task:{task['id']}",
                        SectionLevel.TASK,
                        f"任务 {b}.{g}.{t}",
                        task["title"],
                        _task_body(task),
                        f"{battle['title']} › {goal['title']}",
                    )
                )
    return out


def policy_sections(text: str) -> list[SectionData]:
    """The articles of a policy text (第X条, under their 第X章), the text before the first one as 序言; a text
    without articles is cut into numbered paragraphs."""
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    if not any(_ARTICLE.match(line) for line in lines):
        return [
            SectionData(f"para:{i}", SectionLevel.ARTICLE, f"第 {i} 段", "", line) for i, line in enumerate(lines, 1)
        ]
    out: list[SectionData] = []
    preamble: list[str] = []
    chapter = ""
    number, body = "", []

    def flush() -> None:
        if number:
            out.append(SectionData(f"article:{number}", SectionLevel.ARTICLE, number, "", "\n".join(body), chapter))

    for line in lines:
        if found := _ARTICLE.match(line):
            flush()
            number, body = found[1], [found[2]] if found[2] else []
        elif found := _CHAPTER.match(line):
            flush()
            number, body = "", []
            chapter = f"{found[1]} {found[2]}".strip()
        elif number:
            body.append(line)
        else:
            preamble.append(line)
    flush()
    if preamble:
        out.insert(0, SectionData("preamble", SectionLevel.PREAMBLE, "序言", "", "\n".join(preamble)))
    return out
