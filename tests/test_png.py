"""PNGs say their resolution (a pHYs chunk), so slide apps paste them at the size drawn:
read back by Pillow, for both engines and for --scale; the chunk surgery keeps the image."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from backpropviz.render.diagram import PNG_DPI
from backpropviz.render.png import png_size, with_dpi

SEED = ("(x+y)*z", "--x", "3", "--y", "-2", "--z", "-4")


def chunks(data: bytes) -> list[bytes]:
    """The chunk types in order, each CRC checked by hand."""
    kinds, i = [], 8
    while i < len(data):
        length = struct.unpack(">I", data[i:i + 4])[0]
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + length]
        crc = struct.unpack(">I", data[i + 8 + length:i + 12 + length])[0]
        assert crc == zlib.crc32(kind + body), kind
        kinds.append(kind)
        i += 12 + length
    return kinds


def pillow_png(dpi: tuple[int, int] | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (7, 5), (200, 30, 10))
    image.putpixel((3, 2), (0, 114, 178))
    image.save(out, "PNG", **({"dpi": dpi} if dpi else {}))
    return out.getvalue()


def test_with_dpi_adds_the_chunk_after_the_header():
    data = with_dpi(pillow_png(), 150)
    kinds = chunks(data)
    assert kinds[:2] == [b"IHDR", b"pHYs"] and kinds[-1] == b"IEND"
    image = Image.open(io.BytesIO(data))
    assert [round(d) for d in image.info["dpi"]] == [150, 150]
    assert image.tobytes() == Image.open(io.BytesIO(pillow_png())).tobytes()
    # 150 dpi is 5906 pixels a metre (150 / 0.0254 = 5905.5)
    at = data.index(b"pHYs") + 4
    assert struct.unpack(">IIB", data[at:at + 9]) == (5906, 5906, 1)


def test_with_dpi_replaces_a_resolution_already_there():
    data = with_dpi(pillow_png(dpi=(72, 72)), 300)
    assert chunks(data).count(b"pHYs") == 1
    assert [round(d) for d in Image.open(io.BytesIO(data)).info["dpi"]] == [300, 300]


def test_bytes_that_are_not_a_png_pass_unchanged():
    assert with_dpi(b"GIF89a...", 150) == b"GIF89a..."
    assert png_size(b"not a png") == (0, 0)


def _dpi_of_cli_png(run, tmp_path, engine: str, *extra: str) -> tuple[float, tuple[int, int]]:
    path = tmp_path / f"{engine}.png"
    result = run(*SEED, "-o", str(path), "--engine", engine, *extra)
    assert result.exit_code == 0, result.output
    image = Image.open(path)
    return round(image.info["dpi"][0]), image.size


@pytest.mark.needs_embedded
def test_embedded_engine_png_says_its_dpi(run, tmp_path):
    dpi, size = _dpi_of_cli_png(run, tmp_path, "embedded")
    assert dpi == PNG_DPI
    dpi2, size2 = _dpi_of_cli_png(run, tmp_path, "embedded", "--scale", "2")
    assert dpi2 == 2 * PNG_DPI
    # twice the pixels at twice the dpi: the same size on the slide, to a pixel or two
    assert abs(size2[0] / dpi2 - size[0] / dpi) < 2 / dpi


@pytest.mark.needs_dot
def test_dot_png_says_its_dpi(run, tmp_path):
    dpi, _ = _dpi_of_cli_png(run, tmp_path, "dot")
    assert dpi == PNG_DPI


@pytest.mark.needs_embedded
def test_the_embedded_engine_says_when_it_has_no_glyph(run, tmp_path):
    """Its fonts have no Chinese: a PNG would show boxes for 权重 (issue 17), so the run
    says so and what draws it; an SVG (drawn by the browser's fonts) and Latin text don't."""
    cjk = ("权重*x", "--权重", "2", "--x", "3", "--engine", "embedded")
    result = run(*cjk, "-o", str(tmp_path / "a.png"))
    assert result.exit_code == 0
    assert ("note: the embedded engine has no glyph for 权重 (2 characters; boxes in .png "
            "and .gif)") in result.stderr
    assert "apt install graphviz fonts-noto-cjk" in result.stderr
    assert "no glyph" not in run(*cjk, "-o", str(tmp_path / "a.svg")).stderr
    latin = run(*SEED, "--engine", "embedded", "-o", str(tmp_path / "b.png"))
    assert "no glyph" not in latin.stderr
