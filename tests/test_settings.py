"""The settings registry: every setting the code reads is documented, every documented one is read."""
from __future__ import annotations

import re

import pytest

import config
from tests.source_files import program_files

CODE = program_files(".py", ".sql")
READS = re.compile(r"""config\.(?:get|path)\(\s*["'](\w+)["']|getvariable\(\s*'(\w+)'"""
                   r"""|from ref_settings where setting = '(\w+)'""")


def settings_read_by_code() -> set[str]:
    found = set()
    for p in CODE:
        for m in READS.finditer(p.read_text(encoding="utf-8")):
            found.add(m.group(1) or m.group(2) or m.group(3))
    return found


def test_every_setting_read_is_documented():
    assert settings_read_by_code() <= set(config.registry())


def test_a_change_to_any_setting_a_mart_reads_rebuilds_every_mart():
    """`warehouse.mart_settings`, the settings whose change makes the next load compute every mart again (not only
    those reading what it wrote), are every setting a mart file reads, found as above."""
    import warehouse

    found = {m.group(2) or m.group(3) for f in warehouse.mart_files()
             for m in READS.finditer(f.read_text(encoding="utf-8"))}
    assert warehouse.mart_settings() == found and {"below_loq_rule", "staff_ratio_base"} <= found


def test_every_documented_setting_is_read_somewhere():
    assert set(config.registry()) <= settings_read_by_code()


@pytest.mark.parametrize("name", list(config.registry()))
def test_setting_has_default_and_help_in_both_languages(name):
    spec = config.registry()[name]
    assert "default" in spec and spec.get("help_zh") and spec.get("help_en")


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "7.5")
    assert config.get("quarantine_max_percent") == 7.5
    monkeypatch.setenv("BELOW_LOQ_RULE", "nonsense")
    with pytest.raises(ValueError):
        config.get("below_loq_rule")


def test_the_marts_read_every_setting_as_its_value_with_the_type_a_parameter_binds(monkeypatch):
    """`warehouse.set_variables` writes the settings as literals: each must come back from `getvariable`
    equal to the setting, typed as the same value bound as a parameter is (an override, a fraction and a
    quote in a text included)."""
    import duckdb

    import warehouse

    monkeypatch.setenv("QUARANTINE_MAX_PERCENT", "7.5")
    monkeypatch.setenv("DATE_EARLIEST", "it's 1900")
    con = duckdb.connect()
    warehouse.set_variables(con)
    scalars = {name: config.get(name) for name in config.registry()
               if isinstance(config.get(name), (bool, int, float, str))}
    assert {"quarantine_max_percent", "date_earliest", "mart_build_workers"} <= set(scalars)
    for name, value in scalars.items():
        got, got_type, bound_type = con.execute(f"select getvariable('{name}'), typeof(getvariable('{name}')), "
                                                "typeof(?)", [value]).fetchone()
        assert (got, got_type) == (value, bound_type), name


def test_a_rebuild_sets_every_variable_a_mart_reads():
    """A rebuild sets only the settings the marts name (`warehouse.mart_variables`); an unset variable would
    read as null, so every `getvariable` of a mart must be one the pattern finds, and each a setting."""
    import warehouse

    texts = warehouse.mart_sql()
    calls = sum(sql.lower().count("getvariable") for sql in texts.values())
    found = sum(len(warehouse.VARIABLE.findall(sql)) for sql in texts.values())
    assert calls == found > 0
    assert warehouse.mart_variables(texts) <= set(config.registry())
    assert {"staff_ratio_base", "level_history_quarters"} <= warehouse.mart_variables(texts)


@pytest.mark.parametrize("threads", ["1", "0"])
def test_load_threads_are_the_threads_of_a_connection_that_writes(env, monkeypatch, threads):
    """`load_threads` sets DuckDB's threads on the connection a load writes with (and a rebuild, and a briefing's
    warehouse as of a day: `warehouse.writer_config`); 0 leaves DuckDB's own default, every core."""
    import duckdb
    import warehouse

    monkeypatch.setenv("LOAD_THREADS", threads)
    with duckdb.connect() as default:
        every_core = default.execute("select current_setting('threads')").fetchone()[0]
    with warehouse.publishing(changed=()) as con:
        used = con.execute("select current_setting('threads')").fetchone()[0]
    assert used == (int(threads) or every_core)
    assert warehouse.writer_config()["memory_limit"] == config.get("load_memory_limit")
