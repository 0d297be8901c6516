"""`python -m pipelines ingest|run|demo|status|rebuild|export` (contract.md §1; `export` is the province
roll-up of the roadmap, `warehouse.export`).

Exit codes: 0 every file loaded (some rows may be quarantined), 1 at least one file rejected, or the disk
full (nothing published), 2 usage or configuration error (a bad setting, a path of the wrong kind, a damaged
warehouse or key, a broken expectation suite: nothing is published). Messages are in Chinese and English.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import config
import i18n
import warehouse
from pipelines import runs
from domain.sources import names

if TYPE_CHECKING:
    from pipelines.ingest import FileResult

QUARANTINE_SHOWN = 20


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipelines", description="毒情监测预警 数据加载 / data loading")
    sub = p.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="校验并加载一个来源的文件 / validate and load files of one source")
    ing.add_argument("source", help=" | ".join(names()))
    ing.add_argument("files", nargs="+", type=Path)
    ing.add_argument("--snapshot-date", type=date.fromisoformat,
                     help="登记快照日期（文件中没有数据日期列时）/ registry snapshot date when the file has none")
    ing.add_argument("--dry-run", action="store_true",
                     help="只报告校验结果和将隔离、替换的内容，不加载 / report what a load would do, load nothing")
    ing.add_argument("--reload", action="store_true",
                     help="有意再次加载已加载过的文件（例如恢复被替换的快照）/ load already loaded content again "
                          "on purpose (e.g. to restore a replaced snapshot)")
    sub.add_parser("run", help="加载 $DATA_DIR/landing/<来源>/ 下的新文件 / load new files under $DATA_DIR/landing")
    demo = sub.add_parser("demo", help="生成演示数据 / write synthetic extracts")
    demo.add_argument("--out", type=Path)
    demo.add_argument("--scale", choices=["county", "national"], default="county")
    demo.add_argument("--seed", type=int, default=20231)
    status = sub.add_parser("status", help="最近的加载记录 / recent runs")
    status.add_argument("--limit", type=int, default=30)
    rebuild = sub.add_parser("rebuild", help="由已存事实重算全部专题表 / recompute every mart")
    rebuild.add_argument("--if-outdated", action="store_true",
                         help="仅当专题表由旧版程序计算时 / only when an earlier version of the program computed them")
    export = sub.add_parser("export", help="导出专题表（Parquet，按旗县分区）供上级汇总 / marts as Parquet for the "
                                           "province roll-up")
    export.add_argument("--out", type=Path, help="默认 / default: $DATA_DIR/export")
    return p


MALLOPT = {-1: 2**31 - 1, -3: 32 << 20}    # M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (glibc's largest: 32 MiB)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    try:
        return COMMANDS[args.command](args)
    except (UsageError, config.ConfigError) as exc:   # a broken suite (validate.SuiteError) is one
        print(str(exc), file=sys.stderr)
        return 2
    except warehouse.DiskFull as exc:
        print(str(exc), file=sys.stderr)
        return 1


def keep_freed_memory() -> None:
    """For a command that loads files, then exits: glibc keeps memory it is given back for the next allocation
    instead of returning it to the system (`mallopt`: trim and mmap thresholds at their largest).

    Validation allocates and frees arrays of tens of megabytes many times over (pandas filters the frame once per
    expectation); returned each time, each is faulted in again: a national registry's load had a fifth more page
    faults and kernel time without this (bench.ingest: about 0.2 s of its 6). Not for the app's server, whose
    memory should shrink after a load; nothing happens where the C library is not glibc."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    for option, value in MALLOPT.items():
        mallopt(option, value)


@contextmanager
def collecting_per_file() -> Iterator[None]:
    """Python's automatic garbage collection off while a command loads files; the loader collects the two younger
    generations before each file instead (`ingest._process`), and the setting is restored afterwards.

    Importing Great Expectations and validating with it allocate millions of objects: the automatic collector ran
    about 500 times during a national registry's load, 0.4 s of its 6 (bench.ingest). The garbage it finds is
    little but can hold a file's frames (GX's parser catches exceptions whose tracebacks keep the validating call's
    frame alive: 1.5 GB for three national files in one command without the collections between them, 1.2 GB with
    them). With automatic collection off, whatever a file allocated is still in the youngest generation when the
    next one starts, so the younger two hold its garbage; the oldest, most of a long-lived process (a test
    session), is not traversed (a full collection there took 0.15 s a file). Not for the app's server, whose
    other sessions would lose their collections meanwhile."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@collecting_per_file()
def cmd_ingest(args: argparse.Namespace) -> int:
    keep_freed_memory()
    if args.source not in names():
        raise UsageError(i18n.both("cli_unknown_source", source=args.source, choices=", ".join(names())))
    for f in args.files:
        if not (f.exists() or f.is_symlink()):     # a typo; a folder or an unreadable file is that file's rejection
            raise UsageError(i18n.both("cli_file_not_found", file=f))
    _wait_notice()
    if args.dry_run:
        from pipelines import intake

        previews = intake.preview(args.source, list(args.files), args.snapshot_date, args.reload)
        print("\n".join(intake.report_lines(previews, QUARANTINE_SHOWN)))
        return 1 if any(p.result.status == "rejected" for p in previews) else 0
    from pipelines.ingest import ingest

    return _report(ingest(args.source, list(args.files), args.snapshot_date, reload=args.reload))


def _wait_notice() -> None:
    if warehouse.writer_busy():
        print(i18n.both("cli_writer_waits"), file=sys.stderr)


def landing_files() -> dict[str, list[Path]]:
    """New files under $DATA_DIR/landing/<source>/ (already loaded content is left out)."""
    data = config.path("data_dir")
    if data.exists() and not data.is_dir():
        raise config.ConfigError(i18n.both("data_dir_not_folder", path=data))
    root = data / "landing"
    done = _loaded_hashes(names())
    found = {}
    for source in names():
        files = sorted(p for p in (root / source).glob("*") if p.suffix.lower() in {".csv", ".xlsx"} and p.is_file())
        new = [p for p in files if _content(p) not in done[source]]
        if new:
            found[source] = new
    return found


def _content(path: Path) -> str | None:
    """The file's hash; None when it cannot be read (the load then rejects it, naming it, and loads the others)."""
    try:
        return runs.sha256_of(path)
    except OSError:
        return None


def _loaded_hashes(sources: list[str]) -> dict[str, set[str]]:
    """Content already loaded, per source, read through one connection."""
    try:
        con = warehouse.connect_readonly()
    except FileNotFoundError:
        return {source: set() for source in sources}
    with con:
        return {source: runs.loaded_hashes(con, source) for source in sources}


@collecting_per_file()
def cmd_run(args: argparse.Namespace) -> int:
    keep_freed_memory()
    todo = landing_files()
    if not todo:
        print(i18n.both("cli_no_new_files", dir=config.path("data_dir") / "landing"))
        return 0
    _wait_notice()
    from pipelines.ingest import ingest_sources

    return _report(ingest_sources(todo))


def _report(results: list[FileResult]) -> int:
    marks = {"loaded": "✔", "rejected": "✘", "skipped": "–"}
    for r in results:
        print(f"{marks[r.status]} [{r.source}] {r.file_name}: {r.message}")
        for q in r.quarantine[:QUARANTINE_SHOWN]:
            ref = f" [{q['record_ref']}]" if q["record_ref"] else ""
            print(f"    第{q['row_number']}行 / row {q['row_number']}{ref}: {q['reasons']}")
        if len(r.quarantine) > QUARANTINE_SHOWN:
            print(f"    … +{len(r.quarantine) - QUARANTINE_SHOWN}（python -m pipelines status）")
    count = {s: sum(r.status == s for r in results) for s in marks}
    print(i18n.both("cli_ingest_summary", files=len(results), **count))
    return 1 if count["rejected"] else 0


def cmd_demo(args: argparse.Namespace) -> int:
    import demo

    out = args.out or config.path("data_dir") / "landing"
    demo.generate(out, scale=args.scale, seed=args.seed)
    print(i18n.both("cli_demo_written", dir=out))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    try:
        con = warehouse.connect_readonly()
    except FileNotFoundError:
        raise UsageError(i18n.both("cli_no_warehouse"))
    with con:
        frame = con.execute(
            "select started_at, source, file_name, status, rows_read, rows_loaded, rows_quarantined, message "
            "from pipeline_runs order by started_at desc limit ?", [args.limit]).df()
        print(f"version {warehouse.version(con)}")
        if warehouse.marts_outdated(con):
            print(i18n.both("cli_marts_outdated"))
    frame["status"] = frame["status"].map(lambda s: i18n.both(f"status_{s}"))
    print(frame.to_string(index=False, max_colwidth=80))
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    if not warehouse.live_path().exists():
        raise UsageError(i18n.both("cli_no_warehouse"))
    if args.if_outdated:
        with warehouse.connect_readonly() as con:
            if not warehouse.marts_outdated(con):
                print(i18n.both("cli_marts_current", version=warehouse.version(con)))
                return 0
    with warehouse.publishing() as con:
        pass
    with warehouse.connect_readonly() as con:
        print(i18n.both("cli_published", version=warehouse.version(con)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from warehouse.export import export

    if not warehouse.live_path().exists():
        raise UsageError(i18n.both("cli_no_warehouse"))
    out = args.out or config.path("data_dir") / "export"
    if out.exists() and not out.is_dir():
        raise UsageError(i18n.both("out_not_a_folder", path=out))
    folder = export(out)
    print(i18n.both("cli_exported", dir=folder))
    return 0


COMMANDS = {"ingest": cmd_ingest, "run": cmd_run, "demo": cmd_demo, "status": cmd_status, "rebuild": cmd_rebuild,
            "export": cmd_export}
