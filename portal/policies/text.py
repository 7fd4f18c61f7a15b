"""Body text of documents: sanitising HTML (bleach), plain text for search, and version diffs."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass

import bleach
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "ol",
        "ul",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "span",
        "sup",
        "sub",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan"]}
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr|blockquote|table|ul|ol)>|<br\s*/?>|<hr\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


def sanitize_html(raw: str) -> str:
    """Keep structure, drop scripts, styles and event handlers; links only http(s)/mailto."""
    return bleach.clean(
        raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=["http", "https", "mailto"], strip=True
    )


def html_to_text(clean_html: str) -> str:
    """Plain text of sanitised HTML: block ends become line breaks."""
    text = _BLOCK_END.sub("\n", clean_html)
    text = html.unescape(_TAG.sub("", text))
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def normalize_text(raw: str) -> str:
    """Plain text as stored: unified line ends, no trailing spaces, no leading/trailing blank lines."""
    lines = [line.rstrip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def paragraphs(text: str) -> list[str]:
    """Non-empty lines, for rendering plain text as paragraphs."""
    return [line.strip() for line in text.split("\n") if line.strip()]


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "ins", "del", "gap"
    html: Markup


def _inline(old: str, new: str) -> tuple[Markup, Markup]:
    """Character-level diff of one changed line pair, escaped, with <del>/<ins> around the changes."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    before: list[str] = []
    after: list[str] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            before.append(html.escape(old[a0:a1]))
            after.append(html.escape(new[b0:b1]))
            continue
        if a1 > a0:
            before.append(f"<del>{html.escape(old[a0:a1])}</del>")
        if b1 > b0:
            after.append(f"<ins>{html.escape(new[b0:b1])}</ins>")
    return Markup("".join(before)), Markup("".join(after))


def diff_lines(old: str, new: str, context: int = 2) -> list[DiffLine]:
    """A readable diff of two texts: changed lines with character-level marks, a little context, gaps elided."""
    a, b = old.split("\n"), new.split("\n")
    out: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if out:
            out.append(DiffLine("gap", Markup("…")))
        for op, a0, a1, b0, b1 in group:
            if op == "equal":
                out.extend(DiffLine("same", Markup(html.escape(line))) for line in a[a0:a1])
            elif op == "replace" and a1 - a0 == b1 - b0:
                for old_line, new_line in zip(a[a0:a1], b[b0:b1], strict=True):
                    removed, added = _inline(old_line, new_line)
                    out.append(DiffLine("del", removed))
                    out.append(DiffLine("ins", added))
            else:
                out.extend(DiffLine("del", Markup(f"<del>{html.escape(line)}</del>")) for line in a[a0:a1])
                out.extend(DiffLine("ins", Markup(f"<ins>{html.escape(line)}</ins>")) for line in b[b0:b1])
    return out
