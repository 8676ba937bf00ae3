//! The app crate's integration tests, in one binary: the library is linked
//! once, not once per file. Modules are grouped by feature; `common` holds
//! the helpers they share (the fake on loopback, a throw-away machine for
//! the binary, a pty, hostile inputs, `update` drivers).

mod common;

mod cli;
mod download;
mod hostile;
mod instagram;
mod store;
mod tui;
