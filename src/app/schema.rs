//! `tradesim schema`: print the JSON Schema of scenario files (`scenario::schema`) or, with
//! `--batch`, of batch files (`batch::schema`), pretty-printed with a final newline (the
//! files in schema/ are this output, byte for byte).

use anyhow::Result;
use std::io::Write;

/// The schema's text as `tradesim schema` prints it.
pub fn text(batch: bool) -> Result<String> {
    let v = if batch { crate::batch::schema::batch_schema() } else { crate::scenario::schema::scenario_schema() };
    Ok(serde_json::to_string_pretty(&v)? + "\n")
}

pub(super) fn print(batch: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text(batch)?.as_bytes())?;
    out.flush()?;
    Ok(())
}
