//! Where each call goes: the real hosts, one base for all (`INSTATUI_BASE_URL`), or per-host overrides.

use super::Flavor;
use crate::store::EndpointOverrides;

pub const API_BASE: &str = "https://api.instagram.com";
pub const GRAPH_BASE: &str = "https://graph.instagram.com";
pub const BASE_URL_ENV: &str = "INSTATUI_BASE_URL";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The page the browser opens.
    pub authorize_url: String,
    /// Host of `POST /oauth/access_token`.
    pub api_base: String,
    /// Host of token exchange, refresh, `/me` and media.
    pub graph_base: String,
}

impl Endpoints {
    pub fn defaults(flavor: Flavor) -> Self {
        Endpoints {
            authorize_url: flavor.default_authorize_url().to_string(),
            api_base: API_BASE.to_string(),
            graph_base: GRAPH_BASE.to_string(),
        }
    }

    /// Every call against one base, as the embedded fake serves them.
    pub fn single_base(base: &str) -> Self {
        let base = base.trim().trim_end_matches('/');
        Endpoints {
            authorize_url: format!("{base}/oauth/authorize"),
            api_base: base.to_string(),
            graph_base: base.to_string(),
        }
    }

    /// The base from the environment wins over the config file's overrides,
    /// which win over the real hosts.
    pub fn resolve(flavor: Flavor, overrides: &EndpointOverrides, env_base: Option<&str>) -> Self {
        if let Some(base) = env_base.filter(|b| !b.trim().is_empty()) {
            return Endpoints::single_base(base);
        }
        let defaults = Endpoints::defaults(flavor);
        let trim = |s: &String| s.trim().trim_end_matches('/').to_string();
        Endpoints {
            authorize_url: overrides
                .authorize_url
                .as_ref()
                .map(|s| s.trim().to_string())
                .unwrap_or(defaults.authorize_url),
            api_base: overrides
                .api_base
                .as_ref()
                .map(trim)
                .unwrap_or(defaults.api_base),
            graph_base: overrides
                .graph_base
                .as_ref()
                .map(trim)
                .unwrap_or(defaults.graph_base),
        }
    }

    /// Reads `INSTATUI_BASE_URL` from the process environment.
    pub fn from_env(flavor: Flavor, overrides: &EndpointOverrides) -> Self {
        let env_base = std::env::var(BASE_URL_ENV).ok();
        Endpoints::resolve(flavor, overrides, env_base.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_base_wins_and_trailing_slash_is_dropped() {
        let overrides = EndpointOverrides {
            graph_base: Some("https://proxy.example/graph/".into()),
            ..Default::default()
        };
        let e = Endpoints::resolve(
            Flavor::InstagramLogin,
            &overrides,
            Some("http://127.0.0.1:9/"),
        );
        assert_eq!(e.authorize_url, "http://127.0.0.1:9/oauth/authorize");
        assert_eq!(e.graph_base, "http://127.0.0.1:9");
        let e = Endpoints::resolve(Flavor::BasicDisplay, &overrides, None);
        assert_eq!(e.graph_base, "https://proxy.example/graph");
        assert_eq!(e.authorize_url, "https://api.instagram.com/oauth/authorize");
        assert_eq!(e.api_base, API_BASE);
    }
}
