//! The fake Instagram over loopback HTTP, behaving as the real API is
//! documented: one test binary, a module per host.

mod harness;

mod cdn;
mod control;
mod engagement;
mod graph;
mod oauth;
mod tokens;
mod users;
