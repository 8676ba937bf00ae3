//! The Instagram client: against the fake over loopback, and on every stored response.

mod client;
mod engagement;
mod fixtures;
