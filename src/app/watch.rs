//! `tradesim watch FILE`: run the scenario (a few hundred runs) every time the file is saved
//! (file-system events, debounced), into `<out>/current/` (the previous good result moves to
//! `<out>/previous/`), and keep `<out>/index.html` up to date: what changed in the levers and
//! parameters (`scenario::diff`), the previous save's median overlaid on this one's, the
//! charts; a bad save shows its check messages in the terminal and on the page, and the last
//! good result stays.

use super::common::{load_result, load_scenario_file};
use super::run::run;
use crate::cli::{DataArg, RunArgs, TableFormat, WatchArgs};
use crate::output::chart_kit::Format;
use crate::output::charts;
use crate::output::watch_page::{self, WatchPage};
use crate::scenario::diff;
use anyhow::{Context, Result};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Quiet time after the last file event before a save is taken as finished (editors write a
/// file in several steps: truncate, write, rename).
const DEBOUNCE: Duration = Duration::from_millis(300);

/// What the loop remembers between saves.
struct State {
    save: u64,
    good_save: Option<u64>,
    /// The text of the last good save (its result is in current/).
    good_text: Option<String>,
    /// The text last looked at (a save that changes nothing is not run again).
    seen: Option<String>,
    changes: Vec<String>,
    overlay: bool,
}

pub(super) fn watch(args: &WatchArgs) -> Result<()> {
    let file = args.scenario.clone();
    let name = file.file_name().ok_or_else(|| super::BadInput(format!("{}: not a file name", file.display())))?.to_owned();
    if !file.is_file() {
        return Err(super::BadInput(format!("{}: no such scenario file", file.display())).into());
    }
    let dest = args.out.clone().unwrap_or_else(|| {
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into());
        PathBuf::from("output").join(format!("{stem}_watch"))
    });
    watch_page::prepare(&dest)?;

    // Watch the directory, not the file: editors often save by writing a new file and
    // renaming it over the old one.
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        let _ = tx.send(ev);
    })
    .context("cannot watch files on this system")?;
    watcher.watch(&dir, RecursiveMode::NonRecursive).with_context(|| format!("cannot watch {}", dir.display()))?;
    let _ = ctrlc::set_handler(|| std::process::exit(0));

    let mut st = State { save: 0, good_save: None, good_text: None, seen: None, changes: Vec::new(), overlay: false };
    println!("watching {} ({} runs per save) -> open {} (Ctrl-C stops)", file.display(), args.runs, dest.join("index.html").display());
    update(args, &file, &dest, &mut st)?;
    loop {
        let ev = match rx.recv() {
            Ok(Ok(ev)) => ev,
            Ok(Err(e)) => {
                eprintln!("watch: {e}");
                continue;
            }
            Err(_) => return Ok(()),
        };
        if !ev.paths.iter().any(|p| p.file_name() == Some(name.as_os_str())) {
            continue;
        }
        // debounce: wait until the events stop for DEBOUNCE
        while rx.recv_timeout(DEBOUNCE).is_ok() {}
        update(args, &file, &dest, &mut st)?;
        if args.saves.is_some_and(|n| st.save >= n) {
            return Ok(());
        }
    }
}

/// One save: check it; if good, run it and compare it with the previous good one; write the page.
fn update(args: &WatchArgs, file: &Path, dest: &Path, st: &mut State) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(file) else { return Ok(()) }; // gone for a moment (being replaced)
    if st.seen.as_deref() == Some(text.as_str()) {
        return Ok(());
    }
    st.seen = Some(text.clone());
    st.save += 1;
    let started = Instant::now();
    let mut error = None;
    match load_scenario_file(file, &args.data) {
        Err(e) => {
            let msg = format!("{e:#}");
            eprintln!("save {}: not run: the file has problems (the last good result stays)\n{msg}", st.save);
            error = Some(msg);
        }
        Ok(_) => {
            let changes = match &st.good_text {
                Some(old) => diff::changes(old, &text).unwrap_or_default().iter().map(ToString::to_string).collect(),
                None => Vec::new(),
            };
            let (current, previous) = (dest.join("current"), dest.join("previous"));
            watch_page::rotate(dest)?;
            let run_args = RunArgs {
                scenario: file.to_path_buf(),
                runs: Some(args.runs),
                seed: None,
                threads: args.threads,
                out: Some(current.clone()),
                keep_runs: false,
                // the scenario alone: a baseline would double each save's wait
                baseline: None,
                no_baseline: true,
                format: TableFormat::Csv,
                quiet: true,
                svg: false,
                no_charts: false,
                force: false,
                data: DataArg { data: args.data.data.clone() },
            };
            match run(&run_args) {
                Ok(_) => {
                    st.overlay = previous.exists() && overlay(&previous, &current, dest, st.good_save.unwrap_or(0), st.save, &args.data).is_ok();
                    st.good_save = Some(st.save);
                    st.good_text = Some(text);
                    st.changes = changes;
                    println!("save {}: {} runs in {:.1} s -> {}", st.save, args.runs, started.elapsed().as_secs_f64(), current.display());
                    for c in &st.changes {
                        println!("  {c}");
                    }
                }
                Err(e) => {
                    // put the last good result back
                    watch_page::restore(dest);
                    let msg = format!("{e:#}");
                    eprintln!("save {}: the run failed (the last good result stays)\n{msg}", st.save);
                    error = Some(msg);
                }
            }
        }
    }
    let charts: Vec<String> = match std::fs::read_dir(dest.join("current/charts")) {
        Ok(rd) => {
            let mut v: Vec<String> = rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".png")).map(|n| format!("current/charts/{n}")).collect();
            v.sort();
            v
        }
        Err(_) => Vec::new(),
    };
    let page = WatchPage {
        scenario_file: &file.display().to_string(),
        save: st.save,
        good_save: st.good_save,
        error: error.as_deref(),
        changes: &st.changes,
        overlay: st.overlay,
        charts: &charts,
        runs: args.runs,
    };
    watch_page::write(dest, &page)
}

/// `compare.png`: the previous good save's US-Russia trade (median and band) against this one's.
fn overlay(previous: &Path, current: &Path, dest: &Path, old: u64, new: u64, data: &DataArg) -> Result<()> {
    let mut a = load_result(previous, data)?;
    let mut b = load_result(current, data)?;
    a.manifest.scenario = format!("save {old} (previous)");
    b.manifest.scenario = format!("save {new}");
    charts::compare::draw_compare(&[a, b], "US", "RU", "all", &dest.join("compare.png"), Format::Png)?;
    Ok(())
}
