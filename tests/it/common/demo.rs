//! The demo account on a fresh embedded fake, with a client and a token for it:
//! what the picture and download tests start from.
#![allow(dead_code)]

use instatui::fake::{DEMO_USER_ID, FakeConfig, FakeControl, FakeInstagram};
use instatui::instagram::{Client, Endpoints, Flavor, Media};
use instatui::secret::Secret;
use std::time::Duration;

/// A long-lived instagram-login token minted by the fake, no OAuth needed.
pub(crate) fn login_token(control: &FakeControl) -> Secret {
    Secret::new(control.issue_long_token(&Flavor::InstagramLogin.default_scopes().join(",")))
}

/// Requests to the fake's CDN so far.
pub(crate) fn cdn_hits(control: &FakeControl) -> usize {
    control
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/cdn/"))
        .count()
}

pub(crate) struct DemoAccount {
    pub fake: FakeInstagram,
    pub client: Client,
    pub token: Secret,
    /// The whole demo feed (64 posts), newest first.
    pub posts: Vec<Media>,
}

impl DemoAccount {
    pub(crate) async fn start() -> DemoAccount {
        instatui::install_crypto_provider();
        let fake = FakeInstagram::start(FakeConfig::demo())
            .await
            .expect("fake starts");
        let client = Client::new(
            Flavor::InstagramLogin,
            Endpoints::single_base(&fake.base_url()),
        )
        .expect("client")
        .with_retry_delay(Duration::from_millis(1));
        let token = login_token(&fake.control());
        let posts = client
            .all_media(&token, DEMO_USER_ID, None, |_| {})
            .await
            .expect("the demo feed");
        DemoAccount {
            fake,
            client,
            token,
            posts,
        }
    }

    pub(crate) fn control(&self) -> FakeControl {
        self.fake.control()
    }

    pub(crate) fn cdn_hits(&self) -> usize {
        cdn_hits(&self.control())
    }

    /// `GET /{id}` (any version prefix) so far.
    pub(crate) fn post_fetches(&self, id: &str) -> usize {
        let suffix = format!("/{id}");
        self.control()
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with(&suffix))
            .count()
    }
}
