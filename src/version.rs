//! Which build this is: version, commit, commit date, target and features, for `--version` and `version --json`.

/// The commit (short hash, `-dirty` when the tree had changes), or `unknown`
/// when built without git (a source archive).
pub const COMMIT: &str = env!("INSTATUI_COMMIT");
/// The commit's date (YYYY-MM-DD), or `unknown`.
pub const COMMIT_DATE: &str = env!("INSTATUI_COMMIT_DATE");
/// The target triple it was built for.
pub const TARGET: &str = env!("INSTATUI_TARGET");
/// The enabled cargo features, comma-separated (`none` for none).
pub const FEATURES: &str = env!("INSTATUI_FEATURES");

/// `-V`: one line.
pub const SHORT: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("INSTATUI_COMMIT"),
    " ",
    env!("INSTATUI_COMMIT_DATE"),
    ")"
);

/// `--version`: clap prints `instatui ` before it.
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ncommit:   ",
    env!("INSTATUI_COMMIT"),
    "\ndate:     ",
    env!("INSTATUI_COMMIT_DATE"),
    "\ntarget:   ",
    env!("INSTATUI_TARGET"),
    "\nfeatures: ",
    env!("INSTATUI_FEATURES"),
);

/// The same facts for scripts: `unknown` becomes `null`.
pub fn json() -> serde_json::Value {
    let known = |s: &str| (s != "unknown").then(|| s.to_string());
    let features: Vec<&str> = FEATURES
        .split(',')
        .filter(|f| !f.is_empty() && *f != "none")
        .collect();
    serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "commit": known(COMMIT),
        "dirty": COMMIT.ends_with("-dirty"),
        "commit_date": known(COMMIT_DATE),
        "target": TARGET,
        "features": features,
    })
}

/// `version` without `--json`: what `--version` prints.
pub fn text() -> String {
    format!("instatui {LONG}")
}
