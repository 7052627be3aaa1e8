"""Theme discovery: each folder of ``themes/`` holds ``theme.toml``, ``templates/`` and ``static/``.

A theme names a ``parent`` it falls back to (templates and stylesheets), ending at
``default``. Loaded from settings, so this module must not import Django models.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    path: Path
    parent: str | None = None
    stylesheets: list[str] = field(default_factory=list)


def load_theme(themes_dir: Path, name: str) -> Theme:
    """Read one theme's ``theme.toml``; a missing or malformed theme is a clear ValueError."""
    if not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"HUB_THEME={name!r} is not a theme name")
    manifest = themes_dir / name / "theme.toml"
    if not manifest.is_file():
        available = ", ".join(available_themes(themes_dir)) or "none"
        raise ValueError(f"HUB_THEME={name!r}: no {manifest} (available: {available})")
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{manifest}: {error}") from error
    return Theme(
        name=name,
        label=str(data.get("label", name)),
        path=manifest.parent,
        parent=data.get("parent"),
        stylesheets=[str(s) for s in data.get("stylesheets", [])],
    )


def theme_chain(themes_dir: Path, name: str) -> list[Theme]:
    """The selected theme followed by its parents, most specific first."""
    chain = [load_theme(themes_dir, name)]
    while chain[-1].parent:
        parent = chain[-1].parent
        if any(theme.name == parent for theme in chain):
            raise ValueError(f"theme {name!r}: parent loop at {parent!r}")
        try:
            chain.append(load_theme(themes_dir, parent))
        except ValueError as error:
            raise ValueError(f"theme {chain[-1].name!r}: parent {error}") from error
    return chain


def template_dirs(chain: list[Theme]) -> list[Path]:
    """Template folders, most specific theme first (Django takes the first match)."""
    return [theme.path / "templates" for theme in chain]


def staticfiles_dirs(chain: list[Theme]) -> list[tuple[str, Path]]:
    """Static folders, each published under ``themes/<name>/``."""
    return [(f"themes/{theme.name}", theme.path / "static") for theme in chain]


def stylesheet_paths(chain: list[Theme]) -> list[str]:
    """Static paths of the stylesheets to link, parents first so a child's rules win."""
    return [
        f"themes/{theme.name}/{sheet}" for theme in reversed(chain) for sheet in theme.stylesheets
    ]


def available_themes(themes_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in themes_dir.glob("*/theme.toml"))
