"""Colours, fonts and text drawing for everything the game draws itself (map, charts, panels).

Owns the two palettes (standard and colour-blind safe, after Okabe & Ito),
the font and rendered-text caches, word wrapping, and loading the one
pygame_gui theme (``theme.json``) scaled to the UI-scale setting. Imports
pygame and pygame_gui; only ``game.ui`` imports this.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pygame

from agents.lang import language

THEME_PATH = Path(__file__).with_name("theme.json")

RGB = tuple[int, int, int]


def hexrgb(text: str) -> RGB:
    text = text.lstrip("#")
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


@dataclass(frozen=True)
class Palette:
    """Every colour the game draws with (pygame_gui widgets take theirs from theme.json)."""

    name: str
    bg: RGB
    panel: RGB
    panel_edge: RGB
    text: RGB
    text_dim: RGB
    accent: RGB
    good: RGB
    bad: RGB
    warn: RGB
    ocean: RGB
    border: RGB
    unmodelled: RGB
    tier: tuple[RGB, RGB, RGB]  # map fills for Tier 1, 2, 3
    flow_us: RGB
    flow_domestic: RGB
    flow_smuggled: RGB
    seized: RGB
    series: tuple[RGB, ...]  # chart lines, in order
    ramp: tuple[RGB, ...]  # metric colouring, low to high

    def tier_colour(self, tier: int) -> RGB:
        return self.tier[min(max(int(tier), 1), 3) - 1]

    def ramp_colour(self, x: float) -> RGB:
        """Colour for x in [0, 1] along the ramp."""
        x = min(max(x, 0.0), 1.0) * (len(self.ramp) - 1)
        i = min(int(x), len(self.ramp) - 2)
        f = x - i
        a, b = self.ramp[i], self.ramp[i + 1]
        return tuple(int(a[j] + (b[j] - a[j]) * f) for j in range(3))  # type: ignore[return-value]


_VIRIDIS = tuple(hexrgb(c) for c in ("#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725"))

STANDARD = Palette(
    name="standard",
    bg=hexrgb("#0b111a"), panel=hexrgb("#141c28"), panel_edge=hexrgb("#2b3a50"),
    text=hexrgb("#e6ecf3"), text_dim=hexrgb("#98a5b6"), accent=hexrgb("#7fb0e6"),
    good=hexrgb("#4cc38a"), bad=hexrgb("#ef6461"), warn=hexrgb("#f0b84a"),
    ocean=hexrgb("#0f1c2e"), border=hexrgb("#0b111a"), unmodelled=hexrgb("#39414d"),
    tier=(hexrgb("#2f6aa8"), hexrgb("#9a8236"), hexrgb("#9c3b35")),
    flow_us=hexrgb("#8fe3ff"), flow_domestic=hexrgb("#ffa040"), flow_smuggled=hexrgb("#e07bff"),
    seized=hexrgb("#ff4040"),
    series=(hexrgb("#5fa8f5"), hexrgb("#5fd4a8"), hexrgb("#f0c050"), hexrgb("#ef6461"),
            hexrgb("#c38bff"), hexrgb("#4cc38a")),
    ramp=_VIRIDIS,
)

COLOUR_BLIND = Palette(
    name="colour-blind safe",
    bg=hexrgb("#0b111a"), panel=hexrgb("#141c28"), panel_edge=hexrgb("#2b3a50"),
    text=hexrgb("#f2f2f2"), text_dim=hexrgb("#a8a8a8"), accent=hexrgb("#56b4e9"),
    good=hexrgb("#009e73"), bad=hexrgb("#d55e00"), warn=hexrgb("#e69f00"),
    ocean=hexrgb("#101a28"), border=hexrgb("#0b111a"), unmodelled=hexrgb("#3d3d3d"),
    # Okabe-Ito blue, yellow, vermillion: apart under deuteranopia, protanopia and tritanopia
    tier=(hexrgb("#0072b2"), hexrgb("#b8a92e"), hexrgb("#b04a00")),
    flow_us=hexrgb("#56b4e9"), flow_domestic=hexrgb("#e69f00"), flow_smuggled=hexrgb("#cc79a7"),
    seized=hexrgb("#ffffff"),
    series=(hexrgb("#56b4e9"), hexrgb("#009e73"), hexrgb("#e69f00"), hexrgb("#d55e00"),
            hexrgb("#cc79a7"), hexrgb("#f0e442")),
    ramp=_VIRIDIS,
)

PALETTES = {"standard": STANDARD, "colour_blind": COLOUR_BLIND}

PRINT = Palette(
    name="print",
    bg=hexrgb("#ffffff"), panel=hexrgb("#f2f4f7"), panel_edge=hexrgb("#c5cdd8"),
    text=hexrgb("#1b1f24"), text_dim=hexrgb("#4e5967"), accent=hexrgb("#1f5f9e"),
    good=hexrgb("#1d7a4f"), bad=hexrgb("#b42318"), warn=hexrgb("#9a6200"),
    ocean=hexrgb("#e8eef5"), border=hexrgb("#ffffff"), unmodelled=hexrgb("#d0d4da"),
    tier=(hexrgb("#0072b2"), hexrgb("#b8a92e"), hexrgb("#b04a00")),
    flow_us=hexrgb("#0072b2"), flow_domestic=hexrgb("#e69f00"), flow_smuggled=hexrgb("#cc79a7"),
    seized=hexrgb("#b42318"),
    series=(hexrgb("#0072b2"), hexrgb("#009e73"), hexrgb("#e69f00"), hexrgb("#d55e00"),
            hexrgb("#cc79a7"), hexrgb("#7a6a00")),
    ramp=_VIRIDIS,
)
"""Dark text on white, Okabe-Ito lines: the debrief exported for printing (not a screen palette)."""


FONT_FILES = {
    False: ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    True: ("NotoSansJP-Regular.otf", "NotoSansJP-Bold.otf"),
}
"""Latin and Japanese Noto Sans, both shipped inside pygame_gui (SIL Open Font Licence): nothing to download."""
THEME_FONT = {False: "noto_sans", True: "noto_sans_jp"}
"""pygame_gui's names for the same two fonts."""


def font_path(bold: bool = False, japanese: bool = False) -> str:
    import pygame_gui.data

    return str(Path(pygame_gui.data.__file__).with_name(FONT_FILES[japanese][bold]))


def needs_japanese_font(text: str) -> bool:
    """Whether ``text`` has a character Noto Sans (Latin) lacks: kana, kanji, full-width forms."""
    return any(ord(ch) >= 0x2E80 for ch in text)


_NO_LINE_START = set("、。，．・：；？！ー〜）」』】〉》〕｝］ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々"
                     ")]},.:;!?%’”")
"""Characters a Japanese line may not begin with (kinsoku shori, JIS X 4051): they stay with the one before."""
_NO_LINE_END = set("（「『【〈《〔｛［(['‘“$")
"""Characters a line may not end with: they go with the one after."""


def break_units(paragraph: str) -> list[str]:
    """``paragraph`` cut where a line may break: at spaces, and between Japanese characters.

    A run of Latin letters and digits stays whole (a word); each kana or
    kanji is a unit of its own, except that closing punctuation and small
    kana keep to the unit before and opening brackets to the unit after.
    Spaces stay at the end of the unit before them, so joining the units
    gives back the paragraph.
    """
    units: list[str] = []
    glue_next = False
    for ch in paragraph:
        wide = ord(ch) >= 0x2E80
        if not units or glue_next:
            if glue_next and units:
                units[-1] += ch
            else:
                units.append(ch)
            glue_next = ch in _NO_LINE_END or (glue_next and ch == " ")
            continue
        prev = units[-1][-1]
        if ch in _NO_LINE_START:
            units[-1] += ch
        elif ch == " ":
            units[-1] += ch
        elif prev == " " or wide or ord(prev) >= 0x2E80:
            units.append(ch)
        else:
            units[-1] += ch
        glue_next = ch in _NO_LINE_END
    return units


class Text:
    """Fonts by pixel size and a cache of rendered lines (text is drawn every frame)."""

    def __init__(self, scale: float = 1.0, capacity: int = 4000, japanese: bool = False):
        self.scale = scale
        self.japanese = japanese
        """Draw everything in Noto Sans JP (the game speaks Japanese); otherwise only text that needs it."""
        self._fonts: dict[tuple[int, bool, bool], pygame.font.Font] = {}
        self._cache: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._measured: OrderedDict[tuple, object] = OrderedDict()
        """Widths, fitted and wrapped text, by their arguments: panels measure the same text every frame,
        and measuring is as dear as drawing (twice as dear in Noto Sans JP)."""
        self.capacity = capacity

    def _memo(self, key: tuple, compute):
        """``compute()``, remembered under ``key`` (least recently used forgotten first)."""
        try:
            value = self._measured[key]
        except KeyError:
            value = self._measured[key] = compute()
            if len(self._measured) > 2 * self.capacity:
                self._measured.popitem(last=False)
            return value
        self._measured.move_to_end(key)
        return value

    def font(self, size: int, bold: bool = False, text: str = "") -> pygame.font.Font:
        """The font at ``size`` (scaled): Japanese when the game speaks it or ``text`` needs it."""
        px = max(8, int(round(size * self.scale)))
        key = (px, bold, self.japanese or needs_japanese_font(text))
        f = self._fonts.get(key)
        if f is None:
            f = self._fonts[key] = pygame.font.Font(font_path(bold, key[2]), px)
        return f

    def render(self, text: str, size: int, colour: RGB, bold: bool = False) -> pygame.Surface:
        key = (text, size, colour, bold)
        surf = self._cache.get(key)
        if surf is None:
            surf = self.font(size, bold, text).render(text, True, colour)
            self._cache[key] = surf
            if len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return surf

    def line_height(self, size: int, bold: bool = False) -> int:
        return self.font(size, bold).get_linesize()

    def width(self, text: str, size: int, bold: bool = False) -> int:
        return self._memo(("width", text, size, bold), lambda: self.font(size, bold, text).size(text)[0])

    def fit(self, text: str, size: int, width: int, bold: bool = False) -> str:
        """``text``, shortened with an ellipsis so that it fits ``width`` pixels."""
        return self._memo(("fit", text, size, width, bold), lambda: self._fit(text, size, width, bold))

    def _fit(self, text: str, size: int, width: int, bold: bool) -> str:
        if self.width(text, size, bold) <= width:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.width(text[:mid].rstrip() + "…", size, bold) <= width:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + "…"

    def wrap(self, text: str, size: int, width: int, bold: bool = False) -> list[str]:
        """Wrap ``text`` (paragraphs split on newlines) to ``width`` pixels: at spaces, and between
        Japanese characters by the line-start and line-end rules (:func:`break_units`)."""
        return list(self._memo(("wrap", text, size, width, bold), lambda: tuple(self._wrap(text, size, width, bold))))

    def _wrap(self, text: str, size: int, width: int, bold: bool) -> list[str]:
        out: list[str] = []
        font = self.font(size, bold, text)
        for para in text.split("\n"):
            units = break_units(" ".join(para.split()))
            if not units:
                out.append("")
                continue
            line = units[0]
            for unit in units[1:]:
                trial = line + unit
                if font.size(trial.rstrip())[0] <= width:
                    line = trial
                else:
                    out.append(line.rstrip())
                    line = unit
            line = line.rstrip()
            while font.size(line)[0] > width and len(line) > 1:  # one word wider than the box
                cut = len(line)
                while cut > 1 and font.size(line[:cut])[0] > width:
                    cut -= 1
                out.append(line[:cut])
                line = line[cut:]
            out.append(line)
        return out

    def block(self, surface: pygame.Surface, text: str, pos: tuple[int, int], width: int, size: int,
              colour: RGB, bold: bool = False, gap: int = 2, max_lines: int | None = None) -> int:
        """Draw wrapped text at ``pos``; returns the height used."""
        x, y = pos
        lines = self.wrap(text, size, width, bold)
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.fit(lines[-1] + " …", size, width, bold)
        h = self.line_height(size, bold)
        for i, line in enumerate(lines):
            if line:
                surface.blit(self.render(line, size, colour, bold), (x, y + i * (h + gap)))
        return len(lines) * (h + gap)

    def block_height(self, text: str, size: int, width: int, bold: bool = False, gap: int = 2) -> int:
        return len(self.wrap(text, size, width, bold)) * (self.line_height(size, bold) + gap)


def sentences(*parts: str) -> str:
    """Sentences one after another, each already ending in its full stop: a space between them in
    English, none in Japanese (。 ends a sentence there). Empty parts are left out."""
    return ("" if language() == "ja" else " ").join(p for p in parts if p)


def load_theme(scale: float = 1.0, japanese: bool = False) -> dict:
    """The one theme file, with every font size multiplied by the UI scale (in Noto Sans JP for Japanese)."""
    theme = json.loads(THEME_PATH.read_text())
    theme = copy.deepcopy(theme)
    for block in theme.values():
        font = block.get("font") if isinstance(block, dict) else None
        if font and font.get("name") == THEME_FONT[False]:
            font["name"] = THEME_FONT[japanese]
        if font and "size" in font:
            font["size"] = str(max(8, int(round(int(font["size"]) * scale))))
        misc = block.get("misc") if isinstance(block, dict) else None
        if misc and "rect_width" in misc and int(misc["rect_width"]) > 0:
            misc["rect_width"] = str(int(int(misc["rect_width"]) * scale))
    return theme


def veil(surface: pygame.Surface, alpha: int) -> None:
    """Darken the whole screen under a modal card or menu (alpha 0-255)."""
    shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    shade.fill((0, 0, 0, alpha))
    surface.blit(shade, (0, 0))


def panel(surface: pygame.Surface, rect: pygame.Rect, palette: Palette, alpha: int = 255, edge: bool = True) -> None:
    """A filled rectangle with a thin edge (alpha < 255 draws translucently)."""
    if alpha >= 255:
        pygame.draw.rect(surface, palette.panel, rect)
    else:
        s = pygame.Surface(rect.size, pygame.SRCALPHA)
        s.fill((*palette.panel, alpha))
        surface.blit(s, rect.topleft)
    if edge:
        pygame.draw.rect(surface, palette.panel_edge, rect, 1)
