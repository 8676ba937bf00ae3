//! instatui: a terminal walk through Instagram's token dance, then a browsable feed.
//!
//! The crate is a library so that `tests/` can drive every layer: the
//! Instagram client, the persisted store, the embedded fake and the TUI.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod atomic;
pub mod browser;
pub mod cli;
pub mod clock;
pub mod credentials;
pub mod download;
pub mod fake;
pub mod handoff;
pub mod health;
pub mod instagram;
pub mod keepalive;
pub mod localtime;
pub mod logging;
pub mod preview;
pub mod sanitize;
pub mod secret;
pub mod store;
pub mod text;
pub mod token;
pub mod tui;
pub mod ui;

/// Installs rustls' ring provider once per process; every HTTP client needs
/// it and a second install is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
