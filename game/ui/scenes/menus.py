"""The screens around the game: title, scenario and role picker, briefing, pause menu,
settings, load, glossary.

Each is a :class:`~game.ui.scene.Scene`; widgets are built in ``build_ui``
from the scene's state; ``draw`` only draws. Imports pygame, pygame_gui
and the game package.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pygame

from agents.lang import N_, _, language
from agents.scenario import ScenarioError, available_scenarios, load_scenario
from agents.words import month_text
from game.messages import translate_paragraphs
from game.score import GOALS, goal_weights
from game.session import (ROLE_IDS, GameSession, SaveError, format_lever, lever_label, list_saves,
                          make_role, saves_dir, tier_countries)
from game.session import GOVERNMENT_TIER, default_government
from game.ui.scene import Scene
from game.ui.style import PALETTES, THEME_FONT, Text, font_path, needs_japanese_font, panel, veil
from game.ui.texts import GLOSSARY, KEYS
from game.ui.worldmap import WorldMap

if TYPE_CHECKING:
    from game.ui.app import App


def heading(surface: pygame.Surface, text: Text, s: str, pos: tuple[int, int], size: int, colour) -> int:
    img = text.render(s, size, colour, True)
    surface.blit(img, pos)
    return img.get_height()


def label_room(button) -> int:
    """The width a button's label may take: the button less its border and text padding."""
    border = button.border_width
    border = border.get("left", 0) + border.get("right", 0) if isinstance(border, dict) else 2 * border
    return button.rect.w - border - 2 * button.text_horiz_alignment_padding


def fit_label(button):
    """Shorten a button's label with an ellipsis until it fits the button in the button's own font."""
    text, room, font = button.text, label_room(button), button.font
    if font.size(text)[0] <= room:
        return button
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if font.size(text[:mid].rstrip() + "…")[0] <= room:
            lo = mid
        else:
            hi = mid - 1
    button.set_text(text[:lo].rstrip() + "…")
    return button


def flat(text: str) -> str:
    """``text`` on one line: runs of white space become one space, none between two Japanese characters."""
    words = text.split()
    out = words[:1]
    for w in words[1:]:
        out.append(w if needs_japanese_font(out[-1][-1]) and needs_japanese_font(w[0]) else " " + w)
    return "".join(out)


def scenario_context(meta) -> str:
    """A scenario's context in the chosen language (translated paragraph by paragraph), on one line."""
    return flat(translate_paragraphs(meta.context))


def role_label(role) -> str:
    """The role's title, and the code of the country it governs (a government)."""
    return _("{role} ({country})").format(role=_(role.title), country=role.country) if role.country \
        else _(role.title)


def role_tip(role) -> str:
    return _("{role}: {summary}").format(role=_(role.title), summary=_(role.summary))


LANGUAGE_NAMES = (("en", "English"), ("ja", "日本語"))
"""The languages the settings screen offers, each in its own name (never translated)."""


class ScrollText:
    """A tall pre-rendered surface shown through a window, scrolled by wheel and keys.

    ``stops`` are the y positions where blocks (paragraphs, entries) start: the
    window scrolls from stop to stop and shows only whole blocks, so no line is
    ever cut in half at its edges.
    """

    def __init__(self, fade: bool = False):
        self.fade = fade  # stops that cut lines (two columns): fade the bottom edge so a cut line reads as "more"
        self.surface: pygame.Surface | None = None
        self.offset = 0
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.stops: list[int] = [0]

    def set(self, surface: pygame.Surface, rect: pygame.Rect, stops: list[int] | None = None) -> None:
        self.surface = surface
        self.rect = pygame.Rect(rect)
        h = surface.get_height()
        self.stops = sorted({0, *(s for s in (stops or []) if 0 <= s < h), h})
        self.offset = self._snap(min(self.offset, self.max_offset))

    @property
    def max_offset(self) -> int:
        """The first stop from which everything left fits in the window."""
        h = self.surface.get_height() if self.surface else 0
        for s in self.stops:
            if h - s <= self.rect.h:
                return s
        return max(0, h - self.rect.h)

    def _snap(self, y: int) -> int:
        return max([s for s in self.stops if s <= y] or [0])

    @property
    def visible_height(self) -> int:
        """Height shown from ``offset``: up to the last block that fits whole."""
        fits = [s - self.offset for s in self.stops if 0 < s - self.offset <= self.rect.h]
        return max(fits) if fits else min(self.rect.h, (self.surface.get_height() if self.surface else 0) - self.offset)

    def scroll(self, dy: int) -> None:
        if dy > 0:
            target = self.offset + min(dy, max(self.visible_height, 1))
            nxt = [s for s in self.stops if self.offset < s <= target] or [s for s in self.stops if s > self.offset][:1]
            new = max(nxt) if nxt else self.offset
        else:
            prev = [s for s in self.stops if self.offset + dy <= s < self.offset]
            new = min(prev) if prev else self._snap(max(0, self.offset + dy))
        self.offset = max(0, min(self.max_offset, new))

    def handle_event(self, event: pygame.event.Event, step: int) -> bool:
        if event.type == pygame.MOUSEWHEEL:
            if self.rect.collidepoint(pygame.mouse.get_pos()):
                self.scroll(-event.y * step)
                return True
        if event.type == pygame.KEYDOWN:
            keys = {pygame.K_DOWN: step, pygame.K_UP: -step, pygame.K_PAGEDOWN: self.rect.h,
                    pygame.K_PAGEUP: -self.rect.h, pygame.K_HOME: -10**9, pygame.K_END: 10**9}
            if event.key in keys:
                self.scroll(keys[event.key])
                return True
        return False

    def draw(self, surface: pygame.Surface, palette, text=None) -> None:
        if self.surface is None:
            return
        area = pygame.Rect(0, self.offset, self.rect.w, self.visible_height)
        surface.blit(self.surface, self.rect.topleft, area)
        if self.max_offset > 0:
            frac = self.rect.h / self.surface.get_height()
            bar_h = max(20, int(self.rect.h * frac))
            y = self.rect.y + int((self.rect.h - bar_h) * self.offset / self.max_offset)
            pygame.draw.rect(surface, palette.panel_edge, (self.rect.right + 4, self.rect.y, 4, self.rect.h))
            pygame.draw.rect(surface, palette.accent, (self.rect.right + 4, y, 4, bar_h))
            if self.fade and self.offset < self.max_offset:
                self._fade_bottom(surface, palette.bg)
            if text is not None and self.offset < self.max_offset:
                img = text.render(_("More below: scroll, arrows or PgDn"), 12, palette.text_dim)
                at = img.get_rect(bottomright=self.rect.bottomright)
                pygame.draw.rect(surface, palette.bg, at.inflate(8, 2))
                surface.blit(img, at)

    def _fade_bottom(self, surface: pygame.Surface, bg) -> None:
        h = min(24, self.visible_height)
        ramp = pygame.Surface((self.rect.w, h), pygame.SRCALPHA)
        for i in range(h):
            ramp.fill((*bg, int(255 * (i + 1) / h)), (0, i, self.rect.w, 1))
        surface.blit(ramp, (self.rect.x, self.rect.y + self.visible_height - h))


# ---------------------------------------------------------------------------


class TitleScene(Scene):
    arrows_move_focus = True

    def __init__(self, app: "App"):
        super().__init__(app)
        sc = load_scenario("diffusion_rule_2025")
        codes = list(sc.countries)
        self.tiers = {c: sc.countries[c].tier for c in codes}
        self.world = WorldMap(codes, [sc.countries[c].lat for c in codes], [sc.countries[c].lon for c in codes])
        self.focus_index = 0
        self.map_surface: pygame.Surface | None = None

    def build_ui(self) -> None:
        W, H = self.app.size
        u = self.app.u
        self.world.fit(pygame.Rect(0, 0, W, H))
        colours = [self.app.palette.tier_colour(self.tiers[f.code]) if f.code else self.app.palette.unmodelled
                   for f in self.world.features]
        background = self.world.colour(("title",), colours, self.app.palette).copy()
        veil = pygame.Surface((W, H), pygame.SRCALPHA)
        veil.fill((*self.app.palette.bg, 175))
        background.blit(veil, (0, 0))
        self.map_surface = background
        bw, bh = u(300), u(44)
        x = W // 2 - bw // 2
        y = int(H * 0.45)
        items: list[tuple[str, Callable[[], None], str]] = [
            (_("New game"), self.new_game, _("Choose a scenario and a role (N)")),
            (_("Load game"), self.load_game, _("Continue a saved game (L)")),
            (_("Settings"), self.settings, _("UI scale, colour-blind-safe palette, window size, language (S)")),
            (_("Glossary"), self.glossary, _("TPP, H100e, LPP, VEU, tiers, structuring... (F1 anywhere)")),
            (_("Quit"), self.quit, _("Leave the game (Q)")),
        ]
        for i, (label, action, tip) in enumerate(items):
            self.button((x, y + i * (bh + u(10)), bw, bh), label, action, tooltip=tip,
                        object_id="#primary" if i == 0 else "#menu_item")

    def new_game(self) -> None:
        self.app.push(PickerScene(self.app))

    def load_game(self) -> None:
        self.app.push(LoadScene(self.app))

    def settings(self) -> None:
        self.app.push(SettingsScene(self.app))

    def glossary(self) -> None:
        self.app.push(GlossaryScene(self.app))

    def quit(self) -> None:
        self.app.running = False

    def handle_event(self, event: pygame.event.Event) -> bool:
        if super().handle_event(event):
            return True
        if event.type == pygame.KEYDOWN and not self.app.typing():
            keys = {pygame.K_n: self.new_game, pygame.K_l: self.load_game, pygame.K_s: self.settings,
                    pygame.K_g: self.glossary, pygame.K_q: self.quit, pygame.K_ESCAPE: self.quit}
            if event.key in keys:
                keys[event.key]()
                return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        W, H = self.app.size
        u, t, p = self.app.u, self.app.text, self.app.palette
        if self.map_surface is not None:
            surface.blit(self.map_surface, (0, 0))
        img = t.render("Silicon Curtain", 54, p.text, True)
        surface.blit(img, (W // 2 - img.get_width() // 2, int(H * 0.16)))
        sub = t.render(_("A game about AI-chip export controls: set the rules, watch compute diffuse"), 18,
                       p.text_dim)
        surface.blit(sub, (W // 2 - sub.get_width() // 2, int(H * 0.16) + img.get_height() + u(6)))
        hint = t.render(_("Arrows or Tab to move, Enter to choose, F1 glossary"), 13, p.text_dim)
        surface.blit(hint, (W // 2 - hint.get_width() // 2, H - u(34)))


# ---------------------------------------------------------------------------


class PickerScene(Scene):
    """Choose a scenario (with its context and objectives), a role, and a seed."""

    def __init__(self, app: "App"):
        super().__init__(app)
        self.names = available_scenarios()
        self.scenarios = {}
        for n in self.names:
            try:
                self.scenarios[n] = load_scenario(n)
            except ScenarioError:
                continue
        self.names = [n for n in self.names if n in self.scenarios]
        self.index = self.names.index("diffusion_rule_2025") if "diffusion_rule_2025" in self.names else 0
        self.role = "us_commerce"
        self.country_i = 0
        self.seed_text = "1"
        self.error = ""
        self.seed_entry = None
        self.text_scroll = ScrollText()

    @property
    def scenario(self):
        return self.scenarios[self.names[self.index]]

    def countries(self) -> list[str]:
        """The countries the chosen role may govern (none for the US roles), the role's default first."""
        tier = GOVERNMENT_TIER.get(self.role)
        if tier is None:
            return []
        codes = tier_countries(self.scenario, tier)
        first = default_government(self.scenario, tier) if codes else None
        return sorted(codes, key=lambda c: c != first)

    def layout(self):
        W, H = self.app.size
        u = self.app.u
        m = u(36)
        left = pygame.Rect(m, u(80), u(300), H - u(80) - m)
        right = pygame.Rect(left.right + u(36), u(80), W - left.right - u(36) - m, H - u(80) - m)
        return left, right

    def plan(self) -> dict[str, int]:
        """Vertical positions on the right, from the bottom up (the scenario text gets the rest)."""
        u, t = self.app.u, self.app.text
        left, right = self.layout()
        bottom = right.bottom - u(44)
        country = bottom - u(52)
        lh = t.line_height(14) + 2
        summary = (country if self.role in GOVERNMENT_TIER else bottom) - u(10) - 3 * lh
        roles = summary - u(8) - u(38)
        header = roles - u(26)
        return {"bottom": bottom, "country": country, "summary": summary, "roles": roles, "header": header,
                "text_end": header - u(12)}

    def _summary(self) -> str:
        sc = self.scenario
        return _("{description}. {start} to {end} ({months} months).").format(
            description=_(sc.meta.description), start=month_text(sc.date(0)),
            end=month_text(sc.date(sc.meta.months)), months=sc.meta.months)

    def _layout_text(self, right: pygame.Rect, end: int) -> None:
        """The scenario's context and what you will learn, in a window with a scroll bar (never cut off)."""
        u, t, p = self.app.u, self.app.text, self.app.palette
        sc = self.scenario
        top = (right.y + t.line_height(22, True) + u(4)
               + min(t.block_height(self._summary(), 14, right.w), 2 * (t.line_height(14) + 2)) + u(8))
        width = right.w - u(12)
        blocks = [(scenario_context(sc.meta), 15, p.text, False, 0)]
        if sc.meta.objectives:
            blocks.append((_("What you will learn"), 15, p.accent, True, 0))
            blocks += [("•  " + _(o), 14, p.text, False, u(8)) for o in sc.meta.objectives]
        lines = []  # (text, size, colour, bold, indent, gap after): one stop per line, so none is cut in half
        for txt, size, colour, bold, indent in blocks:
            wrapped = t.wrap(txt, size, width - indent, bold)
            lines += [(ln, size, colour, bold, indent, u(6) if i == len(wrapped) - 1 else 0)
                      for i, ln in enumerate(wrapped)]
        heights = [t.line_height(size, bold) + 2 + gap for _, size, _, bold, _, gap in lines]
        surf = pygame.Surface((width, max(1, sum(heights))), pygame.SRCALPHA)
        y, stops = 0, []
        for (ln, size, colour, bold, indent, _gap), h in zip(lines, heights):
            stops.append(y)
            surf.blit(t.render(ln, size, colour, bold), (indent, y))
            y += h
        hint = t.line_height(12) + u(2)
        self.text_scroll.set(surf, pygame.Rect(right.x, top, width, max(u(40), end - top - hint)), stops)

    def build_ui(self) -> None:
        u = self.app.u
        left, right = self.layout()
        plan = self.plan()
        self._layout_text(right, plan["text_end"])
        n = max(1, len(self.names))
        row = max(u(26), min(u(40), (left.h - u(30)) // n - u(6)))
        y = left.y + u(30)
        for i, name in enumerate(self.names):
            meta = self.scenarios[name].meta
            fit_label(self.button((left.x, y, left.w, row), _(meta.title), lambda i=i: self.pick(i),
                                  tooltip=_(meta.description), selected=i == self.index, object_id="#menu_item"))
            y += row + u(6)
        gap = u(10)
        bw = (right.w - (len(ROLE_IDS) - 1) * gap) // len(ROLE_IDS)
        for k, r in enumerate(ROLE_IDS):
            role = make_role(r, scenario=self.scenario)
            fit_label(self.button((right.x + k * (bw + gap), plan["roles"], bw, u(38)), _(role.short),
                                  lambda r=r: self.pick_role(r), tooltip=role_tip(role), selected=r == self.role,
                                  object_id="#menu_item"))
        bottom = plan["bottom"]
        if self.role in GOVERNMENT_TIER and self.countries():
            cy = plan["country"]
            self.button((right.x, cy, u(40), u(36)), "<", lambda: self.cycle_country(-1),
                        tooltip=_("Previous country"))
            self.button((right.x + u(46) + u(400), cy, u(40), u(36)), ">", lambda: self.cycle_country(1),
                        tooltip=_("Next country"))
            self.country_box = pygame.Rect(right.x + u(46), cy, u(394), u(36))
        self.button((right.x, bottom, u(110), u(40)), _("Back"), self.back, tooltip=_("Back to the title (Esc)"))
        self.seed_entry = self.entry((right.x + u(190), bottom + u(4), u(90), u(32)), self.seed_text,
                                     tooltip=_("The same seed and the same orders replay the same game"))
        self.seed_label = (right.x + u(136), bottom + u(10))
        cw = min(u(220), right.right - (right.x + u(190) + u(90) + u(16)))
        fit_label(self.button((right.right - cw, bottom, cw, u(40)), _("Continue to briefing"), self.start,
                              object_id="#primary", tooltip=_("Read the briefing, then play (Enter)")))

    def pick(self, i: int) -> None:
        self.index = i
        self.country_i = 0
        self.rebuild()

    def pick_role(self, r: str) -> None:
        self.role = r
        self.rebuild()

    def cycle_country(self, step: int) -> None:
        n = len(self.countries())
        self.country_i = (self.country_i + step) % n
        self.rebuild()

    def back(self) -> None:
        self.app.pop()

    def start(self) -> None:
        text = self.seed_entry.get_text().strip() if self.seed_entry else self.seed_text
        try:
            seed = int(text)
        except ValueError:
            self.error = _("Seed: expected a whole number, got {text}").format(text=repr(text))
            return
        country = self.countries()[self.country_i] if self.role in GOVERNMENT_TIER else None
        session = GameSession(self.names[self.index], seed=seed, role=self.role, country=country)
        self.app.push(BriefingScene(self.app, session))

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type in (pygame.KEYDOWN,) and not self.app.typing():
            if event.key == pygame.K_ESCAPE:
                self.back()
                return True
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self.focus_index is None:
                self.start()
                return True
            if event.key in (pygame.K_UP, pygame.K_DOWN):  # arrows move within the lists
                self.pick((self.index + (1 if event.key == pygame.K_DOWN else -1)) % len(self.names))
                return True
            if event.key in (pygame.K_LEFT, pygame.K_RIGHT):
                step = 1 if event.key == pygame.K_RIGHT else -1
                if event.mod & pygame.KMOD_SHIFT and self.role in GOVERNMENT_TIER and self.countries():
                    self.cycle_country(step)
                else:
                    self.pick_role(ROLE_IDS[(ROLE_IDS.index(self.role) + step) % len(ROLE_IDS)])
                return True
        if event.type == pygame.MOUSEWHEEL or (event.type == pygame.KEYDOWN and not self.app.typing()
                                               and event.key in (pygame.K_PAGEUP, pygame.K_PAGEDOWN)):
            if self.text_scroll.handle_event(event, self.app.u(40)):
                return True
        if event.type == pygame.KEYDOWN and self.seed_entry is not None:
            self.seed_text = self.seed_entry.get_text()
        return super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        u, t, p = self.app.u, self.app.text, self.app.palette
        left, right = self.layout()
        plan = self.plan()
        heading(surface, t, _("New game"), (left.x, u(24)), 26, p.text)
        keys = _("Up/Down: scenario   Left/Right: role   Shift+Left/Right: country   PgUp/PgDn: text   "
                 "Enter: briefing")
        surface.blit(t.render(t.fit(keys, 12, right.w), 12, p.text_dim), (right.x, u(36)))
        surface.blit(t.render(_("Scenario"), 15, p.text_dim, True), (left.x, left.y))
        sc = self.scenario
        y = right.y
        y += heading(surface, t, t.fit(_(sc.meta.title), 22, right.w, True), (right.x, y), 22, p.text) + u(4)
        t.block(surface, self._summary(), (right.x, y), right.w, 14, p.text_dim, max_lines=2)
        self.text_scroll.draw(surface, p)
        box = self.text_scroll
        if box.offset < box.max_offset:
            img = t.render(_("More below: scroll or PgDn"), 12, p.text_dim)
            surface.blit(img, (box.rect.right - img.get_width(), box.rect.bottom + u(2)))
        role = make_role(self.role, country=self.countries()[self.country_i] if self.countries() else None)
        title = _("Your role: {role}").format(role=_(role.title))
        surface.blit(t.render(t.fit(title, 15, right.w, True), 15, p.text_dim, True), (right.x, plan["header"]))
        t.block(surface, _(role.summary), (right.x, plan["summary"]), right.w, 14, p.text, max_lines=3)
        if self.role in GOVERNMENT_TIER and self.countries():
            code = self.countries()[self.country_i]
            box = self.country_box
            pygame.draw.rect(surface, p.panel, box)
            pygame.draw.rect(surface, p.panel_edge, box, 1)
            label = _("Your country: {name} ({code})").format(name=_(sc.countries[code].name), code=code)
            img = t.render(t.fit(label, 14, box.w - u(12)), 14, p.text)
            surface.blit(img, (box.x + u(8), box.centery - img.get_height() // 2))
        surface.blit(t.render(_("Seed"), 14, p.text_dim), self.seed_label)
        if self.error:
            surface.blit(t.render(self.error, 14, p.bad), (right.x + u(300), plan["bottom"] + u(10)))


# ---------------------------------------------------------------------------


def goals_text(role_id: str, weights=None) -> list[tuple[str, str]]:
    """Each goal with its points: the role's, or a classroom team's own weights."""
    points = goal_weights(role_id, weights)
    return [(_("{goal} ({points} points)").format(goal=_(g.label), points=f"{points[g.key]:.0f}"), _(g.doc))
            for g in GOALS[role_id]]


def controls_text(session: GameSession) -> str:
    role = session.role
    if role.id == "us_commerce":
        return _("The panel on the right holds every lever of the regime, in three tabs (Chips, Tier 2 rule, "
                 "Enforcement); hover a lever to read what it does and what it costs. Change values, then "
                 "Apply now, or Announce them for a later month (buyers will race an announced rule). "
                 "Click a country on the map for its numbers and to move it between tiers, sign a security "
                 "agreement or grant a bilateral deal.")
    if role.id == "bis_enforcement":
        return _("The Enforcement tab holds your three levers: the enforcement budget, chip location "
                 "verification and transit diplomacy; the other tabs show the rules in force, which you cannot "
                 "change. Apply changes now or announce them. Click a country on the map for its numbers: "
                 "smuggled chips leave from transit hubs, seizures show as crosses.")
    name = _(session.country_name(role.country or ""))
    if role.id == "tier3_government":
        return _("The Policy tab holds {name}'s own policies: the chip subsidy (- / + by $5B a year; capacity "
                 "follows it after about two years), buy-domestic guidance, customs on US export variants and "
                 "sales of your chips abroad. Each click is an order for next month; a policy you never set "
                 "stays with your advisers. The Country tab shows any country's numbers; the rules tabs show "
                 "the US regime you live under.").format(name=name)
    return _("The Policy tab holds {name}'s own policies: transit enforcement (- / +), whether your buyers may "
             "buy Tier 3 chips, whether US clouds may run sites here, and a request for a security agreement "
             "(the US signs only if your transit cooperation is at least 0.3; it doubles your cap). A policy "
             "you never set stays with your advisers. The Country tab shows {name}'s numbers; the rules tabs "
             "show the US regime in force, which the scenario's schedule sets.").format(name=name)


class BriefingScene(Scene):
    """The situation, the goals the score measures, and the controls; then the game."""

    def __init__(self, app: "App", session: GameSession):
        super().__init__(app)
        self.session = session
        self.ready = False
        self.frames = 0
        self.body = ScrollText(fade=True)
        self._body_key = None

    def build_ui(self) -> None:
        W, H = self.app.size
        u = self.app.u
        self.button((u(36), H - u(64), u(120), u(42)), _("Back"), self.back, tooltip=_("Choose again (Esc)"))
        self.begin_button = self.button((W - u(36) - u(220), H - u(64), u(220), u(42)), _("Begin"), self.begin,
                                        object_id="#primary", tooltip=_("Start at month 0, paused (Enter)"))
        self.focus_index = len(self.focus_ring) - 1

    def update(self, dt: float) -> None:
        self.frames += 1
        if not self.ready and self.frames >= 2:  # after the briefing is on screen
            self.session.baselines  # the comparison runs the score needs (about half a second)
            self.ready = True

    def back(self) -> None:
        self.app.pop()

    def begin(self) -> None:
        from game.ui.scenes.main import MainScene

        self.session.baselines
        self.app.sim.set_speed(0)
        self.app.reset(MainScene(self.app, self.session))

    def _render_body(self) -> None:
        """The situation, goals and keys on one tall surface, scrolled when the window is short (125%, 150%)."""
        W, H = self.app.size
        u, t, p = self.app.u, self.app.text, self.app.palette
        key = (W, H, self.app.settings)
        if key == self._body_key:
            return
        self._body_key = key
        s = self.session
        m = u(36)
        rect = pygame.Rect(m, u(22) + self._header_height(), W - 2 * m - u(10), 0)
        rect.h = H - u(76) - rect.y
        col_w = (rect.w - m) // 2
        lx, rx = 0, col_w + m
        surf = pygame.Surface((rect.w, 4 * H))
        surf.fill(p.bg)
        ly = heading(surf, t, _("The situation"), (lx, 0), 17, p.accent) + u(4)
        ly += t.block(surf, scenario_context(s.scenario.meta), (lx, ly), col_w, 14, p.text) + u(10)
        ly += heading(surf, t, _("Your controls"), (lx, ly), 17, p.accent) + u(4)
        ly += t.block(surf, controls_text(s), (lx, ly), col_w, 14, p.text) + u(10)
        ry = heading(surf, t, _("What the score measures (0 to 100, every month)"), (rx, 0), 17, p.accent) + u(4)
        for label, doc in goals_text(s.role.id, s.weights):
            surf.blit(t.render(label, 14, p.text, True), (rx, ry))
            ry += t.line_height(14, True)
            ry += t.block(surf, doc, (rx + u(12), ry), col_w - u(12), 13, p.text_dim) + u(4)
        if s.scenario.meta.objectives:
            ry += u(6)
            ry += heading(surf, t, _("What to watch for"), (rx, ry), 17, p.accent) + u(4)
            for o in s.scenario.meta.objectives:
                ry += t.block(surf, "•  " + _(o), (rx, ry), col_w, 14, p.text) + u(2)
        # the keys, across the whole width under both columns
        ky = max(ly, ry) + u(8)
        ky += heading(surf, t, _("Keys"), (lx, ky), 17, p.accent) + u(4)
        lh = t.line_height(13) + 1
        keys = [(_(k), _(w)) for k, w in KEYS]
        key_w = max(t.width(k, 13, True) for k, _w in keys) + u(12)
        widest = key_w + max(t.width(w, 13) for _k, w in keys) + u(10)
        cols = max(1, min(3, rect.w // widest))  # as many columns as fit every description whole
        per_col = (len(keys) + cols - 1) // cols
        cw = rect.w // cols
        for n, (key_name, what) in enumerate(keys):
            c, r = divmod(n, per_col)
            kx, kyy = lx + c * cw, ky + r * lh
            surf.blit(t.render(t.fit(key_name, 13, key_w - u(6), True), 13, p.text, True), (kx, kyy))
            surf.blit(t.render(t.fit(what, 13, cw - key_w - u(10)), 13, p.text_dim), (kx + key_w, kyy))
        height = min(surf.get_height(), ky + per_col * lh + u(4))
        step = t.line_height(14)
        self.body.set(surf.subsurface((0, 0, rect.w, height)).copy(), rect, list(range(0, height, step)))

    def _header_height(self) -> int:
        title = _("Briefing: {title}").format(title=_(self.session.scenario.meta.title))
        return self.app.text.render(title, 24, self.app.palette.text, True).get_height() + self.app.u(34)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.back()
            return True
        if self.body.handle_event(event, self.app.text.line_height(14)):
            return True
        return super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        W, H = self.app.size
        u, t, p = self.app.u, self.app.text, self.app.palette
        s = self.session
        m = u(36)
        y = u(22)
        title = _("Briefing: {title}").format(title=_(s.scenario.meta.title))
        y += heading(surface, t, t.fit(title, 24, W - 2 * m, True), (m, y), 24, p.text)
        sub = _("You are the {role}.  {start} to {end}, {months} months.  Seed {seed}.").format(
            role=role_label(s.role), start=month_text(s.scenario.date(0)), end=month_text(s.scenario.date(s.horizon)),
            months=s.horizon, seed=s.seed)
        surface.blit(t.render(t.fit(sub, 15, W - 2 * m), 15, p.accent), (m, y + u(4)))
        self._render_body()
        self.body.draw(surface, p, t)
        if not self.ready:
            img = t.render(_("Preparing the comparison runs..."), 14, p.warn)
            surface.blit(img, (W // 2 - img.get_width() // 2, H - u(52)))


# ---------------------------------------------------------------------------


class PauseScene(Scene):
    """The in-game menu, over the dimmed main screen."""

    opaque = False
    arrows_move_focus = True

    def __init__(self, app: "App", main):
        super().__init__(app)
        self.main = main
        self.status = ""
        self.status_colour = app.palette.text
        self.focus_index = 0

    def rect(self) -> pygame.Rect:
        W, H = self.app.size
        r = pygame.Rect(0, 0, self.app.u(380), self.app.u(56 + 48 * len(self.menu_items()) + 14))
        r.center = (W // 2, H // 2)
        return r

    def menu_items(self) -> list[tuple[str, object, str]]:
        """(label, action, tooltip) of each button, top to bottom: the label in English (the catalogue key,
        shown translated), the tooltip already in the chosen language."""
        return [(N_("Resume"), self.resume, _("Back to the game (Esc)")),
                (N_("Save game"), self.save,
                 _("Save this month to {path} (S)").format(path=self.main.session.file or saves_dir())),
                (N_("Load game"), self.load, _("Load a saved game (L)")),
                (N_("Settings"), self.settings, _("UI scale, palette, window size, language")),
                (N_("Glossary"), self.glossary, _("Terms explained (F1)")),
                (N_("What if? Branch from a month"), self.branch,
                 _("Look back at an earlier month and play an alternative from it on the same seed; this game is "
                   "saved first (B)")),
                (N_("End game: debrief"), self.debrief, _("Compare your run with the baselines (D)")),
                (N_("Quit to title"), self.quit, _("Leave this game; unsaved months are lost (Q)"))]

    def menu_keys(self) -> dict:
        return {pygame.K_ESCAPE: self.resume, pygame.K_s: self.save, pygame.K_l: self.load,
                pygame.K_b: self.branch, pygame.K_d: self.debrief, pygame.K_q: self.quit}

    def build_ui(self) -> None:
        u = self.app.u
        r = self.rect()
        y = r.y + u(56)
        for label, action, tip in self.menu_items():
            self.button((r.x + u(30), y, r.w - u(60), u(40)), _(label), action, tooltip=tip, object_id="#menu_item")
            y += u(48)

    def resume(self) -> None:
        self.app.pop()

    def save(self) -> None:
        try:
            path = self.main.session.save()
        except OSError as exc:
            self.status, self.status_colour = _("Not saved: {error}").format(error=exc), self.app.palette.bad
        else:
            self.status, self.status_colour = _("Saved to {path}").format(path=path), self.app.palette.good

    def load(self) -> None:
        self.app.push(LoadScene(self.app))

    def settings(self) -> None:
        self.app.push(SettingsScene(self.app))

    def glossary(self) -> None:
        self.app.push(GlossaryScene(self.app))

    def branch(self) -> None:
        """Back to the game, looking at last month: pick the month to branch from, then Branch here (B)."""
        main = self.main
        if main.session.month == 0:
            self.status, self.status_colour = _("Play a month first: a branch starts from an earlier month"), \
                self.app.palette.warn
            return
        self.app.pop()
        main.cursor = main.session.month - 1
        main.status = (_("What if? Pick the month to branch from with [ and ], then Branch here (B); "
                         "L or Esc goes back to now."), self.app.palette.accent)

    def debrief(self) -> None:
        from game.ui.scenes.debrief import DebriefScene

        self.app.replace(DebriefScene(self.app, self.main.session))

    def quit(self) -> None:
        self.app.reset(TitleScene(self.app))

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and not self.app.typing():
            keys = self.menu_keys()
            if event.key in keys:
                keys[event.key]()
                return True
        return super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        u, t, p = self.app.u, self.app.text, self.app.palette
        veil(surface, 150)
        r = self.rect()
        panel(surface, r, p)
        img = t.render(_("Paused"), 22, p.text, True)
        surface.blit(img, (r.centerx - img.get_width() // 2, r.y + u(14)))
        if self.status:
            t.block(surface, self.status, (r.x, r.bottom + u(10)), r.w, 13, self.status_colour)


# ---------------------------------------------------------------------------


class SettingsScene(Scene):
    """UI scale, colour-blind-safe palette, window size, language. (The game has no sound.)

    Each option is a button: a click, or Tab to it and Enter, applies it at once (``App.apply_settings``
    rebuilds the fonts, the theme and this screen, in the language chosen) and keeps it for next time.
    """

    SCALES = (1.0, 1.25, 1.5)
    SIZES = ((1280, 720), (1600, 900), (1920, 1080))
    ROW = 52
    """Pixels (before scaling) from one row of options to the next."""
    OWN_NAME = "#own_name"
    """The language buttons' theme: Noto Sans JP in either language, so 日本語 never shows as boxes."""

    @staticmethod
    def fits(scale: float, size: tuple[int, int]) -> bool:
        from game.ui.app import scale_fits

        return scale_fits(scale, size)

    def build_ui(self) -> None:
        u = self.app.u
        s = self.app.settings
        x0, y = u(60), u(110)
        bw = u(170)
        self.rows = []
        size = self.app.size
        spoken = language()
        self.theme_own_names()
        for label, options in (
                (N_("UI scale"), [(f"{int(k * 100)}%", replace(s, ui_scale=k), s.ui_scale == k,
                                   self.fits(k, size)) for k in self.SCALES]),
                (N_("Palette"), [((_("Standard") if k == "standard" else _("Colour-blind safe")),
                                  replace(s, palette=k), s.palette == k, True) for k in PALETTES]),
                (N_("Window"), [(f"{w}x{h}", replace(s, width=w, height=h), (s.width, s.height) == (w, h),
                                 self.fits(s.ui_scale, (w, h))) for w, h in self.SIZES]),
                (N_("Language"), [(name, replace(s, language=code), spoken == code, True)
                                  for code, name in LANGUAGE_NAMES])):
            self.rows.append((label, y))
            for i, (text, new, sel, ok) in enumerate(options):
                tip = None if ok else (_("Needs a bigger window (150% needs at least 1600x900)")
                                       if label == "UI scale" else _("Too small for this UI scale"))
                self.button((x0 + u(150) + i * (bw + u(10)), y, bw, u(38)), text,
                            lambda new=new: self.app.apply_settings(new), selected=sel, enabled=ok or sel,
                            tooltip=tip, object_id=self.OWN_NAME if label == "Language" else None)
            y += u(self.ROW)
        self.button((x0, self.app.size[1] - u(70), u(140), u(42)), _("Back"), self.app.pop, tooltip="(Esc)")

    def theme_own_names(self) -> None:
        """Teach this window's theme the language buttons' font (Noto Sans JP at the button size, scaled)."""
        manager = self.app.manager
        manager.add_font_paths(THEME_FONT[True], font_path(False, True), font_path(True, True))  # known: no-op
        size = str(max(8, int(round(14 * self.app.settings.ui_scale))))
        manager.get_theme().load_theme({self.OWN_NAME: {"font": {"name": THEME_FONT[True], "size": size}}})

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.pop()
            return True
        return super().handle_event(event)

    def unavailable(self) -> str:
        """Why a greyed option is greyed, said on the screen (not only in a tooltip)."""
        w, h = self.app.size
        scales = [f"{int(k * 100)}%" for k in self.SCALES if not self.fits(k, (w, h))]
        if not scales:
            return ""
        return _("Greyed: {scales} need a bigger window than this one ({size}); 150% needs at least 1600x900. "
                 "Pick a bigger window first.").format(scales=_(" and ").join(scales), size=f"{w}x{h}")

    def draw(self, surface: pygame.Surface) -> None:
        u, t, p = self.app.u, self.app.text, self.app.palette
        heading(surface, t, _("Settings"), (u(60), u(36)), 26, p.text)
        rows = getattr(self, "rows", [])
        for label, y in rows:
            surface.blit(t.render(_(label), 16, p.text), (u(60), y + u(8)))
        y = u(110) + len(rows) * u(self.ROW) + u(10)
        why = self.unavailable()
        if why:
            y += t.block(surface, why, (u(60), y - u(16)), self.app.size[0] - u(120), 14, p.warn) - u(8)
        surface.blit(t.render(_("Sound: the game has no sound, so there is no volume to set."), 14, p.text_dim),
                     (u(60), y))
        y += u(40)
        surface.blit(t.render(_("Palette preview"), 15, p.text, True), (u(60), y))
        y += u(28)
        swatches = [(_("Tier 1"), p.tier[0]), (_("Tier 2"), p.tier[1]), (_("Tier 3"), p.tier[2]),
                    (_("US exports"), p.flow_us), (_("Domestic chips"), p.flow_domestic),
                    (_("Smuggled"), p.flow_smuggled), (_("Seized"), p.seized)]
        x = u(60)
        for name, col in swatches:
            pygame.draw.rect(surface, col, (x, y, u(22), u(22)))
            img = t.render(name, 13, p.text_dim)
            surface.blit(img, (x + u(28), y + u(2)))
            x += u(40) + img.get_width()
        t.block(surface, _("Every action has a key: Tab moves between controls, Enter presses, F1 opens the "
                           "glossary anywhere. Settings are kept for next time."), (u(60), y + u(44)),
                self.app.size[0] - u(120), 14, p.text_dim)


# ---------------------------------------------------------------------------


class LoadScene(Scene):
    """Saved games, newest first; a save that cannot be loaded says why (and is never touched)."""

    arrows_move_focus = True
    PAGE = 8

    def __init__(self, app: "App"):
        super().__init__(app)
        self.saves = list_saves()
        self.page = 0
        self.status = ""
        self.path_text = ""
        self.path_entry = None

    def build_ui(self) -> None:
        W, H = self.app.size
        u = self.app.u
        x, y = u(60), u(100)
        w = W - u(120)
        rows = self.saves[self.page * self.PAGE:(self.page + 1) * self.PAGE]
        for info in rows:
            text = f"{info.path.name}:  {info.summary}"
            fit_label(self.button((x, y, w, u(38)), text, (lambda p=info.path: self.load(p)) if info.ok else None,
                                  tooltip=str(info.path), enabled=info.ok, object_id="#menu_item"))
            y += u(44)
        if not self.saves:
            self.empty_y = y
        by = H - u(120)
        self.path_entry = self.entry((x + u(110), by, w - u(230), u(36)), self.path_text,
                                     tooltip=_("Type the path of a save file, then Load file"))
        self.button((x + w - u(110), by, u(110), u(36)), _("Load file"), self.load_typed)
        self.button((x, H - u(66), u(130), u(42)), _("Back"), self.app.pop, tooltip="(Esc)")
        if len(self.saves) > self.PAGE:
            self.button((x + u(150), H - u(66), u(130), u(42)), _("More"), self.next_page,
                        tooltip=_("Page {page} of {pages}").format(page=self.page + 1,
                                                                   pages=(len(self.saves) - 1) // self.PAGE + 1))
        self.focus_index = 0 if self.focus_ring else None

    def next_page(self) -> None:
        self.page = (self.page + 1) % ((len(self.saves) - 1) // self.PAGE + 1)
        self.rebuild()

    def load_typed(self) -> None:
        text = self.path_entry.get_text().strip() if self.path_entry else ""
        self.path_text = text
        if not text:
            self.status = _("Type the path of a save file first.")
            return
        self.load(Path(text).expanduser())

    def load(self, path: Path) -> None:
        from game.ui.scenes.main import MainScene

        try:
            session = GameSession.load(path)
        except SaveError as exc:
            self.status = _("Cannot load {error}").format(error=exc)
            return
        self.app.sim.set_speed(0)
        self.app.reset(MainScene(self.app, session))
        msg = session.load_warning or _("Loaded {file}: {title}, {date}").format(
            file=path.name, title=_(session.scenario.meta.title), date=month_text(session.view.date))
        self.app.toast(msg, self.app.palette.warn if session.load_warning else self.app.palette.good)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and not self.app.typing():
            self.app.pop()
            return True
        return super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        W, H = self.app.size
        u, t, p = self.app.u, self.app.text, self.app.palette
        heading(surface, t, _("Load game"), (u(60), u(30)), 26, p.text)
        surface.blit(t.render(_("Saves in {folder}").format(folder=saves_dir()), 13, p.text_dim), (u(60), u(70)))
        if not self.saves:
            surface.blit(t.render(_("No saved games yet. Save from the in-game menu (Esc, then S)."), 15, p.text),
                         (u(60), u(104)))
        surface.blit(t.render(_("Or a file:"), 14, p.text_dim), (u(60), H - u(112)))
        if self.status:
            t.block(surface, self.status, (u(60), H - u(164)), W - u(120), 14, p.bad)


# ---------------------------------------------------------------------------


class GlossaryScene(Scene):
    """Terms explained; reachable from every screen with F1."""

    def __init__(self, app: "App"):
        super().__init__(app)
        self.scroll = ScrollText()
        self._key = None

    def build_ui(self) -> None:
        W, H = self.app.size
        u = self.app.u
        self.button((W - u(60) - u(130), u(28), u(130), u(40)), _("Back"), self.app.pop, tooltip="(Esc)")
        self._render()

    def _render(self) -> None:
        W, H = self.app.size
        u, t, p = self.app.u, self.app.text, self.app.palette
        key = (W, H, self.app.settings)
        if key == self._key:
            return
        self._key = key
        rect = pygame.Rect(u(60), u(90), W - u(140), H - u(110))
        term_w = u(230)
        gap = u(12)
        entries = [(_(term), _(text)) for term, text in GLOSSARY]
        total = sum(max(t.block_height(term, 15, term_w - u(16), True), t.block_height(text, 14, rect.w - term_w))
                    + gap for term, text in entries)
        surf = pygame.Surface((rect.w, max(total, 1)))
        surf.fill(p.bg)
        y, stops = 0, []
        for term, text in entries:
            stops.append(y)
            th = t.block(surf, term, (0, y), term_w - u(16), 15, p.accent, bold=True)
            h = t.block(surf, text, (term_w, y + u(1)), rect.w - term_w, 14, p.text)
            y += max(th, h) + gap
        self.scroll.set(surf, rect, stops)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_F1):
            self.app.pop()
            return True
        if self.scroll.handle_event(event, self.app.u(40)):
            return True
        return super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        u, t, p = self.app.u, self.app.text, self.app.palette
        heading(surface, t, _("Glossary"), (u(60), u(30)), 26, p.text)
        self.scroll.draw(surface, p, t)


def lever_summary(levers) -> str:
    return "; ".join(f"{lever_label(k)}: {format_lever(k, v)}" for k, v in levers.items())
