"""A lesson's PNG frames as one looping animated GIF, for slide tools that take GIFs."""

from __future__ import annotations

import io
from typing import Any, Sequence

from ..choices import FRAME_MS
from ..errors import LimitError

__all__ = ["render_gif", "check_gif_size", "MIN_FRAME_MS", "MAX_FRAME_MS", "MAX_GIF_PIXELS"]

MIN_FRAME_MS = 20  # browsers slow anything faster down to 100 ms
MAX_FRAME_MS = 300_000  # a GIF delay is at most 655 s; the held last frame is twice this
HOLD_LAST = 2  # the last frame stays this many times longer, so the loop's end reads

#: Pixels of all frames together. Making a GIF takes about 4.5 bytes a pixel (the
#: 256-colour frames, and Pillow's comparison of each frame with the last): the CS231n
#: sigmoid at --scale 8, 17 frames of 8,000 x 2,167, is 295 million pixels and 1.3 GB;
#: 201 frames of a 100-gate graph at --scale 8 would be 5.6 billion (issue 20: 4.6 GB and
#: five minutes before it was killed).
MAX_GIF_PIXELS = 300_000_000


def check_gif_size(size: tuple[int, int], frames: int, scale: float = 1.0) -> None:
    """Refuse a GIF of ``frames`` frames of ``size`` pixels over :data:`MAX_GIF_PIXELS`,
    before its other frames are drawn."""
    width, height = size
    total = width * height * frames
    if total > MAX_GIF_PIXELS:
        raise LimitError(
            f"the GIF would be {frames:,} frames of {width:,} x {height:,} pixels, "
            f"{total / 1e6:,.0f} million pixels in all (at --scale {scale:g}), more than "
            f"the limit of {MAX_GIF_PIXELS / 1e6:,.0f} million: lower --scale, draw a "
            "smaller graph, or write the lesson as .html or --steps frames")


def render_gif(pngs: Sequence[bytes], frame_ms: int = FRAME_MS) -> bytes:
    """An animated GIF, looping forever, of the PNG images ``pngs``, each shown ``frame_ms``
    milliseconds (rounded to 10 ms, GIF's unit) and the last twice as long.

    Frames of different sizes are centred, not stretched, on a canvas of the largest width and
    height, filled with the first frame's background (its top-left pixel); transparency
    is laid on white. Each frame gets its own 256-colour palette, so the colours stay true.
    Pillow joins consecutive frames that are pixel for pixel the same into one longer frame.
    """
    from PIL import Image, UnidentifiedImageError

    if not MIN_FRAME_MS <= frame_ms <= MAX_FRAME_MS:
        raise ValueError(f"frame_ms must be between {MIN_FRAME_MS} and {MAX_FRAME_MS:,} "
                         f"milliseconds, not {frame_ms}")
    if not pngs:
        raise ValueError("render_gif needs at least one frame")
    sizes = []
    for k, data in enumerate(pngs, 1):  # (opening reads only the header)
        try:
            with Image.open(io.BytesIO(data)) as image:
                sizes.append(image.size)
        except (UnidentifiedImageError, OSError) as exc:
            raise ValueError(f"frame {k} is not a readable image: {exc}") from None
    width = max(w for w, _ in sizes)
    height = max(h for _, h in sizes)
    palettes = []
    background: Any = None
    for data in pngs:  # one frame decoded at a time: only the 256-colour ones are kept
        with Image.open(io.BytesIO(data)) as image:
            rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(white, rgba).convert("RGB")
        if background is None:
            background = frame.getpixel((0, 0))
        canvas = Image.new("RGB", (width, height), background)
        canvas.paste(frame, ((width - frame.width) // 2, (height - frame.height) // 2))
        palettes.append(_indexed(canvas))

    durations = [frame_ms] * len(palettes)
    if len(palettes) > 1:
        durations[-1] = frame_ms * HOLD_LAST
    out = io.BytesIO()
    palettes[0].save(out, format="GIF", save_all=True, append_images=palettes[1:],
                     duration=durations, loop=0, disposal=1, optimize=False)
    return out.getvalue()


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
