"""Every hook exercised for real, and plugin isolation.

The dummy plugin (``tests/plugins/dummy``) is registered for each test; the real pages,
commands and saves must call it, show what it returns and obey its decisions. A broken
plugin that raises everywhere must be logged and skipped without breaking anything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from io import StringIO
from types import ModuleType

import pytest
from django.core.management import CommandError, call_command, load_command_class
from django.db import transaction
from django.utils import timezone

import tests.plugins.dummy as dummy_plugin
from hub import hookimpl, hookspecs
from hub.core.documents import create_document, save_document
from hub.core.models import DocumentPage, SpacePage
from hub.items import Widget
from hub.testing import registered_plugin
from tests.plugins.dummy import calls_of
from tests.plugins.dummy import hub_hooks as dummy_hooks


@pytest.fixture
def dummy(settings) -> Iterator[ModuleType]:
    """The dummy plugin registered for one test, its templates findable, its record empty.

    Its templates are added to DIRS because APP_DIRS only covers installed apps.
    """
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], dummy_plugin.TEMPLATES]}]
    settings.HUB_PLUGIN_CONFIG = {}
    dummy_plugin.calls.clear()
    with registered_plugin(dummy_hooks, name=dummy_plugin.NAME):
        yield dummy_plugin


def configure_dummy(settings, **config) -> None:
    settings.HUB_PLUGIN_CONFIG = {dummy_plugin.NAME: config}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def header(html: str) -> str:
    return html[html.index("<header") : html.index("</header>")]


def links(html: str, attribute: str) -> dict[str, tuple[str, str]]:
    """name -> (href, text) of the ``<a>`` elements carrying ``attribute`` (e.g. data-nav)."""
    found = {}
    for attributes, text in re.findall(r"<a\b([^>]*)>(.*?)</a>", html, re.S):
        name = re.search(rf'{attribute}="([^"]*)"', attributes)
        href = re.search(r'href="([^"]*)"', attributes)
        if name and href:
            found[name.group(1)] = (href.group(1), text.strip())
    return found


def nav_links(html: str) -> dict[str, tuple[str, str]]:
    return links(header(html), "data-nav")


def widget(html: str, name: str) -> str:
    match = re.search(rf'data-widget="{name}".*?</section>', html, re.S)
    assert match, f"no widget {name!r} on the page"
    return match.group(0)


# Navigation ------------------------------------------------------------------------------


def test_register_nav_items_adds_a_link_to_the_header(org, login, dummy):
    client = login(org.rd_member)
    html = page(client, "/spaces/")

    assert nav_links(html)["dummy"] == ("/dummy/", "Dummy")
    names = list(nav_links(html))
    # Sorted by order: the core's spaces (10) before the dummy (50).
    assert names.index("spaces") < names.index("dummy")
    assert calls_of("hub_register_nav_items") == [{"user": org.rd_member}]
    assert page(client, "/dummy/") == "The dummy plugin is here."


def test_construct_nav_items_removes_and_renames_items(org, login, dummy, settings):
    client = login(org.admin)
    before = page(client, "/")
    assert {"spaces", "dummy", "admin"} <= set(nav_links(before))
    constructed = calls_of("hub_construct_nav_items")[-1]["names"]
    assert {"spaces", "dummy", "admin"} <= set(constructed), "construct sees every collected item"

    configure_dummy(settings, hide_nav=["admin"], nav_labels={"spaces": "Rooms"})
    after = nav_links(page(client, "/"))

    assert "admin" not in after
    assert after["spaces"][1] == "Rooms"
    assert after["dummy"] == ("/dummy/", "Dummy")


# Home, document pages, slots, URLs -------------------------------------------------------


def test_register_home_widgets_renders_on_home_for_each_user(
    spaces, org, make_document, login, dummy
):
    make_document(spaces.rd, org.rd_member, title="周报")
    make_document(spaces.rd, org.rd_member, title="设计")

    rd_home = page(login(org.rd_member), "/")
    mkt_home = page(login(org.mkt_member), "/")

    assert "Dummy widget" in widget(rd_home, "dummy")
    assert "You can see 2 documents." in widget(rd_home, "dummy")
    assert "You can see 0 documents." in widget(mkt_home, "dummy")
    assert calls_of("hub_register_home_widgets") == [
        {"user": org.rd_member},
        {"user": org.mkt_member},
    ]


def test_register_document_actions_adds_a_button_on_the_document_page(
    spaces, org, make_document, login, dummy
):
    document = make_document(spaces.rd, org.rd_member, title="接口说明")
    action_url = f"/dummy/docs/{document.pk}/"

    html = page(login(org.rd_member), document.url)

    assert links(html, "data-action")["dummy"] == (action_url, "Dummy action")
    assert calls_of("hub_register_document_actions") == [
        {"user": org.rd_member, "document": document.pk}
    ]
    assert login(org.rd_member).get(action_url).json() == {"id": document.pk, "title": "接口说明"}
    # Someone who cannot see the document gets neither the page nor the action's answer.
    assert login(org.mkt_member).get(document.url).status_code == 404
    assert login(org.mkt_member).get(action_url).status_code == 404


def documented_slots() -> list[str]:
    """The slot names listed in the hook's docstring (the promise the templates must keep)."""
    doc = hookspecs.hub_register_template_fragments.__doc__
    return re.findall(r"``(\w+)``", doc[doc.index("Slots:") :])


def test_register_template_fragments_fill_every_documented_slot(
    spaces, org, make_document, login, dummy
):
    document = make_document(spaces.rd, org.rd_member)
    client = login(org.rd_member)
    pages = [page(client, url) for url in ("/", spaces.rd.url, document.url)]
    slots = documented_slots()
    assert {"head", "body_end", "document_footer"} <= set(slots)

    for slot in slots:
        marker = f'<template data-dummy-slot="{slot}"></template>'
        assert any(marker in html for html in pages), f"slot {slot!r} is on no page"
    for html in pages:
        assert html.index('data-dummy-slot="head"') < html.index("</head>")
        assert (
            html.index("</head>") < html.index('data-dummy-slot="body_end"') < html.index("</body>")
        )
    assert set(slots) <= {call["slot"] for call in calls_of("hub_register_template_fragments")}


def test_register_urls_routes_the_views_only_while_registered(org, login):
    client = login(org.rd_member)
    assert client.get("/dummy/").status_code == 404

    dummy_plugin.calls.clear()
    with registered_plugin(dummy_hooks, name=dummy_plugin.NAME):
        assert calls_of("hub_register_urls") == [{}]
        assert page(client, "/dummy/") == "The dummy plugin is here."
        assert login(org.rd_member).get("/dummy/docs/999999/").status_code == 404

    assert client.get("/dummy/").status_code == 404


def test_register_urls_views_require_login(db, dummy, client):
    response = client.get("/dummy/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# Commands -------------------------------------------------------------------------------


def test_register_importers_adds_an_import_subcommand(db, dummy, tmp_path):
    source = tmp_path / "people.txt"
    source.write_text("张伟\n李娜\nWang Fang\n", encoding="utf-8")
    out = StringIO()

    call_command("import", "dummy", str(source), "--dry-run", stdout=out)

    assert f"Read 3 lines from {source}" in out.getvalue()
    assert calls_of("import") == [{"file": str(source), "lines": 3, "dry_run": True}]
    help_text = (
        load_command_class("hub.core", "import").create_parser("hub", "import").format_help()
    )
    assert "dummy" in help_text and "org" in help_text, "core and plugin importers share the hook"


def test_register_importers_subcommand_reports_bad_input(db, dummy, tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café\n".encode("latin-1"))

    with pytest.raises(CommandError, match=r"Cannot read .*missing\.txt"):
        call_command("import", "dummy", str(tmp_path / "missing.txt"), stdout=StringIO())
    with pytest.raises(CommandError, match=r"Cannot read .*latin1\.txt"):
        call_command("import", "dummy", str(latin1), stdout=StringIO())
    assert calls_of("import") == []


def test_register_reports_adds_a_report_subcommand(spaces, org, make_document, dummy):
    make_document(spaces.rd, org.rd_member, status="published")
    make_document(spaces.rd, org.rd_member, status="draft")
    month = timezone.localtime().strftime("%Y-%m")
    out = StringIO()

    call_command("report", "dummy", "--month", month, stdout=out)

    # Every save is published as a Wagtail page; the status field is the hub's own.
    assert f"{month}: 2 documents first published" in out.getvalue()
    assert calls_of("report") == [{"month": month, "published": 2}]
    with pytest.raises(CommandError, match="expected YYYY-MM"):
        call_command("report", "dummy", "--month", "November", stdout=StringIO())
    assert len(calls_of("report")) == 1


# Permission check -------------------------------------------------------------------------


def test_permission_check_denies_what_the_core_allows_everywhere(
    spaces, org, make_document, login, dummy, settings
):
    hidden = make_document(spaces.company_read, org.mkt_member, title="Hidden plan", tags=["q4"])
    make_document(spaces.company_read, org.mkt_member, title="Visible plan", tags=["q4"])
    client = login(org.rd_member)
    listings = ("/", spaces.company_read.url, "/tags/q4/")
    assert client.get(hidden.url).status_code == 200
    assert all("Hidden plan" in page(client, url) for url in listings)

    configure_dummy(settings, deny_titles=["Hidden plan"])

    assert client.get(hidden.url).status_code == 404
    assert client.get(f"/dummy/docs/{hidden.pk}/").status_code == 404
    assert client.get(f"/docs/{hidden.pk}/history/").status_code == 404
    for url in listings:
        html = page(client, url)
        assert "Visible plan" in html and "Hidden plan" not in html, url
    assert {"user": org.rd_member, "action": "view", "document": hidden.pk} in calls_of(
        "hub_permission_check"
    )


def test_permission_check_grant_opens_direct_access_only(
    spaces, org, make_document, login, dummy, settings
):
    memo = make_document(spaces.secret, org.mkt_member, title="Granted memo", tags=["memo"])
    client = login(org.loner)
    assert client.get(memo.url).status_code == 404

    configure_dummy(settings, grant_titles=["Granted memo"])

    assert "Granted memo" in page(client, memo.url)
    assert client.get(f"/dummy/docs/{memo.pk}/").json()["title"] == "Granted memo"
    # The grant is for viewing: editing still follows the core rule.
    assert client.get(f"/docs/{memo.pk}/edit/").status_code == 403
    # Listings filter with the core rule in the query, so a grant does not list it.
    assert "Granted memo" not in page(client, "/tags/memo/")


# Events -----------------------------------------------------------------------------------


def edit(client, document: DocumentPage, **changes) -> None:
    """Save ``document`` through the real edit form."""
    document.refresh_from_db()
    data = {
        "title": document.title,
        "body": document.body,
        "tags": "",
        "status": document.status,
        "base_revision": document.latest_revision_id,
        **changes,
    }
    response = client.post(f"/docs/{document.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_document_saved_fires_once_per_save_after_commit(
    spaces, org, login, dummy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = create_document(spaces.rd, org.rd_member, "会议纪要", "初稿")
        assert calls_of("hub_document_saved") == [], "nothing fires before the commit"
    document.refresh_from_db()
    first = document.latest_revision_id
    assert calls_of("hub_document_saved") == [
        {"document": document.pk, "revision": first, "user": org.rd_member, "created": True}
    ]

    with django_capture_on_commit_callbacks(execute=True):
        edit(login(org.rd_head), document, body="第二稿")
    document.refresh_from_db()
    assert document.latest_revision_id != first
    assert calls_of("hub_document_saved")[1:] == [
        {
            "document": document.pk,
            "revision": document.latest_revision_id,
            "user": org.rd_head,
            "created": False,
        }
    ]


def test_document_saved_does_not_fire_for_a_rolled_back_save(
    spaces, org, dummy, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        create_document(spaces.rd, org.rd_member, "不会保存", status="published")
        raise RuntimeError("the request failed after the save")
    assert callbacks == []
    assert calls_of("hub_document_saved") == calls_of("hub_document_published") == []
    assert not DocumentPage.objects.filter(title="不会保存").exists()


def test_document_published_fires_only_when_status_becomes_published(
    spaces, org, login, dummy, django_capture_on_commit_callbacks
):
    client = login(org.rd_member)
    with django_capture_on_commit_callbacks(execute=True):
        draft = create_document(spaces.rd, org.rd_member, "草稿", status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, draft, body="still a draft")
    assert calls_of("hub_document_published") == []

    with django_capture_on_commit_callbacks(execute=True):
        edit(client, draft, status="published")
    draft.refresh_from_db()
    assert calls_of("hub_document_published") == [
        {"document": draft.pk, "revision": draft.latest_revision_id, "user": org.rd_member}
    ]

    with django_capture_on_commit_callbacks(execute=True):
        edit(client, draft, body="published, edited")
        edit(client, draft, status="archived")
    with django_capture_on_commit_callbacks(execute=True):
        born_published = create_document(spaces.rd, org.rd_member, "直接发布", status="published")
    assert [call["document"] for call in calls_of("hub_document_published")] == [
        draft.pk,
        born_published.pk,
    ]
    assert len(calls_of("hub_document_saved")) == 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_document_saved_and_published_fire_after_a_real_commit(spaces, org, dummy):
    with transaction.atomic():
        document = create_document(spaces.rd, org.rd_member, "真实提交", status="published")
        save_document(document, org.rd_member, "真实提交", "v2", "published", [])
        assert calls_of("hub_document_saved") == [], "nothing fires before the commit"
    saved = calls_of("hub_document_saved")
    assert [call["created"] for call in saved] == [True, False]
    assert len(calls_of("hub_document_published")) == 1


def test_space_created_fires_once_for_a_new_space(
    org, login, dummy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(org.rd_member).post(
            "/spaces/new/",
            {"title": "跨部门项目", "slug": "cross", "description": "", "visibility": "members"},
        )
    assert response.status_code == 302
    space = SpacePage.objects.get(slug="cross")
    assert calls_of("hub_space_created") == [{"space": space.pk, "title": "跨部门项目"}]

    with django_capture_on_commit_callbacks(execute=True):
        space.description = "edited"
        space.save()
    assert len(calls_of("hub_space_created")) == 1, "editing a space is not creating one"


# Isolation --------------------------------------------------------------------------------


class BrokenPlugin:
    """A plugin that raises in a register hook, a construct hook, an event and a decision."""

    @hookimpl
    def hub_register_nav_items(self, request):
        raise RuntimeError("broken nav")

    @hookimpl
    def hub_construct_nav_items(self, request, items):
        raise RuntimeError("broken construct")

    @hookimpl
    def hub_register_template_fragments(self, slot, request, context):
        raise RuntimeError("broken fragment")

    @hookimpl
    def hub_document_saved(self, document, revision, user, created):
        raise RuntimeError("broken event")

    @hookimpl(tryfirst=True)
    def hub_permission_check(self, user, action, obj):
        raise RuntimeError("broken permission check")


@pytest.fixture
def broken(dummy, caplog) -> Iterator[BrokenPlugin]:
    caplog.set_level(logging.ERROR, logger="hub.plugins")
    with registered_plugin(BrokenPlugin(), name="broken") as plugin:
        yield plugin


def failures(caplog) -> set[str]:
    return {
        record.getMessage()
        for record in caplog.records
        if record.name == "hub.plugins" and record.exc_info
    }


def test_isolation_a_raising_plugin_does_not_break_pages(
    spaces, org, make_document, login, broken, caplog
):
    document = make_document(spaces.rd, org.rd_member, title="照常显示")
    client = login(org.rd_member)

    home = page(client, "/")
    html = page(client, document.url)

    assert {"dummy", "spaces"} <= set(nav_links(home))
    assert '<template data-dummy-slot="document_footer"></template>' in html
    assert "照常显示" in html
    assert {
        "plugin 'broken' failed in hub_register_nav_items",
        "plugin 'broken' failed in hub_construct_nav_items",
        "plugin 'broken' failed in hub_register_template_fragments",
        "plugin 'broken' failed in hub_permission_check",
    } <= failures(caplog)


def test_isolation_a_raising_permission_check_grants_nothing(
    spaces, org, make_document, login, broken, caplog
):
    document = make_document(spaces.secret, org.mkt_member, title="保密")

    assert login(org.loner).get(document.url).status_code == 404
    assert login(org.rd_member).get(document.url).status_code == 200
    assert "plugin 'broken' failed in hub_permission_check" in failures(caplog)


def test_isolation_a_raising_event_does_not_break_the_save(
    spaces, org, login, broken, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(org.rd_member).post(
            f"/pages/{spaces.rd.pk}/new/",
            {"title": "照常保存", "body": "正文", "tags": "", "status": "published"},
        )

    assert response.status_code == 302
    document = DocumentPage.objects.get(title="照常保存")
    assert [call["document"] for call in calls_of("hub_document_saved")] == [document.pk]
    assert [call["document"] for call in calls_of("hub_document_published")] == [document.pk]
    assert "plugin 'broken' failed in hub_document_saved" in failures(caplog)


class WrapsNav:
    @hookimpl(wrapper=True)
    def hub_register_nav_items(self, request):
        return (yield)


def test_isolation_a_hook_wrapper_is_skipped_and_logged(org, login, caplog):
    with registered_plugin(WrapsNav(), name="wraps-nav"), caplog.at_level(logging.ERROR):
        response = login(org.rd_member).get("/")
    assert response.status_code == 200
    assert "hook wrappers are not supported" in caplog.text


class BrokenWidget:
    @hookimpl
    def hub_register_home_widgets(self, request):
        return [Widget("broken", "Broken", "no/such/template.html")]


def test_isolation_a_widget_that_cannot_render_is_skipped(org, login, caplog):
    with registered_plugin(BrokenWidget(), name="broken-widget"), caplog.at_level(logging.ERROR):
        response = login(org.rd_member).get("/")
    assert response.status_code == 200
    assert 'data-widget="broken"' not in response.content.decode()
    assert "home widget 'broken' failed to render" in caplog.text


# Search ----------------------------------------------------------------------------------


def test_register_search_types_adds_content_searchable_by_those_who_may_see_it(
    spaces, org, login, dummy
):
    import json

    def found(user) -> list[dict]:
        response = login(user).get("/search/api/", {"q": "保密项目", "type": "dummy_space"})
        assert response.status_code == 200
        return json.loads(response.content)["results"]

    # The spaces were saved inside the test's transaction, which never commits: index
    # them the way an admin would after an import.
    call_command("reindex", "--procs", "1", "--no-progress", stdout=StringIO())
    # rd_member is a member of the members-only space; loner is not.
    assert [(r["type"], r["title"], r["url"]) for r in found(org.rd_member)] == [
        ("dummy_space", "保密项目", spaces.secret.url)
    ]
    assert found(org.loner) == []
    assert dummy.calls_of("hub_register_search_types")
    page = login(org.rd_member).get("/search/", {"q": "保密项目"}).content.decode()
    assert 'value="dummy_space"' in page and "Dummy spaces" in page


# Websockets and notifications ---------------------------------------------------------------


def test_register_websocket_routes_serves_a_plugin_consumer_behind_auth(org, login, dummy):
    from asgiref.sync import async_to_sync
    from channels.testing import WebsocketCommunicator

    from hub.websocket import websocket_application

    application = websocket_application()  # built now, so the dummy's route is in it
    assert dummy.calls_of("hub_register_websocket_routes")
    cookie = f"sessionid={login(org.rd_member).cookies['sessionid'].value}".encode()

    async def talk(headers) -> list:
        socket = WebsocketCommunicator(application, "/ws/dummy/", headers=headers)
        connected, _ = await socket.connect()
        received = []
        if connected:
            received.append(await socket.receive_json_from())
            await socket.send_json_to({"n": 1})
            received.append(await socket.receive_json_from())
        else:
            received.append("refused")
        await socket.disconnect()
        return received

    # async_to_sync runs the session lookup on this thread, inside the test's transaction.
    talk_now = async_to_sync(talk)
    assert talk_now([(b"cookie", cookie)]) == [{"hello": "rd_member"}, {"echo": {"n": 1}}]
    assert talk_now([]) == ["refused"]  # no session: the consumer closes
    foreign = [(b"cookie", cookie), (b"origin", b"https://evil.example")]
    assert talk_now(foreign) == ["refused"]  # the hub's origin check comes first


def test_register_notification_kinds_and_register_notification_channels_work_together(
    org, login, dummy, django_capture_on_commit_callbacks
):
    from hub.notifications.api import send_notification

    client = login(org.rd_member)
    settings_page = page(client, "/notifications/settings/")
    assert "Dummy news" in settings_page and "Dummy pager" in settings_page
    pager_box = re.search(r'<input[^>]*name="dummy_news:dummy_pager"[^>]*>', settings_page)
    assert pager_box and "checked" not in pager_box.group(0)  # the channel is off by default
    client.post("/notifications/settings/", {"dummy_news:dummy_pager": "on"})

    with django_capture_on_commit_callbacks(execute=True):
        send_notification([org.rd_member, org.rd_head], "新版本", kind="dummy_news")
        send_notification([org.rd_member], "别的事", kind="general")
    # Only rd_member ticked the pager, and only for dummy news.
    assert dummy.calls_of("deliver") == [{"texts": [("rd_member", "dummy_news", "新版本")]}]


# Dashboards -------------------------------------------------------------------------------


def test_register_dashboard_widgets_adds_a_panel_for_the_viewers_scope(org, login, dummy):
    html = page(login(org.rd_head), "/dashboard/")
    assert "Dummy panel" in html and "2 departments" in html  # R&D and its web team
    assert dummy.calls_of("hub_register_dashboard_widgets") == [
        {"user": org.rd_head, "departments": {org.rd.pk, org.rd_web_dept.pk}}
    ]
    narrowed = page(login(org.admin), f"/dashboard/?department={org.mkt.pk}")
    assert "1 department" in narrowed


def test_register_collaboration_points_count_towards_the_stars(org, login, dummy, settings):
    configure_dummy(settings, star="mkt_member")
    html = page(login(org.admin), "/dashboard/stars/?month=2026-11")
    assert re.search(r"<td>1</td><td>刘洋</td><td>Marketing</td><td>7</td>", html)
    assert "dummy help 7" in html
    (call,) = dummy.calls_of("hub_register_collaboration_points")
    assert (call["since"].isoformat(), call["until"].isoformat()) == ("2026-11-01", "2026-11-30")
    # A head sees only their own departments' people.
    assert "刘洋" not in page(login(org.rd_head), "/dashboard/stars/?month=2026-11")


def test_register_monthly_report_sections_adds_to_report_page_and_command(org, login, dummy):
    html = page(login(org.admin), "/dashboard/report/?month=2026-10")
    assert "<h2>Dummy figures</h2>" in html and "Dummy saw 2026-10." in html
    out = StringIO()
    call_command("report", "month", "2026-09", stdout=out)
    text = out.getvalue()
    # Ordered among the core's sections: after searches (40), before errors (80).
    assert text.index("## Searches that found nothing") < text.index("## Dummy figures")
    assert text.index("## Dummy figures") < text.index("## Errors seen")
    assert [
        call["month"].isoformat() for call in calls_of("hub_register_monthly_report_sections")
    ] == [
        "2026-10-01",
        "2026-09-01",
    ]


# Archiving ---------------------------------------------------------------------------------


def test_space_archived_and_space_restored_fire_once_after_commit(
    org, spaces, login, dummy, django_capture_on_commit_callbacks
):
    admin = login(org.admin)
    with transaction.atomic():
        from hub.archiving.services import archive_space

        archive_space(spaces.rd, org.admin)
        assert calls_of("hub_space_archived") == [], "events wait for the commit"
        transaction.set_rollback(True)
    assert calls_of("hub_space_archived") == [], "a rolled back archive is no event"
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/archive/spaces/{spaces.rd.pk}/archive/")
    assert calls_of("hub_space_archived") == [{"space": spaces.rd.pk, "user": org.admin}]
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/archive/spaces/{spaces.rd.pk}/restore/")
    assert calls_of("hub_space_restored") == [{"space": spaces.rd.pk, "user": org.admin}]


class ThingsPlugin:
    """A plugin whose "things" (kept in memory) can be archived; thing "a" is idle, "b"
    is in use, and ``failing`` makes a second type whose ``idle`` raises."""

    def __init__(self, owner) -> None:
        self.owner = owner
        self.archived: set[str] = set()
        self.calls: list[tuple[str, str, object]] = []

    def _item(self, key: str):
        from hub.items import ArchiveItem

        return ArchiveItem(key, f"Thing {key}", f"/things/{key}/", [self.owner], timezone.now())

    def _set(self, action: str, key: str, user) -> bool:
        self.calls.append((action, key, user))
        before = key in self.archived
        (self.archived.add if action == "archive" else self.archived.discard)(key)
        return before != (key in self.archived)

    @hookimpl
    def hub_register_archive_types(self) -> list:
        from hub.items import ArchiveType

        def failing(cutoff):
            raise RuntimeError("broken idle")

        def things(name: str, idle) -> ArchiveType:
            return ArchiveType(
                name,
                name,
                idle=idle,
                find=lambda key: self._item(key) if key in ("a", "b") else None,
                archived=lambda user: [self._item(key) for key in sorted(self.archived)],
                archive=lambda key, user: self._set("archive", key, user),
                restore=lambda key, user: self._set("restore", key, user),
                counted=lambda n: f"{n} things",
            )

        idle = lambda cutoff: [self._item("a")] if "a" not in self.archived else []  # noqa: E731
        return [things("failing", failing), things("things", idle)]


def test_register_archive_types_proposes_archives_and_restores_a_plugins_items(
    org, login, dummy, caplog
):
    from hub.archiving.models import Proposal
    from hub.archiving.services import propose
    from hub.notifications.models import Notification

    plugin = ThingsPlugin(org.rd_member)
    with registered_plugin(plugin, name="things"):
        created = [proposal for proposal in propose() if proposal.kind]
        assert [(p.kind, p.key) for p in created] == [("things", "a")]
        assert "broken idle" in caplog.text  # logged; the other type still proposed
        note = Notification.objects.get(user=org.rd_member, kind="archiving")
        assert "1 things" in note.text
        owner, stranger = login(org.rd_member), login(org.mkt_member)
        assert "Thing a" in page(owner, "/archive/") and "Thing a" not in page(
            stranger, "/archive/"
        )
        proposal = created[0]
        assert stranger.post(f"/archive/proposals/{proposal.pk}/archive/").status_code == 404
        assert stranger.post("/archive/items/things/a/archive/").status_code == 404
        assert owner.post("/archive/items/nothing/a/archive/").status_code == 404
        assert owner.post("/archive/items/things/zz/archive/").status_code == 404
        assert plugin.calls == []
        owner.post(f"/archive/proposals/{proposal.pk}/archive/")
        assert plugin.calls == [("archive", "a", org.rd_member)] and plugin.archived == {"a"}
        assert Proposal.objects.get(pk=proposal.pk).decision == "archived"
        assert 'data-archived-item="things:a"' in page(owner, "/archive/")
        owner.post("/archive/items/things/a/restore/")
        assert plugin.archived == set()


def test_demo_loaded_fires_once_the_demo_is_committed(
    db, dummy, django_capture_on_commit_callbacks
):
    from hub.core.demo import load_demo

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        load_demo("demo-pass-2026", StringIO())
    assert calls_of("hub_demo_loaded") == [], "not before the commit"
    for callback in callbacks:
        callback()
    (call,) = calls_of("hub_demo_loaded")
    assert {"wujing", "zhangwei", "qianhong"} <= set(call["usernames"])
