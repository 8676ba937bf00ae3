//! `config.toml`: the user's settings beside `state.json` (never a secret), checked with file, line and key.
//!
//! Every key is optional; what is left out keeps the built-in default.
//! Precedence everywhere: flag > environment > this file > default. A file
//! that cannot be read or parsed never stops anything: the caller warns (the
//! CLI on stderr, the TUI on its status line) and goes on with the defaults.

use crate::download::Pattern;
use crate::file_error::{FileError, line_of};
use crate::preview::ImageMode;
use crate::ui::theme::{Theme, ThemeChoice};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use time::Duration;
use toml::Spanned;

/// The file's name in the config dir.
pub const FILE: &str = "config.toml";

/// `INSTATUI_DOWNLOAD_DIR`: the download folder, between `--out` and the file.
pub const DOWNLOAD_DIR_ENV: &str = "INSTATUI_DOWNLOAD_DIR";

/// The settings, checked. `None` everywhere is the built-in default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// `auto`, `dark`, `light` or `plain` (as `--theme`).
    pub theme: Option<String>,
    /// How pictures are drawn (as `--images`).
    pub images: Option<String>,
    /// Whether the TUI starts with auto-refresh on.
    pub auto_refresh: Option<bool>,
    /// Where downloads go (absolute, `~/` expanded).
    pub download_folder: Option<PathBuf>,
    /// The downloaded files' names.
    pub download_pattern: Option<Pattern>,
    /// `keep-alive install --every`.
    pub keep_alive_every: Option<Duration>,
    /// `keep-alive install --within` (and `keep-alive run --within`).
    pub keep_alive_within: Option<Duration>,
    /// `notify add --timeout`.
    pub notify_timeout: Option<Duration>,
}

/// The file as written: every value keeps its place, so a check after
/// parsing can still name the line.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    theme: Option<Spanned<String>>,
    images: Option<Spanned<String>>,
    auto_refresh: Option<bool>,
    #[serde(default)]
    download: RawDownload,
    #[serde(default)]
    keep_alive: RawKeepAlive,
    #[serde(default)]
    notify: RawNotify,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDownload {
    folder: Option<Spanned<String>>,
    pattern: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeepAlive {
    every: Option<Spanned<String>>,
    within: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotify {
    timeout: Option<Spanned<String>>,
}

/// What was read: the settings, and the sentence to show when the file was
/// not usable (the settings are then the defaults).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub warning: Option<String>,
}

/// `<dir>/config.toml`.
pub fn path(config_dir: &Path) -> PathBuf {
    config_dir.join(FILE)
}

/// Reads config.toml beside this store's `state.json`.
pub fn load_for(store: &crate::store::Store) -> Loaded {
    load(store.dir())
}

/// Reads `<dir>/config.toml`. A missing file is the defaults, silently; an
/// unreadable or invalid one is the defaults with a warning.
pub fn load(config_dir: &Path) -> Loaded {
    let file = path(config_dir);
    let text = match std::fs::read(&file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::default(),
        Err(e) => {
            return Loaded {
                config: Config::default(),
                warning: Some(format!(
                    "could not read {}: {e}; using the default settings until it is readable",
                    file.display()
                )),
            };
        }
    };
    let text = match String::from_utf8(text) {
        Ok(text) => text,
        Err(_) => {
            return Loaded {
                config: Config::default(),
                warning: Some(format!(
                    "{} is not UTF-8 text; using the default settings until it is fixed",
                    file.display()
                )),
            };
        }
    };
    match parse(&text) {
        Ok(config) => Loaded {
            config,
            warning: None,
        },
        Err(e) => Loaded {
            config: Config::default(),
            warning: Some(format!(
                "{}; using the default settings until it is fixed (`instatui config` checks it)",
                e.sentence(&file)
            )),
        },
    }
}

/// The key set on a line (`pattern = …` under `[download]` is
/// `download.pattern`), or the table a `[header]` line opens.
fn key_at(text: &str, line: usize) -> Option<String> {
    let mut table: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.starts_with('[') {
            let name = trimmed
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            if n + 1 == line {
                return Some(name);
            }
            table = Some(name);
            continue;
        }
        if n + 1 == line {
            let key = trimmed.split('=').next()?.trim().trim_matches('"');
            if key.is_empty() || trimmed.starts_with('#') {
                return None;
            }
            return Some(match &table {
                Some(t) => format!("{t}.{key}"),
                None => key.to_string(),
            });
        }
    }
    None
}

/// Parses and checks the file's text.
pub fn parse(text: &str) -> Result<Config, FileError> {
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| line_of(text, s.start));
        FileError {
            line,
            key: key_at(text, line),
            message: e.message().trim().to_string(),
        }
    })?;
    let at = |value: &Spanned<String>, key: &str, message: String| FileError {
        line: line_of(text, value.span().start),
        key: Some(key.to_string()),
        message,
    };
    let one_of = |value: Option<Spanned<String>>,
                  key: &str,
                  allowed: &[String]|
     -> Result<Option<String>, FileError> {
        let Some(value) = value else { return Ok(None) };
        let lower = value.get_ref().trim().to_ascii_lowercase();
        if allowed.contains(&lower) {
            Ok(Some(lower))
        } else {
            Err(at(
                &value,
                key,
                format!(
                    "\"{}\" is not one of {}",
                    crate::sanitize::line(value.get_ref()),
                    allowed.join(", ")
                ),
            ))
        }
    };
    let duration = |value: Option<Spanned<String>>,
                    key: &str|
     -> Result<Option<(Duration, Spanned<String>)>, FileError> {
        let Some(value) = value else { return Ok(None) };
        match crate::lifetime::parse_duration(value.get_ref()) {
            Ok(d) if d.is_positive() => Ok(Some((d, value))),
            Ok(_) => Err(at(&value, key, "must be above zero".to_string())),
            Err(e) => Err(at(&value, key, e)),
        }
    };

    let theme = one_of(raw.theme, "theme", &names::<ThemeChoice>())?;
    let images = one_of(raw.images, "images", &names::<ImageMode>())?;
    let download_folder = match raw.download.folder {
        None => None,
        Some(value) => Some(
            folder(value.get_ref()).map_err(|message| at(&value, "download.folder", message))?,
        ),
    };
    let download_pattern = match raw.download.pattern {
        None => None,
        Some(value) => Some(
            Pattern::parse(value.get_ref())
                .map_err(|message| at(&value, "download.pattern", message))?,
        ),
    };
    let every = duration(raw.keep_alive.every, "keep_alive.every")?;
    let within = duration(raw.keep_alive.within, "keep_alive.within")?;
    if every.is_some() || within.is_some() {
        let default = crate::keepalive::Schedule::default();
        let pair = (
            every.as_ref().map_or(default.every, |(d, _)| *d),
            within.as_ref().map_or(default.within, |(d, _)| *d),
        );
        if let Err(message) = crate::keepalive::Schedule::new(pair.0, pair.1) {
            // The key the sentence is about, else the other one given.
            let (every, within) = (
                every.as_ref().map(|(_, v)| (v, "keep_alive.every")),
                within.as_ref().map(|(_, v)| (v, "keep_alive.within")),
            );
            let named = if message.starts_with("--every") {
                every.or(within)
            } else {
                within.or(every)
            };
            if let Some((value, key)) = named {
                let message = message
                    .replace("--every", "every")
                    .replace("--within", "within");
                return Err(at(value, key, message));
            }
        }
    }
    let notify_timeout = match duration(raw.notify.timeout, "notify.timeout")? {
        Some((d, value)) if d < Duration::seconds(1) => {
            return Err(at(&value, "notify.timeout", "must be at least 1s".into()));
        }
        other => other.map(|(d, _)| d),
    };
    Ok(Config {
        theme,
        images,
        auto_refresh: raw.auto_refresh,
        download_folder,
        download_pattern,
        keep_alive_every: every.map(|(d, _)| d),
        keep_alive_within: within.map(|(d, _)| d),
        notify_timeout,
    })
}

/// keep-alive's schedule, `--every` and `--within`: the flags, else this
/// file's `[keep_alive]`, else the defaults. One resolution for the CLI's
/// `keep-alive install`, `print` and `run` and the TUI's keep-alive popup
/// (`K`, which has no flags), so both install the same timer.
pub fn keep_alive_schedule(
    every: Option<Duration>,
    within: Option<Duration>,
    config: &Config,
) -> (Duration, Duration) {
    let default = crate::keepalive::Schedule::default();
    (
        every.or(config.keep_alive_every).unwrap_or(default.every),
        within
            .or(config.keep_alive_within)
            .unwrap_or(default.within),
    )
}

/// The words a key takes: the names of the flag's own choices (`theme` as
/// `--theme`, `images` as `--images`), so the file and the flag never
/// disagree.
fn names<E: clap::ValueEnum>() -> Vec<String> {
    E::value_variants()
        .iter()
        .filter_map(E::to_possible_value)
        .map(|v| v.get_name().to_string())
        .collect()
}

/// A download folder as written: absolute, or `~/…` under the home folder.
fn folder(text: &str) -> Result<PathBuf, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "is empty: give a folder such as \"~/Pictures/instatui\", or remove the line".into(),
        );
    }
    if let Some(rest) = text
        .strip_prefix("~/")
        .or_else(|| (text == "~").then_some(""))
    {
        let home = directories::BaseDirs::new()
            .map(|b| b.home_dir().to_path_buf())
            .ok_or("starts with ~ but this user has no home folder: write the whole path")?;
        return Ok(home.join(rest));
    }
    let path = PathBuf::from(text);
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(format!(
            "\"{}\" is relative: write an absolute folder or one under ~/",
            crate::sanitize::line(text)
        ))
    }
}

/// The download folder: `--out`, else `INSTATUI_DOWNLOAD_DIR`, else the
/// file's, else `default` (empty values count as unset).
pub fn download_dir(
    flag: Option<PathBuf>,
    env: Option<std::ffi::OsString>,
    config: &Config,
    default: impl FnOnce() -> PathBuf,
) -> PathBuf {
    flag.filter(|p| !p.as_os_str().is_empty())
        .or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from))
        .or_else(|| config.download_folder.clone())
        .unwrap_or_else(default)
}

/// The theme asked for: the flag, else the environment, else the file;
/// `Ok(None)` is `auto`. Only a bad environment value is an error (a flag is
/// checked by clap, the file when it is read).
pub fn theme_choice(
    flag: Option<ThemeChoice>,
    env: Option<&str>,
    config: &Config,
) -> Result<Option<Theme>, String> {
    let read = |text: &str| <ThemeChoice as clap::ValueEnum>::from_str(text.trim(), true);
    if let Some(flag) = flag {
        return Ok(flag.theme());
    }
    if let Some(env) = env.filter(|v| !v.trim().is_empty()) {
        return match read(env) {
            Ok(choice) => Ok(choice.theme()),
            Err(_) => Err(format!(
                "INSTATUI_THEME={} is not a theme: set it to {} (or unset it)",
                crate::sanitize::line(env),
                crate::text::choices::<ThemeChoice>()
            )),
        };
    }
    Ok(config
        .theme
        .as_deref()
        .and_then(|t| read(t).ok())
        .and_then(ThemeChoice::theme))
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `instatui config --default`: every key, commented out, at its default;
/// `download_folder` is this machine's default folder.
pub fn default_text(download_folder: &Path) -> String {
    let schedule = crate::keepalive::Schedule::default();
    let every = crate::keepalive::format_arg(schedule.every);
    let within = crate::keepalive::format_arg(schedule.within);
    let timeout = crate::keepalive::format_arg(
        Duration::try_from(crate::watch::notify::DEFAULT_TIMEOUT).unwrap_or(Duration::seconds(30)),
    );
    format!(
        r#"# instatui's settings: {FILE}, beside state.json (`instatui config path` says where).
# Every key is optional: a line left commented keeps the default it shows.
# Flags win over environment variables, which win over this file.
# Never put a secret here: the app secret and the tokens stay in state.json.

# Colours: "auto" (reads NO_COLOR and COLORFGBG), "dark", "light" or "plain".
# (--theme, INSTATUI_THEME)
#theme = "auto"

# How pictures are drawn: "auto", "kitty", "sixel", "iterm2", "halfblocks" or "off".
# (--images)
#images = "auto"

# Refresh the token while the TUI runs, by the refresh policy (`a` toggles it).
#auto_refresh = true

[download]
# Where `instatui download` and `d` save: an absolute folder, or one under ~/.
# (--out, INSTATUI_DOWNLOAD_DIR)
#folder = {folder}
# The files' names, without extension: {{username}}, {{date}} (YYYY-MM-DD, UTC)
# and {{id}} (required, so two posts never share a name); letters, digits, - and _
# between them. An album's items get _1, _2, … after it.
#pattern = {pattern}

[keep_alive]
# How often `keep-alive install` has the machine run keep-alive: hours that divide
# a day (1h … 12h) or whole days up to 7d. (--every)
#every = "{every}"
# Refresh a token once it expires within this long. (--within)
#within = "{within}"

[notify]
# How long a notifier added by `notify add` may take. (--timeout)
#timeout = "{timeout}"
"#,
        folder = quoted(&download_folder.display().to_string()),
        pattern = quoted(Pattern::DEFAULT),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `#key = value` line of the default, uncommented.
    fn uncommented(text: &str) -> String {
        text.lines()
            .map(|l| match l.strip_prefix('#') {
                Some(rest) if rest.contains(" = ") && !rest.starts_with(' ') => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_commented_default_round_trips_to_the_defaults() {
        let text = default_text(Path::new("/home/u/Pictures/instatui"));
        assert_eq!(parse(&text), Ok(Config::default()));
        // Every value it shows is the one the code uses when the key is left out.
        let every_key = parse(&uncommented(&text)).expect("the uncommented default parses");
        let schedule = crate::keepalive::Schedule::default();
        assert_eq!(
            every_key,
            Config {
                theme: Some("auto".into()),
                images: Some("auto".into()),
                auto_refresh: Some(true),
                download_folder: Some(PathBuf::from("/home/u/Pictures/instatui")),
                download_pattern: Some(Pattern::default()),
                keep_alive_every: Some(schedule.every),
                keep_alive_within: Some(schedule.within),
                notify_timeout: Some(Duration::seconds(30)),
            }
        );
        // And what the settings resolve to is the default's.
        assert_eq!(theme_choice(None, None, &every_key), Ok(None));
        assert_eq!(
            Some(crate::store::Settings::default().auto_refresh),
            every_key.auto_refresh
        );
    }

    #[test]
    fn an_unknown_key_names_the_line_and_the_key() {
        let err = parse("theme = \"dark\"\n\n[download]\nfolder_name = \"/x\"\n")
            .expect_err("unknown key");
        assert_eq!(err.line, 4);
        assert_eq!(err.key.as_deref(), Some("download.folder_name"));
        assert!(err.message.contains("unknown field"), "{err:?}");
        let sentence = err.sentence(Path::new("/c/config.toml"));
        assert!(
            sentence
                .starts_with("/c/config.toml, line 4, key `download.folder_name`: unknown field"),
            "{sentence}"
        );
    }

    #[test]
    fn a_wrong_type_names_the_line_and_the_key() {
        let err = parse("# mine\nauto_refresh = \"yes\"\n").expect_err("wrong type");
        assert_eq!(err.line, 2);
        assert_eq!(err.key.as_deref(), Some("auto_refresh"));
        assert!(err.message.contains("bool"), "{err:?}");
    }

    #[test]
    fn a_value_out_of_its_list_is_named() {
        let err = parse("theme = \"solarized\"\n").expect_err("bad theme");
        assert_eq!((err.line, err.key.as_deref()), (1, Some("theme")));
        assert!(err.message.contains("auto, dark, light, plain"), "{err:?}");
    }

    #[test]
    fn a_pattern_that_leaves_its_folder_is_refused_with_a_sentence() {
        for pattern in [
            "../{id}",
            "/tmp/{id}",
            "a/../../{id}",
            "sub/{id}",
            "..\\{id}",
        ] {
            let text = format!("[download]\npattern = {}\n", quoted(pattern));
            let err = parse(&text).expect_err(pattern);
            assert_eq!(err.line, 2, "{pattern}");
            assert_eq!(err.key.as_deref(), Some("download.pattern"), "{pattern}");
            assert!(
                err.message.contains("download folder"),
                "{pattern}: {}",
                err.message
            );
        }
    }

    #[test]
    fn a_relative_folder_is_refused_and_home_is_expanded() {
        let err = parse("[download]\nfolder = \"pics\"\n").expect_err("relative");
        assert_eq!(err.key.as_deref(), Some("download.folder"));
        let ok = parse("[download]\nfolder = \"~/pics\"\n").expect("under home");
        let folder = ok.download_folder.expect("a folder");
        assert!(
            folder.is_absolute() && folder.ends_with("pics"),
            "{folder:?}"
        );
    }

    #[test]
    fn a_schedule_keep_alive_cannot_keep_is_refused() {
        let err = parse("[keep_alive]\nevery = \"5h\"\n").expect_err("5h");
        assert_eq!(err.key.as_deref(), Some("keep_alive.every"));
        let err = parse("[keep_alive]\nwithin = \"1d\"\n").expect_err("1d");
        assert_eq!(err.key.as_deref(), Some("keep_alive.within"));
        let ok = parse("[keep_alive]\nevery = \"6h\"\nwithin = \"14d\"\n").expect("fine");
        assert_eq!(ok.keep_alive_every, Some(Duration::hours(6)));
    }

    #[test]
    fn broken_toml_still_names_a_line() {
        let err = parse("theme = \"dark\"\nimages = \n").expect_err("broken");
        assert_eq!(err.line, 2, "{err:?}");
    }

    #[test]
    fn theme_precedence_flag_then_environment_then_file_then_auto() {
        let file = Config {
            theme: Some("light".into()),
            ..Config::default()
        };
        // Flag.
        assert_eq!(
            theme_choice(Some(ThemeChoice::Plain), Some("dark"), &file),
            Ok(Some(Theme::Plain))
        );
        // Environment, in any case.
        assert_eq!(
            theme_choice(None, Some("Dark"), &file),
            Ok(Some(Theme::Dark))
        );
        // File.
        assert_eq!(theme_choice(None, None, &file), Ok(Some(Theme::Light)));
        assert_eq!(
            theme_choice(None, Some("  "), &file),
            Ok(Some(Theme::Light))
        );
        // Default: auto.
        assert_eq!(theme_choice(None, None, &Config::default()), Ok(None));
        // A bad environment value is a sentence.
        assert!(theme_choice(None, Some("blue"), &file).is_err());
    }

    #[test]
    fn download_folder_precedence_flag_then_environment_then_file_then_default() {
        let file = Config {
            download_folder: Some("/from/file".into()),
            ..Config::default()
        };
        let default = || PathBuf::from("/default");
        assert_eq!(
            download_dir(Some("/flag".into()), Some("/env".into()), &file, default),
            PathBuf::from("/flag")
        );
        assert_eq!(
            download_dir(None, Some("/env".into()), &file, default),
            PathBuf::from("/env")
        );
        assert_eq!(
            download_dir(None, Some("".into()), &file, default),
            PathBuf::from("/from/file")
        );
        assert_eq!(
            download_dir(None, None, &Config::default(), default),
            PathBuf::from("/default")
        );
    }

    #[test]
    fn a_missing_file_is_the_defaults_and_an_unreadable_one_a_warning() {
        let dir = tempfile::tempdir().expect("temp dir");
        let loaded = load(dir.path());
        assert_eq!(loaded.config, Config::default());
        assert_eq!(loaded.warning, None);
        // A folder where the file should be cannot be read.
        std::fs::create_dir(path(dir.path())).expect("a folder named config.toml");
        let loaded = load(dir.path());
        assert_eq!(loaded.config, Config::default());
        let warning = loaded.warning.expect("a warning");
        assert!(
            warning.contains("config.toml") && warning.contains("default settings"),
            "{warning}"
        );
    }
}
