"""Matplotlib set-up shared by the report figures: Agg backend, fonts for non-ASCII task
names, and figure -> PNG bytes. matplotlib is imported lazily, inside functions."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["figure_png", "label_fonts", "pyplot"]

# Fonts with CJK glyphs, most likely first (Debian fonts-noto-cjk, fonts-wqy-*, macOS, Windows).
_CJK = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "SimHei",
    "Droid Sans Fallback",
)


def pyplot():
    """``matplotlib.pyplot`` on the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


@lru_cache(maxsize=1)
def _fonts() -> tuple[tuple[str, ...], frozenset[int]]:
    """Font families to use (DejaVu Sans plus a CJK font when one is installed) and the
    set of code points they cover together."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    families = ["DejaVu Sans", *[n for n in _CJK if n in by_name][:1]]
    covered: set[int] = set()
    for fam in families:
        try:
            covered |= set(FT2Font(by_name.get(fam) or font_manager.findfont(fam)).get_charmap())
        except (OSError, RuntimeError, ValueError):  # pragma: no cover - broken font file
            continue
    return tuple(families), frozenset(covered)


def label_fonts(labels: Sequence[str]) -> tuple[list[str], tuple[str, ...], dict[str, str]]:
    """Labels safe to draw, the font families to draw them with, and the replacements.

    A label with a character no installed font can draw (e.g. Chinese task names on a
    machine without a CJK font) is replaced by ``T<k>`` (its 1-based position); the third
    value maps each replacement to the original name, for the figure's caption.
    """
    families, covered = _fonts()
    out, replaced = [], {}
    for k, label in enumerate(labels, start=1):
        if all(ord(c) in covered or c.isspace() for c in label):
            out.append(label)
        else:
            out.append(f"T{k}")
            replaced[f"T{k}"] = label
    return out, families, replaced


def figure_png(fig, *, dpi: int = 110) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it."""
    plt = pyplot()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
