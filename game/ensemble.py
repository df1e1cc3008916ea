"""Where the world may go under the player's policy: a few sampled worlds replaying the player's orders.

Owns :class:`EnsembleRequest` (everything a worker needs to rebuild a game:
the scenario, overrides, seed, scale, horizon, the player's orders by month
and the metric columns wanted; plain picklable data), :func:`run_ensemble`
(a pure function: K worlds on a Latin hypercube of the declared ranges,
each replaying the orders and then keeping the policy to the horizon) and
:class:`Band` (each world's path per column and its 10-90% quantiles).
Sampling comes from ``game.study.parameter_points``; the columns from
``game.runs.debrief_row``. Imports the agents package, numpy and the game
package; never pygame (the worker that runs this has no display).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from agents import commands as cmd
from game.intervals import BAND

SAMPLES = 8
"""Worlds in the game's band: enough for a 10-90% spread, few enough to run in seconds beside the game."""


@dataclass(frozen=True)
class EnsembleRequest:
    """A game's world and the player's orders so far, as a worker needs them (nothing but plain data).

    ``orders`` are (month submitted, command), the session's log in order:
    event answers are in it too, since an answer's orders go through
    ``GameSession.submit``. ``samples`` = 0 runs one world at the
    scenario's own values (the player's own path, exactly).
    """

    scenario: str
    overrides: tuple[tuple[str, Any], ...]
    seed: int
    scale: float
    horizon: int
    orders: tuple[tuple[int, cmd.Command], ...]
    keys: tuple[str, ...]
    country: str | None = None
    """The player's government (its bot stands aside, as in the game; its own columns are filled)."""
    samples: int = SAMPLES
    root_seed: int | None = None
    """The Latin hypercube's root (None: ``game.study.UNCERTAINTY_SEED``, as ``compare`` samples)."""


def request_for(session: Any, keys: Sequence[str], samples: int = SAMPLES) -> EnsembleRequest:
    """The request that replays ``session``'s orders (a ``GameSession``) and keeps its policy to the horizon."""
    return EnsembleRequest(
        scenario=session.scenario_ref, overrides=tuple(sorted(session.overrides.items())), seed=session.seed,
        scale=session.scale, horizon=session.horizon, orders=tuple((p.month, p.command) for p in session.commands),
        keys=tuple(dict.fromkeys(keys)), country=session.role.country, samples=samples)


@dataclass(frozen=True)
class Band:
    """K worlds' monthly paths of each column (month 0 to the horizon) and where most of them lie."""

    samples: int
    paths: Mapping[str, np.ndarray]
    """Column -> array (worlds, months + 1)."""
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def quantiles(self, key: str, smooth: int = 1) -> np.ndarray | None:
        """(low, median, high) over the worlds per month: :data:`BAND` and the median, of each world's path
        after a trailing ``smooth``-month mean (as the chart draws the line); None for a column not run."""
        if key not in self.paths:
            return None
        if (key, smooth) not in self._cache:
            paths = self.paths[key]
            if smooth > 1:
                kernel = np.ones(smooth)
                sums = np.apply_along_axis(lambda p: np.convolve(p, kernel)[:p.size], 1, paths)
                paths = sums / np.minimum(np.arange(1, paths.shape[1] + 1), smooth)
            self._cache[(key, smooth)] = np.quantile(paths, [BAND[0], 0.5, BAND[1]], axis=0)
        return self._cache[(key, smooth)]


def worlds(request: EnsembleRequest) -> list[dict[str, Any]]:
    """Each world's scenario overrides: the game's own, with the sample's declared ranges beneath them."""
    from agents.scenario import load_scenario
    from game.study import UNCERTAINTY_SEED, parameter_points

    own = dict(request.overrides)
    scenario = load_scenario(request.scenario, own)
    root = UNCERTAINTY_SEED if request.root_seed is None else request.root_seed
    points = parameter_points(scenario, samples=request.samples, root_seed=root, fixed=own)
    return [{**sample, **own} for (sample,) in points]


def run_world(request: EnsembleRequest, overrides: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """One world: the player's orders at the months given, then the policy kept; each column by month."""
    from agents.model import ComputeModel
    from agents.scenario import load_scenario
    from agents.view import month_view
    from game.runs import COUNTRY_COLUMNS, debrief_row

    model = ComputeModel(scenario=load_scenario(request.scenario, dict(overrides)), seed=request.seed,
                         scale=request.scale)
    if request.country:
        model.player_countries.add(request.country)
    own = request.country if any(k in COUNTRY_COLUMNS for k in request.keys) else None
    collected = model.datacollector.model_vars
    orders = list(request.orders)
    rows = []
    for month in range(request.horizon + 1):
        metrics = {k: v[-1] for k, v in collected.items()}
        view = month_view(model) if own else None  # a government's own columns need the month's view
        row = debrief_row(metrics, model.regime.as_dict(), view, own)
        rows.append([float(row[k]) for k in request.keys])
        if month == request.horizon:
            break
        while orders and orders[0][0] == month:
            model.submit(orders.pop(0)[1])  # refused in this world (already so here): it does not apply
        model.step()
    table = np.asarray(rows, dtype=float)
    return {k: table[:, j] for j, k in enumerate(request.keys)}


def run_ensemble(request: EnsembleRequest) -> Band:
    """Run every world of ``request`` (a pure function of it: a worker process may run it)."""
    runs = [run_world(request, overrides) for overrides in worlds(request)]
    paths = {k: np.stack([r[k] for r in runs]) for k in request.keys}
    return Band(len(runs), paths)
