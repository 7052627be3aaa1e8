"""The organisation import: YAML and CSV, idempotent reruns, moves and leavers, every kind of
bad input (named by file and line, nothing applied), department spaces and ``hub import org``."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from hub import hookimpl
from hub.core.models import Department, DocumentPage, SpaceMembership, SpacePage, User
from hub.core.orgimport import OrgImportError, import_org
from hub.testing import registered_plugin

EXAMPLES = Path(settings.BASE_DIR) / "import"

ORG_YAML = """\
departments:
  - code: rd
    name: 研发部
    name_en: R&D
    head: wangfang
  - code: rd-web
    name: 前端组
    parent: rd
people:
  - username: wangfang
    name: 王芳
    email: wangfang@example.cn
    department: rd
    title: 研发总监
  - username: zhangwei
    name: 张伟
    department: rd-web
    manager: wangfang
"""

DEPARTMENTS_CSV = """\
code,name,name_en,parent,head
sales,销售部,Sales,,chenjing
sales-east,华东大区,East China,sales,
"""

PEOPLE_CSV = """\
username,name,email,department,title,manager
chenjing,陈静,chenjing@example.cn,sales,销售总监,
linhao,林浩,linhao@example.cn,sales-east,"大客户经理,华东",chenjing
"""


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def write(tmp_path):
    """write(name, text, encoding="utf-8") -> the path of a new input file."""

    def write_file(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write_file


def counts() -> dict[str, int]:
    """What an import may change, for checking that a failed one changed nothing."""
    return {
        "departments": Department.objects.count(),
        "people": User.objects.count(),
        "active": User.objects.filter(is_active=True).count(),
        "spaces": SpacePage.objects.count(),
        "memberships": SpaceMembership.objects.count(),
        "names": sorted(User.objects.values_list("username", "name", "department__code")),
    }


def test_yaml_creates_departments_people_and_spaces(db, write):
    result = import_org([write("org.yaml", ORG_YAML)], password="s3cret-pass")

    rd, web = Department.objects.get(code="rd"), Department.objects.get(code="rd-web")
    wangfang, zhangwei = (
        User.objects.get(username="wangfang"),
        User.objects.get(username="zhangwei"),
    )
    assert (rd.name, rd.name_en, rd.head, rd.parent) == ("研发部", "R&D", wangfang, None)
    assert (web.parent, web.head) == (rd, None)
    assert (wangfang.name, wangfang.email, wangfang.title) == (
        "王芳",
        "wangfang@example.cn",
        "研发总监",
    )
    assert (zhangwei.department, zhangwei.manager) == (web, wangfang)
    assert zhangwei.check_password("s3cret-pass")
    assert sorted(result.departments_created) == ["rd", "rd-web"]
    assert sorted(result.people_created) == ["wangfang", "zhangwei"]
    assert sorted(result.spaces_created) == ["rd", "rd-web"]
    space = SpacePage.objects.get(department=rd)
    assert (space.title, space.slug, space.kind, space.visibility) == (
        "研发部",
        "rd",
        SpacePage.Kind.DEPARTMENT,
        SpacePage.Visibility.DEPARTMENT,
    )
    assert space.get_parent().specific_class.__name__ == "HomePage"
    membership = SpaceMembership.objects.get(space=space)
    assert (membership.department, membership.user, membership.role) == (rd, None, "editor")
    assert "Departments: 2 created" in result.summary()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_files_plain_and_with_excel_bom(db, write, encoding):
    # Given people first: files are applied together, whatever their order.
    people = write("people.csv", PEOPLE_CSV, encoding)
    departments = write("departments.csv", DEPARTMENTS_CSV, encoding)
    result = import_org([people, departments])

    linhao = User.objects.get(username="linhao")
    assert linhao.name == "林浩"
    assert linhao.title == "大客户经理,华东"
    assert linhao.department.name == "华东大区"
    assert linhao.manager.username == "chenjing"
    assert not linhao.has_usable_password()
    assert Department.objects.get(code="sales").head == User.objects.get(username="chenjing")
    assert Department.objects.get(code="sales-east").parent.code == "sales"
    assert len(result.people_created) == 2 and len(result.spaces_created) == 2


def test_rerun_changes_nothing_and_spaces_are_created_once(db, write):
    files = [
        write("org.yaml", ORG_YAML),
        write("departments.csv", DEPARTMENTS_CSV),
        write("people.csv", PEOPLE_CSV),
    ]
    import_org(files)
    before = counts()
    again = import_org(files)

    assert counts() == before
    assert again.departments_created == again.departments_updated == []
    assert again.people_created == again.people_updated == again.spaces_created == []
    assert sorted(again.departments_unchanged) == ["rd", "rd-web", "sales", "sales-east"]
    assert len(again.people_unchanged) == 4
    assert again.changes == []
    for department in Department.objects.all():
        assert SpacePage.objects.filter(department=department).count() == 1


def test_moved_person_and_new_head_are_updated_in_place(db, write):
    import_org([write("org.yaml", ORG_YAML)])
    moved = ORG_YAML.replace("department: rd-web", "department: rd").replace(
        "    parent: rd\n", "    parent: rd\n    head: zhangwei\n"
    )
    result = import_org([write("moved.yaml", moved)])

    zhangwei = User.objects.get(username="zhangwei")
    assert zhangwei.department.code == "rd"
    assert Department.objects.get(code="rd-web").head == zhangwei
    assert result.people_updated == ["zhangwei"]
    assert result.departments_updated == ["rd-web"]
    assert "update person zhangwei: department" in result.changes
    assert "update department rd-web: head" in result.changes
    assert User.objects.filter(username="zhangwei").count() == 1


def test_deactivate_missing_keeps_what_leavers_own(org, spaces, make_document, write):
    document = make_document(spaces.rd, org.rd_member, title="设计文档")
    stays = """\
people:
  - {username: rd_head, name: 王芳, department: rd}
  - {username: mkt_member, name: 刘洋, department: mkt}
"""
    result = import_org([write("stays.yaml", stays)], deactivate_missing=True)

    assert sorted(result.people_deactivated) == ["loner", "rd_member", "rd_web"]
    assert not User.objects.get(username="rd_member").is_active
    assert User.objects.get(username="admin").is_active  # superusers are never deactivated
    assert User.objects.get(username="rd_head").is_active
    document.refresh_from_db()
    assert document.owner == org.rd_member
    assert DocumentPage.objects.filter(pk=document.pk).exists()


def test_a_person_who_returns_is_reactivated(org, write):
    result = import_org(
        [write("back.yaml", "people:\n  - {username: gone, name: 赵磊, department: rd}\n")]
    )

    assert User.objects.get(username="gone").is_active
    assert result.people_reactivated == ["gone"] and result.people_updated == ["gone"]
    assert "reactivate person gone" in result.changes


def test_people_may_join_departments_that_are_only_in_the_database(org, write):
    result = import_org([write("p.csv", "username,name,department\nnewbie,新人,rd-web\n")])

    assert User.objects.get(username="newbie").department == org.rd_web_dept
    assert result.spaces_created == []  # only departments in the input get spaces


def test_existing_department_space_is_kept_and_route_names_are_avoided(org, spaces, write):
    files = write("d.csv", "code,name\nrd,研发部\nadmin,行政部\nhandbook,手册组\n")
    result = import_org([files])

    assert SpacePage.objects.filter(department=org.rd).count() == 1  # the fixture's space
    # /admin/ is the Wagtail admin and "handbook" is taken by a project space.
    assert sorted(result.spaces_created) == ["admin-space", "handbook-1"]


def test_space_created_event_fires_after_commit(db, write, django_capture_on_commit_callbacks):
    created = []

    class Listener:
        @hookimpl
        def hub_space_created(self, space):
            created.append(space.slug)

    with registered_plugin(Listener()), django_capture_on_commit_callbacks(execute=True):
        import_org([write("org.yaml", ORG_YAML)])
    assert sorted(created) == ["rd", "rd-web"]


def test_dry_run_reports_and_changes_nothing(org, write, django_capture_on_commit_callbacks):
    before = counts()
    with django_capture_on_commit_callbacks() as callbacks:
        result = import_org([write("org.yaml", ORG_YAML)], dry_run=True, deactivate_missing=True)

    assert counts() == before
    assert callbacks == []  # no hub_space_created for spaces that were rolled back
    assert sorted(result.people_created) == ["wangfang", "zhangwei"]
    assert "rd_member" in result.people_deactivated
    assert "Dry run: nothing was changed." in result.summary()


BAD_INPUTS = [
    pytest.param(
        "p.yaml",
        "people:\n  - {username: a, name: 甲, department: rd}\n"
        "  - {username: b, name: 乙, department: nowhere}\n",
        "p.yaml:3: unknown department nowhere",
        id="unknown-department",
    ),
    pytest.param(
        "d.csv",
        "code,name,parent\nx,某部,\ny,某组,nowhere\n",
        "d.csv:3: unknown parent department nowhere",
        id="unknown-parent",
    ),
    pytest.param(
        "d.yaml",
        "departments:\n  - {code: a, name: 甲, parent: c}\n  - {code: b, name: 乙, parent: a}\n"
        "  - {code: c, name: 丙, parent: b}\n",
        "d.yaml:2: departments form a parent cycle: a → c → b → a",
        id="parent-cycle",
    ),
    pytest.param(
        "d.yaml",
        "departments:\n  - {code: a, name: 甲, parent: a}\n",
        "d.yaml:2: departments form a parent cycle: a → a",
        id="own-parent",
    ),
    pytest.param(
        "p.csv",
        "username,name,department,manager\nnew1,新一,rd,\nnew2,新二,rd,nobody\n",
        "p.csv:3: unknown manager nobody",
        id="unknown-manager",
    ),
    pytest.param(
        "d.csv",
        "code,name,head\nnew,新部门,nobody\n",
        "d.csv:2: unknown head nobody",
        id="unknown-head",
    ),
    pytest.param(
        "p.csv",
        "username,name,department\nnew1,新一,rd\n\nnew1,新二,mkt\n",
        "p.csv:4: username new1 is already used at ",
        id="duplicate-username",
    ),
    pytest.param(
        "d.yaml",
        "departments:\n  - code: new\n    name: 新\n  - code: new\n    name: 又新\n",
        "d.yaml:4: department code new is already used at ",
        id="duplicate-code",
    ),
    pytest.param(
        "p.yaml",
        "people:\n  - {username: new1, department: rd}\n",
        "p.yaml:2: name: This field is required.",
        id="missing-field",
    ),
    pytest.param(
        "p.csv",
        "username,name,email,department\nnew1,新一,not-an-email,rd\n",
        "p.csv:2: email: Enter a valid email address.",
        id="bad-email",
    ),
    pytest.param(
        "p.csv",
        "username,name,department\nnew one,新一,rd\n",
        "p.csv:2: username: Enter a valid username.",
        id="bad-username",
    ),
    pytest.param(
        "p.csv",
        'username,name,department,title\nnew1,新一,rd,"多行\n职位"\nnew 2,新二,rd,\n',
        "p.csv:4: username: Enter a valid username.",
        id="line-after-a-multiline-value",
    ),
    pytest.param(
        "d.csv",
        "code,name\n研发,研发部\n",
        "d.csv:2: code: Enter a valid “slug”",
        id="bad-code",
    ),
    pytest.param(
        "p.csv",
        "username,name,email\nnew1,新一,a@example.cn\n",
        "p.csv:1: missing column department",
        id="missing-column",
    ),
    pytest.param(
        "p.csv",
        "username,name,department,phone\nnew1,新一,rd,123\n",
        "p.csv:1: unknown column phone",
        id="unknown-column",
    ),
    pytest.param(
        "x.csv",
        "id,label\n1,甲\n",
        "x.csv:1: cannot tell what this file holds",
        id="unknown-csv",
    ),
    pytest.param(
        "p.csv",
        "username,name,department\nnew1,新一,rd,extra\n",
        "p.csv:2: this line has 4 values but the header has 3 columns",
        id="extra-values",
    ),
    pytest.param(
        "p.yaml",
        "people:\n  - {username: new1, name: 新一, department: rd, phone: 1}\n",
        "p.yaml:2: unknown field phone",
        id="unknown-yaml-field",
    ),
    pytest.param(
        "d.yaml",
        "departments:\n  - {code: no, name: 挪威}\n",
        "d.yaml:2: code must be text: put the value in quotes",
        id="yaml-boolean",
    ),
    pytest.param(
        "d.yaml",
        "departments:\n  - {code: a, name: [甲\n",
        "d.yaml:3: not valid YAML",
        id="yaml-syntax",
    ),
    pytest.param("d.yaml", "teams: []\n", "d.yaml:1: the file needs", id="yaml-no-sections"),
    pytest.param(
        "p.yaml", "people: {a: 1}\n", "p.yaml:1: people must be a list", id="yaml-no-list"
    ),
    pytest.param(
        "p.yaml", "departments:\npeople:\n  - 张伟\n", "p.yaml:3: each entry needs", id="yaml-entry"
    ),
    pytest.param("d.csv", "\n\n", "d.csv:1: the file is empty", id="empty-csv"),
    pytest.param("org.xlsx", "", "org.xlsx: unsupported file type", id="unsupported-type"),
]


@pytest.mark.parametrize(("name", "text", "expected"), BAD_INPUTS)
def test_bad_input_names_the_line_and_changes_nothing(
    org, spaces, write, tmp_path, name, text, expected
):
    # A valid file in the same command must not be applied either.
    good = write("good.yaml", ORG_YAML)
    before = counts()
    with pytest.raises(OrgImportError) as raised:
        import_org([good, write(name, text)])

    assert counts() == before
    errors = raised.value.errors
    assert any(error.startswith(f"{tmp_path}/{expected}") for error in errors), errors


def test_every_error_is_reported_not_only_the_first(db, write):
    text = (
        "username,name,email,department\n"
        "ok,好人,ok@example.cn,rd\n"
        "bad,坏人,bad-email,rd\n"
        "lost,迷路,,nowhere\n"
        "ok,重复,,rd\n"
    )
    departments = write("d.csv", "code,name\nrd,研发部\n")
    with pytest.raises(OrgImportError) as raised:
        import_org([departments, write("p.csv", text)])

    # In file and line order, whichever check found them.
    lines = [error.split(": ", 1)[0].rsplit(":", 1)[1] for error in raised.value.errors]
    assert lines == ["3", "4", "5"]
    assert "3 errors" in str(raised.value)
    assert Department.objects.count() == 0


def test_a_file_given_twice_is_refused(db, write):
    path = write("org.yaml", ORG_YAML)
    with pytest.raises(OrgImportError, match="given more than once"):
        import_org([path, path])
    assert User.objects.count() == 0


def test_gbk_file_is_refused_with_advice_to_save_as_utf8(org, write):
    path = write("people.csv", "username,name,department\nnew1,新一,rd\n", encoding="gbk")
    before = counts()
    with pytest.raises(OrgImportError) as raised:
        import_org([path])

    assert counts() == before
    (error,) = raised.value.errors
    assert error.startswith(f"{path}:2: the file is not UTF-8")
    assert "Save it as UTF-8" in error


def test_deactivate_missing_without_people_is_refused(org, write):
    with pytest.raises(OrgImportError, match="would deactivate everyone"):
        import_org([write("d.csv", "code,name\nrd,研发部\n")], deactivate_missing=True)
    assert User.objects.filter(is_active=True).count() == 6


def test_command_imports_and_reports(db, write):
    out = StringIO()
    call_command("import", "org", str(write("org.yaml", ORG_YAML)), stdout=out)

    assert User.objects.filter(username__in=["wangfang", "zhangwei"]).count() == 2
    assert "create person zhangwei 张伟" in out.getvalue()
    assert "People: 2 created" in out.getvalue()


def test_command_dry_run_changes_nothing(org, write):
    before = counts()
    out = StringIO()
    path = write("org.yaml", ORG_YAML)
    call_command("import", "org", str(path), "--dry-run", "--deactivate-missing", stdout=out)

    assert counts() == before
    assert "Dry run: the import would make these changes:" in out.getvalue()
    assert "create space rd-web 前端组" in out.getvalue()
    assert "deactivate person rd_member 张伟" in out.getvalue()


def test_command_deactivate_missing(org, write):
    path = write("p.csv", "username,name,department\nrd_head,王芳,rd\n")
    call_command("import", "org", str(path), "--deactivate-missing", stdout=StringIO())

    assert list(
        User.objects.filter(is_active=True).order_by("username").values_list("username", flat=True)
    ) == [
        "admin",
        "rd_head",
    ]


def test_command_bad_file_is_a_command_error_naming_the_line(org, write):
    path = write("p.csv", "username,name,department\nnew1,新一,nowhere\n")
    before = counts()
    with pytest.raises(CommandError, match=r"p\.csv:2: unknown department nowhere"):
        call_command("import", "org", str(path), stdout=StringIO())
    assert counts() == before


@pytest.mark.parametrize(
    "files",
    [["org.example.yaml"], ["departments.example.csv", "people.example.csv"]],
)
def test_shipped_examples_import(db, files):
    result = import_org([EXAMPLES / name for name in files])

    assert result.departments_created and result.people_created
    assert len(result.spaces_created) == len(result.departments_created)
    assert User.objects.get(username="wangfang").name == "王芳"


def test_yaml_and_csv_examples_describe_the_same_organisation(db):
    import_org([EXAMPLES / "org.example.yaml"])
    again = import_org([EXAMPLES / "departments.example.csv", EXAMPLES / "people.example.csv"])

    assert again.changes == []
