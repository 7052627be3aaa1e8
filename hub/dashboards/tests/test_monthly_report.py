"""The monthly operations report: its sections from real data (incl. the feedback plugin's),
errors counted by the logging handler, the page for admins only, Word and print, the
command and its bad input."""

from __future__ import annotations

import io
import logging
from io import StringIO

import docx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from hub.core.months import current_month
from hub.dashboards.models import ErrorTally

MONTH = f"{current_month():%Y-%m}"


@pytest.fixture
def month_of_work(org, spaces, make_document, login):
    make_document(spaces.rd, org.rd_member, title="架构说明")
    make_document(spaces.rd, org.rd_member, title="![x](/evil) 注入|标题")
    login(org.rd_member).get("/search/", {"q": "量子纠缠"})  # finds nothing: recorded
    logger = logging.getLogger("hub.test")
    logger.error("索引写入失败\nTraceback ...")
    logger.error("索引写入失败\nanother traceback")


def report(*args) -> str:
    out = StringIO()
    call_command("report", "month", *args, stdout=out)
    return out.getvalue()


def test_the_report_tells_the_month(month_of_work):
    text = report(MONTH)
    assert text.startswith(f"# Operations report {MONTH}")
    # rd_member wrote and signed in; rd_head did neither; gone left and is not counted.
    assert "| R&D | 1 | 2 | 50% |" in text and "| Marketing | 0 | 1 | 0% |" in text
    assert "| 架构说明 | 研发部 | 1 |" in text
    # A title is shown as typed: no image, no extra table column.
    assert "\\!\\[x\\]\\(/evil\\) 注入\\|标题" in text
    assert "| 量子纠缠 | 1 |" in text
    assert "| hub.test | 索引写入失败 | 2 |" in text  # one row for the same error, counted twice
    assert "## Feedback\n\nTotal: 0" in text  # the feedback plugin's section


def test_errors_are_counted_per_day_without_breaking_the_caller(db):
    logging.getLogger("hub.x").error("boom")
    logging.getLogger("hub.x").error("boom")
    logging.getLogger("hub.x").warning("not counted")
    (tally,) = ErrorTally.objects.all()
    assert (tally.logger, tally.message, tally.count, tally.day) == (
        "hub.x",
        "boom",
        2,
        timezone.localdate(),
    )


def test_the_command_refuses_a_bad_month_and_a_missing_folder(db, tmp_path):
    with pytest.raises(CommandError, match="is not a month"):
        report("2026-13")
    with pytest.raises(CommandError, match="No such folder"):
        report(MONTH, "--docx", str(tmp_path / "nowhere" / "r.docx"))
    target = tmp_path / "report.docx"
    report(MONTH, "--docx", str(target))
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert MONTH in text


def test_the_page_is_for_admins_with_word_and_print(org, login, month_of_work):
    assert login(org.rd_head).get(reverse("dashboards:report")).status_code == 404
    client = login(org.admin)
    page = client.get(reverse("dashboards:report"), {"month": MONTH}).content.decode()
    assert "<table>" in page and "架构说明" in page and "<img" not in page
    word = client.get(reverse("dashboards:report"), {"month": MONTH, "format": "docx"})
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(word.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "架构说明" in cells and "![x](/evil) 注入|标题" in cells
    printed = client.get(reverse("dashboards:report"), {"month": MONTH, "format": "print"})
    assert "print-sheet" in printed.content.decode()
    bad = client.get(reverse("dashboards:report"), {"month": "next"})
    assert bad.status_code == 400 and "is not a month" in bad.content.decode()
