//! config.toml end to end: the commented default, `config path`, precedence
//! (flag > environment > file > default) for the download folder and the
//! theme, and a broken file that never stops a cron `refresh` or `keep-alive run`.

use crate::common::cli::Machine;
use crate::common::pty::{Pty, Screen};
use instatui::config::{self, Config};
use std::path::Path;

fn write_config(m: &Machine, text: &str) {
    std::fs::create_dir_all(m.config_dir()).expect("config dir");
    std::fs::write(m.config_dir().join("config.toml"), text).expect("config.toml");
}

/// The files saved in `dir`, by name.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn config_default_round_trips_and_config_path_says_where() {
    let m = Machine::demo();
    let run = m.run(&["config", "--default"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(config::parse(&run.stdout), Ok(Config::default()));
    assert!(run.stdout.contains("#theme = \"auto\""), "{run:?}");
    assert!(run.stdout.contains("[download]"), "{run:?}");

    let run = m.run(&["config", "path"]);
    assert_eq!(run.code, 0, "{run:?}");
    let expected = m.config_dir().join("config.toml");
    assert_eq!(run.stdout.trim(), expected.to_str().expect("utf8"));
    let elsewhere = m.out("elsewhere");
    let run = m.run(&[
        "--config-dir",
        elsewhere.to_str().expect("utf8"),
        "config",
        "path",
    ]);
    assert_eq!(
        run.stdout.trim(),
        elsewhere.join("config.toml").to_str().expect("utf8")
    );

    // Not there yet: said, exit 0; written from the default: ok.
    let run = m.run(&["config"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("not there"), "{run:?}");
    let default = m.run(&["config", "--default"]).stdout;
    write_config(&m, &default);
    let run = m.run(&["config"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.trim().ends_with(": ok"), "{run:?}");
}

#[test]
fn a_mistake_in_config_toml_is_one_sentence_with_file_line_and_key() {
    let m = Machine::demo();
    write_config(&m, "# mine\n[download]\npattern = \"../{id}\"\n");
    let run = m.run(&["config"]);
    assert_eq!(run.code, 1, "{run:?}");
    let file = m.config_dir().join("config.toml");
    let said = format!(
        "error: {}, line 3, key `download.pattern`: \"../{{id}}\" would save outside the download folder",
        file.display()
    );
    assert!(run.stderr.starts_with(&said), "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "one sentence: {run:?}");

    write_config(&m, "theme = \"dark\"\ncolour = \"red\"\n");
    let run = m.run(&["config"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("line 2, key `colour`: unknown field `colour`"),
        "{run:?}"
    );
}

#[test]
fn the_download_folder_is_the_flag_then_the_environment_then_config_toml() {
    let m = Machine::with_posts(3);
    m.authorized();
    let from_config = m.out("from-config");
    write_config(
        &m,
        &format!(
            "[download]\nfolder = \"{}\"\npattern = \"ig-{{date}}-{{id}}\"\n",
            from_config.display()
        ),
    );
    let no_env = |c: &mut assert_cmd::Command| {
        c.env_remove(config::DOWNLOAD_DIR_ENV);
    };
    // The file: its folder, its names.
    let run = m.run_with(&["download", "--limit", "1"], no_env);
    assert_eq!(run.code, 0, "{run:?}");
    let saved = files(&from_config);
    assert!(!saved.is_empty(), "{run:?}");
    for name in &saved {
        assert!(name.starts_with("ig-20"), "named by the pattern: {saved:?}");
    }
    // The environment wins over the file.
    let from_env = m.out("from-env");
    let run = m.run_with(&["download", "--limit", "1"], |c| {
        c.env(config::DOWNLOAD_DIR_ENV, &from_env);
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(files(&from_env), saved, "same names, other folder");
    // The flag wins over both.
    let from_flag = m.out("from-flag");
    let run = m.run_with(
        &[
            "download",
            "--limit",
            "1",
            "--out",
            from_flag.to_str().expect("utf8"),
        ],
        |c| {
            c.env(config::DOWNLOAD_DIR_ENV, &from_env);
        },
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(files(&from_flag), saved);
    // Without the file: the default folder, default names.
    std::fs::remove_file(m.config_dir().join("config.toml")).expect("removed");
    let run = m.run_with(&["download", "--limit", "1"], no_env);
    assert_eq!(run.code, 0, "{run:?}");
    let (_, folder) = run.stdout.trim().rsplit_once(" in ").expect("says where");
    assert!(
        folder.starts_with(m.home.path().to_str().expect("utf8")),
        "{run:?}"
    );
    assert_ne!(Path::new(folder), from_config.as_path());
    let default = files(Path::new(folder));
    assert!(
        !default.is_empty() && default.iter().all(|n| !n.starts_with("ig-")),
        "{default:?} {run:?}"
    );
}

#[test]
fn a_broken_config_never_stops_refresh_or_keep_alive_run() {
    let m = Machine::demo();
    m.authorized();
    let baseline_refresh = m.run(&["refresh"]).code;
    let baseline_run = m.run(&["keep-alive", "run"]).code;
    let file = m.config_dir().join("config.toml");
    for (what, broken) in [
        ("a wrong type", Some("theme = 3\n")),
        ("not TOML", Some("[download\nfolder = \n")),
        ("unreadable", None),
    ] {
        match broken {
            Some(text) => write_config(&m, text),
            None => {
                let _ = std::fs::remove_file(&file);
                std::fs::create_dir(&file).expect("a folder in its place");
            }
        }
        for args in [&["refresh"][..], &["keep-alive", "run"][..]] {
            let run = m.run(args);
            let baseline = if args[0] == "refresh" {
                baseline_refresh
            } else {
                baseline_run
            };
            assert_eq!(run.code, baseline, "{what}, {args:?}: {run:?}");
            let warning = run
                .stderr
                .lines()
                .find(|l| l.starts_with("warning: "))
                .unwrap_or_else(|| panic!("{what}, {args:?}: no warning: {run:?}"));
            assert!(
                warning.contains(file.to_str().expect("utf8"))
                    && warning.contains("using the default settings"),
                "{what}: {warning}"
            );
            if what == "a wrong type" {
                assert!(warning.contains("line 1, key `theme`"), "{warning}");
            }
        }
    }
}

#[test]
fn keep_alive_takes_its_schedule_from_config_toml_unless_flags_say() {
    let m = Machine::demo();
    m.setup();
    write_config(&m, "[keep_alive]\nevery = \"6h\"\nwithin = \"14d\"\n");
    let run = m.run(&["keep-alive", "print"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("every 6h") && run.stdout.contains("within 14d"),
        "{run:?}"
    );
    let run = m.run(&["keep-alive", "print", "--every", "12h"]);
    assert!(
        run.stdout.contains("every 12h") && run.stdout.contains("within 14d"),
        "{run:?}"
    );
}

fn screen(pty: &Pty) -> String {
    Screen::of(&pty.output()).text()
}

#[test]
fn the_tui_takes_its_theme_from_config_toml_and_says_when_the_file_is_broken() {
    let m = Machine::demo();
    m.authorized();
    // theme = "plain": no colours, so pictures are off and the TUI says so.
    write_config(&m, "theme = \"plain\"\n");
    let no_theme: [(&str, &std::ffi::OsStr); 1] = [("INSTATUI_THEME", "".as_ref())];
    let mut pty = Pty::spawn_with(&m, &[], &no_theme);
    pty.wait_for_text("no colour: pictures are off");
    pty.type_keys("q");
    pty.wait_exit();

    // The environment wins over the file.
    let dark: [(&str, &std::ffi::OsStr); 1] = [("INSTATUI_THEME", "dark".as_ref())];
    let mut pty = Pty::spawn_with(&m, &["--images", "off"], &dark);
    pty.wait_for_text("Token");
    assert!(!screen(&pty).contains("no colour"), "{}", screen(&pty));
    pty.type_keys("q");
    pty.wait_exit();

    // A broken file: the status line says where, and the TUI runs on.
    write_config(&m, "theme = \"plain\"\nimages = 7\n");
    let mut pty = Pty::spawn_with(&m, &["--images", "off"], &no_theme);
    pty.wait_for_text("config.toml, line 2");
    pty.type_keys("q");
    pty.wait_exit();
}

/// `instatui config` names the folder downloads go to, as the flag-less
/// `download` and `d` resolve it (the Files table can only describe it).
#[test]
fn config_names_the_download_folder_in_use() {
    let m = Machine::demo();
    let from_config = m.out("from-config");
    write_config(
        &m,
        &format!("[download]\nfolder = \"{}\"\n", from_config.display()),
    );
    let run = m.run_with(&["config"], |c| {
        c.env_remove(config::DOWNLOAD_DIR_ENV);
    });
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "downloads: {} (from download.folder in config.toml",
            from_config.display()
        )),
        "{run:?}"
    );
    let from_env = m.out("from-env");
    let run = m.run_with(&["config"], |c| {
        c.env(config::DOWNLOAD_DIR_ENV, &from_env);
    });
    assert!(
        run.stdout.contains(&format!(
            "downloads: {} (from INSTATUI_DOWNLOAD_DIR",
            from_env.display()
        )),
        "{run:?}"
    );
    std::fs::remove_file(m.config_dir().join("config.toml")).expect("removed");
    let run = m.run_with(&["config"], |c| {
        c.env_remove(config::DOWNLOAD_DIR_ENV);
    });
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("downloads: "))
        .unwrap_or_else(|| panic!("no downloads line: {run:?}"));
    assert!(line.contains("(the default"), "{run:?}");
    assert!(
        line.contains(m.home.path().to_str().expect("utf8")),
        "under this home: {run:?}"
    );
}
