//! `completions <shell>` and `man`: the shell's completion script and the manual page, built from the argument definitions.

use super::{Cli, CliError};
use clap::CommandFactory;
use std::io::Write;

pub(super) fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "instatui", &mut script);
    write_stdout(&script)
}

/// The whole command, built: the global options (`--config-dir`, `-v`,
/// `-q`) propagated into the subcommands, so their pages list them too.
fn built() -> clap::Command {
    let mut command = Cli::command();
    command.build();
    command
}

/// The subcommands that get a page of their own: the visible ones.
fn paged(command: &clap::Command) -> Vec<&str> {
    paged_commands(command).map(|s| s.get_name()).collect()
}

/// The page of `instatui`, or of one subcommand (`instatui-download`).
pub(super) fn man(subcommand: Option<&str>) -> Result<(), CliError> {
    let command = built();
    if let Some(name) = subcommand
        && !paged(&command).contains(&name)
    {
        return Err(CliError::usage(format!(
            "no subcommand '{name}': one of {}",
            paged(&command).join(", ")
        )));
    }
    write_stdout(&render(&command, subcommand)?)
}

/// Every page into `dir` (created when missing): `instatui.1`, and
/// `instatui-<subcommand>.1` for each visible subcommand at every depth
/// (`instatui-keep-alive-install.1`), so each page another one names
/// (`instatui-keep-alive(1)`) is there. What a package installs.
pub(super) fn man_all(dir: &std::path::Path) -> Result<(), CliError> {
    let cant = |e: std::io::Error| {
        CliError::failed(format!(
            "could not write the manual pages into {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(cant)?;
    let mut pages = Vec::new();
    collect(&built(), "instatui", "instatui", &mut pages);
    for (name, page) in &pages {
        std::fs::write(dir.join(format!("{name}.1")), roff(page.clone())?).map_err(cant)?;
    }
    println!("wrote {} manual pages into {}", pages.len(), dir.display());
    Ok(())
}

/// The command's page under `name` (`instatui-keep-alive`), then its
/// visible subcommands' pages, depth first.
fn collect(
    command: &clap::Command,
    name: &str,
    bin: &str,
    pages: &mut Vec<(String, clap::Command)>,
) {
    let page = command
        .clone()
        .display_name(name.to_string())
        .bin_name(bin.to_string());
    pages.push((name.to_string(), page));
    for sub in paged_commands(command) {
        collect(
            sub,
            &format!("{name}-{}", sub.get_name()),
            &format!("{bin} {}", sub.get_name()),
            pages,
        );
    }
}

/// The visible subcommands, without clap's own `help`.
fn paged_commands(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// One page in roff: the command's, or a visible subcommand's under the
/// name `instatui(1)` points to (`instatui-download`).
fn render(command: &clap::Command, subcommand: Option<&str>) -> Result<Vec<u8>, CliError> {
    let page = match subcommand {
        None => command.clone(),
        Some(name) => command
            .find_subcommand(name)
            .ok_or_else(|| CliError::usage(format!("no subcommand '{name}'")))?
            .clone()
            .display_name(format!("instatui-{name}"))
            .bin_name(format!("instatui {name}")),
    };
    roff(page)
}

/// The page in roff, without clap's `help` subcommand in its list: it has
/// no page of its own (`--help` is on every page).
fn roff(page: clap::Command) -> Result<Vec<u8>, CliError> {
    let page = page.mut_subcommands(|s| {
        if s.get_name() == "help" {
            s.hide(true)
        } else {
            s
        }
    });
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .source(format!("instatui {}", env!("CARGO_PKG_VERSION")))
        .render(&mut roff)
        .map_err(|e| CliError::failed(format!("could not render the manual page: {e}")))?;
    Ok(roff)
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
