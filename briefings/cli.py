"""`python -m briefings build --period P [--audience internal|public] [--format docx,pdf,html] --out DIR`
(contract.md §1), plus `--lang zh|en` (default zh) and `--date` (the date of issue, default today).

Exit codes: 0 written, 1 no data for the period (or no room for its as-of warehouse, `briefings.as_of`),
2 usage or configuration error. Messages are in Chinese and English. Where the files go and how they are
archived: `briefings.archive`.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import yaml
from tqdm import tqdm

import config
import i18n
import warehouse
from briefings import archive, period as period_mod

AUDIENCES = ("internal", "public")


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m briefings", description="毒情通报 / drug situation briefings")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="生成一期通报 / write a briefing for a period")
    b.add_argument("--period", required=True, help="2024Q3 | 2024H1 | 2024")
    b.add_argument("--audience", default="internal", help=" | ".join(AUDIENCES))
    b.add_argument("--format", default=",".join(archive.FORMATS), help="docx,pdf,html")
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--lang", choices=i18n.LANGS, default=i18n.DEFAULT_LANG)
    b.add_argument("--date", type=date.fromisoformat, default=None, help="发文日期 / date of issue (YYYY-MM-DD)")
    b.add_argument("--notes", type=Path, help="禁毒办补充的要点（YAML：features、problems、next_steps 各一列表）/ "
                                              "the office's own items (YAML: lists under features, problems, "
                                              "next_steps)")
    return p


def formats(text: str) -> list[str]:
    chosen = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in chosen if f not in archive.FORMATS]
    if bad or not chosen:
        raise UsageError(i18n.both("brief.bad_format", format=", ".join(bad) or text))
    return list(dict.fromkeys(chosen))


def _notes(path: Path | None) -> dict[str, list[str]]:
    from briefings.content import notes_from

    if path is None:
        return {}
    try:
        data = config.read_yaml(path)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(i18n.both("brief.notes_unreadable", file=path, detail=type(exc).__name__)) from exc
    try:
        return notes_from(data)
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from exc


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    try:
        return build(args)
    except (UsageError, period_mod.PeriodError, config.ConfigError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except warehouse.DiskFull as exc:     # the as-of warehouse did not fit on the disk beside the warehouse
        print(str(exc), file=sys.stderr)
        return 1


def build(args: argparse.Namespace) -> int:
    period = period_mod.parse(args.period)
    if args.audience not in AUDIENCES:
        raise UsageError(i18n.both("brief.bad_audience", audience=args.audience))
    chosen = formats(args.format)
    notes = _notes(args.notes)
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(i18n.both("out_not_a_folder", path=args.out))
    if not warehouse.live_path().exists():
        raise UsageError(i18n.both("brief.no_warehouse", path=warehouse.live_path()))
    warehouse.connect_readonly().close()   # a damaged warehouse: ConfigError, before any page is drawn
    from briefings import content

    end = content.data_end()
    if end is not None and period.end > end:
        print(i18n.both("brief.after_data_end", period=period.code, end=end.isoformat()), file=sys.stderr)
        return 1
    if not content.has_data(period):
        print(i18n.both("brief.no_data_for_period", period=period.code), file=sys.stderr)
        return 1
    with tqdm(total=1 + len(chosen), desc="briefing", unit="step", file=sys.stderr) as bar:
        done = archive.publish(period, args.audience, args.lang, chosen, Path(args.out),
                               args.date or date.today(), step=lambda name: bar.update(), notes=notes)
    for f in done.files:
        print(i18n.both("brief.written", file=f))
    print(i18n.both("brief.done", period=period.code, audience=i18n.both_of(f"brief.audience_{args.audience}"),
                    n=len(done.files), version=done.version, dir=done.folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
