"""``hub backup`` and ``hub restore`` on real sites, each a subprocess with its own data
folder: a demo site (plus an attachment, a revision history, co-editing state, a
notification, a failed login) round-trips into a fresh folder exactly; an older backup
is brought up to this schema; and every refusal changes nothing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from hub.ops.archive import BackupError
from hub.ops.restore import restore_backup
from hub.testing import embedded_site_env

HUB = str(Path(sys.executable).with_name("hub"))
PASSWORD = "demo-pass-42"

SETUP = """
from django.contrib.auth import authenticate
from django.core.files.base import ContentFile
from hub.collab import store
from hub.collab.crdt import new_doc
from hub.core.documents import create_document, save_document
from hub.core.models import Attachment, SpacePage, User
from hub.notifications.api import send_notification

admin = User.objects.get(username="admin")
space = SpacePage.objects.order_by("pk").first()
doc = create_document(space, admin, "备份演练", "灾难恢复的第一版", "published", ["运维"])
save_document(doc, admin, "备份演练", "灾难恢复的第二版：异地备份", "published", ["运维"])
content = bytes(range(256)) * 40
attachment = Attachment(
    document=doc, filename="图纸.bin", content_type="application/octet-stream",
    size=len(content), uploaded_by=admin,
)
attachment.file.save("图纸.bin", ContentFile(content), save=False)
attachment.save()
replica = new_doc()
for piece in store.load(doc.pk):
    replica.apply_update(piece)
store.append([(doc.pk, replica.set_text(replica.text() + "\\n在线编辑"), admin.pk)])
store.compact(doc.pk, minimum=1)
store.append([(doc.pk, replica.set_text(replica.text() + "。"), admin.pk)])
send_notification([admin], "备份测试通知")
authenticate(username="admin", password="wrong")
"""

# Every row of every model (but content types, permissions and sessions, which the
# target's migrations make), serialised with natural foreign keys, ordered by pk.
DUMP = """
import json, os
from django.apps import apps
from django.core import serializers
skip = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
rows = {}
for model in apps.get_models():
    label = model._meta.label_lower
    if model._meta.proxy or not model._meta.managed or label in skip:
        continue
    rows[label] = json.loads(serializers.serialize(
        "json", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
    ))
with open(os.environ["DUMP_TO"], "w") as out:
    json.dump(rows, out, ensure_ascii=False)
"""

SEARCH = """
from hub.core.models import DocumentPage
print("|".join(page.title for page in DocumentPage.objects.search("异地备份")))
"""


def hub(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [HUB, *args], env=env, capture_output=True, text=True, check=check, timeout=300
    )


def site(root: Path, name: str) -> dict[str, str]:
    """The environment of a site whose data folder is ``root/name``, migrated."""
    env = embedded_site_env(root / name, HUB_LANGUAGE="en")
    hub(env, "migrate", "-v", "0")
    return env


def dump(env: dict, target: Path) -> dict:
    hub({**env, "DUMP_TO": str(target)}, "shell", "-c", DUMP)
    return json.loads(target.read_text())


def media(env: dict) -> dict[str, bytes]:
    root = Path(env["HUB_DATA_DIR"]) / "media"
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A demo site with extras, its backup and its rows."""
    root = tmp_path_factory.mktemp("backup")
    env = site(root, "source")
    hub(env, "demo", "--password", PASSWORD)
    hub(env, "shell", "-c", SETUP)
    archive = root / "site.tar.gz"
    result = hub(env, "backup", str(archive), "--no-progress")
    assert "Backup written" in result.stdout
    return {"root": root, "env": env, "archive": archive, "rows": dump(env, root / "src.json")}


def rewrite(archive: Path, target: Path, manifest_edit=None, keep_row=None) -> Path:
    """A copy of a backup with its manifest and database rows edited (checksum renewed)."""
    import hashlib

    members = {}
    with tarfile.open(archive, "r:gz") as tar:
        order = tar.getnames()
        for member in tar.getmembers():
            if member.isfile():
                members[member.name] = tar.extractfile(member).read()
    manifest = json.loads(members["manifest.json"])
    if keep_row:
        lines = members["database.jsonl"].decode().splitlines(keepends=True)
        kept = [line for line in lines if keep_row(json.loads(line))]
        members["database.jsonl"] = "".join(kept).encode()
        manifest["database"]["objects"] = len(kept)
    manifest["database"]["sha256"] = hashlib.sha256(members["database.jsonl"]).hexdigest()
    if manifest_edit:
        manifest_edit(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as tar:
        for name in order:
            if name in members:
                info = tarfile.TarInfo(name)
                info.size = len(members[name])
                tar.addfile(info, io.BytesIO(members[name]))
    return target


@pytest.mark.timeout(600)
def test_backup_restores_into_a_fresh_folder_exactly(source):
    with tarfile.open(source["archive"]) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[:2] == ["manifest.json", "database.jsonl"]
    assert manifest["format"] == "hub-backup" and manifest["hub_version"]
    assert "0001_initial" in manifest["migrations"]["ops"]
    assert manifest["counts"]["core.attachment"] == 1
    assert manifest["counts"]["collab.collabsnapshot"] >= 1
    assert manifest["media"]["files"] == 1

    env = site(source["root"], "fresh")
    result = hub(env, "restore", str(source["archive"]), "--no-progress")
    assert "Restored" in result.stdout

    rows = dump(env, source["root"] / "fresh.json")
    assert rows.keys() == source["rows"].keys()
    for label, expected in source["rows"].items():
        assert rows[label] == expected, label
    # The extras are among them, and whole.
    assert len(rows["wagtailcore.revision"]) > 2
    assert rows["collab.collabupdate"] and rows["collab.collabsnapshot"]
    assert rows["ops.loginevent"][0]["fields"]["kind"] == "failed"
    assert media(env) == media(source["env"]) and len(media(env)) == 1
    assert hub(env, "shell", "-c", SEARCH).stdout.splitlines()[-1] == "备份演练"


@pytest.mark.timeout(600)
def test_force_replaces_a_site_with_content(source):
    env = site(source["root"], "occupied")
    hub(env, "shell", "-c", "from hub.core.models import User; User.objects.create(username='x')")
    refused = hub(env, "restore", str(source["archive"]), "--no-progress", check=False)
    assert refused.returncode != 0 and "already has content" in refused.stderr
    users = dump(env, source["root"] / "o.json")["core.user"]
    assert [row["fields"]["username"] for row in users] == ["x"]

    hub(env, "restore", str(source["archive"]), "--force", "--no-progress")
    assert dump(env, source["root"] / "o2.json") == source["rows"]


@pytest.mark.timeout(600)
def test_an_older_backup_is_migrated_forward(source):
    """A backup made before notifications' last migration (its model did not exist yet)."""
    older = rewrite(
        source["archive"],
        source["root"] / "older.tar.gz",
        manifest_edit=lambda m: m["migrations"]["notifications"].remove("0003_channel_choices"),
        keep_row=lambda row: row["model"] != "notifications.channelchoice",
    )
    env = site(source["root"], "upgrade")
    hub(env, "restore", str(older), "--no-progress")
    rows = dump(env, source["root"] / "upgrade.json")
    expected = {**source["rows"], "notifications.channelchoice": []}
    assert rows == expected
    applied = hub(env, "showmigrations", "notifications").stdout
    assert "[X] 0003_channel_choices" in applied


# The refusals run in-process: they happen before anything is touched, which the test
# database (with content of its own) shows. Their messages are asserted in English.


@pytest.fixture
def occupied_site(db):
    from django.utils import translation

    from hub.core.models import User

    with translation.override("en"):
        yield User.objects.create_user("keeper", password="x-pass-42")


def _unchanged(user) -> None:
    from django.conf import settings

    from hub.core.models import User

    assert list(User.objects.values_list("username", flat=True)) == [user.username]
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))


def test_refuses_a_site_with_content(source, occupied_site):
    with pytest.raises(BackupError, match="already has content"):
        restore_backup(source["archive"], progress=False)
    _unchanged(occupied_site)


def test_refuses_what_is_not_a_hub_backup(source, occupied_site, tmp_path):
    not_gzip = tmp_path / "notes.tar.gz"
    not_gzip.write_text("just text")
    other_tar = tmp_path / "other.tar.gz"
    with tarfile.open(other_tar, "w:gz") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    foreign_manifest = rewrite(
        source["archive"], tmp_path / "f.tar.gz", manifest_edit=lambda m: m.update(format="x")
    )
    for path, message in [
        (not_gzip, "not a readable"),
        (other_tar, "does not start with a manifest"),
        (foreign_manifest, "Not a hub backup"),
        (tmp_path / "missing.tar.gz", "is not a file"),
    ]:
        with pytest.raises(BackupError, match=message):
            restore_backup(path, force=True, progress=False)
        _unchanged(occupied_site)


def test_refuses_a_damaged_backup(source, occupied_site, tmp_path):
    data = source["archive"].read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    flipped = tmp_path / "flipped.tar.gz"
    middle = len(data) // 2
    flipped.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    # A dump whose checksum does not match (the dump or the manifest was altered).
    tampered = rewrite(
        source["archive"],
        tmp_path / "tampered.tar.gz",
        manifest_edit=lambda m: m["database"].update(sha256="0" * 64),
    )
    for path in (truncated, flipped, tampered):
        with pytest.raises(BackupError, match="damaged"):
            restore_backup(path, force=True, progress=False)
        _unchanged(occupied_site)


def test_refuses_a_backup_of_a_newer_hub(source, occupied_site, tmp_path):
    newer = rewrite(
        source["archive"],
        tmp_path / "newer.tar.gz",
        manifest_edit=lambda m: m["migrations"]["core"].append("9999_from_the_future"),
    )
    with pytest.raises(BackupError, match=r"made by a newer hub .*core\.9999_from_the_future"):
        restore_backup(newer, force=True, progress=False)
    _unchanged(occupied_site)


def test_backup_refuses_to_overwrite(source):
    result = hub(source["env"], "backup", str(source["archive"]), "--no-progress", check=False)
    assert result.returncode != 0 and "already exists" in result.stderr
