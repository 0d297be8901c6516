"""Shared by the tests: one county demo warehouse per test run, AppTest helpers, mart queries.

The demo warehouse is built once per run the way the data team builds one (`demo`, then
`python -m pipelines run`, then `status`; what they printed is kept), or copied from pytest's cache where an
earlier run kept one built from the same inputs, and each test process (an xdist worker) works on its own
copy of it; tests that change a warehouse work on a further copy (`copy_warehouse`).
`tests/conftest.py` registers the fixtures `demo_build` and `demo` once for every test module: a module that
imported them itself would get its own session fixture.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

import config
import i18n
import warehouse
from dashboard import nav, users
from tests import reads

APP = str(Path(config.ROOT) / "app.py")
TIMEOUT = 60


@dataclass(frozen=True)
class DemoWarehouse:
    root: Path
    warehouse: Path
    key: Path
    data_dir: Path

    def env(self) -> dict[str, str]:
        return {"WAREHOUSE_PATH": str(self.warehouse), "PSEUDONYM_KEY_FILE": str(self.key),
                "DATA_DIR": str(self.data_dir)}

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return reads.rows(self.warehouse, sql, params)

    def value(self, sql: str, params: list | None = None):
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    @property
    def manifest(self) -> dict:
        return json.loads((self.data_dir / "landing" / "manifest.json").read_text(encoding="utf-8"))

    @property
    def printed(self) -> str:
        """What `run` and `status` printed while the demo was loaded."""
        return (self.root / PRINTED).read_text(encoding="utf-8")


PRINTED = "printed.txt"


def at(root: Path) -> DemoWarehouse:
    return DemoWarehouse(root, root / "wh" / "warehouse.duckdb", root / "secrets" / "pseudonym.key", root / "data")


def build_demo(root: Path, scale: str = "county") -> DemoWarehouse:
    """Generate the demo extracts under `root/data/landing` and load them with `python -m pipelines run`."""
    import demo as demo_mod
    from pipelines import cli

    d = at(root)
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for name, value in d.env().items():
            mp.setenv(name, value)
        demo_mod.generate(d.data_dir / "landing", scale, progress=False)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            assert cli.main(["run"]) == 0, out.getvalue()
            assert cli.main(["status", "--limit", "100"]) == 0, out.getvalue()
    (root / PRINTED).write_text(out.getvalue(), encoding="utf-8")
    return d


def shared_demo(run_dir: Path, kept: Path | None = None) -> Path:
    """The county demo of this test run, built by whichever test process asks first, under a lock the
    others wait on; built in a scratch folder and renamed, so a build that fails leaves nothing half-done.

    `kept`, a folder of pytest's cache: a build from the same inputs (`demo_inputs`) kept there by an earlier
    run is copied instead of built again, and a new build is kept there for the next run."""
    done = run_dir / "demo-county"
    with warehouse.writer_lock(done):
        if not done.is_dir():
            scratch = run_dir / f"demo-county.{os.getpid()}"
            shutil.rmtree(scratch, ignore_errors=True)
            earlier = kept / demo_inputs() if kept is not None else None
            if earlier is None or not copied(earlier, scratch):
                build_demo(scratch)
                if earlier is not None:
                    keep(scratch, earlier)
            scratch.rename(done)
    return done


def copied(earlier: Path, to: Path) -> bool:
    """Whether a kept build was there and is now copied to `to` (under the lock of the kept builds' folder)."""
    with warehouse.writer_lock(earlier.parent):
        if earlier.is_dir():
            shutil.copytree(earlier, to)
            return True
    return False


def keep(build: Path, kept: Path) -> None:
    """A copy of `build` at `kept`, in place of the builds kept from other inputs (copied beside and renamed: a
    copy cut short is never taken for a build, and the next `keep` removes it)."""
    with warehouse.writer_lock(kept.parent):
        for other in kept.parent.iterdir():
            shutil.rmtree(other)
        partial = kept.with_name(kept.name + ".partial")
        shutil.copytree(build, partial)
        partial.rename(kept)


DEMO_INPUTS = ("demo", "pipelines", "warehouse", "domain", "config", "expectations", "i18n",
               "tests/app_helpers.py", "requirements.txt")
SOURCE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".json", ".csv", ".txt"}


def demo_inputs() -> str:
    """A digest of everything the county demo is built from: the generator, the pipeline, the marts and the
    domain's rules (every source file of `DEMO_INPUTS`), the pinned libraries, the settings' values, Python's
    version and today's date (a load checks dates against it)."""
    digest = hashlib.sha256(f"{sys.version} {date.today()} "
                            f"{sorted((n, str(config.get(n))) for n in config.registry())}".encode())
    for name in DEMO_INPUTS:
        top = config.ROOT / name
        files = [top] if top.is_file() else sorted(f for f in top.rglob("*") if f.suffix in SOURCE_SUFFIXES)
        warehouse._digest_files(digest, dict.fromkeys(files))
    return digest.hexdigest()[:16]


def copy_warehouse(d: DemoWarehouse, root: Path) -> DemoWarehouse:
    """A private copy of a demo warehouse (same pseudonym key) that a test may replace or alter."""
    copy = at(root)
    copy.warehouse.parent.mkdir(parents=True, exist_ok=True)
    copy.key.parent.mkdir(parents=True, exist_ok=True)
    copy.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(d.warehouse, copy.warehouse)
    shutil.copyfile(d.key, copy.key)
    os.chmod(copy.key, 0o600)
    return copy


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> DemoWarehouse:
    """This process's own copy of the run's county demo (xdist workers share one build, not their files; runs
    share one through pytest's cache while what it is built from is unchanged, `pytest --cache-clear` drops it)."""
    base = tmp_path_factory.getbasetemp()
    run_dir = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    cache = getattr(pytestconfig, "cache", None)     # None with `-p no:cacheprovider`
    mine = tmp_path_factory.mktemp("demo")
    shutil.copytree(shared_demo(run_dir, cache.mkdir("demo-county") if cache else None), mine, dirs_exist_ok=True)
    return at(mine)


@pytest.fixture
def demo(demo_build: DemoWarehouse, monkeypatch: pytest.MonkeyPatch) -> DemoWarehouse:
    """The session's demo warehouse, made the live one for this test."""
    use(demo_build, monkeypatch)
    return demo_build


def use(d: DemoWarehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in d.env().items():
        monkeypatch.setenv(name, value)


# --- AppTest ---------------------------------------------------------------------------------------------
class _NavigationPagesManager(PagesManager):
    """AppTest forgets, before every run, that `app.py` calls `st.navigation`, and (because a `pages/` folder
    exists) runs the chosen page file on its own, the old multipage mode. A live server does that only until
    the first session has run `app.py`; the app then bounces such a run through `app.py` (`ui.page`, covered
    by the browser test), which loses the widget values a test has just set. This keeps AppTest in the
    steady state of a running server: navigation by `app.py`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


app_test_module.PagesManager = _NavigationPagesManager


@functools.cache
def _components() -> BidiComponentManager:
    """Streamlit's registry of the installed custom components, scanned once in this process. A server scans
    the installed packages' metadata once when it starts; AppTest does it for every new instance (0.3 s of a
    page's 0.6 s), so the instances share one scan, as a server's sessions do."""
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def new_app() -> AppTest:
    """AppTest of the app, before its first run (with the process's one component registry)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at._bidi_component_manager = _components()
    return at


def _at_address(lang: str, params: dict[str, str]) -> AppTest:
    """The app before its first run, with URL parameters (`lang`, `from`, `to`, `town`, `sub`)."""
    at = new_app()
    at.query_params.update({"lang": lang, **params})
    return at


def open_app(lang: str = "zh", **params: str) -> AppTest:
    """The app after its first run, with URL parameters."""
    return _at_address(lang, params).run()


def open_page(key: str, lang: str = "zh", **params: str) -> AppTest:
    """The app opened at the page's own address, as a shared link opens it: one run of `app.py`, whose
    navigation finds the page by its URL path (the page file's name, `nav.PageSpec.file`)."""
    return _at_address(lang, params).switch_page(nav.page(key).file).run()


def switch(at: AppTest, key: str) -> AppTest:
    return at.switch_page(nav.page(key).file).run()


def texts(at: AppTest) -> list[str]:
    """Every text the page shows in markdown, captions, titles, headers and messages."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    """Metric label → (value, delta) as rendered."""
    return {m.label: (m.value, m.delta) for m in at.metric}


def metric(at: AppTest, key: str, lang: str = "zh") -> str:
    """The rendered value of the metric labelled with i18n key `key`."""
    label = i18n.t(key, lang)
    found = metrics(at)
    assert label in found, f"no metric {label!r} in {list(found)}"
    return found[label][0]


def walk(node) -> list:
    """Every element under `node`, in page order."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    out = []
    for key in sorted(children):
        out += walk(children[key])
    return out


def frame(at: AppTest, chart: str, lang: str = "zh"):
    """The DataFrame shown as table `chart` (the first st.dataframe after its bold title)."""
    title = f"**{i18n.t(f'chart.{chart}', lang)}**"
    seen = False
    for element in walk(at.main):
        kind = type(element).__name__
        if kind == "Markdown" and element.value == title:
            seen = True
        elif seen and kind == "Dataframe":
            return element.value
    raise AssertionError(f"no table {chart!r}")


def assert_healthy(at: AppTest) -> None:
    """No exception, no section that failed, nothing 'not yet computed' (the real marts are all there)."""
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    for key in ("state.failed", "state.not_computed"):
        for lang in i18n.LANGS:
            head = re.split(r"[{（(]", i18n.t(key, lang, relation="", path=""))[0]
            assert not any(head in s for s in shown), (key, [s for s in shown if head in s])


def number(text: str) -> float:
    """A rendered number back to a float: '1,234' → 1234.0, '12.5%' → 12.5."""
    return float(text.replace(",", "").replace("%", "").strip())


# --- local sign-in ---------------------------------------------------------------------------------------
def local_sign_in(root: Path, monkeypatch: pytest.MonkeyPatch, backoff: bool = False) -> Path:
    """Local sign-in with a private users file and audit log under `root` (no back-off between tries unless
    `backoff`: most tests sign in right after a wrong password). Returns `root`."""
    monkeypatch.setenv("AUTH_MODE", "local")
    monkeypatch.setenv("USERS_FILE", str(root / "secrets" / "users.yaml"))
    monkeypatch.setenv("AUDIT_LOG_FILE", str(root / "audit.jsonl"))
    if not backoff:
        monkeypatch.setenv("SIGNIN_BACKOFF_SECONDS", "0")
    return root


class Account(NamedTuple):
    name: str
    password: str
    roles: tuple[str, ...]
    township: str | None = None
    unit: str | None = None


def with_accounts(root: Path, monkeypatch: pytest.MonkeyPatch, *accounts: Account, backoff: bool = False) -> Path:
    """`local_sign_in` under `root`, its users file holding `accounts`: the file `users.add` writes for them,
    made once per process for the same accounts and copied (its mode kept), since each Argon2 hash costs a
    tenth of a second by design. Returns `root`."""
    local_sign_in(root, monkeypatch, backoff)
    kept = users.users_path()
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(_accounts_file(accounts), kept)
    return root


@functools.cache
def _accounts_file(accounts: tuple[Account, ...]) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="accounts-"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("USERS_FILE", str(folder / "users.yaml"))
        for a in accounts:
            users.add(a.name, a.password, list(a.roles), a.township, unit=a.unit)
    return folder / "users.yaml"


def sign_in(at, name: str, password: str):
    """Type a name and password into the real sign-in form and press its button."""
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()
