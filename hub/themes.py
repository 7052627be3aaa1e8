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
    chain: list[Theme] = []
    current: str | None = name
    while current:
        if any(theme.name == current for theme in chain):
            raise ValueError(f"theme {name!r}: parent loop at {current!r}")
        theme = load_theme(themes_dir, current)
        chain.append(theme)
        current = theme.parent
    return chain


def available_themes(themes_dir: Path) -> list[str]:
    return sorted(p.parent.name for p in themes_dir.glob("*/theme.toml"))
