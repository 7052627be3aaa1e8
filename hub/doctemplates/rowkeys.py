"""The identity of one row of a ``rows`` field, so that something attached to a row (an
answer to a help request) stays with it when other rows are added, edited, removed or
moved.

A row saved through the fields form carries its key under ``ROW_KEY`` (``"_key"``, which
no column can be named: column names start with a letter). The form sends each row's key
back in a hidden input, so an edit keeps it; a new row gets a fresh random key. A row
written without a key (by an importer, the demo, or before keys existed) has a key derived
from its content, and the form stores that same key on the next save, so the row's
identity does not change when it gains an explicit key. Keys are unique within one field
of one document; a repeated or malformed key is replaced.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from typing import Any

ROW_KEY = "_key"
KEY = re.compile(r"^[a-z0-9-]{1,40}$")


def new_key() -> str:
    return secrets.token_hex(6)


def is_key(value: Any) -> bool:
    return isinstance(value, str) and bool(KEY.match(value))


def content_key(row: dict[str, Any]) -> str:
    """The key of a row stored without one: a digest of its values."""
    values = {name: value for name, value in row.items() if name != ROW_KEY}
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return "c" + hashlib.sha256(text.encode()).hexdigest()[:11]


def keyed_rows(rows: Any) -> list[tuple[str, dict[str, Any]]]:
    """(key, row) for each row of a stored rows value, every key unique (see above)."""
    found: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        key = row.get(ROW_KEY)
        if not is_key(key) or key in seen:
            key = content_key(row)
            # Two identical rows without keys: the second is told apart by its place.
            base, number = key, 2
            while key in seen:
                key, number = f"{base}-{number}", number + 1
        seen.add(key)
        found.append((key, row))
    return found
