//! A hostile Instagram: endless, huge and drip-fed bodies, paging that loops,
//! redirects on the token endpoints. Each test replays one finding of the
//! reliability audit (see RELIABILITY.md) against the embedded fake.

use instatui::fake::{FakeConfig, FakeControl, FakeInstagram, Fault};
use instatui::instagram::limits::MIB;
use instatui::instagram::{Client, Endpoints, ErrorKind, Flavor, Limits};
use instatui::secret::Secret;
use std::time::{Duration, Instant};

struct Hostile {
    fake: FakeInstagram,
    client: Client,
    token: Secret,
}

impl Hostile {
    async fn start() -> Hostile {
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
        let token = Secret::new(fake.control().issue_long_token("instagram_business_basic"));
        Hostile {
            fake,
            client,
            token,
        }
    }

    fn control(&self) -> FakeControl {
        self.fake.control()
    }

    fn cdn_url(&self) -> String {
        format!("{}/cdn/picture.jpg", self.fake.base_url())
    }

    /// Requests whose path starts with `prefix`, the Graph version
    /// (`/v25.0`) left out.
    fn hits(&self, prefix: &str) -> usize {
        self.control()
            .requests()
            .iter()
            .filter(|r| {
                let unversioned = r
                    .path
                    .strip_prefix("/v")
                    .and_then(|rest| rest.find('/').map(|i| &rest[i..]));
                r.path.starts_with(prefix) || unversioned.is_some_and(|p| p.starts_with(prefix))
            })
            .count()
    }
}

#[tokio::test]
async fn an_endless_api_answer_stops_at_the_cap_with_a_clear_error() {
    let h = Hostile::start().await;
    h.control().inject_on("/me", Fault::Endless, 10);
    let started = Instant::now();
    let err = h.client.profile(&h.token).await.expect_err("refused");
    assert_eq!(err.kind, ErrorKind::Limit, "{err}");
    assert!(
        err.to_string()
            .starts_with("Instagram's answer (GET /me) was larger than 8 MiB"),
        "{err}"
    );
    // Not tried again: the same server would send the same body.
    assert_eq!(h.hits("/me"), 1);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn a_huge_declared_answer_is_refused_before_reading() {
    let h = Hostile::start().await;
    h.control()
        .inject_on("/me/media", Fault::Huge(3 * 1024 * MIB), 1);
    let err = h
        .client
        .media_page(&h.token, "me", None, 25)
        .await
        .expect_err("refused");
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(err.to_string().contains("larger than 8 MiB"), "{err}");
}

#[tokio::test]
async fn an_endless_picture_stops_at_the_picture_cap() {
    let h = Hostile::start().await;
    h.control().inject_on("/cdn", Fault::Endless, 10);
    let err = h.client.fetch(&h.cdn_url()).await.expect_err("refused");
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(
        err.to_string()
            .starts_with("the picture was larger than 50 MiB"),
        "{err}"
    );
    assert_eq!(h.hits("/cdn"), 1);
}

fn small_limits() -> Limits {
    Limits {
        download_bytes: MIB,
        stall: Duration::from_secs(10),
        window: Duration::from_millis(400),
        window_bytes: 4096,
        transfer: Duration::from_secs(60),
        ..Limits::default()
    }
}

#[tokio::test]
async fn an_endless_download_stops_at_the_file_cap() {
    let h = Hostile::start().await;
    let client = h.client.clone().with_limits(small_limits());
    h.control().inject_on("/cdn", Fault::Endless, 10);
    let dir = tempfile::tempdir().expect("dir");
    let part = dir.path().join("x.part");
    let err = client
        .download_to(&h.cdn_url(), &part)
        .await
        .expect_err("refused");
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(
        err.to_string()
            .starts_with("the file was larger than 1 MiB"),
        "{err}"
    );
    assert!(std::fs::metadata(&part).map_or(0, |m| m.len()) <= MIB);
    assert_eq!(h.hits("/cdn"), 1);
}

#[tokio::test]
async fn a_declared_oversize_download_is_refused_before_writing() {
    let h = Hostile::start().await;
    let client = h.client.clone().with_limits(small_limits());
    h.control().inject_on("/cdn", Fault::Huge(5 * MIB), 1);
    let dir = tempfile::tempdir().expect("dir");
    let part = dir.path().join("x.part");
    let err = client
        .download_to(&h.cdn_url(), &part)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("larger than 1 MiB"), "{err}");
    assert!(!part.exists(), "nothing written");
}

#[tokio::test]
async fn a_drip_fed_download_ends_at_the_speed_floor() {
    let h = Hostile::start().await;
    let client = h.client.clone().with_limits(small_limits());
    // A byte every 50 ms never stalls (the stall timeout is 10 s) yet
    // brings 8 bytes per 400 ms window, far below the 4 KiB floor.
    h.control()
        .inject_on("/cdn", Fault::Drip(Duration::from_millis(50)), 10);
    let dir = tempfile::tempdir().expect("dir");
    let started = Instant::now();
    let err = client
        .download_to(&h.cdn_url(), &dir.path().join("x.part"))
        .await
        .expect_err("refused");
    assert_eq!(err.kind, ErrorKind::Limit, "{err}");
    assert!(
        err.to_string().starts_with("the transfer was too slow"),
        "{err}"
    );
    assert_eq!(h.hits("/cdn"), 1, "a drip is not retried");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_steady_but_endless_transfer_ends_at_the_deadline() {
    let h = Hostile::start().await;
    let client = h.client.clone().with_limits(Limits {
        download_bytes: u64::MAX,
        window_bytes: 1,
        transfer: Duration::from_millis(500),
        ..small_limits()
    });
    h.control()
        .inject_on("/cdn", Fault::Drip(Duration::from_millis(20)), 10);
    let dir = tempfile::tempdir().expect("dir");
    let err = client
        .download_to(&h.cdn_url(), &dir.path().join("x.part"))
        .await
        .expect_err("refused");
    assert_eq!(err.kind, ErrorKind::Limit, "{err}");
    assert!(
        err.to_string()
            .starts_with("the transfer took longer than 500 ms"),
        "{err}"
    );
    assert_eq!(h.hits("/cdn"), 1);
}

#[tokio::test]
async fn paging_stops_at_instagrams_ten_thousand_posts() {
    instatui::install_crypto_provider();
    let fake = FakeInstagram::start(FakeConfig {
        post_count: 10_150,
        ..FakeConfig::demo()
    })
    .await
    .expect("fake starts");
    let client = Client::new(
        Flavor::InstagramLogin,
        Endpoints::single_base(&fake.base_url()),
    )
    .expect("client");
    let token = Secret::new(fake.control().issue_long_token("instagram_business_basic"));
    let list = client
        .list_media(&token, "me", None, |_| {})
        .await
        .expect("pages");
    assert_eq!(list.items.len(), 10_000);
    assert_eq!(list.stop, Some(instatui::instagram::paging::Stop::Cap));
    assert!(
        list.note()
            .is_some_and(|n| n.contains("at most the 10,000 newest")),
        "{:?}",
        list.note()
    );
    let pages = fake
        .control()
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/media"))
        .count();
    assert_eq!(pages, 100, "no page past the cap");
}

/// A second host on loopback that writes down every byte it receives and
/// answers like a token endpoint, so a followed redirect would "work".
struct Recorder {
    url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl Recorder {
    async fn start() -> Recorder {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    log.lock().expect("log").extend_from_slice(&buf[..n]);
                    let body = r#"{"access_token":"IGQVJstolen","user_id":1,"token_type":"bearer","expires_in":5183944}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        Recorder { url, received }
    }

    fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().expect("log")).into_owned()
    }
}

fn demo_app() -> instatui::store::AppConfig {
    instatui::store::AppConfig {
        flavor: Flavor::InstagramLogin,
        app_id: instatui::fake::DEMO_APP_ID.into(),
        app_secret: Secret::new(instatui::fake::DEMO_APP_SECRET),
        redirect_uri: instatui::fake::DEMO_REDIRECT_URI.into(),
        scopes: Flavor::InstagramLogin.default_scopes(),
    }
}

#[tokio::test]
async fn no_token_endpoint_follows_a_redirect_to_another_host() {
    let h = Hostile::start().await;
    let recorder = Recorder::start().await;
    let app = demo_app();
    for status in [301, 302, 303, 307, 308] {
        for path in [
            "/oauth/access_token",
            "/access_token",
            "/refresh_access_token",
        ] {
            h.control().inject_on(
                path,
                Fault::Redirect {
                    status,
                    location: format!("{}{path}?stolen=1", recorder.url),
                },
                1,
            );
            let err = match path {
                "/oauth/access_token" => h
                    .client
                    .exchange_code(&app, "AQBcodecodecodecodecode")
                    .await
                    .map(|_| ())
                    .expect_err("not followed"),
                "/access_token" => h
                    .client
                    .exchange_long_lived(&app.app_secret, &h.token)
                    .await
                    .map(|_| ())
                    .expect_err("not followed"),
                _ => h
                    .client
                    .refresh(&h.token)
                    .await
                    .map(|_| ())
                    .expect_err("not followed"),
            };
            assert_eq!(err.kind, ErrorKind::Redirected, "{status} {path}: {err}");
            assert!(
                err.to_string().contains("redirect to 127.0.0.1")
                    && err.to_string().contains(&format!("HTTP {status}")),
                "{err}"
            );
            assert!(!err.to_string().contains("stolen"), "{err}");
        }
    }
    assert_eq!(
        recorder.received(),
        "",
        "the second host heard nothing (was: client_secret and the code, re-POSTed)"
    );
    assert_eq!(
        h.hits("/oauth/access_token"),
        5,
        "sent once each, not retried"
    );
}
