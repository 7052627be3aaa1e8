"""Scale-out: pages and search through 1, 2 and 4 ASGI workers on PostgreSQL + Redis,
beside the embedded default (one process, SQLite + Whoosh), and co-editing delivery
within one worker and across two.

Needs ``DATABASE_URL`` (a PostgreSQL server where the benchmark may create and drop a
database of its own) and ``REDIS_URL``; skips with a message otherwise (``.ci/run`` shows
how to start both on loopback). One run:

- two sites with the same content: the search benchmark's corpus
  (``HUB_BENCH_SCALE_DOCS`` documents, default 1,000, loaded by ``bench_search.load_corpus``
  and indexed by ``hub reindex``): one on SQLite + Whoosh, one on PostgreSQL with the
  ``postgres`` search backend and Redis;
- each configuration served by ``hub serve --workers N``; ``HUB_BENCH_SCALE_CLIENTS``
  client threads (default 8) in this process, with keep-alive connections, request for
  ``HUB_BENCH_SCALE_SECONDS`` (default 10) as the corpus's employee (limited rights, so
  every page and search is permission-filtered): *pages* cycles through 200 documents the
  employee may read and the home page; *search* through the corpus's queries
  (``/search/api/?q=…``, Chinese and English, seven classes);
- co-editing: two stock Yjs clients (``tests/scale/workers.mjs``) on one worker, then on
  two ``hub serve`` processes sharing Redis; A types ``HUB_BENCH_SCALE_EDITS`` characters
  one at a time (default 300), each awaited at B: p50 and p99 of the delay.

Printed: requests/s, p50 and p95 per configuration and the ratio to the embedded default.
The clients share the machine's cores with the servers: on a 2-core machine more than two
workers only add contention.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlsplit, urlunsplit

from tests.bench.bench_collab import HUB, _free_port, _serving
from tests.bench.corpus import generate_documents, generate_queries
from tests.collab.node.clients import ROOT, missing_node

DOCUMENTS = int(os.environ.get("HUB_BENCH_SCALE_DOCS", "1000"))
CLIENTS = int(os.environ.get("HUB_BENCH_SCALE_CLIENTS", "8"))
SECONDS = float(os.environ.get("HUB_BENCH_SCALE_SECONDS", "10"))
EDITS = int(os.environ.get("HUB_BENCH_SCALE_EDITS", "300"))
WARM_UP_SECONDS = 3.0
WORKER_COUNTS = (1, 2, 4)
WORKERS_SCRIPT = ROOT / "tests" / "scale" / "workers.mjs"

# Run inside `hub shell` (PYTHONPATH=ROOT): the corpus as pages, an admin for co-editing;
# prints the sessions, the employee's readable document URLs and one document id.
SETUP_SCRIPT = """
import json
from django.test import Client
from hub.core.models import User
from hub.core.permissions import visible_documents
from tests.bench.bench_search import load_corpus
from tests.bench.corpus import generate_documents

employee, _keys = load_corpus(generate_documents({documents}))
admin = User.objects.create_superuser("bench-admin", "admin@example.cn", None, name="管理员")
readable = visible_documents(employee).order_by("pk")
sessions = {{}}
for person in (employee, admin):
    client = Client()
    client.force_login(person)
    sessions[person.username] = client.cookies["sessionid"].value
print(json.dumps({{"sessions": sessions, "urls": [p.url for p in readable[:200]],
                  "document": readable.filter(status="published").first().pk}}))
"""


class Site:
    """A migrated site with the corpus, indexed; ``env`` runs its commands."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        subprocess.run([HUB, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        made = subprocess.run(
            [HUB, "shell", "-c", SETUP_SCRIPT.format(documents=DOCUMENTS)],
            env={**env, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        setup = json.loads(made.stdout.strip().splitlines()[-1])
        self.sessions: dict[str, str] = setup["sessions"]
        self.urls: list[str] = ["/", *setup["urls"]]
        self.document: int = setup["document"]
        subprocess.run(
            [HUB, "reindex", "--no-progress"], env=env, cwd=ROOT, check=True, capture_output=True
        )

    @contextmanager
    def serving(self, workers: int) -> Iterator[str]:
        port = _free_port()
        command = [HUB, "serve", "--port", str(port), "--workers", str(workers), "--no-worker"]
        with _serving(command, self.env, port, f"hub serve --workers {workers}"):
            yield f"127.0.0.1:{port}"


def drive(address: str, paths: list[str], session: str) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p95 ms, failures) of CLIENTS threads requesting ``paths``."""
    host, port = address.split(":")
    next_path = itertools.cycle(paths).__next__
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]
    headers = {"Cookie": f"sessionid={session}", "Accept-Language": "zh-hans"}
    # Each worker process loads jieba and compiles templates on its first requests.
    measured_from = time.perf_counter() + WARM_UP_SECONDS
    deadline = measured_from + SECONDS

    def client() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            with lock:
                path = next_path()
            start = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if start >= measured_from:
                mine.append(time.perf_counter() - start)
                failed += response.status != 200
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - measured_from
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return len(latencies) / elapsed, cuts[49] * 1e3, cuts[94] * 1e3, failures[0]


def delivery(addresses: list[str], site: Site) -> tuple[float, float]:
    """(p50, p99 ms) of one character typed at A reaching B, A and B on ``addresses``."""
    cookie = f"sessionid={site.sessions['bench-admin']}"
    clients = [
        {
            "url": f"ws://{address}/ws/docs",
            "headers": {"Cookie": cookie, "Origin": f"http://{address}"},
        }
        for address in addresses
    ]
    script = {"room": str(site.document), "clients": clients, "latencyEdits": EDITS}
    done = subprocess.run(
        ["node", str(WORKERS_SCRIPT)],
        input=json.dumps(script),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120 + EDITS * 0.2,
        check=True,
    )
    latencies = json.loads(done.stdout)["latenciesMs"]
    if len(latencies) < EDITS:
        raise RuntimeError(f"only {len(latencies)} of {EDITS} edits arrived")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return statistics.median(latencies), cuts[98]


def _database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A database of the benchmark's own on the server of ``server_url``, dropped after."""
    import psycopg

    name = f"hub_bench_scale_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def print_table(rows: dict[str, dict[str, tuple[float, float, float, int]]]) -> None:
    reference = rows["SQLite + Whoosh, 1 process"]
    print(
        f"{'configuration':<34} {'load':<7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'failed':>6} {'× req/s':>8}"
    )
    for name, loads in rows.items():
        for load, (rate, p50, p95, failed) in loads.items():
            print(
                f"{name:<34} {load:<7} {rate:>7.1f} {p50:>8.1f} {p95:>8.1f} {failed:>6}"
                f" {rate / reference[load][0]:>8.2f}"
            )


def run() -> None:
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not (database_url or "").startswith(("postgres://", "postgresql://")) or not redis_url:
        print("bench_scale skipped: set DATABASE_URL (PostgreSQL) and REDIS_URL")
        return
    queries = [
        f"/search/api/?q={quote(query.text)}"
        for query in generate_queries(generate_documents(DOCUMENTS), 20)
    ]
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    rows: dict[str, dict[str, tuple[float, float, float, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="hub-bench-scale-") as folder:
        start = time.perf_counter()
        sqlite = Site({**base, "HUB_DATA_DIR": f"{folder}/sqlite", "SEARCH_BACKEND": "whoosh"})
        print(f"SQLite site: {DOCUMENTS} documents in {time.perf_counter() - start:.0f} s")
        employee = sqlite.sessions["employee"]
        with sqlite.serving(1) as address:
            rows["SQLite + Whoosh, 1 process"] = {
                "pages": drive(address, sqlite.urls, employee),
                "search": drive(address, queries, employee),
            }
        with scratch_database(database_url) as url:
            start = time.perf_counter()
            env = {
                **base,
                "HUB_DATA_DIR": f"{folder}/postgres",
                "DATABASE_URL": url,
                "REDIS_URL": redis_url,
                "SEARCH_BACKEND": "postgres",
            }
            site = Site(env)
            print(f"PostgreSQL site: {DOCUMENTS} documents in {time.perf_counter() - start:.0f} s")
            employee = site.sessions["employee"]
            for workers in WORKER_COUNTS:
                with site.serving(workers) as address:
                    rows[f"PostgreSQL + Redis, {workers} worker(s)"] = {
                        "pages": drive(address, site.urls, employee),
                        "search": drive(address, queries, employee),
                    }
            print_table(rows)
            if missing_node():
                print(f"co-editing not measured: {missing_node()}")
                return
            with site.serving(1) as one, site.serving(1) as other:
                same = delivery([one, one], site)
                across = delivery([one, other], site)
    print(f"co-editing, {EDITS} serial edits A→B    p50 ms   p99 ms")
    print(f"  A and B on one worker               {same[0]:>7.1f}  {same[1]:>7.1f}")
    print(f"  A and B on two workers (Redis)      {across[0]:>7.1f}  {across[1]:>7.1f}")


if __name__ == "__main__":
    run()
