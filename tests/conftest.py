"""Shared fixtures: headless SDL, and cached scenario runs for behaviour tests."""

import os
from functools import lru_cache

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["SILICON_CURTAIN_LANG"] = "en"  # tests read English unless they choose Japanese (a Japanese machine too)

SEEDS = (1, 2, 3)


@lru_cache(maxsize=None)
def run_final(scenario: str, seed: int, months: int = 72, overrides: tuple = ()) -> dict:
    """Metrics at the last month of a run (cached: several tests compare the same runs)."""
    from agents.model import ComputeModel

    model = ComputeModel(scenario=scenario, seed=seed, **dict(overrides))
    for _ in range(months):
        model.step()
    return model.datacollector.get_model_vars_dataframe().iloc[-1].to_dict()


def total(metric: str, scenario: str, overrides: tuple = (), months: int = 72) -> float:
    """A final metric summed over the behaviour seeds (same seeds for every comparison)."""
    return sum(run_final(scenario, s, months, overrides)[metric] for s in SEEDS)


@pytest.fixture(autouse=True)
def english_afterwards():
    """A test that chooses Japanese leaves English behind for the next one (the language is per process)."""
    yield
    from agents import lang

    if lang.language() != "en":
        from game import i18n

        i18n.use("en")


@pytest.fixture
def no_events(monkeypatch):
    """No pressure events: for tests of other screens that step through months without answering cards."""
    import game.session

    monkeypatch.setattr(game.session, "next_event", lambda *args, **kwargs: None)
