"""Word export speed: ``hub.export.docx.build_docx`` against pandoc (``pandoc -f gfm -t
docx``) on the same 40-section Chinese/English document as ``bench_rendering``.

The hub builds its file from a document in the database (fields, revisions, permission
checks on images), in this process; pandoc converts the bare Markdown in a new process
each call, so its figure includes its start-up. Both are measured in this run. The
document is created inside a transaction that is rolled back, so the database is left as
it was.
"""

import os
import shutil
import subprocess
import tempfile

import django

from tests.bench.bench_rendering import DOCUMENT
from tests.bench.timing import best_per_call, report


def _pandoc(folder: str) -> None:
    subprocess.run(
        ["pandoc", "-f", "gfm", "-t", "docx", "-o", os.path.join(folder, "pandoc.docx")],
        input=DOCUMENT.encode(),
        check=True,
    )


def run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    os.environ.setdefault("HUB_DATA_DIR", tempfile.mkdtemp(prefix="hub-bench-export-"))
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from hub.core.documents import create_document
    from hub.core.models import HomePage, SpacePage, User
    from hub.export.docx import build_docx

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        user = User.objects.create_superuser("bench-export", "bench@example.cn", name="测试")
        space = SpacePage(title="基准测试", slug="bench-export-space")
        HomePage.objects.get().add_child(instance=space)
        document = create_document(space, user, "接口设计文档", DOCUMENT, "published")
        size = len(build_docx(document, user, "http://127.0.0.1:8000/"))
        print(f"document: {len(DOCUMENT)} characters; Word file {size >> 10} KB")
        ours = best_per_call(lambda: build_docx(document, user, "http://127.0.0.1:8000/"), 5)
        transaction.set_rollback(True)
    if shutil.which("pandoc") is None:
        print(f"build_docx: {ours * 1e3:.1f} ms per call; pandoc is not installed")
        return
    with tempfile.TemporaryDirectory() as folder:
        reference = best_per_call(lambda: _pandoc(folder), 5)
    report("build_docx (hub)", ours, "pandoc -f gfm -t docx (incl. start-up)", reference)


if __name__ == "__main__":
    run()
