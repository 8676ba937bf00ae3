//! Entry point: parse arguments, then run a subcommand or the TUI.

use clap::Parser;
use instatui::cli::{self, Cli, CliError, Context, Exit};
use instatui::store::{self, Store};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before any thread exists: the local offset cannot be read afterwards.
    instatui::localtime::init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    cli::set_quiet(cli.quiet);
    let json = cli.command.as_ref().is_some_and(|c| c.wants_json());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return report(
                CliError::failed(format!("could not start the runtime: {e}")),
                json,
            );
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(e, json),
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    instatui::install_crypto_provider();
    if cli.demo
        && let Some(why) = demo_refusal(&cli)
    {
        return Err(CliError::usage(why));
    }
    // Only the screens have colours: a bad INSTATUI_THEME never stops a
    // subcommand (a cron `refresh`), and is named before anything else
    // when the screens are asked for (config.toml's theme is checked as
    // the file is read).
    if cli.command.is_none() {
        cli.theme(&Default::default())?;
    }
    if cli.command.is_none() && !std::io::stdout().is_terminal() {
        // Cron, a pipe, `ssh host instatui`: the screens cannot be drawn.
        return Err(CliError::usage(
            "instatui needs a terminal for its screens; use a subcommand such as \
             `instatui status`, or run it in a terminal",
        ));
    }
    if cli.demo {
        // The demo keeps nothing, unless asked where to log (the
        // real-terminal tests read which picture protocol was chosen).
        let demo_log = std::env::var_os("INSTATUI_DEMO_LOG_DIR").map(std::path::PathBuf::from);
        let _log = instatui::logging::init(demo_log.as_deref(), cli.verbose, false);
        // The demo reads none of the user's files, config.toml included.
        let theme = cli.theme(&Default::default())?;
        return instatui::runtime::run_demo(cli.images, theme)
            .await
            .map_err(CliError::failed);
    }
    if let Some(done) = cli.command.as_ref().and_then(|c| c.run_without_store()) {
        return done;
    }
    let store = Store::locate(cli.config_dir.clone())?;
    let echo = cli.command.is_some();
    let _log = instatui::logging::init(Some(&store::data_dir(&store)), cli.verbose, echo);
    // Temporary files of writes killed half-way (state.json's hold the app
    // secret) go before anything else is read or written.
    store::remove_stray_files(&store);
    // An unreadable or invalid config.toml never stops anything (a cron
    // `refresh`, `keep-alive run`): it is said, and the defaults are used.
    let settings = instatui::config::load_for(&store);
    match cli.command {
        Some(command) => {
            if let Some(warning) = &settings.warning
                && !matches!(command, cli::Command::Config { .. })
            {
                eprintln!("warning: {}", instatui::sanitize::line(warning));
            }
            let ctx = Context::new(store, cli.account.clone()).with_config(settings.config);
            let done = cli::run(&ctx, command).await;
            // Once per process, whatever the command came to.
            if let Some(notice) = instatui::instagram::served::take_notice() {
                eprintln!("warning: {notice}");
            }
            done
        }
        None => {
            let theme = cli.theme(&settings.config)?;
            instatui::runtime::run(store, cli.images, theme, settings)
                .await
                .map_err(CliError::failed)
        }
    }
}

/// Why `--demo` cannot run as asked: it opens the screens on a throw-away
/// config dir of its own, so a subcommand or `--config-dir` would be
/// silently ignored (the demo's screens would open instead).
fn demo_refusal(cli: &Cli) -> Option<&'static str> {
    if cli.command.is_some() {
        Some(
            "--demo opens the screens and takes no subcommand: for subcommands against the \
             embedded fake, run 'instatui fake-server' and follow the lines it prints",
        )
    } else if cli.config_dir.is_some() {
        Some(
            "--demo always uses a throw-away config dir of its own: drop --config-dir, \
             or drop --demo to use that dir",
        )
    } else {
        None
    }
}

/// clap's own errors, with the error object on stdout when `--json` was asked.
fn usage_error(e: clap::Error) -> ExitCode {
    if e.use_stderr() && std::env::args_os().any(|a| a == "--json") {
        let rendered = e.render().to_string();
        let first = rendered.lines().next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or(first);
        let _ = cli::print_json(&CliError::usage(message).to_json());
    }
    let _ = e.print();
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(Exit::Usage.code()))
}

fn report(err: CliError, json: bool) -> ExitCode {
    if !err.message.is_empty() {
        if json {
            let _ = cli::print_json(&err.to_json());
        }
        // The message may carry a server's words: filtered like all output.
        eprintln!("error: {}", instatui::sanitize::lines(&err.message));
    }
    ExitCode::from(err.exit.code())
}
