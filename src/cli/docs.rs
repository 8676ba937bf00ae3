//! `completions <shell>` and `man`: the shell's completion script and the manual page, built from the argument definitions.

use super::{Cli, CliError};
use clap::CommandFactory;
use std::io::Write;

pub(super) fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "instatui", &mut script);
    write_stdout(&script)
}

/// The page of `instatui`, or of one subcommand (`instatui-download`).
pub(super) fn man(subcommand: Option<&str>) -> Result<(), CliError> {
    let mut command = Cli::command();
    // Propagates the global options (`--config-dir`, `-v`, `-q`) into the
    // subcommands, so their pages list them too.
    command.build();
    let page = match subcommand {
        None => command,
        Some(name) => {
            let Some(sub) = command.find_subcommand(name).filter(|s| !s.is_hide_set()) else {
                let names: Vec<&str> = command
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set())
                    .map(|s| s.get_name())
                    .filter(|name| *name != "help")
                    .collect();
                return Err(CliError::usage(format!(
                    "no subcommand '{name}': one of {}",
                    names.join(", ")
                )));
            };
            sub.clone()
                .display_name(format!("instatui-{name}"))
                .bin_name(format!("instatui {name}"))
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .source(format!("instatui {}", env!("CARGO_PKG_VERSION")))
        .render(&mut roff)
        .map_err(|e| CliError::failed(format!("could not render the manual page: {e}")))?;
    write_stdout(&roff)
}

/// A closed pipe (`instatui man | head`) is not an error worth a line.
fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::failed(format!("could not write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
