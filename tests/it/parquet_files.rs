//! `--format parquet|both`: the Parquet tables hold the CSV tables' rows and values exactly,
//! with dictionary-encoded key columns, and their bytes do not depend on the thread count or
//! on sharding. Read back with the parquet crate's record reader.

use crate::batch::{batch, setup, GRID};
use crate::common::tradesim;
use parquet::basic::Encoding;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use std::path::Path;

/// Every row of a Parquet file as text, as the CSV writes it (numbers compared as numbers).
fn parquet_rows(path: &Path) -> (Vec<String>, Vec<Vec<Field>>) {
    let r = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let names = r.metadata().file_metadata().schema_descr().columns().iter().map(|c| c.name().to_owned()).collect();
    let rows = r.get_row_iter(None).unwrap().map(|row| row.unwrap().get_column_iter().map(|(_, f)| f.clone()).collect()).collect();
    (names, rows)
}

/// The Parquet file `stem.parquet` has the columns and rows of `stem.csv`.
fn assert_same_table(dir: &Path, stem: &str) -> usize {
    let (names, rows) = parquet_rows(&dir.join(format!("{stem}.parquet")));
    let mut csv = csv::Reader::from_path(dir.join(format!("{stem}.csv"))).unwrap();
    assert_eq!(names, csv.headers().unwrap().iter().collect::<Vec<_>>(), "{stem}");
    let recs: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), recs.len(), "{stem}: row count");
    for (i, (row, rec)) in rows.iter().zip(&recs).enumerate() {
        for ((field, text), name) in row.iter().zip(rec.iter()).zip(&names) {
            let same = match field {
                Field::Str(s) => s == text,
                Field::Long(n) => n.to_string() == text,
                Field::ULong(n) => n.to_string() == text,
                Field::Bool(b) => b.to_string() == text,
                Field::Double(x) => text.parse::<f64>().is_ok_and(|y| y == *x),
                Field::Null => text.is_empty(),
                other => panic!("{stem}: unexpected {other:?}"),
            };
            assert!(same, "{stem} row {i} column {name}: parquet {field:?}, csv `{text}`");
        }
    }
    rows.len()
}

/// The encodings of a column's chunks in the first row group.
fn encodings(path: &Path, column: &str) -> Vec<Encoding> {
    let r = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let rg = r.metadata().row_group(0);
    let c = rg.columns().iter().find(|c| c.column_path().string() == column).unwrap_or_else(|| panic!("no column {column}"));
    c.encodings().collect()
}

fn is_dict(e: &[Encoding]) -> bool {
    e.contains(&Encoding::RLE_DICTIONARY) || e.contains(&Encoding::PLAIN_DICTIONARY)
}

#[test]
fn run_parquet_holds_the_csv_values_with_dictionary_keys_and_same_bytes_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let both = dir.path().join("both");
    tradesim().args(["run", "scenarios/sanctions_2022.toml", "--runs", "20", "--seed", "3", "-q", "--keep-runs", "--no-charts", "--format", "both", "--threads", "1", "--out"]).arg(&both).assert().success();
    // sanctions_2022 names its baseline: the paired differences are tables too
    for stem in ["summary", "annual", "runs", "vs_baseline", "vs_baseline_annual"] {
        assert!(assert_same_table(&both, stem) > 100, "{stem}");
    }
    for key in ["date", "exporter", "importer", "sector", "metric"] {
        assert!(is_dict(&encodings(&both.join("summary.parquet"), key)), "{key}: {:?}", encodings(&both.join("summary.parquet"), key));
    }
    assert!(!is_dict(&encodings(&both.join("summary.parquet"), "p50")));
    let manifest = std::fs::read_to_string(both.join("manifest.json")).unwrap();
    for f in ["summary.parquet", "runs.parquet", "vs_baseline.parquet", "vs_baseline_annual.parquet"] {
        assert!(manifest.contains(&format!("\"{f}\"")), "{f} not in {manifest}");
    }

    // Parquet alone: no CSV, no charts; the same bytes on two threads
    let only = dir.path().join("only");
    tradesim().args(["run", "scenarios/sanctions_2022.toml", "--runs", "20", "--seed", "3", "-q", "--keep-runs", "--format", "parquet", "--threads", "2", "--out"]).arg(&only).assert().success();
    for f in ["summary.parquet", "annual.parquet", "runs.parquet", "vs_baseline.parquet", "vs_baseline_annual.parquet"] {
        assert!(std::fs::read(both.join(f)).unwrap() == std::fs::read(only.join(f)).unwrap(), "{f} differs between 1 and 2 threads");
    }
    for absent in ["summary.csv", "annual.csv", "runs.csv", "vs_baseline.csv", "vs_baseline_annual.csv", "index.html", "charts"] {
        assert!(!only.join(absent).exists(), "{absent} written with --format parquet");
    }
}

#[test]
fn batch_parquet_is_byte_identical_across_threads_and_shards() {
    let (dir, b) = setup(GRID);
    let (one, two) = (dir.path().join("t1"), dir.path().join("t2"));
    batch(&b, &one, &["--threads", "1", "--format", "both"]).success();
    batch(&b, &two, &["--threads", "2", "--format", "parquet"]).success();
    let files = ["variants.parquet", "summary.parquet", "annual.parquet", "indicators.parquet"];
    for f in files {
        assert!(std::fs::read(one.join(f)).unwrap() == std::fs::read(two.join(f)).unwrap(), "{f} differs between 1 and 2 threads");
    }
    for stem in ["variants", "summary", "annual", "indicators"] {
        assert_same_table(&one, stem);
    }
    // typed: the seed unsigned, the flag a boolean, a varied path a number
    let (names, rows) = parquet_rows(&one.join("variants.parquet"));
    assert_eq!(names, ["variant", "scenario", "seed", "runs", "counterfactual", "params.gamma", "rule.eu_aligns.probability"]);
    assert!(matches!(rows[0][2], Field::ULong(_)) && matches!(rows[0][4], Field::Bool(true)) && matches!(rows[0][5], Field::Double(_)), "{:?}", rows[0]);
    assert!(!two.join("index.html").exists() && !two.join("summary.csv").exists());

    let shards: Vec<_> = (0..3).map(|k| dir.path().join(format!("s{k}"))).collect();
    for (k, s) in shards.iter().enumerate() {
        batch(&b, s, &["--shard", &format!("{k}/3"), "--threads", "1"]).success();
    }
    let merged = dir.path().join("merged");
    tradesim().arg("merge").args(&shards).arg("--out").arg(&merged).args(["--format", "parquet"]).assert().success();
    for f in files {
        assert!(std::fs::read(one.join(f)).unwrap() == std::fs::read(merged.join(f)).unwrap(), "{f} differs between sharded and unsharded");
    }
}
