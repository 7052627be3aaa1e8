"""Fixtures of the browser tests: Chromium per test, more logged-in tabs, test images and
screenshots.

Playwright's sync API leaves its asyncio loop marked as running in the test's thread
between calls. While it is, Django refuses ORM calls (its async-safety guard) and keeps
the thread's database connections in a second, context-local set that knows nothing of
the serialized test data. So Chromium is started per test, after the test database is
ready, and stopped before it is flushed; the ORM calls made meanwhile (fixtures, checks)
run in this thread, never inside the loop, so the guard is lifted for that span.
"""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from conftest import CHROMIUM_FLAGS, SECRET

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
LOGIN_PATH = re.compile(r"/login/")


@pytest.fixture
def chromium(django_db_serialized_rollback, monkeypatch) -> Iterator[Browser]:
    """Debian's chromium driven by Playwright, for one test (see the module docstring).

    Serialized rollback restores the home page and site that migrations create, which
    the flush after each transactional test removes.
    """
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does this)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


def log_in(page: Page, username: str, password: str = SECRET) -> None:
    """Fill and submit the login form the page shows; wait for the answer to load."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def open_hub_as(page: Page, user) -> Page:
    """Open the hub's address, get sent to the login form, log in and land on home."""
    response = page.goto("/")
    assert response is not None and response.ok, f"the login page answered {response.status}"
    log_in(page, user.username)
    assert not LOGIN_PATH.search(page.url), f"{user.username} could not log in"
    return page


@pytest.fixture
def browser_login(browser_page) -> Callable[..., Page]:
    """browser_login(user) logs the tab in through the real login form and waits for home."""
    return lambda user: open_hub_as(browser_page, user)


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
