"""The reader on small results written by the tradesim binary (CSV and Parquet of one run and of
one batch). Skipped, with a message, when the binary is not built."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import tradesim_reader as tr

ROOT = Path(__file__).resolve().parents[2]


def _binary():
    if os.environ.get("TRADESIM_BIN"):
        # named explicitly (as .ci/run does): a missing binary is a failure, not a skip
        return os.environ["TRADESIM_BIN"]
    cands = []
    target = os.environ.get("CARGO_TARGET_DIR")
    for t in ([Path(target)] if target else []) + [ROOT / "target"]:
        cands += [t / "release" / "tradesim", t / "debug" / "tradesim"]
    for c in cands:
        if c and Path(c).is_file():
            return str(c)
    return shutil.which("tradesim")


BIN = _binary()
pytestmark = pytest.mark.skipif(BIN is None, reason="tradesim binary not built: run `cargo build` (or set TRADESIM_BIN) first")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("r") / "run"
    subprocess.run([BIN, "run", "scenarios/sanctions_2022.toml", "--runs", "6", "--seed", "2", "-q", "--keep-runs", "--no-charts", "--format", "both", "--out", str(out)], cwd=ROOT, check=True)
    return out


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("b") / "batch"
    subprocess.run([BIN, "batch", "scenarios/interdependence.batch.toml", "--runs", "2", "--threads", "2", "-q", "--format", "both", "--out", str(out)], cwd=ROOT, check=True)
    return out


def test_run_csv_and_parquet_give_the_same_frames(run_dir):
    pq = tr.load(run_dir)
    csv = tr.load(run_dir, prefer="csv")
    # sanctions_2022 names its baseline: the paired differences come too
    assert pq.kind == "run" and set(pq) == {"summary", "annual", "runs", "vs_baseline", "vs_baseline_annual"}
    assert pq.sources["summary"].suffix == ".parquet" and csv.sources["summary"].suffix == ".csv"
    for name in pq:
        a, b = pq[name], csv[name]
        assert list(a.columns) == list(b.columns)
        assert [str(t) for t in a.dtypes] == [str(t) for t in b.dtypes], name
        assert a.equals(b), name
    s = pq.summary
    assert list(s.columns) == ["date", "exporter", "importer", "sector", "metric", "mean", "p05", "p25", "p50", "p75", "p95"]
    assert s.attrs["manifest"]["runs"] == 6 and pq.manifest["seed"] == 2
    assert len(pq.manifest["calibration_sha256"]) == 64 and "command_line" in pq.manifest
    row = pq.annual.query("date == '2023' and exporter == 'RU' and importer == 'CN' and sector == 'all' and metric == 'trade'")
    assert len(row) == 1 and row["p05"].iloc[0] <= row["p50"].iloc[0] <= row["p95"].iloc[0]
    assert sorted(pq.runs["run"].unique()) == list(range(6))
    d = pq.vs_baseline_annual
    assert list(d.columns) == list(s.columns) and set(d["metric"]).issuperset({"trade_diff", "trade_pct"})
    # paired differences are signed: a ban cuts RU->US trade below the baseline's
    cut = d.query("date == '2023' and exporter == 'RU' and importer == 'US' and sector == 'all' and metric == 'trade_diff'")
    assert len(cut) == 1 and cut["p50"].iloc[0] < 0


def test_batch_frames_and_types(batch_dir):
    b = tr.load(batch_dir)
    assert b.kind == "batch" and set(b) == {"summary", "annual", "variants", "indicators"}
    v = b.variants
    assert len(v) == 18 and str(v["seed"].dtype) == "uint64" and str(v["counterfactual"].dtype) == "bool"
    assert str(v["params.gamma"].dtype) == "float64"
    c = tr.load(batch_dir, prefer="csv")
    for name in b:
        assert b[name].equals(c[name]), name
    ratio = b.indicators.query("indicator == 'ru_gdp_ratio_of_medians_to_counterfactual'")
    assert ratio["p50"].notna().all() and ratio["p05"].isna().all()


def test_polars(run_dir, batch_dir):
    pl = pytest.importorskip("polars", reason="Polars not installed")
    r = tr.load(run_dir, engine="polars")
    assert isinstance(r.summary, pl.DataFrame) and r.summary.columns[0] == "date"
    c = tr.load(run_dir, engine="polars", prefer="csv")
    assert r.summary.equals(c.summary)
    assert tr.load(batch_dir, engine="polars").variants.height == 18


def test_not_a_result(tmp_path):
    with pytest.raises(FileNotFoundError, match="no manifest.json"):
        tr.load(tmp_path)
