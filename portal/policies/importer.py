"""``flask policies import DIR``: plain-text files described by a ``manifest.json``.

Manifest shape (as ../shared/corpus/manifest.json): ``{"documents": [{"file", "title", "issuer",
"published_on", "written_on", "year", "script", "topics", "doc_number", "doc_type", "status"}]}``. A bad file
(not UTF-8, empty, no title, missing) is reported by name and skipped; the others are imported. Re-running is
harmless: a file already imported (same directory name + file name) is skipped.

Files saved from web pages carry the page around the article: breadcrumbs, the title again, a byline
(作者/来源/编辑/时间), a comment box, script. The importer keeps the article only (:func:`clean_scraped`), and a
date the manifest does not give is read from the byline or a 发布日期/成文日期 line, so the document and its
versions carry the document's own dates, never the moment of the import.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from portal.accounts.models import User
from portal.actors import SystemActor
from portal.errors import DomainError
from portal.policies import services
from portal.policies.models import Policy

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason in Chinese)
    policies: list[Policy] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"导入 {len(self.imported)} 个文件，已存在 {len(self.existing)} 个，跳过 {len(self.skipped)} 个"]
        out.extend(f"  跳过 {name}：{reason}" for name, reason in self.skipped)
        return out


class ManifestError(Exception):
    """The manifest itself is unusable; nothing can be imported."""


def read_manifest(directory: Path) -> list[dict[str, Any]]:
    path = directory / "manifest.json"
    if not path.is_file():
        raise ManifestError(f"{directory} 中没有 manifest.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"manifest.json 无法解析：{exc}") from None
    entries = data.get("documents") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ManifestError("manifest.json 应包含 documents 列表")
    return entries


def _date(value: Any) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8")  # strict: a GBK or binary file is reported, never guessed


# Lines of the page around an article, not the article.
_CHROME = re.compile(r"^(我的位置[:：].*|正文|当前位置[:：].*|\[[^\]]{1,6}\].*[|｜].*)$")
_BYLINE_LABEL = re.compile(r"(作者|来源|编辑|责任编辑|值班主编|审核|时间|发布时间|点击(?:数|量)?)\s*[:：]")
# Where the page's tail starts (comment box, a debug dump, script): everything from there on is dropped.
_TAIL = re.compile(r"^(评论一下|最热评论|最新评论|Array \(|//|var |\(function\s*\().*|.*document\.createElement.*$")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATED_LINE = re.compile(r"(发布日期|发布时间|成文日期|印发日期|时间)\s*[:：]\s*")


@dataclass
class CleanText:
    body: str
    published_on: date | None = None  # read from the byline or a 发布日期 line
    written_on: date | None = None  # from a 成文日期 line


def _is_byline(line: str) -> bool:
    return "责任编辑" in line or len(_BYLINE_LABEL.findall(line)) >= 2


def _line_date(line: str) -> date | None:
    found = _DATE.search(line)
    if not found:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def clean_scraped(text: str, title: str = "") -> CleanText:
    """The article of a saved web page: without breadcrumbs, the title repeated, bylines and the page's tail;
    with the dates its byline or date lines give."""
    squeezed_title = "".join(title.split())
    kept: list[str] = []
    result = CleanText(body="")
    for index, raw in enumerate(text.splitlines()):
        line = raw.strip()
        if _TAIL.match(line):
            break
        if _is_byline(line) or (_DATED_LINE.match(line) and len(line) < 40):
            label = _DATED_LINE.search(line)
            found = _line_date(line[label.end() :]) if label else None
            if found and label and label.group(1) == "成文日期":
                result.written_on = result.written_on or found
            elif found:
                result.published_on = result.published_on or found
            continue
        squeezed = "".join(line.split())
        if _CHROME.match(line):
            continue
        # The title again (alone, or after the author's name) near the top of the page.
        near_top = squeezed_title and index < 8 and len(squeezed) <= len(squeezed_title) + 30
        if near_top and squeezed.endswith(squeezed_title):
            continue
        kept.append(raw.rstrip())
    result.body = "\n".join(kept).strip("\n")
    return result


def source_key(directory: Path, file_name: str) -> str:
    return f"import:{directory.resolve().name}/{file_name}"


def import_directory(
    directory: Path,
    actor: User | SystemActor,
    *,
    publish: bool = True,
    key_prefix: str | None = None,
    defaults: dict[str, dict[str, Any]] | None = None,
) -> ImportReport:
    """Import every manifest entry of ``directory``; see the module docstring."""
    directory = Path(directory)
    report = ImportReport()
    entries = read_manifest(directory)
    listed: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("file"):
            report.skipped.append((f"第 {index} 项", "清单条目缺少 file"))
            continue
        name = Path(str(entry["file"])).name
        listed.add(name)
        entry = {**(defaults or {}).get(name, {}), **entry}
        key = f"{key_prefix}{name}" if key_prefix else source_key(directory, name)
        try:
            policy = _import_one(directory / name, entry, key, actor, publish)
        except _Skip as skip:
            report.skipped.append((name, str(skip)))
            continue
        except DomainError as error:
            report.skipped.append((name, error.message))
            continue
        if policy is None:
            report.existing.append(name)
        else:
            report.imported.append(name)
            report.policies.append(policy)
    for path in sorted(directory.glob("*.txt")):
        if path.name not in listed:
            report.skipped.append((path.name, "manifest.json 中没有该文件的条目"))
    for name, reason in report.skipped:
        log.warning("policy import: skipped %s: %s", name, reason)
    return report


class _Skip(Exception):
    pass


def _import_one(path: Path, entry: dict[str, Any], key: str, actor: User | None, publish: bool) -> Policy | None:
    if services.find_by_source(key) is not None:
        return None
    if not path.is_file():
        raise _Skip("文件不存在")
    title = str(entry.get("title") or "").strip()
    if not title:
        raise _Skip("清单中缺少标题（title）")
    try:
        text = _read_text(path)
    except UnicodeDecodeError:
        raise _Skip("不是 UTF-8 编码的文本文件") from None
    if not text.strip():
        raise _Skip("文件内容为空")
    try:
        published_on, written_on = _date(entry.get("published_on")), _date(entry.get("written_on"))
    except ValueError:
        raise _Skip("日期格式应为 YYYY-MM-DD") from None
    cleaned = clean_scraped(text, title)
    if not cleaned.body.strip():
        raise _Skip("文件中没有正文")
    text = cleaned.body
    published_on = published_on or cleaned.published_on
    written_on = written_on or cleaned.written_on
    if written_on and published_on and published_on < written_on:
        written_on = None
    year = entry.get("year")
    topics = entry.get("topics") or []
    data = services.PolicyData(
        title=title,
        body=text,
        doc_number=str(entry.get("doc_number") or ""),
        issuer=str(entry.get("issuer") or ""),
        doc_type=str(entry.get("doc_type") or "新闻"),
        written_on=written_on,
        published_on=published_on,
        year=int(year) if isinstance(year, int) or (isinstance(year, str) and year.isdigit()) else None,
        topics=[str(t) for t in topics] if isinstance(topics, list) else [],
        script=str(entry.get("script") or "zh-Hans"),
    )
    policy = services.create_policy(actor, data, source_key=key, dated_on=written_on or published_on)
    if publish:
        # Only the year known (news articles): the archive's own publication date is the status date.
        known = published_on or written_on
        services.transition(actor, policy.id, "publish", known, date_unknown=known is None)
    return policy
