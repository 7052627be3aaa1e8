"""The Markdown export, the print page, the export buttons and who may export what."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from hub.export.views import download_name
from hub.themes import theme_chain

EXPORTS = ("export:markdown", "export:docx", "export:print")


def front_matter_and_body(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    header, body = text[4:].split("\n---\n\n", 1)
    return yaml.safe_load(header), body


def test_markdown_export_is_the_source_with_fields_as_front_matter(org, minutes, login):
    document = minutes.document
    response = login(org.rd_member).get(reverse("export:markdown", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    expected_name = quote("研发周会纪要 2026_05_14.md")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{expected_name}"
    meta, body = front_matter_and_body(response.content.decode("utf-8"))
    assert body == document.body
    assert meta["title"] == "研发周会纪要 2026/05/14"
    assert meta["space"] == "研发部"
    assert meta["owner"] == "王芳"
    assert meta["status"] == "published"
    assert meta["tags"] == sorted(["会议纪要", "研发"])
    assert meta["url"] == f"http://testserver{document.url}"
    fields = meta["fields"]
    # The reader's language (the login fixture sends English).
    assert fields["Place"] == "三楼会议室"
    assert fields["Attendees"] == "张伟, 李娜"
    assert fields["Agenda"] == "1. 发布计划\n2. 回归测试"
    assert fields["Action items"] == [
        {"What": "评审离线合并方案", "Owner": "李娜", "Due date": "2026-05-20", "Status": "Open"}
    ]


def test_markdown_export_follows_the_chinese_ui(org, minutes, login):
    response = login(org.rd_member, language="zh-hans").get(
        reverse("export:markdown", args=[minutes.document.pk])
    )
    meta, _body = front_matter_and_body(response.content.decode("utf-8"))
    assert meta["fields"]["地点"] == "三楼会议室"
    assert meta["fields"]["参会人"] == "张伟、李娜"


def test_document_without_template_has_no_fields(org, spaces, make_document, login):
    document = make_document(spaces.rd, org.rd_member, title="Plain notes", body="Hello")
    response = login(org.rd_member).get(reverse("export:markdown", args=[document.pk]))
    meta, body = front_matter_and_body(response.content.decode())
    assert "fields" not in meta and body == "Hello\n"
    assert response["Content-Disposition"] == 'attachment; filename="Plain notes.md"'


@pytest.mark.parametrize("name", EXPORTS)
def test_hidden_and_missing_documents_are_404(org, spaces, minutes, login, name):
    client = login(org.loner)
    assert client.get(reverse(name, args=[minutes.document.pk])).status_code == 404
    # A document of 市场部's members-only space, which rd_member is not a member of.
    assert login(org.rd_member).get(reverse(name, args=[minutes.hidden.pk])).status_code == 404
    assert client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("name", EXPORTS)
def test_anonymous_readers_are_sent_to_log_in(minutes, client, name):
    response = client.get(reverse(name, args=[minutes.document.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_document_page_shows_the_export_buttons(org, minutes, login):
    html = login(org.rd_member).get(minutes.document.url).content.decode()
    for name, label in [
        ("export:docx", "Export to Word"),
        ("export:markdown", "Export Markdown"),
        ("export:print", "Print"),
    ]:
        assert f'href="{reverse(name, args=[minutes.document.pk])}"' in html
        assert label in html


def test_print_page_has_header_fields_body_and_no_navigation(org, minutes, login):
    response = login(org.rd_member).get(reverse("export:print", args=[minutes.document.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>研发周会纪要 2026/05/14</h1>" in html
    assert "Space: 研发部" in html and "Owner: 王芳" in html
    date = minutes.document.latest_revision_created_at
    assert "Last revision: " in html and date.astimezone().strftime("%Y-%m-%d") in html
    assert "三楼会议室" in html and "评审离线合并方案" in html  # the field header
    assert "<strong>发布计划</strong>" in html  # the rendered body
    assert "data-print" in html and "export/print.css" in html and "export/print.js" in html
    assert 'class="site-header"' not in html and "<nav" not in html


def test_print_page_uses_the_active_theme(org, minutes, login, settings):
    settings.THEMES = theme_chain(settings.BASE_DIR / "themes", "dark")
    html = login(org.rd_member).get(reverse("export:print", args=[minutes.document.pk]))
    html = html.content.decode()
    assert 'data-theme="dark"' in html
    assert html.index("themes/default/hub.css") < html.index("themes/dark/dark.css")
    assert html.index("themes/dark/dark.css") < html.index("export/print.css")


def test_print_stylesheet_has_print_rules():
    css = (settings.BASE_DIR / "hub/export/static/export/print.css").read_text()
    assert "@media print" in css and "@page" in css
    assert "break-inside: avoid" in css and "break-after: avoid" in css


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("周报 2026-W19", "周报 2026-W19.md"),
        ('a/b\\c:d*e?"f<g>h|i', "a_b_c_d_e_f_g_h_i.md"),
        ("...", "document.md"),
        ("\x00\x1f", "document.md"),
    ],
)
def test_download_names_keep_chinese_and_drop_separators(title, name):
    assert download_name(title, "md") == name
