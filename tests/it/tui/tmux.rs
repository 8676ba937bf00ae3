//! instatui inside tmux, on a private tmux server: what it leaves of the
//! user's tmux settings. Skipped (saying so) where tmux is not installed.

use crate::common::pty::PATIENCE;
use std::process::Command;
use std::time::Instant;

/// A tmux server of the test's own (`-L`, no config), killed at the end.
struct Server {
    socket: String,
    home: tempfile::TempDir,
}

impl Server {
    fn start() -> Option<Server> {
        let installed = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !installed {
            eprintln!("SKIPPED: tmux is not installed");
            return None;
        }
        let server = Server {
            socket: format!("instatui-test-{}", std::process::id()),
            home: tempfile::tempdir().expect("home"),
        };
        server.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "120",
            "-y",
            "30",
            "sleep 600",
        ]);
        Some(server)
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .env_remove("TMUX")
            .env("HOME", self.home.path())
            .output()
            .expect("tmux runs");
        assert!(out.status.success(), "tmux {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pane's own value (not inherited): empty when never set.
    fn passthrough(&self, pane: &str) -> String {
        self.tmux(&["show-options", "-p", "-v", "-t", pane, "allow-passthrough"])
            .trim()
            .to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// Two panes: the user's (active) and instatui's, started beside it. Asking
/// for pictures leaves `allow-passthrough` as it was in both: instatui reads
/// the setting and never changes it (ratatui-image's picker would set it,
/// without `-t`, on the active pane: the user's).
#[test]
fn starting_in_a_tmux_pane_changes_no_panes_passthrough() {
    let Some(server) = Server::start() else {
        return;
    };
    let user_pane = server
        .tmux(&["display-message", "-p", "-t", "t", "#{pane_id}"])
        .trim()
        .to_string();
    let home = server.home.path().display().to_string();
    let command = format!(
        "env HOME={home} XDG_CONFIG_HOME={home}/config XDG_CACHE_HOME={home}/cache \
         XDG_DATA_HOME={home}/data TERM=screen-256color {} --demo --images sixel; sleep 600",
        env!("CARGO_BIN_EXE_instatui")
    );
    // -d: the user's pane stays the active one.
    let ours = server
        .tmux(&[
            "split-window",
            "-d",
            "-t",
            &user_pane,
            "-P",
            "-F",
            "#{pane_id}",
            &command,
        ])
        .trim()
        .to_string();
    let started = Instant::now();
    // The status line's advice comes once the picture protocol was chosen.
    loop {
        let screen = server.tmux(&["capture-pane", "-p", "-t", &ours]);
        if screen.contains("allow-passthrough") {
            break;
        }
        assert!(started.elapsed() < PATIENCE, "no pictures advice: {screen}");
        std::thread::yield_now();
    }
    assert_eq!(server.passthrough(&user_pane), "", "the user's pane");
    assert_eq!(server.passthrough(&ours), "", "instatui's own pane");
    server.tmux(&["send-keys", "-t", &ours, "q"]);
}
