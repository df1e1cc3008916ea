"""The band of sampled worlds: exact replay of the player's orders, a real spread, a runner that never
blocks a frame and never shows a stale band, and charts that draw it."""

import time

import numpy as np
import pygame
import pytest

from agents import commands as cmd
from game.background import BandRunner
from game.ensemble import Band, request_for, run_ensemble
from game.runs import debrief_rows
from game.session import GameSession

SHORT = {"meta.months": 8}
"""Eight months of the default world: each world runs in about 0.1 s."""
KEYS = ("compute_adversary", "smuggled_cum", "seized_share", "enforcement_cost")


def played(role="us_commerce", months=4, **kwargs) -> GameSession:
    s = GameSession("diffusion_rule_2025", seed=3, role=role, overrides=SHORT, **kwargs)
    if role == "us_commerce":
        s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 4e8}))
    else:
        s.submit(cmd.CountryPolicy(country="CHN", policies={"subsidy_usd_per_year": 4e10}))
    for m in range(months):
        if m == 2 and role == "us_commerce":
            s.submit(cmd.SetLevers(levers={"lpp_limit_h100e": 500.0}, effective_month=5))
        s.advance_month()
    return s


@pytest.mark.parametrize("role", ["us_commerce", "tier3_government"])
def test_the_scenario_own_values_replay_the_players_path_exactly(role):
    s = played(role)
    keys = KEYS + (("country_compute",) if role != "us_commerce" else ())
    band = run_ensemble(request_for(s, keys, samples=0))
    mine = debrief_rows(s.views, s.role)
    assert band.samples == 1
    for k in keys:
        path = band.paths[k][0]
        assert path.shape == (s.horizon + 1,)
        assert path[:s.month + 1].tolist() == [r[k] for r in mine], k


def test_sampled_worlds_differ_and_the_quantiles_are_ordered():
    band = run_ensemble(request_for(played(), KEYS, samples=3))
    paths = band.paths["compute_adversary"]
    assert paths.shape == (3, 9)
    assert len({tuple(p) for p in paths}) == 3
    low, mid, high = band.quantiles("compute_adversary")
    assert (high[1:] - low[1:] > 0).all()
    for k in KEYS:
        low, mid, high = band.quantiles(k, smooth=4 if k == "smuggled_cum" else 1)
        assert (low <= mid).all() and (mid <= high).all(), k
    assert band.quantiles("no_such_column") is None


def test_an_event_answer_is_replayed_as_the_order_it_gave():
    s = GameSession("diffusion_rule_2025", seed=1, overrides={"meta.months": 14})
    while s.pending_event is None:
        s.advance_month()
    before = s.policy_version
    index = next(i for i, c in enumerate(s.pending_event.choices) if c.commands)
    assert s.choose(index).ok
    assert s.policy_version > before
    request = request_for(s, KEYS, samples=0)
    assert request.orders[-1] == (s.month, s.commands[-1].command)
    while not s.finished:
        s.advance_month()
    band = run_ensemble(request_for(s, KEYS, samples=0))
    assert band.paths["compute_adversary"][0].tolist() == [v.metrics["compute_adversary"] for v in s.views]


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_an_order_supersedes_the_band_and_the_stale_one_is_never_shown():
    s = played()
    clock = FakeClock()
    runner = BandRunner(clock=clock)
    try:
        runner.want(request_for(s, KEYS, samples=2), s.month)
        first = runner.wait(60)
        assert first is not None and runner.current is first
        s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 8e8}))
        gen = runner.generation
        runner.want(request_for(s, KEYS, samples=2), s.month)
        assert runner.generation == gen + 1
        assert runner.current is None and runner.computing  # the old band is stale: not drawn
        runner.poll()
        assert runner._busy is None  # debounced: nothing sent within the second
        for budget in (9e8, 1e9):  # more clicks inside the second: still one job to come
            s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": budget}))
            runner.want(request_for(s, KEYS, samples=2), s.month)
            runner.poll()
        assert runner._busy is None
        clock.t += 1.5
        runner.poll()
        assert runner._busy == runner.generation
        second = runner.wait(60)
        assert second is not None and second is not first
        assert second.paths["enforcement_cost"][0][-1] > first.paths["enforcement_cost"][0][-1]
    finally:
        runner.close()
    assert runner._proc is None


def test_a_result_of_a_superseded_job_is_dropped():
    s = played()
    runner = BandRunner(debounce=0.0)
    try:
        runner.want(request_for(s, KEYS, samples=2), s.month)
        runner.poll()
        assert runner._busy == 1
        s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 8e8}))
        runner.want(request_for(s, KEYS, samples=2), s.month)
        deadline = time.monotonic() + 60
        while runner._busy == 1 and time.monotonic() < deadline:  # the first job finishes...
            runner.poll()
            time.sleep(0.02)
        assert runner.band_generation != 1  # ...and its band is not taken
        assert runner.wait(60) is not None and runner.band_generation == 2
    finally:
        runner.close()


def test_poll_returns_at_once_while_a_job_runs():
    s = played()
    runner = BandRunner()
    try:
        runner.start()
        runner.want(request_for(s, KEYS, samples=3), s.month)
        worst = 0.0
        for _ in range(20):
            t0 = time.perf_counter()
            runner.poll()
            worst = max(worst, time.perf_counter() - t0)
            time.sleep(0.005)
        assert runner.computing
        assert worst < 0.01
    finally:
        runner.close()


def broken_worker(conn, parent):
    raise SystemExit(3)


def test_a_failed_worker_means_no_band_and_one_warning(caplog):
    s = played()
    runner = BandRunner(target=broken_worker)
    runner.want(request_for(s, KEYS, samples=2), s.month)
    assert runner.wait(30) is None
    assert "no uncertainty band" in caplog.text and "worker stopped" in runner.failed
    runner.want(request_for(s, KEYS + ("seized_cum",), samples=2), s.month)
    runner.poll()
    assert runner.current is None and not runner.computing
    assert caplog.text.count("no uncertainty band") == 1
    runner.close()


# ---------------------------------------------------------------------------
# the charts


@pytest.fixture
def app(tmp_path, monkeypatch):
    from game.ui.app import App, Settings

    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))
    pygame.display.init()
    pygame.font.init()
    a = App(size=(1280, 720), settings=Settings(), persist_settings=False, bands=True)
    a.bands.samples = 2
    yield a
    a.close()
    pygame.display.quit()


def test_the_main_charts_shade_the_band_once_it_arrives_and_drop_it_on_an_order(app, no_events):
    from game.ui.scenes import MainScene

    s = played()
    scene = MainScene(app, s)
    app.reset(scene)
    app.pump(3)
    assert app.bands.note(s) == "band: computing..."
    plain = {k: pygame.image.tobytes(v, "RGB") for k, v in scene.chartview._charts.items()}
    band = app.bands.wait(s, 60)
    assert band is not None and band.samples == 2
    app.pump(4)  # one chart re-rendered a frame
    assert app.bands.note(s) == "10-90% of 2 sampled worlds under your current policy"
    shaded = {k: pygame.image.tobytes(v, "RGB") for k, v in scene.chartview._charts.items()}
    assert all(shaded[k] != plain[k] for k in plain)
    assert "Shaded: 10-90% of 2 sampled worlds" in scene.chartview.tooltip(scene.chartview.rects["compute"].center)
    s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 8e8}))
    app.pump(4)
    assert app.bands.of(s) is None and app.bands.note(s) == "band: computing..."
    assert "Shaded" not in scene.chartview.tooltip(scene.chartview.rects["compute"].center)


def test_a_chart_draws_the_band_ahead_of_the_line():
    from game.ui.charts import CHARTS, render_chart
    from game.ui.style import PALETTES, Text

    pygame.display.init()
    pygame.font.init()
    spec = next(c for c in CHARTS if c.key == "smuggling")
    rows = [{"smuggled_cum": 10.0 * m, "seized_cum": 1.0 * m} for m in range(5)]
    horizon = 20
    q = np.array([[0.0] * 21, [10.0 * m for m in range(21)], [30.0 * m for m in range(21)]])
    p = PALETTES["standard"]
    args = (spec, (300, 180), Text(1.0), p, rows, horizon)
    without = render_chart(*args)
    with_band = render_chart(*args, band={"smuggled_cum": q}, band_label="10-90%, 2 worlds")
    x = 260  # far right of the plot: months no one has played
    col = [with_band.get_at((x, y))[:3] for y in range(40, 170)]
    plain = [without.get_at((x, y))[:3] for y in range(40, 170)]
    assert col != plain
    assert any(c != tuple(p.panel) and c != tuple(p.panel_edge) for c in col)


def test_the_debrief_shades_the_final_policys_band(app, no_events):
    from game.ui.scenes import DebriefScene

    s = played(months=8)
    assert s.finished
    scene = DebriefScene(app, s)
    app.reset(scene)
    app.pump(2)
    before = pygame.image.tobytes(scene.surface, "RGB")
    assert app.bands.wait(s, 60) is not None
    app.pump(2)
    assert pygame.image.tobytes(scene.surface, "RGB") != before
    assert app.bands.note(s, final=True) == "10-90% of 2 sampled worlds under your final policy"
