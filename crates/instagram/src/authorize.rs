//! The authorize URL the browser opens, with a fresh random `state`.

use super::Flavor;
use rand::RngCore;
use url::Url;

/// 128 bits of randomness, URL-safe: enough that a forged redirect cannot guess it.
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What goes into the authorize URL.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest<'a> {
    pub authorize_url: &'a str,
    pub flavor: Flavor,
    pub app_id: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a [String],
    /// Sent as `state`: only the redirect of this URL carries it back.
    pub nonce: &'a str,
}

/// Builds the URL; every value is form-encoded, the redirect URI verbatim
/// (it must arrive exactly as registered).
pub fn authorize_url(req: &AuthorizeRequest<'_>) -> Result<String, String> {
    let mut url = Url::parse(req.authorize_url.trim()).map_err(|e| {
        format!(
            "the authorize endpoint '{}' is not a URL ({e}): fix the endpoint override",
            req.authorize_url
        )
    })?;
    let scopes = if req.scopes.is_empty() {
        req.flavor.default_scopes()
    } else {
        req.scopes.to_vec()
    };
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", req.app_id)
            .append_pair("redirect_uri", req.redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", &scopes.join(","))
            .append_pair("state", req.nonce);
        for (k, v) in req.flavor.extra_authorize_params() {
            q.append_pair(k, v);
        }
    }
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(url: &str) -> Vec<(String, String)> {
        Url::parse(url)
            .expect("url")
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn instagram_login_url_has_every_parameter_encoded() {
        let scopes = vec![
            "instagram_business_basic".to_string(),
            "instagram_business_manage_comments".to_string(),
        ];
        let url = authorize_url(&AuthorizeRequest {
            authorize_url: Flavor::InstagramLogin.default_authorize_url(),
            flavor: Flavor::InstagramLogin,
            app_id: "990602627938098",
            redirect_uri: "https://www.example.org/auth/?x=1&y=2",
            scopes: &scopes,
            nonce: "9f2c7d61b0a84e3f",
        })
        .expect("url");
        assert!(url.starts_with("https://www.instagram.com/oauth/authorize?client_id=990602627938098&redirect_uri=https%3A%2F%2Fwww.example.org%2Fauth%2F%3Fx%3D1%26y%3D2&"));
        let q = query(&url);
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(
            get("redirect_uri"),
            Some("https://www.example.org/auth/?x=1&y=2")
        );
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(
            get("scope"),
            Some("instagram_business_basic,instagram_business_manage_comments")
        );
        assert_eq!(get("state"), Some("9f2c7d61b0a84e3f"));
        assert_eq!(get("enable_fb_login"), Some("0"));
        assert_eq!(get("force_reauth"), Some("true"));
        assert_eq!(get("force_authentication"), None);
    }

    #[test]
    fn basic_display_uses_its_host_and_default_scopes() {
        let url = authorize_url(&AuthorizeRequest {
            authorize_url: Flavor::BasicDisplay.default_authorize_url(),
            flavor: Flavor::BasicDisplay,
            app_id: "1",
            redirect_uri: "https://localhost/cb/",
            scopes: &[],
            nonce: "s",
        })
        .expect("url");
        assert!(url.starts_with("https://api.instagram.com/oauth/authorize?"));
        assert!(url.contains("scope=user_profile%2Cuser_media"));
        assert!(!url.contains("enable_fb_login"));
    }

    #[test]
    fn states_are_fresh_and_128_bits() {
        let a = new_nonce();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_nonce());
    }
}
