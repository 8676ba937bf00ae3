//! The terminal UI (placeholder until the TUI lands).

use crate::store::Store;

pub async fn run(_store: Store, _images: Option<String>) -> Result<(), String> {
    Err("the TUI is not built yet: use the subcommands (instatui --help)".into())
}

pub async fn run_demo(_images: Option<String>) -> Result<(), String> {
    Err("the demo is not built yet: use the subcommands (instatui --help)".into())
}
