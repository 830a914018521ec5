"""The commands that read the data and report on it: rebuild the derived geodata, check, count, the targets, the
outlook and its back-test, the 断头路, the GeoJSON export and the snapshot bundle."""

from __future__ import annotations

import argparse
import json
from datetime import date

from ..errors import CorridorsError
from .common import _dataset, _definition, _iso, _writable_file


def _cmd_build(args: argparse.Namespace) -> int:
    from ..build import build_geodata

    for p in build_geodata(args.geodata):
        print(f"wrote {p}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .. import plan, rules

    ds = _dataset(args, gate=False)  # check reports every problem; the other commands refuse on the first
    problems = plan.coverage_problems(ds.plan_items, ds.catalog.projects)
    problems += [str(e) for e in rules.check(ds)]
    as_of = args.as_of or date.today()
    t = ds.table(as_of, _definition(args))
    print(f"{len(t)} projects; status as of {as_of}; provinces: {args.scope}")
    print(f"{'id':24} {'mode':9} {'status':19} {'precision':12} {'verdict':9} provinces (crossings)")
    for r in t.itertuples():
        crossings = ", ".join(f"{c['province_zh']}@{c['lon']:.3f},{c['lat']:.3f}" for c in r.crossings)
        path = " → ".join(r.provinces) if r.provinces else ("(no route known)" if not r.route_known else "")
        verdict = "corridor" if r.corridor else "-"
        if r.same_as:
            verdict = f"={r.same_as}"
        print(f"{r.id:24} {r.mode:9} {str(r.status):19} {r.precision:12} {verdict:9} {path}"
              + (f" ({crossings})" if crossings else ""))
    problems += args.store_problems
    if problems:
        print("\nPROBLEMS:", *problems, sep="\n  - ")
        return 1
    print("\nall checks passed: catalog matches the plan, every place resolved, histories consistent")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .. import snapshot
    from ..files import write_atomic

    _writable_file(args.output)
    ds = _dataset(args)
    as_of = args.as_of or date.today()
    write_atomic(args.output, snapshot.geojson_text(ds, as_of, _definition(args)))
    print(f"wrote {args.output} ({len(ds.catalog.projects)} features, as of {as_of})")
    return 0


def _cmd_count(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    as_of = args.as_of or date.today()
    d = _definition(args)
    counts = ds.count(as_of, d)
    baseline = ds.count(ds.plan_date, d)["completed"]
    target_day = date(ds.target.year, 12, 31)
    milestones = {ds.plan_date.isoformat(): baseline,
                  target_day.isoformat(): ds.count(target_day, d)["completed"],
                  date.today().isoformat(): (counts if as_of == date.today()
                                             else ds.count(date.today(), d))["completed"]}
    counts = {"as_of": as_of.isoformat(), "definition": d.as_dict(), "target_year": ds.target.year,
              "baseline": baseline, "baseline_date": ds.plan_date.isoformat(), "milestones": milestones, **counts}
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
        return 0
    s = counts["by_status"]
    print(f"As of {as_of}: {s['completed']} of the target {counts['target']} out-of-province corridors open "
          f"(baseline {baseline} on the plan's date {ds.plan_date}; {counts['candidates']} of the open ones are "
          f"unconfirmed identifications)")
    print("  definition: " + ", ".join(f"{k}={v}" for k, v in d.as_dict().items()))
    print("  plan's date, end of the target year, today: "
          + " · ".join(f"{k} {v}" for k, v in milestones.items()))
    print(f"  under construction {s['under_construction']}, planned {s['planned']}, suspended {s['suspended']}, "
          f"cancelled {s['cancelled']}, no evidence {s['no_evidence']}")
    for m, c in counts["by_mode"].items():
        print(f"  {m:9} " + ", ".join(f"{k} {v}" for k, v in c.items() if v))
    for n, c in counts["by_neighbour"].items():
        print(f"  {n:9} " + ", ".join(f"{k} {v}" for k, v in c.items() if v))
    return 0


def _cmd_targets(args: argparse.Namespace) -> int:
    """Every official target (geodata/targets.csv) against the count under its definition (corridors.targets)."""
    from .. import targets

    ds = _dataset(args)
    rows = targets.assess(ds)
    if args.json:
        keys = ("id", "figure", "deadline", "source_id", "definition", "reached_on", "reached_by", "met_by_deadline",
                "name_zh", "name_en", "issued", "issuer", "clause", "mappable", "mapping_note", "count_at_deadline",
                "count_today", "gap_today")
        print(json.dumps([{k: r[k] for k in keys} for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['id']}: {r['name_zh']} ({r['issuer']}, {r['issued']}; source {r['source_id']})")
        print(f"  「{r['clause']}」")
        if not r["mappable"]:
            print(f"  not counted: {r['mapping_note']}")
            continue
        print("  definition: " + ", ".join(f"{k}={v}" for k, v in r["definition"].items()))
        due = r["deadline"]
        if r["count_at_deadline"] is not None:
            print(f"  {r['count_at_deadline']} of {r['figure']} on the deadline {due}: "
                  + ("met" if r["met_by_deadline"] else "not met"))
        else:
            print(f"  deadline {due} still to come; {r['count_today']} of {r['figure']} today")
        if r["reached_on"]:
            print(f"  reached {r['figure']} on {r['reached_on']} with " + ", ".join(r["reached_by"]))
        else:
            print(f"  not reached yet: {r['gap_today']} to go")
    return 0


def _outlook_definition(args: argparse.Namespace):
    """The definition an outlook is for: a target's (--target) or the switches'."""
    from .. import counting, targets

    if not args.target:
        return _definition(args), None
    if _definition(args) != counting.DEFAULT:
        raise CorridorsError("give --target or the definition switches, not both: a target has its own definition")
    try:
        row = targets.find(args.ds, args.target)
    except KeyError as exc:
        raise CorridorsError(str(exc.args[0])) from None
    d = targets.definition(row)
    if d is None:
        raise CorridorsError(f"target '{args.target}' cannot be counted: {row.mapping_note}")
    return d, row


def _cmd_outlook(args: argparse.Namespace) -> int:
    """The count on a later date as a median with an 80% interval, from what was known on the as-of date."""
    from .. import outlook, targets

    as_of = args.as_of or date.today()
    if args.until <= as_of:
        raise CorridorsError(f"--until {args.until} must come after the as-of date {as_of}")
    if args.samples < 100:
        raise CorridorsError(f"--samples {args.samples}: give at least 100")
    args.ds = ds = _dataset(args)
    d, row = _outlook_definition(args)
    sim = outlook.simulate(ds, as_of, d, n=args.samples, seed=args.seed)
    names = dict(zip(ds.catalog.projects.id, ds.catalog.projects.name_zh))
    out = outlook.summary(sim, args.until, names=names)
    if row is not None:
        out["target"] = {"id": row.id, "figure": int(row.figure), "deadline": _iso(targets.deadline(row)),
                         "p_reached_by_until": outlook.p_reach(sim, args.until, int(row.figure))}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"Outlook made with what was known on {as_of}: on {args.until} the count is {out['median']} "
          f"(80% interval {out['low']}–{out['high']}; {out['open_on_as_of']} open on {as_of}; "
          f"{out['samples']} samples)")
    print("  definition: " + ", ".join(f"{k}={v}" for k, v in d.as_dict().items()))
    if row is not None:
        t = out["target"]
        print(f"  target {t['id']}: {t['figure']} by {t['deadline']}; chance of {t['figure']} or more by "
              f"{args.until}: {t['p_reached_by_until']:.0%}")
    learned = out["learned"]
    print(f"  learned from corridors opened by {as_of}: {learned['durations']['planned']} planning and "
          f"{learned['durations']['under_construction']} construction durations ({learned['basis']}), "
          f"{learned['forecast_slips']} scored forecasts")
    print(f"  {'corridor':26} {'stage':19} {'p(open)':>7}  median opening  method")
    for c in out["corridors"]:
        print(f"  {c['id']:26} {c['stage']:19} {c['p_open_by_until']:7.0%}  {c['expected_open'] or '-':14}  "
              f"{c['method']}")
    return 0


def _cmd_backtest(args: argparse.Namespace) -> int:
    """The outlook's back-test: from each year-end, N years ahead, against the count the data now gives."""
    from .. import outlook

    ds = _dataset(args)
    b = outlook.backtest(ds, _definition(args), range(args.first, args.last + 1), args.horizon)
    if args.json:
        print(json.dumps(b, ensure_ascii=False, indent=2))
        return 0
    for r in b["years"]:
        print(f"{r['start']} → {r['until']}: {r['open_on_start']} open; 80% {r['low']}–{r['high']} "
              f"(median {r['median']}); actual {r['actual']}: {'held' if r['held'] else 'missed'}")
    if b["runs"]:
        print(f"coverage {b['coverage']:.0%} ({b['held']} of {b['runs']}), median width {b['median_width']:g}")
    return 0


def _cmd_stubs(args: argparse.Namespace) -> int:
    """断头路: border crossings with one half open and the other not, on a date (corridors.stubs)."""
    from .. import stubs

    ds = _dataset(args)
    as_of = args.as_of or date.today()
    s = stubs.stubs(ds, as_of)
    rows = [{k: _iso(v) for k, v in r.items()} for r in s.astype(object).where(s.notna(), None).to_dict("records")]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{len(rows)} crossing(s) with one half open on {as_of}")
    for r in rows:
        side = "湖南段" if r["open_half"] == "hunan" else f"{r['neighbour']}段"
        other = "邻省段" if r["open_half"] == "hunan" else "湖南段"
        stage = "未查到" if r["other_stage"] == "no_record" else r["other_stage"]
        expected = (f"; forecast {r['expected_open']} (source {r['expected_source_id'] or 'progress store'}, "
                    f"published {r['expected_published']})") if r["expected_open"] else ""
        print(f"  {r['id']:24} {r['name_zh']} → {r['neighbour']}: {side} open since {r['since']} "
              f"({r['days_waiting']} days); {other}: {stage}{expected}")
    return 0


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from .. import snapshot

    args.ds = ds = _dataset(args)
    req = snapshot.Request(as_of=args.as_of, lang=args.lang, definition=_outlook_definition(args)[0],
                           modes=tuple(args.show) if args.show else (), compare=args.compare, target=args.target)
    snapshot.check(req, ds)
    written = snapshot.write(snapshot.build(ds, req), args.out)
    for p in written:
        print(f"wrote {p}")
    return 0
