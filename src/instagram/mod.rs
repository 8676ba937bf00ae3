//! Instagram: both API flavours, their endpoints, responses and errors.

pub mod authorize;
pub mod backoff;
pub mod cdn;
pub mod client;
pub mod endpoints;
pub mod error;
pub mod flavor;
pub mod limits;
pub mod model;
pub mod paging;
pub mod paste;
pub mod renew;
pub mod retry;
pub mod usage;
pub mod walk;

pub use client::Client;
pub use endpoints::Endpoints;
pub use error::{ApiError, ErrorKind};
pub use flavor::{Flavor, Node};
pub use limits::Limits;
pub use model::{
    LongToken, Media, MediaPage, MediaType, Profile, ShortToken, VIDEO_UNAVAILABLE,
    VIDEO_UNAVAILABLE_WHY,
};
pub use usage::RateUsage;
