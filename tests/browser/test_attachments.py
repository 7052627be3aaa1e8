"""In Chromium: attaching an image to a document, opening it, and another department being
refused both the file and the document."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import png_image

pytestmark = pytest.mark.browser

FILENAME = "架构图.png"


def test_upload_and_open_an_image_hidden_from_other_departments(
    spaces, org, make_document, tmp_path, browser_login, browser_tab
):
    document = make_document(spaces.rd, org.rd_member, title="系统架构", body="见附件。")
    image = png_image(24, 16, (20, 86, 240))
    upload = tmp_path / FILENAME
    upload.write_bytes(image)

    page = browser_login(org.rd_member)
    page.goto(document.url)
    attachments = page.locator("section", has=page.get_by_role("heading", name="Attachments"))
    expect(attachments).to_contain_text("No attachments.")
    attachments.locator("input[type=file]").set_input_files(upload)
    attachments.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("status")).to_have_text("The file was attached.")
    link = attachments.get_by_role("link", name=FILENAME)
    expect(link).to_be_visible()
    expect(attachments).to_contain_text(f"{len(image)}\xa0bytes")
    with page.expect_navigation() as opened:
        link.click()
    response = opened.value
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert response.body() == image
    # Chromium decoded it: the image shows at its own size.
    assert page.locator("img").evaluate("img => [img.naturalWidth, img.naturalHeight]") == [24, 16]
    attachment_url = page.url

    outsider = browser_tab(org.mkt_member)
    for url in (attachment_url, document.url):
        response = outsider.goto(url)
        assert response.status == 404, url
        expect(outsider.locator("body")).not_to_contain_text("系统架构")
