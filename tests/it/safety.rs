//! Nothing lost, nothing silent (issue 12): output paths that hold the user's files are
//! refused, results are switched in one step, leftovers of killed runs are cleaned, write errors
//! are reported with the path the user gave, nonsense stops the run, bad data and result files
//! are refused, resources are bounded, and a closed pipe ends a command quietly.

use crate::common::tradesim;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BASE: &str = "scenarios/baseline_2021.toml";

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every name in `dir` (not recursive), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Every file under `dir` whose name shows a temporary or partly written file.
fn litter(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.contains(".partial") || name.contains(".tmp-") || name.contains(".old-") {
                out.push(p.clone());
            }
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out
}

/// The binary under a shell with a file-size limit of `blocks` × 512 bytes.
fn limited(blocks: u32, args: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("tradesim");
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -f {blocks}; exec '{}' {args}", bin.display()))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn run_refuses_a_folder_or_file_of_the_users_own_and_replaces_it_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("thesis.tex"), "years of work").unwrap();
    let out = tradesim().args(["run", BASE, "--runs", "3", "-q", "--no-charts", "--out"]).arg(&mine).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("is not a tradesim result") && err.contains("--force") && err.contains("mine"), "{err}");
    assert_eq!(std::fs::read_to_string(mine.join("thesis.tex")).unwrap(), "years of work");

    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "keep me").unwrap();
    let out = tradesim().args(["run", BASE, "--runs", "3", "-q", "--no-charts", "--out"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("is a file"), "{}", stderr_of(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    assert_eq!(names(tmp.path()), ["mine", "notes.txt"], "no hidden copy is left beside them");

    tradesim().args(["run", BASE, "--runs", "3", "-q", "--no-charts", "--force", "--out"]).arg(&mine).assert().success();
    assert!(mine.join("manifest.json").is_file() && !mine.join("thesis.tex").exists());
    // an empty folder and an earlier result are replaced without --force
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    tradesim().args(["run", BASE, "--runs", "3", "-q", "--no-charts", "--out"]).arg(&empty).assert().success();
    tradesim().args(["run", BASE, "--runs", "4", "-q", "--no-charts", "--out"]).arg(&empty).assert().success();
    assert!(std::fs::read_to_string(empty.join("manifest.json")).unwrap().contains("\"runs\": 4"));
    assert!(litter(tmp.path()).is_empty(), "{:?}", litter(tmp.path()));
}

#[test]
fn leftovers_of_killed_runs_are_cleaned_and_a_result_moved_aside_comes_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("r");
    // no process has this id (above the largest Linux allows)
    let dead = 4_294_967u32;
    std::fs::create_dir_all(tmp.path().join(format!(".r.tmp-{dead}")).join("charts")).unwrap();
    let out = tradesim().args(["run", BASE, "--runs", "3", "-q", "--no-charts", "--out"]).arg(&dest).output().unwrap();
    assert!(out.status.success());
    let err = stderr_of(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&format!(".r.tmp-{dead}")) && err.contains("removed"), "{err}");
    assert_eq!(names(tmp.path()), ["r"]);

    // killed between moving the old result aside and the new one in: the old one returns
    std::fs::rename(&dest, tmp.path().join(format!(".r.old-{dead}"))).unwrap();
    let out = tradesim().args(["run", BASE, "--runs", "5", "-q", "--no-charts", "--out"]).arg(&dest).output().unwrap();
    assert!(out.status.success());
    assert!(stderr_of(&out).contains("restored"), "{}", stderr_of(&out));
    assert!(std::fs::read_to_string(dest.join("manifest.json")).unwrap().contains("\"runs\": 5"));
    assert_eq!(names(tmp.path()), ["r"]);
}

#[test]
fn a_file_size_limit_is_reported_with_the_users_path_and_the_old_result_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("res");
    tradesim().args(["run", BASE, "--runs", "3", "-q", "--no-charts", "--out"]).arg(&dest).assert().success();
    let before = std::fs::read(dest.join("summary.csv")).unwrap();
    let out = limited(64, &format!("run {BASE} --runs 7 -q --no-charts --out '{}'", dest.display()));
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains(&format!("{}/summary.csv", dest.display())) && err.contains("File too large"), "{err}");
    assert!(!err.contains(".tmp-"), "the temporary path is not shown: {err}");
    assert_eq!(std::fs::read(dest.join("summary.csv")).unwrap(), before, "the old result is kept");
    assert_eq!(names(tmp.path()), ["res"]);
}

#[test]
fn a_batch_that_fails_mid_write_keeps_its_old_result_and_leaves_no_partial_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("b");
    let batch = "scenarios/interdependence.batch.toml";
    tradesim().args(["batch", batch, "--runs", "3", "--threads", "2", "-q", "--out"]).arg(&dest).assert().success();
    let files = names(&dest);
    assert!(files.contains(&"manifest.json".to_owned()) && !files.contains(&"state".to_owned()), "{files:?}");
    let manifest = std::fs::read(dest.join("manifest.json")).unwrap();
    let annual = std::fs::read(dest.join("annual.csv")).unwrap();
    // the states fit, the results do not
    let out = limited(2000, &format!("batch {batch} --runs 4 --threads 2 -q --out '{}'", dest.display()));
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("File too large") && !stderr_of(&out).contains(".tmp-"), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(dest.join("manifest.json")).unwrap(), manifest);
    assert_eq!(std::fs::read(dest.join("annual.csv")).unwrap(), annual, "no new CSV beside the old manifest");
    assert!(litter(tmp.path()).is_empty(), "{:?}", litter(tmp.path()));
    // a partly written state file of a killed batch is removed by the next run into the place
    let partial = dest.join("state").join(".v000000-shard0of1.state.partial-4294967");
    std::fs::write(&partial, b"half").unwrap();
    let out = tradesim().args(["batch", batch, "--runs", "4", "--threads", "2", "-q", "--resume", "--keep-state", "--out"]).arg(&dest).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("removed 1 partly written"), "{}", stderr_of(&out));
    assert!(dest.join("state/plan.json").is_file() && litter(tmp.path()).is_empty());
    // merge refuses a folder of the user's own
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("x.txt"), "x").unwrap();
    let out = tradesim().args(["merge"]).arg(&dest).arg("--out").arg(&mine).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("--force"));
}

#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    for args in [&["list"][..], &["check", BASE]] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("tradesim"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away before the first line
        let out = child.wait_with_output().unwrap();
        let err = stderr_of(&out);
        assert!(err.is_empty(), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked");
    }
    assert!(repo(BASE).is_file());
}

/// A scenario text with one lever, on the shipped calibration.
fn with_lever(lever: &str) -> String {
    format!("name = \"extreme\"\nbase = 2021\nstart = \"2021-01\"\nend = \"2024-12\"\nruns = 6\n\n[[lever]]\n{lever}\n")
}

#[test]
fn magnitudes_beyond_what_they_mean_are_refused_before_any_run() {
    // a tariff cut cannot exceed the tariff it cuts: 1e3 once gave US→CN trade above US GDP
    // and 1e100 exact zeros; now both are bad input and nothing is written (the state check
    // behind exit 1 is tested on the model in `the_state_check_names_the_flow_economy_and_sector`)
    let tmp = tempfile::tempdir().unwrap();
    for cut in ["1e3", "1e100"] {
        let file = tmp.path().join("cut.toml");
        std::fs::write(&file, with_lever(&format!("kind = \"trade_agreement\"\nby = \"US\"\non = \"CN\"\nstart = \"2022-01\"\ntariff_cut = {cut}"))).unwrap();
        let dest = tmp.path().join("out");
        let out = tradesim().arg("run").arg(&file).args(["-q", "--threads", "2", "--out"]).arg(&dest).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "tariff_cut {cut}: {}", stderr_of(&out));
        let err = stderr_of(&out);
        for word in ["cut.toml", "tariff_cut", "allowed: a number from 0 to 1"] {
            assert!(err.contains(word), "tariff_cut {cut}: lacks {word:?}: {err}");
        }
        assert!(!dest.exists() && litter(tmp.path()).is_empty(), "nothing is written");
    }
}

#[test]
fn the_state_check_names_the_flow_economy_and_sector() {
    use tradesim::model::{Model, Prepared};
    let (sc, init) = crate::common::real(&with_lever("kind = \"treaty\"\nby = \"US\"\non = \"RU\"\nstart = \"2022-01\""));
    let pre = Prepared::new(&sc, &init);
    let mut m = Model::new(&sc, &init, &pre, tradesim::rng::run_rng(1, 0));
    for _ in 0..3 {
        m.step();
        assert_eq!(m.check(), None, "the shipped calibration is sound");
    }
    let (us, ru, energy) = (crate::common::idx(&init, "US"), crate::common::idx(&init, "RU"), crate::common::sector(&init, "oil"));
    let r = pre.layout.route(energy, ru, us);
    let keep = m.direct[r];
    for (bad, word) in [(f64::NAN, "NaN"), (-1.0, "-1e0"), (f64::INFINITY, "inf"), (1e30, "imports into US")] {
        m.direct[r] = bad;
        let a = m.check().unwrap_or_else(|| panic!("{bad} passes"));
        let text = a.to_string();
        assert!(text.contains(word) && a.step == 2, "{text}");
        if bad < 1e30 {
            assert!(text.starts_with("trade RU→US in sector oil"), "{text}");
        }
    }
    m.direct[r] = keep;
    m.price[us * pre.m + energy] = 0.0;
    assert!(m.check().unwrap().to_string().starts_with("export price of US in sector oil is 0e0"));
}

/// A copy of the shipped calibration in `dir`, with `edit(file name, text) -> text` applied.
fn data_copy(dir: &Path, edit: impl Fn(&str, String) -> String) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    for f in tradesim::calibration::FILES {
        let text = std::fs::read_to_string(repo("data").join(f)).unwrap();
        std::fs::write(data.join(f), edit(f, text)).unwrap();
    }
    data
}

/// Replace the first row of `file` that starts with `prefix` by `row`.
fn replace_row(text: String, prefix: &str, row: &str) -> String {
    let mut done = false;
    text.lines()
        .map(|l| if !done && l.starts_with(prefix) { done = true; row.to_owned() } else { l.to_owned() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn bad_calibration_data_is_refused_with_file_line_column_and_what_is_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Box<dyn Fn(&str, String) -> String>, &str)> = vec![
        ("nan gdp", Box::new(|f, t| if f == "economies.csv" { replace_row(t, "2021,US,", "2021,US,United States,NaN,0.05,0.02,,x,x") } else { t }), "economies.csv:"),
        ("zero gdp", Box::new(|f, t| if f == "economies.csv" { replace_row(t, "2021,RU,", "2021,RU,Russia,0,0.05,0.02,,x,x") } else { t }), "column `gdp_usd`: `0` is not allowed; allowed: a finite number above 0"),
        ("inf flow", Box::new(|f, t| if f == "flows.csv" { replace_row(t, "2021,US,RU,oil", "2021,US,RU,oil,inf,a,b,c,d") } else { t }), "column `value_usd`: `inf` is not allowed"),
        ("negative flow", Box::new(|f, t| if f == "flows.csv" { replace_row(t, "2021,US,RU,oil", "2021,US,RU,oil,-5,a,b,c,d") } else { t }), "`-5` is not allowed"),
        ("negative price", Box::new(|f, t| if f == "world_prices.csv" { t + "2090,brent,-3,USD/bbl,x\n" } else { t }), "world_prices.csv:"),
        ("header only", Box::new(|f, t| if f == "sectors.csv" { t.lines().next().unwrap().to_owned() + "\n" } else { t }), "sectors.csv: no rows after the header"),
        ("empty", Box::new(|f, t| if f == "tension.csv" { String::new() } else { t }), "tension.csv: the file is empty"),
        ("duplicate economy", Box::new(|f, t| if f == "economies.csv" { t + "2021,US,United States,1e12,0.05,0.02,,x,x\n" } else { t }), "economy `US` in base 2021 is given twice"),
        ("duplicate sector", Box::new(|f, t| if f == "sectors.csv" { let l = t.lines().nth(1).unwrap().to_owned(); t + &l + "\n" } else { t }), "sector `oil` is given twice"),
        ("duplicate year", Box::new(|f, t| if f == "world_prices.csv" { t + "2021,brent,70,USD/bbl,x\n" } else { t }), "series `brent`: year 2021 is given twice"),
        ("duplicate flow", Box::new(|f, t| if f == "flows.csv" { t + "2021,US,RU,oil,5,a,b,c,d\n" } else { t }), "the flow US→RU in oil for base 2021 is given twice"),
        ("self flow", Box::new(|f, t| if f == "flows.csv" { t + "2021,CN,CN,oil,5,a,b,c,d\n" } else { t }), "exporter and importer are both `CN`"),
    ];
    for (name, edit, want) in cases {
        let dir = tmp.path().join(name.replace(' ', "_"));
        let data = data_copy(&dir, edit);
        let out = tradesim().args(["list", "--data"]).arg(&data).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains(want), "{name}: lacks {want:?}:\n{}", stderr_of(&out));
    }
    // the shipped data's ROW → ROW rows (trade among the rest of the world) are valid, and so
    // are the coalition-and-hubs data's COALITION → COALITION and HUBS → HUBS rows
    let data = data_copy(&tmp.path().join("ok"), |_, t| t);
    tradesim().args(["list", "--data"]).arg(&data).assert().success();
    // several problems at once
    let data = data_copy(&tmp.path().join("many"), |f, t| match f {
        "flows.csv" => t + "2021,CN,CN,oil,5,a,b,c,d\n2021,US,RU,oil,-1,a,b,c,d\n",
        "world_prices.csv" => t + "2021,brent,70,USD/bbl,x\n",
        _ => t,
    });
    let out = tradesim().args(["list", "--data"]).arg(&data).output().unwrap();
    assert!(stderr_of(&out).lines().count() >= 3, "{}", stderr_of(&out));
    // a device or a huge file is not read without end
    let data = data_copy(&tmp.path().join("zero"), |_, t| t);
    std::fs::remove_file(data.join("flows.csv")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", data.join("flows.csv")).unwrap();
    let started = std::time::Instant::now();
    let out = tradesim().args(["list", "--data"]).arg(&data).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("larger than"), "{}", stderr_of(&out));
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn merge_refuses_shards_of_other_calibration_data_and_damaged_states_are_never_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = "scenarios/interdependence.batch.toml";
    // calibration data with the economies in another order: the labels of US→RU and RU→US
    // would swap
    let data = data_copy(tmp.path(), |f, t| {
        if f != "economies.csv" {
            return t;
        }
        let mut lines: Vec<&str> = t.lines().collect();
        let (head, rows) = lines.split_at_mut(1);
        rows.sort_by_key(|l| l.split(',').nth(1).map(|c| if c == "RU" { 0 } else { 1 }));
        head.iter().chain(rows.iter()).map(|l| format!("{l}\n")).collect()
    });
    let shard = |k: usize, extra: &[&str]| {
        let out = tradesim().args(["batch", batch, "--runs", "3", "--threads", "2", "-q", "--shard", &format!("{k}/2"), "--out"]).arg(tmp.path().join(format!("s{k}"))).args(extra).output().unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
    };
    shard(0, &[]);
    shard(1, &[]);
    let (s0, s1) = (tmp.path().join("s0"), tmp.path().join("s1"));
    let out = tradesim().arg("merge").arg(&s0).arg(&s1).arg("--data").arg(&data).arg("--out").arg(tmp.path().join("m")).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("other calibration data") && stderr_of(&out).contains("--data"), "{}", stderr_of(&out));
    tradesim().arg("merge").arg(&s0).arg(&s1).arg("--out").arg(tmp.path().join("m")).assert().success();
    let merged = std::fs::read(tmp.path().join("m/annual.csv")).unwrap();

    // one flipped bit in a state file: merge refuses it, --resume runs that variant again
    let state = std::fs::read_dir(s0.join("state")).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "state")).unwrap();
    let mut bytes = std::fs::read(&state).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&state, &bytes).unwrap();
    let out = tradesim().arg("merge").arg(&s0).arg(&s1).arg("--out").arg(tmp.path().join("m")).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("is damaged") && stderr_of(&out).contains("--resume"), "{}", stderr_of(&out));
    assert_eq!(std::fs::read(tmp.path().join("m/annual.csv")).unwrap(), merged, "the earlier merge is kept");
    let out = tradesim().args(["batch", batch, "--runs", "3", "--threads", "2", "-q", "--shard", "0/2", "--resume", "--out"]).arg(&s0).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("is damaged") && stderr_of(&out).contains("is run again"), "{}", stderr_of(&out));
    tradesim().arg("merge").arg(&s0).arg(&s1).arg("--out").arg(tmp.path().join("m")).assert().success();
    assert_eq!(std::fs::read(tmp.path().join("m/annual.csv")).unwrap(), merged, "recomputed, the same bytes");
}

#[test]
fn plot_and_compare_refuse_result_files_with_nonsense() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    tradesim().args(["run", BASE, "--runs", "3", "-q", "--no-charts", "--out"]).arg(&good).assert().success();
    let text = std::fs::read_to_string(good.join("summary.csv")).unwrap();
    let row = text.lines().nth(1).unwrap().to_owned();
    let fields: Vec<&str> = row.split(',').collect();
    let with = |k: usize, v: &str| {
        let mut f = fields.clone();
        f[k] = v;
        f.join(",")
    };
    let swapped = {
        let mut f = fields.clone();
        f.swap(6, 10);
        f.join(",")
    };
    let cases = [
        ("nan", text.replacen(&row, &with(8, "NaN"), 1), "column `p50`: \"NaN\" is not allowed"),
        ("negative", text.replacen(&row, &with(5, "-7"), 1), "column `mean`: \"-7\" is not allowed"),
        ("swapped", text.replacen(&row, &swapped, 1), "not in increasing order"),
        ("duplicate", format!("{text}{row}\n"), "is given twice (also on line 2)"),
    ];
    for (name, bad, want) in cases {
        let dir = tmp.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        for f in ["manifest.json", "annual.csv"] {
            std::fs::copy(good.join(f), dir.join(f)).unwrap();
        }
        std::fs::write(dir.join("summary.csv"), bad).unwrap();
        for args in [vec!["plot".to_owned(), dir.display().to_string()], vec!["compare".into(), good.display().to_string(), dir.display().to_string()]] {
            let out = tradesim().args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {}", stderr_of(&out));
            assert!(stderr_of(&out).contains(want) && stderr_of(&out).contains("summary.csv: line"), "{name}: {}", stderr_of(&out));
        }
    }
}

/// sanctions_2022 with `extra` rules appended: `count` align rules (each a copy of the EU's).
fn many_rules(count: usize, header: &str) -> String {
    let mut text = std::fs::read_to_string(repo("scenarios/sanctions_2022.toml")).unwrap();
    if !header.is_empty() {
        text = text
            .lines()
            .filter(|l| !l.starts_with("step = "))
            .map(|l| if l.starts_with("end = ") { header.to_owned() } else { l.to_owned() })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
    }
    for k in 0..count {
        text.push_str(&format!("\n[[rule]]\nid = \"extra{k}\"\nkind = \"align\"\nby = \"IN\"\nleader = \"US\"\nkinds = [\"embargo\"]\nprobability = 0.1\n"));
    }
    text
}

#[test]
fn resources_are_bounded_with_clear_messages() {
    let tmp = tempfile::tempdir().unwrap();
    // --threads capped
    let dest = tmp.path().join("t");
    let out = tradesim().args(["run", BASE, "--runs", "2", "-q", "--no-charts", "--threads", "100000", "--out"]).arg(&dest).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("--threads 100000: using"), "{}", stderr_of(&out));
    // an input without end
    let started = std::time::Instant::now();
    let out = tradesim().args(["check", "/dev/zero"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("/dev/zero: cannot read scenario file") && stderr_of(&out).contains("larger than"), "{}", stderr_of(&out));
    assert!(started.elapsed().as_secs() < 20);
    // --runs as in the files
    for cmd in ["run", "batch"] {
        let file = if cmd == "run" { BASE } else { "scenarios/interdependence.batch.toml" };
        let out = tradesim().args([cmd, file, "--runs", "4294967295", "--out"]).arg(tmp.path().join("r")).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert!(stderr_of(&out).contains("allowed: 1 to 100000000"), "{}", stderr_of(&out));
    }
    // rules, and the summary's size (horizon × step × series)
    let file = tmp.path().join("rules.toml");
    std::fs::write(&file, many_rules(1001, "")).unwrap();
    let out = tradesim().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("1002 rules; allowed: at most 1000"), "{}", stderr_of(&out));
    std::fs::write(&file, many_rules(990, "end = \"2220-12\"\nstep = \"month\"")).unwrap();
    let out = tradesim().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("cells") && stderr_of(&out).contains("step = \"quarter\""), "{}", stderr_of(&out));
    // a batch of 1e8 runs in blocks of 1: refused at once, no 8 GB list of units
    let batch = tmp.path().join("big.batch.toml");
    std::fs::write(&batch, format!("runs = 100000000\nblock = 1\n[[scenario]]\npath = \"{}\"\n[[vary]]\npath = \"params.gamma\"\nvalues = [0.1, 0.2]\n", repo(BASE).display())).unwrap();
    let started = std::time::Instant::now();
    let out = tradesim().arg("batch").arg(&batch).arg("--out").arg(tmp.path().join("b")).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("200000000 units of work") && stderr_of(&out).contains("raise `block`"), "{}", stderr_of(&out));
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn many_rules_run_and_give_the_same_numbers_whatever_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("rules.toml");
    std::fs::write(&file, many_rules(300, "")).unwrap();
    let run = |threads: &str| {
        let dest = tmp.path().join(format!("t{threads}"));
        tradesim().arg("run").arg(&file).args(["--runs", "20", "-q", "--no-charts", "--threads", threads, "--out"]).arg(&dest).assert().success();
        std::fs::read(dest.join("annual.csv")).unwrap()
    };
    assert_eq!(run("1"), run("3"));
}

#[test]
fn messages_name_the_users_path_the_allowed_extensions_and_every_batch_file_error_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    // an output that cannot be written: the path given, not the temporary sibling
    let out = tradesim().args(["run", BASE, "--runs", "2", "-q", "--out", "/proc/tradesim-no/such"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("/proc/tradesim-no/such") && !stderr_of(&out).contains(".tmp-"), "{}", stderr_of(&out));
    // compare --out without a known extension
    let a = tmp.path().join("a");
    tradesim().args(["run", BASE, "--runs", "2", "-q", "--no-charts", "--out"]).arg(&a).assert().success();
    for bad in ["x", "x.jpg"] {
        let out = tradesim().arg("compare").arg(&a).arg(&a).args(["--out", bad]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr_of(&out).contains(".png or .svg"), "{}", stderr_of(&out));
    }
    // a batch file: every problem at once, each with line:col and the dotted key
    let batch = tmp.path().join("bad.batch.toml");
    std::fs::write(&batch, "runs = 2.5\nseed = \"x\"\nblok = 3\n[[scenario]]\npath = 5\ncounterfactual = \"yes\"\n[[vary]]\npath = \"params.gamma\"\nvalues = [0.1, true]\n").unwrap();
    let out = tradesim().arg("batch").arg(&batch).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    for want in [
        "bad.batch.toml:1:8: `runs`: must be a whole number, not a decimal number 2.5",
        "bad.batch.toml:2:8: `seed`: must be a whole number",
        "`blok`: unknown key (did you mean `block`?)",
        "bad.batch.toml:5:8: `scenario[0].path`: must be text",
        "`scenario[0].counterfactual`: must be true or false",
        "bad.batch.toml:9:16: `vary[0].values[1]`",
    ] {
        assert!(err.contains(want), "lacks {want:?}:\n{err}");
    }
    assert!(!err.contains("missing"), "no follow-on error: {err}");
}
