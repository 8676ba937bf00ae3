//! Opens a URL in the user's browser: `$BROWSER` when set, else the system's opener; only Instagram's own https addresses.

use std::process::{Command, Stdio};
use url::{Host, Url};

/// Hosts a link from Instagram may point at: the site and its CDNs.
const INSTAGRAM_DOMAINS: [&str; 3] = ["instagram.com", "cdninstagram.com", "fbcdn.net"];

/// The URL to hand to the browser, if it may be opened: `https` on
/// instagram.com, cdninstagram.com or fbcdn.net (or a subdomain), or any
/// address on `configured_base` when that is a loopback server (`--demo`,
/// tests). Links come from the server, and a browser (or `$BROWSER`
/// script) given `-…`, `file:`, `javascript:` or another scheme could do
/// anything with it. The returned form is the parsed one, never the raw text.
pub(crate) fn checked_url(raw: &str, configured_base: Option<&str>) -> Result<String, String> {
    let refuse = |what: String| {
        Err(format!(
            "not opened: {what}; instatui opens only https addresses on instagram.com, cdninstagram.com and fbcdn.net"
        ))
    };
    let Ok(url) = Url::parse(raw.trim()) else {
        return refuse("the link is not a web address".to_string());
    };
    if same_loopback_origin(&url, configured_base) {
        return Ok(url.into());
    }
    if url.scheme() != "https" {
        return refuse(format!("the link is {}:", url.scheme()));
    }
    let host = match url.host() {
        Some(Host::Domain(host)) => host.to_ascii_lowercase(),
        Some(other) => return refuse(format!("the link points at {other}")),
        None => return refuse("the link names no host".to_string()),
    };
    let host = host.trim_end_matches('.');
    let ours = INSTAGRAM_DOMAINS
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    if !ours || !url.username().is_empty() || url.password().is_some() {
        return refuse(format!("the link points at {host}"));
    }
    Ok(url.into())
}

/// Whether `url` is on the configured base and that base is on this machine.
fn same_loopback_origin(url: &Url, configured_base: Option<&str>) -> bool {
    let Some(base) = configured_base.and_then(|b| Url::parse(b.trim()).ok()) else {
        return false;
    };
    let loopback = match base.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    loopback
        && matches!(base.scheme(), "http" | "https")
        && url.scheme() == base.scheme()
        && url.host() == base.host()
        && url.port_or_known_default() == base.port_or_known_default()
}

/// Launches the browser without waiting for it. The caller keeps showing the
/// URL either way, for SSH sessions where no browser can appear.
pub(crate) fn open_url(url: &str) -> Result<(), String> {
    // The callers check the host (`checked_url`); whatever they pass, no
    // option or odd scheme reaches the opener.
    if url.starts_with('-') || !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err("not opened: only http(s) addresses are opened".to_string());
    }
    if let Ok(browser) = std::env::var("BROWSER") {
        // $BROWSER is a colon-separated list by convention; each entry may
        // hold %s for the URL.
        for entry in browser.split(':').filter(|e| !e.trim().is_empty()) {
            if launch(entry, url).is_ok() {
                return Ok(());
            }
        }
        return Err(format!(
            "could not start $BROWSER ({}): open the address yourself",
            crate::sanitize::line(&browser)
        ));
    }
    open::that_detached(url).map_err(|e| {
        format!(
            "could not open a browser ({}): open the address yourself",
            opener_failure(&e)
        )
    })
}

/// `Launcher "gio" "open" "https://…" failed with ExitStatus(unix_wait_status(512))`
/// in a few plain words: `gio failed`. The URL is already on screen.
fn opener_failure(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        return "no xdg-open, gio or other opener is installed".to_string();
    }
    let text = e.to_string();
    match text
        .strip_prefix("Launcher \"")
        .and_then(|rest| rest.split('"').next())
    {
        Some(launcher) if !launcher.is_empty() => {
            format!("{} failed", crate::sanitize::line(launcher))
        }
        _ => crate::text::fit(&crate::sanitize::line(&text), 60),
    }
}

fn launch(entry: &str, url: &str) -> std::io::Result<()> {
    let mut words = entry.split_whitespace();
    let program = words.next().unwrap_or_default();
    let mut args: Vec<String> = words.map(String::from).collect();
    if args.iter().any(|a| a.contains("%s")) {
        args = args.into_iter().map(|a| a.replace("%s", url)).collect();
    } else {
        args.push(url.to_string());
    }
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|mut child| {
            // Reap it when it exits so no zombie lingers while we run.
            std::thread::spawn(move || child.wait());
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_opener_is_named_in_a_few_words() {
        let gio = std::io::Error::other(
            "Launcher \"gio\" \"open\" \"https://www.instagram.com/p/x/\" failed with ExitStatus(unix_wait_status(512))",
        );
        assert_eq!(opener_failure(&gio), "gio failed");
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert!(opener_failure(&missing).starts_with("no xdg-open"));
    }

    #[test]
    fn only_https_on_instagrams_hosts_is_opened() {
        for ok in [
            "https://www.instagram.com/p/C1a2B3c4D5e/",
            "https://instagram.com/reel/x",
            "https://scontent-fra5-1.cdninstagram.com/v/t51.jpg?oe=1",
            "https://video.xx.fbcdn.net/o1/v/t2/f2/m86/clip.mp4",
            "HTTPS://WWW.INSTAGRAM.COM/p/x/",
            "https://www.instagram.com./p/x/",
        ] {
            assert!(checked_url(ok, None).is_ok(), "{ok}");
        }
        for bad in [
            "http://www.instagram.com/p/x/",
            "-a/etc/passwd",
            "--new-window=https://evil.example",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,hi",
            "https://evil.example/p/x",
            "https://instagram.com.evil.example/",
            "https://evilinstagram.com/",
            "https://www.instagram.com@evil.example/",
            "https://user@www.instagram.com/",
            "https://127.0.0.1:8080/cdn/x.jpg",
            "https://[::1]/x",
            "ftp://www.instagram.com/",
            "",
            "www.instagram.com/p/x/",
        ] {
            let err = checked_url(bad, None).expect_err(bad);
            assert!(err.starts_with("not opened: "), "{bad}: {err}");
        }
    }

    #[test]
    fn a_loopback_base_is_allowed_for_the_demo_only_on_its_own_origin() {
        let base = Some("http://127.0.0.1:8765");
        assert!(checked_url("http://127.0.0.1:8765/cdn/a.jpg?oe=1", base).is_ok());
        assert!(checked_url("http://127.0.0.1:8766/cdn/a.jpg", base).is_err());
        assert!(checked_url("http://localhost:8765/", base).is_err());
        // A base elsewhere is not trusted this way.
        let remote = Some("http://proxy.example:8080");
        assert!(checked_url("http://proxy.example:8080/x", remote).is_err());
    }

    #[test]
    fn the_opener_refuses_options_and_odd_schemes() {
        assert!(open_url("-h").is_err());
        assert!(open_url("file:///etc/passwd").is_err());
    }
}
