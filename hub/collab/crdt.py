"""The CRDT engine behind one small API, so y-py and pycrdt are interchangeable.

Both wrap Yrs and speak the same update format (Yjs v1). ``HUB_COLLAB_ENGINE`` picks one
(``y_py`` when it is importable, else ``pycrdt``); tests pass ``engine=`` to run both.
The document's Markdown is the ``Y.Text`` named ``content``.

Updates from the network are untrusted: y-py crashes the whole process (segfault or
abort) on some malformed bytes, and its Rust panics surface as pyo3's
``PanicException``, a ``BaseException``. So every update is first decoded into a scratch
pycrdt document (which reports malformed input as a ``ValueError``) and, for y-py, into a
scratch y-py document too; only an update both accept touches a real document, and a
rejected one changes nothing.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Iterator

import pycrdt
from django.conf import settings

TEXT_NAME = "content"
ENGINES = ("y_py", "pycrdt")


class InvalidUpdate(ValueError):
    """Bytes that are not a Yjs update (or a state vector) the engine can apply."""


def _is_panic(error: BaseException) -> bool:
    # pyo3 does not export PanicException under an importable name.
    return type(error).__name__ == "PanicException"


def _pycrdt_check(update: bytes) -> None:
    try:
        pycrdt.Doc().apply_update(update)
    except ValueError as error:
        raise InvalidUpdate(str(error)) from error


def _pycrdt_check_state_vector(state_vector: bytes) -> None:
    try:
        pycrdt.Doc().get_update(state_vector)
    except ValueError as error:
        raise InvalidUpdate(str(error)) from error


def char_splices(old: str, new: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, replacement) in ``old``'s character indexes, last first.

    Lines are matched first and changed lines character by character, so the result is
    a small set of edits (not delete-all-insert-all) even for long documents; applying
    them from the end keeps the earlier indexes valid.
    """
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    line_starts_old = [0]
    for line in old_lines:
        line_starts_old.append(line_starts_old[-1] + len(line))
    line_starts_new = [0]
    for line in new_lines:
        line_starts_new.append(line_starts_new[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        a0, a1 = line_starts_old[i1], line_starts_old[i2]
        b0, b1 = line_starts_new[j1], line_starts_new[j2]
        inner = difflib.SequenceMatcher(None, old[a0:a1], new[b0:b1], autojunk=False)
        for op, k1, k2, m1, m2 in reversed(inner.get_opcodes()):
            if op != "equal":
                yield a0 + k1, a0 + k2, new[b0 + m1 : b0 + m2]


class CrdtDoc:
    """One Yjs document; subclasses adapt an engine. Indexes given to engines are UTF-8
    byte offsets, the unit both y-py and pycrdt use by default."""

    engine: str

    def check_update(self, update: bytes) -> None:
        """Raise InvalidUpdate unless ``update`` decodes on scratch documents."""
        _pycrdt_check(update)
        self._check(update)

    def apply_update(self, update: bytes, *, checked: bool = False) -> None:
        """Apply a Yjs update, validating it first unless ``checked`` says that was done;
        a bad one raises InvalidUpdate and changes nothing."""
        if not checked:
            self.check_update(update)
        self._apply(update)

    def state_vector(self) -> bytes:
        raise NotImplementedError

    def encode_state(self, since: bytes | None = None) -> bytes:
        """The whole state as an update, or what a peer with state vector ``since`` lacks."""
        raise NotImplementedError

    def text(self) -> str:
        raise NotImplementedError

    def set_text(self, new: str) -> bytes:
        """Turn ``content`` into ``new`` by the smallest character edits; return the update."""
        old = self.text()
        if old == new:
            return b""
        before = self.state_vector()
        splices = []
        for start, end, replacement in char_splices(old, new):
            byte_start = len(old[:start].encode())
            splices.append((byte_start, len(old[start:end].encode()), replacement))
        self._splice(splices)
        return self.encode_state(since=before)

    def _check(self, update: bytes) -> None:
        """Engine-specific validation on a scratch document."""

    def _apply(self, update: bytes) -> None:
        raise NotImplementedError

    def _splice(self, splices: list[tuple[int, int, str]]) -> None:
        """Apply (byte index, byte length to delete, text to insert), in order, in one go."""
        raise NotImplementedError


class PycrdtDoc(CrdtDoc):
    engine = "pycrdt"

    def __init__(self) -> None:
        # A 32-bit client id, as Yjs makes: pycrdt's own are up to 53 bits, which y-py
        # (older Yrs) truncates, so its updates would not line up with this document's.
        self._doc = pycrdt.Doc(client_id=random.getrandbits(32))
        self._text = self._doc.get(TEXT_NAME, type=pycrdt.Text)

    def state_vector(self) -> bytes:
        return self._doc.get_state()

    def encode_state(self, since: bytes | None = None) -> bytes:
        if since is None:
            return self._doc.get_update()
        try:
            return self._doc.get_update(since)
        except ValueError as error:
            raise InvalidUpdate(str(error)) from error

    def text(self) -> str:
        return str(self._text)

    def _apply(self, update: bytes) -> None:
        try:
            self._doc.apply_update(update)
        except ValueError as error:
            raise InvalidUpdate(str(error)) from error

    def _splice(self, splices: list[tuple[int, int, str]]) -> None:
        with self._doc.transaction():
            for index, length, insert in splices:
                if length:
                    del self._text[index : index + length]
                if insert:
                    self._text.insert(index, insert)


class YPyDoc(CrdtDoc):
    engine = "y_py"

    def __init__(self) -> None:
        import y_py

        self._y = y_py
        self._doc = y_py.YDoc(offset_kind="utf8")
        self._text = self._doc.get_text(TEXT_NAME)

    def _call(self, function, *args):
        """Run a y-py call, turning its decoding errors and panics into InvalidUpdate.

        The original exception is not chained: its traceback holds the documents, which
        y-py forbids dropping in any thread but their own.
        """
        try:
            return function(*args)
        except Exception as error:  # y-py's EncodingException, which it does not export
            message = str(error)
        except BaseException as error:
            if not _is_panic(error):
                raise
            message = str(error)
        raise InvalidUpdate(message)

    def state_vector(self) -> bytes:
        return bytes(self._y.encode_state_vector(self._doc))

    def encode_state(self, since: bytes | None = None) -> bytes:
        if since is None:
            return bytes(self._y.encode_state_as_update(self._doc))
        # A state vector from the network is as untrusted as an update.
        _pycrdt_check_state_vector(since)
        return bytes(self._call(self._y.encode_state_as_update, self._doc, since))

    def text(self) -> str:
        return str(self._text)

    def _check(self, update: bytes) -> None:
        self._call(self._y.apply_update, self._y.YDoc(), update)

    def _apply(self, update: bytes) -> None:
        self._call(self._y.apply_update, self._doc, update)

    def _splice(self, splices: list[tuple[int, int, str]]) -> None:
        with self._doc.begin_transaction() as txn:
            for index, length, insert in splices:
                if length:
                    self._text.delete_range(txn, index, length)
                if insert:
                    self._text.insert(txn, index, insert)


def new_doc(engine: str | None = None) -> CrdtDoc:
    """An empty document on ``engine`` (default: the ``HUB_COLLAB_ENGINE`` setting)."""
    engine = engine or settings.HUB_COLLAB_ENGINE
    if engine == "y_py":
        return YPyDoc()
    if engine == "pycrdt":
        return PycrdtDoc()
    raise ValueError(f"unknown CRDT engine {engine!r}; choose one of {ENGINES}")
