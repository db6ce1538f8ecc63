//! `design = "table"`: the variants come from a CSV, one column per dotted path and one row
//! per variant (a design made elsewhere: SALib's or the EMA Workbench's samples, a hand-made
//! list). Pure: the batch command reads the file and hands its text here; the columns become
//! the batch's `[[vary]]` entries, row k the k-th value of each (as the points design).

use super::{Batch, Vary};

/// Read a design table into `batch.vary`. A first column with an empty header (a pandas
/// index) is left out; every other header is a dotted path, every cell a number or, for the
/// date paths, a `YYYY-MM` string.
pub fn fill(batch: &mut Batch, text: &str, file: &str) -> Result<(), String> {
    let mut r = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().map_err(|e| format!("{file}: {e}"))?.iter().map(str::to_owned).collect();
    let skip = usize::from(header.first().is_some_and(|h| h.is_empty()));
    let paths = &header[skip..];
    if paths.is_empty() {
        return Err(format!("{file}: no columns; the first line names the dotted paths, e.g. params.gamma,rule.eu_aligns.probability"));
    }
    let mut problems = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        if p.is_empty() {
            problems.push(format!("{file}: column {} has no name; every column is a dotted path", i + skip + 1));
        } else if paths[..i].contains(p) {
            problems.push(format!("{file}: column `{p}` appears twice"));
        }
    }
    let mut vary: Vec<Vary> = paths.iter().map(|p| Vary { path: p.clone(), values: Vec::new(), range: None, prior: false }).collect();
    for (line, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| format!("{file}: {e}"))?;
        for (j, v) in vary.iter_mut().enumerate() {
            let cell = rec.get(j + skip).unwrap_or("");
            let value = match cell.parse::<f64>() {
                Ok(x) if x.is_finite() => toml::Value::Float(x),
                _ if cell.len() == 7 && cell.as_bytes()[4] == b'-' => toml::Value::String(cell.to_owned()),
                _ => {
                    problems.push(format!("{file}: line {}: `{}` = {cell:?} is not a number (or a YYYY-MM date)", line + 2, v.path));
                    continue;
                }
            };
            v.values.push(value);
        }
    }
    if vary[0].values.is_empty() && problems.is_empty() {
        problems.push(format!("{file}: no rows; each row below the header is one variant"));
    }
    if !problems.is_empty() {
        problems.truncate(20);
        return Err(problems.join("\n"));
    }
    batch.vary = vary;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::batch::parse_batch;

    #[test]
    fn a_table_fills_the_points() {
        let mut b = parse_batch("design='table'\ntable='d.csv'\n[[scenario]]\npath='a'\n", "b").unwrap();
        super::fill(&mut b, ",params.gamma,end\n0,0.5,2025-12\n1,2,2026-06\n", "d.csv").unwrap();
        assert_eq!(b.vary.len(), 2);
        assert_eq!(b.points(), vec![vec![toml::Value::Float(0.5), "2025-12".into()], vec![toml::Value::Float(2.0), "2026-06".into()]]);
        let e = super::fill(&mut b, "params.gamma\nx\n", "d.csv").unwrap_err();
        assert!(e.contains("line 2: `params.gamma` = \"x\" is not a number"), "{e}");
    }
}
