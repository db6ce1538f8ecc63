//! A result table written as CSV, Parquet or both (`--format`): the same rows go to each, so
//! the two hold the same schema and values (`<stem>.csv`, `<stem>.parquet`).

use crate::output::batch_out::CsvFile;
use crate::output::parquet_out::{Kind, ParquetFile};
use anyhow::Result;
use std::path::Path;

/// Which files a table is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub csv: bool,
    pub parquet: bool,
}

impl Formats {
    pub const CSV: Formats = Formats { csv: true, parquet: false };

    /// The file names of a table `stem` in these formats, CSV first.
    pub fn files(&self, stem: &str) -> Vec<String> {
        let mut v = Vec::new();
        if self.csv {
            v.push(format!("{stem}.csv"));
        }
        if self.parquet {
            v.push(format!("{stem}.parquet"));
        }
        v
    }
}

/// A table being written, row by row, to its CSV and/or Parquet file.
pub struct TableFile {
    csv: Option<CsvFile>,
    parquet: Option<ParquetFile>,
}

impl TableFile {
    /// Create `dir/<stem>.csv` and/or `dir/<stem>.parquet` with these columns (the CSV header
    /// is their names).
    pub fn create(dir: &Path, stem: &str, columns: &[(&str, Kind)], formats: Formats) -> Result<Self> {
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        let csv = if formats.csv { Some(CsvFile::create(&dir.join(format!("{stem}.csv")), &names)?) } else { None };
        let parquet = if formats.parquet { Some(ParquetFile::create(&dir.join(format!("{stem}.parquet")), columns)?) } else { None };
        Ok(TableFile { csv, parquet })
    }

    /// One row, as text fields (numbers formatted as the CSV shows them).
    pub fn row<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(&mut self, rec: I) -> Result<()> {
        let fields: Vec<S> = rec.into_iter().collect();
        if let Some(c) = &mut self.csv {
            c.row(fields.iter().map(|f| f.as_ref()))?;
        }
        if let Some(p) = &mut self.parquet {
            p.row(fields.iter().map(|f| f.as_ref()))?;
        }
        Ok(())
    }

    /// Flush and move the files into place.
    pub fn finish(self) -> Result<()> {
        if let Some(c) = self.csv {
            c.finish()?;
        }
        if let Some(p) = self.parquet {
            p.finish()?;
        }
        Ok(())
    }
}
