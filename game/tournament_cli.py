"""CLI command ``tournament``: play a role's scripted strategies on the same seeds and rank their scores."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agents.lang import N_, _
from game.cli import EXIT_OK, EXIT_USAGE, _check_out_path, _print_table, whole_number


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("tournament",
                       help=_("play a role's scripted strategies on the same seeds; rank their scores"),
                       description=_("Play each scripted strategy of a role through the game's rules and score "
                                     "on the same seeds, and print each one's mean score and its parts, best "
                                     "first. 'nothing' (no orders) is the reference."))
    s.add_argument("scenario", help=_("scenario name or file, e.g. diffusion_rule_2025"))
    s.add_argument("--role", default="us_commerce", help=_("us (default), enforcement, tier2 or tier3"))
    s.add_argument("--country", help=_("the government's country (ISO3) for --role tier2 (default IND) or tier3 "
                                       "(default CHN)"))
    s.add_argument("--seeds", type=whole_number(1, N_("a number of seeds"), 1000), default=2,
                   help=_("seeds 1..N, the same for every strategy (default 2)"))
    s.add_argument("--months", type=whole_number(1, N_("a number of months"), 600), default=None,
                   help=_("play only this many months (default: the whole scenario)"))
    s.add_argument("--out", help=_("also write every game's score and parts to this CSV"))
    s.set_defaults(func=cmd_tournament)


def cmd_tournament(args: argparse.Namespace) -> int:
    from agents.scenario import ScenarioError, load_scenario
    from agents.words import format_value
    from game.session import SaveError, make_role, role_id
    from game.tournament import STRATEGIES, standings, tournament

    role = role_id(args.role)
    if role not in STRATEGIES:
        print(_("silicon-curtain: error: {problem}").format(problem=_(
            "--role: expected one of {roles}, got {value}").format(roles=", ".join(STRATEGIES), value=repr(args.role))),
              file=sys.stderr)
        return EXIT_USAGE
    out = _check_out_path(Path(args.out)) if args.out else None
    try:
        make_role(role, args.country, load_scenario(args.scenario))  # a wrong country stops before any game
        results = tournament(args.scenario, role, range(1, args.seeds + 1), args.country, args.months,
                             progress=lambda msg: print(f"  {msg}", file=sys.stderr))
    except (ScenarioError, SaveError, ValueError) as exc:
        print(_("silicon-curtain: error: {problem}").format(problem=exc), file=sys.stderr)
        return EXIT_USAGE
    table = standings(results)
    goals = list(table[0][3])
    rows = [(name, format_value("", mean, 1), format_value("", sd, 1),
             *(format_value("", parts[g], 1) for g in goals)) for name, mean, sd, parts in table]
    print(_("{scenario}, {role}, seeds 1-{seeds}: final score (0-100) and points per goal, best first").format(
        scenario=args.scenario, role=role, seeds=args.seeds))
    _print_table((_("strategy"), _("score"), _("sd"), *goals), rows, right=set(range(1, 3 + len(goals))))
    for strategy in STRATEGIES[role]:
        refused = {why for r in results if r.strategy == strategy.name for why in r.refused}
        for why in sorted(refused):
            print(_("note: {strategy}: refused at {why}").format(strategy=strategy.name, why=why))
    if out is not None:
        import csv
        import io

        from game.files import write_text

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["strategy", "seed", "score", *goals])
        for r in results:
            writer.writerow([r.strategy, r.seed, round(r.total, 3), *(round(r.parts[g], 3) for g in goals)])
        write_text(out, buf.getvalue())
        print(_("wrote {path}").format(path=out))
    return EXIT_OK
