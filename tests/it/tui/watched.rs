//! Issue 19's "done when", in the TUI: the fake revoked the second account's
//! tokens; the TUI checks every account when it starts, and its header,
//! Token screen and Accounts agree that the account needs a new authorize,
//! with nothing counting down for it.

use crate::cli::accounts::add_shop_account;
use crate::common::cli::Machine;
use crate::common::pty::{Pty, Screen};
use instatui::fake::{DEMO_USERNAME, SHOP_USERNAME};

fn screen(pty: &Pty) -> String {
    Screen::of(&pty.output()).text()
}

#[test]
fn a_revoked_account_is_seen_at_start_on_the_header_token_screen_and_accounts() {
    let m = Machine::demo();
    m.authorized();
    add_shop_account(&m);
    assert!(m.control().revoke_tokens_of(SHOP_USERNAME));
    // The shop is the active account (added last); the other is fine.
    let mut pty = Pty::spawn(&m, &[]);
    pty.wait_for_text("1 account needs you: 5");
    pty.type_keys("3");
    pty.wait_for_text("Instagram no longer takes this token");
    let token = screen(&pty);
    assert!(token.contains("token revoked"), "header: {token}");
    assert!(
        token.contains(&format!("Press 2 to authorize @{SHOP_USERNAME} again")),
        "banner: {token}"
    );
    assert!(
        token.contains("revoked: the password was changed"),
        "{token}"
    );
    assert!(!token.contains("s left"), "nothing counts down: {token}");
    pty.type_keys("r");
    pty.wait_for_text("a refresh cannot help, authorize again");

    pty.type_keys("5");
    pty.wait_for_text("Accounts (2)");
    let accounts = screen(&pty);
    let rows: Vec<&str> = accounts
        .lines()
        .filter(|l| l.starts_with('│') && l.contains(" @"))
        .collect();
    assert!(
        rows.first()
            .is_some_and(|r| r.contains(&format!("! @{SHOP_USERNAME}")) && r.contains("REVOKED")),
        "the account that needs you comes first: {accounts}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains(&format!("@{DEMO_USERNAME}")) && !r.contains('!')),
        "{accounts}"
    );
    assert!(accounts.contains("authorize again (n)"), "{accounts}");
    assert!(accounts.contains("checked just now"), "{accounts}");
    assert!(accounts.contains("no time left"), "{accounts}");
    pty.type_keys("q");
    let _ = pty.wait_exit();
    // What the TUI learnt is kept: the command line says the same.
    let status = m.run(&["status", "--offline"]);
    assert_eq!(status.code, 3, "{status:?}");
    assert!(
        status
            .stdout
            .contains(&format!("@{SHOP_USERNAME}: revoked")),
        "{status:?}"
    );
}

#[test]
fn a_notifier_that_failed_stays_in_view_under_the_accounts_until_it_works() {
    use crate::common::tui::*;
    use instatui::watch::notify::{Channel, Delivery, Notifier};
    let mut app = app_with(state_with_token(
        time::Duration::days(2),
        time::Duration::days(58),
    ));
    app.screen = instatui::app::Screen::Accounts;
    let draw = |app: &instatui::app::App| {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 20)).expect("terminal");
        terminal
            .draw(|f| instatui::ui::render(app, f))
            .expect("draw");
        terminal.backend().to_string()
    };
    let failed = |ok: bool| Notifier {
        id: 2,
        channel: Channel::Webhook {
            url: "http://127.0.0.1:9/hook".into(),
        },
        timeout_secs: Some(2),
        last: Some(Delivery {
            at: NOW,
            ok,
            summary: if ok {
                "sent 1 notice(s)".into()
            } else {
                "no answer within 2s".into()
            },
        }),
    };
    app.watch.notifiers = vec![failed(false)];
    let screen = draw(&app);
    assert!(
        screen.contains(
            "! notifier 2 (webhook to 127.0.0.1) failed 2026-11-28 12:00: no answer within 2s"
        ),
        "{screen}"
    );
    app.watch.notifiers = vec![failed(true)];
    assert!(!draw(&app).contains("notifier 2"), "gone once it works");
}
