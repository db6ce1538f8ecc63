//! Calendar months (`YYYY-MM`), the unit every scenario date is written in.

use std::fmt;

/// A calendar month. Ordered; `months_since` gives whole-month distances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    /// 1..=12
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Self {
        assert!((1..=12).contains(&month), "month out of range");
        YearMonth { year, month }
    }

    /// Parse `YYYY-MM`. Returns a message describing the expected form on failure.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a date of the form YYYY-MM (for example 2022-03)");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}`: month must be 01 to 12"));
        }
        Ok(YearMonth { year, month })
    }

    /// Months from `earlier` to `self` (negative if `self` is earlier).
    pub fn months_since(self, earlier: YearMonth) -> i64 {
        (self.year as i64 - earlier.year as i64) * 12 + (self.month as i64 - earlier.month as i64)
    }

    pub fn add_months(self, months: i64) -> YearMonth {
        let idx = self.year as i64 * 12 + (self.month as i64 - 1) + months;
        YearMonth { year: idx.div_euclid(12) as i32, month: (idx.rem_euclid(12) + 1) as u32 }
    }

    /// Time in fractional years at the start of this month (2021-01 → 2021.0).
    pub fn as_years(self) -> f64 {
        self.year as f64 + (self.month as f64 - 1.0) / 12.0
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_counts_months() {
        let a = YearMonth::parse("2021-01").unwrap();
        let b = YearMonth::parse("2022-03").unwrap();
        assert_eq!(b.months_since(a), 14);
        assert_eq!(a.add_months(14), b);
        assert_eq!(b.add_months(-15), YearMonth::new(2020, 12));
        assert_eq!(b.to_string(), "2022-03");
        assert!((b.as_years() - 2022.1666).abs() < 1e-3);
    }

    #[test]
    fn rejects_malformed_dates() {
        for s in ["2021", "2021-13", "21-01", "2021-1", "abcd-ef", "2021-00"] {
            assert!(YearMonth::parse(s).is_err(), "{s} should be rejected");
        }
    }
}
