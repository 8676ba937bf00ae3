//! The state file shared by the TUI and other instatui processes.

mod shape;
mod sharing;
