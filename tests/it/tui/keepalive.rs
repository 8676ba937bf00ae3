//! The TUI's keep-alive row and warning, and handing new tokens on, driven
//! through `update` with a fixed clock.

use crate::common::tui::*;
use instatui::app::keepalive::{Guide, KeepAliveState};
use instatui::app::{Effect, Level, Msg, Popup, Screen};
use instatui::handoff::{Destination, Handoff, HandoffRun};
use instatui::keepalive::{self, Plan, Schedule};
use time::Duration;

fn token_app(left: Duration) -> instatui::app::App {
    let mut app = app_with(state_with_token(Duration::days(60) - left, left));
    app.screen = Screen::Token;
    // Auto-refresh turned off by the user (it is on by default).
    app.stored.settings.auto_refresh = false;
    app
}

fn render_text(app: &instatui::app::App) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| instatui::ui::render(app, f))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn under_seven_days_with_nothing_keeping_it_alive_warns_once() {
    let mut app = token_app(Duration::days(5));
    send(&mut app, [Msg::KeepAlive(KeepAliveState::Missing)]);
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Warning));
    let status = status_text(&app);
    assert!(
        status.contains("expires in 5d 0h and nothing keeps it alive"),
        "{status}"
    );
    assert!(status.contains("'instatui keep-alive install'"), "{status}");
    let screen = render_text(&app);
    assert!(
        screen.contains(
            "Keep alive        nothing installed: K shows the cron line and systemd timer"
        ),
        "{screen}"
    );

    // Once: a later tick does not say it again.
    app.status = None;
    send(&mut app, [Msg::Tick]);
    assert_eq!(app.status, None);
}

#[test]
fn another_account_under_seven_days_warns_once_even_with_auto_refresh_on() {
    // Auto-refresh (on) keeps the active account alive while the TUI runs;
    // the other account's token has 4 days left and nothing refreshes it.
    let mut state = state_with_token(Duration::days(2), Duration::days(58));
    let mut other = long_token(Duration::days(56), Duration::days(4));
    other.user_id = "17840000000000001".into();
    state.accounts.push(instatui::store::Account {
        app_id: Some(APP_ID.into()),
        token: other,
        profile: serde_json::from_value(
            serde_json::json!({"id": "17840000000000001", "username": "second_shop"}),
        )
        .ok(),
        last_refresh: None,
        rate_usage: None,
    });
    let mut app = app_with(state);
    send(&mut app, [Msg::KeepAlive(KeepAliveState::Missing)]);
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Warning));
    let status = status_text(&app);
    assert!(
        status.contains("@second_shop's token expires in 4d 0h and nothing keeps it alive"),
        "{status}"
    );
    app.status = None;
    send(&mut app, [Msg::Tick]);
    assert_eq!(app.status, None, "once");

    // Installed keep-alive refreshes every account: no warning.
    let mut app = app_with(app.stored.clone());
    send(
        &mut app,
        [Msg::KeepAlive(KeepAliveState::Installed(
            "a crontab entry".into(),
        ))],
    );
    assert_eq!(app.status, None);

    // One installed by an older build refreshes only the active account:
    // the other one is warned about, and the way out is named.
    let mut app = app_with(app.stored.clone());
    send(
        &mut app,
        [Msg::KeepAlive(KeepAliveState::Outdated(
            "a crontab entry".into(),
        ))],
    );
    let status = status_text(&app);
    assert!(
        status.contains("@second_shop's token expires in 4d 0h and nothing keeps it alive"),
        "{status}"
    );
    assert!(
        status.contains("refreshes only the active account: K, then i"),
        "{status}"
    );
    app.screen = Screen::Accounts;
    let screen = render_text(&app);
    assert!(
        screen.contains("not kept alive: keep-alive is outdated"),
        "the other row: {screen}"
    );
}

#[test]
fn no_warning_when_something_keeps_it_alive_or_time_is_plenty() {
    let mut app = token_app(Duration::days(5));
    send(
        &mut app,
        [Msg::KeepAlive(KeepAliveState::Installed(
            "a systemd user timer".into(),
        ))],
    );
    assert_eq!(app.status, None);
    let screen = render_text(&app);
    assert!(
        screen.contains("Keep alive        by a systemd user timer"),
        "{screen}"
    );

    let mut app = token_app(Duration::days(5));
    app.stored.settings.auto_refresh = true;
    send(
        &mut app,
        [Msg::KeepAlive(KeepAliveState::Missing), Msg::Tick],
    );
    assert_ne!(
        app.status.as_ref().map(|s| s.level),
        Some(Level::Warning),
        "auto-refresh keeps it alive while the TUI runs (and refreshes now)"
    );

    let mut app = token_app(Duration::days(30));
    send(
        &mut app,
        [Msg::KeepAlive(KeepAliveState::Missing), Msg::Tick],
    );
    assert_eq!(app.status, None);

    // Before the machine was asked, nothing is claimed either way.
    let mut app = token_app(Duration::days(5));
    send(&mut app, [Msg::Tick]);
    assert_eq!(app.status, None);
    let screen = render_text(&app);
    assert!(
        screen
            .contains("Keep alive        K shows the cron line and systemd timer, or installs one"),
        "advice, nothing claimed: {screen}"
    );
}

fn with_handoff(mut app: instatui::app::App) -> instatui::app::App {
    app.stored.handoffs.push(Handoff {
        id: 1,
        account: USER_ID.into(),
        app_id: Some(APP_ID.into()),
        target: Destination::Dotenv {
            path: "/srv/site/.env".into(),
            var: "INSTAGRAM_ACCESS_TOKEN".into(),
        },
        last: None,
    });
    app
}

#[test]
fn a_refreshed_token_is_saved_then_handed_on_and_a_failure_shows() {
    let mut app = with_handoff(token_app(Duration::days(57)));
    send(&mut app, [key('r')]);
    let effects = send(
        &mut app,
        [Msg::Refreshed {
            result: Ok(long_answer("IGAArefreshedrefreshedrefreshed")),
        }],
    );
    let save = effects
        .iter()
        .position(|e| matches!(e, Effect::Save(_)))
        .expect("a save");
    let handoff = effects
        .iter()
        .position(|e| matches!(e, Effect::RunHandoffs { ticket, .. } if ticket.token.expose() == "IGAArefreshedrefreshedrefreshed"))
        .expect("handoffs run with the new token");
    assert!(save < handoff, "saved first: {effects:?}");

    let failed = HandoffRun {
        at: NOW,
        ok: false,
        summary:
            "the folder /srv/site does not exist: create it, or give a path in an existing folder"
                .into(),
        exit_code: None,
        output: vec![],
    };
    let effects = send(&mut app, [Msg::HandoffsRan(vec![(1, failed.clone())])]);
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Error));
    let status = status_text(&app);
    assert!(
        status.contains("handoff 1 failed: the folder /srv/site does not exist"),
        "{status}"
    );
    assert!(status.contains("the token is saved"), "{status}");
    let saved = saves(&effects);
    assert_eq!(saved.last().expect("save").handoffs[0].last, Some(failed));
    assert_eq!(
        saved.last().unwrap().token().unwrap().value.expose(),
        "IGAArefreshedrefreshedrefreshed"
    );
}

#[test]
fn without_handoffs_for_the_account_nothing_runs() {
    let mut app = token_app(Duration::days(57));
    app.stored.handoffs.push(Handoff {
        id: 1,
        account: "someone-else".into(),
        app_id: Some(APP_ID.into()),
        target: Destination::Exec {
            command: "true".into(),
            timeout_secs: 5,
        },
        last: None,
    });
    send(&mut app, [key('r')]);
    let effects = send(
        &mut app,
        [Msg::Refreshed {
            result: Ok(long_answer("IGAArefreshedrefreshedrefreshed")),
        }],
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RunHandoffs { .. })),
        "{effects:?}"
    );
}

/// The lines a machine with the binary in /opt and Jane's config dir gets.
fn guide() -> Guide {
    let plan = Plan::new(
        "/opt/instatui/bin/instatui".into(),
        "/home/jane/.config/instatui".into(),
        Schedule::default(),
        "instatui-keepalive".into(),
    );
    Guide {
        command: keepalive::command_line(&plan),
        entries: keepalive::preview(&plan),
        plan,
    }
}

/// The popup's text at a wide width, one string.
fn guide_text(app: &instatui::app::App) -> String {
    app.guide_lines(300)
        .into_iter()
        .map(|(_, line)| line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// An app whose exchange (generation 7) is on its last step, the profile.
fn authorizing(machine: KeepAliveState) -> instatui::app::App {
    let mut app = app_with(state_with_token(Duration::minutes(1), Duration::days(60)));
    app.screen = Screen::Authorize;
    app.authorize.running = Some(7);
    send(
        &mut app,
        [Msg::KeepAlive(machine), Msg::KeepAliveGuide(Ok(guide()))],
    );
    send(
        &mut app,
        [Msg::ProfileFetched {
            generation: 7,
            result: Ok(profile()),
        }],
    );
    app
}

#[test]
fn after_authorizing_the_ready_cron_line_and_timer_show_and_i_installs() {
    let mut app = authorizing(KeepAliveState::Missing);
    assert_eq!(app.screen, Screen::Token);
    assert_eq!(app.popup, Some(Popup::KeepAlive));
    let text = guide_text(&app);
    let command = "/opt/instatui/bin/instatui --config-dir /home/jane/.config/instatui keep-alive run --within 10d";
    assert!(text.contains(command), "{text}");
    assert!(text.contains("crontab -e"), "{text}");
    let cron = "* * * '/opt/instatui/bin/instatui' '--config-dir' '/home/jane/.config/instatui' 'keep-alive' 'run'";
    assert!(
        text.lines().any(|l| l.contains(cron)),
        "a ready crontab line: {text}"
    );
    assert!(text.contains("instatui-keepalive.timer"), "{text}");
    assert!(text.contains("OnCalendar="), "{text}");
    let token = app
        .stored
        .token()
        .expect("token")
        .value
        .expose()
        .to_string();
    assert!(!text.contains(&token), "no token in any line");
    let screen = render_text(&app);
    assert!(screen.contains("Keep the token alive"), "{screen}");
    assert!(screen.contains("i install"), "{screen}");

    // c copies the crontab line itself.
    let effects = send(&mut app, [key('c')]);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Copy(line)
            if line.contains(cron) && !line.starts_with('#'))),
        "{effects:?}"
    );

    // i installs that plan, once, off the loop.
    let effects = send(&mut app, [key('i')]);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::InstallKeepAlive(plan) if **plan == guide().plan)),
        "{effects:?}"
    );
    assert!(send(&mut app, [key('i')]).is_empty(), "not twice at once");
    send(
        &mut app,
        [Msg::KeepAliveInstalled(Ok((
            "a systemd user timer".into(),
            None,
        )))],
    );
    assert_eq!(app.popup, None);
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Success));
    let screen = render_text(&app);
    assert!(
        screen.contains("Keep alive        by a systemd user timer"),
        "{screen}"
    );
}

#[test]
fn installing_without_a_session_bus_says_cron_was_used_and_why() {
    let mut app = token_app(Duration::days(30));
    send(
        &mut app,
        [
            Msg::KeepAlive(KeepAliveState::Missing),
            Msg::KeepAliveGuide(Ok(guide())),
            key('K'),
            key('i'),
        ],
    );
    let note = "systemctl --user cannot reach your user's service manager (Failed to connect to bus: No medium found): log in through a regular session (not su/sudo), or run 'loginctl enable-linger $USER' and try again; using cron meanwhile";
    send(
        &mut app,
        [Msg::KeepAliveInstalled(Ok((
            "a crontab entry".into(),
            Some(note.into()),
        )))],
    );
    assert_eq!(app.status.as_ref().map(|s| s.level), Some(Level::Warning));
    let status = status_text(&app);
    assert!(
        status.contains("keep-alive installed as a crontab entry: systemctl --user cannot reach"),
        "{status}"
    );
    assert!(status.contains("using cron meanwhile"), "{status}");
    assert_eq!(app.popup, None);
}

#[test]
fn k_on_the_token_screen_shows_the_lines_any_other_key_goes_on() {
    // Already installed: authorizing again opens nothing.
    let app = authorizing(KeepAliveState::Installed("a crontab entry".into()));
    assert_eq!(app.popup, None);

    let mut app = token_app(Duration::days(30));
    send(
        &mut app,
        [
            Msg::KeepAlive(KeepAliveState::Missing),
            Msg::KeepAliveGuide(Ok(guide())),
            key('K'),
        ],
    );
    assert_eq!(app.popup, Some(Popup::KeepAlive));
    // A failed install keeps the lines up and says why.
    send(&mut app, [key('i')]);
    send(
        &mut app,
        [Msg::KeepAliveInstalled(Err(
            "crontab is not on PATH: install cron, or use --scheduler systemd".into(),
        ))],
    );
    assert_eq!(app.popup, Some(Popup::KeepAlive));
    assert!(status_text(&app).contains("crontab is not on PATH"));
    let screen = render_text(&app);
    assert!(
        screen.contains("keep-alive not installed: crontab is not on PATH"),
        "the status line stays in view under the popup: {screen}"
    );
    // However long the reason, it is whole at the popup's top.
    let top: Vec<String> = app
        .guide_lines(60)
        .into_iter()
        .take(2)
        .map(|(_, l)| l)
        .collect();
    assert_eq!(
        top.join(" "),
        "keep-alive not installed: crontab is not on PATH: install cron, or use --scheduler systemd",
    );
    // 4 closes it and goes to the feed, as the status line suggested.
    send(&mut app, [key('4')]);
    assert_eq!(app.popup, None);
    assert_eq!(app.screen, Screen::Feed);

    // The demo's config dir is thrown away: nothing to keep alive.
    let mut app = token_app(Duration::days(30));
    app.demo = true;
    send(&mut app, [key('K')]);
    assert_eq!(app.popup, None);
    assert!(status_text(&app).contains("not needed in the demo"));
}

#[test]
fn the_keep_alive_lines_scroll_at_40x12() {
    let mut app = token_app(Duration::days(30));
    send(
        &mut app,
        [
            Msg::Resize(40, 12),
            Msg::KeepAlive(KeepAliveState::Missing),
            Msg::KeepAliveGuide(Ok(guide())),
            key('K'),
        ],
    );
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(40, 12)).expect("terminal");
    let mut seen = String::new();
    for _ in 0..200 {
        terminal
            .draw(|f| instatui::ui::render(&app, f))
            .expect("draw");
        seen.push_str(&terminal.backend().to_string());
        send(&mut app, [key('j')]);
    }
    // The last line is reachable, and scrolling stops there; every key is named.
    assert!(seen.contains("keep-alive print"), "{seen}");
    assert!(seen.contains("i install  c copy  j/k  Esc"), "{seen}");
    let end = app.keep_alive.scroll;
    send(&mut app, [key('j')]);
    assert_eq!(app.keep_alive.scroll, end);
    send(&mut app, [key('k')]);
    assert_eq!(app.keep_alive.scroll, end - 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_while_a_handoff_runs_stops_it_and_records_it() {
    use instatui::runtime::{Executor, FeedCache};
    use instatui::store::Store;
    let scratch = tempfile::tempdir().expect("tempdir");
    let fifo = scratch.path().join("started");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let store = Store::at(scratch.path().join("config"));
    let mut app = token_app(Duration::days(57));
    app.stored.handoffs.push(Handoff {
        id: 1,
        account: USER_ID.into(),
        app_id: Some(APP_ID.into()),
        target: Destination::Exec {
            command: format!("echo up > '{}'; sleep 77", fifo.display()),
            timeout_secs: 600,
        },
        last: None,
    });
    store.save(&app.stored).expect("save");
    let mut executor = Executor::new(
        store.clone(),
        FeedCache::new(scratch.path().join("cache")),
        None,
    );
    executor.saves_start_from(&app.stored);
    let token = app.stored.token().cloned().expect("token");
    let ticket = instatui::handoff::Ticket {
        token: token.value,
        user_id: token.user_id,
        app_id: Some(APP_ID.into()),
        app_scoped_id: None,
        username: None,
        expires_at: token.expires_at,
    };
    executor.run(
        &app,
        Effect::RunHandoffs {
            ticket: Box::new(ticket),
            handoffs: app.stored.handoffs.clone(),
        },
    );
    // Opening the FIFO waits until the command writes to it: it runs.
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(std::fs::File::open(&fifo).expect("fifo")),
            &mut line,
        )
        .expect("read");
        line
    })
    .await
    .expect("reader");
    assert_eq!(line, "up\n");

    // Quit: stopped at once (not after its 600 s), said, and recorded.
    let lines = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        executor.stop_handoffs(&mut app),
    )
    .await
    .expect("stopped, not waited for");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("handoff 1: stopped before it finished, with everything it started"),
        "{lines:?}"
    );
    assert_eq!(executor.finish_saves().await, None);
    let saved = store.load().expect("load").state;
    let last = saved.handoffs[0].last.as_ref().unwrap_or_else(|| {
        panic!(
            "recorded: {:?} / app {:?}",
            saved.handoffs, app.stored.handoffs
        )
    });
    assert!(
        !last.ok && last.summary.contains("'instatui handoff run 1'"),
        "{last:?}"
    );
}

/// The `[keep_alive]` schedule of config.toml, 6h and 14d: the TUI's `K`
/// then `i` installs what `keep-alive install` would, not the default 12h
/// and 10d.
#[test]
fn the_tuis_keep_alive_install_follows_config_toml_as_the_cli_does() {
    let m = crate::common::cli::Machine::with_posts(1);
    let dir = m.config_dir();
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(
        dir.join("config.toml"),
        "[keep_alive]\nevery = \"6h\"\nwithin = \"14d\"\n",
    )
    .expect("config.toml");
    let loaded = instatui::config::load(&dir);
    assert_eq!(loaded.warning, None);
    // What the runtime builds at start for this config dir.
    let guide = instatui::runtime::keep_alive_guide(&dir, &loaded.config).expect("the lines");

    let mut app = token_app(Duration::days(30));
    send(
        &mut app,
        [
            Msg::KeepAlive(KeepAliveState::Missing),
            Msg::KeepAliveGuide(Ok(guide.clone())),
            key('K'),
        ],
    );
    let effects = send(&mut app, [key('i')]);
    let installed = effects
        .iter()
        .find_map(|e| match e {
            Effect::InstallKeepAlive(plan) => Some(plan.as_ref().clone()),
            _ => None,
        })
        .expect("i installs");
    assert_eq!(installed, guide.plan);
    assert!(guide.command.ends_with("--within 14d"), "{}", guide.command);

    // The CLI's `keep-alive print` for the same config dir writes the same
    // lines; only the binary differs (this test's, the CLI's).
    let cli = m.run(&["keep-alive", "print"]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let cli_bin = assert_cmd::cargo::cargo_bin("instatui");
    let ours = std::env::current_exe().expect("this test binary");
    let printed = cli.stdout.replace(&*cli_bin.to_string_lossy(), "INSTATUI");
    assert!(printed.contains("every 6h this runs"), "{printed}");
    for entry in &guide.entries {
        // The entry's name says whether the config dir is this process's
        // default one, which it is for the CLI (run with its XDG dirs) and
        // not for this test: `instatui-keepalive` against
        // `instatui-keepalive-<8 hex>`.
        let text = without_dir_hash(&entry.text.replace(&*ours.to_string_lossy(), "INSTATUI"));
        assert!(
            printed.contains(text.trim_end()),
            "the TUI would install\n{text}\nbut keep-alive print says\n{printed}"
        );
    }
}

/// `instatui-keepalive-30dc2013` as `instatui-keepalive`.
fn without_dir_hash(text: &str) -> String {
    let marker = "instatui-keepalive-";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let after = &rest[at + marker.len()..];
        let hex = after.chars().take_while(char::is_ascii_hexdigit).count();
        out.push_str(&rest[..at]);
        out.push_str("instatui-keepalive");
        rest = if hex == 8 { &after[8..] } else { after };
    }
    out.push_str(rest);
    out
}

#[test]
fn a_popup_key_added_in_keymap_toml_installs_and_the_popup_names_it() {
    let mut app = token_app(Duration::days(30));
    app.user_keys = instatui::app::user_keys::parse(
        "[popup.keep-alive]\nprepend = [{ on = \"I\", run = \"install\" }]\n",
    )
    .expect("keymap.toml parses");
    send(
        &mut app,
        [
            Msg::KeepAlive(KeepAliveState::Missing),
            Msg::KeepAliveGuide(Ok(guide())),
            key('K'),
        ],
    );
    assert_eq!(app.popup, Some(Popup::KeepAlive));
    let screen = render_text(&app);
    assert!(screen.contains(" I install  c copy"), "{screen}");
    let effects = send(&mut app, [key('I')]);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::InstallKeepAlive(_))),
        "I installs: {effects:?}"
    );
}
