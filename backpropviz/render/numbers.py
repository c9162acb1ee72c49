"""How numbers are shown to people: fixed decimals, with nan/inf spelled out."""

from __future__ import annotations

import math

__all__ = ["fixed", "is_flagged"]


def fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, as CS231n's figures show it (-0.534 -> "-0.53").

    Values too large or too small (but not zero) for fixed notation use e-notation, so a
    tiny gradient never shows as a misleading 0.00; nan and inf are spelled out.
    """
    if value != value:
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    magnitude = abs(value)
    if magnitude >= 1e9 or (0 < magnitude < 0.5 * 10.0 ** -decimals):
        return f"{value:.{max(decimals - 1, 1)}e}"
    text = f"{value:.{decimals}f}"
    if text[0] == "-" and float(text) == 0:
        text = text[1:]  # -0.00 would suggest a sign the value does not have at this precision
    return text


def is_flagged(value: float) -> bool:
    """True for nan and +-inf, which every renderer marks."""
    return not math.isfinite(value)
