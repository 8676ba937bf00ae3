//! SIGTERM, SIGHUP, SIGQUIT and an outside SIGINT end the TUI the way `q` does: the
//! signal becomes a message, the message quits, and the runtime then drains
//! the state writer and hands the terminal back (`runtime::event_loop::run`).
//! Listening for a signal changes it for the whole process, so the test that
//! signals itself runs in a child process: this test binary again, running
//! that test alone.

use crate::common::cli::Machine;
use crate::common::pty::{Ended, Pty, Screen};
use crate::common::tui::*;
use instatui::app::{Effect, Msg};
use instatui::runtime::Signals;
use std::time::Duration;

fn send_to_self(signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &std::process::id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Set in the child process that runs `each_terminating_signal_becomes_a_quit_message`.
const SIGNALLED_CHILD: &str = "INSTATUI_TEST_SIGNALLED_CHILD";

#[test]
fn each_terminating_signal_becomes_a_quit_message() {
    if std::env::var_os(SIGNALLED_CHILD).is_some() {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(each_terminating_signal_becomes_a_quit_message_here());
        return;
    }
    // The test's name as the harness knows it: the module path without the crate.
    let module = module_path!()
        .split_once("::")
        .map_or("", |(_crate, rest)| rest);
    let name = format!("{module}::each_terminating_signal_becomes_a_quit_message");
    let child = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        .args([name.as_str(), "--exact", "--test-threads=1"])
        .env(SIGNALLED_CHILD, "1")
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success() && stdout.contains("1 passed"),
        "{:?}\n{stdout}\n{}",
        child.status,
        String::from_utf8_lossy(&child.stderr)
    );
}

async fn each_terminating_signal_becomes_a_quit_message_here() {
    let mut signals = Signals::listen();
    for signal in ["-TERM", "-HUP", "-INT", "-QUIT"] {
        send_to_self(signal);
        // A guard against a hang, not a means of synchronisation.
        let msg = tokio::time::timeout(Duration::from_secs(10), signals.next())
            .await
            .unwrap_or_else(|_| panic!("{signal} was not turned into a message"));
        assert!(matches!(msg, Msg::Terminate), "{signal}: {msg:?}");
    }
    // Still alive: none of them took the default action.
}

#[test]
fn the_quit_message_quits_as_q_does() {
    let mut app = app_with(state_authorized());
    let effects = instatui::app::update::start(&mut app);
    let Some(Effect::FetchFeedPage { generation, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    send(
        &mut app,
        [Msg::FeedPage {
            generation: *generation,
            after: None,
            result: Ok(page(0..5, Some("P2"))),
        }],
    );
    let mut pressed_q = app.clone();
    let by_q = send(&mut pressed_q, [key('q')]);
    let effects = send(&mut app, [Msg::Terminate]);
    assert!(app.quit && pressed_q.quit);
    assert!(effects.contains(&Effect::Quit), "{effects:?}");
    assert_eq!(effects, by_q, "the same as q");
}

/// What instatui writes when it hands the terminal back: alternate screen
/// left, mouse reports, bracketed paste and focus reports off, cursor shown.
const RESETS: [(&str, &str); 5] = [
    ("\x1b[?1049l", "leave the alternate screen"),
    ("\x1b[?1000l", "stop mouse tracking"),
    ("\x1b[?2004l", "stop bracketed paste"),
    ("\x1b[?1004l", "stop focus reports"),
    ("\x1b[?25h", "show the cursor"),
];

fn after_last(haystack: &[u8], needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .windows(needle.len())
        .rposition(|w| w == needle)
        .map(|at| at + needle.len())
}

/// The terminal, once instatui is gone, is as it was before it started.
fn assert_terminal_handed_back(ended: &Ended, signal: &str) {
    let entered = after_last(&ended.output, "\x1b[?1049h")
        .unwrap_or_else(|| panic!("{signal}: the alternate screen was never entered"));
    let after = &ended.output[entered..];
    for (reset, what) in RESETS {
        assert!(
            after_last(after, reset).is_some(),
            "{signal}: instatui did not {what} ({reset:?}) before ending: {:?}",
            String::from_utf8_lossy(&after[after.len().saturating_sub(400)..])
        );
    }
    let shown = after_last(after, "\x1b[?25h");
    let hidden = after_last(after, "\x1b[?25l");
    assert!(shown > hidden, "{signal}: the cursor was left hidden");
    assert!(
        !ended.left_raw,
        "{signal}: the terminal was left in raw mode"
    );
    assert!(ended.status.success(), "{signal}: {:?}", ended.status);
}

fn started_tui(machine: &Machine) -> Pty {
    let pty = Pty::spawn(machine, &["--images", "off"]);
    // The feed is drawn: the loop runs and reads keys.
    pty.wait_for_text("Golden hour over the larches");
    pty
}

#[test]
fn sigterm_hands_the_terminal_back_and_lands_the_pending_save() {
    let machine = Machine::with_posts(5);
    machine.authorized();
    assert_eq!(machine.state()["settings"]["auto_refresh"], true);
    let mut pty = started_tui(&machine);
    pty.type_keys("3");
    pty.wait_for_text("Auto-refresh");
    // Another process holds the store's lock: the save asked for next
    // cannot land before the signal.
    let lock = std::fs::File::options()
        .read(true)
        .write(true)
        .open(machine.config_dir().join("state.lock"))
        .expect("the lock file");
    lock.lock().expect("locked");
    pty.type_keys("a");
    pty.wait_for_text("auto-refresh off");
    pty.signal(libc::SIGTERM);
    // The signal was delivered when `kill` returned: without a handler the
    // program is already gone, and the save with it.
    lock.unlock().expect("unlocked");
    let ended = pty.wait_exit();
    assert_terminal_handed_back(&ended, "SIGTERM");
    assert_eq!(
        machine.state()["settings"]["auto_refresh"],
        false,
        "the save queued before SIGTERM is on disk"
    );
}

#[test]
fn sighup_and_an_outside_sigint_hand_the_terminal_back() {
    let machine = Machine::with_posts(5);
    machine.authorized();
    for (signal, name) in [(libc::SIGHUP, "SIGHUP"), (libc::SIGINT, "SIGINT")] {
        let pty = started_tui(&machine);
        pty.signal(signal);
        let ended = pty.wait_exit();
        assert_terminal_handed_back(&ended, name);
    }
}

#[test]
fn a_second_sigterm_while_quitting_ends_at_once_with_the_terminal_handed_back() {
    let machine = Machine::with_posts(5);
    machine.authorized();
    let mut pty = started_tui(&machine);
    pty.type_keys("3");
    pty.wait_for_text("Auto-refresh");
    // Another process holds the store's lock and keeps it: the save asked
    // for next waits for it while instatui quits.
    let lock = std::fs::File::options()
        .read(true)
        .write(true)
        .open(machine.config_dir().join("state.lock"))
        .expect("the lock file");
    lock.lock().expect("locked");
    pty.type_keys("a");
    pty.wait_for_text("auto-refresh off");
    pty.signal(libc::SIGTERM);
    pty.wait_for_text("quitting: landing saves");
    pty.signal(libc::SIGTERM);
    let ended = pty.wait_exit();
    drop(lock);
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        ended.status.code(),
        Some(128 + libc::SIGTERM),
        "was: the second SIGTERM ignored while the save waited: {:?} {:?}",
        ended.status,
        ended.status.signal()
    );
    let entered = after_last(&ended.output, "\x1b[?1049h").expect("entered");
    let after = &ended.output[entered..];
    for (reset, what) in RESETS {
        assert!(after_last(after, reset).is_some(), "did not {what}");
    }
    assert!(!ended.left_raw, "the terminal was left in raw mode");
}

#[test]
fn sigquit_hands_the_terminal_back_like_sigterm() {
    let machine = Machine::with_posts(5);
    machine.authorized();
    let pty = started_tui(&machine);
    pty.signal(libc::SIGQUIT);
    let ended = pty.wait_exit();
    // Was: killed by SIGQUIT's default action (a core dump), the terminal
    // left raw in the alternate screen with mouse reports on.
    assert_terminal_handed_back(&ended, "SIGQUIT");
}

#[test]
fn sigtstp_or_ctrl_z_hands_the_terminal_back_and_sigcont_takes_it_again() {
    let machine = Machine::with_posts(5);
    machine.authorized();
    let mut pty = started_tui(&machine);
    for how in ["SIGTSTP", "Ctrl-Z"] {
        let before = pty.output().len();
        if how == "Ctrl-Z" {
            // Raw mode makes Ctrl-Z a key, not a signal.
            pty.type_keys("\x1a");
        } else {
            pty.signal(libc::SIGTSTP);
        }
        pty.wait_for(&format!("the terminal handed back on {how}"), |b| {
            let after = &b[before.min(b.len())..];
            RESETS
                .iter()
                .all(|(reset, _)| after_last(after, reset).is_some())
        });
        pty.wait_stopped();
        assert!(
            !pty.raw(),
            "{how}: stopped with the terminal left raw (was: SIGTSTP ignored, the TUI kept running)"
        );
        let stopped = pty.output().len();
        pty.signal(libc::SIGCONT);
        pty.wait_for(
            &format!("the alternate screen and the feed again after {how}"),
            |b| {
                let after = &b[stopped.min(b.len())..];
                after_last(after, "\x1b[?1049h").is_some()
                    && after_last(after, "\x1b[?1000h").is_some()
                    && Screen::of(after)
                        .text()
                        .contains("Golden hour over the larches")
            },
        );
        assert!(pty.raw(), "{how}: raw mode again after SIGCONT");
    }
    // Keys work after `fg`.
    let before = pty.output().len();
    pty.type_keys("3");
    pty.wait_for("the Token screen", |b| {
        Screen::of(&b[before..]).text().contains("Auto-refresh")
    });
    pty.type_keys("q");
    let ended = pty.wait_exit();
    assert_terminal_handed_back(&ended, "q after fg");
}

/// The demo's throw-away dirs (`tempfile`'s `.tmp…`) under `tmp`.
fn demo_scratch_dirs(tmp: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .expect("the temp dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tmp"))
        .collect()
}

/// Closing the demo's window removes its throw-away config dir, as `q`
/// does: the terminal and the kernel each send SIGHUP, and the second one,
/// arriving while the first still lands a save, ends the process at once.
#[test]
fn closing_the_demos_window_removes_its_throw_away_dir() {
    let machine = Machine::demo();
    let tmp = machine.out("tmp");
    std::fs::create_dir_all(&tmp).expect("a temp dir");
    let mut pty = Pty::spawn_with(
        &machine,
        &["--demo", "--images", "off"],
        &[("TMPDIR", tmp.as_os_str())],
    );
    pty.wait_for_text("press s to save");
    let scratch = demo_scratch_dirs(&tmp);
    assert_eq!(scratch.len(), 1, "the demo's dir exists");
    pty.type_keys("s");
    pty.wait_for_text("Authorize instatui");
    // A save that cannot land yet keeps the first SIGHUP's quitting busy.
    let config = tmp.join(&scratch[0]).join("config");
    std::fs::create_dir_all(&config).expect("the config dir");
    let lock = std::fs::File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(config.join("state.lock"))
        .expect("the lock file");
    lock.lock().expect("locked");
    pty.type_keys("n");
    // Its save is queued (and waits for the lock) before the first signal.
    pty.wait_for_text("a new authorize URL was made");
    pty.signal(libc::SIGHUP);
    pty.wait_for_text("quitting");
    pty.signal(libc::SIGHUP);
    let ended = pty.wait_exit();
    lock.unlock().expect("unlocked");
    assert!(
        demo_scratch_dirs(&tmp).is_empty(),
        "left behind: {:?} ({:?})",
        demo_scratch_dirs(&tmp),
        ended.status
    );
}
