"""The province roll-up (`python -m pipelines export`, warehouse/export.py): every mart as Parquet under
`county=<code>/`, equal to the warehouse, nothing personal, and combinable across counties."""
from __future__ import annotations

import json
import re

import duckdb
import pytest

from pipelines import cli
from warehouse import export as export_mod

ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def exported(demo, tmp_path):
    return export_mod.export(tmp_path / "export"), demo


def test_every_mart_is_exported_whole(exported):
    folder, demo = exported
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert folder.name == "county=150823"
    assert manifest["warehouse_version"] == demo.value("select value from warehouse_meta where key = 'version'")
    marts = {r[0] for r in demo.query("select table_name from duckdb_tables() where table_name like 'mart_%' "
                                      "union select view_name from duckdb_views() where view_name like 'mart_%'")}
    assert set(manifest["marts"]) == marts
    for mart in marts:
        rows = demo.value(f"select count(*) from {mart}")
        path = str(folder / f"{mart}.parquet")
        assert duckdb.sql(f"select count(*) from '{path}'").fetchall()[0][0] == rows == manifest["marts"][mart]["rows"]
        counties = duckdb.sql(f"select distinct county from read_parquet('{path}', hive_partitioning = true, "
                              "hive_types = {'county': varchar})").fetchall()
        assert counties in ([("150823",)], [])


def test_numbers_equal_the_warehouse(exported):
    folder, demo = exported
    stored = demo.query("select quarter, township_code, sum(cases) from mart_cases_quarter group by all order by all")
    shown = duckdb.sql(f"select quarter, township_code, sum(cases) from '{folder}/mart_cases_quarter.parquet' "
                       "group by all order by all").fetchall()
    assert shown == stored


def test_nothing_personal_goes_out(exported):
    folder, _ = exported
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    warnings = manifest["marts"]["mart_early_warnings"]
    assert {"sample_id", "evidence_zh", "warning_id"} <= set(warnings["withheld"])
    assert len(list(folder.glob("*.parquet"))) == len(manifest["marts"])
    for path in folder.glob("*.parquet"):
        types = dict(r[:2] for r in duckdb.sql(f"describe select * from '{path}'").fetchall())
        assert not {"person_key", "id_number", "name", "birth_date"} & set(types), path.name
        assert path.stem != "mart_early_warnings" or "sample_id" not in types
        for column in [c for c, t in types.items() if t == "VARCHAR"]:
            values = duckdb.sql(f'select distinct "{column}"::varchar from \'{path}\'').fetchall()
            assert not any(v and ID.search(v) for (v,) in values), (path.name, column)


def test_two_counties_combine_with_any_engine(demo, tmp_path):
    root = tmp_path / "region"
    export_mod.export(root)                       # this banner
    export_mod.export(root, county="150821")      # another county's folder, copied in beside it
    total = demo.value("select sum(cases) from mart_cases_quarter")
    combined = duckdb.sql(f"select county, sum(cases) from read_parquet('{root}/county=*/mart_cases_quarter.parquet', "
                          "hive_partitioning = true, hive_types = {'county': varchar}) group by 1 order by 1").fetchall()
    assert combined == [("150821", total), ("150823", total)]


def test_exporting_again_replaces_the_folder(demo, tmp_path):
    first = export_mod.export(tmp_path)
    (first / "stale.parquet").write_bytes(b"old")
    second = export_mod.export(tmp_path)
    assert first == second and not (second / "stale.parquet").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county=150823"]


def test_command_and_no_warehouse(demo, tmp_path, monkeypatch, capsys):
    assert cli.main(["export", "--out", str(tmp_path / "x")]) == 0
    out = capsys.readouterr().out
    assert "county=150823" in out and "Parquet" in out
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "none.duckdb"))
    assert cli.main(["export", "--out", str(tmp_path / "y")]) == 2
    assert not (tmp_path / "y").exists()
