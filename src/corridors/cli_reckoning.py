"""`corridors reckoning`: each neighbour's own count of its corridors to Hunan, reconciled with Hunan's count
(corridors.reckoning). Registered on the console script by cli.parser()."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

JSON_KEYS = ("neighbour", "mode", "figure", "as_of", "source_id", "hunan_count", "both", "only_hunan", "difference",
             "explanation", "as_of_day", "id", "neighbour_en", "figure_kind", "rule", "outlet", "only_neighbour", "shared",
             "waiting", "unnamed", "reading_count", "verdict", "explanation_zh")


def run(args: argparse.Namespace, load: Callable) -> int:
    """Print the reckoning (a JSON list with --json)."""
    from . import reckoning

    rows = reckoning.reckon(load(args))
    if args.json:
        print(json.dumps([{k: r[k] for k in JSON_KEYS} for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no neighbour's own count recorded (geodata/neighbour_counts.csv)")
    for r in rows:
        bound = " or more" if r["figure_kind"] == "at_least" else ""
        print(f"{r['id']}: {r['neighbour']} ({r['neighbour_en']}), {r['mode']}, as of {r['as_of']} "
              f"(source {r['source_id']}, {r['outlet']}): {r['figure']}{bound} against Hunan's {r['hunan_count']} "
              f"({r['difference']:+d}) — {r['verdict']}")
        print(f"  both: {', '.join(r['both']) or '—'}; only Hunan: {', '.join(r['only_hunan']) or '—'}; "
              f"only the neighbour: {', '.join(r['only_neighbour']) or '—'}")
        print(f"  {r['explanation']}")
    return 0


def register(sub, load: Callable) -> None:
    """Add the `reckoning` command; load(args) gives the dataset (shipped data plus the progress store)."""
    rk = sub.add_parser("reckoning", help="each neighbour's own count of its corridors to Hunan, reconciled "
                                          "crossing by crossing with Hunan's count on the same date")
    rk.add_argument("--json", action="store_true")
    rk.set_defaults(func=lambda args: run(args, load))
