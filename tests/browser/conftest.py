"""Fixtures of the browser tests beyond the root conftest's: more logged-in tabs, test
images and screenshots."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from conftest import open_hub_as

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
LOGIN_PATH = re.compile(r"/login/")


@pytest.fixture
def browser_tab(chromium, asgi_server) -> Iterator[Callable[..., Page]]:
    """browser_tab(user, locale="en-US") -> a tab in a browser context of its own (its own
    cookies, like another person's computer), logged in as ``user`` unless None."""
    contexts = []

    def open_tab(user=None, locale: str = "en-US") -> Page:
        context = chromium.new_context(base_url=asgi_server, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return open_hub_as(page, user) if user is not None else page

    yield open_tab
    for context in contexts:
        context.close()


def png_image(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid PNG of one colour, written with zlib and struct only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """screenshot(page, name) saves the whole page to test-artifacts/browser/<name>.png
    (git-ignored) for a person to look at."""

    def take(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
