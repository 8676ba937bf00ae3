//! Shared helpers for the integration tests.

pub(crate) mod cli;
pub(crate) mod demo;
pub(crate) mod hostile;
pub(crate) mod pty;
pub(crate) mod tui;
