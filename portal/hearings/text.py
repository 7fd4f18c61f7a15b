"""Question text: plain text only, and the sensitive-word list that routes matches to moderation."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import bleach
from flask import current_app

from portal.errors import Invalid

# Words that send a question to a moderator instead of publishing it at once. Deployments set
# SENSITIVE_WORDS (a list, or comma-separated text) and/or keep one word per line in
# instance/sensitive_words.txt; both are combined. The default is kept short and names what spam
# and illegal offers say, not the topics of ordinary service questions (办证, 诈骗, 赌博 alone are
# what citizens ask about: 办证大厅, 防范电信诈骗, 举报赌博).
DEFAULT_SENSITIVE_WORDS = ("代开发票", "办假证", "出售枪支", "色情服务", "赌博网站")

_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"[ \t\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(raw: str) -> str:
    """Strip markup and invisible characters, keep line breaks; the result is escaped when shown."""
    text = unicodedata.normalize("NFC", raw or "").replace("\r\n", "\n").replace("\r", "\n")
    text = html.unescape(bleach.clean(text, tags=set(), strip=True, strip_comments=True))
    text = _CONTROL.sub("", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def question_text(raw: str, max_length: int) -> str:
    text = plain_text(raw)
    if len(text) < 5:
        raise Invalid("问题内容太短，请至少写 5 个字", field="text")
    if len(text) > max_length:
        raise Invalid(f"问题不能超过 {max_length} 字（当前 {len(text)} 字）", field="text")
    return text


def sensitive_words() -> list[str]:
    configured = current_app.config.get("SENSITIVE_WORDS")
    if configured is None:
        words = list(DEFAULT_SENSITIVE_WORDS)
    elif isinstance(configured, str):
        words = [w.strip() for w in configured.split(",")]
    else:
        words = list(configured)
    path = Path(current_app.instance_path) / "sensitive_words.txt"
    if path.exists():
        words += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [w for w in dict.fromkeys(words) if w]


def sensitive_matches(text: str) -> list[str]:
    folded = text.casefold()
    return [w for w in sensitive_words() if w.casefold() in folded]


def held_reason(flagged: str) -> str:
    """Why a pending question waits for review, in words the asker reads."""
    if flagged:
        return f"问题含有需审核的词语（{flagged}），审核通过后公开。"
    return "本场答辩的问题经审核后公开。"
