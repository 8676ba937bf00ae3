//! An Instagram on loopback, for instatui's `--demo`, `fake-server` and tests.
//!
//! It speaks both hosts on one base URL, as the API documents them (see
//! the bodies in `tests/fixtures/instagram/` and `tests/fixtures/captured/`):
//!
//! - OAuth host: `GET /oauth/authorize`, `POST /oauth/access_token`;
//! - Graph host (optional version prefix such as `/v21.0`): `GET /access_token`,
//!   `/refresh_access_token`, `/me`, `/me/media`, `/{user-id}`, `/{user-id}/media`,
//!   `/{media-id}`, `/{media-id}/children`, `/{media-id}/insights`,
//!   `/{ig-user-id}/insights`, `/{media-id}/comments` (the last three behind
//!   their scopes, see [`INSIGHTS_SCOPE`], [`COMMENTS_SCOPE`]);
//! - CDN: `GET /cdn/{file}?oe=…&oh=…` serving the pictures of `assets/demo/`.
//!
//! It knows several Instagram users (the demo account and a shop), each with
//! a profile and posts of its own; codes and tokens belong to whoever was
//! signed in at the authorize page ([`FakeControl::sign_in_as`], or the
//! login page of [`FakeConfig::login_page`]), and Graph answers for them.
//!
//! Time is a fake clock (real now plus [`FakeControl::advance_clock`]), so
//! tests move through token lifetimes without sleeping; with
//! [`FakeConfig::clock_control`], `POST /__fake/clock?advance=25h` moves it
//! from outside the process (`instatui fake-server`).

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cdn;
mod clock;
mod config;
mod control;
mod engagement;
mod feed;
mod fields;
mod form;
mod graph;
mod hostile;
mod oauth;
mod render;
mod respond;
mod router;
mod server;
mod state;
mod tokens;
mod users;

pub use clock::CLOCK_PATH;
pub use config::{
    DEMO_APP_ID, DEMO_APP_SECRET, DEMO_REDIRECT_URI, DEMO_USER_ID, DEMO_USERNAME, FakeConfig,
    FakeUser, SHOP_USER_ID, SHOP_USERNAME, TokenShape,
};
pub use control::{Consent, FakeControl, Fault, RecordedRequest};
pub use engagement::{COMMENTS_SCOPE, INSIGHTS_SCOPE};
pub use server::FakeInstagram;
