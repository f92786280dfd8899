"""Command line: ``jmc-console`` (also ``python -m desktop``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop import app_cli
from desktop import demo as demo_cli
from desktop.auth import cli as auth_cli
from desktop.models.catalogue import CATALOGUE
from desktop.models.config import DEFAULT_RULES_FILE, ConfigError, RuleConfig
from desktop.models.sites import SitesFileError, load_roster, load_sites
from desktop.replay import ScenarioError, run_replay_file
from desktop.sim import cli as sim_cli
from desktop.store import cli as store_cli
from desktop.store import mirror_cli

DATA = Path(__file__).resolve().parent / "data"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jmc-console", description="JMC Console 聯合管理中心監控台")
    sub = parser.add_subparsers(dest="command", required=True)
    rp = sub.add_parser("replay", help="run a recorded scenario through the pipeline (protocol §7)")
    rp.add_argument("scenario", type=Path, help="SCENARIO.jsonl")
    rp.add_argument("--sites", type=Path, required=True, help="sites GeoJSON")
    rp.add_argument("--roster", type=Path, help="roster JSON (site_code -> officer ids)")
    rp.add_argument(
        "--settle", type=float, default=0.0, metavar="MINUTES", help="run the clock on after the last line"
    )
    rp.add_argument("--tickets-json", type=Path, required=True, metavar="OUT.json")
    rp.add_argument("--rules", type=Path, default=DEFAULT_RULES_FILE, help="rule thresholds TOML")
    demo_cli.add_parser(sub)
    sim_cli.add_parser(sub)
    auth_cli.add_parser(sub)
    store_cli.add_parser(sub)
    mirror_cli.add_parser(sub)
    app_cli.add_parser(sub)
    return parser


def cmd_replay(args: argparse.Namespace) -> int:
    try:
        sites = load_sites(args.sites)
        roster = load_roster(args.roster, sites) if args.roster else None
        config = RuleConfig.load(args.rules)
        result = run_replay_file(args.scenario, sites, roster, args.settle, config)
    except (SitesFileError, ConfigError, ScenarioError) as exc:
        print(f"jmc-console replay: {exc}", file=sys.stderr)
        return 2
    try:
        args.tickets_json.write_text(
            json.dumps(result.as_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        print(f"jmc-console replay: cannot write {args.tickets_json} ({exc.strerror})", file=sys.stderr)
        return 2
    print(result.summary(), file=sys.stderr)
    return 0


def cmd_samples(folder: Path = DATA / "samples") -> int:
    """Replay the bundled sample scenarios and print their tickets."""
    sites = load_sites(folder / "sites.geojson")
    roster = load_roster(folder / "roster.json", sites)
    config = RuleConfig.load()
    for scenario in sorted(folder.glob("*.jsonl")):
        expect_file = scenario.with_name(scenario.stem + ".expect.json")
        settle = json.loads(expect_file.read_text())["settle"] if expect_file.exists() else 0
        result = run_replay_file(scenario, sites, roster, settle, config)
        print(f"== {scenario.name} (settle {settle} min)")
        for t in result.tickets():
            state = t.resolution or t.status
            name = CATALOGUE[t.code].name_zh
            print(
                f"   {t.code:4} {name} {t.severity:9} {state:12} order {t.order_no}  "
                f"subject {t.subject}  x{t.occurrences}  {t.detail}"
            )
        for q in result.pipeline.quarantine:
            print(f"   rejected  {q.topic}: {q.reason}")
        print("   " + result.summary().replace("\n", "\n   "))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "replay":
            return cmd_replay(args)
        if args.command == "simulate":
            return sim_cli.run(args)
        if args.command == "gui":
            return app_cli.run(args)
        if args.command in ("user", "secret"):
            return auth_cli.run(args)
        if args.command in ("audit", "db"):
            return store_cli.run(args)
        if args.command == "mirror":
            return mirror_cli.run(args)
        if args.samples:
            return cmd_samples()
        if app_cli.wants_window(args):
            return app_cli.run_demo_window(args)
        return demo_cli.run_demo(args)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
