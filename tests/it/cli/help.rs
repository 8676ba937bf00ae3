//! Every `--help` through the built binary, checked for the facts that drift: the
//! keep-alive command line, the defaults, the refresh policy's numbers and the
//! closed choices' possible values, against what the commands do and the docs say.

use crate::common::cli::{Machine, Run};
use clap::CommandFactory;
use instatui::cli::Cli;

/// Every visible subcommand's path: `["keep-alive", "install"]`, …
fn subcommand_paths(command: &clap::Command, above: &[String], out: &mut Vec<Vec<String>>) {
    for sub in command.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let mut path = above.to_vec();
        path.push(sub.get_name().to_string());
        out.push(path.clone());
        subcommand_paths(sub, &path, out);
    }
}

fn help(m: &Machine, path: &[&str]) -> Run {
    let mut args = path.to_vec();
    args.push("--help");
    let run = m.run(&args);
    assert_eq!(run.code, 0, "{path:?} --help: {run:?}");
    run
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// `12h` from `[default: config.toml's keep_alive.every, else 12h]` under
/// `--flag` in a long help (the built-in default, after the config's).
fn default_of(help: &str, flag: &str) -> String {
    let help = flat(help);
    let from = help
        .find(&format!("{flag} <"))
        .unwrap_or_else(|| panic!("{flag} in {help}"));
    let default = between(&help[from..], "[default: ", "]")
        .unwrap_or_else(|| panic!("a default for {flag} in {help}"));
    default
        .rsplit_once("else ")
        .map_or(default, |(_, built_in)| built_in)
        .to_string()
}

/// "once it is 3 days old": the refresh policy's age as a sentence says it.
fn policy_age(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    between(&flat, "once it is ", " old")
        .or_else(|| between(&flat, "once its token is ", " old"))
        .unwrap_or_else(|| panic!("the policy's age in {text}"))
        .to_string()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_subcommand_has_help_and_every_choice_lists_its_values() {
    let m = Machine::demo();
    let root = Cli::command();
    let mut paths = vec![Vec::new()];
    subcommand_paths(&root, &[], &mut paths);
    assert!(paths.len() > 30, "{paths:?}");
    for path in &paths {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let run = help(&m, &path);
        assert!(run.stdout.contains("Usage: instatui"), "{path:?}: {run:?}");
        // The command line keep-alive ran two releases ago.
        assert!(
            !run.stdout.contains("refresh --if-expiring-within WITHIN"),
            "{path:?} describes an old keep-alive: {}",
            run.stdout
        );
        // Each closed choice lists its values, and anything else is
        // refused naming them (exit 2).
        let mut command = &root;
        for name in &path {
            command = command.find_subcommand(name).expect("the subcommand");
        }
        for arg in command.get_arguments() {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect();
            if values.is_empty() || !arg.get_action().takes_values() || arg.is_hide_set() {
                continue;
            }
            let text = flat(&run.stdout);
            for value in &values {
                assert!(
                    text.contains(&format!("- {value}:"))
                        || text.contains(&format!("{value},"))
                        || text.contains(&format!("{value}]")),
                    "{path:?} --help does not list {value} for {}: {text}",
                    arg.get_id()
                );
            }
            let mut args: Vec<String> = path.iter().map(|p| p.to_string()).collect();
            if let Some(long) = arg.get_long() {
                args.push(format!("--{long}"));
            }
            args.push("not-a-choice".to_string());
            let refused = m.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(refused.code, 2, "{args:?}: {refused:?}");
            assert!(
                refused
                    .stderr
                    .contains(&format!("[possible values: {}]", values.join(", "))),
                "{args:?}: {refused:?}"
            );
        }
    }
}

#[test]
fn the_choices_the_issue_named_are_closed() {
    let m = Machine::demo();
    for (args, values) in [
        (
            vec!["--images"],
            "auto, kitty, sixel, iterm2, halfblocks, off",
        ),
        (vec!["--theme"], "auto, dark, light, plain"),
        (
            vec!["keep-alive", "install", "--scheduler"],
            "systemd, cron, launchd",
        ),
        (vec!["setup", "--flavor"], "instagram-login, basic-display"),
        (vec!["download", "--only"], "images, videos"),
    ] {
        let mut line = args.clone();
        line.push("nope");
        let run = m.run(&line);
        assert_eq!(run.code, 2, "{line:?}: {run:?}");
        assert!(
            run.stderr.contains(&format!("[possible values: {values}]")),
            "{line:?}: {run:?}"
        );
    }
    // Aliases still work, and the value is typed: `--images blocks` on a
    // subcommand parses (the screens are not started).
    let run = m.run(&["--images", "blocks", "--theme", "light", "version"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn keep_alive_help_names_the_command_line_and_defaults_it_installs() {
    let m = Machine::demo();
    let install = help(&m, &["keep-alive", "install"]).stdout;
    let every = default_of(&install, "--every");
    let within = default_of(&install, "--within");
    for path in [&["keep-alive", "print"][..], &["keep-alive", "run"][..]] {
        let text = help(&m, path).stdout;
        assert_eq!(default_of(&text, "--within"), within, "{path:?}");
        if path[1] == "print" {
            assert_eq!(default_of(&text, "--every"), every);
        }
    }
    // The help's command line is the one the entry runs.
    let about = flat(&install);
    let said = between(&about, "Have the machine run '", "'").expect("a command line");
    assert_eq!(said, "instatui keep-alive run --within WITHIN", "{about}");
    let group = flat(&help(&m, &["keep-alive"]).stdout);
    assert!(group.contains(&format!("runs '{said}'")), "{group}");

    // `keep-alive print` with its defaults: the entry runs exactly that,
    // every `every`, refreshing by the same policy.
    let print = m.run(&["keep-alive", "print"]);
    assert_eq!(print.code, 0, "{print:?}");
    let header = flat(
        print
            .stdout
            .lines()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
    );
    let written = between(&header, "this runs '", "'").expect("the entry's command");
    let config_dir = m.config_dir().display().to_string();
    let after_dir = written
        .split_once(&format!("--config-dir {config_dir} "))
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("{written}"));
    assert_eq!(
        format!("instatui {after_dir}"),
        said.replace("WITHIN", &within)
    );
    assert!(
        header.contains(&format!("every {every} this runs")),
        "{header}"
    );
    assert_eq!(policy_age(&header), policy_age(&install));

    // One policy everywhere the help names it.
    let age = policy_age(&install);
    assert_eq!(policy_age(&help(&m, &["keep-alive", "run"]).stdout), age);
    let refresh = flat(&help(&m, &["refresh"]).stdout);
    let (n, unit) = age.split_once(' ').expect("3 days");
    assert!(
        refresh.contains(&format!("the TUI and keep-alive use {n}{}", &unit[..1])),
        "{refresh}"
    );

    // And the docs say the same.
    let root = env!("CARGO_MANIFEST_DIR");
    let keep_alive = std::fs::read_to_string(format!("{root}/docs/keep-alive.md")).expect("docs");
    let cli = std::fs::read_to_string(format!("{root}/docs/cli.md")).expect("docs");
    let line = said.replace("WITHIN", &within);
    assert!(
        flat(&keep_alive).contains(&format!("`{line}`")),
        "docs/keep-alive.md: {line}"
    );
    assert!(
        flat(&keep_alive).contains(&format!("once it is {age} old")),
        "docs/keep-alive.md: {age}"
    );
    assert!(
        keep_alive.contains(&format!(
            "# every {every}, refresh within {within} of expiry"
        )),
        "docs/keep-alive.md: defaults"
    );
    assert!(
        cli.contains(&format!(
            "`instatui keep-alive install [--every {every}] [--within {within}] [--scheduler systemd\\|cron\\|launchd]`"
        )),
        "docs/cli.md: keep-alive install's defaults and choices"
    );
    assert!(
        flat(&cli).contains(&format!("older than {age}")),
        "docs/cli.md: the refresh policy"
    );
}

/// Issue 24: a README a newcomer reads in five minutes (at most 250 lines,
/// the two commands on its first screen) and the manual in `docs/`: every
/// file the issue names is there, every link from the README into `docs/`
/// leads to a file, and Design and Tests are in ARCHITECTURE.md.
#[test]
fn the_readme_is_short_and_docs_hold_the_manual() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).expect(p);
    let readme = read("README.md");
    let lines = readme.lines().count();
    assert!(lines <= 250, "README.md has {lines} lines");
    let first_screen: Vec<&str> = readme.lines().take(24).collect();
    for command in ["cargo run --release -- --demo", "cargo test"] {
        assert!(
            first_screen.iter().any(|l| l.contains(command)),
            "'{command}' on the README's first screen"
        );
    }
    for doc in [
        "guide.md",
        "tui.md",
        "cli.md",
        "keep-alive.md",
        "handoffs.md",
        "troubleshooting.md",
    ] {
        let text = read(&format!("docs/{doc}"));
        assert!(text.lines().count() > 20, "docs/{doc} holds its part");
    }
    for link in readme.split("](docs/").skip(1) {
        let end = link.find([')', '#']).expect("a closed link");
        let path = format!("docs/{}", &link[..end]);
        assert!(root.join(&path).is_file(), "README links to {path}");
    }
    let architecture = read("ARCHITECTURE.md");
    for heading in ["\n## Design", "\n## Tests"] {
        assert!(architecture.contains(heading), "ARCHITECTURE.md{heading}");
    }
}
