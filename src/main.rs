//! Entry point: parse arguments, then run a subcommand or the TUI.

use clap::Parser;
use instatui::cli::{self, Cli, CliError, Context, Exit};
use instatui::store::{self, Store};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before any thread exists: the local offset cannot be read afterwards.
    instatui::localtime::init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return report(CliError::failed(format!(
                "could not start the runtime: {e}"
            )));
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(e),
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    instatui::install_crypto_provider();
    if cli.demo {
        let _log = instatui::logging::init(None);
        return instatui::tui::run_demo(cli.images.clone(), cli.theme())
            .await
            .map_err(CliError::failed);
    }
    let store = Store::locate(cli.config_dir.clone())?;
    let _log = instatui::logging::init(Some(&store::data_dir(&store)));
    match cli.command {
        Some(command) => cli::run(&Context { store }, command).await,
        None => instatui::tui::run(store, cli.images.clone(), cli.theme())
            .await
            .map_err(CliError::failed),
    }
}

fn report(err: CliError) -> ExitCode {
    if !err.message.is_empty() {
        // The message may carry a server's words: filtered like all output.
        eprintln!("error: {}", instatui::sanitize::lines(&err.message));
    }
    ExitCode::from(match err.exit {
        Exit::Failed => 1,
        Exit::Usage => 2,
        Exit::NeedsAuth => 3,
    })
}
