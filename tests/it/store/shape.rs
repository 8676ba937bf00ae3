//! Issue 24: the state in memory has the file's shape. Nothing rotates
//! accounts in and out of the top level any more, and nothing may again.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `grep` finds no rotation helpers: the names the old design used to
/// move the active account in and out (`arranged_for`, `arranged_back`,
/// `unpack`, `park_active`) and the merge's realignment.
#[test]
fn no_rotation_helper_is_left_in_the_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    for krate in ["crates/instagram/src", "crates/fake/src"] {
        rust_files(&root.join(krate), &mut files);
    }
    assert!(files.len() > 50, "the sources were found: {}", files.len());
    let names = [
        "arranged_for",
        "arranged_back",
        "fn unpack",
        ".unpack(",
        "park_active",
        "realign",
    ];
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for name in names {
            assert!(
                !text.contains(name),
                "{} still has `{name}`",
                file.display()
            );
        }
    }
}
