"""Checks a ``.docx`` file must pass before anything parses it.

Everything here reads the zip's central directory and streams members with a cap, so a
hostile file is refused without ever being extracted: too large, too many members, too
much uncompressed data or an implausible compression ratio (zip bombs), macro-enabled,
encrypted (an OLE compound file, which is how Word stores password-protected files), or
not a Word document at all. Limits come from ``plugin_config("wordimport")``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hub.plugins import plugin_config

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata")


class UnsafeDocument(Exception):
    """The file was refused before parsing; the message says why, for the admin."""


@dataclass(frozen=True)
class Limits:
    """Bounds a file must stay within (bytes unless said otherwise)."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_members: int = 2000
    max_uncompressed_bytes: int = 300 * 1024 * 1024
    max_member_bytes: int = 100 * 1024 * 1024
    max_ratio: float = 200.0

    @classmethod
    def configured(cls) -> Limits:
        """The defaults, overridden by ``HUB_PLUGIN_CONFIG={"wordimport": {...}}``."""
        config = plugin_config("wordimport")
        fields = cls.__dataclass_fields__
        return cls(**{key: type(getattr(cls, key))(config[key]) for key in fields if key in config})


class CappedZip:
    """A zip whose members can only be read within the limits, streamed, never whole."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive = archive
        self.limits = limits
        self.names = set(archive.namelist())

    def read(self, name: str) -> bytes:
        """A member's bytes; the stream stops at the declared size plus one chunk."""
        info = self.archive.getinfo(name)
        cap = min(info.file_size, self.limits.max_member_bytes)
        with self.archive.open(info) as stream:
            data = stream.read(cap + 1)
        if len(data) > cap:
            raise UnsafeDocument(_("A part of the file is larger than it declares."))
        return data


def check_docx(data: bytes, limits: Limits | None = None) -> CappedZip:
    """Refuse a hostile or unsupported file with UnsafeDocument; return the checked zip."""
    limits = limits or Limits.configured()
    if len(data) > limits.max_file_bytes:
        raise UnsafeDocument(
            _("The file is larger than %(limit)d MB.") % {"limit": limits.max_file_bytes >> 20}
        )
    if data.startswith(OLE_MAGIC):
        raise UnsafeDocument(
            _(
                "The file is encrypted (password-protected) or an old .doc file; save it as an "
                "unprotected .docx and import it again."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnsafeDocument(_("The file is not a .docx file (not a zip archive).")) from error
    if len(infos) > limits.max_members:
        raise UnsafeDocument(
            _("The file has %(count)d parts; at most %(limit)d are allowed.")
            % {"count": len(infos), "limit": limits.max_members}
        )
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise UnsafeDocument(
            _("The file unpacks to %(size)d MB; at most %(limit)d MB are allowed.")
            % {"size": total >> 20, "limit": limits.max_uncompressed_bytes >> 20}
        )
    if total > 1024 * 1024 and total > limits.max_ratio * max(compressed, 1):
        raise UnsafeDocument(
            _("The file is compressed %(ratio)d times, which only a zip bomb is; refused.")
            % {"ratio": total // max(compressed, 1)}
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnsafeDocument(_("The file is encrypted; save it without a password."))
    names = {info.filename.lower() for info in infos}
    checked = CappedZip(archive, limits)
    if "[content_types].xml" not in names:
        raise UnsafeDocument(_("The file is not a Word document (.docx)."))
    content_types = checked.read(
        next(info.filename for info in infos if info.filename.lower() == "[content_types].xml")
    ).lower()
    if any(marker.encode() in content_types for marker in MACRO_MARKERS) or any(
        name.rsplit("/", 1)[-1] in {"vbaproject.bin", "vbadata.xml"} for name in names
    ):
        raise UnsafeDocument(
            _("The file contains macros (.docm); save it as a plain .docx without macros.")
        )
    if DOCX_MAIN.encode() not in content_types:
        raise UnsafeDocument(_("The file is not a Word document (.docx)."))
    return checked
