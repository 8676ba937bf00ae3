//! What a package installs: every manual page, and metadata that agrees with the release archives and scripts/package-deb.sh.

use crate::common::cli::Machine;
use std::collections::BTreeSet;
use std::path::Path;

/// The pages a roff page names: `instatui\-keep\-alive(1)` is
/// `instatui-keep-alive`.
fn named_pages(roff: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (at, _) in roff.match_indices("(1)") {
        let before = &roff[..at];
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '\\'))
            .map_or(0, |i| i + 1);
        let name = before[start..].replace("\\-", "-");
        if name.starts_with("instatui") {
            names.insert(name);
        }
    }
    names
}

#[test]
fn man_out_dir_writes_every_page_that_a_page_names() {
    let m = Machine::with_posts(1);
    let dir = m.out("man");
    let run = m.run(&["man", "--out-dir", dir.to_str().expect("utf-8")]);
    assert_eq!(run.code, 0, "{run:?}");

    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("the folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        run.stdout
            .contains(&format!("wrote {} manual pages", files.len())),
        "{run:?}"
    );
    for page in [
        "instatui.1",
        "instatui-keep-alive.1",
        "instatui-keep-alive-install.1",
        "instatui-download.1",
        "instatui-doctor.1",
    ] {
        assert!(files.contains(page), "{page} missing from {files:?}");
    }
    // Neither clap's `help` nor the hidden fake-server has a page.
    assert!(
        files
            .iter()
            .all(|f| !f.contains("help") && !f.contains("fake-server")),
        "{files:?}"
    );

    let mut named_anywhere = BTreeSet::new();
    for file in &files {
        let roff = std::fs::read_to_string(dir.join(file)).expect("a page");
        let name = file.trim_end_matches(".1");
        assert!(
            roff.contains(&format!(".TH {name} 1 ")),
            "{file} is titled {name}(1)"
        );
        for named in named_pages(&roff) {
            assert!(
                files.contains(&format!("{named}.1")),
                "{file} names {named}(1), which was not written"
            );
            named_anywhere.insert(named);
        }
    }
    assert!(
        named_anywhere.contains("instatui-keep-alive"),
        "instatui(1) points to instatui-keep-alive(1): {named_anywhere:?}"
    );
    // The page on stdout lists no help page either.
    let top = m.run(&["man"]);
    assert!(!named_pages(&top.stdout).contains("instatui-help"));
}

fn toml_file(name: &str) -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    let text = std::fs::read_to_string(&path).expect(name);
    toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn get<'a>(table: &'a toml::Table, path: &str) -> &'a toml::Value {
    let mut parts = path.split('.');
    let first = parts.next().expect("a key");
    let mut value = table.get(first).unwrap_or_else(|| panic!("no {path}"));
    for part in parts {
        value = value.get(part).unwrap_or_else(|| panic!("no {path}"));
    }
    value
}

fn str_of<'a>(table: &'a toml::Table, path: &str) -> &'a str {
    get(table, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}

#[test]
fn cargo_binstall_downloads_the_archives_the_release_configuration_makes() {
    let cargo = toml_file("Cargo.toml");
    let dist = toml_file("dist-workspace.toml");
    for key in ["repository", "homepage"] {
        assert!(str_of(&cargo, &format!("package.{key}")).starts_with("https://"));
    }
    let keywords = get(&cargo, "package.keywords")
        .as_array()
        .expect("keywords");
    assert!((1..=5).contains(&keywords.len()), "crates.io takes five");
    assert!(
        get(&cargo, "package.categories")
            .as_array()
            .expect("categories")
            .contains(&"command-line-utilities".into())
    );

    let targets: Vec<&str> = get(&dist, "dist.targets")
        .as_array()
        .expect("targets")
        .iter()
        .filter_map(toml::Value::as_str)
        .collect();
    for wanted in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(targets.contains(&wanted), "{wanted} has no archive");
    }
    assert_eq!(str_of(&dist, "dist.checksum"), "sha256");
    let suffix = str_of(&dist, "dist.unix-archive");
    assert_eq!(suffix, ".tar.xz");
    assert_eq!(str_of(&cargo, "package.metadata.binstall.pkg-fmt"), "txz");

    // dist names an archive `<name>-<target><suffix>` holding one folder of
    // the same name: binstall's templates must expand to exactly that.
    let repo = str_of(&cargo, "package.repository");
    let version = env!("CARGO_PKG_VERSION");
    for target in targets {
        let expand = |template: &str| {
            template
                .replace("{ repo }", repo)
                .replace("{ version }", version)
                .replace("{ name }", "instatui")
                .replace("{ target }", target)
                .replace("{ archive-suffix }", suffix)
                .replace("{ bin }", "instatui")
                .replace("{ binary-ext }", "")
        };
        let archive = format!("instatui-{target}{suffix}");
        assert_eq!(
            expand(str_of(&cargo, "package.metadata.binstall.pkg-url")),
            format!("{repo}/releases/download/v{version}/{archive}")
        );
        assert_eq!(
            expand(str_of(&cargo, "package.metadata.binstall.bin-dir")),
            format!("instatui-{target}/instatui")
        );
    }
}

#[test]
fn the_debian_package_takes_what_the_script_makes_and_puts_it_where_the_system_looks() {
    let cargo = toml_file("Cargo.toml");
    let script = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/package-deb.sh"
    ));
    let assets: Vec<(String, String)> = get(&cargo, "package.metadata.deb.assets")
        .as_array()
        .expect("assets")
        .iter()
        .map(|a| {
            let a = a.as_array().expect("[source, dest, mode]");
            (
                a[0].as_str().expect("source").to_string(),
                a[1].as_str().expect("dest").to_string(),
            )
        })
        .collect();
    let dest_of = |source: &str| {
        assets
            .iter()
            .find(|(s, _)| s == source)
            .map(|(_, d)| d.as_str())
            .unwrap_or_else(|| panic!("no asset {source}"))
    };
    assert_eq!(dest_of("target/release/instatui"), "usr/bin/");
    assert_eq!(dest_of("target/package-deb/man/*.1"), "usr/share/man/man1/");
    assert_eq!(
        dest_of("target/package-deb/completions/instatui.bash"),
        "usr/share/bash-completion/completions/instatui"
    );
    assert_eq!(
        dest_of("target/package-deb/completions/_instatui"),
        "usr/share/zsh/vendor-completions/_instatui"
    );
    assert_eq!(
        dest_of("target/package-deb/completions/instatui.fish"),
        "usr/share/fish/vendor_completions.d/instatui.fish"
    );
    assert_eq!(dest_of("LICENSE"), "usr/share/doc/instatui/");
    assert_eq!(dest_of("README.md"), "usr/share/doc/instatui/");
    for (source, _) in &assets {
        if let Some(made) = source.strip_prefix("target/package-deb/") {
            // The script writes it there (with the release binary).
            let file = made
                .trim_start_matches("man/")
                .trim_start_matches("completions/");
            let written = if made.starts_with("man/") {
                script.contains("man --out-dir \"$gen/man\"")
            } else {
                script.contains(&format!("\"$gen/completions/{file}\""))
            };
            assert!(written, "scripts/package-deb.sh does not write {source}");
        } else if !source.starts_with("target/release/") {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let dir = source.trim_end_matches("*.md");
            assert!(root.join(dir).exists(), "{source} is not in the repository");
        }
    }
    assert!(script.contains("gen=target/package-deb"));
}
