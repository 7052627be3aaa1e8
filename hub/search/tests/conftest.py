"""Search fixtures: a per-test Whoosh index (or Wagtail's database backend), and
documents created with their index update committed and applied."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from hub.search.backend import flush

BACKENDS = {
    "whoosh": "hub.search.backend",
    "database": "wagtail.search.backends.database",
}


def use_backend(settings, tmp_path, name: str = "whoosh") -> None:
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": BACKENDS[name], "PATH": str(tmp_path / "search-index")}
    }


@pytest.fixture
def whoosh(settings, tmp_path):
    """The Whoosh backend on an index folder of this test's own."""
    use_backend(settings, tmp_path)
    yield tmp_path / "search-index"
    flush()


@pytest.fixture(params=list(BACKENDS))
def backend(request, settings, tmp_path) -> str:
    """Each test runs against the Whoosh backend and Wagtail's database backend."""
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
