//! The chart vocabulary that the charts, the reader and the report pages share: a series'
//! quantiles at one time and the sum of two series, money in USD bn, the colours of economies,
//! sectors and scenarios, the alphas of the quantile bands, the image format and the chart files
//! a page links to. It imports nothing else from `output/`: the bottom of the output layer.

use plotters::style::RGBColor;

/// Alpha of the 90% (p05-p95) band over white.
pub const ALPHA_90: f64 = 0.15;
/// Alpha of the 50% (p25-p75) band.
pub const ALPHA_50: f64 = 0.3;

/// The one economy palette: every chart draws an economy in this colour.
pub fn economy_colour(code: &str) -> RGBColor {
    match code {
        "US" => RGBColor(31, 119, 180),  // blue
        "RU" => RGBColor(214, 39, 40),   // red
        "CN" => RGBColor(255, 127, 14),  // orange
        "EU" => RGBColor(44, 160, 44),   // green
        "IN" => RGBColor(148, 103, 189), // purple
        "ROW" => RGBColor(127, 127, 127), // grey
        other => {
            // Unknown codes (an economy added in data/) get a stable fallback.
            const FALLBACK: [RGBColor; 4] = [RGBColor(140, 86, 75), RGBColor(227, 119, 194), RGBColor(188, 189, 34), RGBColor(23, 190, 207)];
            let h = other.bytes().fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
            FALLBACK[h % FALLBACK.len()]
        }
    }
}

/// Colour of a pair's total (both directions): not an economy, so near-black.
pub const TOTAL_COLOUR: RGBColor = RGBColor(40, 40, 40);

/// Colours of sectors in stacked charts (muted, distinct from the economy palette's use).
pub fn sector_colour(index: usize) -> RGBColor {
    const SET: [RGBColor; 10] = [
        RGBColor(102, 194, 165),
        RGBColor(252, 141, 98),
        RGBColor(141, 160, 203),
        RGBColor(231, 138, 195),
        RGBColor(166, 216, 84),
        RGBColor(255, 217, 47),
        RGBColor(229, 196, 148),
        RGBColor(179, 179, 179),
        RGBColor(27, 158, 119),
        RGBColor(117, 112, 179),
    ];
    SET[index % SET.len()]
}

/// One colour per scenario in comparisons.
pub fn scenario_colour(index: usize) -> RGBColor {
    const SET: [RGBColor; 6] = [RGBColor(40, 40, 40), RGBColor(217, 95, 2), RGBColor(27, 158, 119), RGBColor(117, 112, 179), RGBColor(231, 41, 138), RGBColor(102, 166, 30)];
    SET[index % SET.len()]
}

/// PNG (default) or SVG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// The quantiles of a series at one time (x in fractional years).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantiles {
    pub x: f64,
    pub p05: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

impl Quantiles {
    pub fn scale(self, k: f64) -> Self {
        Quantiles { x: self.x, p05: self.p05 * k, p25: self.p25 * k, p50: self.p50 * k, p75: self.p75 * k, p95: self.p95 * k }
    }
}

/// A chart written for a run: its file name (relative to the run directory) and title, and
/// the interactive chart's Vega-Lite spec as a page embeds it (`vega::spec_text`), if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartFile {
    pub file: String,
    pub title: String,
    pub spec: Option<String>,
}

/// Dollars to billions of dollars (chart values and page numbers are in USD bn).
pub const BN: f64 = 1e-9;
/// The y label of annual-rate trade in USD bn.
pub const USD_BN: &str = "USD bn per year (annual rate)";
/// Why a total's band (both directions added quantile by quantile) is approximate.
pub const SUM_NOTE: &str = "Totals add the two directions' medians and quantiles; the CSVs have no joint quantiles, so a total's band is approximate.";

/// Elementwise sum of series on the same dates (per-quantile: approximate for bands).
pub fn sum_quantiles(a: &[Quantiles], b: &[Quantiles]) -> Vec<Quantiles> {
    a.iter()
        .zip(b)
        .map(|(p, q)| Quantiles { x: p.x, p05: p.p05 + q.p05, p25: p.p25 + q.p25, p50: p.p50 + q.p50, p75: p.p75 + q.p75, p95: p.p95 + q.p95 })
        .collect()
}

/// The style every page starts with (run, batch, compare): font and width, headings, tables,
/// figures and notes; each page adds its own rules after it.
pub const PAGE_STYLE: &str = r#"body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2em auto; max-width: 1240px; color: #222; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } .meta { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.92em; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; } .note { color: #666; font-size: 0.85em; }"#;

/// Escape text for HTML (the pages).
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Money on the pages: USD to "12.3" (USD bn, always one decimal; "–" when not a number).
pub fn fmt_bn(usd: f64) -> String {
    let v = usd * BN;
    if !v.is_finite() {
        "–".into()
    } else {
        // `+ 0.0` turns -0.0 into 0.0 (no "-0.0").
        format!("{:.1}", (v * 10.0).round() / 10.0 + 0.0)
    }
}

/// A share or a change on the pages: 0.253 to "25%" (always whole percent; "–" when not a
/// number). `signed` writes "+" before positive values (changes).
pub fn fmt_pct(fraction: f64, signed: bool) -> String {
    let v = fraction * 100.0;
    if !v.is_finite() {
        return "–".into();
    }
    let r = v.round() + 0.0;
    if signed {
        format!("{r:+.0}%")
    } else {
        format!("{r:.0}%")
    }
}

/// A human label for a batch's dotted parameter path (charts and pages); the path itself
/// when it is not one of the known ones.
pub fn param_label(path: &str) -> String {
    let known = match path {
        "params.gamma" => Some("tension feedback γ (trade ties calming tension)"),
        "params.gamma_ref" => Some("reference trade ties γ_ref"),
        "params.phi" => Some("partial-adjustment speed φ"),
        "params.tension_reversion" => Some("tension reversion per year"),
        "params.gdp_pass_through" => Some("GDP pass-through"),
        "params.rerouting_cost" => Some("rerouting cost"),
        "params.currency_speed" => Some("currency adjustment speed"),
        "shocks.event_rate" => Some("political events per pair-year"),
        "shocks.event_size" => Some("mean tension jump per political event"),
        "shocks.trade_noise" => Some("trade noise (annual sd)"),
        "shocks.gdp_volatility_scale" => Some("GDP volatility scale"),
        "shocks.world_price_volatility" => Some("world price volatility (annual sd)"),
        "shocks.world_price_reversion" => Some("world price reversion per year"),
        "start" => Some("start date"),
        "end" => Some("end date"),
        _ => None,
    };
    if let Some(k) = known {
        return k.to_owned();
    }
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["rule", id, "probability"] => format!("probability that rule {id} fires"),
        ["rule", id, "lag"] => format!("lag of rule {id} (months)"),
        ["rule", id, "threshold"] => format!("tension threshold of rule {id}"),
        ["rule", id, "steps"] => format!("calm steps before rule {id}"),
        ["rule", id, "from"] => format!("date rule {id} starts"),
        ["lever", id, "start"] => format!("start of lever {id}"),
        ["lever", id, "end"] => format!("end of lever {id}"),
        ["lever", id, field] => format!("{} of lever {id}", field.replace('_', " ")),
        _ => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_numbers_have_one_format() {
        assert_eq!(fmt_bn(12.34e9), "12.3");
        assert_eq!(fmt_bn(0.04e9), "0.0");
        assert_eq!(fmt_bn(-0.01e9), "0.0");
        assert_eq!(fmt_bn(f64::NAN), "–");
        assert_eq!(fmt_pct(0.253, false), "25%");
        assert_eq!(fmt_pct(-0.871, true), "-87%");
        assert_eq!(fmt_pct(0.05, true), "+5%");
        assert_eq!(param_label("params.gamma"), "tension feedback γ (trade ties calming tension)");
        assert_eq!(param_label("rule.eu_aligns.probability"), "probability that rule eu_aligns fires");
        assert_eq!(param_label("params.sigma.oil"), "params.sigma.oil");
    }

    use super::*;

    #[test]
    fn palette_is_fixed_and_distinct_with_fallback() {
        let codes = ["US", "RU", "CN", "EU", "IN", "ROW"];
        let cols: Vec<RGBColor> = codes.iter().map(|c| economy_colour(c)).collect();
        for i in 0..cols.len() {
            for j in (i + 1)..cols.len() {
                assert_ne!(cols[i], cols[j], "{} and {} share a colour", codes[i], codes[j]);
            }
        }
        assert_eq!(economy_colour("RU"), RGBColor(214, 39, 40));
        assert_eq!(economy_colour("XX"), economy_colour("XX"));
        assert!(!cols.contains(&economy_colour("XX")));
    }
}
