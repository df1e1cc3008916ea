"""Fonts for the figures and pages people read: Japanese drawn with Noto Sans JP, not as boxes.

matplotlib's own font (DejaVu Sans) has no kana or kanji, and a computer
without a Japanese font shows an HTML page's Japanese as boxes. Noto Sans
JP ships inside pygame_gui (SIL Open Font Licence), so the figures and
pages take it from there: nothing is downloaded, and pygame is not
imported (``find_spec`` only locates the package). In a Japanese figure
Noto Sans JP draws everything, DejaVu Sans after it for a sign it lacks; in
an English one DejaVu Sans draws as before and Noto Sans JP only what
DejaVu lacks (a Japanese team name in an English report): matplotlib
(>= 3.6) falls back glyph by glyph along ``font.family``. A page embeds
the few hundred glyphs its Japanese text uses (fontTools, which matplotlib
brings). Imports matplotlib and fontTools (when used), the standard library
and ``agents.lang`` only.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agents.lang import language

LATIN = "DejaVu Sans"
"""matplotlib's own font: the figures' look in English."""
JAPANESE_FILES = ("NotoSansJP-Regular.otf", "NotoSansJP-Bold.otf")

_japanese: str | None | bool = False
"""The registered Japanese family's name; None when pygame_gui's font is not there; False before looking."""


def japanese_font_files() -> list[Path]:
    """Noto Sans JP's files inside the installed pygame_gui (found without importing it)."""
    spec = importlib.util.find_spec("pygame_gui")
    folders = list(spec.submodule_search_locations or []) if spec else []
    return [Path(folder) / "data" / name for folder in folders for name in JAPANESE_FILES
            if (Path(folder) / "data" / name).is_file()]


def japanese_family() -> str | None:
    """Register Noto Sans JP with matplotlib (once) and return its family name; None if it is missing."""
    global _japanese
    if _japanese is False:
        from matplotlib import font_manager

        files = japanese_font_files()
        for path in files:
            font_manager.fontManager.addfont(str(path))
        _japanese = font_manager.FontProperties(fname=str(files[0])).get_name() if files else None
    return _japanese


def families() -> list[str]:
    """``font.family`` for a figure in the installed language: its main font first, the other as fallback."""
    japanese = japanese_family()
    if japanese is None:
        return [LATIN]
    return [japanese, LATIN] if language() == "ja" else [LATIN, japanese]


@contextmanager
def figure_fonts() -> Iterator[None]:
    """Draw (and save) the figures made inside this block with :func:`families`."""
    import matplotlib

    with matplotlib.rc_context({"font.family": families()}):
        yield


WEB_FAMILY = "Silicon Curtain Noto Sans JP"
"""The name an HTML page gives its embedded subset of Noto Sans JP (not a system font's name)."""
JAPANESE_RANGE = (0x2E80, 0xFFFF)
"""Kana, kanji, CJK punctuation and full-width forms: what Latin fonts lack and the embedded font draws."""


def needs_japanese(text: str) -> bool:
    """Whether ``text`` has a character matplotlib's and browsers' Latin fonts lack: kana, kanji, full-width forms."""
    return any(JAPANESE_RANGE[0] <= ord(ch) <= JAPANESE_RANGE[1] for ch in text)


def web_font_css(text: str) -> str:
    """A CSS ``@font-face`` of Noto Sans JP cut down to the Japanese characters of ``text`` (an OpenType
    font in a data: URL, for those characters only: Latin text keeps the reader's fonts), so an offline
    page shows its Japanese on a computer without a Japanese font; empty when ``text`` needs none or
    the font is missing. The page names :data:`WEB_FAMILY` first in its ``font-family``. fontTools
    comes with matplotlib."""
    files = japanese_font_files()
    wanted = "".join(sorted({ch for ch in text if JAPANESE_RANGE[0] <= ord(ch) <= JAPANESE_RANGE[1]}))
    if not files or not wanted:
        return ""
    import base64
    import io
    import logging

    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]  # proportional and vertical forms, ligatures: whatever the text uses
    options.notdef_outline = True
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    font = subset.load_font(str(files[0]), options)
    cutter = subset.Subsetter(options)
    cutter.populate(text=wanted)
    cutter.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = base64.b64encode(out.getvalue()).decode("ascii")
    lo, hi = JAPANESE_RANGE
    return (f"@font-face{{font-family:'{WEB_FAMILY}';src:url(data:font/otf;base64,{data}) format('opentype');"
            f"unicode-range:U+{lo:04X}-{hi:04X}}}")
