"""Search fixtures: the search backends the behaviour tests run on, and documents created
with their index update committed and applied.

A test that asks for ``backend`` runs once per backend the hub can be configured with:
Whoosh (an index folder of the test's own) and PostgreSQL full-text search
(``hub.search.postgres``, its index in the test database). The PostgreSQL variant runs
when ``DATABASE_URL`` points at PostgreSQL, as in ``make test-scale``, and is skipped
otherwise. OpenSearch and Elasticsearch need a server the tests do not have: see
``test_opensearch.py`` for what is tested of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings

from hub.search.backend import flush

BACKENDS = {
    "whoosh": "hub.search.backend",
    "postgres": "hub.search.postgres",
}

needs_postgres = pytest.mark.skipif(
    not settings.ON_POSTGRES,
    reason="the postgres search backend needs a PostgreSQL DATABASE_URL (make test-scale)",
)

ALL_BACKENDS = [
    pytest.param("whoosh"),
    pytest.param("postgres", marks=needs_postgres),
]


def use_backend(settings, tmp_path, name: str = "whoosh") -> None:
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": BACKENDS[name], "PATH": str(tmp_path / "search-index")}
    }


@pytest.fixture
def whoosh(settings, tmp_path):
    """The Whoosh backend on an index folder of this test's own (for Whoosh's internals)."""
    use_backend(settings, tmp_path)
    yield tmp_path / "search-index"
    flush()


@pytest.fixture(params=ALL_BACKENDS)
def backend(request, settings, tmp_path) -> Iterator[str]:
    """Each test runs against every search backend (PostgreSQL's only on PostgreSQL)."""
    use_backend(settings, tmp_path, request.param)
    yield request.param
    flush()


@pytest.fixture
def indexing(django_capture_on_commit_callbacks) -> Callable:
    """``with indexing():`` runs the after-commit index updates of the saves inside
    (the test's transaction never commits) and waits until the writer applied them."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield
        assert flush(), "the index writer did not finish"

    return run
