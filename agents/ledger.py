"""Where every chip is. Conservation is checked every month, not hoped for.

Owns the chip-count arrays (chips, not H100e; one column per chip type):
vendor inventory, consignments in transit, the smugglers' unsold stock,
chips arriving this month, installed and stockpiled chips per holder (lab or data-centre site), seized
and retired chips, and what was produced. Every movement goes through
:meth:`Ledger.move` or a named method here, and :meth:`Ledger.check` proves
``initial + produced == inventory + in transit + grey stock + arriving +
installed + stockpiled + seized + retired`` chip type by chip type.
Imports numpy only.
"""

from __future__ import annotations

import numpy as np


class ConservationError(AssertionError):
    """Chips appeared or vanished: a bug in the model, never a user error."""


class Ledger:
    """Chip counts by place. Holder arrays are ``[holder, chip]``."""

    def __init__(self, n_holders: int, n_chips: int):
        self.n_chips = n_chips
        self.installed = np.zeros((n_holders, n_chips))
        self.arriving = np.zeros((n_holders, n_chips))
        self.stockpile = np.zeros((n_holders, n_chips))
        self.inventory = np.zeros(n_chips)
        self.grey_stock = np.zeros(n_chips)
        self.seized = np.zeros(n_chips)
        self.retired = np.zeros(n_chips)
        self.produced = np.zeros(n_chips)
        self.initial = np.zeros(n_chips)
        self.in_transit_fn = lambda: np.zeros(n_chips)
        """Returns chips now in transit by type; set by the model to read the smugglers' book."""

    # ---- sources -------------------------------------------------------
    def seed_installed(self, chips: np.ndarray) -> None:
        """The stock that exists before month 0 (``[holder, chip]``)."""
        self.installed += chips
        self.initial += chips.sum(axis=0)

    def produce(self, chips: np.ndarray) -> None:
        """New chips leave the fabs into vendor inventory."""
        self.produced += chips
        self.inventory += chips

    # ---- movements -----------------------------------------------------
    def sell(self, per_holder: np.ndarray, to_stockpile: np.ndarray | None = None) -> None:
        """Vendor inventory to holders: arriving for use, or stockpiled (bought ahead)."""
        self._deliver(self.inventory, per_holder, to_stockpile, "vendor inventory")

    def sell_grey(self, per_holder: np.ndarray, to_stockpile: np.ndarray | None = None) -> None:
        """Grey-market stock to Tier 3 holders."""
        self._deliver(self.grey_stock, per_holder, to_stockpile, "grey-market stock")

    def sell_to_transit(self, chips: np.ndarray) -> None:
        """Vendor inventory to smugglers' shipments (the smugglers' book records them)."""
        self._take(self.inventory, chips, "vendor inventory")

    def divert(self, per_holder: np.ndarray) -> None:
        """Arriving chips of legitimate buyers leave for the grey market (the model records them)."""
        self._take(self.arriving, per_holder, "arriving chips")

    def seize(self, chips: np.ndarray) -> None:
        """In-transit chips caught by enforcement (removed from transit by the caller)."""
        self.seized += chips

    def arrive_grey(self, chips: np.ndarray) -> None:
        """In-transit chips reach the grey market (removed from transit by the caller)."""
        self.grey_stock += chips

    def settle(self, install_share: np.ndarray, stockpile_drain: float) -> None:
        """Install arriving chips and a share of the stockpile; what power cannot take is stockpiled.

        ``install_share[h]`` is the share of holder ``h``'s candidates its
        data centres can power this month.
        """
        drawn = self.stockpile * stockpile_drain
        candidates = self.arriving + drawn
        installed = candidates * install_share[:, None]
        self.installed += installed
        self.stockpile += candidates - installed - drawn
        self.arriving[:] = 0.0

    def _deliver(self, source: np.ndarray, per_holder: np.ndarray, to_stockpile: np.ndarray | None,
                 name: str) -> None:
        sold = per_holder.sum(axis=0)
        if to_stockpile is not None:
            sold = sold + to_stockpile.sum(axis=0)
            self.stockpile += to_stockpile
        self._take(source, sold, name)
        self.arriving += per_holder

    def retire(self, fraction: float) -> np.ndarray:
        """A share of installed chips reaches end of service life."""
        gone = self.installed * fraction
        self.installed -= gone
        total = gone.sum(axis=0)
        self.retired += total
        return total

    def _take(self, place: np.ndarray, amount: np.ndarray, name: str) -> None:
        place -= amount
        low = place < 0
        if low.any():
            worst = float(place[low].min())
            scale = max(1.0, float(np.abs(amount).max()))
            if worst < -1e-6 * scale:
                raise ConservationError(f"{name} went negative ({worst:.3f} chips)")
            place[low] = 0.0

    # ---- accounting ----------------------------------------------------
    def in_transit(self) -> np.ndarray:
        return self.in_transit_fn()

    def accounted(self) -> np.ndarray:
        """Every chip by type, wherever it is now."""
        return (self.inventory + self.in_transit() + self.grey_stock + self.arriving.sum(axis=0)
                + self.installed.sum(axis=0)
                + self.stockpile.sum(axis=0) + self.seized + self.retired)

    def check(self) -> None:
        """Raise :class:`ConservationError` unless every chip is accounted for."""
        expected = self.initial + self.produced
        actual = self.accounted()
        tol = 1e-6 * np.maximum(1.0, expected)
        bad = np.abs(actual - expected) > tol
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise ConservationError(f"chip type {k}: expected {expected[k]:.3f} chips, found {actual[k]:.3f}")
