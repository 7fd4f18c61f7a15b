"""Question text: plain text of a length a hearing allows (the text and word list are shared: portal.moderation)."""

from __future__ import annotations

from portal.errors import Invalid
from portal.moderation import plain_text, sensitive_matches, sensitive_words

__all__ = ["held_reason", "plain_text", "question_text", "sensitive_matches", "sensitive_words"]


def question_text(raw: str, max_length: int) -> str:
    text = plain_text(raw)
    if len(text) < 5:
        raise Invalid("问题内容太短，请至少写 5 个字", field="text")
    if len(text) > max_length:
        raise Invalid(f"问题不能超过 {max_length} 字（当前 {len(text)} 字）", field="text")
    return text


def held_reason(flagged: str) -> str:
    """Why a pending question waits for review, in words the asker reads."""
    if flagged:
        return f"问题含有需审核的词语（{flagged}），审核通过后公开。"
    return "本场答辩的问题经审核后公开。"
