//! `tradesim watch`'s page (`<out>/index.html`): reloads itself every two seconds and shows
//! the latest save: its number, the check errors of a bad save (the last good result stays
//! below), what changed in the levers and parameters since the previous good save, the
//! previous save's median overlaid on this one's (`compare.png`), and the run's charts.

use anyhow::{Context, Result};
use std::path::Path;

/// What the page shows.
pub struct WatchPage<'a> {
    pub scenario_file: &'a str,
    /// Saves seen (1 = the file as it was when watch started).
    pub save: u64,
    /// The save that the shown result is from.
    pub good_save: Option<u64>,
    /// The check messages of the latest save, if it was bad.
    pub error: Option<&'a str>,
    /// What changed between the previous good save and the shown one.
    pub changes: &'a [String],
    /// `compare.png` exists (previous save against this one).
    pub overlay: bool,
    /// Chart files of the shown result, relative to the page.
    pub charts: &'a [String],
    pub runs: u32,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The page's HTML.
pub fn render(p: &WatchPage) -> String {
    let mut h = String::new();
    h.push_str("<!doctype html>\n<html><head><meta charset=utf-8><meta http-equiv=refresh content=2>\n");
    h.push_str(&format!("<title>watch {}</title>\n", esc(p.scenario_file)));
    h.push_str("<style>body{font-family:sans-serif;margin:1.5em;max-width:1100px}pre.err{background:#fdecea;color:#8a1c12;padding:1em;white-space:pre-wrap}.ok{color:#1b5e20}img{max-width:100%}li{font-family:monospace}</style>\n</head><body>\n");
    h.push_str(&format!("<h1>{}</h1>\n", esc(p.scenario_file)));
    let shown = p.good_save.map_or_else(|| "no good save yet".to_owned(), |g| format!("result of save {g}, {} runs", p.runs));
    match p.error {
        Some(e) => h.push_str(&format!(
            "<p>Save {}: <b>not run</b>, the file has problems (fix and save again; the last good result stays below: {shown}).</p>\n<pre class=err>{}</pre>\n",
            p.save,
            esc(e)
        )),
        None => h.push_str(&format!("<p class=ok>Save {}: {shown}.</p>\n", p.save)),
    }
    if p.good_save.is_some() {
        if p.changes.is_empty() {
            h.push_str("<p>No change in the levers or parameters since the previous good save.</p>\n");
        } else {
            h.push_str("<h2>Changed since the previous good save</h2>\n<ul>\n");
            for c in p.changes {
                h.push_str(&format!("<li>{}</li>\n", esc(c)));
            }
            h.push_str("</ul>\n");
        }
        let v = p.good_save.unwrap_or(0);
        if p.overlay {
            h.push_str(&format!("<h2>Previous save against this one (US-Russia trade, median and 90% band)</h2>\n<img src=\"compare.png?v={v}\" alt=\"previous save against this one\">\n"));
        }
        h.push_str("<h2>This save</h2>\n<p><a href=\"current/index.html\">the run's own page</a> · files in <code>current/</code></p>\n");
        for c in p.charts {
            h.push_str(&format!("<img src=\"{}?v={v}\" alt=\"{}\">\n", esc(c), esc(c)));
        }
    }
    h.push_str("</body></html>\n");
    h
}

/// Write the page (to a temporary name, then renamed, so a browser never reads half a page).
pub fn write(dir: &Path, p: &WatchPage) -> Result<()> {
    let tmp = dir.join(".index.html.partial");
    std::fs::write(&tmp, render(p)).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join("index.html")).with_context(|| format!("cannot write {}", dir.join("index.html").display()))
}

/// The names `watch` writes in its folder (besides partial files of its own).
const WATCH_NAMES: [&str; 4] = ["index.html", "compare.png", "current", "previous"];

/// Make `dest` watch's folder: refused (`Refused`, exit 2) unless it is absent, empty or holds
/// only what `watch` writes there (`index.html`, `compare.png`, and `current/` and
/// `previous/`, each a tradesim result), so the user's own files are never replaced.
pub fn prepare(dest: &Path) -> Result<()> {
    if let Ok(entries) = std::fs::read_dir(dest) {
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = name.starts_with('.') && name.ends_with(".partial")
                || WATCH_NAMES.contains(&name.as_str()) && (!matches!(name.as_str(), "current" | "previous") || super::is_result(&e.path()));
            if !ours {
                return Err(super::Refused(format!(
                    "{}: holds {name}, which `tradesim watch` did not write; give --out a new or empty folder (or one watch wrote)",
                    dest.display()
                ))
                .into());
            }
        }
    } else if dest.exists() {
        return Err(super::Refused(format!("{}: is not a folder; give --out a new or empty folder", dest.display())).into());
    }
    std::fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))
}

/// Before a run into `dest/current/`: the result there becomes `dest/previous/` (the older
/// previous one is removed).
pub fn rotate(dest: &Path) -> Result<()> {
    let (current, previous) = (dest.join("current"), dest.join("previous"));
    if current.exists() {
        if previous.exists() {
            std::fs::remove_dir_all(&previous).with_context(|| format!("cannot clear {}", previous.display()))?;
        }
        std::fs::rename(&current, &previous).with_context(|| format!("cannot move {}", current.display()))?;
    }
    Ok(())
}

/// After a failed run: the last good result (in `previous/`) goes back to `current/`.
pub fn restore(dest: &Path) {
    let (current, previous) = (dest.join("current"), dest.join("previous"));
    if previous.exists() && !current.exists() {
        std::fs::rename(&previous, &current).ok();
    }
}
