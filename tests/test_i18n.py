"""The UI speaks Simplified Chinese and English: complete catalogues, compiled .mo files in
step with them, no UI string that ``make messages`` would miss, and real pages in the
language an employee chose on their account."""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

CATALOGUES = sorted(
    [
        *settings.BASE_DIR.glob("hub/locale/zh_Hans/LC_MESSAGES/*.po"),
        *settings.BASE_DIR.glob("plugins/*/locale/zh_Hans/LC_MESSAGES/*.po"),
    ]
)
# %(name)s, %s, %d (python-format) and {name} (python-brace-format).
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq")
I18N_IGNORE = re.compile(r"^I18N_IGNORE\s*:=(.*)$", re.MULTILINE)


def catalogue_id(path: Path) -> str:
    return str(path.relative_to(settings.BASE_DIR))


def translations(entries) -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """(context, msgid) -> msgstr, or the tuple of plural forms; the header left out."""
    result = {}
    for entry in entries:
        if not entry.msgid or entry.obsolete:
            continue
        if entry.msgid_plural:
            value = tuple(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        result[(entry.msgctxt, entry.msgid)] = value
    return result


def test_the_core_and_the_feedback_plugin_have_a_chinese_catalogue():
    names = {catalogue_id(path) for path in CATALOGUES}
    assert {
        "hub/locale/zh_Hans/LC_MESSAGES/django.po",
        "plugins/feedback/locale/zh_Hans/LC_MESSAGES/django.po",
    } <= names


@pytest.mark.parametrize("po_path", CATALOGUES, ids=catalogue_id)
def test_every_string_is_translated_with_the_same_placeholders(po_path):
    catalogue = polib.pofile(str(po_path))
    # Chinese has one plural form; a fuzzy header would be dropped by msgfmt.
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not catalogue.metadata_is_fuzzy
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        sources = [entry.msgid, *([entry.msgid_plural] if entry.msgid_plural else [])]
        targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.msgid_plural and len(targets) != 1:
            problems.append(f"needs exactly one plural form: {entry.msgid!r}")
        expected = {p for source in sources for p in PLACEHOLDER.findall(source)}
        for target in targets:
            if not target.strip():
                problems.append(f"untranslated: {entry.msgid!r}")
            elif set(PLACEHOLDER.findall(target)) != expected:
                problems.append(f"placeholders differ: {entry.msgid!r} -> {target!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=catalogue_id)
def test_the_compiled_catalogue_matches_the_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{catalogue_id(mo_path)} is missing: run make messages"
    source = translations(polib.pofile(str(po_path)))
    compiled = translations(polib.mofile(str(mo_path)))
    assert compiled == source, f"{catalogue_id(mo_path)} is stale: run make messages"


def makefile_ignore_patterns() -> list[str]:
    """The --ignore patterns of the Makefile's messages target, so both check the same."""
    match = I18N_IGNORE.search((settings.BASE_DIR / "Makefile").read_text())
    assert match, "the Makefile no longer defines I18N_IGNORE for make messages"
    words = shlex.split(match[1])
    return [value for option, value in itertools.pairwise(words) if option == "--ignore"]


def msgids(po_path: Path) -> set[tuple[str | None, str]]:
    return set(translations(polib.pofile(str(po_path))))


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in GETTEXT_TOOLS),
    reason="GNU gettext (xgettext, msgmerge, msguniq) is not installed: apt-get install gettext",
)
def test_makemessages_finds_no_string_missing_from_the_catalogues(tmp_path, monkeypatch):
    """Extract the strings again from a copy of the tree; the catalogues must hold the same."""
    copy = tmp_path / "tree"
    for folder in ("hub", "plugins", "themes"):
        shutil.copytree(
            settings.BASE_DIR / folder,
            copy / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
        )
    monkeypatch.chdir(copy)
    # The copy's hub/locale receives the strings of files outside any app with a locale/.
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(copy / "hub" / "locale")])
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        no_obsolete=True,
        ignore_patterns=makefile_ignore_patterns(),
        verbosity=0,
    )
    extracted = sorted(copy.glob("**/locale/zh_Hans/LC_MESSAGES/*.po"))
    assert [path.relative_to(copy) for path in extracted] == [
        path.relative_to(settings.BASE_DIR) for path in CATALOGUES
    ], "makemessages made a new catalogue: run make messages and translate it"
    problems = []
    for po_path in CATALOGUES:
        committed, current = msgids(po_path), msgids(copy / po_path.relative_to(settings.BASE_DIR))
        problems += [
            f"{catalogue_id(po_path)}: not in the catalogue: {key}"
            for key in sorted(current - committed, key=str)
        ]
        problems += [
            f"{catalogue_id(po_path)}: no longer used: {key}"
            for key in sorted(committed - current, key=str)
        ]
    assert not problems, "run make messages and translate:\n" + "\n".join(problems)


# What each page must say: (Chinese, English) pairs of UI strings it shows.
PAGE_STRINGS = {
    "home": [("最近更新", "Recently updated"), ("我的空间", "My spaces"), ("意见反馈", "Feedback")],
    "document": [("历史版本", "History"), ("附件", "Attachments"), ("已发布", "Published")],
    "history": [("历史版本", "History"), ("比较所选版本", "Compare selected revisions")],
    "feedback": [("提交反馈", "Send feedback"), ("我的反馈", "My feedback")],
}


@pytest.fixture
def pages(org, spaces, make_document) -> dict[str, str]:
    document = make_document(spaces.rd, org.rd_head, title="研发周报", body="# 本周进展")
    return {
        "home": "/",
        "document": document.url,
        "history": reverse("document_history", args=[document.pk]),
        "feedback": reverse("feedback:mine"),
    }


def page_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("account", "browser", "shown", "hidden"),
    [("zh-hans", "en", 0, 1), ("en", "zh-hans", 1, 0)],
    ids=["chinese-account-english-browser", "english-account-chinese-browser"],
)
def test_pages_speak_the_language_chosen_on_the_account(
    org, pages, login, account, browser, shown, hidden
):
    employee = org.rd_member
    employee.language = account
    employee.save(update_fields=["language"])
    client = login(employee, language=browser)
    for name, url in pages.items():
        html = page_text(client, url)
        assert f'<html lang="{account}"' in html, name
        for pair in PAGE_STRINGS[name]:
            assert f">{pair[shown]}<" in html, f"{name} page lacks {pair[shown]!r}"
            assert f">{pair[hidden]}<" not in html, f"{name} page shows {pair[hidden]!r}"


def test_without_an_account_choice_the_browser_then_hub_language_decide(org, login):
    assert "最近更新" in page_text(login(org.rd_member, language="zh-hans"), "/")
    assert "Recently updated" in page_text(login(org.rd_member, language="en"), "/")
    # No Accept-Language at all: the hub's default language (HUB_LANGUAGE).
    for default, heading in (("zh-hans", "登录"), ("en", "Log in")):
        with override_settings(LANGUAGE_CODE=default):
            assert f"<h1>{heading}</h1>" in page_text(Client(), reverse("login"))


def test_the_language_switcher_remembers_the_choice_on_the_account(org, login):
    client = login(org.rd_member, language="en")
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    org.rd_member.refresh_from_db()
    assert org.rd_member.language == "zh-hans"
    # Another device, with an English browser and no language cookie, gets the choice too.
    assert "最近更新" in page_text(login(org.rd_member, language="en"), "/")


def test_an_unknown_language_changes_nothing(org, login):
    client = login(org.rd_member, language="en")
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    org.rd_member.refresh_from_db()
    assert org.rd_member.language == ""
    assert "Recently updated" in page_text(client, "/")
