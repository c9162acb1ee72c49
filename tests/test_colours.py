"""Can every reader tell a value from a gradient? Each theme's pair of colours measured as
colour-blind readers see it: Machado et al. (2009) simulation of protanopia, deuteranopia
and tritanopia (severity 1, on linear RGB), CIEDE2000 difference, and WCAG contrast on the
theme's background, all from colour-science. The README's table is these numbers."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from backpropviz.render.dot import THEMES

import numpy as np

_PRINT_OPTIONS = np.get_printoptions()
with warnings.catch_warnings():  # (it warns that scipy and matplotlib are not installed)
    warnings.simplefilter("ignore")
    colour = pytest.importorskip("colour", reason="colour-science comes with the test extras")
np.set_printoptions(**_PRINT_OPTIONS)  # its import sets numpy's legacy printing for everyone

# (colour-science notes that Machado's tritanopia is an approximation: the README says so)
pytestmark = pytest.mark.filterwarnings("ignore:.*simulation of tritanomaly")

README = Path(__file__).resolve().parent.parent / "README.md"
DEFICIENCIES = {"protanopia": "Protanomaly", "deuteranopia": "Deuteranomaly",
                "tritanopia": "Tritanomaly"}
SAFE_DIFFERENCE, SAFE_CONTRAST = 20.0, 4.5


def srgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])


def seen_by(rgb: np.ndarray, deficiency: str | None) -> np.ndarray:
    if deficiency is None:
        return rgb
    linear = colour.cctf_decoding(rgb, function="sRGB")
    matrix = colour.blindness.matrix_cvd_Machado2009(DEFICIENCIES[deficiency], 1)
    return colour.cctf_encoding(np.clip(matrix @ linear, 0, 1), function="sRGB")


def difference(a: np.ndarray, b: np.ndarray) -> float:
    lab = [colour.XYZ_to_Lab(colour.sRGB_to_XYZ(c)) for c in (a, b)]
    return float(colour.delta_E(*lab, method="CIE 2000"))


def contrast(a: np.ndarray, b: np.ndarray) -> float:
    light, dark = sorted((float(colour.sRGB_to_XYZ(c)[1]) for c in (a, b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def measure(theme: str) -> dict[str, float]:
    style = THEMES[theme]
    value, grad, ground = srgb(style.value_color), srgb(style.grad_color), srgb(style.background)
    row = {"normal": difference(value, grad)}
    for name in DEFICIENCIES:
        row[name] = difference(seen_by(value, name), seen_by(grad, name))
    row["value contrast"] = contrast(value, ground)
    row["gradient contrast"] = contrast(grad, ground)
    return row


def readme_table() -> dict[str, list[str]]:
    """theme -> its cells, from the README's table under 'Colours every reader can tell'."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("Colours every reader can tell"):]
    rows = {}
    for line in section.splitlines()[2:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def test_the_published_figures_are_reproduced():
    # the measurements: the dark theme's pair falls to 3.3 under deuteranopia; the
    # Okabe-Ito style blue/orange pair stays above 45 under every simulation
    assert round(measure("dark")["deuteranopia"], 1) == 3.3
    blue, orange = srgb("#0072b2"), srgb("#b04a00")
    assert all(difference(seen_by(blue, d), seen_by(orange, d)) > 45 for d in DEFICIENCIES)


def test_the_safe_theme_is_safe_for_every_deficiency():
    row = measure("safe")
    assert min(row[name] for name in ("normal", *DEFICIENCIES)) >= SAFE_DIFFERENCE, row
    assert min(row["value contrast"], row["gradient contrast"]) >= SAFE_CONTRAST, row


def test_every_theme_passes_contrast_on_its_background():
    for theme in THEMES:
        row = measure(theme)
        assert min(row["value contrast"], row["gradient contrast"]) >= SAFE_CONTRAST, theme


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_the_readme_table_is_the_measurement(theme):
    table = readme_table()
    assert set(table) == set(THEMES), "README's colour table lists every theme"
    row = measure(theme)
    shown = [f"{row[k]:.1f}" for k in ("normal", *DEFICIENCIES)]
    shown += [f"{row['value contrast']:.1f}:1", f"{row['gradient contrast']:.1f}:1"]
    assert table[theme][1:] == shown
    assert table[theme][0] == f"{THEMES[theme].value_color} / {THEMES[theme].grad_color}"
