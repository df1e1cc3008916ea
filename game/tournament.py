"""A headless strategy tournament: scripted ways to play a role, scored as the game scores a player.

Each strategy is a list of orders (month, command) that a player of the role
could give through the game; :func:`play` gives them through a
:class:`~game.session.GameSession` (so the role's rules, refusals and the
score are exactly the game's) and returns the final score and its parts.
:func:`tournament` plays every strategy of a role on the same seeds. It
measures whether the score rewards good play: the best strategy should beat
doing nothing clearly, and abandoning the role's mission should not win.
"""

from __future__ import annotations

import dataclasses
import statistics
from dataclasses import dataclass, field
from typing import Callable, Sequence

from agents import commands as cmd
from game.session import GameSession

Order = tuple[int, cmd.Command]


@dataclass(frozen=True)
class Strategy:
    """A scripted way to play: orders given at fixed months (``month`` counted from the start)."""

    name: str
    description: str
    orders: tuple[Order, ...] = field(default_factory=tuple)


def _policy(**policies) -> cmd.CountryPolicy:
    """The player's own government's policies (its country is filled in when played)."""
    return cmd.CountryPolicy(policies=policies)


def _levers(**levers) -> cmd.SetLevers:
    return cmd.SetLevers(levers=levers)


STRATEGIES: dict[str, tuple[Strategy, ...]] = {
    "us_commerce": (
        Strategy("nothing", "Give no orders: the scenario as scheduled."),
        Strategy("tighten", "Lower the licence-free allowance to 500 and the country cap to 25,000 now.",
                 ((0, _levers(lpp_limit_h100e=500.0, country_cap_h100e=25_000.0)),)),
        Strategy("enforce", "$1B a year of enforcement with location verification, now.",
                 ((0, _levers(enforcement_budget_usd=1e9, location_verification=True)),)),
        Strategy("deny_variants", "Deny export variants to Tier 3 from month 0.",
                 ((0, _levers(variant_policy="denied")),)),
        Strategy("all_hawkish", "Every hawkish lever at once: tighten, enforce, deny variants, remote-access controls.",
                 ((0, _levers(lpp_limit_h100e=500.0, country_cap_h100e=25_000.0, enforcement_budget_usd=1e9,
                              location_verification=True, variant_policy="denied", remote_access_controlled=True)),)),
        Strategy("rescind", "Rescind the Tier 2 rule in month 6 (keep the chip controls).",
                 ((6, cmd.Rescind()),)),
        Strategy("abandon", "Drop the chip controls in month 0: abandon the mission.",
                 ((0, _levers(chip_controls=False)),)),
    ),
    "bis_enforcement": (
        Strategy("nothing", "Give no orders: the scenario's enforcement as scheduled."),
        Strategy("double", "Double the enforcement budget now.",
                 ((0, _levers(enforcement_budget_usd=382e6)),)),
        Strategy("verify", "Location verification now, budget unchanged.",
                 ((0, _levers(location_verification=True)),)),
        Strategy("surge", "$1B a year and location verification now.",
                 ((0, _levers(enforcement_budget_usd=1e9, location_verification=True)),)),
        Strategy("diplomacy", "Transit diplomacy 0.5 now.",
                 ((0, _levers(transit_cooperation_boost=0.5)),)),
        Strategy("abandon", "Cut the enforcement budget to nothing: abandon the mission.",
                 ((0, _levers(enforcement_budget_usd=0.0)),)),
    ),
    "tier2_government": (
        Strategy("nothing", "Give no orders."),
        Strategy("ask_now", "Ask the US for a security agreement in month 0.",
                 ((0, cmd.G2GAgreement()),)),
        Strategy("ask_later", "Ask the US for a security agreement in month 24.",
                 ((24, cmd.G2GAgreement()),)),
        Strategy("enforce_then_ask", "Transit enforcement 0.5 now, then ask for a security agreement in month 3.",
                 ((0, cmd.CountryPolicy(policies={"transit_enforcement": 0.5})), (3, cmd.G2GAgreement()))),
        Strategy("light_enforce_ask", "Transit enforcement 0.2 now, then ask for a security agreement in month 3.",
                 ((0, cmd.CountryPolicy(policies={"transit_enforcement": 0.2})), (3, cmd.G2GAgreement()))),
        Strategy("full_enforce", "Full transit enforcement now, and nothing else.",
                 ((0, cmd.CountryPolicy(policies={"transit_enforcement": 1.0})),)),
        Strategy("tier3_chips_out", "Keep Tier 3 chips out, enforcement 0.5, then ask for an agreement in month 3.",
                 ((0, _policy(allow_tier3_chips=False, transit_enforcement=0.5)), (3, cmd.G2GAgreement()))),
        Strategy("no_us_clouds", "Refuse US cloud sites (UVEU) to save their cost.",
                 ((0, _policy(host_uveu_sites=False)),)),
    ),
    "tier3_government": (
        Strategy("nothing", "Give no orders: the government's advisers keep its standing policies (the subsidy "
                            "follows denied imports, guidance as far as home supply could serve)."),
        Strategy("build_at_home", "$30B a year of subsidy and full buy-domestic guidance.",
                 ((0, _policy(subsidy_usd_per_year=30e9, domestic_purchase_share=1.0)),)),
        Strategy("big_push", "$60B a year, full guidance and US export variants blocked.",
                 ((0, _policy(subsidy_usd_per_year=60e9, domestic_purchase_share=1.0, block_export_variants=True)),)),
        Strategy("buy_abroad", "$20B a year, no guidance, domestic chips kept at home.",
                 ((0, _policy(subsidy_usd_per_year=20e9, domestic_purchase_share=0.0,
                              export_domestic_chips=False)),)),
        Strategy("autarky_now", "Block US export variants at once on the starting subsidy.",
                 ((0, _policy(block_export_variants=True)),)),
        Strategy("spend_later", "$15B a year now, $45B a year from month 24.",
                 ((0, _policy(subsidy_usd_per_year=15e9)), (24, _policy(subsidy_usd_per_year=45e9)))),
        Strategy("front_load", "$60B a year and full guidance for two years, then $20B a year.",
                 ((0, _policy(subsidy_usd_per_year=60e9, domestic_purchase_share=1.0)),
                  (24, _policy(subsidy_usd_per_year=20e9)))),
        Strategy("austerity", "Cut the subsidy to $5B a year and drop the guidance: abandon the chip programme.",
                 ((0, _policy(subsidy_usd_per_year=5e9, domestic_purchase_share=0.0)),)),
    ),
}
"""The scripted strategies of each role; ``nothing`` is the reference every other one is measured against."""


@dataclass(frozen=True)
class Result:
    strategy: str
    seed: int
    total: float
    parts: dict[str, float]  # goal label (English: table columns) -> points
    refused: tuple[str, ...]  # orders the game refused, with why


def play(strategy: Strategy, scenario: str, role: str, seed: int, country: str | None = None,
         months: int | None = None) -> Result:
    """Play one strategy to the end (or ``months``) and return its final score and parts."""
    session = GameSession(scenario, seed=seed, role=role, country=country)
    end = session.horizon if months is None else min(months, session.horizon)
    refused = []
    for month in range(end):
        for when, command in strategy.orders:
            if when == month:
                if isinstance(command, (cmd.G2GAgreement, cmd.CountryPolicy)) and not command.country:
                    command = dataclasses.replace(command, country=session.role.country)  # the player's own
                result = session.submit(command)
                if not result.ok:
                    refused.append(f"month {month}: {result.reason}")
        session.advance_month()
    final = session.score_at(end)
    return Result(strategy.name, seed, final.total, {g.name: g.points for g in final.goals}, tuple(refused))


def tournament(scenario: str, role: str, seeds: Sequence[int], country: str | None = None,
               months: int | None = None, strategies: Sequence[Strategy] | None = None,
               progress: Callable[[str], None] | None = None) -> list[Result]:
    """Every strategy of ``role`` on every seed (the same seeds for each strategy)."""
    out = []
    for strategy in strategies or STRATEGIES[role]:
        for seed in seeds:
            if progress:
                progress(f"{strategy.name} seed {seed}")
            out.append(play(strategy, scenario, role, seed, country, months))
    return out


def standings(results: Sequence[Result]) -> list[tuple[str, float, float, dict[str, float]]]:
    """(strategy, mean score, its spread across seeds, mean points per goal), best first."""
    names = list(dict.fromkeys(r.strategy for r in results))
    rows = []
    for name in names:
        mine = [r for r in results if r.strategy == name]
        totals = [r.total for r in mine]
        parts = {k: statistics.fmean(r.parts[k] for r in mine) for k in mine[0].parts}
        rows.append((name, statistics.fmean(totals), statistics.pstdev(totals), parts))
    return sorted(rows, key=lambda row: -row[1])
