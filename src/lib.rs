//! instatui: a terminal walk through Instagram's token dance, then a browsable feed.
//!
//! The crate is a library so that `tests/` can drive every layer: the
//! Instagram client, the persisted store, the embedded fake and the TUI.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub(crate) mod atomic;
pub(crate) mod browser;
pub mod cli;
pub mod clock;
pub mod config;
pub(crate) mod credentials;
pub mod doctor;
pub mod download;
pub mod file_error;
pub mod handoff;
pub mod keepalive;
pub mod lifetime;
pub mod localtime;
pub mod logging;
pub mod preview;
pub mod runtime;
pub mod sanitize;
pub mod store;
pub mod text;
pub mod ui;
pub mod version;
pub mod watch;

/// The embedded fake Instagram of `--demo` and `fake-server` (the `demo`
/// feature, on by default), under the path the app has always used.
#[cfg(feature = "demo")]
pub use instatui_fake as fake;
/// The Instagram client crate, under the path the app has always used.
pub use instatui_instagram as instagram;
pub use instatui_instagram::{install_crypto_provider, secret};
