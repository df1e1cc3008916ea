"""AI labs: the buyers that train models on the compute they hold.

Owns the ``LabAgent`` (a thin Mesa agent over the model's holder table (``model.holders``))
and the month's training phase for every holder at once: effective
compute, the size of each lab's latest training run, capability, each
lab's choice to publish open weights, and the leaks of closed weights. The
frontier gap is measured in training compute; the capability gap counts
algorithmic progress too (which makes old models worth less), and the open
(and leaked) weights any lab can build on. Imports mesa and numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.arrays import scatter_add
from agents.lang import _

if TYPE_CHECKING:
    from agents.model import ComputeModel

H100_FLOPS = 989.5e12
"""Dense FP16 operations per second of one H100e (facts §1)."""
SECONDS_PER_MONTH = 365.25 * 24 * 3600 / 12


class LabAgent(mesa.Agent):
    """An AI developer in one country; its numbers live in the model's holder table (``model.holders``)."""

    def __init__(self, model: "ComputeModel", holder: int, country: str, frontier: bool):
        super().__init__(model)
        self.holder = holder
        self.country = country
        self.frontier = frontier

    @property
    def open_weights(self) -> bool:
        """Whether it published its latest model's weights (its choice, see :func:`choose_to_publish`)."""
        return bool(self.model.holders.open[self.holder])

    @property
    def compute_h100e(self) -> float:
        """Installed compute in H100e."""
        return float(self.model.ledger.installed[self.holder] @ self.model.chips.h100e)

    @property
    def capability(self) -> float:
        """log10 of the operations in its latest training run (own and rented compute)."""
        return float(self.model.capability[self.holder])


def effective_compute(model: "ComputeModel") -> np.ndarray:
    """Per holder: ``Σ_k chips × H100e × utilisation`` (H100e).

    A chip's H100e already says what it computes; its power penalty binds
    where power does: data-centre power at installation (watts per chip)
    and the cost of running it when buyers choose (``power_cost_share``).
    """
    return model.ledger.installed @ (model.chips.h100e * model.world.utilisation)


def start(model: "ComputeModel") -> None:
    """Before month 0: each lab's latest run used its starting compute for a whole run."""
    model.run_ops = _monthly_ops(model) * model.world.training_run_months
    measure(model)


def train(model: "ComputeModel") -> None:
    """Every lab trains for a month; its latest run is a moving sum over ``training_run_months``."""
    m = model.world.training_run_months
    model.run_ops = model.run_ops * (m - 1) / m + _monthly_ops(model)
    measure(model)


def _monthly_ops(model: "ComputeModel") -> np.ndarray:
    """Training operations each holder can run this month, own and rented compute."""
    eff = _with_rented_compute(model, effective_compute(model))
    eff = eff + model.market.rented_h100e * model.world.utilisation  # rented abroad this month
    return eff * H100_FLOPS * SECONDS_PER_MONTH


def measure(model: "ComputeModel") -> None:
    """Capability of every lab, publishing choices, open-weight and leak floors, and the frontier gaps.

    Capabilities are compared in log10 effective operations: training
    operations × algorithmic progress since month 0, so a model published
    (or leaked) months ago is worth less than one trained today.
    """
    w = model.world
    own = np.log10(np.maximum(model.run_ops, 1.0))
    model.capability = own
    labs = model.holders.is_lab
    compute_per_month = np.log10(w.frontier_compute_growth) / 12.0
    algo_per_month = np.log10(w.algorithmic_progress_per_year) / 12.0
    now = own + model.month * algo_per_month  # effective, in today's algorithms

    choose_to_publish(model, own, compute_per_month)
    model.open_history.append(now[labs & model.holders.open].max(initial=0.0))
    us_labs = labs & model.holders.is_us
    _maybe_leak(model, now[us_labs & ~model.holders.open].max(initial=0.0),
                np.log10(model.regime.weights_control_ops) + model.month * algo_per_month)

    floor = max(_lagged(model.open_history, w.open_weights_lag_months, compute_per_month + algo_per_month),
                model.leaked_capability)
    effective = np.where(labs, np.maximum(now, floor), 0.0)
    model.effective_capability = np.where(labs, effective - model.month * algo_per_month, 0.0)

    adv = labs & (model.holders.tier == 3)
    model.frontier_gap_months = _gap(own, us_labs, adv, compute_per_month)
    model.capability_gap_months = _gap(effective, us_labs, adv, compute_per_month + algo_per_month)
    model.best_capability_us = float(model.effective_capability[us_labs].max(initial=0.0))
    model.best_capability_adversary = float(model.effective_capability[adv].max(initial=0.0))


def choose_to_publish(model: "ComputeModel", own: np.ndarray, per_month: float) -> None:
    """Each lab publishes its weights when it trails the best lab enough that users and talent are worth more.

    A lab publishes when it is at least ``open_weights_gap_months × (1 −
    propensity)`` behind the world's best lab in training compute: far
    behind, a lab gains more from openness than from keeping weights; a
    country's propensity (its labs' culture and policy) lowers the bar, and
    at propensity 1 even the frontier lab publishes.
    """
    labs = model.holders.is_lab
    behind = (own[labs].max(initial=0.0) - own) / per_month
    bar = model.world.open_weights_gap_months * (1.0 - model.countries.open_propensity[model.holders.country])
    model.holders.open = labs & (behind >= bar - 1e-9)


def _maybe_leak(model: "ComputeModel", best_closed: float, controlled_above: float) -> None:
    """Closed US weights leak at a monthly hazard ``1 / weights_leak_lag_months``.

    Under weight controls, weights above the control threshold are kept to
    its security standard and do not leak: what leaks is at most a model at
    the threshold.
    """
    if model.rng.random() >= 1.0 / model.world.weights_leak_lag_months:
        return
    level = min(best_closed, controlled_above) if model.regime.weights_controls else best_closed
    if level > model.leaked_capability:
        model.leaked_capability = level
        model.record_event("weights_leaked", _("A closed US model's weights leak: every lab can build on them"))


def _gap(score: np.ndarray, us: np.ndarray, adv: np.ndarray, per_month: float) -> float:
    """Months of frontier growth between the best US and the best Tier 3 lab."""
    if not adv.any() or not us.any():
        return float("nan")
    return float((score[us].max() - score[adv].max()) / per_month)


def _with_rented_compute(model: "ComputeModel", eff: np.ndarray) -> np.ndarray:
    """Labs train on data-centre operators' compute in their country too, in proportion to spending."""
    labs = model.holders.is_lab
    operator_eff = np.zeros(model.n_countries)
    scatter_add(operator_eff, model.holders.country[~labs], eff[~labs])
    lab_spend = np.where(labs, model.holders.spend0, 0.0)
    per_country = np.zeros(model.n_countries)
    scatter_add(per_country, model.holders.country, lab_spend)
    share = np.divide(lab_spend, per_country[model.holders.country], out=np.zeros_like(lab_spend),
                      where=per_country[model.holders.country] > 0)
    return np.where(labs, eff + share * operator_eff[model.holders.country], eff)


def _lagged(history: list[float], lag_months: float, per_month: float) -> float:
    """The value ``lag_months`` ago; before the first month, back-cast at the frontier's growth."""
    i = len(history) - 1 - int(round(lag_months))
    if i >= 0:
        return history[i]
    return history[0] + i * per_month if history else 0.0
