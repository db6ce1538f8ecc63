//! Parquet files: the same tables as the CSV files, typed (`summary`, `annual`, `runs`,
//! `variants`, `indicators`). A `ParquetFile` takes the very records the CSV writers write
//! (text) and stores each column with its type: key columns (dates, economies, sectors,
//! metrics, indicator names) as dictionary-encoded strings, counts as INT64, the seed as
//! unsigned INT64, flags as BOOLEAN, numbers as optional DOUBLE (empty in the CSV = null), so
//! the values are the CSV's, digit for digit. Row groups hold a fixed number of rows and the
//! files carry no timestamps: the same rows give the same bytes, whatever the thread count or
//! sharding. Written under `<name>.partial` and renamed by `finish`.

use anyhow::{anyhow, Context, Result};
use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnPath, Type};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per row group (a fixed count, so the bytes do not depend on how rows arrive).
pub const ROW_GROUP_ROWS: usize = 1 << 17;

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A string with few distinct values, dictionary-encoded (dates, economies, sectors, ...).
    Key,
    /// A string, plain.
    Text,
    /// A whole number (INT64).
    Int,
    /// An unsigned 64-bit whole number (INT64 with the unsigned logical type): seeds.
    U64,
    /// `true`/`false`.
    Bool,
    /// A number; empty text is null (DOUBLE, optional).
    Num,
}

enum Data {
    Bytes(Vec<ByteArray>),
    Ints(Vec<i64>),
    Bools(Vec<bool>),
    Nums(Vec<f64>, Vec<i16>),
}

/// A Parquet file being written, row by row.
pub struct ParquetFile {
    writer: SerializedFileWriter<BufWriter<File>>,
    names: Vec<String>,
    kinds: Vec<Kind>,
    data: Vec<Data>,
    rows: usize,
    tmp: PathBuf,
    dest: PathBuf,
}

fn column(name: &str, kind: Kind) -> Result<Arc<Type>> {
    let b = match kind {
        Kind::Key | Kind::Text => Type::primitive_type_builder(name, Physical::BYTE_ARRAY).with_logical_type(Some(LogicalType::String)),
        Kind::Int => Type::primitive_type_builder(name, Physical::INT64),
        Kind::U64 => Type::primitive_type_builder(name, Physical::INT64)
            .with_logical_type(Some(LogicalType::Integer(parquet::basic::IntType { bit_width: 64, is_signed: false }))),
        Kind::Bool => Type::primitive_type_builder(name, Physical::BOOLEAN),
        Kind::Num => Type::primitive_type_builder(name, Physical::DOUBLE),
    };
    let rep = if kind == Kind::Num { Repetition::OPTIONAL } else { Repetition::REQUIRED };
    Ok(Arc::new(b.with_repetition(rep).build()?))
}

impl ParquetFile {
    /// Create `dest` (under a temporary name) with these columns.
    pub fn create(dest: &Path, columns: &[(&str, Kind)]) -> Result<Self> {
        let fields = columns.iter().map(|(n, k)| column(n, *k)).collect::<Result<Vec<_>>>()?;
        let schema = Arc::new(Type::group_type_builder("schema").with_fields(fields).build()?);
        let mut props = WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_1_0)
            .set_compression(Compression::SNAPPY)
            .set_dictionary_enabled(false)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by("tradesim".to_owned());
        for (n, k) in columns {
            if *k == Kind::Key {
                props = props.set_column_dictionary_enabled(ColumnPath::from(*n), true);
            }
        }
        let tmp = dest.with_extension("parquet.partial");
        let file = File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let writer = SerializedFileWriter::new(BufWriter::new(file), schema, Arc::new(props.build()))?;
        let data = columns
            .iter()
            .map(|(_, k)| match k {
                Kind::Key | Kind::Text => Data::Bytes(Vec::new()),
                Kind::Int | Kind::U64 => Data::Ints(Vec::new()),
                Kind::Bool => Data::Bools(Vec::new()),
                Kind::Num => Data::Nums(Vec::new(), Vec::new()),
            })
            .collect();
        Ok(ParquetFile {
            writer,
            names: columns.iter().map(|(n, _)| n.to_string()).collect(),
            kinds: columns.iter().map(|(_, k)| *k).collect(),
            data,
            rows: 0,
            tmp,
            dest: dest.to_path_buf(),
        })
    }

    /// One row, as the CSV writer's text fields.
    pub fn row<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(&mut self, rec: I) -> Result<()> {
        let mut n = 0;
        for (i, field) in rec.into_iter().enumerate() {
            let f = field.as_ref();
            let bad = || anyhow!("{}: column `{}`: `{}` is not a {:?}", self.dest.display(), self.names[i], String::from_utf8_lossy(f), self.kinds[i]);
            let text = std::str::from_utf8(f).map_err(|_| bad())?;
            match (self.data.get_mut(i).ok_or_else(|| anyhow!("{}: a row longer than the header", self.dest.display()))?, self.kinds[i]) {
                (Data::Bytes(v), _) => v.push(ByteArray::from(f.to_vec())),
                (Data::Ints(v), Kind::U64) => v.push(text.parse::<u64>().map_err(|_| bad())? as i64),
                (Data::Ints(v), _) => v.push(text.parse::<i64>().map_err(|_| bad())?),
                (Data::Bools(v), _) => v.push(text.parse::<bool>().map_err(|_| bad())?),
                (Data::Nums(v, def), _) => {
                    if text.is_empty() {
                        def.push(0);
                    } else {
                        v.push(text.parse::<f64>().map_err(|_| bad())?);
                        def.push(1);
                    }
                }
            }
            n += 1;
        }
        if n != self.names.len() {
            return Err(anyhow!("{}: a row of {n} fields, the header has {}", self.dest.display(), self.names.len()));
        }
        self.rows += 1;
        if self.rows == ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Write the buffered rows as one row group.
    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut rg = self.writer.next_row_group()?;
        let mut i = 0;
        while let Some(mut col) = rg.next_column()? {
            match (col.untyped(), &mut self.data[i]) {
                (ColumnWriter::ByteArrayColumnWriter(w), Data::Bytes(v)) => {
                    w.write_batch(v, None, None)?;
                    v.clear();
                }
                (ColumnWriter::Int64ColumnWriter(w), Data::Ints(v)) => {
                    w.write_batch(v, None, None)?;
                    v.clear();
                }
                (ColumnWriter::BoolColumnWriter(w), Data::Bools(v)) => {
                    w.write_batch(v, None, None)?;
                    v.clear();
                }
                (ColumnWriter::DoubleColumnWriter(w), Data::Nums(v, def)) => {
                    w.write_batch(v, Some(def.as_slice()), None)?;
                    v.clear();
                    def.clear();
                }
                _ => return Err(anyhow!("{}: column `{}` has the wrong writer", self.dest.display(), self.names[i])),
            }
            col.close()?;
            i += 1;
        }
        rg.close()?;
        self.rows = 0;
        Ok(())
    }

    /// Write the last row group and the footer, and move the file into place.
    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        let inner = self.writer.into_inner().with_context(|| format!("cannot write {}", self.tmp.display()))?;
        let file = inner.into_inner().map_err(|e| anyhow!("cannot write {}: {e}", self.tmp.display()))?;
        file.sync_all().ok();
        drop(file);
        std::fs::rename(&self.tmp, &self.dest).with_context(|| format!("cannot move {} into place", self.dest.display()))
    }
}

/// The columns of a run's `summary.parquet` and `annual.parquet` (with `variant` first in a
/// batch's).
pub fn summary_columns(batch: bool) -> Vec<(&'static str, Kind)> {
    let mut c = if batch { vec![("variant", Kind::Int)] } else { Vec::new() };
    c.extend([("date", Kind::Key), ("exporter", Kind::Key), ("importer", Kind::Key), ("sector", Kind::Key), ("metric", Kind::Key)]);
    c.extend(["mean", "p05", "p25", "p50", "p75", "p95"].map(|q| (q, Kind::Num)));
    c
}

/// The columns of `runs.parquet`.
pub const RUNS_COLUMNS: [(&str, Kind); 5] = [("run", Kind::Int), ("year", Kind::Int), ("exporter", Kind::Key), ("importer", Kind::Key), ("value_usd", Kind::Num)];

/// The columns of a batch's `indicators.parquet`.
pub const INDICATOR_COLUMNS: [(&str, Kind); 10] = [
    ("variant", Kind::Int),
    ("indicator", Kind::Key),
    ("year", Kind::Int),
    ("subject", Kind::Key),
    ("mean", Kind::Num),
    ("p05", Kind::Num),
    ("p25", Kind::Num),
    ("p50", Kind::Num),
    ("p75", Kind::Num),
    ("p95", Kind::Num),
];
