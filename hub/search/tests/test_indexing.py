"""Indexing never loses or blocks: one writer per process under concurrent saves and a
held lock, updates visible within a second, ``hub reindex`` swaps, corruption rebuilt."""

import threading
import time

import pytest
from django.core.management import call_command
from modelsearch.backends import get_search_backend
from whoosh.filedb.filestore import FileStorage

from hub.core.documents import save_document
from hub.core.models import DocumentPage
from hub.search.backend import flush
from hub.search.store import LOCK_NAME


def titles(results) -> set[str]:
    return {document.title for document in results}


def page_index_folder():
    return get_search_backend().get_index_for_model(DocumentPage).store.path


def test_concurrent_saves_under_a_held_lock_lose_nothing(whoosh, spaces, org, make_document):
    documents = [
        make_document(spaces.company_read, org.admin, title=f"doc {n}", body=f"word{n}")
        for n in range(40)
    ]
    backend = get_search_backend()
    DocumentPage.objects.search("anything").count()  # creates the index folder
    # Another process (or hub reindex) holds Whoosh's write lock for a while.
    lock = FileStorage(str(page_index_folder())).lock(LOCK_NAME)
    assert lock.acquire()
    errors = []

    def save(batch):
        try:
            for document in batch:
                backend.add(document)  # outside a transaction: queued at once
        except Exception as error:  # the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=save, args=(documents[n::8],)) for n in range(8)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - started < 1, "saving waited for the index lock"
    assert errors == []
    assert not flush(timeout=0.5), "the writer cannot commit while the lock is held"
    lock.release()
    assert flush()
    assert DocumentPage.objects.search("doc").count() == 40
    assert titles(DocumentPage.objects.search("word17")) == {"doc 17"}


def test_a_saved_change_is_searchable_within_a_second(
    backend, spaces, org, make_document, indexing, django_capture_on_commit_callbacks
):
    with indexing():
        document = make_document(spaces.company_read, org.admin, title="Plan", body="旧的 words")
    with django_capture_on_commit_callbacks(execute=True):
        save_document(document, org.admin, "Plan", "brand new 路线图", "published", [])
    started = time.monotonic()
    while not DocumentPage.objects.search("路线图").count():
        assert time.monotonic() - started < 1, "the change was not searchable within 1 s"
        time.sleep(0.02)
    assert DocumentPage.objects.search("旧的").count() == 0


def test_reindex_rebuilds_aside_and_swaps(whoosh, spaces, org, make_document, capsys):
    make_document(spaces.company_read, org.admin, title="Roadmap", body="路线图 milestones")
    store = get_search_backend().get_index_for_model(DocumentPage).store
    assert flush()
    store.rebuild(empty=True)  # the index lost everything; the database knows the truth
    assert DocumentPage.objects.search("路线图").count() == 0
    folder = page_index_folder()
    before = folder.stat().st_ino
    call_command("reindex", "--procs", "1", "--no-progress")
    assert folder.stat().st_ino != before
    assert titles(DocumentPage.objects.search("路线图 milestones")) == {"Roadmap"}
    assert sorted(p.name for p in folder.parent.iterdir()) == sorted(
        p.name for p in folder.parent.iterdir() if not p.name.startswith(".")
    )
    assert str(folder) in capsys.readouterr().out


def test_reindex_with_two_processes(whoosh, spaces, org, make_document):
    for n in range(30):
        make_document(spaces.company_read, org.admin, title=f"并行 {n}", body=f"文档 number{n}")
    call_command("reindex", "--procs", "2", "--no-progress")
    assert DocumentPage.objects.search("并行").count() == 30
    assert titles(DocumentPage.objects.search("number7")) == {"并行 7"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_corrupt_index_is_detected_searches_fall_back_and_it_is_rebuilt(
    whoosh, spaces, org, make_document, caplog
):
    make_document(spaces.company_read, org.admin, title="Budget", body="预算审批 budget")
    assert flush()
    assert titles(DocumentPage.objects.search("预算")) == {"Budget"}
    folder = page_index_folder()
    for path in folder.iterdir():
        path.write_bytes(b"garbage" * 100)
    results = DocumentPage.objects.search("预算")
    assert titles(results) == {"Budget"} and results.degraded, "the database answers meanwhile"
    assert "unreadable" in caplog.text
    deadline = time.monotonic() + 20
    while True:
        results = DocumentPage.objects.search("预算审批")
        if titles(results) == {"Budget"} and not results.degraded:
            break
        assert time.monotonic() < deadline, "the index was not rebuilt"
        time.sleep(0.1)


def test_reindex_brings_a_stale_index_up_to_date(backend, spaces, org, make_document, indexing):
    with indexing():
        document = make_document(spaces.company_read, org.admin, title="Plan", body="旧的路线图")
    # Changed behind the index's back (as a restore or a bulk update does).
    DocumentPage.objects.filter(pk=document.pk).update(body="新的里程碑 milestones")
    assert titles(DocumentPage.objects.search("里程碑")) == set()
    with indexing():
        call_command("reindex", "--procs", "1", "--no-progress", verbosity=0)
    assert titles(DocumentPage.objects.search("里程碑 milestone")) == {"Plan"}
    assert titles(DocumentPage.objects.search("路线")) == set()
