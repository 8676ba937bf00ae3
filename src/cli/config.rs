//! `instatui config`: whether config.toml reads, `config path`, and `config --default`.

use super::{CliError, ConfigCommand, Context};
use crate::store;
use std::path::PathBuf;

/// Where `download` (without `--out`) and `d` save, and what chose it:
/// the folder the docs' Files table can only describe.
fn download_folder(ctx: &Context) -> (PathBuf, &'static str) {
    let env = std::env::var_os(crate::config::DOWNLOAD_DIR_ENV).filter(|v| !v.is_empty());
    let from = if env.is_some() {
        "from INSTATUI_DOWNLOAD_DIR; --out chooses another"
    } else if ctx.config.download_folder.is_some() {
        "from download.folder in config.toml; --out or INSTATUI_DOWNLOAD_DIR choose another"
    } else {
        "the default: your pictures dir + instatui, else the data dir's downloads; download.folder in config.toml chooses another"
    };
    let folder = crate::config::download_dir(None, env, &ctx.config, || {
        crate::download::default_dir(&store::data_dir(&ctx.store))
    });
    (folder, from)
}

pub(super) fn run(
    ctx: &Context,
    default: bool,
    action: Option<ConfigCommand>,
) -> Result<(), CliError> {
    let path = crate::config::path(ctx.store.dir());
    if default {
        let folder = crate::download::default_dir(&store::data_dir(&ctx.store));
        print!("{}", crate::config::default_text(&folder));
        return Ok(());
    }
    match action {
        Some(ConfigCommand::Path) => {
            println!("{}", path.display());
            Ok(())
        }
        None => {
            let (folder, from) = download_folder(ctx);
            println!("downloads: {} ({from})", folder.display());
            let mut failed = None;
            if path.exists() {
                match crate::config::load(ctx.store.dir()).warning {
                    Some(warning) => failed = Some(warning),
                    None => println!("{}: ok", path.display()),
                }
            } else {
                println!(
                    "{}: not there; every setting is its default (`instatui config --default > {}` writes one to edit)",
                    path.display(),
                    path.display()
                );
            }
            // keymap.toml, beside it, is checked the same way.
            let keys = crate::app::user_keys::path(ctx.store.dir());
            if keys.exists() {
                match crate::app::user_keys::load(ctx.store.dir()).warning {
                    Some(warning) if failed.is_none() => failed = Some(warning),
                    Some(warning) => eprintln!("error: {warning}"),
                    None => println!("{}: ok", keys.display()),
                }
            }
            failed.map_or(Ok(()), |warning| Err(CliError::failed(warning)))
        }
    }
}
