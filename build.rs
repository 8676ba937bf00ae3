//! Records which build this is (commit, its date, target, features) for `--version`.
//!
//! Git is asked once per build script run; without git or outside this
//! repository (a source archive, a crates.io download) the commit is
//! `unknown`. A packager can name it with `INSTATUI_BUILD_COMMIT` and
//! `INSTATUI_BUILD_DATE`.
//!
//! The script reruns only when the package's sources change (the crate is
//! recompiled then anyway, and they decide `-dirty`) or when HEAD moves (a
//! commit, a checkout): not on every `git add` or file elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    for path in ["src", "crates", "Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=INSTATUI_BUILD_COMMIT");
    println!("cargo:rerun-if-env-changed=INSTATUI_BUILD_DATE");

    let (commit, date) = match std::env::var("INSTATUI_BUILD_COMMIT") {
        Ok(commit) if !commit.trim().is_empty() => (
            commit.trim().to_string(),
            std::env::var("INSTATUI_BUILD_DATE").unwrap_or_else(|_| "unknown".into()),
        ),
        _ => from_git(&manifest).unwrap_or_else(|| ("unknown".into(), "unknown".into())),
    };
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".into());
    let mut features: Vec<String> = std::env::vars()
        .filter_map(|(k, _)| k.strip_prefix("CARGO_FEATURE_").map(str::to_string))
        .filter(|f| f != "DEFAULT")
        .map(|f| f.to_ascii_lowercase().replace('_', "-"))
        .collect();
    features.sort();
    println!("cargo:rustc-env=INSTATUI_COMMIT={commit}");
    println!("cargo:rustc-env=INSTATUI_COMMIT_DATE={date}");
    println!("cargo:rustc-env=INSTATUI_TARGET={target}");
    let features = if features.is_empty() {
        "none".to_string()
    } else {
        features.join(",")
    };
    println!("cargo:rustc-env=INSTATUI_FEATURES={features}");
}

/// The short hash (with `-dirty`) and the commit's date, when this package
/// is the top of a git work tree (not a directory inside someone else's).
fn from_git(manifest: &Path) -> Option<(String, String)> {
    let top = git(manifest, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), manifest) {
        return None;
    }
    // HEAD, the branch it points to and packed refs: a commit moves one of them.
    for name in ["HEAD", "packed-refs"] {
        watch(manifest, name);
    }
    if let Some(branch) = git(manifest, &["symbolic-ref", "-q", "HEAD"]) {
        watch(manifest, &branch);
    }
    let hash = git(manifest, &["rev-parse", "--short=9", "HEAD"])?;
    let date = git(manifest, &["log", "-1", "--date=short", "--format=%cd"])
        .unwrap_or_else(|| "unknown".into());
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(manifest)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .is_some_and(|o| !o.stdout.is_empty());
    let commit = if dirty { format!("{hash}-dirty") } else { hash };
    Some((commit, date))
}

/// Reruns the script when git's file for `name` changes (worktrees included).
fn watch(manifest: &Path, name: &str) {
    if let Some(path) = git(manifest, &["rev-parse", "--git-path", name]) {
        let path = manifest.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}
