"""The runs a debrief compares: the player's, its what-if branches' and the baselines', one row each.

Owns which metrics each role's table shows, the debrief's per-month rows (metrics plus what a role is
scored on that is not a metric) and the table itself as data and as text cells, so the debrief screen,
its PNG and ``silicon-curtain branches`` show the same numbers. The text cells and headings are in the
language installed in ``agents.lang``; the CSV columns and rows stay English. Imports ``game.session``
and ``game.branches``; never pygame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from agents.lang import N_, _
from agents.words import format_value, month_text
from game.branches import Family
from game.score import Score
from game.session import GameSession, Role

TABLES_BY_ROLE = {
    "us_commerce": (
        ("compute_adversary", N_("Tier 3 compute"), "H100e"), ("smuggled_cum", N_("Smuggled"), "H100e"),
        ("seized_cum", N_("Seized"), "H100e"), ("domestic_output_adversary", N_("T3 domestic/mo"), "H100e"),
        ("us_vendor_revenue_cum", N_("US revenue"), "USD"), ("goodwill_swing", N_("T2 goodwill"), "0-1"),
        ("frontier_gap_months", N_("Gap"), "months")),
    "bis_enforcement": (
        ("smuggled_cum", N_("Smuggled"), "H100e"), ("seized_cum", N_("Seized"), "H100e"),
        ("seized_share", N_("Share seized"), "share"), ("seizures_cum", N_("Shipments seized"), "count"),
        ("enforcement_cost", N_("Cost/yr"), "USD"), ("compute_adversary", N_("Tier 3 compute"), "H100e"),
        ("goodwill_swing", N_("T2 goodwill"), "0-1")),
    "tier2_government": (
        ("country_compute", N_("Your compute"), "H100e"), ("country_imports", N_("Imports/mo"), "H100e"),
        ("country_goodwill", N_("Goodwill"), "0-1"), ("country_cooperation", N_("Cooperation"), "0-1"),
        ("country_g2g", N_("Agreement"), "yes/no"), ("compute_adversary", N_("Tier 3 compute"), "H100e"),
        ("smuggled_cum", N_("Smuggled"), "H100e")),
    "tier3_government": (
        ("country_compute", N_("Your compute"), "H100e"),
        ("self_sufficiency_adversary", N_("Home-chip share"), "share"),
        ("domestic_output_adversary", N_("Home chips/mo"), "H100e"), ("frontier_gap_months", N_("Gap"), "months"),
        ("subsidy_adversary_usd", N_("Subsidy/yr"), "USD"), ("variant_exports_cum", N_("Variants in"), "chips"),
        ("smuggled_cum", N_("Smuggled"), "H100e")),
}
"""(row key, column label, unit) of the key metrics each role's debrief table shows (labels in English:
show them through ``_()``, as :func:`table_columns` does)."""


def debrief_rows(views, role: Role) -> list[dict]:
    """Each month's metrics, plus what the role's debrief shows that is not a metric."""
    return [debrief_row(v.metrics, v.levers, v if role.country else None, role.country) for v in views]


COUNTRY_COLUMNS = ("country_compute", "country_imports", "country_goodwill", "country_cooperation", "country_g2g")
"""The debrief columns read off a government's own country (they need the month's view)."""


def debrief_row(metrics, levers, view=None, country: str | None = None) -> dict:
    """One month's metrics, the share seized and the enforcement cost, and with ``view`` and ``country``
    that country's own columns (so the ensemble's worlds fill the same columns as the player's run)."""
    from game.score import enforcement_cost

    row = dict(metrics)
    caught = row["seized_cum"] + row["smuggled_cum"]
    row["seized_share"] = row["seized_cum"] / caught if caught > 0 else 0.0
    row["enforcement_cost"] = enforcement_cost(levers)
    if view is not None and country and country in view.codes:
        i = view.codes.index(country)
        row.update(country_compute=float(view.compute_h100e[i]), country_imports=float(view.imports_h100e[i]),
                   country_goodwill=float(view.goodwill[i]), country_cooperation=float(view.cooperation[i]),
                   country_g2g=float(bool(view.g2g[i])))
    return row


@dataclass(frozen=True)
class Run:
    """A run of this world as the debrief compares it: who played it, the month it is read at, its score."""

    label: str
    """Its name in English, as the CSV writes it ("You", "Branch from 2025-03", "No controls")."""
    kind: str
    """``you``, ``branch`` or ``baseline``."""
    key: str
    """``you``, ``branch1``, ``branch2``... or the baseline's key."""
    month: int
    date: str
    score: Score
    rows: tuple[dict, ...]
    """Its debrief rows from month 0 (a baseline's to the scenario's end: the charts draw it all)."""
    shown: str = ""
    """Its name in the reader's language (the table, the charts); "" for the same as ``label``."""

    @property
    def metrics(self) -> dict:
        return self.rows[self.month]

    @property
    def name(self) -> str:
        """Its name for a person: ``shown``, or ``label`` looked up in the catalogue."""
        return self.shown or _(self.label)


def compare_runs(session: GameSession, fam: Family | None = None) -> list[Run]:
    """You, then the family's games each at its own month, then the baselines at your month."""
    m = session.month
    role = session.role
    runs = [Run(N_("You"), "you", "you", m, session.view.date, session.score,
                tuple(debrief_rows(session.views, role)))]
    for i, member in enumerate(fam.members if fam is not None else (), 1):
        runs.append(Run(member.label, "branch", f"branch{i}", member.month, member.date,
                        session.score_of(member.views, member.month), tuple(debrief_rows(member.views, role)),
                        shown=member.shown))
    for key, b in session.baselines.items():
        if key == "published" and same_as_published(session):
            continue
        month = min(m, len(b.views) - 1)
        runs.append(Run(b.label, "baseline", key, month, b.views[month].date, session.baseline_score(key),
                        tuple(debrief_rows(b.views, role))))
    return runs


def same_as_published(session: GameSession) -> bool:
    """Whether the game is the published rule as written (its 'published' baseline repeats 'as scheduled')."""
    return session.scenario_ref == "diffusion_rule_2025" and not session.overrides


def table_columns(session: GameSession) -> list[str]:
    """The table's headings in the reader's language: run, month, score, each goal, the role's key metrics."""
    return ([_("Run"), _("Month"), _("Score")] + [_(g.label) for g in session.score.goals]
            + [_(label) for _key, label, _unit in TABLES_BY_ROLE[session.role.id]])


def role_name(role: Role) -> str:
    """A role as a person reads it: its title, and a government's country ("Tier 2 government (IND)")."""
    if role.country:
        return _("{role} ({country})").format(role=_(role.title), country=role.country)
    return _(role.title)


def run_cells(run: Run, role_id: str) -> list[str]:
    """One run's row of the table as a person reads it (units short, points out of each goal's weight)."""
    cells = [run.name, month_text(run.date), f"{run.score.total:.0f}"]
    cells += [f"{g.points:.0f}/{g.weight:g}" for g in run.score.goals]
    cells += [format_value(unit, float(run.metrics[k]), style="short") for k, _, unit in TABLES_BY_ROLE[role_id]]
    return cells


def csv_columns(session: GameSession) -> list[str]:
    """The table's columns for a CSV: names a program reads, exact numbers."""
    return (["run", "kind", "month", "date", "score"] + [f"goal_{g.key}" for g in session.score.goals]
            + [k for k, _, _ in TABLES_BY_ROLE[session.role.id]])


def csv_row(run: Run, role_id: str) -> list[Any]:
    return ([run.label, run.kind, run.month, run.date, run.score.total] + [g.points for g in run.score.goals]
            + [run.metrics[k] for k, _, _ in TABLES_BY_ROLE[role_id]])


def chart_rows(runs: Sequence[Run]) -> dict[str, tuple[dict, ...]]:
    """Every run's rows but the player's, by key, for the charts' extra lines."""
    return {r.key: r.rows for r in runs if r.kind != "you"}
