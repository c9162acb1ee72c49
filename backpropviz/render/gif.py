"""A lesson's PNG frames as one looping animated GIF, for slide tools that take GIFs."""

from __future__ import annotations

import io
import struct
from typing import Any, Iterable

from ..choices import FRAME_MS
from ..errors import LimitError
from ..lang import message

__all__ = ["render_gif", "GifWriter", "palette_of", "check_gif_size", "MIN_FRAME_MS", "MAX_FRAME_MS", "MAX_GIF_PIXELS"]

MIN_FRAME_MS = 20  # browsers slow anything faster down to 100 ms
MAX_FRAME_MS = 300_000  # a GIF delay is at most 655 s; the held last frame is twice this
HOLD_LAST = 2  # the last frame stays this many times longer, so the loop's end reads

#: Pixels of one frame. A GIF is made a frame at a time (memory does not grow with the
#: number of frames), at about 20 bytes a pixel of the frame being encoded (decoded, laid
#: on white, centred, mapped to 256 colours): the CS231n sigmoid at --scale 8, 8,000 x
#: 2,167, is 17 million pixels; a 50-term sum at --scale 8, 8,000 x 3,443, is refused.
MAX_GIF_PIXELS = 20_000_000


def check_gif_size(size: tuple[int, int], frames: int, scale: float = 1.0) -> None:
    """Refuse a GIF whose frames, of ``size`` pixels, are each over :data:`MAX_GIF_PIXELS`,
    before its other frames are drawn."""
    width, height = size
    if width * height > MAX_GIF_PIXELS:
        raise LimitError(message(
            "render.gif_too_big", frames=f"{frames:,}", width=f"{width:,}",
            height=f"{height:,}", millions=f"{width * height / 1e6:,.0f}", scale=f"{scale:g}",
            limit=f"{MAX_GIF_PIXELS / 1e6:,.0f}"))


def render_gif(pngs: Iterable[bytes], frame_ms: int = FRAME_MS) -> bytes:
    """An animated GIF, looping forever, of the PNG images ``pngs``, each shown ``frame_ms``
    milliseconds (rounded to 10 ms, GIF's unit) and the last twice as long.

    Frames of different sizes are centred, not stretched, on a canvas of the largest width and
    height, filled with the first frame's background (its top-left pixel); transparency
    is laid on white. Each frame gets its own 256-colour palette, so the colours stay true.
    (A lesson, whose frames share their colours, uses :class:`GifWriter` with one palette.)
    """
    pngs = list(pngs)
    _check_ms(frame_ms)
    if not pngs:
        raise ValueError("render_gif needs at least one frame")
    sizes = [_size(data, k) for k, data in enumerate(pngs, 1)]
    writer = GifWriter((max(w for w, _ in sizes), max(h for _, h in sizes)), frame_ms)
    for data in pngs:
        writer.add(data)
    return writer.finish()


def _check_ms(frame_ms: int) -> None:
    if not MIN_FRAME_MS <= frame_ms <= MAX_FRAME_MS:
        raise ValueError(f"frame_ms must be between {MIN_FRAME_MS} and {MAX_FRAME_MS:,} "
                         f"milliseconds, not {frame_ms}")


def _size(data: bytes, k: int) -> tuple[int, int]:
    """The pixel size of PNG ``data`` (frame ``k``), from its header alone."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"frame {k} is not a readable image: {exc}") from None


class GifWriter:
    """An animated GIF written a frame at a time: each frame is decoded, mapped to 256
    colours and LZW-encoded as it is added, so memory holds one frame whatever the count.
    ``size`` is the canvas; ``palette`` (a "P" image), when given, is the one palette every
    frame is mapped to (computed once), else each frame gets its own."""

    def __init__(self, size: tuple[int, int], frame_ms: int = FRAME_MS,
                 palette: Any = None) -> None:
        _check_ms(frame_ms)
        self.size = size
        self.frame_ms = frame_ms
        self.palette = palette
        self.background: Any = None
        self.previous: Any = None  # the last frame's palette indices (one palette only)
        self.out = io.BytesIO()
        self.pending = b""  # the last frame added: written once it is known not to be last
        self.count = 0
        width, height = size
        self.out.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0))
        self.out.write(b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")  # loop forever

    def add(self, png: bytes) -> None:
        """Decode, centre, map to the palette and encode one PNG frame."""
        from PIL import Image

        self.count += 1
        with Image.open(io.BytesIO(png)) as image:
            frame = _opaque_or_rgba(image)
        if self.background is None:
            self.background = _on_white(frame.getpixel((0, 0)))
        width, height = self.size
        canvas = Image.new("RGB", self.size, self.background)
        _lay(canvas, frame, ((width - frame.width) // 2, (height - frame.height) // 2))
        del frame
        if self.palette is None:
            indexed, at = _indexed(canvas), (0, 0)
        else:
            indexed = canvas.quantize(palette=self.palette, dither=Image.Dither.NONE)
            _keep_background(canvas, indexed, self.background)
            indexed, at = self._changed(indexed)
        del canvas
        self._flush(self.frame_ms)
        self.pending = _image_block(indexed, at)

    def _changed(self, indexed: Any) -> tuple[Any, tuple[int, int]]:
        """With one palette for every frame, only the rectangle that differs from the
        frame before is encoded (drawn over it: GIF's "do not dispose"), and where it goes."""
        from PIL import Image, ImageChops

        codes = Image.frombytes("L", indexed.size, indexed.tobytes())  # (palette indices)
        before, self.previous = self.previous, codes
        if before is None:
            return indexed, (0, 0)
        box = ImageChops.difference(before, codes).getbbox() or (0, 0, 1, 1)
        return indexed.crop(box), (box[0], box[1])

    def finish(self) -> bytes:
        """The whole GIF: the last frame held :data:`HOLD_LAST` times as long."""
        if not self.count:
            raise ValueError("render_gif needs at least one frame")
        self._flush(self.frame_ms * (HOLD_LAST if self.count > 1 else 1))
        self.out.write(b"\x3b")
        return self.out.getvalue()

    def _flush(self, ms: int) -> None:
        if self.pending:
            delay = max(1, round(ms / 10))  # (GIF counts hundredths of a second)
            self.out.write(b"\x21\xf9\x04" + struct.pack("<BHB", 1 << 2, delay, 0) + b"\x00")
            self.out.write(self.pending)
            self.pending = b""


def palette_of(png: bytes) -> Any:
    """The one palette for a lesson's frames, from one of them (the last, which shows every
    colour the lesson uses: values, gradients, the highlight), as a "P" image."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        frame = _opaque_or_rgba(image)
    canvas = Image.new("RGB", frame.size, (255, 255, 255))
    _lay(canvas, frame, (0, 0))
    del frame
    corner = canvas.getpixel((0, 0))
    assert isinstance(corner, tuple), "an RGB image's pixel is a tuple"
    return _with_colour(_indexed(canvas), corner)


def _keep_background(canvas: Any, indexed: Any, background: tuple[int, ...]) -> None:
    """Map the background's pixels of ``canvas`` to the palette's exact background colour
    in ``indexed`` (the palette lookup is approximate: white came out as 252, 252, 252,
    a grey box on a white slide)."""
    from PIL import Image, ImageChops

    entries = _colours(indexed)
    if tuple(background[:3]) not in entries:
        return
    solid = Image.new("RGB", canvas.size, tuple(background[:3]))
    same = ImageChops.difference(canvas, solid).convert("L").point(lambda v: 255 if v == 0 else 0)
    indexed.paste(entries.index(tuple(background[:3])), mask=same)


def _colours(indexed: Any) -> list[tuple[int, ...]]:
    """The RGB entries of a "P" image's palette, in order."""
    flat = indexed.getpalette()[:768]
    return [tuple(flat[k:k + 3]) for k in range(0, len(flat), 3)]


def _with_colour(palette: Any, colour: tuple[int, ...]) -> Any:
    """``palette`` with its entry nearest ``colour`` (the background, which a median cut
    moves a little: white came out as 252, 252, 252) made exactly ``colour``."""
    flat, entries = palette.getpalette()[:768], _colours(palette)
    nearest = min(range(len(entries)),
                  key=lambda k: sum((a - b) ** 2 for a, b in zip(entries[k], colour)))
    flat[3 * nearest:3 * nearest + 3] = list(colour[:3])
    palette.putpalette(flat)
    return palette


def _opaque_or_rgba(image: Any) -> Any:
    """``image`` decoded as RGB when it has no transparency, else as RGBA (a frame is
    never held in more than one full-size copy besides the canvas)."""
    if image.mode == "RGB" and "transparency" not in image.info:
        image.load()
        return image.copy()
    return image.convert("RGBA")


def _lay(canvas: Any, frame: Any, at: tuple[int, int]) -> None:
    """Paste ``frame`` onto ``canvas`` at ``at``, its transparency laid on white."""
    if frame.mode == "RGBA":
        canvas.paste((255, 255, 255), (*at, at[0] + frame.width, at[1] + frame.height))
        canvas.paste(frame, at, frame)
    else:
        canvas.paste(frame, at)


def _on_white(pixel: Any) -> tuple[int, ...]:
    """An RGB or RGBA pixel as seen on white."""
    if len(pixel) == 3:
        return tuple(pixel)
    r, g, b, a = pixel
    return tuple(round((c * a + 255 * (255 - a)) / 255) for c in (r, g, b))


def _image_block(indexed: Any, at: tuple[int, int] = (0, 0)) -> bytes:
    """A "P" image as a GIF image block at ``at`` (left, top) on the canvas, with its own
    (local) colour table: Pillow encodes a one-frame GIF, whose global table and image
    data are moved into the block."""
    one = io.BytesIO()
    indexed.save(one, format="GIF", optimize=False)
    data = one.getvalue()
    flags = data[10]
    table_size = 3 << ((flags & 7) + 1) if flags & 0x80 else 0
    table = data[13:13 + table_size]
    start = 13 + table_size
    while data[start] == 0x21:  # skip extensions: a label, then sub-blocks up to a 0
        start += 2
        while data[start]:
            start += data[start] + 1
        start += 1
    assert data[start] == 0x2C, "Pillow wrote no image block"
    descriptor = bytearray(data[start:start + 10])
    descriptor[1:5] = struct.pack("<HH", *at)
    if table:
        descriptor[9] = (descriptor[9] & 0x40) | 0x80 | (flags & 7)
    end = data.rindex(b"\x3b")
    return bytes(descriptor) + table + data[start + 10:end]


def _indexed(frame: Any) -> Any:
    """``frame`` as a 256-colour image without dithering (flat fills and text stay clean).
    A diagram has fewer colours than that: they become the palette as they are, mapped in
    one pass (about 15x faster than a median cut); other images get a median cut."""
    from PIL import Image

    colors = frame.getcolors(256)
    if colors is None:
        return frame.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette = Image.new("P", (1, 1))
    flat = [channel for _, rgb in colors for channel in rgb]
    palette.putpalette(flat + flat[-3:] * (256 - len(colors)))
    return frame.quantize(palette=palette, dither=Image.Dither.NONE)
