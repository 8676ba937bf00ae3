//! `instatui config`: whether config.toml reads, `config path`, and `config --default`.

use super::{CliError, ConfigCommand, Context};
use crate::store;

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
            if !path.exists() {
                println!(
                    "{}: not there; every setting is its default (`instatui config --default > {}` writes one to edit)",
                    path.display(),
                    path.display()
                );
                return Ok(());
            }
            let loaded = crate::config::load(ctx.store.dir());
            match loaded.warning {
                Some(warning) => Err(CliError::failed(warning)),
                None => {
                    println!("{}: ok", path.display());
                    Ok(())
                }
            }
        }
    }
}
