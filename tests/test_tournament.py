"""The strategy tournament: scripted play through the game's own rules and score."""

import csv

import pytest

from game.cli import main
from game.tournament import STRATEGIES, play, standings, tournament


@pytest.mark.parametrize("role", sorted(STRATEGIES))
def test_every_scripted_order_is_one_the_game_accepts(role):
    """A strategy the game refuses would score as doing nothing and mislead the tournament."""
    assert STRATEGIES[role][0].name == "nothing"
    for strategy in STRATEGIES[role]:
        first = min((m for m, _ in strategy.orders), default=0)
        result = play(strategy, "diffusion_rule_2025", role, seed=1, months=first + 1)
        assert result.refused == (), (strategy.name, result.refused)


def test_strategies_are_scored_on_the_same_seeds_and_ranked():
    results = tournament("diffusion_rule_2025", "us_commerce", [1], months=12,
                         strategies=[s for s in STRATEGIES["us_commerce"] if s.name in ("nothing", "abandon")])
    table = {name: (mean, parts) for name, mean, _, parts in standings(results)}
    # dropping the chip controls hands Tier 3 its compute: the denial goal says so within a year
    assert table["abandon"][1]["Keep Tier 3 compute down"] < table["nothing"][1]["Keep Tier 3 compute down"] - 10
    assert [r.seed for r in results] == [1, 1]


def test_the_tournament_command_prints_the_standings_and_writes_every_game(tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert main(["tournament", "diffusion_rule_2025", "--role", "enforcement", "--seeds", "1", "--months", "3",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "strategy" in printed and "Cut smuggling" in printed and "nothing" in printed
    rows = list(csv.DictReader(out.open()))
    assert {r["strategy"] for r in rows} == {s.name for s in STRATEGIES["bis_enforcement"]}
    assert main(["tournament", "diffusion_rule_2025", "--role", "nobody"]) == 2


def test_the_us_score_rewards_good_play_and_never_abandoning_the_mission():
    """Issue #13: doing nothing is a middle score, the best strategy beats it clearly, dropping controls loses."""
    table = {name: (mean, parts) for name, mean, _, parts in
             standings(tournament("diffusion_rule_2025", "us_commerce", [1]))}
    best = max(table, key=lambda k: table[k][0])
    assert table["nothing"][0] == pytest.approx(50.0)
    assert table[best][0] >= table["nothing"][0] + 8 and best != "abandon"
    assert table["abandon"][0] < table["nothing"][0] - 8
    assert max(m for m, _ in table.values()) - min(m for m, _ in table.values()) >= 20  # scores spread
    for goal in table["nothing"][1]:  # no part is full (or empty) whatever the plausible strategy
        assert any(0 < parts[goal] < {"Keep Tier 3 compute down": 40, "Keep the frontier lead": 25,
                                      "Keep US vendors selling": 20, "Keep Tier 2 goodwill": 15}[goal]
                   for name, (_, parts) in table.items() if name != "abandon"), goal


def test_the_enforcement_score_rewards_good_play_and_never_abandoning_the_mission():
    table = {name: mean for name, mean, _, _ in standings(tournament("diffusion_rule_2025", "bis_enforcement", [1]))}
    best = max(table, key=table.get)
    assert best != "abandon" and table[best] >= table["nothing"] + 8
    assert table["abandon"] < table["nothing"]


def test_a_tier2_government_that_enforces_and_asks_beats_doing_nothing_but_enforcement_costs():
    table = {name: (mean, parts) for name, mean, _, parts in
             standings(tournament("diffusion_rule_2025", "tier2_government", [1], country="IND"))}
    best = max(table, key=lambda k: table[k][0])
    assert best != "nothing" and table[best][0] >= table["nothing"][0] + 5
    assert table["full_enforce"][1]["Keep costs down"] == 0  # full effort spends the whole budget
    assert table["full_enforce"][0] < table[best][0]  # so more is not always better


def test_the_tier3_score_rewards_good_play_and_never_abandoning_the_programme():
    """China: doing nothing (its advisers' policies) is 50; front-loading the subsidy beats it; austerity loses."""
    table = {name: mean for name, mean, _, _ in standings(tournament("diffusion_rule_2025", "tier3_government", [1]))}
    best = max(table, key=table.get)
    assert table["nothing"] == pytest.approx(50.0)
    assert best not in ("nothing", "austerity") and table[best] >= table["nothing"] + 8
    assert table["austerity"] < table["nothing"] - 8 and table["austerity"] == min(table.values())
    assert max(table.values()) - min(table.values()) >= 20
    assert table["big_push"] < table[best]  # spending most is not best: the cost goal weighs it
