"""What every moderated public text shares: plain text only, the sensitive-word list, and the queue rule.

Hearing questions and consultation comments (征求意见) go through the same rule: a text is held for a
moderator (``pending``) when the setting asks for moderation first (先审后发) or when it contains a word of the
sensitive-word list; otherwise it is public at once. Moderators approve or reject with a reason the author
reads. Each package keeps its own transition table (``portal.statemachine``); the text, the word list and the
decision live here once.

Foundation: imports no capability package.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import bleach
from flask import current_app

# Words that send a text to a moderator instead of publishing it at once. Deployments set
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


def held_for_review(premoderation: bool, text: str) -> tuple[bool, list[str]]:
    """The queue rule: (whether the text waits for a moderator, the sensitive words it contains)."""
    flagged = sensitive_matches(text)
    return bool(premoderation or flagged), flagged
