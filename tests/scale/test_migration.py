"""Moving a site from SQLite to PostgreSQL (docs/deploy.md): ``hub backup`` of an
embedded demo site (SQLite + Whoosh), with co-editing state, restored by ``hub restore``
into a PostgreSQL site (Redis, ``SEARCH_BACKEND=postgres``) in a database of its own:
every table holds as many rows, the co-editing state reads back, and the rebuilt index
finds a Chinese sub-word."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from hub.testing import embedded_site_env
from tests.scale.conftest import ROOT, needs_postgres, needs_redis

pytestmark = [needs_postgres, needs_redis]

ADDED = "\n跨库迁移之后仍在的协作内容"

# Co-editing state on the first document: its stored state plus one update in the log.
EDIT = f"""
from django.db import transaction
from hub.collab import store
from hub.core.models import DocumentPage
page = DocumentPage.objects.order_by("pk").first()
with transaction.atomic():
    pieces = store.load(page.pk)
doc = store.doc_from(pieces, "state", page.pk)
store.append([(page.pk, doc.set_text(doc.text() + {ADDED!r}), None)])
"""

# Rows per table (the search index's own tables, their content types and permissions
# aside: they depend on the engine),
# the co-editing text of the first document, and what a Chinese sub-word search finds.
INSPECT = """
import json
from django.apps import apps
from django.db import transaction
from hub.collab import store
from hub.core.models import DocumentPage
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()
          if "IndexEntry" not in model._meta.label}
engine_specific = {"model__contains": "indexentry"}
counts["contenttypes.ContentType"] = ContentType.objects.exclude(**engine_specific).count()
counts["auth.Permission"] = Permission.objects.exclude(
    content_type__model__contains="indexentry").count()
page = DocumentPage.objects.order_by("pk").first()
with transaction.atomic():
    text = store.doc_from(store.load(page.pk), "state", page.pk).text()
found = sorted(d.title for d in DocumentPage.objects.search("识库"))
print(json.dumps({"counts": counts, "text": text, "found": found}))
"""


def hub(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "hub.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def postgres_site(tmp_path) -> dict[str, str]:
    """The environment of an empty PostgreSQL site in a database of its own."""
    import psycopg

    params = connection.settings_dict
    name = f"hub_migration_{os.getpid()}"
    server = dict(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))
    yield {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "SEARCH_BACKEND": "postgres",
        "HUB_DATA_DIR": str(tmp_path / "postgres"),
    }
    with psycopg.connect(**server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_sqlite_demo_site_restores_into_postgresql_intact(postgres_site, tmp_path):
    embedded = embedded_site_env(tmp_path / "sqlite")
    hub(embedded, "migrate", "--noinput", "-v", "0")
    hub(embedded, "demo", "--if-empty", "--password", "demo-pass-2026")
    hub(embedded, "shell", "-c", EDIT)
    hub(embedded, "reindex", "--no-progress")
    before = json.loads(hub(embedded, "shell", "-c", INSPECT).strip().splitlines()[-1])
    archive = tmp_path / "site.tar.gz"
    hub(embedded, "backup", str(archive), "--no-progress")

    hub(postgres_site, "migrate", "--noinput", "-v", "0")
    hub(postgres_site, "restore", str(archive), "--no-progress")
    after = json.loads(hub(postgres_site, "shell", "-c", INSPECT).strip().splitlines()[-1])

    assert before["counts"]["core.DocumentPage"] > 0
    assert after["counts"] == before["counts"]
    assert after["text"] == before["text"] and after["text"].endswith(ADDED)
    assert before["found"], "the demo has a document about 知识库"
    assert after["found"] == before["found"]
