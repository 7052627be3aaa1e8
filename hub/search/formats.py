"""How the hub's text columns store a term's positions in a document (a Whoosh format).

Whoosh's ``Positions`` format pickles each posting's list of position deltas: writing and
reading it is one pickle call per posting, which dominated both indexing and the first
phrase search of a term. ``PackedPositions`` stores the same deltas as big-endian 32-bit
integers after the same 4-byte count, so a whole posting list decodes in one array
operation (``hub.search.engine``) and a posting encodes with one ``struct`` call.

The format is pickled into each index's schema: keep this import path. Indexes written
with Whoosh's ``Positions`` stay readable (the engine decodes both).
"""

from __future__ import annotations

import struct
from functools import cache
from operator import sub

from whoosh.formats import Positions

_COUNT = struct.Struct("!I")


@cache
def _packer(count: int) -> struct.Struct:
    """The layout of a value holding ``count`` positions: the count, then the deltas."""
    return struct.Struct(f"!{count + 1}I")


class PackedPositions(Positions):
    """``Positions`` with the deltas packed as ``!I`` integers instead of pickled."""

    def encode(self, poslist: list[int]) -> bytes:
        count = len(poslist)
        return _packer(count).pack(count, poslist[0], *map(sub, poslist[1:], poslist))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        count = _COUNT.unpack_from(valuestring)[0]
        positions, position = [], 0
        for delta in struct.unpack_from(f"!{count}I", valuestring, _COUNT.size):
            position += delta
            positions.append(position)
        return positions
