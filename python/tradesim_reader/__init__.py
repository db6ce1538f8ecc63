"""Load tradesim result directories (``tradesim run``) and batch directories (``tradesim batch``)
as pandas or Polars data frames, with ``manifest.json`` as metadata.

The tables are read from Parquet (``--format parquet`` or ``both``) when the file is there and
the engine can read it, else from CSV; both hold the same columns and values. CSV columns are
given the types the Parquet files have: key columns as text, counts as integers, the seed as an
unsigned integer, ``counterfactual`` as a boolean, the numbers as floats (empty = missing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Union

__all__ = ["load", "Result", "TABLES"]
__version__ = "0.1.0"

#: The tables a result or batch directory may hold, in the order they are listed
#: (``vs_baseline*``: a run's paired differences against its baseline, when it has one).
TABLES = ("summary", "annual", "runs", "vs_baseline", "vs_baseline_annual", "variants", "indicators")

_TEXT = {"date", "exporter", "importer", "sector", "metric", "indicator", "subject", "scenario"}
_INT = {"variant", "run", "year", "runs"}
_UINT = {"seed"}
_BOOL = {"counterfactual"}


@dataclass
class Result:
    """A loaded result directory: its manifest and its tables (data frames by name)."""

    path: Path
    manifest: Dict[str, Any]
    tables: Dict[str, Any] = field(default_factory=dict)
    #: Per table, the file it was read from.
    sources: Dict[str, Path] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``"batch"`` or ``"run"``."""
        return "batch" if "batch" in self.manifest else "run"

    def __getitem__(self, name: str):
        return self.tables[name]

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __getattr__(self, name: str):
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in TABLES:
            raise AttributeError(f"{self.__dict__.get('path')}: no {name} table (files: {sorted(tables)})")
        raise AttributeError(name)


def _csv_dtypes(columns: List[str]) -> Dict[str, Any]:
    d: Dict[str, Any] = {}
    for c in columns:
        if c in _TEXT:
            d[c] = "string"
        elif c in _INT:
            d[c] = "int64"
        elif c in _UINT:
            d[c] = "uint64"
        elif c in _BOOL:
            d[c] = "bool"
        else:
            d[c] = "float64"
    return d


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _read_pandas(path: Path, manifest: Dict[str, Any]):
    import pandas as pd

    if path.suffix == ".parquet":
        df = pd.read_parquet(path)
        for c in df.columns:
            if c in _TEXT:
                df[c] = df[c].astype("string")
    else:
        header = pd.read_csv(path, nrows=0).columns.tolist()
        types = _csv_dtypes(header)
        # a batch's varied paths may be dates (text): keep a column as text if it is not numeric
        num = {c for c, t in types.items() if t == "float64"}
        # empty text stays "" (as in Parquet: world_price rows have no exporter); an empty
        # number is missing; floats parsed exactly as written
        # (pandas 3 parses exactly by default and deprecates the argument)
        exact = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
        df = pd.read_csv(path, dtype={c: t for c, t in types.items() if c not in num}, keep_default_na=False, na_values={c: [""] for c in num}, **exact)
        for c in num:
            converted = pd.to_numeric(df[c], errors="coerce")
            if converted.isna().sum() == df[c].isna().sum():
                df[c] = converted.astype("float64")
            else:
                df[c] = df[c].astype("string")
    df.attrs["manifest"] = manifest
    df.attrs["source"] = str(path)
    return df


def _read_polars(path: Path, manifest: Dict[str, Any]):
    import polars as pl

    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    header = pl.read_csv(path, n_rows=0).columns
    overrides = {}
    for c, t in _csv_dtypes(header).items():
        overrides[c] = {"string": pl.Utf8, "int64": pl.Int64, "uint64": pl.UInt64, "bool": pl.Boolean, "float64": pl.Float64}[t]
    try:
        df = pl.read_csv(path, schema_overrides=overrides)
    except Exception:  # a varied date column: let Polars infer the other columns' types
        df = pl.read_csv(path, schema_overrides={c: t for c, t in overrides.items() if t != pl.Float64})
    # empty text stays "" (as in Parquet: world_price rows have no exporter)
    text = [c for c in df.columns if c in _TEXT]
    return df.with_columns(pl.col(text).fill_null("")) if text else df


def load(path: Union[str, Path], engine: str = "pandas", prefer: str = "parquet", tables: Optional[List[str]] = None) -> Result:
    """Load a tradesim result or batch directory.

    ``engine``: ``"pandas"`` (frames carry the manifest in ``df.attrs["manifest"]``) or
    ``"polars"``. ``prefer``: ``"parquet"`` (default: the Parquet file when there is one and the
    engine reads it) or ``"csv"``. ``tables``: the names to load (default: every table found).
    """
    p = Path(path)
    mpath = p / "manifest.json"
    if not mpath.is_file():
        raise FileNotFoundError(f"{p}: no manifest.json; is it a directory written by tradesim run or batch?")
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    if engine not in ("pandas", "polars"):
        raise ValueError(f"engine must be 'pandas' or 'polars', not {engine!r}")
    if prefer not in ("parquet", "csv"):
        raise ValueError(f"prefer must be 'parquet' or 'csv', not {prefer!r}")
    parquet_ok = engine == "polars" or _has_pyarrow()
    result = Result(path=p, manifest=manifest)
    for name in tables or TABLES:
        pq, csv = p / f"{name}.parquet", p / f"{name}.csv"
        order = [pq, csv] if prefer == "parquet" else [csv, pq]
        found = [f for f in order if f.is_file() and (f.suffix == ".csv" or parquet_ok)]
        if not found:
            if tables and name in tables:
                hint = " (install pyarrow to read Parquet with pandas)" if pq.is_file() else ""
                raise FileNotFoundError(f"{p}: no {name}.csv or readable {name}.parquet{hint}")
            continue
        src = found[0]
        result.tables[name] = _read_pandas(src, manifest) if engine == "pandas" else _read_polars(src, manifest)
        result.sources[name] = src
    return result
