//! Starting and stopping the fake: an axum server on loopback, spawned on the current runtime.

use super::config::FakeConfig;
use super::control::FakeControl;
use super::router;
use super::state::Shared;
use axum::Router;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A running fake Instagram. Dropping it shuts the server down (requests in
/// flight are finished first).
pub struct FakeInstagram {
    base_url: String,
    control: FakeControl,
    shutdown: Option<oneshot::Sender<()>>,
}

impl FakeInstagram {
    /// Serves on `127.0.0.1` at a random free port.
    pub async fn start(config: FakeConfig) -> std::io::Result<FakeInstagram> {
        FakeInstagram::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Serves on `addr` (port 0 picks a free one). Must be called inside a tokio runtime.
    pub async fn start_on(addr: SocketAddr, config: FakeConfig) -> std::io::Result<FakeInstagram> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let host: IpAddr = match local.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => Ipv4Addr::LOCALHOST.into(),
            IpAddr::V6(ip) if ip.is_unspecified() => Ipv6Addr::LOCALHOST.into(),
            ip => ip,
        };
        let addr = SocketAddr::new(host, local.port());
        let base_url = format!("http://{addr}");
        let app = Arc::new(Shared::new(config, base_url.clone()));
        let router = Router::new()
            .fallback(router::handle)
            .with_state(app.clone());
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stop.await;
                })
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "fake instagram stopped");
            }
        });
        tracing::info!(%base_url, "fake instagram listening");
        Ok(FakeInstagram {
            base_url,
            control: FakeControl { app },
            shutdown: Some(shutdown),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// A cheap handle for steering the fake; it outlives nothing: once the
    /// server is dropped its requests simply stop arriving.
    pub fn control(&self) -> FakeControl {
        self.control.clone()
    }
}

impl Drop for FakeInstagram {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl std::fmt::Debug for FakeInstagram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeInstagram")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}
