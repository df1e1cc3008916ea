"""The score: goals per role, computed each month from the metrics the player sees.

Owns the goal table of every role and the formula that turns one month's
metrics (with the same month of two baseline runs on the same seed) into a
score from 0 to 100. Imports the standard library, ``agents.commands`` and ``agents.words`` only: it reads plain
views (anything with ``metrics``, ``codes``, ``compute_h100e``, ``goodwill``,
``cooperation`` and ``tier``), never a model, never pygame.

Baselines, both on the player's seed and the same month:

* ``N`` — the ``no_controls`` scenario (what Tier 3 and US vendors would have
  without any controls);
* ``S`` — the player's scenario exactly as scheduled, with no player command
  (what would have happened anyway).

Each goal is worth ``weight`` points and scores a fraction ``v`` in [0, 1];
the score is ``sum(weight * v)`` (the weights of a role sum to 100).

US Commerce Department (``us_commerce``, every lever), each goal measured
against the scenario as scheduled, so doing nothing scores 50 and every
decision moves a part (the ranges were set with ``silicon-curtain
tournament``: plausible play stays inside them, see docs/tournament.md):

* Keep Tier 3 compute down, 40: ``v = clamp(0.5 + (1 - A / A_S) / 0.8)``, A =
  ``compute_adversary``: full marks at 40% below the schedule, nothing at 40%
  above.
* Keep the frontier lead, 25: ``v = clamp(0.5 + (L - L_S) / 12)``, L =
  ``frontier_gap_months``: full marks six months ahead of the schedule.
* Keep US vendors selling, 20: ``v = clamp(0.5 + (R / R_S - 1) / 0.5)``, R =
  ``us_vendor_revenue_cum``: full marks at a quarter more than the schedule.
* Keep Tier 2 goodwill, 15: ``v = clamp(0.5 + (G - G_S) / 0.8)``, G =
  ``goodwill_swing`` (0-1).

Export enforcement (``bis_enforcement``: enforcement budget, location
verification, transit diplomacy):

* Cut smuggling, 40: ``v = clamp(1.5 - X / X_S)``, X = ``smuggled_cum``:
  half marks at the scenario's own leak, full marks at half of it (full
  marks when the scenario leaks nothing).
* Seize shipments, 20: ``v = clamp(rate / 0.2)``, rate = ``seized_cum /
  (seized_cum + smuggled_cum)``.
* Stay within budget, 25: ``v = clamp(1 - (K - K_0) / (4 K_0))`` where the
  yearly cost ``K = enforcement_budget_usd + 150e6 * location_verification +
  500e6 * transit_cooperation_boost`` (USD/year) and K_0 is the cost at
  month 0. The two prices are estimates of the game, not of the model (the
  model charges nobody for verification or diplomacy): no lever is free.
* Keep Tier 2 goodwill, 15: as for the US.

Tier 2 government (``tier2_government`` of country X: a security agreement,
its own transit enforcement), each goal against the schedule S, so doing
nothing scores 50:

* Grow your compute, 40: ``v = clamp(0.5 + (C_X / C_X,S - 1) / 0.5)``, C_X =
  installed compute in X: full marks at a quarter more than the schedule.
* Keep goodwill with the US, 20: ``v = clamp(0.5 + (g_X - g_X,S) / 0.4)``.
* Stay a trusted partner, 20: ``v = clamp(0.5 + (k_X - k_X,S) / 1.2)`` with
  k_X the transit cooperation of X; 0 if X has been moved to Tier 3.
* Keep costs down, 20: ``v = clamp(0.5 - K_X / (2 * POLICY_BUDGET_USD))``,
  K_X the yearly cost of its policies (``cost_usd_per_year`` of each in
  ``agents.commands.COUNTRY_POLICIES``: $300M at full transit enforcement,
  $100M for hosting US cloud sites): half marks at no cost, nothing at $300M.

Tier 3 government (``tier3_government`` of country X, China by default: its
chip subsidy, buy-domestic guidance, customs on US export variants, chip
exports), each goal against the schedule S (where its bot governs), so
doing nothing is a middle score:

* Grow your compute, 35: ``v = clamp(0.5 + (C_X / C_X,S - 1) / 0.5)``.
* Depend less on imports, 25: ``v = clamp(0.5 + (d - d_S) / 0.6)``, d =
  ``self_sufficiency_adversary`` (Tier 3-designed share of Tier 3 compute).
* Close the gap, 20: ``v = clamp(0.5 - (L - L_S) / 6)``, L =
  ``frontier_gap_months``: full marks three months closer than the schedule.
* Keep costs down, 20: ``v = clamp(0.5 - (K / K_S - 1) / 2)``, K =
  ``subsidy_spent_cum - domestic_export_revenue_cum`` (what the chip
  programme has cost the state, less what its chips earned abroad): full
  marks at no cost, nothing at twice the schedule's.

``clamp`` limits to [0, 1]; a ratio with a zero denominator counts as 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from agents.commands import COUNTRY_POLICIES
from agents.lang import N_, _
from agents.words import human

LOCATION_VERIFICATION_COST_USD = 150e6
"""Yearly cost the enforcement role is charged for location verification (estimate)."""
POLICY_BUDGET_USD = 300e6
"""A Tier 2 government's yearly policy costs that empty its cost goal, halved (estimate)."""
TRANSIT_DIPLOMACY_COST_USD = 500e6
"""Yearly cost charged per unit of ``transit_cooperation_boost`` (estimate)."""


class _SaidInTheChosenLanguage:
    """A goal's ``name`` and ``about`` are English (catalogue keys, marked in the table built at import);
    :attr:`label` and :attr:`doc` say them in the language chosen when they are read."""

    name: str
    about: str

    @property
    def label(self) -> str:
        return _(self.name)

    @property
    def doc(self) -> str:
        return _(self.about)


@dataclass(frozen=True)
class GoalSpec(_SaidInTheChosenLanguage):
    """A goal of a role, its weight and what it rewards."""

    key: str
    name: str
    weight: float
    about: str


@dataclass(frozen=True)
class Goal(_SaidInTheChosenLanguage):
    """One goal this month: its fraction ``value`` in [0, 1] and what was measured.

    ``name`` and ``about`` are the goal's English words (what files and the tournament's columns use);
    :attr:`label` and :attr:`doc` say them in the chosen language when read; ``detail`` is in the language
    chosen when the score was computed.
    """

    key: str
    name: str
    weight: float
    value: float
    detail: str
    about: str

    @property
    def points(self) -> float:
        return self.weight * self.value


@dataclass(frozen=True)
class Score:
    total: float
    goals: tuple[Goal, ...]

    def as_row(self) -> dict[str, float]:
        """Columns for a CSV: ``score`` and ``goal_<key>`` (points)."""
        row = {"score": self.total}
        row.update({f"goal_{g.key}": g.points for g in self.goals})
        return row


def _grow_compute(weight: float) -> GoalSpec:
    """A government's compute goal (both government roles have one, with their own weight)."""
    return GoalSpec("compute", N_("Grow your compute"), weight,
                    N_("Your installed compute against the scenario as scheduled (same seed, same month): half "
                    "marks at the same, full marks a quarter more."))


GOALS: dict[str, tuple[GoalSpec, ...]] = {
    "us_commerce": (
        GoalSpec("deny", N_("Keep Tier 3 compute down"), 40,
                 N_("Tier 3's compute against the scenario as scheduled (same seed, same month): half marks "
                 "at the same, full marks 40% below, nothing 40% above.")),
        GoalSpec("lead", N_("Keep the frontier lead"), 25,
                 N_("The best US lab's lead over the best Tier 3 lab against the schedule: half marks at the "
                 "same, full marks six months longer.")),
        GoalSpec("revenue", N_("Keep US vendors selling"), 20,
                 N_("US vendor revenue so far against the schedule: half marks at the same, full marks at a "
                 "quarter more, nothing at a quarter less.")),
        GoalSpec("goodwill", N_("Keep Tier 2 goodwill"), 15,
                 N_("Mean goodwill of Tier 2 governments (0-1) against the schedule: half marks at the same, "
                 "full marks 0.4 higher.")),
    ),
    "bis_enforcement": (
        GoalSpec("smuggling", N_("Cut smuggling"), 40,
                 N_("Chips smuggled so far against the scenario as scheduled: half marks at the same, "
                 "full marks at half.")),
        GoalSpec("seizures", N_("Seize shipments"), 20,
                 N_("Share of smuggled chips seized; full marks at 20%.")),
        GoalSpec("budget", N_("Stay within budget"), 25,
                 N_("Yearly cost: the enforcement budget, plus $150M for location verification and "
                 "$500M per unit of transit diplomacy (game estimates); nothing left at 5x the "
                 "starting cost.")),
        GoalSpec("goodwill", N_("Keep Tier 2 goodwill"), 15,
                 N_("Mean goodwill of Tier 2 governments against its value at the start.")),
    ),
    "tier2_government": (
        _grow_compute(40),
        GoalSpec("goodwill", N_("Keep goodwill with the US"), 20,
                 N_("Your government's goodwill towards the US against the schedule: half marks at the same, "
                 "full marks 0.2 higher.")),
        GoalSpec("trust", N_("Stay a trusted partner"), 20,
                 N_("Your transit cooperation against the schedule (the US signs security agreements only "
                 "with countries that enforce): half marks at the same, full marks 0.6 higher; nothing if "
                 "moved to Tier 3.")),
        GoalSpec("cost", N_("Keep costs down"), 20,
                 N_("What your policies cost a year ($300M at full transit enforcement, $100M to host US "
                 "cloud sites; game estimates): half marks at no cost, nothing at $300M.")),
    ),
    "tier3_government": (
        _grow_compute(35),
        GoalSpec("self_sufficiency", N_("Depend less on imports"), 25,
                 N_("Share of Tier 3's compute on Tier 3-designed chips against the schedule: half marks at "
                 "the same, full marks 30 points higher.")),
        GoalSpec("gap", N_("Close the gap"), 20,
                 N_("How far your best lab trails the US frontier against the schedule: half marks at the "
                 "same, full marks three months closer.")),
        GoalSpec("cost", N_("Keep costs down"), 20,
                 N_("Chip subsidies paid so far, less what your chips earned abroad, against the schedule: "
                 "half marks at the same, nothing at twice as much.")),
    ),
}


def clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    if x != x:  # nan
        return lo
    return max(lo, min(hi, x))


def ratio(a: float, b: float) -> float:
    """a / b, or 1 when b is zero (nothing to compare with)."""
    return a / b if b else 1.0


def goal_weights(role: str, weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """Points per goal of ``role``: its standard weights, or a team's own (scaled to add up to 100)."""
    if not weights:
        return {g.key: g.weight for g in GOALS[role]}
    total = sum(float(weights.get(g.key, 0.0)) for g in GOALS[role])
    return {g.key: 100.0 * float(weights.get(g.key, 0.0)) / total for g in GOALS[role]}


def weights_problem(role: str, weights: Any) -> str | None:
    """Why ``weights`` cannot weigh ``role``'s goals (a table of goal key -> points >= 0, not all 0), or None."""
    keys = [g.key for g in GOALS.get(role, ())]
    what = f"a table of points per goal ({', '.join(keys)}), at least one above 0"
    if not isinstance(weights, Mapping) or not weights:
        return f"expected {what}, got {weights!r:.60}"
    for key, v in weights.items():
        if key not in keys:
            return f"{key}: unknown goal of {role} (expected one of: {', '.join(keys)})"
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not 0 <= v <= 100:
            return f"{key}: expected points from 0 to 100, got {v!r:.60}"
    if not any(weights.values()):
        return f"expected {what}, got all 0"
    return None


def score(role: str, view: Any, start: Any, no_controls: Any, scheduled: Any,
          country: str | None = None, weights: Mapping[str, float] | None = None) -> Score:
    """The score of ``view`` (a month of the player's run) for ``role``.

    Args:
        role: a key of :data:`GOALS`.
        view: the player's month (a ``MonthView`` or anything with the same fields).
        start: the player's month 0.
        no_controls: the same month of the no-controls baseline (or None: goals
            that need it score as if equal to it).
        scheduled: the same month of the scenario as scheduled (or None: same).
        country: the player's country, for ``tier2_government``.
        weights: a team's own points per goal (a lesson's team goals), else the role's.
    """
    m = view.metrics
    s = scheduled.metrics if scheduled is not None else m
    m0 = start.metrics
    values: dict[str, tuple[float, str]] = {}
    if role == "us_commerce":
        share = ratio(m["compute_adversary"], s["compute_adversary"])
        values["deny"] = (clamp(0.5 + (1 - share) / 0.8), _("Tier 3 has {share} of its compute as scheduled").format(
            share=f"{share:.0%}"))
        gap, gap_s = m["frontier_gap_months"], s["frontier_gap_months"]
        values["lead"] = (clamp(0.5 + (gap - gap_s) / 12), _("US lead {gap} months ({diff} vs schedule)").format(
            gap=f"{gap:.1f}", diff=f"{gap - gap_s:+.1f}"))
        rev = ratio(m["us_vendor_revenue_cum"], s["us_vendor_revenue_cum"])
        values["revenue"] = (clamp(0.5 + (rev - 1) / 0.5),
                             _("revenue {share} of as scheduled").format(share=f"{rev:.0%}"))
        g, g_s = m["goodwill_swing"], s["goodwill_swing"]
        values["goodwill"] = (clamp(0.5 + (g - g_s) / 0.8),
                              _("Tier 2 goodwill {now} (as scheduled {scheduled})").format(
                                  now=f"{g:.2f}", scheduled=f"{g_s:.2f}"))
    elif role == "bis_enforcement":
        x, xs = m["smuggled_cum"], s["smuggled_cum"]
        leak = ratio(x, xs)
        values["smuggling"] = (clamp(1.5 - leak) if xs > 0 else 1.0,
                               _("smuggled {share} of as-scheduled").format(share=f"{leak:.0%}"))
        caught = m["seized_cum"] + m["smuggled_cum"]
        rate = m["seized_cum"] / caught if caught > 0 else 0.0
        values["seizures"] = (clamp(rate / 0.2), _("{share} of smuggled chips seized").format(share=f"{rate:.1%}"))
        k, k0 = enforcement_cost(view.levers), enforcement_cost(start.levers)
        values["budget"] = (clamp(1 - (k - k0) / (4 * k0)) if k0 > 0 else clamp(1 - k / 1e9),
                            _("${cost} a year (start ${start})").format(cost=human(k), start=human(k0)))
        values["goodwill"] = _goodwill(m, m0)
    elif role == "tier2_government":
        i, sched, j = _own(view, scheduled, country)
        values["compute"] = _own_compute(view, i, sched, j)
        g, g_s = float(view.goodwill[i]), float(sched.goodwill[j])
        values["goodwill"] = (clamp(0.5 + (g - g_s) / 0.4), _("goodwill {now} (as scheduled {scheduled})").format(
            now=f"{g:.2f}", scheduled=f"{g_s:.2f}"))
        k, k_s = float(view.cooperation[i]), float(sched.cooperation[j])
        trusted = int(view.tier[i]) <= 2
        values["trust"] = (clamp(0.5 + (k - k_s) / 1.2) if trusted else 0.0,
                           (_("cooperation {now} (as scheduled {scheduled})") if trusted
                            else _("cooperation {now} (as scheduled {scheduled}), now Tier 3")).format(
                               now=f"{k:.2f}", scheduled=f"{k_s:.2f}"))
        spend = policy_cost(view, i)
        values["cost"] = (clamp(0.5 - spend / (2 * POLICY_BUDGET_USD)),
                          _("your policies cost ${amount} a year").format(amount=human(spend)))
    elif role == "tier3_government":
        i, sched, j = _own(view, scheduled, country)
        values["compute"] = _own_compute(view, i, sched, j)
        d, d_s = m["self_sufficiency_adversary"], s["self_sufficiency_adversary"]
        values["self_sufficiency"] = (clamp(0.5 + (d - d_s) / 0.6),
                                      _("{share} on home-designed chips (as scheduled {scheduled})").format(
                                          share=f"{d:.0%}", scheduled=f"{d_s:.0%}"))
        gap, gap_s = m["frontier_gap_months"], s["frontier_gap_months"]
        values["gap"] = (clamp(0.5 - (gap - gap_s) / 6), _("{gap} months behind ({diff} vs schedule)").format(
            gap=f"{gap:.1f}", diff=f"{gap - gap_s:+.1f}"))
        k = m["subsidy_spent_cum"] - m["domestic_export_revenue_cum"]
        k_s = s["subsidy_spent_cum"] - s["domestic_export_revenue_cum"]
        cost = ratio(k, k_s)
        values["cost"] = (clamp(0.5 - (cost - 1) / 2), _("${amount} net so far, {share} of as scheduled").format(
            amount=human(k), share=f"{cost:.0%}"))
    else:
        raise ValueError(f"unknown role {role!r} (expected one of: {', '.join(GOALS)})")
    points = goal_weights(role, weights)
    goals = tuple(Goal(g.key, g.name, points[g.key], values[g.key][0], values[g.key][1], g.about) for g in GOALS[role])
    return Score(total=sum(g.points for g in goals), goals=goals)


def enforcement_cost(levers: Mapping[str, Any]) -> float:
    """Yearly cost of the enforcement levers in USD, as the enforcement role is charged."""
    return (float(levers["enforcement_budget_usd"])
            + LOCATION_VERIFICATION_COST_USD * bool(levers["location_verification"])
            + TRANSIT_DIPLOMACY_COST_USD * float(levers["transit_cooperation_boost"]))


def _own(view: Any, scheduled: Any, country: str | None) -> tuple[int, Any, int]:
    """A government's row in the player's view, the scheduled view (the player's if none) and its row there."""
    sched = scheduled if scheduled is not None else view
    return _index(view, country), sched, _index(sched, country)


def _own_compute(view: Any, i: int, sched: Any, j: int) -> tuple[float, str]:
    """A government's installed compute against the schedule: half marks at the same, full a quarter more."""
    c, c_s = float(view.compute_h100e[i]), float(sched.compute_h100e[j])
    share = ratio(c, c_s)
    return clamp(0.5 + (share - 1) / 0.5), _("{compute} H100e, {share} of as scheduled").format(
        compute=human(c), share=f"{share:.0%}")


def policy_cost(view: Any, i: int) -> float:
    """What the policies of country ``i`` in ``view`` cost its government a year (USD)."""
    policies = getattr(view, "policies", {})
    return float(sum(spec.cost_usd_per_year * float(policies[name][i])
                     for name, spec in COUNTRY_POLICIES.items() if spec.cost_usd_per_year and name in policies))


def _goodwill(m: Mapping[str, Any], m0: Mapping[str, Any]) -> tuple[float, str]:
    g, g0 = m["goodwill_swing"], m0["goodwill_swing"]
    return clamp(ratio(g, g0)), _("Tier 2 goodwill {now} (start {start})").format(now=f"{g:.2f}", start=f"{g0:.2f}")


def _index(view: Any, country: str | None) -> int:
    if country is None or country not in view.codes:
        raise ValueError(f"country {country!r} is not in this scenario")
    return view.codes.index(country)
