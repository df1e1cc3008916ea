"""AI labs: the buyers that train models on the compute they hold.

Owns the ``LabAgent`` (a thin Mesa agent over the model's holder arrays)
and the month's training phase for every holder at once: effective
compute, the size of each lab's latest training run, capability, open
weights and what uncontrolled closed weights let leak. The frontier gap is
measured in training compute; the capability gap also counts the open (and
leaked) weights any lab can build on. Imports mesa and numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.market import scatter_add

if TYPE_CHECKING:
    from agents.model import ComputeModel

H100_FLOPS = 989.5e12
"""Dense FP16 operations per second of one H100e (facts §1)."""
SECONDS_PER_MONTH = 365.25 * 24 * 3600 / 12


class LabAgent(mesa.Agent):
    """An AI developer in one country; its numbers live in the model's holder arrays."""

    def __init__(self, model: "ComputeModel", holder: int, country: str, frontier: bool, open_weights: bool):
        super().__init__(model)
        self.holder = holder
        self.country = country
        self.frontier = frontier
        self.open_weights = open_weights

    @property
    def compute_h100e(self) -> float:
        """Installed compute in H100e."""
        return float(self.model.ledger.installed[self.holder] @ self.model.chip_h100e)

    @property
    def capability(self) -> float:
        """log10 of the operations in its latest training run (own and rented compute)."""
        return float(self.model.capability[self.holder])


def effective_compute(model: "ComputeModel") -> np.ndarray:
    """Per holder: ``Σ_k chips × H100e × utilisation / power penalty`` (H100e)."""
    per_chip = model.chip_h100e * model.world.utilisation / model.chip_penalty
    return model.ledger.installed @ per_chip


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
    remote = model.remote_access_h100e()
    if remote > 0:
        adv_labs = model.lab_mask & (model.holder_tier == 3)
        weight = np.where(adv_labs, model.holder_spend0, 0.0)
        if weight.sum() > 0:
            eff = eff + remote * model.world.utilisation * weight / weight.sum()
    return eff * H100_FLOPS * SECONDS_PER_MONTH


def measure(model: "ComputeModel") -> None:
    """Capability of every lab, open-weight and leak floors, and the frontier gaps."""
    w = model.world
    own = np.log10(np.maximum(model.run_ops, 1.0))
    model.capability = own

    labs = model.lab_mask
    open_now = own[labs & model.holder_open].max(initial=0.0)
    model.open_history.append(open_now)
    us_labs = labs & model.holder_is_us
    us_closed_now = own[us_labs & ~model.holder_open].max(initial=0.0)
    model.us_closed_history.append(us_closed_now)

    per_month = np.log10(w.frontier_compute_growth) / 12.0
    floor = _lagged(model.open_history, w.open_weights_lag_months, per_month)
    leaked = _lagged(model.us_closed_history, w.weights_leak_lag_months, per_month)
    if model.regime.weights_controls:  # only weights trained above the threshold are controlled
        leaked = min(leaked, np.log10(model.regime.weights_control_ops))
    floor = max(floor, leaked)
    model.effective_capability = np.where(labs, np.maximum(own, floor), 0.0)

    adv = labs & (model.holder_tier == 3)
    model.frontier_gap_months = _gap(own, us_labs, adv, per_month)
    model.capability_gap_months = _gap(model.effective_capability, us_labs, adv, per_month)
    model.best_capability_us = float(model.effective_capability[us_labs].max(initial=0.0))
    model.best_capability_adversary = float(model.effective_capability[adv].max(initial=0.0))


def _gap(score: np.ndarray, us: np.ndarray, adv: np.ndarray, per_month: float) -> float:
    """Months of frontier growth between the best US and the best Tier 3 lab."""
    if not adv.any() or not us.any():
        return float("nan")
    return float((score[us].max() - score[adv].max()) / per_month)


def _with_rented_compute(model: "ComputeModel", eff: np.ndarray) -> np.ndarray:
    """Labs train on data-centre operators' compute in their country too, in proportion to spending."""
    labs = model.lab_mask
    operator_eff = np.zeros(model.n_countries)
    scatter_add(operator_eff, model.holder_country[~labs], eff[~labs])
    lab_spend = np.where(labs, model.holder_spend0, 0.0)
    per_country = np.zeros(model.n_countries)
    scatter_add(per_country, model.holder_country, lab_spend)
    share = np.divide(lab_spend, per_country[model.holder_country], out=np.zeros_like(lab_spend),
                      where=per_country[model.holder_country] > 0)
    return np.where(labs, eff + share * operator_eff[model.holder_country], eff)


def _lagged(history: list[float], lag_months: float, per_month: float) -> float:
    """The value ``lag_months`` ago; before the first month, back-cast at the frontier's growth."""
    i = len(history) - 1 - int(round(lag_months))
    if i >= 0:
        return history[i]
    return history[0] + i * per_month if history else 0.0
