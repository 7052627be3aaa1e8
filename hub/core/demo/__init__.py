"""The demo data behind ``hub demo``: an organisation, spaces and documents worth looking at.

The content lives next to this module: ``org.yaml`` (read by the org importer, which also
creates one space per department), ``spaces.yaml`` (cross-department and company-wide
spaces with their members) and ``documents/<space-slug>/*.md``. Each document is Markdown
with YAML front matter::

    ---
    title: 代码评审规范
    owner: zhangwei                 # a username from org.yaml
    status: published               # draft, in_review, published or archived
    tags: [规范, code review]
    parent: 研发部工作规范            # optional: the title of an earlier document in the space
    template: weekly                # optional: a company-wide template kind (weekly, minutes)
    fields: {reporter: zhangwei, week: 2026-W19}   # its field values; people by username,
                                    # departments by code (hub.doctemplates.fields)
    revisions:                      # optional: later saves, each by its author
      - author: lina
        status: published           # optional; so is ``tags``
        edits: [{find: old text, replace: new text}]   # each ``find`` occurs exactly once
        append: more Markdown       # optional, added at the end
    ---

Files are read in name order, so a parent comes before its sub-pages. Documents are saved
only through ``hub.core.documents`` (every save is a real revision by its author) and
matched by space and title, so loading twice creates nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from hub import plugins
from hub.core.documents import create_document, save_document
from hub.core.models import Department, DocumentPage, HomePage, SpaceMembership, SpacePage, User
from hub.core.orgimport import import_org
from hub.core.permissions import can
from hub.doctemplates.fields import values_from_names
from hub.doctemplates.models import DocumentTemplate

DEMO_DIR = Path(__file__).resolve().parent
ORG_FILE = DEMO_DIR / "org.yaml"
SPACES_FILE = DEMO_DIR / "spaces.yaml"
DOCUMENTS_DIR = DEMO_DIR / "documents"
ADMIN_USERNAME = "admin"

# The accounts ``hub demo`` suggests trying, one of each kind of person.
DEMO_LOGINS = [
    ("wangfang", gettext_lazy("head of department")),
    ("liqiang", gettext_lazy("employee, sees only what Sales may see")),
    ("wujing", gettext_lazy("product manager, admin of the product launch project")),
    ("qianhong", gettext_lazy("head of department, member of the digital transformation project")),
    ("emilyclark", gettext_lazy("English-speaking colleague in the Partner Portal project")),
]


class DemoDataError(Exception):
    """The demo content or the password is not usable; nothing was changed."""


@dataclass
class DemoVersion:
    """One save of a document: who saved what."""

    author: str
    body: str
    status: str
    tags: list[str]


@dataclass
class DemoDocument:
    """One document file: its title, place, and every version in the order they are saved."""

    path: Path
    space: str
    title: str
    parent: str | None
    versions: list[DemoVersion]
    template: str | None = None
    fields: dict[str, Any] | None = None

    @property
    def owner(self) -> str:
        return self.versions[0].author


@dataclass
class DemoLogin:
    """An account to try, with where it sits and why it is interesting."""

    username: str
    name: str
    department: str
    role: str


def _fail(path: Path, message: str) -> DemoDataError:
    return DemoDataError(f"{path}: {message}")


def _revised(path: Path, previous: DemoVersion, revision: Any) -> DemoVersion:
    """The version after one ``revisions`` entry: its edits, addition, status and tags."""
    if not isinstance(revision, dict) or not revision.get("author"):
        raise _fail(path, "every revision needs an author")
    body = previous.body
    for edit in revision.get("edits") or []:
        if body.count(edit["find"]) != 1:
            raise _fail(
                path,
                f"the edit by {revision['author']} must find its text exactly once: "
                f"{edit['find']!r}",
            )
        body = body.replace(edit["find"], edit["replace"])
    if revision.get("append"):
        body = body.rstrip("\n") + "\n" + revision["append"].rstrip("\n") + "\n"
    return DemoVersion(
        author=revision["author"],
        body=body,
        status=revision.get("status", previous.status),
        tags=[str(tag) for tag in revision.get("tags", previous.tags)],
    )


def read_document(path: Path) -> DemoDocument:
    """Parse one Markdown file with YAML front matter; raises DemoDataError naming the file."""
    text = path.read_text(encoding="utf-8")
    before, opening, rest = text.partition("---\n")
    front, closing, body = rest.partition("\n---\n")
    if before or not opening or not closing:
        raise _fail(path, "the file must start with YAML front matter between --- lines")
    meta = yaml.safe_load(front) or {}
    missing = [key for key in ("title", "owner", "status") if not meta.get(key)]
    if missing:
        raise _fail(path, f"missing {', '.join(missing)} in the front matter")
    versions = [
        DemoVersion(
            author=meta["owner"],
            body=body.strip() + "\n",
            status=meta["status"],
            tags=[str(tag) for tag in meta.get("tags") or []],
        )
    ]
    for revision in meta.get("revisions") or []:
        versions.append(_revised(path, versions[-1], revision))
    statuses = {version.status for version in versions} - set(DocumentPage.Status.values)
    if statuses:
        raise _fail(path, f"unknown status {', '.join(sorted(statuses))}")
    return DemoDocument(
        path=path,
        space=path.parent.name,
        title=str(meta["title"]),
        parent=meta.get("parent"),
        versions=versions,
        template=meta.get("template"),
        fields=meta.get("fields") or {},
    )


def read_documents() -> list[DemoDocument]:
    """Every demo document, parents before their sub-pages."""
    return [read_document(path) for path in sorted(DOCUMENTS_DIR.glob("*/*.md"))]


def _ensure_admin(password_hash: str) -> None:
    admin, _created = User.objects.get_or_create(username=ADMIN_USERNAME)
    admin.name = "管理员"
    admin.email = "admin@example.cn"
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.password = password_hash
    admin.save()


def _ensure_spaces(users: dict[str, User]) -> list[SpacePage]:
    """Create or update the spaces of spaces.yaml and their members."""
    home = HomePage.objects.get()
    departments = {department.code: department for department in Department.objects.all()}
    spaces = []
    for entry in yaml.safe_load(SPACES_FILE.read_text(encoding="utf-8"))["spaces"]:
        space = SpacePage.objects.child_of(home).filter(slug=entry["slug"]).first()
        fields = {
            "title": entry["title"],
            "visibility": entry["visibility"],
            "description": entry["description"],
            "kind": SpacePage.Kind.PROJECT,
            "owner": users[entry["owner"]],
        }
        if space is None:
            space = SpacePage(slug=entry["slug"], **fields)
            home.add_child(instance=space)
        else:
            for name, value in fields.items():
                setattr(space, name, value)
            space.save()
        for member in entry["members"]:
            who = (
                {"user": users[member["user"]], "department": None}
                if "user" in member
                else {"user": None, "department": departments[member["department"]]}
            )
            SpaceMembership.objects.update_or_create(
                space=space, **who, defaults={"role": member["role"]}
            )
        spaces.append(space)
    return spaces


def _check_authors(documents: list[DemoDocument], spaces: dict[str, SpacePage]) -> None:
    """Every owner and revision author must exist and be allowed to edit the space."""
    usernames = {version.author for document in documents for version in document.versions}
    users = User.objects.in_bulk(usernames, field_name="username")
    problems = []
    for document in documents:
        space = spaces.get(document.space)
        if space is None:
            problems.append(str(_fail(document.path, f"no space with the slug {document.space}")))
            continue
        for username in sorted({version.author for version in document.versions}):
            user = users.get(username)
            if user is None or not can(user, "edit", space):
                problems.append(
                    str(_fail(document.path, f"{username} cannot edit the space {space.slug}"))
                )
    if problems:
        raise DemoDataError("\n".join(problems))


def _template_values(document: DemoDocument) -> tuple[DocumentTemplate | None, dict | None]:
    """The company-wide template of the document's ``template`` kind and its field values."""
    if not document.template:
        return None, None
    template = (
        DocumentTemplate.objects.filter(kind=document.template, space=None).order_by("pk").first()
    )
    if template is None:
        raise _fail(document.path, f"no company-wide template of the kind {document.template}")
    try:
        return template, values_from_names(template.specs(), document.fields or {})
    except ValueError as error:
        raise _fail(document.path, str(error)) from error


def _load_document(document: DemoDocument, space: SpacePage, users: dict[str, User]) -> bool:
    """Create the document with its revisions; False if the space already has it."""
    in_space = DocumentPage.objects.filter(space=space)
    if in_space.filter(title=document.title).exists():
        return False
    parent = space
    if document.parent:
        parent = in_space.filter(title=document.parent).first()
        if parent is None:
            raise _fail(document.path, f"no earlier document titled {document.parent!r}")
    first, *later = document.versions
    template, values = _template_values(document)
    page = create_document(
        parent,
        users[first.author],
        document.title,
        first.body,
        first.status,
        first.tags,
        template=template,
        fields=values,
    )
    for version in later:
        save_document(
            page, users[version.author], document.title, version.body, version.status, version.tags
        )
    return True


def load_demo(password: str, stdout: TextIO) -> None:
    """Load (or top up) the demo: admin and the demo people get ``password``.

    Raises DemoDataError, with nothing changed, for a password the site's password rules
    refuse or for demo content that does not fit together.
    """
    try:
        validate_password(password)
    except ValidationError as error:
        raise DemoDataError(
            _("The password is not accepted: %s") % " ".join(error.messages)
        ) from error
    documents = read_documents()
    # One hash for every demo account: hashing ~30 passwords one by one takes many seconds.
    password_hash = make_password(password)
    with transaction.atomic():
        _ensure_admin(password_hash)
        result = import_org([ORG_FILE])
        people = result.people_created + result.people_updated + result.people_unchanged
        User.objects.filter(username__in=people).update(password=password_hash)
        users = User.objects.in_bulk(people, field_name="username")
        project_spaces = _ensure_spaces(users)
        spaces = {space.slug: space for space in SpacePage.objects.child_of(HomePage.objects.get())}
        _check_authors(documents, spaces)
        # Fresh user objects: permission roles are cached per object and memberships changed.
        users = User.objects.in_bulk(people, field_name="username")
        created = sum(
            _load_document(document, spaces[document.space], users)
            for document in tqdm(documents, desc=_("Demo documents"), unit="doc", disable=None)
        )
        # Plugins add their demo content (tasks, requests, messages) once this commits.
        transaction.on_commit(lambda: plugins.notify("hub_demo_loaded", users=users))
    stdout.write(result.summary() + "\n")
    stdout.write(
        _(
            "Project and company-wide spaces: %(spaces)d. Documents: %(created)d created, "
            "%(existing)d already there."
        )
        % {
            "spaces": len(project_spaces),
            "created": created,
            "existing": len(documents) - created,
        }
        + "\n"
    )


def demo_logins() -> list[DemoLogin]:
    """The admin and the suggested demo accounts that exist on this site."""
    usernames = [ADMIN_USERNAME, *(username for username, _role in DEMO_LOGINS)]
    users = User.objects.select_related("department").in_bulk(usernames, field_name="username")
    roles = {ADMIN_USERNAME: _("administrator, sees everything"), **dict(DEMO_LOGINS)}
    logins = []
    for username in usernames:
        user = users.get(username)
        if user is None:
            continue
        department = user.department
        logins.append(
            DemoLogin(
                username=username,
                name=user.get_full_name(),
                department=f"{department.name} {department.name_en}".strip() if department else "",
                role=str(roles[username]),
            )
        )
    return logins
