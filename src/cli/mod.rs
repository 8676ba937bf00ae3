//! The command line: argument definitions and the scriptable subcommands, one per step of the flow.

// The doc comments below are clap's --help text, where `<token>` is meant
// literally, not as HTML.
#![allow(rustdoc::invalid_html_tags)]

// Every line the subcommands print goes through `crate::sanitize`: these
// shadow std's macros for the modules declared below, so no caption, link,
// username or server message can reach the terminal with an escape sequence,
// however it is printed. Our own control output (the progress line) names
// `std::eprint!` on purpose.
macro_rules! println {
    () => { $crate::cli::output::write_out("", "\n") };
    ($($arg:tt)*) => { $crate::cli::output::write_out(&format!($($arg)*), "\n") };
}
macro_rules! eprintln {
    () => { $crate::cli::output::write_err("", "\n") };
    ($($arg:tt)*) => { $crate::cli::output::write_err(&format!($($arg)*), "\n") };
}
#[allow(unused_macros)]
macro_rules! print {
    ($($arg:tt)*) => { $crate::cli::output::write_out(&format!($($arg)*), "") };
}
#[allow(unused_macros)]
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::cli::output::write_err(&format!($($arg)*), "") };
}

mod accounts;
mod auth;
mod config;
mod docs;
mod doctor;
mod download;
mod engagement;
mod feed;
mod handoff;
mod help;
mod keepalive;
mod output;
mod progress;
mod session;
mod setup;
mod token;
mod watch;

pub use output::{CliError, Exit, print_json, set_quiet};

use crate::instagram::backoff::{Announce, Patience};
use crate::instagram::{Client, Endpoints};
use crate::store::{Account, AccountId, State, Store};
use crate::ui::theme::ThemeChoice;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "instatui",
    version = crate::version::SHORT,
    long_version = crate::version::LONG,
    about = "Walks you through Instagram's token dance, then lets you browse your posts.",
    long_about = "Walks you through Instagram's token dance, then lets you browse your posts.\n\n\
                  Without a subcommand, opens the terminal UI. Each step of the flow is also a \
                  subcommand, for scripts and cron.",
    after_help = "Exit codes: 0 ok, 1 failed, 2 usage, 3 authorization needed."
)]
pub struct Cli {
    /// Where state.json lives [env: INSTATUI_CONFIG_DIR] (default: the user's config dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// More detail on stderr: -v shows each request to Instagram (the log at debug), -vv at trace.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only results and errors: no progress, no step notes on stderr (warnings stay).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// The account (username, user id, or NAME@APP_ID when one name is under two apps) a command that uses a token works on; default: the active one.
    #[arg(long, global = true, value_name = "NAME")]
    pub account: Option<String>,

    /// Run the whole flow offline against an embedded fake Instagram, in a throw-away config dir.
    #[arg(long)]
    pub demo: bool,

    /// How pictures are drawn in the TUI (default: config.toml's, else auto).
    #[arg(long, value_name = "MODE", value_enum)]
    pub images: Option<crate::preview::ImageMode>,

    /// Colours for a dark or light background, or none; auto reads NO_COLOR, COLORFGBG, else asks the terminal's background.
    /// (`INSTATUI_THEME` when not given: read only when the screens start,
    /// so a bad value never stops a subcommand such as a cron `refresh`.)
    #[arg(long, value_name = "THEME", value_enum)]
    pub theme: Option<ThemeChoice>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The theme asked for (`--theme`, else `INSTATUI_THEME`, in any case,
    /// else config.toml's `theme`); `None` leaves it to `NO_COLOR` and `COLORFGBG`.
    pub fn theme(
        &self,
        config: &crate::config::Config,
    ) -> Result<Option<crate::ui::theme::Theme>, CliError> {
        let env = std::env::var("INSTATUI_THEME").ok();
        crate::config::theme_choice(self.theme, env.as_deref(), config).map_err(CliError::usage)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Store the app's id, secret and redirect URI (the secret is read from INSTATUI_APP_SECRET or stdin).
    Setup(SetupArgs),
    /// Print the authorize URL to open in a browser, and remember its state.
    Authorize {
        /// Also open it in the browser ($BROWSER when set).
        #[arg(long)]
        open: bool,
    },
    /// Exchange the code (or the whole redirect URL) for a long-lived token and fetch the profile.
    Exchange {
        /// The whole address the browser landed on (or the bare code). Leave it out, or
        /// give -, to paste it on stdin, where `ps` and shell history cannot see it.
        #[arg(value_name = "REDIRECT-URL")]
        input: Option<String>,
        /// Stop after the short-lived (1 hour) token.
        #[arg(long)]
        short_only: bool,
    },
    /// Exchange a stored short-lived token for a long-lived one (finishes an interrupted exchange).
    Upgrade,
    /// Use a token you already have (e.g. generated in the Meta dashboard): read from stdin,
    /// checked with /me, then refreshed at once when Instagram allows, to learn its real expiry.
    Login {
        /// Read the token from stdin (a hidden prompt on a terminal); never from the command line.
        #[arg(long)]
        with_token: bool,
    },
    /// Forget the stored token (and with --forget-app the app's id and secret too).
    Logout {
        /// Also forget the app's id, secret and redirect URI.
        #[arg(long, visible_alias = "all")]
        forget_app: bool,
    },
    /// Where things stand, on one screen: app, account, token and time left, last refresh, what to do next.
    ///
    /// Every account is checked with Instagram (one cheap /me call each) and gets a line with
    /// its condition and the command that fixes it. Exits 0 when all are healthy, 3 when one
    /// needs a new authorize, 1 for other trouble.
    Status {
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
        /// Do not ask Instagram: show what was last seen.
        #[arg(long)]
        offline: bool,
    },
    /// Show the stored token: kind, user, expiry, status. The value stays masked.
    Token {
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
        /// Print only the raw token, for piping into other tools.
        #[arg(long, conflicts_with = "json")]
        reveal: bool,
    },
    #[command(about = help::refresh_about())]
    Refresh {
        /// Every account that is due, one line each; exit 0 only when none failed
        /// (3 when every failure needs a new authorize, else 1).
        #[arg(long)]
        all: bool,
        /// Only refresh when it expires within this long (7d, 36h); otherwise exit 0.
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
        if_expiring_within: Option<time::Duration>,
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, help = help::if_older_than_help())]
        if_older_than: Option<time::Duration>,
        #[arg(long, help = help::force_help())]
        force: bool,
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// List the stored accounts; 'accounts use NAME' switches, 'accounts remove NAME' forgets one.
    Accounts {
        #[command(subcommand)]
        action: Option<AccountsCommand>,
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Fetch and show the account's profile.
    Profile {
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// A post's numbers (--post ID), else the account's totals over the last days; needs the
    /// instagram_business_manage_insights permission (setup --scopes, then authorize).
    Insights {
        /// The post (its id, as 'feed --json' lists them): its lifetime numbers.
        #[arg(long, value_name = "ID")]
        post: Option<String>,
        /// The account's totals over this many days (1 to 30, Instagram's limit).
        #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=30), conflicts_with = "post")]
        days: u32,
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// A post's comments with their replies, oldest first; needs the
    /// instagram_business_manage_comments permission (setup --scopes, then authorize).
    Comments {
        /// The post's id, as 'feed --json' lists them.
        #[arg(value_name = "POST_ID")]
        post: String,
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// List posts, newest first.
    Feed(FeedArgs),
    /// Save the feed's pictures and videos (album items included) to a folder; files already there are skipped.
    Download(DownloadArgs),
    /// Hand each new token on to where it is used: a .env line kept up to date, or a command.
    #[command(subcommand)]
    Handoff(HandoffCommand),
    #[command(subcommand, about = help::keep_alive_about())]
    KeepAlive(KeepAliveCommand),
    /// Be told when an account needs you: a command, a webhook, a desktop notification or an
    /// e-mail, sent by 'keep-alive run' once when an account gets worse and once when it recovers.
    #[command(subcommand)]
    Notify(NotifyCommand),
    /// Print a completion script for a shell, e.g. `instatui completions bash > ~/.local/share/bash-completion/completions/instatui`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `instatui man | man -l -`; with a subcommand, its own page.
    Man {
        /// A subcommand whose page to print (e.g. download).
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
        /// Write every page instead (instatui.1 and instatui-SUBCOMMAND.1 for each) into this
        /// folder, as a package installs them.
        #[arg(long, value_name = "DIR", conflicts_with = "subcommand")]
        out_dir: Option<std::path::PathBuf>,
    },
    /// Check the setup before the browser: redirect URI, scopes, clock, Graph version, state
    /// file permissions, keep-alive, pictures. Each line is ok or what to do; exit 1 when one fails.
    Doctor {
        /// Explain an error page's text instead (`Invalid platform app`, `Invalid redirect_uri`,
        /// `Invalid scope: …`); `-` reads it from stdin.
        #[arg(long, value_name = "TEXT")]
        explain: Option<String>,
        /// How long the clock check may wait for Instagram.
        #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_timeout)]
        timeout: std::time::Duration,
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// The settings file, config.toml (beside state.json): whether it reads, where it is, a
    /// commented default. Flags win over the environment, which wins over the file.
    Config {
        /// Print a config.toml with every key commented out at its default.
        #[arg(long)]
        default: bool,
        #[command(subcommand)]
        action: Option<ConfigCommand>,
    },
    /// Which build this is: version, commit (`-dirty` when built from a changed tree), its date,
    /// target and features; the same as `--version`.
    Version {
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Run the embedded fake Instagram on loopback, for trying instatui or scripts without an account.
    #[command(hide = true)]
    FakeServer {
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[arg(long, default_value_t = 64)]
        posts: usize,
        /// Every request waits this many milliseconds, as over a link with that round trip.
        #[arg(long, default_value_t = 0, value_name = "MS")]
        latency: u64,
    },
}

impl Command {
    /// Output that needs no state file: printed before the store is looked for.
    pub fn run_without_store(&self) -> Option<Result<(), CliError>> {
        match self {
            Command::Completions { shell } => Some(docs::completions(*shell)),
            Command::Man {
                out_dir: Some(dir), ..
            } => Some(docs::man_all(dir)),
            Command::Man { subcommand, .. } => Some(docs::man(subcommand.as_deref())),
            Command::Version { json } => Some(version(*json)),
            _ => None,
        }
    }

    /// Whether the user asked for JSON: a failure then also prints an error
    /// object on stdout, so a script always has JSON to read.
    pub fn wants_json(&self) -> bool {
        match self {
            Command::Token { json, .. }
            | Command::Refresh { json, .. }
            | Command::Profile { json }
            | Command::Insights { json, .. }
            | Command::Comments { json, .. }
            | Command::Status { json, .. }
            | Command::Accounts { json, .. }
            | Command::Version { json }
            | Command::Doctor { json, .. } => *json,
            Command::Feed(args) => args.json,
            Command::KeepAlive(KeepAliveCommand::Status { json })
            | Command::Handoff(HandoffCommand::List { json })
            | Command::Notify(NotifyCommand::List { json }) => *json,
            _ => false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum HandoffCommand {
    /// After every new token (exchange, refresh; TUI, CLI or keep-alive), write it to a .env
    /// file or run a command with it in the environment.
    #[command(group(clap::ArgGroup::new("target").required(true).args(["dotenv", "exec"])))]
    Add {
        /// Keep the line VAR=<token> in this file up to date (created 0600; other lines untouched).
        #[arg(long, value_name = "PATH")]
        dotenv: Option<PathBuf>,
        /// The variable the dotenv line sets.
        #[arg(long, value_name = "NAME", requires = "dotenv")]
        var: Option<String>,
        /// Run this through sh -c with INSTAGRAM_ACCESS_TOKEN, INSTAGRAM_USER_ID,
        /// INSTAGRAM_USERNAME and INSTAGRAM_TOKEN_EXPIRES_AT in its environment (never in argv).
        #[arg(long, value_name = "CMD")]
        exec: Option<String>,
        /// Kill the command after this long (default 60s).
        #[arg(long, value_name = "DURATION", requires = "exec", value_parser = parse_duration_arg)]
        timeout: Option<time::Duration>,
    },
    /// The handoffs, with each one's last run (status, last lines of output).
    List {
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Forget a handoff (the file it wrote stays).
    Remove {
        /// Its number, from 'handoff list'.
        id: u32,
    },
    /// Run the account's handoffs now with the stored token (or only this one).
    Run { id: Option<u32> },
}

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Add where notices go. Each is a JSON object (on the command's stdin, the webhook's POST
    /// body) with the account, its old and new condition, Instagram's message, the expiry and
    /// the command that fixes it; never the token or the app secret.
    #[command(group(clap::ArgGroup::new("channel").required(true).args(["exec", "webhook", "desktop", "email"])))]
    Add {
        /// Run this through sh -c with the notice as JSON on its stdin.
        #[arg(long, value_name = "CMD")]
        exec: Option<String>,
        /// POST the notice as JSON (Content-Type: application/json) to this URL, e.g. an ntfy topic.
        #[arg(long, value_name = "URL")]
        webhook: Option<String>,
        /// A desktop notification (notify-send; osascript on macOS) with a one-line summary.
        #[arg(long)]
        desktop: bool,
        /// An e-mail through the local sendmail.
        #[arg(long, value_name = "ADDRESS")]
        email: Option<String>,
        /// Give up on this notifier after this long (default: config.toml's notify.timeout, else 30s).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
        timeout: Option<time::Duration>,
    },
    /// The notifiers, with how each one's last delivery went.
    List {
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Forget a notifier.
    Remove {
        /// Its number, from 'notify list'.
        id: u32,
    },
    /// Send a test notice through every notifier (or only this one).
    Test { id: Option<u32> },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where config.toml is read from (it need not exist).
    Path,
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Make NAME (a username or user id) the active account: the TUI and every command use it.
    Use { name: String },
    /// Forget NAME's token; when it was the active account, another one becomes active.
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
pub enum KeepAliveCommand {
    #[command(about = help::install_about())]
    Install {
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, help = help::every_help())]
        every: Option<time::Duration>,
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, help = help::within_help(
            "Refresh once the token expires within this long; well before the last week, so a \
             machine that was off for days does not lose it"
        ))]
        within: Option<time::Duration>,
        /// Use this scheduler instead of the one this machine offers first.
        #[arg(long, value_name = "NAME", value_enum)]
        scheduler: Option<crate::keepalive::Scheduler>,
    },
    /// Print what install would set up (the crontab lines, the systemd user timer and service,
    /// on macOS the launchd agent) with this machine's real paths, to set it up by hand.
    Print {
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, help = help::every_help())]
        every: Option<time::Duration>,
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, help = help::within_help(
            "Refresh once the token expires within this long"
        ))]
        within: Option<time::Duration>,
    },
    /// What is installed for this config dir, when it last ran and what each account's result
    /// was, and when it runs next. Exits 1 when nothing is installed or the last run failed.
    Status {
        /// Print JSON instead of text, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Undo what install did for this config dir (units, crontab lines, agent).
    Remove,
    #[command(about = help::run_about())]
    Run {
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, help = help::within_help(
            "Refresh a token in any case once it expires within this long"
        ))]
        within: Option<time::Duration>,
    },
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// The Instagram app ID from the Meta dashboard (digits).
    #[arg(long)]
    pub app_id: String,
    /// Exactly as registered in the app's OAuth settings: every character counts.
    #[arg(long)]
    pub redirect_uri: String,
    /// Which Instagram API the app was created for.
    #[arg(long, value_enum, default_value = crate::instagram::Flavor::default().as_str())]
    pub(crate) flavor: setup::FlavorArg,
    /// Comma-separated; the flavour's defaults when left out.
    #[arg(long, value_name = "A,B")]
    pub scopes: Option<String>,
}

/// How many posts a command works on.
#[derive(Debug, Args)]
pub struct PostCount {
    /// How many posts, newest first.
    #[arg(long, default_value_t = 25, conflicts_with = "all", value_parser = parse_limit)]
    pub(crate) limit: usize,
    /// Every post (up to Instagram's 10,000).
    #[arg(long)]
    pub(crate) all: bool,
}

impl PostCount {
    /// `None` for every post.
    pub(crate) fn max(&self) -> Option<usize> {
        (!self.all).then_some(self.limit)
    }
}

/// `--max-wait`: how long a walk through the pages may wait out rate limits.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// When Instagram rate limits the run, wait as long as it says (else 5 min) and go on
    /// from the same page, up to this long in all (0: never wait, exit 1 at once).
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_max_wait)]
    pub(crate) max_wait: std::time::Duration,
}

impl WaitArgs {
    /// A client whose walks through the pages wait within `--max-wait`,
    /// telling `say` (stderr, above the spinner) before each wait.
    pub(crate) fn client(
        &self,
        ctx: &Context,
        state: &State,
        say: impl Fn(&str) + Send + Sync + 'static,
    ) -> Result<Client, CliError> {
        let flavor = state.flavor_for(ctx.account(state));
        let endpoints = Endpoints::from_env(flavor, &state.endpoints);
        let announce: Announce = std::sync::Arc::new(move |wait| say(&wait.to_string()));
        let patience =
            Patience::new(self.max_wait, announce).skipping_sleep_for_tests(&endpoints.graph_base);
        Ok(ctx.client(state)?.with_patience(patience))
    }

    /// A rate limit that outlasts `--max-wait`: today's error, which says
    /// when to try again, and how to wait longer.
    pub(crate) fn explain(&self, err: crate::instagram::ApiError) -> CliError {
        let over = err.rate_limit_wait().is_some();
        let mut cli = CliError::from(err);
        if over {
            cli.message = format!(
                "{}; that is over --max-wait ({} min), raise it to wait longer",
                cli.message,
                self.max_wait.as_secs().div_ceil(60)
            );
        }
        cli
    }
}

fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let d = crate::lifetime::parse_duration(text)?;
    std::time::Duration::try_from(d)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("--timeout must be above zero, not '{text}'"))
}

fn parse_max_wait(text: &str) -> Result<std::time::Duration, String> {
    let d = crate::lifetime::parse_duration(text)?;
    std::time::Duration::try_from(d)
        .map_err(|_| format!("--max-wait cannot be negative, not '{text}'"))
}

#[derive(Debug, Args)]
pub struct FeedArgs {
    #[command(flatten)]
    pub(crate) count: PostCount,
    #[command(flatten)]
    pub(crate) wait: WaitArgs,
    /// Print a JSON array of media objects (the API's field names) instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Where to save (default: your pictures folder + instatui).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) count: PostCount,
    #[command(flatten)]
    pub(crate) wait: WaitArgs,
    /// Only posts from this day on (YYYY-MM-DD, UTC like the file names).
    #[arg(long, value_name = "DATE")]
    pub(crate) since: Option<String>,
    /// Only posts up to and including this day (YYYY-MM-DD, UTC like the file names).
    #[arg(long, value_name = "DATE")]
    pub(crate) until: Option<String>,
    /// Only pictures or only videos (album items count one by one).
    #[arg(long, value_name = "KIND", value_enum)]
    pub(crate) only: Option<download::Only>,
    /// Also write <username>_<date>_<media-id>.json per post: caption, time, permalink, type, counts.
    #[arg(long)]
    pub(crate) sidecars: bool,
    /// Only posts newer than the newest one a complete run saved into this folder for this
    /// account (the first run: every post); files moved or deleted since do not matter.
    #[arg(long, conflicts_with = "limit")]
    pub(crate) new: bool,
}

/// `--limit`: a count of posts, in words a user understands when it is not one.
fn parse_limit(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("--limit must be at least 1 (use --all for every post)".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "--limit takes a number of posts, like 25 (use --all for every post), not '{text}'"
        )),
    }
}

/// `version`: the `--version` text, or its JSON.
fn version(json: bool) -> Result<(), CliError> {
    if json {
        print_json(&crate::version::json())
    } else {
        println!("{}", crate::version::text());
        Ok(())
    }
}

fn parse_duration_arg(text: &str) -> Result<time::Duration, String> {
    crate::lifetime::parse_duration(text)
}

/// What every subcommand needs: the store, the settings and how to reach Instagram.
pub struct Context {
    pub store: Store,
    /// config.toml's settings (the defaults when it was unusable).
    pub config: crate::config::Config,
    /// `--account`: the account token-using commands work on (default: the active one).
    pub account: Option<String>,
    /// The account picked already (`refresh --all`, `handoff run ID`):
    /// wins over `account`.
    pinned: Option<AccountId>,
}

impl Context {
    pub fn new(store: Store, account: Option<String>) -> Context {
        Context {
            store,
            config: crate::config::Config::default(),
            account,
            pinned: None,
        }
    }

    /// The same context with config.toml's settings.
    pub fn with_config(mut self, config: crate::config::Config) -> Context {
        self.config = config;
        self
    }

    /// Loads the state, telling the user on stderr if a bad file was moved
    /// aside. An unknown `--account` is refused here (exit 2).
    pub(crate) fn load(&self) -> Result<State, CliError> {
        let loaded = self.store.load()?;
        if let Some(notice) = loaded.notice {
            // Once per run: a command reads the file more than once, and
            // a repair stands until the next save writes it.
            static SHOWN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
            let mut shown = SHOWN
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !shown.contains(&notice) {
                eprintln!("note: {notice}");
                shown.push(notice);
            }
        }
        self.target(&loaded.state)?;
        Ok(loaded.state)
    }

    /// The account this command works on: `--account`'s, else the active
    /// one (none when no account is active).
    pub(crate) fn target(&self, state: &State) -> Result<Option<AccountId>, CliError> {
        if let Some(id) = &self.pinned {
            return Ok(Some(id.clone()));
        }
        match &self.account {
            None => Ok(state.active.clone()),
            Some(name) => state.find_account(name).map(Some).map_err(CliError::usage),
        }
    }

    /// The account this command works on, as stored in `state`.
    pub(crate) fn account<'s>(&self, state: &'s State) -> Option<&'s Account> {
        let id = self.target(state).ok()??;
        state.account(&id)
    }

    /// `Store::update`: lock, load, change, save.
    pub fn update<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, CliError>,
    ) -> Result<(T, State), CliError> {
        self.store.update(f)
    }

    /// keep-alive's `--every` and `--within`: the flags, else config.toml's,
    /// else the defaults.
    pub(crate) fn schedule(
        &self,
        every: Option<time::Duration>,
        within: Option<time::Duration>,
    ) -> (time::Duration, time::Duration) {
        crate::config::keep_alive_schedule(every, within, &self.config)
    }

    /// The same context, on one account.
    pub(crate) fn for_account(&self, id: &AccountId) -> Context {
        Context {
            store: self.store.clone(),
            config: self.config.clone(),
            account: Some(id.user_id.clone()),
            pinned: Some(id.clone()),
        }
    }

    /// A client speaking as the app of the account this command works on.
    pub(crate) fn client(&self, state: &State) -> Result<Client, CliError> {
        let flavor = state.flavor_for(self.account(state));
        let endpoints = Endpoints::from_env(flavor, &state.endpoints);
        Ok(Client::new(flavor, endpoints)?.with_clock(crate::clock::now))
    }
}

impl Command {
    /// Whether `--account` means something here: the command uses a token.
    pub(crate) fn uses_a_token(&self) -> bool {
        matches!(
            self,
            Command::Upgrade
                | Command::Token { .. }
                | Command::Refresh { .. }
                | Command::Profile { .. }
                | Command::Insights { .. }
                | Command::Comments { .. }
                | Command::Feed(_)
                | Command::Download(_)
                | Command::Status { .. }
                | Command::Handoff(_)
        )
    }
}

/// Runs one subcommand to completion.
pub async fn run(ctx: &Context, command: Command) -> Result<(), CliError> {
    if ctx.account.is_some() && !command.uses_a_token() {
        return Err(CliError::usage(
            "--account applies to commands that use a token (token, refresh, profile, insights, comments, feed, download, upgrade, status, handoff); \
             to add an account, authorize again and log in as that user",
        ));
    }
    match command {
        Command::Setup(args) => setup::run(ctx, args),
        Command::Authorize { open } => auth::authorize(ctx, open),
        Command::Exchange { input, short_only } => {
            auth::exchange(ctx, input.as_deref(), short_only).await
        }
        Command::Upgrade => auth::upgrade(ctx).await,
        Command::Login { with_token } => session::login(ctx, with_token).await,
        Command::Logout { forget_app } => session::logout(ctx, forget_app),
        Command::Status { json, offline } => session::status(ctx, json, offline).await,
        Command::Token { json, reveal } => token::show(ctx, json, reveal),
        Command::Refresh {
            all,
            if_expiring_within,
            if_older_than,
            force,
            json,
        } => {
            let when = crate::lifetime::RefreshPolicy {
                older_than: if_older_than,
                expiring_within: if_expiring_within,
            };
            if all {
                token::refresh_all(ctx, when, force, json).await
            } else {
                token::refresh(ctx, when, force, json).await
            }
        }
        Command::Accounts { action, json } => accounts::run(ctx, action, json),
        Command::Profile { json } => feed::profile(ctx, json).await,
        Command::Insights { post, days, json } => engagement::insights(ctx, post, days, json).await,
        Command::Comments { post, json } => engagement::comments(ctx, &post, json).await,
        Command::Feed(args) => feed::feed(ctx, args).await,
        Command::Download(args) => download::run(ctx, args).await,
        Command::Handoff(HandoffCommand::Add {
            dotenv,
            var,
            exec,
            timeout,
        }) => handoff::add(ctx, dotenv, var, exec, timeout),
        Command::Handoff(HandoffCommand::List { json }) => handoff::list(ctx, json),
        Command::Handoff(HandoffCommand::Remove { id }) => handoff::remove(ctx, id),
        Command::Handoff(HandoffCommand::Run { id }) => handoff::run(ctx, id).await,
        Command::KeepAlive(KeepAliveCommand::Install {
            every,
            within,
            scheduler,
        }) => {
            let (every, within) = ctx.schedule(every, within);
            keepalive::install(ctx, every, within, scheduler)
        }
        Command::KeepAlive(KeepAliveCommand::Status { json }) => keepalive::status(ctx, json),
        Command::KeepAlive(KeepAliveCommand::Remove) => keepalive::remove(ctx),
        Command::KeepAlive(KeepAliveCommand::Run { within }) => {
            let (_, within) = ctx.schedule(None, within);
            watch::keep_alive_run(ctx, within).await
        }
        Command::Notify(NotifyCommand::Add {
            exec,
            webhook,
            desktop,
            email,
            timeout,
        }) => {
            let channel = match (exec, webhook, email) {
                (Some(command), _, _) => crate::watch::notify::Channel::Exec { command },
                (_, Some(url), _) => crate::watch::notify::Channel::Webhook { url },
                (_, _, Some(address)) => crate::watch::notify::Channel::Email { address },
                _ if desktop => crate::watch::notify::Channel::Desktop,
                _ => {
                    return Err(CliError::usage(
                        "notify add needs --exec, --webhook, --desktop or --email",
                    ));
                }
            };
            watch::notify_add(ctx, channel, timeout.or(ctx.config.notify_timeout))
        }
        Command::Notify(NotifyCommand::List { json }) => watch::notify_list(ctx, json),
        Command::Notify(NotifyCommand::Remove { id }) => watch::notify_remove(ctx, id),
        Command::Notify(NotifyCommand::Test { id }) => watch::notify_test(ctx, id).await,
        Command::KeepAlive(KeepAliveCommand::Print { every, within }) => {
            let (every, within) = ctx.schedule(every, within);
            keepalive::print(ctx, every, within)
        }
        Command::Completions { .. } | Command::Man { .. } | Command::Version { .. } => {
            command.run_without_store().unwrap_or(Ok(()))
        }
        Command::Doctor {
            explain,
            timeout,
            json,
        } => doctor::run(ctx, explain, timeout, json).await,
        Command::Config { default, action } => config::run(ctx, default, action),
        Command::FakeServer {
            port,
            posts,
            latency,
        } => feed::fake_server(port, posts, latency).await,
    }
}
