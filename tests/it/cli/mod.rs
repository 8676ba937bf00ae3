//! The `instatui` binary end to end against the fake, one command family per module.

pub(crate) mod accounts;
mod commands;
mod config;
mod doctor;
mod engagement;
mod handoff;
mod help;
mod keepalive;
mod packaging;
mod rate_limit;
mod version;
mod watch;
