"""The mapping file of ``hub import docs --map FILE`` (see ``import/mapping.example.yaml``).

folders:            # folder (relative to the imported folder) -> space slug
  研发部: rd
styles:             # Word style name -> Markdown block
  Code Block: code
  Quote: quote
  公文标题: heading 1
keep_deletions: false
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

BLOCKS = re.compile(r"^(code|quote|paragraph|heading [1-6])$")


class MappingError(Exception):
    """The mapping file is unreadable or wrong; the message says where."""


@dataclass
class Mapping:
    """Folder -> space slug, style name -> block kind, and conversion options."""

    folders: dict[str, str] = field(default_factory=dict)
    styles: dict[str, str] = field(default_factory=dict)
    keep_deletions: bool = False

    def space_for(self, relative: str) -> tuple[str | None, str]:
        """The mapped space slug of a relative path (longest folder wins) and the rest."""
        parts = Path(relative).parts
        for depth in range(len(parts) - 1, 0, -1):
            folder = "/".join(parts[:depth])
            if folder in self.folders:
                return self.folders[folder], "/".join(parts[depth:])
        return None, relative


def load_mapping(path: str | None) -> Mapping:
    """Read and check a mapping file; an empty Mapping without one."""
    if not path:
        return Mapping()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise MappingError(
            _("Cannot read the mapping file %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error
    if not isinstance(data, dict) or set(data) - {"folders", "styles", "keep_deletions"}:
        raise MappingError(
            _("%(path)s: the mapping file holds folders:, styles: and keep_deletions: only.")
            % {"path": path}
        )
    folders, styles = data.get("folders") or {}, data.get("styles") or {}
    if not isinstance(folders, dict) or not isinstance(styles, dict):
        raise MappingError(_("%(path)s: folders: and styles: must be mappings.") % {"path": path})
    bad = [f"{name}: {kind}" for name, kind in styles.items() if not BLOCKS.match(str(kind))]
    if bad:
        raise MappingError(
            _("%(path)s: unknown block kinds (use code, quote, paragraph or heading 1-6): %(bad)s")
            % {"path": path, "bad": ", ".join(bad)}
        )
    return Mapping(
        folders={str(k).strip("/"): str(v) for k, v in folders.items()},
        styles={str(k): str(v) for k, v in styles.items()},
        keep_deletions=bool(data.get("keep_deletions", False)),
    )
