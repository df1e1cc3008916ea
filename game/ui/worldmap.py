"""The world map: projected country outlines, colouring, hover lookup and animated flows.

Owns the Robinson projection, the country surfaces (pre-rendered once per
size and recoloured through an 8-bit palette, never redrawn polygon by
polygon each frame), the id surface that answers "which country is under
the mouse", and the flow layer (dots moving along arcs: US exports,
domestic chips, smuggled shipments, seizures). Reads MonthViews; changes
nothing else. Imports pygame, numpy and the standard library.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pygame

from agents import lang
from agents.scenario import library_dir
from game.ui.style import Palette

ASSET = library_dir(Path(__file__).resolve().parents[1], "assets") / "world_110m.json"

# Robinson projection table: latitude, parallel length, distance from the equator
_ROB = np.array([
    [0, 1.0000, 0.0000], [5, 0.9986, 0.0620], [10, 0.9954, 0.1240], [15, 0.9900, 0.1860],
    [20, 0.9822, 0.2480], [25, 0.9730, 0.3100], [30, 0.9600, 0.3720], [35, 0.9427, 0.4340],
    [40, 0.9216, 0.4958], [45, 0.8962, 0.5571], [50, 0.8679, 0.6176], [55, 0.8350, 0.6769],
    [60, 0.7986, 0.7346], [65, 0.7597, 0.7903], [70, 0.7186, 0.8435], [75, 0.6732, 0.8936],
    [80, 0.6213, 0.9394], [85, 0.5722, 0.9761], [90, 0.5322, 1.0000]])
LAT_TOP, LAT_BOTTOM = 84.0, -57.0

TIER3_UNNAMED = frozenset({
    # Diffusion Rule Tier 3 (country group D:5 and Macau), facts §2.1; COD and SDN [M, unverified]
    "AFG", "BLR", "MMR", "KHM", "CAF", "CUB", "ERI", "HTI", "IRQ", "PRK", "LBN", "LBY", "NIC", "SOM",
    "SSD", "SYR", "VEN", "ZWE", "COD", "SDN",
})
"""Countries outside the scenario's list that belong to the rest-of-Tier-3 aggregate (others: Tier 2)."""


def robinson(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Robinson projection in units where the equator spans 2 * 0.8487 * pi."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    a = np.abs(lat)
    plen = np.interp(a, _ROB[:, 0], _ROB[:, 1])
    pdfe = np.interp(a, _ROB[:, 0], _ROB[:, 2])
    return 0.8487 * plen * np.radians(lon), 1.3523 * pdfe * np.sign(lat)


_X0, _ = robinson(np.array([-180.0]), np.array([0.0]))
_, _YT = robinson(np.array([0.0]), np.array([LAT_TOP]))
_, _YB = robinson(np.array([0.0]), np.array([LAT_BOTTOM]))
PROJ_W = float(-2 * _X0[0])
PROJ_H = float(_YT[0] - _YB[0])
ASPECT = PROJ_W / PROJ_H


@dataclass(frozen=True)
class Feature:
    iso: str
    name: str
    code: str | None  # the scenario country (or aggregate) it belongs to; None: not drawn
    rings: tuple[np.ndarray, ...]  # projected, [n, 2] each
    area: float

    def local_name(self) -> str:
        """The outline's country in the language spoken: Natural Earth's English name, or CLDR's
        (Babel's territory names, by the ISO code) in another language: ブラジル for Brazil."""
        language = lang.language()
        if language == "en":
            return self.name
        from babel import Locale
        from babel.core import get_global

        alpha2 = (get_global("territory_aliases").get(self.iso) or [""])[0]
        return Locale.parse(language).territories.get(alpha2, self.name)


def load_features(codes: Sequence[str], path: Path = ASSET) -> list[Feature]:
    """Country outlines, each assigned to a scenario country or a rest-of-tier aggregate."""
    data = json.loads(Path(path).read_text())
    out = []
    for f in data["features"]:
        iso = f["iso_a3"]
        if iso == "ATA":
            continue
        if iso in codes:
            code = iso
        elif iso in TIER3_UNNAMED:
            code = "ROW3" if "ROW3" in codes else None
        else:
            code = "ROW2" if "ROW2" in codes else None
        rings = []
        area = 0.0
        for ring in f["rings"]:
            arr = np.asarray(ring, dtype=float)
            x, y = robinson(arr[:, 0], np.clip(arr[:, 1], LAT_BOTTOM, LAT_TOP))
            pts = np.c_[x, y]
            rings.append(pts)
            area += 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
        out.append(Feature(iso, f["name"], code, tuple(rings), area))
    out.sort(key=lambda ft: -ft.area)  # small countries drawn last, over holes in big ones
    return out


class WorldMap:
    """Country outlines fitted into a rectangle, coloured per feature, with a hover lookup."""

    def __init__(self, codes: Sequence[str], lat: Sequence[float], lon: Sequence[float], path: Path = ASSET):
        self.codes = list(codes)
        self.features = load_features(self.codes, path)
        self.lat = np.asarray(lat, dtype=float)
        self.lon = np.asarray(lon, dtype=float)
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.ids: pygame.Surface | None = None
        self.borders: pygame.Surface | None = None
        self.surface: pygame.Surface | None = None
        self._colour_key: tuple | None = None
        self._scale = 1.0
        self._off = (0.0, 0.0)
        self.px_polys: list[list[list[tuple[int, int]]]] = []
        self.country_px: dict[str, tuple[float, float]] = {}
        self.area_px: dict[str, int] = {}

    # ---- geometry ---------------------------------------------------------
    def fit(self, rect: pygame.Rect) -> None:
        """Project into ``rect`` (keeping the aspect ratio) and draw the id and border surfaces."""
        rect = pygame.Rect(rect)
        if rect == self.rect and self.ids is not None:
            return
        self.rect = rect
        s = min(rect.w / PROJ_W, rect.h / PROJ_H)
        self._scale = s
        w, h = PROJ_W * s, PROJ_H * s
        self._off = (rect.x + (rect.w - w) / 2 + w / 2, rect.y + (rect.h - h) / 2 + _YT[0] * s)
        self.px_polys = []
        for ft in self.features:
            polys = []
            for ring in ft.rings:
                px = self._to_px_arr(ring)
                pts = [tuple(p) for p in np.round(px).astype(int)]
                if len(pts) >= 3:
                    polys.append(pts)
            self.px_polys.append(polys)
        for i, code in enumerate(self.codes):
            self.country_px[code] = self.project(self.lon[i], self.lat[i])
        # id surface: 0 outside the map, 255 ocean, i + 1 for feature i
        ids = pygame.Surface(rect.size, depth=8)
        ids.fill(0)
        outline = self._outline_px()
        pygame.draw.polygon(ids, 255, [(x - rect.x, y - rect.y) for x, y in outline])
        for i, polys in enumerate(self.px_polys):
            if self.features[i].code is None:
                continue
            for pts in polys:
                pygame.draw.polygon(ids, i + 1, [(x - rect.x, y - rect.y) for x, y in pts])
        self.ids = ids
        self.area_px = self._areas(ids)
        borders = pygame.Surface(rect.size, pygame.SRCALPHA)
        for i, polys in enumerate(self.px_polys):
            for pts in polys:
                pygame.draw.lines(borders, (5, 9, 15, 200), True, [(x - rect.x, y - rect.y) for x, y in pts], 1)
        pygame.draw.lines(borders, (70, 90, 120, 255), True, [(x - rect.x, y - rect.y) for x, y in outline], 1)
        self.borders = borders
        self._colour_key = None

    def _areas(self, ids: pygame.Surface) -> dict[str, int]:
        """Pixels each modelled country covers at this fit (small ones get a larger hit area)."""
        counts = np.bincount(pygame.surfarray.array2d(ids).ravel(), minlength=256)
        areas: dict[str, int] = {}
        for i, ft in enumerate(self.features):
            if ft.code is not None:
                areas[ft.code] = areas.get(ft.code, 0) + int(counts[i + 1])
        return areas

    def small_countries(self, min_px: float) -> list[str]:
        """Modelled countries whose outline covers fewer than ``min_px`` pixels: too small to point at."""
        return [c for c in self.codes if c in self.country_px and self.area_px.get(c, 0) < min_px]

    def _outline_px(self) -> list[tuple[int, int]]:
        lats = np.linspace(LAT_BOTTOM, LAT_TOP, 40)
        right = np.c_[np.full(40, 180.0), lats]
        left = np.c_[np.full(40, -180.0), lats[::-1]]
        ll = np.r_[right, left]
        x, y = robinson(ll[:, 0], ll[:, 1])
        px = self._to_px_arr(np.c_[x, y])
        return [tuple(p) for p in np.round(px).astype(int)]

    def _to_px_arr(self, xy: np.ndarray) -> np.ndarray:
        s = self._scale
        return np.c_[self._off[0] + xy[:, 0] * s, self._off[1] - xy[:, 1] * s]

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = robinson(np.array([lon]), np.array([min(max(lat, LAT_BOTTOM), LAT_TOP)]))
        return (self._off[0] + float(x[0]) * self._scale, self._off[1] - float(y[0]) * self._scale)

    # ---- colour -----------------------------------------------------------
    def colour(self, key: tuple, colours: Sequence[tuple[int, int, int]], palette: Palette) -> pygame.Surface:
        """The map coloured with one colour per feature; cached while ``key`` is unchanged."""
        if self.ids is None:
            raise RuntimeError("fit() the map first")
        full_key = (key, palette.name, self.rect.size)
        if self._colour_key == full_key and self.surface is not None:
            return self.surface
        pal = [palette.bg] + list(colours) + [palette.unmodelled] * (254 - len(colours)) + [palette.ocean]
        self.ids.set_palette(pal[:256])
        surf = self.ids.convert()
        surf.blit(self.borders, (0, 0))
        self.surface = surf
        self._colour_key = full_key
        return surf

    def feature_at(self, pos: tuple[int, int]) -> int:
        """Index of the feature under ``pos`` (screen pixels), or -1."""
        if self.ids is None or not self.rect.collidepoint(pos):
            return -1
        v = self.ids.get_at_mapped((pos[0] - self.rect.x, pos[1] - self.rect.y))
        return v - 1 if 0 < v < 255 else -1


# ---------------------------------------------------------------------------
# flows


@dataclass(frozen=True)
class Flow:
    kind: str  # us, domestic, smuggled
    src: str
    dst: str
    before: float  # H100e last month
    after: float  # H100e this month
    path: np.ndarray  # [N, 2] pixel points along the arc


ARC_POINTS = 48
SECONDS_PER_TRIP = 2.4


def arc(p0: tuple[float, float], p1: tuple[float, float], bend: float = 0.22) -> np.ndarray:
    """A quadratic curve from p0 to p1 bowing upwards (towards the pole), as pixel points."""
    a = np.asarray(p0, dtype=float)
    b = np.asarray(p1, dtype=float)
    d = b - a
    n = np.array([d[1], -d[0]])
    if n[1] > 0:
        n = -n
    c = (a + b) / 2 + n * bend
    t = np.linspace(0.0, 1.0, ARC_POINTS)[:, None]
    return (1 - t) ** 2 * a + 2 * (1 - t) * t * c + t ** 2 * b


def arcs(p0: np.ndarray, p1: np.ndarray, bend: np.ndarray) -> np.ndarray:
    """Many :func:`arc` at once: [n, 2] starts and ends, [n] bends -> [n, ARC_POINTS, 2]."""
    d = p1 - p0
    n = np.c_[d[:, 1], -d[:, 0]]
    n = np.where((n[:, 1] > 0)[:, None], -n, n)
    c = (p0 + p1) / 2 + n * bend[:, None]
    t = np.linspace(0.0, 1.0, ARC_POINTS)[None, :, None]
    return (1 - t) ** 2 * p0[:, None, :] + 2 * (1 - t) * t * c[:, None, :] + t ** 2 * p1[:, None, :]


def flows_between(prev, view, points: dict[str, tuple[float, float]], adversary: str = "CHN") -> list[Flow]:
    """The month's flows: US chips from the USA, domestic chips from the adversary, smuggling from hubs."""
    codes = view.codes
    if "USA" not in points or adversary not in points:
        return []
    idx_prev = {c: i for i, c in enumerate(prev.codes)}
    rows = []  # kind, src, dst, before, after, bend
    for kind, arr, src, to_adv, bend in (("us", "flow_us_h100e", "USA", False, 0.22),
                                          ("domestic", "flow_domestic_h100e", adversary, False, 0.22),
                                          ("smuggled", "flow_smuggled_h100e", None, True, 0.35)):
        now = getattr(view, arr)
        was = getattr(prev, arr)
        for i, code in enumerate(codes):
            if code not in points or code == (src or adversary):
                continue
            j = idx_prev.get(code)
            b = float(was[j]) if j is not None else 0.0
            a = float(now[i])
            if a > 1 or b > 1:
                rows.append((kind, code if to_adv else src, adversary if to_adv else code, b, a, bend))
    if not rows:
        return []
    p0 = np.array([points[r[1]] for r in rows], dtype=float)
    p1 = np.array([points[r[2]] for r in rows], dtype=float)
    paths = arcs(p0, p1, np.array([r[5] for r in rows]))
    return [Flow(r[0], r[1], r[2], r[3], r[4], paths[k]) for k, r in enumerate(rows)]


def dot_radius(h100e: float) -> float:
    """Dot size grows with the log of the monthly volume (H100e)."""
    if h100e <= 1:
        return 0.0
    return min(7.0, max(1.5, 1.2 + 1.3 * math.log10(h100e / 300.0)))


def dot_count(h100e: float) -> int:
    if h100e <= 1:
        return 0
    return int(min(9, max(2, 1 + math.log10(h100e))))


class FlowLayer:
    """Arcs pre-drawn once per month; dots drawn every frame along them."""

    def __init__(self):
        self.flows: list[Flow] = []
        self.lines: pygame.Surface | None = None
        self.key: tuple | None = None
        self.origin = (0, 0)
        self._pts: list[list[list[int]]] = []

    def set_month(self, key: tuple, prev, view, points: dict[str, tuple[float, float]], rect: pygame.Rect,
                  palette: Palette) -> None:
        """Flows of ``view`` (tweened from ``prev``); arcs pre-drawn on a surface the size of the map."""
        if key == self.key:
            return
        self.key = key
        self.flows = flows_between(prev, view, points)
        self._pts = [f.path.astype(int).tolist() for f in self.flows]  # plain lists: fast to index per dot
        self.origin = rect.topleft
        ox, oy = self.origin
        lines = pygame.Surface(rect.size, pygame.SRCALPHA)
        colour = {"us": palette.flow_us, "domestic": palette.flow_domestic, "smuggled": palette.flow_smuggled}
        for f in self.flows:
            if f.after <= 1:
                continue
            c = colour[f.kind]
            pygame.draw.lines(lines, (*c, 70 if f.kind != "smuggled" else 110), False,
                              (f.path - (ox, oy)).astype(int).tolist(), 1)
        self.lines = lines

    def draw(self, surface: pygame.Surface, t: float, alpha: float, palette: Palette,
             kinds: frozenset[str] = frozenset({"us", "domestic", "smuggled"})) -> int:
        """Draw the moving dots; ``alpha`` in [0, 1] tweens volumes from last month to this one.

        Returns the number of dots drawn (for the benchmark)."""
        if self.lines is not None:
            surface.blit(self.lines, self.origin)
        colour = {"us": palette.flow_us, "domestic": palette.flow_domestic, "smuggled": palette.flow_smuggled}
        ease = min(1.0, alpha * 2.0)
        drawn = 0
        n_pts = ARC_POINTS - 1
        for fi, f in enumerate(self.flows):
            if f.kind not in kinds:
                continue
            vol = f.before + (f.after - f.before) * ease
            r = dot_radius(vol)
            if r <= 0:
                continue
            n = dot_count(vol)
            c = colour[f.kind]
            phase = (t / SECONDS_PER_TRIP + fi * 0.137) % 1.0
            pts = self._pts[fi]
            ri = int(r + 0.5)
            for k in range(n):
                pygame.draw.circle(surface, c, pts[int(((phase + k / n) % 1.0) * n_pts)], ri)
                drawn += 1
        return drawn


def draw_cross(surface: pygame.Surface, centre: tuple[float, float], size: float, colour, outline=(0, 0, 0)) -> None:
    x, y = int(centre[0]), int(centre[1])
    s = int(size)
    for off, col, w in ((0, outline, 5), (0, colour, 3)):
        pygame.draw.line(surface, col, (x - s, y - s), (x + s, y + s), w)
        pygame.draw.line(surface, col, (x - s, y + s), (x + s, y - s), w)
