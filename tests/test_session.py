"""The game session without a window: orders, roles, score, news, saves, loads and replays."""

import csv
import json
import math
from types import SimpleNamespace

import pytest

from agents import commands as cmd
from agents.metrics import COLUMNS
from game.cli import main
from game.score import GOALS, score
from game.session import (SAVE_FORMAT, SAVE_VERSION, GameSession, SaveError, list_saves, make_role, read_save,
                          replay)

SCENARIO = "diffusion_rule_2025"


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """14 months with four orders (one announced, one still queued at the save), saved."""
    s = GameSession(SCENARIO, seed=5)
    assert s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 6e8})).ok
    for m in range(14):
        if m == 3:
            assert s.submit(cmd.SetLevers(levers={"lpp_limit_h100e": 400.0}, effective_month=8)).ok
        if m == 6:
            assert s.submit(cmd.G2GAgreement(country="MYS")).ok
        s.advance_month()
    assert s.submit(cmd.SetLevers(levers={"location_verification": True})).ok
    path = tmp_path_factory.mktemp("saves") / "game.json"
    s.save(path)
    return s, path


def test_each_month_adds_one_view(played):
    s, _ = played
    assert s.month == 14
    assert [v.month for v in s.views] == list(range(15))
    assert s.view.date == "2026-03"


def test_player_orders_reach_the_model_with_the_month_they_were_given(played):
    s, _ = played
    assert [p.month for p in s.commands] == [0, 3, 6, 14]
    log = [json.loads(line) for line in s.model.command_log]
    mine = [e for e in log if e["source"] == "player"]
    assert [(e["month"], e["kind"]) for e in mine] == [(0, "set"), (3, "set"), (6, "g2g")]
    assert mine[0]["levers"] == {"enforcement_budget_usd": 6e8}
    assert s.model.regime.enforcement_budget_usd == 6e8
    assert s.model.regime.lpp_limit_h100e == 400.0  # announced at 3, in force from 8
    assert s.views[8].levers["lpp_limit_h100e"] == 1699.0 and s.views[9].levers["lpp_limit_h100e"] == 400.0


def test_enforcement_money_moves_seizures_against_the_scheduled_run(played):
    s, _ = played
    base = s.baseline_view("scheduled", 14).metrics
    def interdicted(metrics):  # the share of smuggled chips caught
        return metrics["seized_cum"] / (metrics["seized_cum"] + metrics["smuggled_cum"])
    assert interdicted(s.view.metrics) > interdicted(base)
    assert s.view.metrics["smuggled_cum"] < base["smuggled_cum"]


def test_a_refused_order_says_why_and_is_not_recorded():
    s = GameSession(SCENARIO, seed=1)
    r = s.submit(cmd.SetLevers(levers={"lpp_limit_h100e": -5}))
    assert not r.ok
    assert r.reason == "lpp_limit_h100e: expected a number between 0 and 10,000,000 H100e/consignee/year, got -5"
    assert s.commands == [] and s.model.queue == []
    r = s.submit(cmd.SetLevers(levers={"tier2_caps": True}, effective_month=-1))
    assert not r.ok and "in the past" in r.reason


def test_roles_restrict_what_the_player_may_order():
    t2 = GameSession(SCENARIO, seed=1, role="tier2_government", country="IND")
    r = t2.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 1e9}))
    assert (r.ok, r.reason) == (False, "as the Tier 2 government you cannot change levers")
    assert not t2.submit(cmd.G2GAgreement(country="SGP")).ok
    assert t2.submit(cmd.G2GAgreement(country="IND")).ok
    assert t2.commands[0].command.source == "state:IND"  # a request the US answers in the model
    assert t2.submit(cmd.G2GAgreement(country="IND")).reason.startswith("you have already asked")
    t2.advance_month()
    assert any(n.kind == "g2g_signed" and n.country == "IND" for n in t2.news)
    bis = GameSession(SCENARIO, seed=1, role="bis_enforcement")
    assert bis.submit(cmd.SetLevers(levers={"location_verification": True})).ok
    r = bis.submit(cmd.SetLevers(levers={"lpp_limit_h100e": 500.0}))
    assert (r.ok, r.reason) == (False, "as the Export enforcement office you cannot change lpp_limit_h100e")
    assert not bis.submit(cmd.Rescind()).ok
    with pytest.raises(ValueError, match="Tier 2 country"):
        make_role("tier2_government", "CHN", t2.scenario)


def test_save_then_load_replays_the_game_exactly(played):
    s, path = played
    data = json.loads(path.read_text())
    assert data["format"] == SAVE_FORMAT and data["version"] == SAVE_VERSION
    assert (data["scenario"], data["seed"], data["role"], data["month"]) == (SCENARIO, 5, "us_commerce", 14)
    assert [c["month"] for c in data["commands"]] == [0, 3, 6, 14]
    loaded = GameSession.load(path)
    assert loaded.load_warning == ""
    assert loaded.month == 14
    assert loaded.metrics_rows() == s.metrics_rows()
    assert [(p.month, p.command) for p in loaded.commands] == [(p.month, p.command) for p in s.commands]
    assert loaded.model.queue == s.model.queue  # the order given at month 14 is still waiting
    assert [n.text for n in loaded.news] == [n.text for n in s.news]
    assert [p.name for p in path.parent.iterdir()] == ["game.json"]  # no temporary file left behind


def test_a_loaded_game_continues_exactly_like_an_uninterrupted_one(tmp_path):
    a = GameSession("rescission_2025", seed=2)
    a.submit(cmd.SetLevers(levers={"huawei_guidance": False}))
    for _ in range(5):
        a.advance_month()
    a.submit(cmd.SetTier(country="MYS", tier=3))
    b = GameSession.load(a.save(tmp_path / "b.json"))
    for _ in range(4):
        a.advance_month()
        b.advance_month()
    assert b.metrics_rows() == a.metrics_rows()


def test_replay_gives_exactly_the_metrics_and_score_the_player_saw(played):
    s, path = played
    frame = replay(path)
    assert len(frame) == 15
    assert list(frame.columns) == COLUMNS + ["score"] + [f"goal_{g.key}" for g in GOALS["us_commerce"]]
    for m, row in enumerate(frame.to_dict("records")):
        assert {c: row[c] for c in COLUMNS} == {c: s.views[m].metrics[c] for c in COLUMNS}
        assert row["score"] == s.score_at(m).total


def test_cli_replay_writes_the_same_numbers_to_csv(played, tmp_path, capsys):
    s, path = played
    out = tmp_path / "r.csv"
    assert main(["replay", str(path), "--out", str(out)]) == 0
    assert "wrote 15 rows" in capsys.readouterr().out
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 15
    for m, row in enumerate(rows):
        for c in ("compute_adversary", "smuggled_cum", "us_vendor_revenue_cum", "frontier_gap_months"):
            assert float(row[c]) == s.views[m].metrics[c]
        assert row["date"] == s.views[m].date


def _corrupt(text: str) -> dict[str, str]:
    good = json.loads(text)

    def edit(**kw):
        d = dict(good)
        d.update(kw)
        return json.dumps(d)

    bad_cmds = list(good["commands"])
    bad_cmds[1] = dict(bad_cmds[1], levers={"lpp_limit_h100e": -5})
    return {
        "truncated": (text[: len(text) // 2], "not valid JSON at line"),
        "empty": ("", "is empty"),
        "a list": ("[1, 2]", "expected a JSON object, got list"),
        "another format": (edit(format="something-else"), "format: expected 'silicon-curtain-save'"),
        "a future version": (edit(version=SAVE_VERSION + 1), "version: this save was written by a newer version"),
        "no seed": (json.dumps({k: v for k, v in good.items() if k != "seed"}), ".json:seed: missing (expected a whole number)"),
        "a text seed": (edit(seed="five"), "seed: expected a whole number, got 'five'"),
        "an unknown scenario": (edit(scenario="atlantis"), "scenario: "),
        "an unknown role": (edit(role="king"), "role: expected one of"),
        "a month past the end": (edit(month=500), ".json:month: expected a whole number between 0 and 72 (the scenario's length), got 500"),
        "an unknown command": (edit(commands=[{"month": 0, "kind": "invade"}]), "commands[0].kind: expected one of 'set', 'rescind', 'set_tier', 'g2g', 'deal', 'country_policy', got 'invade'"),
        "a command after the save": (edit(commands=[dict(good["commands"][0], month=15)]),
                                     "commands[0].month: expected a whole number between 0 and 14, got 15"),
        "a refused command": (edit(commands=bad_cmds), "commands[1]: refused at month 3: lpp_limit_h100e"),
        "a branch that is not a table": (edit(branch="game.json"), ".json:branch: expected a table with from"),
        "a branch after the save": (edit(branch={"from": "game.json", "at": 15}),
                                    ".json:branch.at: expected a whole number from 0 to 14 (the save's month), got 15"),
        "a branch from a non-save": (edit(branch={"from": 7, "at": 2}),
                                     ".json:branch.from: expected the parent's save file (.json) or null, got 7"),
        "a branch with a typo": (edit(branch={"from": "game.json", "month": 2}),
                                 ".json:branch.month: unknown key (expected one of: at, from)"),
    }


@pytest.mark.parametrize("case", ["truncated", "empty", "a list", "another format", "a future version", "no seed",
                                  "a text seed", "an unknown scenario", "an unknown role", "a month past the end",
                                  "an unknown command", "a command after the save", "a refused command",
                                  "a branch that is not a table", "a branch after the save", "a branch from a non-save",
                                  "a branch with a typo"])
def test_a_bad_save_gives_one_clear_error_and_is_left_untouched(played, tmp_path, case):
    _, path = played
    text, expected = _corrupt(path.read_text())[case]
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    with pytest.raises(SaveError) as err:
        GameSession.load(bad)
    assert str(err.value).startswith(str(bad))
    assert expected in str(err.value)
    assert bad.read_text() == text
    assert [p.name for p in tmp_path.iterdir()] == ["bad.json"]


def test_cli_replay_of_a_bad_save_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "future.json"
    bad.write_text(json.dumps({"format": SAVE_FORMAT, "version": 99}))
    out = tmp_path / "x.csv"
    assert main(["replay", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "newer version" in err[0]
    assert not out.exists()


def test_missing_and_folder_saves_are_clear_errors(tmp_path):
    with pytest.raises(SaveError, match="no such file"):
        read_save(tmp_path / "nope.json")
    with pytest.raises(SaveError, match="is a folder"):
        read_save(tmp_path)


def test_the_load_list_marks_saves_it_cannot_load(played, tmp_path):
    _, path = played
    (tmp_path / "good.json").write_text(path.read_text())
    (tmp_path / "bad.json").write_text("{")
    infos = {i.path.name: i for i in list_saves(tmp_path)}
    assert infos["good.json"].ok and "US Commerce Department - 2026-03 (month 14), seed 5" in infos["good.json"].summary
    assert not infos["bad.json"].ok and infos["bad.json"].summary.startswith("cannot load: not valid JSON")


def _view(metrics, levers=None, **arrays):
    base = {"codes": ("USA", "IND"), "compute_h100e": (0, 0), "goodwill": (1, 1), "cooperation": (1, 1),
            "tier": (1, 2)}
    base.update(arrays)
    return SimpleNamespace(metrics=metrics, levers=levers or {}, **base)


def test_us_score_formula():
    """Each goal against the scenario as scheduled: doing nothing is 50, and each part moves with a decision."""
    start = _view({"goodwill_swing": 0.74})
    sched = _view({"compute_adversary": 100.0, "frontier_gap_months": 20.0, "us_vendor_revenue_cum": 1000.0,
                   "goodwill_swing": 0.4})
    same = score("us_commerce", sched, start, None, sched)
    assert [g.value for g in same.goals] == [0.5, 0.5, 0.5, 0.5] and same.total == pytest.approx(50.0)
    now = _view({"compute_adversary": 80.0, "frontier_gap_months": 23.0, "us_vendor_revenue_cum": 900.0,
                 "goodwill_swing": 0.2})
    s = {g.key: g.value for g in score("us_commerce", now, start, None, sched).goals}
    assert s == pytest.approx({"deny": 0.5 + 0.2 / 0.8, "lead": 0.5 + 3 / 12, "revenue": 0.5 - 0.1 / 0.5,
                               "goodwill": 0.5 - 0.2 / 0.8})
    best = _view({"compute_adversary": 60.0, "frontier_gap_months": 26.0, "us_vendor_revenue_cum": 1250.0,
                  "goodwill_swing": 0.8})
    assert score("us_commerce", best, start, None, sched).total == pytest.approx(100.0)
    worst = _view({"compute_adversary": 140.0, "frontier_gap_months": 14.0, "us_vendor_revenue_cum": 750.0,
                   "goodwill_swing": 0.0})
    assert score("us_commerce", worst, start, None, sched).total == pytest.approx(0.0)


def test_tier3_score_formula():
    """China against the schedule: more compute, more home chips and a closer gap score; the subsidy costs."""
    base = {"self_sufficiency_adversary": 0.4, "frontier_gap_months": 20.0, "subsidy_spent_cum": 100.0,
            "domestic_export_revenue_cum": 0.0}
    tier3 = {"codes": ("USA", "CHN"), "tier": (1, 3)}
    sched = _view(base, compute_h100e=(0, 1000.0), **tier3)
    same = score("tier3_government", sched, sched, None, sched, country="CHN")
    assert [g.value for g in same.goals] == [0.5] * 4
    now = _view({**base, "self_sufficiency_adversary": 0.5, "frontier_gap_months": 18.5, "subsidy_spent_cum": 150.0,
                 "domestic_export_revenue_cum": 10.0}, compute_h100e=(0, 1100.0), **tier3)
    s = {g.key: g.value for g in score("tier3_government", now, sched, None, sched, country="CHN").goals}
    assert s == pytest.approx({"compute": 0.5 + 0.1 / 0.5, "self_sufficiency": 0.5 + 0.1 / 0.6,
                               "gap": 0.5 + 1.5 / 6, "cost": 0.5 - 0.4 / 2})
    with pytest.raises(ValueError, match="country 'IND' is not in this scenario"):
        score("tier3_government", now, sched, None, sched, country="IND")


def test_the_tier3_government_governs_china_by_default_and_only_its_own_policies():
    s = GameSession("diffusion_rule_2025", seed=1, role="tier3")
    assert s.role.id == "tier3_government" and s.role.country == "CHN"
    assert s.role.policies == ("subsidy_usd_per_year", "domestic_purchase_share", "block_export_variants",
                               "export_domestic_chips")
    refused = s.submit(cmd.CountryPolicy(country="CHN", policies={"transit_enforcement": 0.5}))
    assert not refused.ok and "Tier 2 government's policy" in refused.reason
    assert "cannot" in s.submit(cmd.SetLevers(levers={"chip_controls": False})).reason
    assert "own country" in s.submit(cmd.CountryPolicy(country="RUS", policies={"subsidy_usd_per_year": 1e9})).reason
    with pytest.raises(ValueError, match="a Tier 3 country of diffusion_rule_2025"):
        GameSession("diffusion_rule_2025", seed=1, role="tier3_government", country="IND")
    ok = s.submit(cmd.CountryPolicy(country="CHN", policies={"block_export_variants": True}))
    assert ok.ok
    s.advance_month()
    assert s.view.policies["block_export_variants"][s.view.codes.index("CHN")] == 1.0
    assert GameSession.load(s.save(s.default_save_path())).view.metrics == s.view.metrics


def test_enforcement_and_tier2_score_formulas():
    lev0 = {"enforcement_budget_usd": 200e6, "location_verification": False, "transit_cooperation_boost": 0.0}
    lev = {"enforcement_budget_usd": 450e6, "location_verification": True, "transit_cooperation_boost": 0.0}
    start = _view({"goodwill_swing": 0.5}, lev0)
    sched = _view({"smuggled_cum": 100.0})
    now = _view({"smuggled_cum": 50.0, "seized_cum": 12.5, "goodwill_swing": 0.5}, lev)
    s = {g.key: g.value for g in score("bis_enforcement", now, start, None, sched).goals}
    assert s["smuggling"] == 1.0
    assert s["seizures"] == pytest.approx((12.5 / 62.5) / 0.2)
    assert s["budget"] == pytest.approx(1 - (600e6 - 200e6) / 800e6)
    start2 = _view({}, compute_h100e=(0, 100.0), goodwill=(1, 0.8), cooperation=(1, 0.6))
    sched2 = _view({}, compute_h100e=(0, 400.0), goodwill=(1, 0.5), cooperation=(1, 0.5))
    now2 = _view({}, compute_h100e=(0, 450.0), goodwill=(1, 0.6), cooperation=(1, 0.8),
                 policies={"transit_enforcement": (0, 0.5), "host_uveu_sites": (0, 1.0)})
    s2 = {g.key: g.value for g in score("tier2_government", now2, start2, None, sched2, country="IND").goals}
    assert s2 == pytest.approx({"compute": 0.5 + 0.125 / 0.5, "goodwill": 0.5 + 0.1 / 0.4,
                                "trust": 0.5 + 0.3 / 1.2, "cost": 0.5 - (150e6 + 100e6) / 600e6})
    same = score("tier2_government", sched2, start2, None, sched2, country="IND")
    assert same.total == pytest.approx(40 * 0.5 + 20 * 0.5 + 20 * 0.5 + 20 * 0.5)  # no policy costs: 50
    moved = _view({}, compute_h100e=(0, 400.0), goodwill=(1, 0.5), cooperation=(1, 0.5), tier=(1, 3))
    assert {g.key: g.value for g in score("tier2_government", moved, start2, None, sched2,
                                           country="IND").goals}["trust"] == 0.0


def test_the_score_is_the_goals_points_every_month(played):
    s, _ = played
    for m in (0, 7, 14):
        sc = s.score_at(m)
        assert sc.total == pytest.approx(sum(g.points for g in sc.goals))
        assert 0 <= sc.total <= 100 and all(0 <= g.value <= 1 for g in sc.goals)
    assert s.score_at(0).total == pytest.approx(50.0)  # at month 0 the run is the schedule: a middle score


def test_news_explains_the_models_events_and_the_players_orders(played):
    s, _ = played
    kinds = {n.kind for n in s.news}
    assert {"you", "announced", "in_force", "g2g_signed"} <= kinds
    for n in s.news:
        if n.origin == "model" and n.kind in ("announced", "in_force", "cap_reached", "networks_entered"):
            assert n.why
    assert s.news[0].text == "Your order: Enforcement budget $600M a year"


def test_each_decision_gets_what_followed_it(played):
    s, _ = played
    effects = s.decision_effects()
    assert [e.month for e in effects] == [0, 3, 6, 14]
    assert effects[0].text == "Enforcement budget $600M a year"
    assert any(x.startswith(("seized", "smuggled")) for x in effects[0].effects)
    assert effects[-1].effects == ("(too recent to tell)",)


def test_baselines_share_the_seed_and_cover_the_whole_scenario(played):
    s, _ = played
    b = s.baselines
    assert set(b) == {"no_controls", "scheduled", "published"}
    assert all(len(x.views) == 73 for x in b.values())
    assert b["no_controls"].views[30].metrics["smuggled_cum"] == 0.0
    assert math.isclose(b["scheduled"].views[0].metrics["compute_us"], s.views[0].metrics["compute_us"])


def test_a_tier2_governments_decisions_are_measured_on_its_own_country():
    s = GameSession(SCENARIO, seed=2, role="tier2_government", country="IND")
    for m in range(20):
        if m == 6:
            assert s.submit(cmd.G2GAgreement(country="IND")).ok
        s.advance_month()
    (effect,) = s.decision_effects()
    assert effect.text == "India asks the US for a security agreement"
    assert any(e.startswith("India's") for e in effect.effects)
    assert effect.events[0] == "2025-07: India signs a security agreement: cap x2"


def test_an_announced_order_is_confirmed_with_one_date_for_when_it_applies():
    session = GameSession("diffusion_rule_2025", seed=1)
    for _ in range(14):
        session.advance_month()
    text = session.order_confirmation(cmd.SetLevers(levers={"enforcement_budget_usd": 3.74e8}, effective_month=30))
    assert text.startswith("Announced: Enforcement budget $374M") and "in force from 2027-07" in text
    assert "Applies" not in text and text.count("2027-07") == 1
    now = session.order_confirmation(cmd.SetLevers(levers={"enforcement_budget_usd": 3.74e8}))
    assert now.startswith("Ordered:") and "Applies at the start of 2026-03" in now


def test_moving_a_country_out_of_tier_2_is_not_read_as_tier_2_losing_compute():
    """Bloc effects count the countries in the bloc when the decision was taken."""
    session = GameSession("diffusion_rule_2025", seed=1)
    session.submit(cmd.SetTier(country="IND", tier=1))
    for _ in range(14):
        session.advance_month()
    effects = session.decision_effects()[0].effects
    assert not any(e.startswith("Tier 2 compute -") for e in effects), effects
    assert not any(e.endswith(("0.00", "0.0 months")) for e in effects), effects
    series = dict((label, read) for label, _, read in session._effect_series(session.views[0]))
    india = session.views[14].codes.index("IND")
    assert series["Tier 2 compute"](session.views[14]) >= session.views[14].compute_h100e[india]


def test_a_branch_is_the_same_game_at_an_earlier_month_and_replays_exactly(tmp_path, capsys):
    from game.cli import main
    from game.session import branch, replay

    s = GameSession("diffusion_rule_2025", seed=3)
    s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 5e8}))
    for _ in range(6):
        s.advance_month()
    s.submit(cmd.SetLevers(levers={"location_verification": True}))  # given at month 6: not in a branch at 6
    for _ in range(4):
        s.advance_month()
    save = s.save(tmp_path / "game.json")
    b = branch(save, 6)
    assert b.month == 6 and [p.month for p in b.commands] == [0]
    assert b.view.metrics == s.views[6].metrics  # the same world up to the branch point
    b.submit(cmd.SetLevers(levers={"variant_policy": "denied"}))  # another decision
    for _ in range(4):
        b.advance_month()
    assert b.view.metrics["us_vendor_revenue_cum"] != s.view.metrics["us_vendor_revenue_cum"]
    alt = b.save(tmp_path / "alt.json")
    again = replay(alt)
    assert again["us_vendor_revenue_cum"].iloc[-1] == b.view.metrics["us_vendor_revenue_cum"]
    assert main(["branch", str(save), "--at", "2", "--out", str(tmp_path / "at2.json")]) == 0
    assert GameSession.load(tmp_path / "at2.json").month == 2
    assert main(["branch", str(save), "--at", "11", "--out", str(tmp_path / "late.json")]) == 2
    assert "expected a whole number from 0 to 10, got 11" in capsys.readouterr().err
    assert not (tmp_path / "late.json").exists()


def test_a_governments_orders_of_one_month_are_one_order():
    """Clicking + five times is one decision: the log, the save and the news carry the last values."""
    s = GameSession("diffusion_rule_2025", seed=1, role="tier3_government")
    for value in (15e9, 20e9, 25e9):
        assert s.submit(cmd.CountryPolicy(country="CHN", policies={"subsidy_usd_per_year": value})).ok
    assert s.submit(cmd.CountryPolicy(country="CHN", policies={"block_export_variants": True})).ok
    merged = {"subsidy_usd_per_year": 25e9, "block_export_variants": True}
    assert [p.command.policies for p in s.commands] == [merged] and s.model.queue == [s.commands[0].command]
    s.advance_month()
    assert s.submit(cmd.CountryPolicy(country="CHN", policies={"subsidy_usd_per_year": 30e9})).ok  # a new month
    assert len(s.commands) == 2
    i = s.view.codes.index("CHN")
    assert s.view.policies["subsidy_usd_per_year"][i] == 25e9
    assert GameSession.from_save(s.to_save()).view.metrics == s.view.metrics
