"""DPX and OpenEXR frame headers, read with a few ``struct`` calls instead of OpenImageIO.

Why a small parser: a sequence is thousands of frames and all we need from each is the first ~2 KB (DPX) or
the attribute list (EXR). OpenImageIO would add a large native wheel to every site host for that, and it
normalises away exactly the fields a colorist asks about — the DPX television header's SMPTE timecode and
frame rate, the film header's frame rate — or hides undefined ones behind defaults. Reading the header
ourselves keeps "undefined" (all bits set, per SMPTE 268M) distinguishable from a value, costs one small read,
and lets absurd values be refused explicitly.
"""

from __future__ import annotations

import math
import struct

from daemon.mediainfo import MediaInfo, format_timecode

DPX_HEADER_BYTES = 2048
EXR_HEADER_BYTES = 64 * 1024  # attributes of a scanline/tiled EXR; far more than any real header

_UNDEF_U32 = 0xFFFFFFFF
# SMPTE 268M offsets (bytes from the start of the file).
_PIXELS_PER_LINE, _LINES, _ELEMENTS, _BIT_SIZE = 772, 776, 770, 803
_FILM_FRAME_RATE = 1724  # motion-picture film header (starts at 1664)
_TV_TIMECODE, _TV_FRAME_RATE = 1920, 1940  # television header (starts at 1920)


class HeaderError(ValueError):
    """Not the format the extension claims, or a header cut short."""


def _bcd(value: int) -> int:
    hi, lo = value >> 4, value & 0xF
    if hi > 9 or lo > 9:
        raise HeaderError(f"timecode digit is not BCD: {value:#x}")
    return hi * 10 + lo


def smpte_timecode(word: int) -> str | None:
    """A SMPTE 12M timecode packed as BCD ``HHMMSSFF`` (bit 30: drop frame); ``None`` when undefined."""
    if word == _UNDEF_U32:
        return None
    hh, mm, ss, ff = _bcd((word >> 24) & 0x3F), _bcd((word >> 16) & 0x7F), _bcd((word >> 8) & 0x7F), _bcd(word & 0x3F)
    return format_timecode(hh, mm, ss, ff, drop=bool(word & (1 << 30)))


def _rate(value: float) -> float | None:
    """DPX floats are undefined as all-ones (a NaN) or zero in practice."""
    return value if math.isfinite(value) and value > 0 else None


def parse_dpx(head: bytes) -> MediaInfo:
    if len(head) < 4:
        raise HeaderError("file too short for a DPX header")
    magic = head[:4]
    if magic == b"SDPX":
        order = ">"
    elif magic == b"XPDS":
        order = "<"
    else:
        raise HeaderError(f"not a DPX file (magic {magic!r})")
    if len(head) < DPX_HEADER_BYTES:
        raise HeaderError(f"DPX header cut short: {len(head)} of {DPX_HEADER_BYTES} bytes")

    def u32(offset: int) -> int:
        return int(struct.unpack_from(order + "I", head, offset)[0])

    def r32(offset: int) -> float:
        return float(struct.unpack_from(order + "f", head, offset)[0])

    width, height = u32(_PIXELS_PER_LINE), u32(_LINES)
    bits = head[_BIT_SIZE]
    rate = _rate(r32(_TV_FRAME_RATE)) or _rate(r32(_FILM_FRAME_RATE))
    info = MediaInfo(
        container="dpx",
        codec="dpx",
        width=None if width == _UNDEF_U32 else width,
        height=None if height == _UNDEF_U32 else height,
        bit_depth=None if bits == 0xFF else bits,
        frame_rate=round(rate, 3) if rate is not None else None,
        frame_count=1,
    )
    try:
        timecode = smpte_timecode(u32(_TV_TIMECODE))
    except HeaderError as exc:
        return info.failed(str(exc))
    return MediaInfo(**{**info.as_json(), "start_timecode": timecode})


_EXR_MAGIC = 0x01312F76
_EXR_BITS = {0: 32, 1: 16, 2: 32}  # UINT, HALF, FLOAT


def _cstring(data: bytes, offset: int) -> tuple[str, int]:
    end = data.find(b"\0", offset)
    if end < 0 or end - offset > 255:
        raise HeaderError("EXR header cut short")
    return data[offset:end].decode("latin-1"), end + 1


def _exr_channel_bits(value: bytes) -> int | None:
    bits: list[int] = []
    offset = 0
    while offset < len(value) and value[offset] != 0:
        _, offset = _cstring(value, offset)
        if offset + 16 > len(value):
            raise HeaderError("EXR channel list cut short")
        pixel_type = struct.unpack_from("<i", value, offset)[0]
        bits.append(_EXR_BITS.get(pixel_type, 0))
        offset += 16
    return max(bits) if bits and all(bits) else None


def parse_exr(head: bytes) -> MediaInfo:
    if len(head) < 8 or struct.unpack_from("<I", head, 0)[0] != _EXR_MAGIC:
        raise HeaderError("not an OpenEXR file")
    attrs: dict[str, tuple[str, bytes]] = {}
    offset = 8
    while True:
        if offset >= len(head):
            raise HeaderError("EXR header cut short")
        if head[offset] == 0:
            break
        name, offset = _cstring(head, offset)
        kind, offset = _cstring(head, offset)
        if offset + 4 > len(head):
            raise HeaderError("EXR header cut short")
        size = struct.unpack_from("<i", head, offset)[0]
        offset += 4
        if size < 0 or offset + size > len(head):
            raise HeaderError(f"EXR attribute {name!r} has an impossible size {size}")
        attrs[name] = (kind, head[offset : offset + size])
        offset += size
    width = height = None
    if "dataWindow" in attrs and len(attrs["dataWindow"][1]) == 16:
        x0, y0, x1, y1 = struct.unpack("<4i", attrs["dataWindow"][1])
        width, height = x1 - x0 + 1, y1 - y0 + 1
    rate = exact = None
    if "framesPerSecond" in attrs and len(attrs["framesPerSecond"][1]) == 8:
        num, den = struct.unpack("<iI", attrs["framesPerSecond"][1])
        if num > 0 and den > 0:
            rate, exact = num / den, f"{num}/{den}"
    info = MediaInfo(
        container="exr",
        codec="exr",
        width=width,
        height=height,
        frame_rate=rate,
        frame_rate_exact=exact,
        bit_depth=_exr_channel_bits(attrs["channels"][1]) if "channels" in attrs else None,
        frame_count=1,
    )
    if "timeCode" in attrs and len(attrs["timeCode"][1]) == 8:
        word = struct.unpack_from("<I", attrs["timeCode"][1], 0)[0]
        try:
            return MediaInfo(**{**info.as_json(), "start_timecode": smpte_timecode(word)})
        except HeaderError as exc:
            return info.failed(str(exc))
    return info
