//! Issue 10's "Done when", in the TUI alone: the real binary in a terminal,
//! against the fake Instagram (which knows two users), with a stub
//! `systemctl` as the only program on PATH and a throw-away unit folder.
//! A new user saves the app's credentials, authorizes a first account,
//! adds a second under the same app (5, n), sees both countdowns, switches
//! between their feeds and installs keep-alive (K, i). The test plays the
//! browser: it copies the authorize URL (c, OSC 52), logs in as one user
//! or the other on the fake, and pastes where the browser landed.

use crate::common::cli::Machine;
use crate::common::pty::{Pty, Screen};
use base64::Engine;
use instatui::fake::{DEMO_APP_ID, DEMO_REDIRECT_URI, DEMO_USERNAME, SHOP_USERNAME};
use std::os::unix::fs::PermissionsExt;

const SYSTEMCTL: &str = r#"#!/bin/sh
here=$(/usr/bin/dirname "$0")
echo "systemctl $*" >> "$here/calls"
exit 0
"#;

const OSC52: &str = "\x1b]52;c;";

/// The `n`th text the program put on the clipboard (OSC 52), decoded.
pub(crate) fn copied(pty: &Pty, n: usize) -> String {
    let bytes = pty.wait_for(&format!("clipboard copy #{}", n + 1), |b| {
        let text = String::from_utf8_lossy(b);
        text.split(OSC52)
            .nth(n + 1)
            .is_some_and(|rest| rest.contains('\x07') || rest.contains("\x1b\\"))
    });
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let encoded = text
        .split(OSC52)
        .nth(n + 1)
        .and_then(|rest| rest.split(['\x07', '\x1b']).next())
        .expect("a copy");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64");
    String::from_utf8(decoded).expect("utf-8")
}

/// The browser: logged in as `user`, it opens `url` and lands on the
/// redirect URI; the address it lands on is returned.
pub(crate) fn browse(m: &Machine, url: &str, user: &str) -> String {
    assert!(m.control().sign_in_as(user), "{user}");
    m.rt.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let response = http.get(url).send().await.expect("authorize answers");
        assert_eq!(response.status(), 302, "{url}");
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .expect("a redirect")
            .to_string()
    })
}

pub(crate) fn paste(pty: &mut Pty, text: &str) {
    pty.type_keys(&format!("\x1b[200~{text}\x1b[201~"));
}

fn screen(pty: &Pty) -> String {
    Screen::of(&pty.output()).text()
}

/// Authorizes the account of `user` from the Authorize screen, the
/// `nth` URL copied in this run; waits for the Token screen to say so.
pub(crate) fn authorize_as(m: &Machine, pty: &mut Pty, nth: usize, user: &str) {
    pty.type_keys("c");
    let url = copied(pty, nth);
    assert!(url.contains("force_reauth=true"), "{url}");
    let landed = browse(m, &url, user);
    assert!(landed.starts_with(DEMO_REDIRECT_URI), "{landed}");
    paste(pty, &landed);
    pty.type_keys("\r");
    pty.wait_for_text(&format!("authorized as @{user}"));
}

#[test]
fn a_new_user_adds_a_second_account_switches_feeds_and_installs_keep_alive() {
    let m = Machine::new(instatui::fake::FakeConfig::demo());
    let stubs = m.out("stubs");
    std::fs::create_dir_all(&stubs).expect("stubs dir");
    let systemctl = stubs.join("systemctl");
    std::fs::write(&systemctl, SYSTEMCTL).expect("stub");
    std::fs::set_permissions(&systemctl, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let units = m.out("units");
    let mut pty = Pty::spawn_with(
        &m,
        &[],
        &[
            ("PATH", stubs.as_os_str()),
            ("INSTATUI_SYSTEMD_USER_DIR", units.as_os_str()),
        ],
    );

    // A new user: the credentials, typed in.
    pty.wait_for_text("App ID");
    pty.type_keys("\r");
    pty.type_keys(DEMO_APP_ID);
    pty.type_keys("\t");
    pty.type_keys(instatui::fake::DEMO_APP_SECRET);
    pty.type_keys("\t");
    pty.type_keys(DEMO_REDIRECT_URI);
    pty.type_keys("\r");
    pty.wait_for_text("Authorize instatui");

    // The first account; keep-alive is offered (nothing keeps it alive yet).
    authorize_as(&m, &mut pty, 0, DEMO_USERNAME);
    pty.wait_for_text("Keep the token alive");

    // A second account under the same app: 5, then n.
    pty.type_keys("5");
    pty.wait_for_text("Accounts (1)");
    pty.type_keys("n");
    pty.wait_for_text("log in to Instagram as the account to add");
    authorize_as(&m, &mut pty, 1, SHOP_USERNAME);

    // Both, with their countdowns (the credentials saved at the start are
    // not taken for unsaved edits on the way).
    pty.type_keys("5");
    pty.wait_for_text("Accounts (2)");
    pty.wait_for_text(&format!("@{SHOP_USERNAME} (active)"));
    let shown = screen(&pty);
    assert!(!shown.contains("unsaved edits"), "{shown}");
    let rows: Vec<&str> = shown.lines().collect();
    for user in [DEMO_USERNAME, SHOP_USERNAME] {
        let at = rows
            .iter()
            .position(|l| l.starts_with('│') && l.contains(&format!("@{user}")))
            .unwrap_or_else(|| panic!("@{user} has a row:\n{shown}"));
        assert!(
            rows.get(at + 1).is_some_and(|l| l.contains("59d 23h")),
            "@{user}'s countdown:\n{shown}"
        );
    }

    // The shop's feed is the shop's.
    pty.type_keys("4");
    pty.wait_for_text("New in: speckled mugs");
    assert!(!screen(&pty).contains("Golden hour over the larches"));

    // Switching: the first account's feed, then back.
    pty.type_keys("5");
    pty.wait_for_text("Accounts (2)");
    pty.type_keys("j\r");
    pty.wait_for_text(&format!("@{DEMO_USERNAME} is the active account now"));
    pty.type_keys("4");
    pty.wait_for_text("Golden hour over the larches");
    assert!(!screen(&pty).contains("New in: speckled mugs"));
    pty.type_keys("5");
    pty.wait_for_text("Accounts (2)");
    pty.type_keys("k\r");
    pty.wait_for_text(&format!("@{SHOP_USERNAME} is the active account now"));
    pty.type_keys("4");
    pty.wait_for_text("New in: speckled mugs");

    // Keep-alive, from the Token screen: K, then i.
    pty.type_keys("3");
    pty.wait_for_text("Access token");
    pty.type_keys("K");
    pty.wait_for_text("i install");
    pty.type_keys("i");
    pty.wait_for_text("keep-alive installed as a systemd user timer");
    let timers: Vec<String> = std::fs::read_dir(&units)
        .expect("the unit folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(timers.iter().any(|n| n.ends_with(".timer")), "{timers:?}");
    assert!(timers.iter().any(|n| n.ends_with(".service")), "{timers:?}");
    let calls = std::fs::read_to_string(stubs.join("calls")).unwrap_or_default();
    assert!(calls.contains("systemctl --user enable --now"), "{calls}");
    // Every account's row says what keeps it alive now.
    pty.type_keys("5");
    pty.wait_for_text("kept alive by a systemd user timer");
    let shown = screen(&pty);
    assert_eq!(
        shown.matches("kept alive by a systemd user timer").count(),
        2,
        "{shown}"
    );

    pty.type_keys("q");
    let ended = pty.wait_exit();
    assert!(ended.status.success(), "{:?}", ended.status);
}
