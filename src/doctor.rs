//! `doctor`: the setup checked before the browser round trip, each line ok or what is wrong and the one thing to do.
//!
//! The checks are plain functions of what they look at (the stored app,
//! the endpoints, a clock reading, a file's mode), so the tests feed them
//! mistakes directly; `gather` does the I/O for the CLI and the TUI.

use crate::instagram::{Endpoints, Flavor};
use crate::store::AppConfig;
use std::path::Path;
use std::time::Duration;
use time::{Date, OffsetDateTime};

/// How a check came out. Only `Fail` makes `doctor` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    /// Works, but worth knowing (and the fix says how to improve it).
    Warn,
    Fail,
    /// Could not be checked here (one sentence says why).
    Skip,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub name: &'static str,
    pub verdict: Verdict,
    /// What was found, one sentence.
    pub text: String,
    /// The one thing to do, for `Warn` and `Fail`.
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: &'static str, text: impl Into<String>) -> Check {
        Check {
            name,
            verdict: Verdict::Ok,
            text: text.into(),
            fix: None,
        }
    }
    fn fail(name: &'static str, text: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            verdict: Verdict::Fail,
            text: text.into(),
            fix: Some(fix.into()),
        }
    }
    fn warn(name: &'static str, text: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            verdict: Verdict::Warn,
            text: text.into(),
            fix: Some(fix.into()),
        }
    }
    fn skip(name: &'static str, text: impl Into<String>) -> Check {
        Check {
            name,
            verdict: Verdict::Skip,
            text: text.into(),
            fix: None,
        }
    }

    /// `FAIL  scopes: what; fix: what to do`.
    pub fn line(&self) -> String {
        let tag = match self.verdict {
            Verdict::Ok => "ok  ",
            Verdict::Warn => "warn",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "skip",
        };
        match &self.fix {
            Some(fix) => format!("{tag}  {}: {}; fix: {fix}", self.name, self.text),
            None => format!("{tag}  {}: {}", self.name, self.text),
        }
    }
}

/// Whether the report as a whole passes (exit 0).
pub fn passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.verdict != Verdict::Fail)
}

const SETUP_FIX: &str = "instatui setup (or screen 1, Credentials)";

/// The redirect URI's form: https, a host, no `#`, no `code=` left in it
/// from a browser address; the trailing slash is only worth a warning.
pub fn redirect_uri(app: Option<&AppConfig>) -> Check {
    const NAME: &str = "redirect URI";
    let Some(app) = app else {
        return Check::fail(NAME, "no app is stored yet", SETUP_FIX);
    };
    let uri = app.redirect_uri.as_str();
    if let Ok(url) = url::Url::parse(uri)
        && url
            .query_pairs()
            .any(|(k, _)| k == "code" || k == "state" || k == "error")
    {
        let bare = uri.split('?').next().unwrap_or(uri);
        return Check::fail(
            NAME,
            format!(
                "{} still carries a code or state from a browser address",
                crate::sanitize::line(uri)
            ),
            format!(
                "store only the registered part, instatui setup --redirect-uri '{}'",
                crate::sanitize::line(bare)
            ),
        );
    }
    match crate::credentials::check_redirect_uri(uri) {
        Err(e) => Check::fail(NAME, e, SETUP_FIX),
        Ok(warnings) => match warnings.into_iter().next() {
            Some(w) => Check::warn(
                NAME,
                format!("{}: {w}", crate::sanitize::line(uri)),
                "compare it with the app's Business login settings, character for character",
            ),
            None => Check::ok(NAME, crate::sanitize::line(uri)),
        },
    }
}

/// Scopes against the flavour: the other API's names, the `business_*`
/// names deprecated on 2025-01-27, the base scope missing, the retired API.
pub fn scopes(app: Option<&AppConfig>) -> Check {
    const NAME: &str = "scopes";
    let Some(app) = app else {
        return Check::skip(NAME, "no app is stored yet");
    };
    let flavor = app.flavor;
    let scopes = if app.scopes.is_empty() {
        flavor.default_scopes()
    } else {
        app.scopes.clone()
    };
    let listed = scopes.join(",");
    if flavor == Flavor::BasicDisplay {
        return Check::fail(
            NAME,
            "the app uses the Basic Display API, which Instagram retired on 2024-12-04",
            "instatui setup --flavor instagram-login (with the Instagram app's id)",
        );
    }
    if let Some((old, (new, why))) = scopes
        .iter()
        .find_map(|s| crate::credentials::scope_correction(s).map(|c| (s, c)))
    {
        return Check::fail(
            NAME,
            format!("'{old}' is {why}: use {new}"),
            format!(
                "instatui setup --scopes {}",
                scopes
                    .iter()
                    .map(|s| if s == old { new.to_string() } else { s.clone() })
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        );
    }
    if let Err(e) = crate::credentials::check_scopes(&scopes, flavor) {
        return Check::fail(
            NAME,
            e,
            format!(
                "instatui setup --scopes {}",
                flavor.default_scopes().join(",")
            ),
        );
    }
    if !scopes.iter().any(|s| s == "instagram_business_basic") {
        return Check::fail(
            NAME,
            format!("{listed} lacks instagram_business_basic, which every call needs"),
            format!("instatui setup --scopes instagram_business_basic,{listed}"),
        );
    }
    Check::ok(NAME, format!("{listed} ({flavor})"))
}

/// The last day Meta serves each Graph API version (Meta's changelog,
/// read 2026-10-29). Versions after the last row have no date yet.
const GRAPH_END_OF_LIFE: &[(u32, Date)] = &[
    (20, time::macros::date!(2026 - 09 - 24)),
    (21, time::macros::date!(2027 - 01 - 21)),
    (22, time::macros::date!(2027 - 05 - 20)),
    (23, time::macros::date!(2027 - 10 - 08)),
    (24, time::macros::date!(2028 - 02 - 18)),
    (25, time::macros::date!(2028 - 07 - 29)),
];

/// How long before the end a version is worth a warning.
const GRAPH_WARN_DAYS: i64 = 90;

/// The Graph API version data calls name, against its end-of-life date.
pub fn graph_version(endpoints: &Endpoints, today: Date) -> Check {
    const NAME: &str = "Graph API version";
    let fix = "unset INSTATUI_GRAPH_VERSION (or set a current version, like v25.0)";
    let Some(version) = endpoints.graph_version.as_deref() else {
        return Check::warn(
            NAME,
            "unversioned: answers may change as Meta retires versions",
            fix,
        );
    };
    let major = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    let Some(major) = major else {
        return Check::fail(NAME, format!("'{version}' is not a version"), fix);
    };
    let first = GRAPH_END_OF_LIFE[0].0;
    let last = GRAPH_END_OF_LIFE[GRAPH_END_OF_LIFE.len() - 1].0;
    if major < first {
        return Check::fail(NAME, format!("{version} is no longer served by Meta"), fix);
    }
    let Some((_, end)) = GRAPH_END_OF_LIFE.iter().find(|(m, _)| *m == major) else {
        return Check::ok(
            NAME,
            format!("{version} (newer than v{last}.0, no end date announced)"),
        );
    };
    let left = (*end - today).whole_days();
    if left < 0 {
        Check::fail(
            NAME,
            format!("{version} reached its end of life on {end}"),
            fix,
        )
    } else if left <= GRAPH_WARN_DAYS {
        Check::warn(
            NAME,
            format!("{version} reaches its end of life on {end} (in {left} days)"),
            fix,
        )
    } else {
        Check::ok(NAME, format!("{version}, served until {end}"))
    }
}

/// More than this apart, and token ages and expiries read wrong.
const CLOCK_TOLERANCE: time::Duration = time::Duration::minutes(5);

/// This machine's clock against the server's `Date`.
pub fn clock_offset(server: OffsetDateTime, here: OffsetDateTime) -> Check {
    const NAME: &str = "clock";
    let off = here - server;
    let seconds = off.whole_seconds().abs();
    let amount = crate::lifetime::format_remaining(time::Duration::seconds(seconds));
    if off.abs() <= CLOCK_TOLERANCE {
        return Check::ok(NAME, format!("within {seconds} s of Instagram's"));
    }
    let side = if off.is_positive() {
        "ahead of"
    } else {
        "behind"
    };
    Check::fail(
        NAME,
        format!(
            "this machine's clock is {amount} {side} Instagram's: token ages and expiries read wrong"
        ),
        if std::env::var_os(crate::clock::SKEW_ENV).is_some() {
            format!("unset {}", crate::clock::SKEW_ENV)
        } else {
            "set the clock right (timedatectl set-ntp true)".to_string()
        },
    )
}

/// Reads an HTTP `Date` header (`Fri, 04 Dec 2026 21:30:00 GMT`).
pub fn parse_http_date(text: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(text.trim(), format)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

/// Asks the Graph host for its `Date`; a timeout or no network is one
/// sentence naming the check, not a failure of the setup.
pub async fn clock(endpoints: &Endpoints, timeout: Duration) -> Check {
    const NAME: &str = "clock";
    let host = endpoints.graph_base.clone();
    let client = match reqwest::Client::builder().timeout(timeout).build() {
        Ok(c) => c,
        Err(e) => return Check::skip(NAME, format!("no HTTP client: {e}")),
    };
    let response = match client.get(format!("{host}/")).send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return Check::skip(
                NAME,
                format!(
                    "not checked: {host} did not answer within {} s (no network?)",
                    timeout.as_secs_f32()
                ),
            );
        }
        Err(_) => {
            return Check::skip(
                NAME,
                format!("not checked: {host} could not be reached (no network?)"),
            );
        }
    };
    let date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date);
    match date {
        Some(server) => clock_offset(server, crate::clock::now()),
        None => Check::skip(NAME, format!("not checked: {host} sent no readable Date")),
    }
}

/// `state.json` holds the app secret and the tokens: only its owner may read it.
pub fn state_file(path: &Path) -> Check {
    const NAME: &str = "state file";
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Check::ok(NAME, format!("{} does not exist yet", path.display()));
        }
        Err(e) => {
            return Check::fail(
                NAME,
                format!("{} cannot be read: {e}", path.display()),
                "check the folder's owner and permissions",
            );
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Check::fail(
                NAME,
                format!(
                    "{} (mode {mode:o}) can be read by other users, and it holds the app secret and tokens",
                    path.display()
                ),
                format!("chmod 600 '{}'", path.display()),
            );
        }
        Check::ok(NAME, format!("{} (mode {mode:o})", path.display()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Check::ok(NAME, path.display().to_string())
    }
}

/// Keep-alive installed for this config dir and able to run.
pub fn keep_alive(config_dir: &Path, now: OffsetDateTime) -> Check {
    const NAME: &str = "keep-alive";
    let dir = std::path::absolute(config_dir).unwrap_or_else(|_| config_dir.to_path_buf());
    let name = crate::keepalive::entry_name(&dir);
    match crate::keepalive::doctor(&name, now) {
        Ok((text, None)) => Check::ok(NAME, text),
        Ok((text, Some(fix))) => Check::warn(NAME, text, fix),
        Err((text, fix)) => Check::fail(NAME, text, fix),
    }
}

/// The notifiers in `watch.json`: each one's last delivery, and whether
/// it could deliver now, found by [`crate::watch::notify::probe`] without
/// sending anything (`notify test` sends for real). None set up is worth
/// a warning: then `keep-alive run` tells no one when an account dies.
pub async fn notifications(config_dir: &Path, timeout: Duration) -> Check {
    const NAME: &str = "notifications";
    let store = crate::store::Store::at(config_dir);
    let (watch, unreadable) = crate::watch::load(&store);
    if let Some(why) = unreadable {
        return Check::fail(
            NAME,
            why,
            "fix or remove watch.json, then instatui notify add …",
        );
    }
    if watch.notifiers.is_empty() {
        return Check::warn(
            NAME,
            "none set up: keep-alive run tells no one when an account needs you",
            "instatui notify add --desktop (or --webhook URL, --email ADDRESS, --exec CMD)",
        );
    }
    let mut found = Vec::new();
    for n in &watch.notifiers {
        let what = format!("notifier {} ({})", n.id, n.channel.describe());
        if let Some(d) = n.last.as_ref().filter(|d| !d.ok) {
            return Check::fail(
                NAME,
                format!(
                    "{what}: its last delivery failed at {}: {}",
                    crate::localtime::format_local(d.at),
                    d.summary
                ),
                format!("instatui notify test {}", n.id),
            );
        }
        match crate::watch::notify::probe(&n.channel, timeout).await {
            Ok(text) => found.push(format!("{}: {text}", n.id)),
            Err(why) => {
                return Check::fail(
                    NAME,
                    format!("{what}: {why}"),
                    format!(
                        "fix it, then instatui notify test {} (or instatui notify remove {})",
                        n.id, n.id
                    ),
                );
            }
        }
    }
    Check::ok(
        NAME,
        format!(
            "{} notifier(s), none sent to: {}",
            watch.notifiers.len(),
            found.join("; ")
        ),
    )
}

/// The picture protocol, as `preview::query::diagnose` found it.
pub fn pictures(found: Result<(String, Option<String>), String>) -> Check {
    const NAME: &str = "pictures";
    match found {
        Ok((text, None)) => Check::ok(NAME, text),
        Ok((text, Some(hint))) => Check::warn(NAME, text, hint),
        Err(why) => Check::skip(NAME, why),
    }
}

/// What `gather` needs.
pub struct Inputs<'a> {
    pub app: Option<&'a AppConfig>,
    pub endpoints: Endpoints,
    pub state_path: &'a Path,
    pub config_dir: &'a Path,
    /// How long the network check may take.
    pub timeout: Duration,
}

/// Every check but the pictures' (which needs the terminal to itself).
pub async fn gather(inputs: Inputs<'_>) -> Vec<Check> {
    let now = crate::clock::now();
    let clock = clock(&inputs.endpoints, inputs.timeout).await;
    let config_dir = inputs.config_dir.to_path_buf();
    // Runs systemctl, crontab and loginctl: off the async threads.
    let keep_alive = tokio::task::spawn_blocking(move || keep_alive(&config_dir, now))
        .await
        .unwrap_or_else(|_| Check::skip("keep-alive", "not checked: the check stopped"));
    let notifications = notifications(inputs.config_dir, inputs.timeout).await;
    vec![
        redirect_uri(inputs.app),
        scopes(inputs.app),
        clock,
        graph_version(&inputs.endpoints, now.date()),
        state_file(inputs.state_path),
        keep_alive,
        notifications,
    ]
}

/// What a pasted error page's text means for this setup: one sentence
/// per error recognised; empty when none is.
pub fn explain(text: &str, app: Option<&AppConfig>) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    if lower.contains("invalid platform app") {
        let id = app.map_or(String::new(), |a| format!(" ({})", a.app_id));
        out.push(format!(
            "Invalid platform app: the app id{id} is not an Instagram app id: take the Instagram app ID from the dashboard's Instagram › API setup with Instagram login (not the Meta app ID at the top), then instatui setup"
        ));
    }
    if lower.contains("invalid redirect_uri") || lower.contains("redirect_uri is identical") {
        let sent = app.map_or("the stored one".to_string(), |a| {
            format!("'{}'", crate::sanitize::line(&a.redirect_uri))
        });
        out.push(format!(
            "Invalid redirect_uri: the redirect URI sent, {sent}, is not registered character for character (mind the trailing slash): add exactly it under Business login settings › OAuth redirect URIs, or setup with the registered one"
        ));
    }
    if let Some(at) = lower.find("invalid scope") {
        let scope = text[at + "invalid scope".len()..]
            .trim_start_matches([':', ' '])
            .split(|c: char| c.is_whitespace() || c == ',' || c == '"' || c == '<')
            .next()
            .unwrap_or("")
            .to_string();
        let why = if scope.starts_with("user_") {
            "a scope of the retired Basic Display API: instatui setup --flavor instagram-login"
                .to_string()
        } else if scope.starts_with("business_") {
            format!("a deprecated name: use instagram_{scope} (instatui setup --scopes)")
        } else {
            "a scope the app does not have: add its permission to the app in the dashboard, or leave it out with instatui setup --scopes instagram_business_basic".to_string()
        };
        let named = if scope.is_empty() {
            String::new()
        } else {
            format!(" '{}'", crate::sanitize::line(&scope))
        };
        out.push(format!("Invalid scope{named}: {why}"));
    }
    if lower.contains("insufficient developer role") {
        out.push("Insufficient developer role: the Instagram account that logged in has no role in the app: add it under App roles › Roles › Instagram testers and accept the invite in Instagram (Settings › Website permissions › Tester invites)".into());
    }
    if lower.contains("unsupported request - method type") {
        out.push("Unsupported request: the Basic Display API is retired: instatui setup --flavor instagram-login".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instagram::secret::Secret;

    fn app(uri: &str, scopes: &[&str], flavor: Flavor) -> AppConfig {
        AppConfig {
            flavor,
            app_id: "1234567890123456".into(),
            app_secret: Secret::from("s3cret"),
            redirect_uri: uri.into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn redirect_uri_mistakes_each_get_their_fix() {
        let check = |uri: &str| redirect_uri(Some(&app(uri, &[], Flavor::InstagramLogin)));
        assert_eq!(check("https://example.org/auth/").verdict, Verdict::Ok);
        let slash = check("https://example.org/auth");
        assert_eq!(slash.verdict, Verdict::Warn);
        assert!(slash.text.contains("trailing slash"), "{slash:?}");
        let http = check("http://example.org/auth/");
        assert_eq!(http.verdict, Verdict::Fail);
        assert!(http.text.contains("https://"), "{http:?}");
        let code = check("https://example.org/auth/?code=AQB123&state=x");
        assert_eq!(code.verdict, Verdict::Fail);
        assert!(
            code.fix
                .as_deref()
                .unwrap()
                .contains("'https://example.org/auth/'"),
            "{code:?}"
        );
        assert_eq!(check("https://").verdict, Verdict::Fail);
        assert_eq!(redirect_uri(None).verdict, Verdict::Fail);
    }

    #[test]
    fn deprecated_and_foreign_scopes_are_named() {
        let check = |s: &[&str], f| scopes(Some(&app("https://e.org/", s, f)));
        assert_eq!(check(&[], Flavor::InstagramLogin).verdict, Verdict::Ok);
        let old = check(&["business_basic"], Flavor::InstagramLogin);
        assert_eq!(old.verdict, Verdict::Fail);
        assert!(old.text.contains("deprecated"), "{old:?}");
        assert_eq!(
            old.fix.as_deref(),
            Some("instatui setup --scopes instagram_business_basic")
        );
        let foreign = check(&["user_profile"], Flavor::InstagramLogin);
        assert_eq!(foreign.verdict, Verdict::Fail);
        assert!(foreign.text.contains("other API"), "{foreign:?}");
        let missing = check(
            &["instagram_business_manage_comments"],
            Flavor::InstagramLogin,
        );
        assert_eq!(missing.verdict, Verdict::Fail);
        assert_eq!(check(&[], Flavor::BasicDisplay).verdict, Verdict::Fail);
    }

    #[test]
    fn graph_versions_are_judged_by_their_end_of_life() {
        let at = |v: Option<&str>, today: Date| {
            let mut e = Endpoints::defaults(Flavor::InstagramLogin);
            e.graph_version = v.map(str::to_string);
            graph_version(&e, today).verdict
        };
        let today = time::macros::date!(2026 - 12 - 04);
        assert_eq!(at(Some("v25.0"), today), Verdict::Ok);
        assert_eq!(at(Some("v20.0"), today), Verdict::Fail);
        assert_eq!(at(Some("v19.0"), today), Verdict::Fail);
        assert_eq!(at(Some("v21.0"), today), Verdict::Warn);
        assert_eq!(at(Some("v27.0"), today), Verdict::Ok);
        assert_eq!(at(None, today), Verdict::Warn);
        assert_eq!(
            at(Some("v25.0"), time::macros::date!(2028 - 08 - 01)),
            Verdict::Fail
        );
    }

    #[test]
    fn a_clock_off_by_minutes_fails_and_says_which_way() {
        let server = time::macros::datetime!(2026-12-04 21:30:00 UTC);
        assert_eq!(
            clock_offset(server, server + time::Duration::seconds(20)).verdict,
            Verdict::Ok
        );
        let ahead = clock_offset(server, server + time::Duration::hours(2));
        assert_eq!(ahead.verdict, Verdict::Fail);
        assert!(ahead.text.contains("ahead of"), "{ahead:?}");
        let behind = clock_offset(server, server - time::Duration::minutes(10));
        assert!(behind.text.contains("behind"), "{behind:?}");
        assert_eq!(
            parse_http_date("Fri, 04 Dec 2026 21:30:00 GMT"),
            Some(server)
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn pasted_error_pages_are_explained_for_this_setup() {
        let a = app("https://example.org/auth/", &[], Flavor::InstagramLogin);
        let platform = explain(
            r#"{"error_type": "OAuthException", "code": 400, "error_message": "Invalid platform app"}"#,
            Some(&a),
        );
        assert_eq!(platform.len(), 1);
        assert!(platform[0].contains("Instagram app ID"), "{platform:?}");
        let redirect = explain("Invalid redirect_uri", Some(&a));
        assert!(
            redirect[0].contains("'https://example.org/auth/'"),
            "{redirect:?}"
        );
        let scope = explain(
            "Invalid Request: Request parameters are invalid: Invalid scope: user_profile",
            Some(&a),
        );
        assert!(
            scope[0].starts_with("Invalid scope 'user_profile'"),
            "{scope:?}"
        );
        assert!(scope[0].contains("--flavor instagram-login"), "{scope:?}");
        assert!(explain("Sorry, this page isn't available.", Some(&a)).is_empty());
    }
}
