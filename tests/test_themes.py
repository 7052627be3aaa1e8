"""Themes: every theme in ``themes/`` renders every main page with its own stylesheets and
templates, serves its static files, and ``hub.themes`` rejects broken theme folders.

Themes are discovered with ``hub.themes.available_themes``, so a new theme folder is tested
without touching this file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from wagtail.models import Revision

from hub import hookimpl
from hub.core.documents import save_document
from hub.items import Fragment
from hub.settings import BASE_DIR
from hub.testing import registered_plugin
from hub.themes import (
    Theme,
    available_themes,
    staticfiles_dirs,
    stylesheet_paths,
    template_dirs,
    theme_chain,
)

THEMES_DIR = BASE_DIR / "themes"
THEME_NAMES = available_themes(THEMES_DIR)
TAG = "周报"
WEEKLY_REPORT = (
    "# 本周进展\n\n- [x] 完成新品发布会方案\n- [ ] 联系渠道伙伴\n\n"
    "| 指标 | 数值 |\n|---|---|\n| 线索 | 128 |\n"
)


@pytest.fixture
def use_theme(settings):
    """use_theme(name) switches the running hub to that theme, as HUB_THEME would."""

    def activate(name: str) -> list[Theme]:
        chain = theme_chain(THEMES_DIR, name)
        settings.THEMES = chain
        # Django resets its template engines and static finders on these two changes.
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": template_dirs(chain)}]
        settings.STATICFILES_DIRS = staticfiles_dirs(chain)
        return chain

    return activate


def winning_templates(chain: list[Theme]) -> dict[str, Path]:
    """Template name -> the file Django must load: the most specific theme providing it."""
    winners: dict[str, Path] = {}
    for theme in reversed(chain):
        root = theme.path / "templates"
        for file in root.rglob("*.html"):
            winners[file.relative_to(root).as_posix()] = file
    return winners


def stylesheet_urls(chain: list[Theme]) -> list[str]:
    """The stylesheets a page must link, parents' first so a child theme's rules win."""
    return [static(path) for path in stylesheet_paths(chain)]


class SlotProbe:
    """Puts a marker in every template slot, to prove a theme's base keeps its slots."""

    @hookimpl
    def hub_register_template_fragments(self, slot, request, context):
        return [Fragment(f"<!-- slot:{slot} -->")]


@pytest.fixture
def main_pages(spaces, org, make_document) -> dict[str, str]:
    """Page name -> URL of every main page, for mkt_member (admin of the 公司百科 space)."""
    space = spaces.company_edit
    document = make_document(
        space,
        org.mkt_member,
        title="市场部周报 第12周",
        body=WEEKLY_REPORT,
        tags=(TAG,),
    )
    next_week = WEEKLY_REPORT + "\n下周：准备展会。"
    save_document(document, org.mkt_member, document.title, next_week, "published", [TAG])
    old, new = Revision.page_revisions.filter(object_id=str(document.pk)).order_by("pk")
    pages = {
        "home": "/",
        "space list": reverse("space_list"),
        "space": space.url,
        "document": document.url,
        "new document": reverse("document_create", args=[space.pk]),
        "edit": reverse("document_edit", args=[document.pk]),
        "history": reverse("document_history", args=[document.pk]),
        "diff": f"{reverse('document_diff', args=[document.pk])}?from={old.pk}&to={new.pk}",
        "revision": reverse("revision_view", args=[document.pk, old.pk]),
        "tag": reverse("tag", args=[TAG]),
        "new project space": reverse("space_create"),
        "members": reverse("space_members", args=[space.pk]),
    }
    # Plugin pages, where the plugin is installed (Wagtail's page tree catches the rest).
    for plugin_url in ["/feedback/"]:
        try:
            if resolve(plugin_url).url_name != "wagtail_serve":
                pages[plugin_url] = plugin_url
        except Resolver404:
            pass
    return pages


@pytest.mark.parametrize("name", THEME_NAMES)
def test_every_main_page_renders_with_the_themes_templates_and_stylesheets(
    name, use_theme, main_pages, org, login
):
    chain = use_theme(name)
    winners = winning_templates(chain)
    sheets = stylesheet_urls(chain)
    clients = {page: login(org.mkt_member) for page in main_pages}
    clients["login"] = Client(HTTP_ACCEPT_LANGUAGE="en")
    urls = {**main_pages, "login": reverse("login")}
    used: set[Path] = set()
    with registered_plugin(SlotProbe()):
        for page, url in urls.items():
            response = clients[page].get(url)
            assert response.status_code == 200, f"{name}: {page} ({url})"
            html = response.content.decode()
            assert f'data-theme="{name}"' in html, f"{name}: {page}"
            positions = [html.find(f'href="{sheet}"') for sheet in sheets]
            assert -1 not in positions and positions == sorted(positions), f"{name}: {page}"
            for slot in ("head", "body_end"):
                assert f"<!-- slot:{slot} -->" in html, f"{name}: {page} lost slot {slot}"
            rendered = {
                t.name: Path(t.origin.name) for t in response.templates if t.name in winners
            }
            assert "base.html" in rendered, f"{name}: {page}"
            for template, origin in rendered.items():
                assert origin == winners[template], f"{name}: {page} used {origin} for {template}"
            used.update(rendered.values())
    own = {path for path in winners.values() if path.is_relative_to(chain[0].path)}
    assert own <= used, f"{name}: templates never used: {sorted(map(str, own - used))}"


@pytest.mark.parametrize("name", THEME_NAMES)
def test_static_files_of_the_theme_chain_are_served(name, use_theme, db):
    chain = use_theme(name)
    selected = {theme.name for theme in chain}
    client = Client()
    for other in THEME_NAMES:
        for sheet in (THEMES_DIR / other / "static").glob("*.css"):
            response = client.get(static(f"themes/{other}/{sheet.name}"))
            if other in selected:
                assert response.status_code == 200, f"{name}: {sheet}"
                assert b"".join(response.streaming_content) == sheet.read_bytes()
            else:
                # A theme that is not selected (nor a parent) is not published.
                assert response.status_code == 404, f"{name}: {sheet}"


def test_dark_theme_falls_back_to_default_for_what_it_does_not_override():
    dark, default = theme_chain(THEMES_DIR, "dark")
    assert (dark.name, default.name) == ("dark", "default")
    winners = winning_templates([dark, default])
    assert winners["includes/header.html"].is_relative_to(dark.path)
    assert winners["includes/language_switcher.html"].is_relative_to(default.path)
    assert (default.stylesheets, dark.stylesheets) == (["hub.css"], ["dark.css"])


def write_theme(themes_dir: Path, name: str, manifest: str) -> None:
    (themes_dir / name).mkdir(parents=True)
    (themes_dir / name / "theme.toml").write_text(manifest, encoding="utf-8")


def test_unknown_theme_is_an_error_naming_the_available_ones():
    with pytest.raises(ValueError) as error:
        theme_chain(THEMES_DIR, "neon")
    assert "neon" in str(error.value)
    for name in THEME_NAMES:
        assert name in str(error.value)


def test_missing_parent_is_an_error(tmp_path):
    write_theme(tmp_path, "child", 'parent = "ghost"\n')
    with pytest.raises(ValueError, match=r"'ghost'.*available: child"):
        theme_chain(tmp_path, "child")


def test_parent_loop_is_an_error(tmp_path):
    write_theme(tmp_path, "a", 'parent = "b"\n')
    write_theme(tmp_path, "b", 'parent = "a"\n')
    with pytest.raises(ValueError, match="parent loop"):
        theme_chain(tmp_path, "a")


def test_malformed_manifest_is_an_error_naming_the_file(tmp_path):
    write_theme(tmp_path, "broken", 'label = "Broken\nstylesheets = ["x.css"]\n')
    with pytest.raises(ValueError) as error:
        theme_chain(tmp_path, "broken")
    assert str(tmp_path / "broken" / "theme.toml") in str(error.value)


def test_theme_name_cannot_leave_the_themes_folder(tmp_path):
    with pytest.raises(ValueError, match="not a theme name"):
        theme_chain(tmp_path, "../etc")


def test_manifest_keys_are_read(tmp_path):
    write_theme(tmp_path, "base", 'label = "Base"\nstylesheets = ["a.css", "b.css"]\n')
    write_theme(tmp_path, "child", 'label = "Child"\nparent = "base"\nstylesheets = ["c.css"]\n')
    child, base = theme_chain(tmp_path, "child")
    assert (child.label, child.parent, child.stylesheets) == ("Child", "base", ["c.css"])
    assert (base.label, base.parent, base.stylesheets) == ("Base", None, ["a.css", "b.css"])


def test_hub_refuses_to_start_with_an_unknown_hub_theme(tmp_path):
    env = {**os.environ, "HUB_THEME": "neon", "HUB_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env={**env, "DJANGO_SETTINGS_MODULE": "hub.settings"},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "HUB_THEME='neon'" in result.stderr
