"""The Country tab: the selected country's numbers and what the role can do about it.

Owns :class:`CountryPanel` (browse with < >; US Commerce moves a country
between tiers, signs an agreement, grants a deal) and ``country_lines``,
which the map's hover panel shares. Orders go through
``GameSession.submit``. Imports pygame, pygame_gui and the game package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui

from agents import commands as cmd
from agents.lang import N_, _
from agents.model import G2G_MIN_COOPERATION
from agents.words import parse_entry
from game.session import GameSession, human
from game.ui.panels.part import TabPanel

if TYPE_CHECKING:
    from agents.view import MonthView


SUB = "  "
"""The indent of a row that breaks down the row above it ("  of which domestic")."""


def country_lines(session: GameSession, view: "MonthView", code: str, fname: str = "") -> list[tuple[str, str]]:
    """What the hover panel and the Country tab say about a country: (label, value) rows.

    The labels are the catalogue's English keys (a row's place is found by
    its label); :func:`country_rows` gives them in the language spoken.
    The values are already in it.
    """
    i = view.codes.index(code)
    tier = int(view.tier[i])
    out = []
    if code.startswith("ROW") and fname and fname != session.country_name(code):
        out.append((N_("Includes"), fname))
    out += [(N_("Tier"), str(tier)),
            (N_("Compute installed"), human(view.compute_h100e[i]) + " H100e"),
            (SUB + N_("of which domestic"), human(view.domestic_h100e[i]) + " H100e"),
            (N_("Stockpile"), human(view.stockpile_h100e[i]) + " H100e"),
            (N_("Imports this month"), human(view.imports_h100e[i]) + " H100e"),
            (SUB + N_("US chips"), human(view.flow_us_h100e[i]) + " H100e"),
            (SUB + N_("Tier 3 chips"), human(view.flow_domestic_h100e[i]) + " H100e")]
    if code == "CHN":
        out.append((N_("Domestic chips made"), human(view.metrics["domestic_output_adversary"]) + " "
                    + _("H100e/mo")))
    if view.flow_smuggled_h100e[i] > 0 or view.flow_seized_h100e[i] > 0:
        out += [(N_("Smuggled out (hub)"), human(view.flow_smuggled_h100e[i]) + " H100e"),
                (N_("Seized here"), human(view.flow_seized_h100e[i]) + " H100e")]
    if view.flow_grey_h100e[i] > 0:
        out.append((N_("Grey-market buys"), human(view.flow_grey_h100e[i]) + " H100e"))
    out += [(N_("Goodwill to the US"), f"{view.goodwill[i]:.2f}"),
            (N_("Transit cooperation"), f"{view.cooperation[i]:.2f}")]
    if tier == 2:
        limit = float(view.cap_limit_h100e[i])
        caps = bool(view.levers.get("tier2_caps"))
        out.append((N_("Cap used"), _("{used} of {limit}").format(used=human(view.cap_used_h100e[i]),
                                                                  limit=human(limit)) if caps else _("no caps")))
        out.append((N_("Security agreement"), _("yes") if view.g2g[i] else _("no")))
        if session.role.country == code and not view.g2g[i]:
            ok = view.cooperation[i] >= G2G_MIN_COOPERATION
            out.append((N_("The US would sign now"), _("{answer} (needs cooperation {level})").format(
                answer=_("yes") if ok else _("no"), level=f"{G2G_MIN_COOPERATION:g}")))
    out.append((N_("AI labs"), str(int(view.labs[i]))))
    if session.role.country == code:  # a government's own levers first: they fit at 125% too
        first = ("Tier", "Goodwill to the US", "Transit cooperation", "Security agreement",
                 "The US would sign now", "Cap used")
        out.sort(key=lambda row: first.index(row[0]) if row[0] in first else len(first))
    return out


def country_rows(session: GameSession, view: "MonthView", code: str, fname: str = "") -> list[tuple[str, str]]:
    """:func:`country_lines` with the labels in the language spoken (an indent kept)."""
    out = []
    for label, value in country_lines(session, view, code, fname):
        name = label.lstrip()
        out.append((label[:len(label) - len(name)] + _(name), value))
    return out


class CountryPanel(TabPanel):
    """The selected country (``scene.selected``): its numbers, and US Commerce's tier, agreement and deal."""

    def __init__(self, scene, tab: str = "Country"):
        super().__init__(scene, tab)
        self.deal_text = "100k"
        self.deal_entry: Any = None

    def tooltip(self) -> str:
        return _("The selected country: its numbers and what you can do about it")

    def build(self) -> None:
        scene, u, L = self.scene, self.app.u, self.scene.L
        role = self.session.role
        code = scene.selected
        i = scene.index[code]
        v = self.session.view
        x = L.panel.x + u(8)
        w = L.panel.w - u(16)
        h = u(30)
        by = L.panel.y + u(6)  # browse
        for label, d in (("<", -1), (">", 1)):
            bx = L.panel.right - u(8) - (u(70) if d < 0 else u(34))
            b = scene.button((bx, by, u(30), u(26)), label, lambda d=d: self.cycle_country(d),
                             tooltip=_("Previous / next country (or click the map)"))
            b._focus_key = f"browse{d}"
        if role.id == "us_commerce" and code != "USA":
            tier = int(v.tier[i])
            row_y = self.actions_top()
            bw = (w - u(8)) // 3
            for k in (1, 2, 3):
                b = scene.button((x + (k - 1) * (bw + u(4)), row_y, bw, h), _("Move to Tier {tier}").format(tier=k),
                                 lambda k=k: self.set_tier(k), enabled=k != tier,
                                 tooltip=_("Move {country} to Tier {tier}. A downgrade cuts it off and costs goodwill "
                                           "and cooperation. Takes effect next month.").format(
                                     country=_(self.session.country_name(code)), tier=k))
                b._focus_key = f"tier{k}"
            row_y += h + u(6)
            half = (w - u(4)) // 2
            b = scene.button((x, row_y, half, h), _("Security agreement") if not v.g2g[i] else _("Agreement signed"),
                             self.sign_g2g, enabled=not bool(v.g2g[i]),
                             tooltip=_("A government-to-government security agreement multiplies the country's "
                                       "cap (G2G multiplier) and lifts its goodwill."))
            b._focus_key = "g2g"
            self.deal_entry = scene.entry((x + half + u(4), row_y, half // 2, h), self.deal_text,
                                          tooltip=_("H100e a year the deal allows outside the cap (e.g. 500k)"))
            self.deal_entry._focus_key = "deal_text"
            b = scene.button((x + half + u(8) + half // 2, row_y, w - half - u(8) - half // 2, h), _("Grant deal"),
                             self.grant_deal, tooltip=_("A bilateral deal: this much controlled compute a year "
                                                        "outside the cap; lifts goodwill."))
            b._focus_key = "deal"

    def actions_top(self) -> int:
        """Top of the action buttons under the country's numbers (their bottom is the footer)."""
        u, L = self.app.u, self.scene.L
        rows = 2 if self.session.role.id == "us_commerce" and self.scene.selected != "USA" else 0
        return L.footer.y - rows * (u(30) + u(6))

    # ---- actions -------------------------------------------------------------
    def set_tier(self, k: int) -> None:
        c = cmd.SetTier(country=self.scene.selected, tier=k)
        self.scene._report(c, self.session.submit(c))

    def sign_g2g(self) -> None:
        c = cmd.G2GAgreement(country=self.scene.selected)
        self.scene._report(c, self.session.submit(c))

    def grant_deal(self) -> None:
        text = self.deal_entry.get_text() if self.deal_entry is not None else self.deal_text
        self.deal_text = text
        value = parse_entry(text)
        c = cmd.BilateralDeal(country=self.scene.selected, h100e_per_year=value if isinstance(value, float) else text)
        self.scene._report(c, self.session.submit(c))

    def cycle_country(self, d: int) -> None:
        codes = self.session.view.codes
        self.scene.selected = codes[(codes.index(self.scene.selected) + d) % len(codes)]
        self.scene.rebuild_panel()

    def handle_event(self, event: pygame.event.Event) -> bool:
        """The deal's text field keeps what is typed through rebuilds."""
        if event.type in (pygame_gui.UI_TEXT_ENTRY_CHANGED, pygame_gui.UI_TEXT_ENTRY_FINISHED) and getattr(
                event.ui_element, "_focus_key", None) == "deal_text":
            self.deal_text = event.text
            return True
        return False

    # ---- draw ----------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        scene, u, t, p = self.scene, self.app.u, self.app.text, self.app.palette
        L = scene.L
        view = scene.shown
        code = scene.selected
        x, y = L.panel.x + u(10), L.panel.y + u(6)
        name = _(self.session.country_name(code))
        surface.blit(t.render(t.fit(_("{country} ({code})").format(country=name, code=code), 16, L.panel.w - u(100),
                                    True), 16, p.text, True), (x, y))
        y += t.line_height(16, True) + u(4)
        lines = country_rows(self.session, view, code)
        limit = self.actions_top() - u(4)
        fs = 13 if y + len(lines) * (t.line_height(13) + u(2)) <= limit else 12
        lh = t.line_height(fs) + (u(2) if fs == 13 else 0)
        for label, value in lines:
            if y + lh > limit:
                break
            img = t.render(t.fit(value, fs, L.panel.w - u(180)), fs, p.text)
            surface.blit(t.render(t.fit(label, fs, L.panel.w - u(30) - img.get_width()), fs, p.text_dim), (x, y))
            surface.blit(img, (L.panel.right - u(12) - img.get_width(), y))
            y += lh

    def footer(self, text: str, colour: Any) -> tuple[str, Any, int]:
        if not text:
            text = {"us_commerce": _("Click a country on the map (or < >) to see it and act on it."),
                    "bis_enforcement": _("Smuggled chips leave from transit hubs; seizures show as crosses there."),
                    "tier3_government": _("Click a country on the map (or < >) to see its numbers: smuggled chips "
                                          "reach you through transit hubs."),
                    }.get(self.session.role.id, _("The US answers a request for an agreement the month after."))
            colour = self.app.palette.text_dim
        return text, colour, 4
