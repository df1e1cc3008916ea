"""The Policy tab: a government's own policies, one row each from ``agents.commands.COUNTRY_POLICIES``.

Owns :class:`PolicyPanel`: - / + for a number, a switch for the rest, and
a Tier 2 government's request for a security agreement. Each click is an
order through ``GameSession.submit`` that applies next month. Imports
pygame (widgets through the scene) and the game package.
"""

from __future__ import annotations

from typing import Any

import pygame

from agents import commands as cmd
from agents.lang import _
from agents.words import format_value, policy_label, policy_value
from game.ui.panels.levers import COST
from game.ui.panels.part import TabPanel
from game.ui.style import sentences


def policy_tooltip(name: str) -> str:
    spec = cmd.COUNTRY_POLICIES[name]
    cost = ""
    if spec.cost_usd_per_year:
        cost = f"<br><b>{_(COST)}</b> " + _("{cost} at full effort (a game estimate)").format(
            cost=format_value("USD/year", spec.cost_usd_per_year))
    advisers = _("Left to your advisers it {does}. Orders apply next month. In command files: {name}.").format(
        does=_(spec.bot), name=name)
    return f"<b>{policy_label(name)}</b><br>{_(spec.doc)}{cost}<br><i>{advisers}</i>"


class PolicyPanel(TabPanel):
    """A government's own policies (``role.policies``) and, for Tier 2, the agreement request."""

    def tooltip(self) -> str:
        return _("Your government's own policies")

    def build(self) -> None:
        """Each click is an order (it applies next month); the request for an agreement comes last."""
        scene, u, L = self.scene, self.app.u, self.scene.L
        role = self.session.role
        pad = u(8)
        x0, wtot = L.panel.x + pad, L.panel.w - 2 * pad
        label_w = int(wtot * 0.52)
        ctl_x, ctl_w = x0 + label_w + u(4), wtot - label_w - u(4)
        h = L.row_h - u(4)
        y = L.panel.y + u(4)
        self.rows = []
        for name in role.policies:
            spec = cmd.COUNTRY_POLICIES[name]
            value = self.own_policy(name)
            tip = policy_tooltip(name)
            lab = scene.button((x0, y, label_w, h), self.app.text.fit(policy_label(name), 13, label_w - u(6)), None,
                               tooltip=tip, object_id="#lever_label", focus=False)
            self.rows.append((name, pygame.Rect(x0, y, wtot, h)))
            mine = self.set_by_you(name)

            def shown(value: str, mine: bool = mine) -> str:
                return value if mine else _("{value} (advisers)").format(value=value)

            if spec.is_switch:
                on = value >= 0.5
                b = scene.button((ctl_x, y, ctl_w, h), shown(_("On") if on else _("Off")),
                                 lambda name=name, on=on: self.set_policy(name, not on), tooltip=tip,
                                 object_id="#toggle_on" if on else "#toggle_off")
            else:
                bw = u(26)
                vw = ctl_w - 2 * bw - u(8)
                scene.button((ctl_x, y, vw, h), self.app.text.fit(shown(policy_value(name, value)), 13, vw - u(8)),
                             None,
                             tooltip=tip, object_id="#value", enabled=False, focus=False)
                lo, hi = spec.spec.lo, spec.spec.hi
                for d, text, bx in ((-1, "-", ctl_x + vw + u(4)), (1, "+", ctl_x + vw + bw + u(8))):
                    nxt = value + d * spec.step
                    b = scene.button((bx, y, bw, h), text, lambda name=name, nxt=nxt: self.set_policy(name, nxt),
                                     tooltip=(_("Less: {step} a step") if d < 0 else _("More: {step} a step")).format(
                                         step=policy_value(name, spec.step)),
                                     enabled=lo - 1e-9 <= nxt <= hi + 1e-9)
                    b._focus_key = f"{name}{text}"
                b = lab
            b._focus_key = name
            y += L.row_h
        if "g2g" in role.commands and role.country is not None:
            signed = bool(self.session.view.g2g[scene.index[role.country]])
            b = scene.button((x0, y + u(6), wtot, h),
                             _("Security agreement signed") if signed else _("Ask the US for a security agreement"),
                             self.request_g2g, enabled=not signed,
                             tooltip=_("The US signs only if your transit cooperation is at least 0.3; the agreement "
                                       "multiplies your cap and lifts goodwill. The answer comes next month."))
            b._focus_key = "g2g"

    def own_policy(self, name: str) -> float:
        """The player's government's policy: this month's order if there is one, else what is in force."""
        for c in reversed(self.session.queued()):
            if isinstance(c, cmd.CountryPolicy) and name in c.policies:
                return float(c.policies[name])
        return float(self.session.view.policies[name][self.scene.index[self.session.role.country]])

    def set_by_you(self, name: str) -> bool:
        """Whether the player has ever ordered this policy (else the government's bot still sets it)."""
        return any(isinstance(p.command, cmd.CountryPolicy) and name in p.command.policies
                   for p in self.session.commands)

    def set_policy(self, name: str, value: float) -> None:
        spec = cmd.COUNTRY_POLICIES[name]
        chosen: Any = bool(value) if spec.is_switch else round(min(spec.spec.hi, max(spec.spec.lo, value)), 6)
        c = cmd.CountryPolicy(country=self.session.role.country, policies={name: chosen})
        self.scene._report(c, self.session.submit(c))

    def request_g2g(self) -> None:
        c = cmd.G2GAgreement(country=self.session.role.country or self.scene.selected)
        self.scene._report(c, self.session.submit(c))

    def footer(self, text: str, colour: Any) -> tuple[str, Any, int]:
        if not text:
            q = len(self.session.queued())
            text = sentences(_("{n} order(s) queued for next month.").format(n=q) if q else "",
                             _("Each click is an order for next month; a policy you never set stays with your "
                               "advisers. Hover a policy to read what it does."))
            colour = self.app.palette.text_dim
        return text, colour, 4
