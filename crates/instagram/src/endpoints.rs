//! Where each call goes: the real hosts, one base for all (`INSTATUI_BASE_URL`), or per-host overrides; the pinned Graph API version.

use super::Flavor;
use serde::{Deserialize, Serialize};

pub(crate) const API_BASE: &str = "https://api.instagram.com";
pub(crate) const GRAPH_BASE: &str = "https://graph.instagram.com";
pub const BASE_URL_ENV: &str = "INSTATUI_BASE_URL";
/// The Graph API version every data call names, so that the answers do not
/// move as Meta retires versions (v25.0 is current in Meta's examples). The
/// one place the version lives; the app's stored override and
/// `INSTATUI_GRAPH_VERSION` override it.
pub(crate) const GRAPH_API_VERSION: &str = "v25.0";
pub const GRAPH_VERSION_ENV: &str = "INSTATUI_GRAPH_VERSION";

/// Per-host overrides, as the app stores them; `INSTATUI_BASE_URL` wins
/// over all of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EndpointOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorize_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_base: Option<String>,
    /// The Graph API version for data calls (`v25.0`; `none` for unversioned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_version: Option<String>,
}

impl EndpointOverrides {
    pub fn is_empty(&self) -> bool {
        self.authorize_url.is_none()
            && self.api_base.is_none()
            && self.graph_base.is_none()
            && self.graph_version.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The page the browser opens.
    pub authorize_url: String,
    /// Host of `POST /oauth/access_token`.
    pub api_base: String,
    /// Host of token exchange, refresh, `/me` and media.
    pub graph_base: String,
    /// `v25.0`, put in front of data calls' paths; `None` sends them
    /// unversioned. Token exchange and refresh stay unversioned, as Meta
    /// documents them.
    pub graph_version: Option<String>,
}

/// Reads a version as people write it: `v25.0`, `25.0`, `25`; `none` (or
/// `unversioned`) for no version. `Err` for anything else.
pub(crate) fn parse_graph_version(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("none") || text.eq_ignore_ascii_case("unversioned") {
        return Ok(None);
    }
    let digits = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let (major, minor) = digits.split_once('.').unwrap_or((digits, "0"));
    let number = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if number(major) && number(minor) {
        Ok(Some(format!("v{major}.{minor}")))
    } else {
        Err(format!(
            "'{text}' is not a Graph API version: write it like v25.0, or none"
        ))
    }
}

/// The version from the first source that names a valid one, else the
/// pinned default.
fn graph_version(sources: &[Option<&str>]) -> Option<String> {
    for source in sources.iter().flatten() {
        if source.trim().is_empty() {
            continue;
        }
        match parse_graph_version(source) {
            Ok(version) => return version,
            Err(e) => tracing::warn!("{e}; using {GRAPH_API_VERSION}"),
        }
    }
    Some(GRAPH_API_VERSION.to_string())
}

impl Endpoints {
    pub fn defaults(flavor: Flavor) -> Self {
        Endpoints {
            authorize_url: flavor.default_authorize_url().to_string(),
            api_base: API_BASE.to_string(),
            graph_base: GRAPH_BASE.to_string(),
            graph_version: Some(GRAPH_API_VERSION.to_string()),
        }
    }

    /// Every call against one base, as the embedded fake serves them.
    pub fn single_base(base: &str) -> Self {
        let base = base.trim().trim_end_matches('/');
        Endpoints {
            authorize_url: format!("{base}/oauth/authorize"),
            api_base: base.to_string(),
            graph_base: base.to_string(),
            graph_version: Some(GRAPH_API_VERSION.to_string()),
        }
    }

    /// The base from the environment wins over the config file's overrides,
    /// which win over the real hosts.
    pub fn resolve(flavor: Flavor, overrides: &EndpointOverrides, env_base: Option<&str>) -> Self {
        let version = graph_version(&[overrides.graph_version.as_deref()]);
        if let Some(base) = env_base.filter(|b| !b.trim().is_empty()) {
            return Endpoints {
                graph_version: version,
                ..Endpoints::single_base(base)
            };
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
            graph_version: version,
        }
    }

    /// `INSTATUI_GRAPH_VERSION`, when set, wins over the stored version.
    pub fn with_env_version(mut self, env_version: Option<&str>) -> Self {
        if let Some(env) = env_version.filter(|v| !v.trim().is_empty()) {
            self.graph_version = graph_version(&[Some(env)]);
        }
        self
    }

    /// `{graph_base}/{version}/{path}`: where a data call goes.
    pub(crate) fn graph_url(&self, path: &str) -> String {
        match &self.graph_version {
            Some(version) => format!("{}/{version}/{path}", self.graph_base),
            None => format!("{}/{path}", self.graph_base),
        }
    }

    /// Reads `INSTATUI_BASE_URL` from the process environment.
    pub fn from_env(flavor: Flavor, overrides: &EndpointOverrides) -> Self {
        let env_base = std::env::var(BASE_URL_ENV).ok();
        let env_version = std::env::var(GRAPH_VERSION_ENV).ok();
        Endpoints::resolve(flavor, overrides, env_base.as_deref())
            .with_env_version(env_version.as_deref())
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

    #[test]
    fn data_calls_name_the_pinned_version_unless_overridden() {
        let none = EndpointOverrides::default();
        let e = Endpoints::resolve(Flavor::InstagramLogin, &none, None);
        assert_eq!(e.graph_url("me"), "https://graph.instagram.com/v25.0/me");
        let stored = EndpointOverrides {
            graph_version: Some("24".into()),
            ..Default::default()
        };
        let e = Endpoints::resolve(Flavor::InstagramLogin, &stored, Some("http://127.0.0.1:9"));
        assert_eq!(e.graph_url("me/media"), "http://127.0.0.1:9/v24.0/me/media");
        // The environment wins; `none` sends calls unversioned.
        let e = e.with_env_version(Some("none"));
        assert_eq!(e.graph_url("me"), "http://127.0.0.1:9/me");
        // A typo does not break every call: the default is kept.
        let bad = EndpointOverrides {
            graph_version: Some("latest".into()),
            ..Default::default()
        };
        let e = Endpoints::resolve(Flavor::InstagramLogin, &bad, None);
        assert_eq!(e.graph_version.as_deref(), Some(GRAPH_API_VERSION));
        assert_eq!(parse_graph_version(" V25.0 "), Ok(Some("v25.0".into())));
        assert!(parse_graph_version("v25.0.1").is_err());
    }
}
