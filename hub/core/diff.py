"""Readable side-by-side diffs of Markdown: changed lines, and within them changed words.

Chinese has no spaces between words, so each CJK character is its own token; Latin
words, runs of white space and punctuation are the other tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]|\w+|\s+|.")


@dataclass
class DiffRow:
    """One row of a side-by-side diff; ``kind`` is equal, insert, delete, change or skip."""

    kind: str
    old_number: int | None = None
    old_html: SafeString | str = ""
    new_number: int | None = None
    new_html: SafeString | str = ""
    skipped: int = 0


@dataclass
class TextDiff:
    rows: list[DiffRow]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def _wrap(tag: str, text: str) -> SafeString:
    return mark_safe(f"<{tag}>{escape(text)}</{tag}>") if text else mark_safe("")


def _mark_words(old: str, new: str) -> tuple[SafeString, SafeString]:
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    old_out: list[str] = []
    new_out: list[str] = []
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        old_part, new_part = "".join(old_tokens[a1:a2]), "".join(new_tokens[b1:b2])
        if op == "equal":
            old_out.append(escape(old_part))
            new_out.append(escape(new_part))
        else:
            old_out.append(_wrap("del", old_part))
            new_out.append(_wrap("ins", new_part))
    return mark_safe("".join(old_out)), mark_safe("".join(new_out))


def _equal_rows(lines: list[str], a1: int, a2: int, b1: int, context: int) -> list[DiffRow]:
    """Unchanged lines, keeping ``context`` lines beside changes and folding the rest."""
    head = 0 if a1 == 0 else context
    tail = 0 if a2 == len(lines) else context
    length = a2 - a1

    def row(i: int) -> DiffRow:
        return DiffRow("equal", a1 + i + 1, lines[a1 + i], b1 + i + 1, lines[a1 + i])

    if length <= head + tail + 1:
        return [row(i) for i in range(length)]
    return [
        *(row(i) for i in range(head)),
        DiffRow("skip", skipped=length - head - tail),
        *(row(i) for i in range(length - tail, length)),
    ]


def _changed_rows(old: list[str], new: list[str], a1: int, b1: int) -> list[DiffRow]:
    """Pair removed and added lines; paired lines get word-level marks."""
    rows = []
    for i in range(max(len(old), len(new))):
        old_line = old[i] if i < len(old) else None
        new_line = new[i] if i < len(new) else None
        if old_line is not None and new_line is not None:
            old_html, new_html = _mark_words(old_line, new_line)
            rows.append(DiffRow("change", a1 + i + 1, old_html, b1 + i + 1, new_html))
        elif old_line is not None:
            rows.append(DiffRow("delete", old_number=a1 + i + 1, old_html=_wrap("del", old_line)))
        else:
            rows.append(DiffRow("insert", new_number=b1 + i + 1, new_html=_wrap("ins", new_line)))
    return rows


def diff_text(old: str, new: str, context: int = 3) -> TextDiff:
    """Compare two texts line by line, then word by word within changed lines."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    added = removed = 0
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(_equal_rows(old_lines, a1, a2, b1, context))
            continue
        removed += a2 - a1
        added += b2 - b1
        rows.extend(_changed_rows(old_lines[a1:a2], new_lines[b1:b2], a1, b1))
    return TextDiff(rows=rows, added=added, removed=removed)
