"""Search: the hub's Whoosh backend against Wagtail's SQLite FTS5 backend, on one corpus.

One run, in a temporary ``HUB_DATA_DIR`` with a fresh SQLite database: generate the
corpus and query set (``tests.bench.corpus``), load the documents as ``DocumentPage``s
spread over three spaces (one the employee cannot see) with some drafts, then for each
backend build the index of the documents through Wagtail's rebuild API and search as the
employee through ``visible_documents(employee).search(query, backend=...)``, so
permission filtering is on. Printed per backend: index build documents/s, index size,
query latency p50/p95/p99 (a query is the first page of results and the total count,
as the search page needs), recall per query class against the ground truth restricted
to what the employee may see, false hits and leaks (hits the employee may not see).

References, measured in the same run: Wagtail's database backend on SQLite FTS5 as it
ships, and the same over jieba-segmented text (``tests.bench.fts5_jieba``).

``HUB_BENCH_DOCS`` sets the corpus size (default 20,000), ``HUB_BENCH_QUERIES`` the
queries per class (default 100). Everything runs in this one process on one core, unless
a backend itself uses more.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from tests.bench.corpus import (
    PHRASE_CLASSES,
    QUERY_CLASSES,
    Document,
    GroundTruth,
    Query,
    generate_documents,
    generate_queries,
)

if TYPE_CHECKING:
    from hub.core.models import User

DOCUMENTS = int(os.environ.get("HUB_BENCH_DOCS", "20000"))
QUERIES_PER_CLASS = int(os.environ.get("HUB_BENCH_QUERIES", "100"))
PAGE_SIZE = 20
CHUNK_SIZE = 1000
HUB_BACKEND = "hub.search.backend"
# (label, WAGTAILSEARCH_BACKENDS key, backend path); the two FTS5 variants share Wagtail's
# index tables, so each backend is built and measured before the next one is built.
CONTENDERS = (
    ("hub (Whoosh)", "hub", HUB_BACKEND),
    ("FTS5", "fts5", "wagtail.search.backends.database"),
    ("FTS5 + jieba", "fts5_jieba", "tests.bench.fts5_jieba"),
)


@dataclass
class Outcome:
    """What one backend measured."""

    label: str
    build_seconds: float = 0.0
    size_bytes: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    found: Counter = field(default_factory=Counter)
    expected: Counter = field(default_factory=Counter)
    complete: Counter = field(default_factory=Counter)
    false_hits: Counter = field(default_factory=Counter)
    leaks: int = 0

    def all_latencies(self) -> list[float]:
        return [seconds for values in self.latencies.values() for seconds in values]


def setup_django(data_dir: Path) -> None:
    """Point the hub at ``data_dir``, declare the benchmark's backends, migrate."""
    from django.conf import settings

    if settings.configured:
        raise RuntimeError("bench_search needs a process where Django is not set up yet")
    os.environ["HUB_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    backends = {
        name: {"BACKEND": path, "AUTO_UPDATE": False}
        for _label, name, path in CONTENDERS
        if path != HUB_BACKEND or importlib.util.find_spec(HUB_BACKEND) is not None
    }
    if "hub" in backends:
        backends["hub"]["PATH"] = str(data_dir / "whoosh")
    # Pages are created in bulk without signals, so no backend updates itself meanwhile.
    settings.WAGTAILSEARCH_BACKENDS = {"default": backends["fts5"], **backends}

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def load_corpus(documents: list[Document]) -> tuple[User, dict[int, int]]:
    """Create the organisation, three spaces and the documents; return (employee, key by pk).

    The employee belongs to the department of the "team" space (viewer through its
    department visibility), reads the "company" space, and has no role in "private".
    """
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    from hub.core.models import Department, DocumentPage, HomePage, SpaceMembership, SpacePage
    from hub.core.models import User as UserModel

    Visibility = SpacePage.Visibility
    team = Department.objects.create(code="bench-team", name="研发部", name_en="R&D")
    other = Department.objects.create(code="bench-other", name="财务部", name_en="Finance")
    employee = UserModel.objects.create_user("employee", name="员工", department=team)
    author = UserModel.objects.create_user("author", name="作者", department=other)
    home = HomePage.objects.get()
    spaces = {
        "team": SpacePage(
            title="研发部",
            slug="bench-team",
            kind=SpacePage.Kind.DEPARTMENT,
            department=team,
            visibility=Visibility.DEPARTMENT,
        ),
        "company": SpacePage(
            title="员工手册", slug="bench-company", visibility=Visibility.COMPANY_READ
        ),
        "private": SpacePage(
            title="财务部",
            slug="bench-private",
            kind=SpacePage.Kind.DEPARTMENT,
            department=other,
            visibility=Visibility.MEMBERS,
        ),
    }
    for space in spaces.values():
        home.add_child(instance=space)
    SpaceMembership.objects.create(
        space=spaces["private"], department=other, role=SpaceMembership.Role.EDITOR
    )

    now = timezone.now()
    children: Counter = Counter()
    pages = []
    for document in documents:
        space = spaces[document.space]
        children[document.space] += 1
        slug = f"doc-{document.key}"
        pages.append(
            DocumentPage(
                title=document.title,
                draft_title=document.title,
                slug=slug,
                # The tree path treebeard's add_child would give the n-th child.
                path=DocumentPage._get_path(space.path, space.depth + 1, children[document.space]),
                depth=space.depth + 1,
                url_path=f"{space.url_path}{slug}/",
                locale_id=space.locale_id,
                live=True,
                first_published_at=now,
                last_published_at=now,
                owner=employee if document.owned_by_employee else author,
                body=document.body,
                status=document.status,
                space=space,
            )
        )
    with transaction.atomic():
        # Django cannot bulk-create a multi-table child model: the Page rows go in bulk,
        # then each DocumentPage row alone with save_base(raw=True), as loaddata does
        # (no parent save, and raw saves trigger no indexing or reference signals).
        Page.objects.bulk_create(pages, batch_size=500)
        for page in pages:
            page.page_ptr_id = page.id
            page.save_base(raw=True, force_insert=True)
        for name, space in spaces.items():
            SpacePage.objects.filter(pk=space.pk).update(numchild=children[name])
    key_by_pk = {page.pk: document.key for page, document in zip(pages, documents, strict=True)}
    return employee, key_by_pk


def build_index(backend_name: str) -> float:
    """Index every document as Wagtail's ``update_index`` does; return the seconds it took."""
    from wagtail.search.backends import get_search_backend

    from hub.core.models import DocumentPage

    backend = get_search_backend(backend_name)
    start = time.perf_counter()
    index = backend.get_index_for_model(DocumentPage)
    rebuilder = backend.rebuilder_class(index) if backend.rebuilder_class else None
    if rebuilder is not None:
        index = rebuilder.start()
    index.add_model(DocumentPage)
    objects = DocumentPage.get_indexed_objects().order_by("pk")
    total = objects.count()
    with tqdm(total=total, desc=f"indexing ({backend_name})", unit="doc", disable=None) as bar:
        for offset in range(0, total, CHUNK_SIZE):
            chunk = list(objects[offset : offset + CHUNK_SIZE])
            index.add_items(DocumentPage, chunk)
            bar.update(len(chunk))
    if rebuilder is not None:
        rebuilder.finish()
    backend.refresh_indexes()
    return time.perf_counter() - start


def fts5_tables() -> list[str]:
    """Wagtail's index entry table and its FTS5 table (SQLite names them after it)."""
    from modelsearch.conf import get_app_config

    entries = get_app_config().get_model("IndexEntry")._meta.db_table
    return [entries, f"{entries}_fts"]


def fts5_size() -> int:
    """Bytes of the pages of the index tables, their shadow tables and their indexes."""
    from django.db import connection

    prefix = fts5_tables()[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(dbstat.pgsize), 0) FROM dbstat"
            " JOIN sqlite_master ON sqlite_master.name = dbstat.name"
            " WHERE sqlite_master.tbl_name LIKE %s",
            [f"{prefix}%"],
        )
        return cursor.fetchone()[0]


def empty_fts5() -> None:
    """Drop the FTS5 entries of the previous variant and merge away its deletions."""
    from django.db import connection

    entries, fts = fts5_tables()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {entries}")
        cursor.execute(f"INSERT INTO {fts}({fts}) VALUES('optimize')")


def analyze() -> None:
    """Give SQLite's query planner statistics, as ``PRAGMA optimize`` does on a kept site.

    Without them it joins Wagtail's FTS5 table from the index entry side, one FTS5 probe
    per entry, and an FTS5 query costs time in proportion to the corpus.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def folder_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def search(backend_name: str, employee: User, query: Query, by_relevance: bool = True):
    """The employee's search, as the hub runs it: permission filter first, then the query."""
    from wagtail.search.query import Phrase, PlainText

    from hub.core.permissions import forget_roles, visible_documents

    # A request resolves the user's roles afresh; so does every benchmark query.
    forget_roles(employee)
    wanted = Phrase(query.text) if query.kind in PHRASE_CLASSES else PlainText(query.text, "and")
    return visible_documents(employee).search(
        wanted, order_by_relevance=by_relevance, backend=backend_name
    )


def measure_queries(
    outcome: Outcome,
    backend_name: str,
    employee: User,
    truths: dict[Query, frozenset[int]],
    hidden: frozenset[int],
    key_by_pk: dict[int, int],
) -> None:
    """Recall and false hits from every hit (a first pass that also warms caches), then
    latency of one first page plus the count, per query."""
    for query, truth in tqdm(truths.items(), desc="recall", unit="query", disable=None):
        # Every hit, unordered: Wagtail's FTS5 backend scores each hit in a correlated
        # subquery, which takes minutes for thousands of hits and changes no set.
        results = search(backend_name, employee, query, by_relevance=False)
        hits = {key_by_pk[page.pk] for page in results}
        outcome.expected[query.kind] += len(truth)
        outcome.found[query.kind] += len(hits & truth)
        outcome.complete[query.kind] += truth <= hits
        outcome.false_hits[query.kind] += len(hits - truth)
        outcome.leaks += len(hits & hidden)
    for query in truths:
        start = time.perf_counter()
        results = search(backend_name, employee, query)
        list(results[:PAGE_SIZE])
        results.count()
        outcome.latencies.setdefault(query.kind, []).append(time.perf_counter() - start)


def percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def print_corpus(documents: list[Document], truths: dict[Query, frozenset[int]]) -> None:
    chinese = sum(not document.title.isascii() for document in documents)
    visible = sum(document.visible_to_employee for document in documents)
    print(
        f"corpus: {len(documents)} documents, {chinese / len(documents):.0%} Chinese,"
        f" {statistics.mean(len(document.text) for document in documents):.0f} characters"
        f" on average; the employee may see {visible} ({visible / len(documents):.0%})"
    )
    for kind, description in QUERY_CLASSES.items():
        sizes = [len(truth) for query, truth in truths.items() if query.kind == kind]
        examples = ", ".join([query.text for query in truths if query.kind == kind][:3])
        print(
            f"  {kind:<11} {description:<36} {len(sizes):>4} queries, visible matches"
            f" median {statistics.median(sizes):.0f}, max {max(sizes)}; e.g. {examples}"
        )


def print_tables(outcomes: list[Outcome], documents: int) -> None:
    print(
        f"\n{'backend':<14} {'build docs/s':>12} {'index MB':>9} {'p50 ms':>7} {'p95 ms':>7}"
        f" {'p99 ms':>7} {'false hits':>10} {'leaks':>6}"
    )
    for outcome in outcomes:
        latencies = outcome.all_latencies()
        print(
            f"{outcome.label:<14} {documents / outcome.build_seconds:>12.0f}"
            f" {outcome.size_bytes / 1e6:>9.1f} {percentile(latencies, 0.5) * 1e3:>7.2f}"
            f" {percentile(latencies, 0.95) * 1e3:>7.2f} {percentile(latencies, 0.99) * 1e3:>7.2f}"
            f" {sum(outcome.false_hits.values()):>10} {outcome.leaks:>6}"
        )
    by_class = {
        "recall (found / expected)": lambda o, k: f"{o.found[k] / max(o.expected[k], 1):.3f}",
        "queries fully found": lambda o, k: f"{o.complete[k]}/{len(o.latencies[k])}",
        "false hits": lambda o, k: str(o.false_hits[k]),
        "latency p95 ms": lambda o, k: f"{percentile(o.latencies[k], 0.95) * 1e3:.2f}",
    }
    header = "".join(f"{kind:>11}" for kind in QUERY_CLASSES)
    for title, cell in by_class.items():
        print(f"\n{title} by query class\n{'backend':<14}{header}")
        for outcome in outcomes:
            cells = "".join(f"{cell(outcome, kind):>11}" for kind in QUERY_CLASSES)
            print(f"{outcome.label:<14}{cells}")
    hub = next((outcome for outcome in outcomes if outcome.label.startswith("hub")), None)
    if hub is None:
        return
    print()
    for reference in outcomes:
        if reference is hub:
            continue
        ratios = [
            f"build speed {reference.build_seconds / hub.build_seconds:.2f}x",
            f"index size {hub.size_bytes / reference.size_bytes:.2f}x",
        ]
        for fraction in (0.5, 0.95, 0.99):
            ours = percentile(hub.all_latencies(), fraction)
            theirs = percentile(reference.all_latencies(), fraction)
            ratios.append(f"p{round(fraction * 100)} {ours / theirs:.2f}x")
        print(f"hub / {reference.label}: " + ", ".join(ratios))


def contenders() -> Iterator[tuple[str, str]]:
    """(label, backend name) of each backend this run can measure; says which it cannot."""
    from wagtail.search.backends import get_search_backend

    for label, name, _path in CONTENDERS:
        try:
            get_search_backend(name)
        except Exception as error:  # any failure means the backend cannot be measured here
            print(f"{label}: not available yet ({type(error).__name__}: {error})")
            continue
        yield label, name


def run() -> None:
    start = time.perf_counter()
    documents = generate_documents(DOCUMENTS)
    queries = generate_queries(documents, QUERIES_PER_CLASS)
    ground_truth = GroundTruth(documents)
    visible = frozenset(document.key for document in documents if document.visible_to_employee)
    hidden = frozenset(document.key for document in documents) - visible
    truths = {query: ground_truth.matching(query) & visible for query in queries}
    print(f"corpus, queries and ground truth: {time.perf_counter() - start:.1f} s")
    print_corpus(documents, truths)

    data_dir = Path(tempfile.mkdtemp(prefix="hub-bench-search-"))
    try:
        setup_django(data_dir)
        start = time.perf_counter()
        employee, key_by_pk = load_corpus(documents)
        print(f"loaded {len(documents)} documents as pages in {time.perf_counter() - start:.1f} s")

        from hub.core.permissions import visible_documents

        seen = {key_by_pk[pk] for pk in visible_documents(employee).values_list("pk", flat=True)}
        if seen != visible:
            raise RuntimeError("the hub's permissions disagree with the corpus's visibility rule")

        outcomes = []
        for label, name in contenders():
            if name == "fts5_jieba":
                empty_fts5()
            outcome = Outcome(label)
            try:
                outcome.build_seconds = build_index(name)
                analyze()
                outcome.size_bytes = (
                    folder_size(data_dir / "whoosh") if name == "hub" else fts5_size()
                )
                print(
                    f"{label}: indexed {len(documents)} documents in"
                    f" {outcome.build_seconds:.1f} s; querying…",
                    flush=True,
                )
                measure_queries(outcome, name, employee, truths, hidden, key_by_pk)
            except Exception:
                # A backend under construction must not hide the others' figures.
                print(f"{label}: FAILED, not measured")
                traceback.print_exc()
                continue
            outcomes.append(outcome)
        print_tables(outcomes, len(documents))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
