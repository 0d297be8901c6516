"""Shared fixtures: a private warehouse, key and data folder per test, and helpers to drive the CLI."""
from __future__ import annotations

import csv
import functools
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import config
import warehouse
from pipelines import cli
from tests import reads
from domain.sources import sources
from tests.app_helpers import demo, demo_build  # noqa: F401  (one demo warehouse for the whole session)

DATA = Path(__file__).parent / "data"


@dataclass
class Env:
    root: Path
    warehouse: Path
    key: Path
    data_dir: Path
    empty: Path | None = None       # the empty published warehouse the test started from (`env`)

    def emptied(self) -> None:
        """The warehouse back to the empty published one the test started from, as a new `env` has it."""
        shutil.copyfile(self.empty, self.warehouse)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return reads.rows(self.warehouse, sql, params)

    def count(self, table: str) -> int:
        return self.query(f"select count(*) from {table}")[0][0]

    def counts(self) -> dict[str, int]:
        """Rows of every fact and mart table, read in one statement."""
        tables = [r[0] for r in self.query("select table_name from information_schema.tables "
                                           "where table_name like 'fact_%' or table_name like 'mart_%'")]
        union = " union all ".join(f"select '{t}', count(*) from {t}" for t in sorted(tables))
        return dict(self.query(union)) if tables else {}

    def variables(self) -> dict[str, str]:
        """The environment that points the commands at this warehouse, key and data folder."""
        return {"WAREHOUSE_PATH": str(self.warehouse), "PSEUDONYM_KEY_FILE": str(self.key),
                "DATA_DIR": str(self.data_dir)}


def env_at(root: Path, empty: Path | None = None) -> Env:
    """The warehouse, key and data folder of a test under `root`; the warehouse a copy of `empty` (the
    `empty_warehouse` fixture, so that a first load computes only the marts it changes), or none."""
    e = Env(root, root / "wh" / "warehouse.duckdb", root / "secrets" / "pseudonym.key", root / "data", empty)
    if empty is not None:
        e.warehouse.parent.mkdir(parents=True)
        e.emptied()
    return e


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published warehouse holding no data (schema, reference tables, every mart computed on nothing), made
    once per test process by the publish every load goes through."""
    path = tmp_path_factory.mktemp("empty") / "warehouse.duckdb"
    with warehouse.publishing(path):
        pass
    return path


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest,
        empty_warehouse: Path) -> Env:
    """The test's own warehouse, key and data folder: the warehouse a copy of `empty_warehouse` (a first load
    then computes only the marts it changes), or none for a test marked `new_warehouse`."""
    e = env_at(tmp_path, None if request.node.get_closest_marker("new_warehouse") else empty_warehouse)
    for name, value in e.variables().items():
        monkeypatch.setenv(name, value)
    return e


class Built:
    """Warehouses a module's tests start from, each built once (by its `make` function, loading through the CLI
    like a test would, on a copy of the empty warehouse as a test's `env` starts with) and copied, with its
    pseudonym key, into every test's own `env`: a test may load more or break its copy without touching the
    others'."""

    def __init__(self, factory: pytest.TempPathFactory, empty: Path) -> None:
        self.factory = factory
        self.empty = empty
        self.made: dict[Callable, tuple[Env, Any]] = {}

    def into(self, env: Env, make: Callable[[Path], Any]) -> Any:
        """`make(folder)`'s warehouse copied into `env`; returns what `make` returned."""
        if make not in self.made:
            base = env_at(self.factory.mktemp(make.__name__), self.empty)
            with pytest.MonkeyPatch.context() as mp:
                for name, value in base.variables().items():
                    mp.setenv(name, value)
                self.made[make] = base, make(base.root / "extracts")
        base, value = self.made[make]
        for src, dst in ((base.warehouse, env.warehouse), (base.key, env.key)):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)      # copy2 keeps the key's mode (0600)
        return value


@functools.cache
def fixture_loaded(source: str) -> Callable[[Path], None]:
    """A `Built.into` maker: `source`'s fixture file loaded with `ingest`."""
    def make(folder: Path) -> None:
        assert cli.main(["ingest", source, str(fixture(source))]) == 0
    make.__name__ = f"{source}_fixture_loaded"
    return make


def load_every_fixture() -> None:
    """Every source's fixture file, put in the landing folder and loaded by one `run` (one publish: the marts
    are built once, not once a source)."""
    landing = config.path("data_dir") / "landing"
    for source in sources():
        copy_to(fixture(source), landing / source)
    assert cli.main(["run"]) == 0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, empty_warehouse: Path) -> Built:
    return Built(tmp_path_factory, empty_warehouse)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture):
    """Run `python -m pipelines ...` in this process; returns (exit code, stdout + stderr)."""
    def run(*args: str | Path) -> tuple[int, str]:
        code = cli.main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out + out.err
    return run


def fixture(source: str) -> Path:
    return DATA / f"{source}.csv"


def rewrite(src: Path, dst: Path, *, chinese_headers: bool = False, encoding: str = "utf-8",
            edit=None) -> Path:
    """A copy of a fixture CSV with Chinese headers, another encoding, or rows edited by `edit(rows)`."""
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if chinese_headers:
        source = sources()[src.stem]
        zh = {c.name: c.zh for c in source.columns}
        rows[0] = [zh[h] for h in rows[0]]
    if edit is not None:
        rows = edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(buf.getvalue().encode(encoding))
    return dst


def copy_to(src: Path, dst_dir: Path) -> Path:
    dst_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(src, dst_dir))
