//! `--version` and `version --json`: which build this is.

use crate::common::cli::Machine;
use serde_json::Value;

/// This checkout's commit, as the build script reads it.
fn head() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--short=9", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn version_names_the_commit_target_and_features_in_text_and_json() {
    let m = Machine::with_posts(1);
    let text = m.run(&["--version"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let json = m.run(&["version", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: Value = serde_json::from_str(&json.stdout).expect("JSON");

    assert!(
        text.stdout
            .starts_with(&format!("instatui {}\n", env!("CARGO_PKG_VERSION")))
    );
    let commit = v["commit"].as_str().map(str::to_string);
    match head() {
        // Built from this checkout: the commit is HEAD's, maybe `-dirty`.
        Some(hash) => {
            let commit = commit.expect("a commit in the JSON");
            assert!(commit.starts_with(&hash), "{commit} is not {hash}");
            assert_eq!(v["dirty"], commit.ends_with("-dirty"));
            assert!(
                text.stdout.contains(&format!("commit:   {commit}\n")),
                "{}",
                text.stdout
            );
            let date = v["commit_date"].as_str().expect("a date");
            assert_eq!(date.len(), 10, "YYYY-MM-DD: {date}");
        }
        // A source archive: said, not guessed.
        None => {
            assert_eq!(v["commit"], Value::Null);
            assert!(text.stdout.contains("commit:   unknown"), "{}", text.stdout);
        }
    }
    let target = v["target"].as_str().expect("target");
    assert!(text.stdout.contains(&format!("target:   {target}\n")));
    assert!(target.contains("-"), "a target triple: {target}");
    // The tests need the `demo` feature, so it is on.
    assert!(
        v["features"]
            .as_array()
            .expect("features")
            .contains(&Value::from("demo"))
    );
    assert!(text.stdout.contains("features: demo"), "{}", text.stdout);
    // `version` prints what `--version` does.
    assert_eq!(m.run(&["version"]).stdout, text.stdout);
}
