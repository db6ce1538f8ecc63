//! Build script: records the git commit the binary is built from (for manifest.json) as the
//! environment variable TRADESIM_GIT_COMMIT: the variable itself if set when building (e.g. a
//! container build without .git), else `git rev-parse HEAD`, else "unknown". Never fails.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-env-changed=TRADESIM_GIT_COMMIT");
    println!("cargo:rerun-if-changed=build.rs");
    let commit = match std::env::var("TRADESIM_GIT_COMMIT") {
        Ok(c) if !c.trim().is_empty() => c.trim().to_owned(),
        _ => match git(&["rev-parse", "HEAD"]) {
            Some(c) => {
                // rebuild when HEAD moves: HEAD itself, the branch it points to, packed refs
                let mut watch = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
                if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
                    watch.push(r);
                }
                for w in watch {
                    if let Some(p) = git(&["rev-parse", "--git-path", &w]) {
                        if std::path::Path::new(&p).exists() {
                            println!("cargo:rerun-if-changed={p}");
                        }
                    }
                }
                c
            }
            None => "unknown".to_owned(),
        },
    };
    println!("cargo:rustc-env=TRADESIM_GIT_COMMIT={commit}");
}
