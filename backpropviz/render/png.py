"""PNG bytes as Graphviz writes them, read and amended chunk by chunk (no decoding)."""

from __future__ import annotations

import struct
import zlib

__all__ = ["png_size", "with_dpi"]

SIGNATURE = b"\x89PNG\r\n\x1a\n"
INCHES_PER_METRE = 1 / 0.0254


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header ((0, 0) for bytes that are not a PNG)."""
    if data[:8] != SIGNATURE or len(data) < 24:
        return (0, 0)
    width, height = struct.unpack(">II", data[16:24])
    return (width, height)


def with_dpi(data: bytes, dpi: float) -> bytes:
    """The PNG with a pHYs chunk saying ``dpi`` (replacing any), so a slide or document
    app pastes it at the size it was drawn for instead of assuming 72 or 96 dpi."""
    if data[:8] != SIGNATURE or data[12:16] != b"IHDR":
        return data
    per_metre = round(dpi * INCHES_PER_METRE)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)  # unit 1: the metre
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    header_end = 8 + 12 + 13  # signature, IHDR's length + type + CRC, its 13 bytes
    return data[:header_end] + chunk + _without(data[header_end:], b"pHYs")


def _without(chunks: bytes, kind: bytes) -> bytes:
    """The chunks (from after IHDR to the end) minus those of type ``kind``."""
    kept, i = [], 0
    while i + 8 <= len(chunks):
        length = struct.unpack(">I", chunks[i:i + 4])[0]
        end = i + 12 + length
        if chunks[i + 4:i + 8] != kind:
            kept.append(chunks[i:end])
        i = end
    return b"".join(kept) + chunks[i:]
