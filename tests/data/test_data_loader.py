"""Shipped data snapshots: every file loads and matches its sidecar; a malformed one is rejected
with a one-line error naming the file, line, column and value."""

from __future__ import annotations

import json
import shutil
import tomllib

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from recloop import data as D
from recloop.data import cli as data_cli
from recloop.params import RecloopInputError

SHIPPED = D.names()


def test_the_expected_datasets_ship():
    assert {"epoch_models", "epoch_gpu_prices", "metr_horizons_1_0", "metr_horizons_1_1"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_file_loads_and_matches_its_sidecar(name):
    d = D.load(name)
    m = d.meta
    assert d.rows == m["rows"] > 0
    assert list(d.columns) == [c["name"] for c in m["columns"]]
    assert all(m["origin"][k] for k in ("repo", "path", "commit")) and len(m["origin"]["commit"]) == 40
    assert m["licence"] and m["source"] and m["retrieved"]
    for c in m["columns"]:
        v = d[c["name"]]
        assert v.size == d.rows
        if c["type"] == "float" and c.get("required", True):
            assert np.isfinite(v).all()
    assert d.years.min() == pytest.approx(D.decimal_year(m["first_date"]))
    assert d.years.max() == pytest.approx(D.decimal_year(m["last_date"]))


def test_metr_sidecars_carry_the_published_doubling_times():
    t11 = D.load("metr_horizons_1_1").meta["published"]["doubling_time_days"]
    assert t11["from_2023_on"]["ci_low"] < t11["from_2023_on"]["point_estimate"] < t11["from_2023_on"]["ci_high"]
    assert t11["all_time_stitched"]["point_estimate"] == pytest.approx(196.475)
    t10 = D.load("metr_horizons_1_0").meta["published"]["doubling_time_days"]
    assert t10["2019_2025"]["point_estimate"] == pytest.approx(212.0)


def test_decimal_year_closed_form():
    assert D.decimal_year("2024-01-01") == 2024.0
    assert D.decimal_year("2023-07-02") == pytest.approx(2023 + 182 / 365)
    assert D.decimal_year("2024-07-02") == pytest.approx(2024 + 183 / 366)


def test_frontier_series_keeps_only_new_records_after_since():
    years = np.array([2018.0, 2019.5, 2019.0, 2020.0, 2021.0, 2022.0])
    vals = np.array([5.0, 4.0, 6.0, np.nan, 7.0, 6.5])
    y, v = D.frontier_series(years, vals, since=2019.2)
    # 2019.0 sets the record 6 (before since: counted, not returned); 2019.5 (4) is not a record
    assert y.tolist() == [2021.0] and v.tolist() == [7.0]
    y, v = D.frontier_series(years, vals)
    assert v.tolist() == [5.0, 6.0, 7.0]


# ---------------------------------------------------------------- malformed files


@pytest.fixture()
def copy(tmp_path):
    for name in ("metr_horizons_1_1",):
        for ext in ("csv", "toml"):
            shutil.copy(D.DATA_DIR / f"{name}.{ext}", tmp_path / f"{name}.{ext}")
    return tmp_path


def _one_line(err):
    assert all("\n" not in p for p in err.problems)
    return err.problems


def test_a_copy_loads_like_the_original(copy):
    a, b = D.load("metr_horizons_1_1"), D.load("metr_horizons_1_1", copy)
    assert np.array_equal(a["p50_estimate_minutes"], b["p50_estimate_minutes"])


def test_non_number_in_a_float_column_is_rejected_with_line_column_and_value(copy):
    p = copy / "metr_horizons_1_1.csv"
    lines = p.read_text().splitlines()
    cells = lines[3].split(",")
    cells[3] = "lots"
    lines[3] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecloopInputError) as e:
        D.load("metr_horizons_1_1", copy)
    (msg,) = _one_line(e.value)
    assert "line 4" in msg and "p50_estimate_minutes" in msg and "'lots'" in msg and "finite number" in msg


@pytest.mark.parametrize("bad", ["nan", "inf"])
def test_non_finite_numbers_are_rejected(copy, bad):
    p = copy / "metr_horizons_1_1.csv"
    lines = p.read_text().splitlines()
    cells = lines[1].split(",")
    cells[3] = bad
    lines[1] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecloopInputError, match="finite number"):
        D.load("metr_horizons_1_1", copy)


def test_bad_date_and_bool_and_empty_required_cell(copy):
    p = copy / "metr_horizons_1_1.csv"
    lines = p.read_text().splitlines()
    c1, c2, c3 = lines[1].split(","), lines[2].split(","), lines[3].split(",")
    c1[1] = "2024-13-01"
    c2[2] = "yes"
    c3[0] = ""
    lines[1:4] = [",".join(c1), ",".join(c2), ",".join(c3)]
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecloopInputError) as e:
        D.load("metr_horizons_1_1", copy)
    probs = _one_line(e.value)
    assert any("release_date" in m and "ISO date" in m for m in probs)
    assert any("is_sota" in m and "true or false" in m for m in probs)
    assert any("column model: empty" in m for m in probs)


def test_header_row_count_and_date_range_must_match_the_sidecar(copy):
    p = copy / "metr_horizons_1_1.csv"
    text = p.read_text()
    p.write_text(text.replace("p50_estimate_minutes", "p50", 1))
    with pytest.raises(RecloopInputError, match="header must be exactly"):
        D.load("metr_horizons_1_1", copy)
    lines = text.splitlines()
    p.write_text("\n".join(lines[:-1]) + "\n")  # drop the last row: count and date range disagree
    with pytest.raises(RecloopInputError, match="data rows, but the sidecar says rows"):
        D.load("metr_horizons_1_1", copy)
    p.write_text("\n".join(lines[:2] + [lines[2].replace(",", ",,", 1)] + lines[3:]) + "\n")
    with pytest.raises(RecloopInputError, match="line 3: 10 fields, expected 9"):
        D.load("metr_horizons_1_1", copy)


def test_sidecar_problems(copy):
    s = copy / "metr_horizons_1_1.toml"
    text = s.read_text()
    s.write_text(text.replace('licence = ', 'licens = ', 1))
    with pytest.raises(RecloopInputError, match="missing key 'licence'"):
        D.load("metr_horizons_1_1", copy)
    s.write_text(text.replace('[origin]', '[provenance]', 1))
    with pytest.raises(RecloopInputError, match=r"\[origin\] must give repo, path and commit"):
        D.load("metr_horizons_1_1", copy)
    s.write_text(text.replace('type = "float"', 'type = "number"', 1))
    with pytest.raises(RecloopInputError, match="must be one of str, float, date, bool, got 'number'"):
        D.load("metr_horizons_1_1", copy)
    s.write_text(text + "\n[[[broken")
    with pytest.raises(RecloopInputError, match="not valid TOML"):
        D.load("metr_horizons_1_1", copy)
    s.write_text(text)
    (copy / "metr_horizons_1_1.csv").unlink()
    with pytest.raises(RecloopInputError, match="no such data file"):
        D.load("metr_horizons_1_1", copy)


def test_unknown_dataset_names_the_shipped_ones():
    with pytest.raises(RecloopInputError) as e:
        D.load("epoch_modles")
    (msg,) = e.value.problems
    assert "unknown dataset 'epoch_modles'" in msg and "epoch_models" in msg


def test_every_sidecar_is_valid_toml_with_its_own_name():
    for name in SHIPPED:
        meta = tomllib.loads((D.DATA_DIR / f"{name}.toml").read_text())
        assert meta["name"] == name


# ---------------------------------------------------------------- recloop data


def test_recloop_data_json_lists_name_source_licence_rows_dates():
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """test group"""

    data_cli.register(app)
    res = CliRunner().invoke(app, ["data", "--json"])
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    assert set(rows) == set(SHIPPED)
    for name, r in rows.items():
        assert r["rows"] == D.load(name).rows
        assert r["source"] and r["licence"] and r["first_date"] <= r["last_date"]
    table = CliRunner().invoke(app, ["data"])
    assert table.exit_code == 0 and "metr_horizons_1_1" in table.stdout


def test_frontier_series_keeps_the_largest_of_same_day_records():
    y, v = D.frontier_series(np.array([2020.0, 2020.5, 2020.5]), np.array([1.0, 2.0, 3.0]))
    assert y.tolist() == [2020.0, 2020.5] and v.tolist() == [1.0, 3.0]
