"""A review of normative documents (规范性文件清理) for the demo archive, generated with a fixed seed from the
``review`` section of the demo's policies.yaml (docs/DEMO-DATA.md): which documents stayed in force, which
expired because their term ended and which were repealed. The shipped data follows the Guiyang review of the
article guiyang-governance-efficiency: 248 documents, 168 in force, 31 expired, 49 repealed.

Every document is one a real 发文机关 could have issued: the issuer is one of those the data allows for the
subject, its 文号 carries that issuer's prefix, 规定 and 决定 come from the government only, and no title repeats.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class GeneratedDocument:
    title: str
    doc_number: str
    issuer: str
    doc_type: str
    written_on: date
    published_on: date
    topics: list[str]
    body: str
    status: str  # in_force / expired / repealed
    status_on: date | None
    reason: str
    revised_body: str | None  # an earlier correction, shown in the version history
    subject: str = ""


@dataclass(frozen=True)
class _Issuer:
    key: str
    name: str
    prefix: str
    rules: bool


def _body(rng: random.Random, params: dict[str, Any], subject: str, issuer: str, doc_type: str) -> str:
    purposes = [p for p in params["purposes"] if not subject.startswith(p)]
    fields = {"subject": subject, "issuer": issuer, "doc_type": doc_type}
    lines = [params["preamble"].format(purpose=rng.choice(purposes), **fields)]
    sentences = params["sentences"]
    low, high = params["articles_per_document"]
    picked = sorted(rng.sample(range(len(sentences)), rng.randint(low, high)))
    for number, index in enumerate(picked, start=1):
        lines.append(f"第{CHINESE_NUMBERS[number - 1]}条　" + sentences[index].format(**fields))
    lines.append(f"第{CHINESE_NUMBERS[len(picked)]}条　" + params["closing"].format(**fields))
    return "\n".join(lines)


def _revised(rng: random.Random, params: dict[str, Any], body: str) -> str | None:
    if rng.random() >= params.get("corrected_share", 0):
        return None
    revised = body
    for old, new in params.get("corrections", []):
        revised = revised.replace(old, new)
    if revised == body:
        revised = body + "\n" + params["correction_addendum"]
    return revised


def generate(params: dict[str, Any]) -> list[GeneratedDocument]:
    """The review's documents, in a stable order (same data and seed, same output)."""
    rng = random.Random(params["seed"])
    issuers = {key: _Issuer(key, s["name"], s["prefix"], bool(s.get("rules"))) for key, s in params["issuers"].items()}
    subjects = params["subjects"]
    titles_by_type: dict[str, list[str]] = params["titles"]
    rules_only = set(params.get("rules_only", ()))
    last_written: date = params["last_written"]
    city = params["city"]
    statuses = ["in_force"] * params["in_force"] + ["expired"] * params["expired"] + ["repealed"] * params["repealed"]
    rng.shuffle(statuses)
    counters: dict[tuple[str, int], int] = {}
    titles: set[str] = set()
    drafts: list[dict[str, Any]] = []
    for status in statuses:
        low, high = params["years"]["in_force" if status == "in_force" else "retired"]
        for _ in range(1000):
            entry = rng.choice(subjects)
            doc_type = rng.choice(tuple(titles_by_type))
            allowed = [issuers[k] for k in entry["issuers"] if doc_type not in rules_only or issuers[k].rules]
            if not allowed:
                continue
            issuer = rng.choice(allowed)
            year = rng.randint(low, high)
            template = rng.choice(titles_by_type[doc_type])
            title = template.format(city=city, issuer=issuer.name, subject=entry["subject"], year=year)
            if title not in titles:
                titles.add(title)
                break
        else:  # pragma: no cover - only with data that cannot give enough distinct titles
            raise ValueError("review: not enough distinct titles; add subjects or title forms")
        key = (issuer.prefix, year)
        counters[key] = counters.get(key, 0) + rng.randint(1, 6)
        written = date(year, 1, 1) + timedelta(days=rng.randint(0, 330))
        if written > last_written:
            written = date(year, 1, 1) + timedelta(days=rng.randint(0, (last_written - date(year, 1, 1)).days))
        drafts.append(
            {
                "title": title,
                "doc_number": f"{issuer.prefix}〔{year}〕{counters[key]}号",
                "issuer": issuer.name,
                "doc_type": doc_type,
                "written_on": written,
                "published_on": written + timedelta(days=rng.randint(2, 12)),
                "topics": [entry["topic"], "规范性文件"],
                "body": _body(rng, params, entry["subject"], issuer.name, doc_type),
                "status": status,
                "subject": entry["subject"],
            }
        )
    review_dates: list[date] = params["review_dates"]
    docs = []
    for draft in drafts:
        status_on, reason = None, ""
        if draft["status"] != "in_force":
            status_on = rng.choice(review_dates)
            reason = rng.choice(params["expiry_reasons"] if draft["status"] == "expired" else params["repeal_reasons"])
            if draft["status"] == "repealed":
                successors = [
                    d
                    for d in drafts
                    if d["status"] == "in_force"
                    and d["subject"] == draft["subject"]
                    and d["doc_type"] == draft["doc_type"]
                    and draft["written_on"] < d["written_on"]
                    and d["published_on"] <= status_on
                ]
                if successors:
                    new = successors[-1]
                    reason = params["replaced_reason"].format(title=new["title"], doc_number=new["doc_number"])
        docs.append(
            GeneratedDocument(
                **draft, status_on=status_on, reason=reason, revised_body=_revised(rng, params, draft["body"])
            )
        )
    return docs
