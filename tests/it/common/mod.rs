//! Shared helpers for the integration tests.

pub mod cli;
pub mod demo;
pub mod hostile;
pub mod pty;
pub mod tui;
