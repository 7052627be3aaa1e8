"""The plugin API contract, discovery and ``plugin_config``.

The contract: every hook in ``hub.hookspecs`` has a one-line summary, a section in
``docs/plugin_hooks.md`` showing its signature, an implementation in the dummy plugin and
a test named after it; every ``hub_hooks`` module holds hook implementations only.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

from hub import hookspecs
from hub.plugins import ENTRY_POINT_GROUP, plugin_apps, plugin_config, pm, register_app_hooks
from hub.testing import registered_plugin
from tests.plugins.dummy import hub_hooks as dummy_hooks

ROOT = Path(__file__).resolve().parent.parent
HOOKS_DOC = ROOT / "docs" / "plugin_hooks.md"
HOOKS = sorted(
    name
    for name, value in vars(hookspecs).items()
    if name.startswith("hub_") and hasattr(value, "hub_spec")
)


def doc_sections(doc: Path = HOOKS_DOC) -> dict[str, str]:
    """``### <heading>`` -> the text up to the next heading of that level or above."""
    sections: dict[str, str] = {}
    heading = None
    in_code = False
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        is_heading = not in_code and line.startswith(("# ", "## ", "### "))
        if is_heading:
            heading = line[4:].strip().strip("`") if line.startswith("### ") else None
            if heading is not None:
                sections[heading] = ""
        elif heading is not None:
            sections[heading] += line + "\n"
    return sections


def collected_test_names(folder: str = "tests") -> set[str]:
    """Names of every test function under ``folder`` (read from the source, not imported)."""
    names = set()
    for source in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and node.name.startswith("test_"):
                names.add(node.name)
    return names


# The contract --------------------------------------------------------------------------


def test_contract_finds_the_hooks():
    assert "hub_register_nav_items" in HOOKS and "hub_permission_check" in HOOKS
    assert set(HOOKS) <= {name for name in dir(pm.hook) if name.startswith("hub_")}


@pytest.mark.parametrize("name", HOOKS)
def test_contract_hook_has_a_one_line_summary(name):
    doc = inspect.getdoc(getattr(hookspecs, name))
    assert doc, f"{name} has no docstring"
    lines = doc.splitlines()
    assert lines[0].strip() and lines[0].rstrip().endswith("."), f"{name}: first line is a sentence"
    assert len(lines) == 1 or not lines[1].strip(), f"{name}: the summary is one line"


@pytest.mark.parametrize("name", HOOKS)
def test_contract_hook_is_documented_with_its_signature(name):
    sections = doc_sections()
    assert name in sections, f"docs/plugin_hooks.md has no '### {name}' section"
    arguments = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
    assert f"{name}({arguments})" in sections[name], f"{name}: the documented signature differs"


def test_contract_docs_describe_no_unknown_hook():
    documented = {heading for heading in doc_sections() if heading.startswith("hub_")}
    assert documented == set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_contract_dummy_plugin_implements_hook(name):
    implementation = getattr(dummy_hooks, name, None)
    assert implementation is not None, f"tests/plugins/dummy does not implement {name}"
    assert hasattr(implementation, "hub_impl"), f"dummy {name} lacks @hookimpl"


@pytest.mark.parametrize("name", HOOKS)
def test_contract_hook_has_a_test(name):
    short = name.removeprefix("hub_")
    assert any(short in test for test in collected_test_names()), (
        f"no test function under tests/ has {short!r} in its name"
    )


def hub_hooks_modules() -> list:
    modules = [dummy_hooks]
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.hub_hooks"
        if importlib.util.find_spec(module_name) is not None:
            modules.append(importlib.import_module(module_name))
    return modules


def test_contract_hub_hooks_modules_hold_only_hook_implementations():
    modules = hub_hooks_modules()
    assert "hub.core.hub_hooks" in {module.__name__ for module in modules}
    known_hooks = {name for name in dir(pm.hook) if name.startswith("hub_")}
    for module in modules:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            where = f"{module.__name__}.{name}"
            options = getattr(function, "hub_impl", None)
            assert options is not None, f"{where} is public but not a @hookimpl"
            assert name in known_hooks, f"{where} implements no known hook"
            # hub.plugins calls each implementation itself to isolate failures, which
            # a wrapper (a generator around the others) cannot take part in.
            assert not (options["wrapper"] or options["hookwrapper"]), f"{where} is a wrapper"


def test_contract_registered_implementations_all_match_a_hookspec():
    with registered_plugin(dummy_hooks, name="dummy"):
        pm.check_pending()


# Discovery -----------------------------------------------------------------------------


def write_distribution(root: Path, name: str, entry_points: str) -> None:
    """An installed distribution as pip leaves it: a ``*.dist-info`` folder on sys.path."""
    dist_info = root / f"{name}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


@pytest.fixture
def acme_wiki(tmp_path, monkeypatch) -> Path:
    """A distribution whose ``hub`` entry point names the Django app ``acme_hub.wiki``."""
    write_distribution(
        tmp_path,
        "acme_hub_wiki",
        f"[{ENTRY_POINT_GROUP}]\nwiki = acme_hub.wiki\n\n"
        "[console_scripts]\nwiki = acme_hub.cli:main\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_discovery_lists_entry_points_of_group_hub_without_importing_them(acme_wiki):
    modules = plugin_apps(["plugins.feedback"], blocked=[])

    assert modules[0] == "plugins.feedback", "first-party plugins come first"
    assert modules.count("acme_hub.wiki") == 1
    assert "acme_hub.cli:main" not in modules, "only the hub group counts"
    # acme_hub does not even exist: phase 1 must only read the metadata.
    assert "acme_hub" not in sys.modules


def test_discovery_does_not_list_a_first_party_plugin_twice(tmp_path, monkeypatch):
    write_distribution(tmp_path, "hub_feedback_dup", "[hub]\nfeedback = plugins.feedback\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    assert plugin_apps(["plugins.feedback"], blocked=[]).count("plugins.feedback") == 1


def test_discovery_blocks_plugins_by_module_or_short_name(acme_wiki):
    first_party = ["plugins.feedback"]

    assert "acme_hub.wiki" not in plugin_apps(first_party, blocked=["acme_hub.wiki"])
    assert "acme_hub.wiki" not in plugin_apps(first_party, blocked=["wiki"])
    assert plugin_apps(first_party, blocked=["feedback"], entry_points=False) == []
    assert (
        plugin_apps(first_party, blocked=["plugins.feedback", "wiki"]).count("acme_hub.wiki") == 0
    )


def test_discovery_blocks_an_entry_point_by_its_own_name(tmp_path, monkeypatch):
    write_distribution(tmp_path, "hub_bookmarks", "[hub]\nbookmarks = hub_bookmarks\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    assert "hub_bookmarks" in plugin_apps([], blocked=[])
    assert "hub_bookmarks" not in plugin_apps([], blocked=["bookmarks"])


def test_discovery_can_turn_entry_points_off(acme_wiki):
    assert plugin_apps(["plugins.feedback"], blocked=[], entry_points=False) == ["plugins.feedback"]


PLUGIN_VARIABLES = {
    "HUB_PLUGINS",
    "HUB_BLOCKED_PLUGINS",
    "HUB_LOAD_ENTRY_POINTS",
    "HUB_PLUGIN_CONFIG",
}


def settings_in_subprocess(tmp_path: Path, **environ: str) -> subprocess.CompletedProcess:
    """Import hub.settings in a fresh interpreter with ``environ``; print what it decided."""
    script = (
        "import json; from hub import settings; "
        "print(json.dumps({'apps': settings.INSTALLED_APPS, 'config': settings.HUB_PLUGIN_CONFIG}))"
    )
    inherited = {key: value for key, value in os.environ.items() if key not in PLUGIN_VARIABLES}
    env = {**inherited, "HUB_DATA_DIR": str(tmp_path / "data"), **environ}
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(tmp_path), str(ROOT), env.get("PYTHONPATH")])
    )
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )


def installed_apps(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["apps"]


def test_discovery_settings_wire_the_environment_to_installed_apps(acme_wiki):
    default = installed_apps(settings_in_subprocess(acme_wiki))
    assert default[0] == "hub.core"
    assert default.index("plugins.feedback") < default.index("acme_hub.wiki")

    blocked = installed_apps(
        settings_in_subprocess(acme_wiki, HUB_BLOCKED_PLUGINS="feedback, wiki")
    )
    assert "plugins.feedback" not in blocked and "acme_hub.wiki" not in blocked

    no_entry_points = installed_apps(settings_in_subprocess(acme_wiki, HUB_LOAD_ENTRY_POINTS="0"))
    assert "plugins.feedback" in no_entry_points and "acme_hub.wiki" not in no_entry_points


def test_discovery_registers_every_installed_apps_hub_hooks_once():
    for app_config in apps.get_app_configs():
        if importlib.util.find_spec(f"{app_config.name}.hub_hooks") is not None:
            plugin = pm.get_plugin(app_config.label)
            assert plugin is importlib.import_module(f"{app_config.name}.hub_hooks")
    before = pm.list_name_plugin()

    register_app_hooks()  # phase 2 may run again (e.g. a second ready()) without duplicates

    assert pm.list_name_plugin() == before


# plugin_config -------------------------------------------------------------------------


def test_plugin_config_reads_the_plugins_own_settings(settings):
    settings.HUB_PLUGIN_CONFIG = {"dummy": {"greeting": "你好", "limit": 3}, "other": {"x": 1}}

    config = plugin_config("dummy")
    config["limit"] = 99

    assert config == {"greeting": "你好", "limit": 99}
    assert plugin_config("dummy") == {"greeting": "你好", "limit": 3}, "callers get a copy"
    assert plugin_config("unknown") == {}


def test_plugin_config_comes_from_json_in_the_environment(tmp_path):
    good = settings_in_subprocess(tmp_path, HUB_PLUGIN_CONFIG='{"feedback": {"anonymous": false}}')
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["config"] == {"feedback": {"anonymous": False}}

    bad = settings_in_subprocess(tmp_path, HUB_PLUGIN_CONFIG="{feedback: yes}")
    assert bad.returncode != 0
    assert "HUB_PLUGIN_CONFIG is not valid JSON" in bad.stderr


PLUGIN_HOOKS = sorted(
    name
    for name in dir(pm.hook)
    if name.startswith("hub_") and name not in HOOKS and getattr(pm.hook, name).spec
)


def test_contract_hooks_plugins_declare_are_documented_and_tested():
    """A plugin's own hooks (e.g. the approvals' hub_approval_step_changed) keep the same
    contract: a section with the signature in one of docs/*.md, and a test."""
    assert "hub_approval_step_changed" in PLUGIN_HOOKS
    sections: dict[str, str] = {}
    for doc in (ROOT / "docs").glob("*.md"):
        sections.update(doc_sections(doc))
    tests = collected_test_names("plugins")
    for name in PLUGIN_HOOKS:
        spec = getattr(pm.hook, name).spec
        arguments = ", ".join(spec.argnames)
        assert name in sections, f"no '### {name}' section in docs/*.md"
        assert f"{name}({arguments})" in sections[name], f"{name}: the documented signature differs"
        short = name.removeprefix("hub_")
        assert any(short in test for test in tests), f"no test under plugins/ names {short!r}"
