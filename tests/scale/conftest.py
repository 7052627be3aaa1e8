"""Fixtures of the scale-out tests: skipped unless ``DATABASE_URL`` points at PostgreSQL
(and ``REDIS_URL`` at Redis, for the tests that need it), as ``make test-scale`` sets.

Searches here run on the PostgreSQL backend (``hub.search.postgres``); the search
behaviour tests of hub/search/tests run on it too, beside Whoosh, in the same run.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

POSTGRES_SEARCH = {"default": {"BACKEND": "hub.search.postgres"}}
ROOT = Path(__file__).resolve().parents[2]
WORKERS_SCRIPT = Path(__file__).with_name("workers.mjs")
STARTUP_SECONDS = 60

needs_postgres = pytest.mark.skipif(
    not settings.ON_POSTGRES,
    reason="DATABASE_URL does not point at PostgreSQL (see `make test-scale`)",
)
needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL is not set (see `make test-scale`)"
)


@pytest.fixture(autouse=True)
def _test_settings(_test_settings, settings):
    """The root conftest's test settings, searching with the PostgreSQL backend."""
    if settings.ON_POSTGRES:
        settings.WAGTAILSEARCH_BACKENDS = POSTGRES_SEARCH


def _database_url() -> str:
    """This test's database (the test database pytest-django made) as a DATABASE_URL."""
    from django.db import connection

    params = connection.settings_dict
    login = quote(params["USER"] or "")
    if params["PASSWORD"]:
        login += ":" + quote(params["PASSWORD"])
    port = f":{params['PORT']}" if params["PORT"] else ""
    return f"postgres://{login}@{params['HOST'] or 'localhost'}{port}/{quote(params['NAME'])}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hub serve exited ({process.returncode}): {log.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"hub serve did not listen on {port}: {log.read_text()}")


@pytest.fixture
def workers(
    transactional_db, django_db_serialized_rollback, settings, tmp_path
) -> Iterator[list[str]]:
    """Two ``hub serve`` processes on their own ports sharing this test's PostgreSQL
    database and Redis, as a scaled-out site runs them; yields their base URLs.

    Serialized rollback restores the home page that migrations create, which the flush
    after a test that commits removes.
    """
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SEARCH_BACKEND": "postgres",
        # The test's sessions are signed with its key.
        "HUB_SECRET_KEY": settings.SECRET_KEY,
        "HUB_PLUGINS": ",".join(settings.HUB_PLUGINS),
        "HUB_DATA_DIR": str(tmp_path / "site"),
    }
    processes, urls = [], []
    try:
        for number in range(2):
            port = free_port()
            log = tmp_path / f"worker{number}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "hub.cli", "serve", "--port", str(port), "--no-worker"],
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            processes.append(process)
            _wait_for_port(port, process, log)
            urls.append(f"http://127.0.0.1:{port}")
        yield urls
    finally:
        # Stopped before the database is flushed: their rooms checkpoint as they close.
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def session_headers(url: str, client) -> dict[str, str]:
    """Cookie and Origin headers for a websocket to ``url`` as the test client's person."""
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}", "Origin": url}


def run_yjs_clients(script: dict, timeout: float = 90) -> dict:
    """Run tests/scale/workers.mjs (stock Yjs clients, each on its own worker) on ``script``."""
    done = subprocess.run(
        ["node", str(WORKERS_SCRIPT)],
        input=json.dumps(script),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)
