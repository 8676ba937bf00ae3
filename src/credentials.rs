//! What makes an app configuration valid: the rules `setup` and the Credentials screen share.

use crate::instagram::Flavor;
use url::Url;

/// The app id is the number the dashboard shows as "Instagram app ID".
pub(crate) fn check_app_id(app_id: &str) -> Result<(), String> {
    let app_id = app_id.trim();
    if app_id.is_empty() {
        return Err(
            "the app id is missing: copy it from the Meta dashboard (Instagram › API setup)".into(),
        );
    }
    if !app_id.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "the app id is a number (digits only), not '{app_id}': copy the Instagram app ID from the dashboard"
        ));
    }
    if app_id.len() < 5 {
        return Err("the app id looks too short: Instagram app ids have 15–16 digits".into());
    }
    Ok(())
}

pub(crate) fn check_app_secret(secret: &str) -> Result<(), String> {
    let secret = secret.trim();
    if secret.is_empty() {
        return Err("the app secret is missing: press Show in the dashboard and copy it".into());
    }
    if secret.chars().any(char::is_whitespace) {
        return Err("the app secret has spaces in it: copy it again, without spaces".into());
    }
    // Instagram's app secrets are 32 hex digits: anything else is a
    // placeholder (the README's '…'), a token or a redirect pasted in the
    // wrong place, and would only fail later at the code exchange.
    if secret.len() != 32 || !secret.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "the app secret is 32 hex digits (0-9, a-f), not {} characters like this: press Show in the dashboard and copy it",
            secret.chars().count()
        ));
    }
    Ok(())
}

/// Whether `text` is the address the browser landed on after Allow (it
/// carries `code=`, `state=` or `error=`): such a paste is meant for the
/// Authorize screen, never for a credential.
pub(crate) fn is_redirect(text: &str) -> bool {
    let text = text.trim();
    Url::parse(text).is_ok_and(|url| {
        url.query_pairs()
            .any(|(k, _)| matches!(k.as_ref(), "code" | "state" | "error"))
    })
}

/// Accepts an absolute https URI (plain http only on loopback). Returns the
/// warnings worth showing, such as a missing trailing slash.
pub(crate) fn check_redirect_uri(uri: &str) -> Result<Vec<String>, String> {
    if uri.trim().is_empty() {
        return Err(
            "the redirect URI is missing: use exactly the one in the app's OAuth settings".into(),
        );
    }
    if uri.trim() != uri {
        return Err("the redirect URI has spaces around it: they would count as characters".into());
    }
    // The URL parser drops tabs, line breaks and escapes silently: what was
    // stored would differ from what the user typed.
    if let Some(bad) = uri.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the redirect URI contains the control character {bad:?}: type it exactly as in the app's OAuth settings"
        ));
    }
    let url = Url::parse(uri).map_err(|e| {
        format!(
            "the redirect URI is not an absolute URL ({e}): write it like https://example.org/auth/"
        )
    })?;
    let mut warnings = Vec::new();
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => warnings.push(
            "plain http works only for local testing: Instagram requires https for real apps"
                .to_string(),
        ),
        other => {
            return Err(format!(
                "the redirect URI must start with https:// (not {other}://): Instagram accepts only https"
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the redirect URI has no host: write it like https://example.org/auth/".into());
    }
    if url
        .query_pairs()
        .any(|(k, _)| matches!(k.as_ref(), "code" | "state"))
    {
        return Err(
            "the redirect URI carries code= or state=: that is the address the browser landed on after Allow; give the redirect URI alone, as in the app's OAuth settings".into(),
        );
    }
    if url.fragment().is_some() {
        return Err(
            "the redirect URI must not contain '#': Instagram appends the code after it".into(),
        );
    }
    if !url.path().ends_with('/') && url.query().is_none() {
        warnings.push(
            "the path has no trailing slash: that is fine only if the app setting has none either (every character counts)".to_string(),
        );
    }
    Ok(warnings)
}

/// What adds `scope` to the token: with the app's scopes missing it,
/// `setup` with the longer list and then a new authorize; with the app
/// asking for it already, the authorize alone (an older token predates it).
pub(crate) fn how_to_add_scope(app: Option<&crate::store::AppConfig>, scope: &str) -> String {
    match app {
        Some(app) if app.scopes.iter().any(|s| s == scope) => {
            "the app asks for it now, so authorize again to grant it: instatui authorize --open"
                .to_string()
        }
        Some(app) => {
            let mut scopes = app.scopes.clone();
            scopes.push(scope.to_string());
            format!(
                "add it to the app's scopes, then authorize again: instatui setup --app-id {} --redirect-uri '{}' --scopes {} && instatui authorize --open",
                app.app_id,
                app.redirect_uri.replace('\'', ""),
                scopes.join(",")
            )
        }
        None => format!(
            "set up the app with it, then authorize: instatui setup --app-id ID --redirect-uri URI --scopes instagram_business_basic,{scope} && instatui authorize --open"
        ),
    }
}

/// A stored account whose token was granted without scopes its app asks for
/// now: only a new authorize adds them (a refresh keeps the permissions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScopeGap {
    /// How `--account` names it: the username (or user id), `NAME@APP_ID`
    /// when the name fits accounts under two apps.
    pub(crate) name: String,
    /// `@name`, as the screen names it.
    pub(crate) label: String,
    pub(crate) missing: Vec<String>,
}

impl ScopeGap {
    /// The one command that grants them.
    pub(crate) fn command(&self) -> String {
        format!("instatui authorize --account {} --open", self.name)
    }

    /// `@shop's token was granted without A and B` (the name sanitized: a
    /// username comes from the network).
    pub(crate) fn sentence(&self) -> String {
        format!(
            "{}'s token was granted without {}",
            crate::sanitize::line(&self.label),
            self.missing.join(" and ")
        )
    }
}

/// The accounts of the current app whose token lacks a scope the app asks
/// for. The permissions the exchange recorded decide; a token that recorded
/// none (pasted with `login --with-token`) is known to lack only what
/// `before`, the app as it was before this save, did not ask for.
pub(crate) fn scope_gaps(
    state: &crate::store::State,
    before: Option<&crate::store::AppConfig>,
) -> Vec<ScopeGap> {
    let Some(app) = state.app() else {
        return Vec::new();
    };
    state
        .accounts
        .iter()
        .filter(|a| a.app_id.as_deref() == Some(app.app_id.as_str()))
        .filter_map(|a| {
            let granted = &a.token.permissions;
            let missing: Vec<String> = app
                .scopes
                .iter()
                .filter(|s| {
                    if granted.is_empty() {
                        before.is_some_and(|b| !b.scopes.contains(s))
                    } else {
                        !granted.contains(s)
                    }
                })
                .cloned()
                .collect();
            if missing.is_empty() {
                return None;
            }
            let plain = a.username().unwrap_or(a.user_id()).to_string();
            let name = if state.find_account(&plain).is_ok_and(|id| id == a.id()) {
                plain
            } else {
                format!("{plain}@{}", app.app_id)
            };
            Some(ScopeGap {
                name,
                label: a.label(),
                missing,
            })
        })
        .collect()
}

/// Splits `a,b c` into scopes; empty means the flavour's defaults.
pub(crate) fn parse_scopes(text: &str, flavor: Flavor) -> Vec<String> {
    let scopes: Vec<String> = text
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if scopes.is_empty() {
        flavor.default_scopes()
    } else {
        scopes
    }
}

/// The names a scope is written as by mistake, and the one Instagram takes:
/// the `business_*` names Meta deprecated on 2025-01-27, the Facebook Login
/// API's names, and common misspellings.
const SCOPE_CORRECTIONS: &[(&str, &str)] = &[
    ("business_basic", "instagram_business_basic"),
    (
        "business_content_publish",
        "instagram_business_content_publish",
    ),
    (
        "business_manage_comments",
        "instagram_business_manage_comments",
    ),
    (
        "business_manage_messages",
        "instagram_business_manage_messages",
    ),
    (
        "business_manage_insights",
        "instagram_business_manage_insights",
    ),
    (
        "instagram_business_content_publishing",
        "instagram_business_content_publish",
    ),
    (
        "instagram_business_manage_comment",
        "instagram_business_manage_comments",
    ),
    (
        "instagram_business_manage_message",
        "instagram_business_manage_messages",
    ),
    (
        "instagram_business_manage_insight",
        "instagram_business_manage_insights",
    ),
    ("instagram_basic", "instagram_business_basic"),
    (
        "instagram_content_publish",
        "instagram_business_content_publish",
    ),
    (
        "instagram_manage_comments",
        "instagram_business_manage_comments",
    ),
    (
        "instagram_manage_messages",
        "instagram_business_manage_messages",
    ),
    (
        "instagram_manage_insights",
        "instagram_business_manage_insights",
    ),
];

/// For a scope written as a deprecated or mistaken name, the name to use
/// and why (`business_basic` → `instagram_business_basic`, deprecated).
pub(crate) fn scope_correction(scope: &str) -> Option<(&'static str, &'static str)> {
    SCOPE_CORRECTIONS
        .iter()
        .find(|(wrong, _)| wrong.eq_ignore_ascii_case(scope))
        .map(|(wrong, right)| {
            let why = if wrong.starts_with("business_") {
                "a name Instagram deprecated on 2025-01-27"
            } else if !wrong.starts_with("instagram_business") {
                "the Facebook Login API's name, which Instagram Login does not take"
            } else {
                "not a scope Instagram knows"
            };
            (*right, why)
        })
}

/// Scopes of the other flavour, deprecated names and misspellings are
/// common mistakes worth catching early; each error names the scope to use.
pub(crate) fn check_scopes(scopes: &[String], flavor: Flavor) -> Result<(), String> {
    if flavor == Flavor::InstagramLogin
        && let Some((bad, (right, why))) = scopes
            .iter()
            .find_map(|s| scope_correction(s).map(|c| (s, c)))
    {
        return Err(format!("'{bad}' is {why}: use {right}"));
    }
    let foreign = |s: &String| match flavor {
        Flavor::InstagramLogin => s.starts_with("user_"),
        Flavor::BasicDisplay => s.starts_with("instagram_business"),
    };
    if let Some(bad) = scopes.iter().find(|s| foreign(s)) {
        return Err(format!(
            "'{bad}' is a scope of the other API: {} uses {}",
            flavor.as_str(),
            flavor.default_scopes().join(",")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_ids_are_digits() {
        assert!(check_app_id("990602627938098").is_ok());
        assert!(check_app_id("99060262793809a").is_err());
        assert!(check_app_id("").is_err());
    }

    #[test]
    fn redirect_rules() {
        assert_eq!(check_redirect_uri("https://example.org/auth/"), Ok(vec![]));
        let escaped = check_redirect_uri("https://x.org/\x1b]0;pwn\x07/").unwrap_err();
        assert!(escaped.contains("\\u{1b}"), "{escaped}");
        assert!(check_redirect_uri("https://x.org/a\tb/").is_err());
        assert_eq!(
            check_redirect_uri("https://example.org/auth").map(|w| w.len()),
            Ok(1)
        );
        assert_eq!(
            check_redirect_uri("http://localhost:8080/cb/").map(|w| w.len()),
            Ok(1)
        );
        assert!(check_redirect_uri("http://example.org/auth/").is_err());
        assert!(check_redirect_uri("example.org/auth/").is_err());
        assert!(check_redirect_uri(" https://example.org/auth/").is_err());
        assert!(check_redirect_uri("https://example.org/auth/#x").is_err());
        let landed = check_redirect_uri("https://example.org/auth/?code=AQB&state=x").unwrap_err();
        assert!(landed.contains("code="), "{landed}");
        assert!(check_redirect_uri("https://example.org/auth/?state=x").is_err());
        assert_eq!(
            check_redirect_uri("https://example.org/cb?app=1"),
            Ok(vec![])
        );
    }

    #[test]
    fn app_secrets_are_32_hex_digits() {
        assert!(check_app_secret("3f1c9a7e5b2d4f608a1c3e5b7d9f0a2c").is_ok());
        assert!(check_app_secret("3F1C9A7E5B2D4F608A1C3E5B7D9F0A2C").is_ok());
        // The README's placeholder, a short one, a non-hex one, a token.
        for bad in [
            "…",
            "'…'",
            "3f1c9a7e",
            "3f1c9a7e5b2d4f608a1c3e5b7d9f0a2g",
            "IGAAlonglonglong",
        ] {
            assert!(check_app_secret(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirects_are_recognised() {
        assert!(is_redirect(
            "https://example.org/auth/?code=AQB&state=abc#_"
        ));
        assert!(is_redirect(
            "  https://example.org/auth/?error=access_denied\n"
        ));
        assert!(!is_redirect("https://example.org/auth/"));
        assert!(!is_redirect("990602627938098"));
        assert!(!is_redirect("code=AQB"));
    }

    #[test]
    fn scopes_default_and_cross_check() {
        assert_eq!(
            parse_scopes("", Flavor::BasicDisplay),
            vec!["user_profile", "user_media"]
        );
        assert_eq!(parse_scopes("a, b", Flavor::InstagramLogin), vec!["a", "b"]);
        assert!(check_scopes(&["user_profile".into()], Flavor::InstagramLogin).is_err());
        assert!(check_scopes(&["instagram_business_basic".into()], Flavor::InstagramLogin).is_ok());
    }

    /// The deprecated `business_*` names, the Facebook Login names and
    /// misspellings are refused with the name to use.
    #[test]
    fn deprecated_and_misspelled_scopes_name_the_one_to_use() {
        for (bad, right, why) in [
            ("business_basic", "instagram_business_basic", "deprecated"),
            (
                "business_content_publish",
                "instagram_business_content_publish",
                "deprecated",
            ),
            (
                "business_manage_comments",
                "instagram_business_manage_comments",
                "deprecated",
            ),
            (
                "business_manage_messages",
                "instagram_business_manage_messages",
                "deprecated",
            ),
            (
                "business_manage_insights",
                "instagram_business_manage_insights",
                "deprecated",
            ),
            (
                "instagram_business_content_publishing",
                "instagram_business_content_publish",
                "not a scope",
            ),
            (
                "instagram_basic",
                "instagram_business_basic",
                "Facebook Login",
            ),
            (
                "instagram_manage_insights",
                "instagram_business_manage_insights",
                "Facebook Login",
            ),
        ] {
            let scopes = vec!["instagram_business_basic".to_string(), bad.to_string()];
            let err = check_scopes(&scopes, Flavor::InstagramLogin).unwrap_err();
            assert!(err.contains(&format!("'{bad}'")), "{err}");
            assert!(err.ends_with(&format!("use {right}")), "{err}");
            assert!(err.contains(why), "{err}");
        }
        let fine: Vec<String> = [
            "instagram_business_basic",
            "instagram_business_content_publish",
            "instagram_business_manage_comments",
            "instagram_business_manage_messages",
            "instagram_business_manage_insights",
        ]
        .map(String::from)
        .to_vec();
        assert!(check_scopes(&fine, Flavor::InstagramLogin).is_ok());
    }
}
