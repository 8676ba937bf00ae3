//! Instagram as instatui talks to it: both API flavours, their endpoints,
//! the OAuth token flow, the Graph API's responses and errors, paging, the
//! CDN. Knows nothing of where the app keeps its state: the app hands it its
//! registration ([`client::AppRegistration`]), its endpoint overrides and
//! its clock.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod authorize;
pub mod backoff;
pub mod cdn;
pub mod client;
pub mod endpoints;
pub mod engagement;
pub mod error;
pub mod flavor;
pub mod limits;
pub mod model;
pub mod paging;
pub mod paste;
pub mod renew;
pub mod retry;
pub mod secret;
pub mod served;
pub mod token;
pub mod usage;
pub mod walk;

pub use client::{AppRegistration, Client, header_text};
pub use endpoints::Endpoints;
pub use error::{ApiError, ErrorKind, Revocation};
pub use flavor::{Flavor, Node};
pub use limits::Limits;
pub use model::{
    LongToken, Media, MediaPage, MediaType, Profile, ShortToken, VIDEO_UNAVAILABLE,
    VIDEO_UNAVAILABLE_WHY,
};
pub use usage::RateUsage;

/// Installs rustls' ring provider once per process; every HTTP client needs
/// it and a second install is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
