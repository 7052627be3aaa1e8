"""Fixtures shared by every test folder: an organisation, spaces with each visibility,
documents, logged-in clients, the real ASGI app on a port, and headless Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from django.test import Client

SECRET = "correct-horse-42"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if settings.SEARCH_BACKEND == "whoosh":
        # An index of the test's own; the other backends keep theirs in the test database.
        settings.WAGTAILSEARCH_BACKENDS = {
            "default": {"BACKEND": "hub.search.backend", "PATH": str(tmp_path / "search-index")}
        }
    # Hashing passwords properly costs ~0.3 s per account; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db) -> SimpleNamespace:
    """Departments 研发部 (rd, with sub-team rd-web) and 市场部 (mkt), and people in them.

    admin: superuser; rd_head: head of rd; rd_member, rd_web (in rd-web); mkt_member;
    loner: no department; gone: deactivated member of rd.
    """
    from hub.core.models import Department, User

    def person(username: str, name: str, department=None, **extra) -> User:
        return User.objects.create_user(
            username, f"{username}@example.cn", SECRET, name=name, department=department, **extra
        )

    rd = Department.objects.create(code="rd", name="研发部", name_en="R&D")
    rd_web = Department.objects.create(code="rd-web", name="前端组", name_en="Web team", parent=rd)
    mkt = Department.objects.create(code="mkt", name="市场部", name_en="Marketing")
    people = SimpleNamespace(
        rd=rd,
        rd_web_dept=rd_web,
        mkt=mkt,
        admin=User.objects.create_superuser("admin", "admin@example.cn", SECRET, name="管理员"),
        rd_head=person("rd_head", "王芳", rd, title="研发总监"),
        rd_member=person("rd_member", "张伟", rd),
        rd_web=person("rd_web", "李娜", rd_web),
        mkt_member=person("mkt_member", "刘洋", mkt),
        loner=person("loner", "陈静"),
        gone=person("gone", "赵磊", rd, is_active=False),
    )
    rd.head = people.rd_head
    rd.save()
    return people


@pytest.fixture
def spaces(org) -> SimpleNamespace:
    """One space per visibility.

    rd: department-only space of 研发部, the department as editors;
    mkt: members-only space, 市场部 as editors; company_read and company_edit: project
    spaces open to everyone, mkt_member admin of both; secret: members only, rd_member
    viewer and mkt_member editor.
    """
    from hub.core.models import HomePage, SpaceMembership, SpacePage

    home = HomePage.objects.get()
    Role, Visibility = SpaceMembership.Role, SpacePage.Visibility

    def space(slug: str, title: str, visibility: str, kind="project", department=None) -> SpacePage:
        page = SpacePage(
            title=title, slug=slug, visibility=visibility, kind=kind, department=department
        )
        home.add_child(instance=page)
        return page

    result = SimpleNamespace(
        rd=space("rd", "研发部", Visibility.DEPARTMENT, "department", org.rd),
        mkt=space("mkt", "市场部", Visibility.MEMBERS, "department", org.mkt),
        company_read=space("handbook", "员工手册", Visibility.COMPANY_READ),
        company_edit=space("wiki", "公司百科", Visibility.COMPANY_EDIT),
        secret=space("secret", "保密项目", Visibility.MEMBERS),
    )
    SpaceMembership.objects.create(space=result.rd, department=org.rd, role=Role.EDITOR)
    SpaceMembership.objects.create(space=result.mkt, department=org.mkt, role=Role.EDITOR)
    for open_space in (result.company_read, result.company_edit):
        SpaceMembership.objects.create(space=open_space, user=org.mkt_member, role=Role.ADMIN)
    SpaceMembership.objects.create(space=result.secret, user=org.rd_member, role=Role.VIEWER)
    SpaceMembership.objects.create(space=result.secret, user=org.mkt_member, role=Role.EDITOR)
    return result


@pytest.fixture
def make_document(org) -> Callable:
    """Create a document through the real save path: make_document(parent, owner, **fields)."""
    from hub.core.documents import create_document

    def make(parent, owner=None, title="文档", body="正文", status="published", tags=()):
        return create_document(parent, owner or org.admin, title, body, status, tags)

    return make


@pytest.fixture
def login() -> Callable[..., Client]:
    """login(user) -> a Django test client with that user's session."""

    def client_for(user, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user)
        return client

    return client_for


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def asgi_server(transactional_db) -> Iterator[str]:
    """The real ASGI app (hub.asgi) served by uvicorn on a free loopback port; yields its URL."""
    import uvicorn

    from hub.asgi import application

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the ASGI server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium(django_db_serialized_rollback, monkeypatch) -> Iterator:
    """Debian's chromium driven by Playwright (never Playwright's own browser download).

    One browser per test: Playwright's sync API leaves an asyncio loop marked as running
    in the test's thread, so Django's async-safety guard is lifted for the test (no
    Django code runs inside Playwright's loop), and serialized rollback restores the home
    page and site that migrations create, which the flush after each test removes.
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


@pytest.fixture
def browser_page(chromium, asgi_server):
    """A fresh browser tab (English UI) whose relative URLs go to the ASGI server."""
    context = chromium.new_context(base_url=asgi_server, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def log_in(page, username: str, password: str = SECRET) -> None:
    """Fill and submit the login form the page shows; wait for the answer to load."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def open_hub_as(page, user):
    """Open the hub's address, get sent to the login form, log in and land on home."""
    response = page.goto("/")
    assert response is not None and response.ok, f"the login page answered {response.status}"
    log_in(page, user.username)
    assert "/login/" not in page.url, f"{user.username} could not log in"
    return page


@pytest.fixture
def browser_login(browser_page) -> Callable:
    """browser_login(user) logs the tab in through the real login form and waits for home."""
    return lambda user: open_hub_as(browser_page, user)
