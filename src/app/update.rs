//! `update`: the one place the TUI's state changes. Pure: no I/O, no async, time passed in.

use super::credentials::FieldId;
use super::keymap::{self, Action};
use super::msg::DemoLogin;
use super::{App, Effect, Level, Msg, Popup, Screen};
use crate::store::AppChange;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use time::OffsetDateTime;

/// Applies one message and returns the effects to run.
pub fn update(app: &mut App, msg: Msg, now: OffsetDateTime) -> Vec<Effect> {
    app.now = now;
    let mut effects = Vec::new();
    match msg {
        Msg::Key(key) => on_key(app, key, &mut effects),
        Msg::Paste(text) => on_paste(app, &text, &mut effects),
        Msg::ScrollUp if app.screen == Screen::Feed => app.move_selection(-3, &mut effects),
        Msg::ScrollDown if app.screen == Screen::Feed => app.move_selection(3, &mut effects),
        Msg::ScrollUp | Msg::ScrollDown => {}
        Msg::Resize(w, h) => {
            app.size = (w, h);
            app.clamp_selection();
        }
        Msg::Terminate => quit(app, &mut effects),
        Msg::Tick => {
            app.resume_after_rate_limit(&mut effects);
            app.auto_refresh(&mut effects);
            app.warn_if_unkept();
            app.expire_note();
        }
        Msg::Pictures { enabled, hint } => {
            app.images = enabled;
            // A tip about pictures never covers a warning already shown
            // (a state.json moved aside at start-up, a failed save).
            let shown = app.status.as_ref().map(|s| s.level);
            if let Some(hint) = hint
                && matches!(shown, None | Some(Level::Info | Level::Success))
            {
                app.set_status(Level::Info, hint);
            }
        }
        Msg::Background { light } => {
            // Only `--theme auto` with nothing said by NO_COLOR or
            // COLORFGBG follows the terminal's answer.
            if app.theme_follows_terminal {
                app.theme = if light {
                    crate::ui::theme::Theme::Light
                } else {
                    crate::ui::theme::Theme::Dark
                };
            }
        }
        // The executor turns this into `Pictures`; should one reach `update`
        // anyway, it says whether pictures are on.
        Msg::CodeExchanged { generation, result } => {
            app.on_code_exchanged(generation, result, &mut effects);
        }
        Msg::LongLivedExchanged { generation, result } => {
            app.on_long_lived(generation, result, &mut effects);
        }
        Msg::ProfileFetched { generation, result } => {
            app.on_profile(generation, result, &mut effects);
        }
        Msg::Refreshed { result } => app.on_refreshed(result, &mut effects),
        Msg::FeedPage {
            generation,
            after,
            result,
        } => app.on_feed_page(generation, after, result, &mut effects),
        // A cache read for the account active before a switch is dropped.
        Msg::FeedCacheLoaded {
            user_id,
            feed,
            saved_at,
        } => {
            if app.stored.active_user_id() == Some(user_id.as_str()) {
                app.on_feed_cache(feed, saved_at, &mut effects);
            }
        }
        Msg::FeedCacheHead {
            user_id,
            feed,
            saved_at,
        } => {
            if app.stored.active_user_id() == Some(user_id.as_str()) {
                app.on_feed_cache_head(feed, saved_at);
            }
        }
        Msg::FeedSelectionRemembered { user_id, post_id } => {
            if app.stored.active_user_id() == Some(user_id.as_str()) {
                app.feed.resume = Some(post_id.clone());
                app.feed.remembered = Some(post_id);
            }
        }
        Msg::RateUsage(usage) => {
            let active = app.stored.active.clone();
            app.stored.record_rate_usage(active.as_ref(), Some(usage));
        }
        Msg::ServedVersion(notice) => app.set_status(Level::Warning, notice),
        Msg::StoreChanged { before, after } => {
            app.adopt_external_change(&before, &after, &mut effects);
        }
        Msg::Saved(Ok(())) => {}
        Msg::Saved(Err(e)) => app.set_status(Level::Error, e),
        Msg::BrowserOpened(Ok(())) => {}
        Msg::BrowserOpened(Err(e)) => app.set_status(Level::Warning, e),
        Msg::DemoRedirect(result) => app.on_demo_redirect(result),
        Msg::PreviewLoaded { key, outcome } => app.on_preview_loaded(&key, outcome),
        Msg::PostRefreshed(media) => app.on_post_refreshed(*media),
        Msg::InsightsFetched { post_id, result } => app.on_insights(post_id, result),
        Msg::CommentsFetched {
            post_id,
            after,
            result,
        } => app.on_comments(post_id, after, result),
        Msg::TotalsFetched { user_id, result } => app.on_totals(user_id, result),
        Msg::DownloadProgress { done, total } => app.on_download_progress(done, total),
        Msg::Downloaded(result) => app.on_downloaded(result),
        Msg::KeepAlive(state) => app.on_keep_alive(state),
        Msg::KeepAliveGuide(guide) => app.on_keep_alive_guide(guide),
        Msg::KeepAliveInstalled(result) => app.on_keep_alive_installed(result),
        Msg::DoctorChecked(checks) => app.on_doctor(checks),
        Msg::HandoffsRan(results) => app.on_handoffs_ran(results, &mut effects),
        Msg::WatchLoaded(watch) => app.on_watch_loaded(watch, &mut effects),
        Msg::AccountsChecked(checks) => app.on_accounts_checked(checks, &mut effects),
    }
    app.sync_preview(&mut effects);
    app.sync_engagement(&mut effects);
    app.keep_selection_in_view();
    app.sync_pictures(&mut effects);
    effects
}

/// Effects to run once at start-up, for the screen the app opens on.
pub fn start(app: &mut App) -> Vec<Effect> {
    let mut effects = Vec::new();
    // A first run, nothing stored: the empty App ID field takes the keys at
    // once (there is nothing to lose), so typing an id types it instead of
    // its digits switching screens. A returning user's screens open with
    // no field in edit mode.
    let stored = &app.stored;
    if app.screen == Screen::Credentials
        && app.credentials.app_id.value().is_empty()
        && stored.app().is_none()
        && stored.token().is_none()
        && stored.all_accounts().is_empty()
    {
        app.credentials.edit();
    }
    enter_screen(app, app.screen, &mut effects);
    // A token due by the policy is refreshed on start, not a second later.
    app.auto_refresh(&mut effects);
    effects
}

fn on_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        quit(app, effects);
        return;
    }
    if let Some(popup) = app.popup {
        on_popup_key(app, popup, key, effects);
        return;
    }
    if app.screen == Screen::Feed && app.feed.full_picture {
        app.on_picture_view_key(key);
        return;
    }
    if app.editing() {
        on_editing_key(app, key, effects);
        return;
    }
    match keymap::lookup(&app.user_keys, app.screen, &key) {
        Some(action) => on_action(app, action, effects),
        None if key.code == KeyCode::Esc => back_out(app),
        None => {}
    }
}

/// Esc outside a field: undo the innermost thing still open, else clear the status.
fn back_out(app: &mut App) {
    if app.screen == Screen::Feed && !app.feed.filter.value().is_empty() {
        clear_filter(app);
    } else if app.screen == Screen::Feed && app.feed.detail {
        app.feed.detail = false;
    } else {
        app.status = None;
    }
}

fn quit(app: &mut App, effects: &mut Vec<Effect>) {
    // Everything loaded is there on the next start.
    app.flush_feed_cache(effects);
    app.quit = true;
    effects.push(Effect::Quit);
}

fn on_popup_key(app: &mut App, popup: Popup, key: KeyEvent, effects: &mut Vec<Effect>) {
    let action = keymap::lookup_in(&app.user_keys, keymap::Place::of_popup(popup), &key);
    match (popup, action) {
        (Popup::Help, Some(Action::Close)) => app.popup = None,
        (Popup::Help, Some(Action::Quit)) => {
            app.popup = None;
            on_action(app, Action::Quit, effects);
        }
        (Popup::Help, Some(Action::ScrollDown)) => scroll_help(app, 1),
        (Popup::Help, Some(Action::ScrollUp)) => {
            app.help_scroll = app.help_scroll.saturating_sub(1);
        }
        (Popup::Help, Some(Action::PageDown)) => scroll_help(app, 8),
        (Popup::Help, Some(Action::PageUp)) => app.help_scroll = app.help_scroll.saturating_sub(8),
        (Popup::DemoConsent, Some(Action::Allow)) => demo_consent(app, true, effects),
        (Popup::DemoConsent, Some(Action::Deny)) => demo_consent(app, false, effects),
        (Popup::DemoConsent, Some(Action::Close)) => app.popup = None,
        (Popup::ConfirmDropToken, Some(Action::Yes)) => {
            app.popup = None;
            save_credentials(app, true, effects);
        }
        (Popup::ConfirmRemoveAccount, Some(Action::Yes)) => {
            app.popup = None;
            app.remove_account_confirmed(effects);
        }
        (Popup::ConfirmRemoveAccount, _) => {
            app.popup = None;
            app.accounts.removing = None;
            app.set_status(Level::Info, "nothing changed: the account is kept");
        }
        (Popup::ConfirmDiscard, Some(Action::Yes)) => {
            app.popup = None;
            app.credentials.discard(&app.stored);
            app.set_status(Level::Info, "unsaved changes discarded");
            if let Some(action) = app.after_discard.take() {
                on_action(app, action, effects);
            }
        }
        (Popup::Doctor, Some(Action::Doctor)) => app.run_doctor(effects),
        (Popup::Doctor, Some(Action::ScrollDown)) => app.doctor.scroll_by(1),
        (Popup::Doctor, Some(Action::ScrollUp)) => app.doctor.scroll_by(-1),
        (Popup::Doctor, Some(Action::Close)) => app.popup = None,
        (Popup::Doctor, _) => {}
        (Popup::KeepAlive, Some(Action::InstallKeepAlive)) => app.install_keep_alive(effects),
        (Popup::KeepAlive, Some(Action::CopyCronLine)) => app.copy_cron_line(effects),
        (Popup::KeepAlive, Some(Action::ScrollDown)) => app.scroll_keep_alive(1),
        (Popup::KeepAlive, Some(Action::ScrollUp)) => app.scroll_keep_alive(-1),
        (Popup::KeepAlive, Some(Action::PageDown)) => app.scroll_keep_alive(8),
        (Popup::KeepAlive, Some(Action::PageUp)) => app.scroll_keep_alive(-8),
        (Popup::KeepAlive, Some(Action::Close)) => app.popup = None,
        // Any other key closes it and does what it does (4 to the feed, q…):
        // it is advice, not a question.
        (Popup::KeepAlive, _) => {
            app.popup = None;
            on_key(app, key, effects);
        }
        // Anything but an explicit yes keeps things as they are.
        (Popup::ConfirmDropToken | Popup::ConfirmDiscard, _) => {
            app.popup = None;
            app.after_discard = None;
            app.set_status(
                Level::Info,
                "nothing changed: the edits are still unsaved (s saves)",
            );
        }
        _ => {}
    }
}

/// Down by `lines`, never past the last line.
fn scroll_help(app: &mut App, lines: u16) {
    let overflow = keymap::HelpLayout::new(&app.user_keys, app.screen, app.size).overflow();
    let most = u16::try_from(overflow).unwrap_or(u16::MAX);
    app.help_scroll = app.help_scroll.saturating_add(lines).min(most);
}

fn demo_consent(app: &mut App, allow: bool, effects: &mut Vec<Effect>) {
    app.popup = None;
    let login = if app.authorize.adding {
        DemoLogin::NewAccount {
            stored: app
                .stored
                .all_accounts()
                .iter()
                .flat_map(|a| {
                    std::iter::once(a.user_id().to_string()).chain(a.username().map(String::from))
                })
                .collect(),
        }
    } else {
        DemoLogin::Again(app.stored.active().map(|a| {
            a.username()
                .map_or_else(|| a.user_id().to_string(), String::from)
        }))
    };
    if let Some(authorize_url) = app.authorize_url() {
        effects.push(Effect::DemoConsent {
            authorize_url,
            allow,
            login,
        });
    }
}

fn on_editing_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    let action = keymap::lookup_in(&app.user_keys, keymap::Place::Field(app.screen), &key);
    match (app.screen, action) {
        (Screen::Credentials, _) => on_credentials_key(app, key, action, effects),
        (Screen::Authorize, Some(Action::LeavePaste)) => app.authorize.paste_focused = false,
        (Screen::Authorize, Some(Action::SubmitPaste)) => app.submit_paste(effects),
        (Screen::Authorize, _) => {
            app.authorize.paste.handle_key(&key);
        }
        (Screen::Feed, Some(Action::ClearFilter)) => clear_filter(app),
        (Screen::Feed, Some(Action::KeepFilter)) => app.feed.filter_editing = false,
        (Screen::Feed, _) => {
            if app.feed.filter.handle_key(&key) {
                filter_changed(app, effects);
            }
        }
        (Screen::Token | Screen::Accounts, _) => {}
    }
}

fn clear_filter(app: &mut App) {
    // The post selected under the filter stays selected without it.
    let keep = app.feed.selected_media().map(|m| m.id.clone());
    app.feed.filter.set("");
    app.feed.filter_editing = false;
    app.feed.selected = keep
        .and_then(|id| app.feed.items.iter().position(|m| m.id == id))
        .unwrap_or(0);
    app.clamp_selection();
}

fn on_credentials_key(
    app: &mut App,
    key: KeyEvent,
    action: Option<Action>,
    effects: &mut Vec<Effect>,
) {
    let form = &mut app.credentials;
    let Some(focus) = form.focus else {
        return;
    };
    match action {
        Some(Action::DoneEditing) => {
            form.focus = None;
            form.show_checks = true;
        }
        Some(Action::NextField) => form.move_focus(true),
        Some(Action::PrevField) => form.move_focus(false),
        Some(Action::Save) => save_credentials(app, false, effects),
        Some(Action::ToggleReveal) => form.reveal_secret = !form.reveal_secret,
        Some(Action::SwitchFlavor) if focus == FieldId::Flavor => form.cycle_flavor(),
        _ => {
            if let Some(field) = form.field_mut(focus) {
                field.handle_key(&key);
            }
        }
    }
}

/// Saves the form; `confirmed` once the user agreed to lose the token that
/// a different app id makes useless.
fn save_credentials(app: &mut App, confirmed: bool, effects: &mut Vec<Effect>) {
    app.credentials.show_checks = true;
    match app.credentials.to_app_config() {
        Err((field, message)) => {
            app.credentials.focus = Some(field);
            app.credentials.cursor = field;
            app.set_status(Level::Error, format!("{}: {message}", field.label()));
        }
        Ok(config) => {
            if app.stored.app_change_parks_account(&config) && !confirmed {
                app.credentials.focus = None;
                app.popup = Some(Popup::ConfirmDropToken);
                return;
            }
            // The app as it was, to tell which scopes this save adds.
            let before = app
                .stored
                .apps
                .iter()
                .find(|a| a.app_id == config.app_id)
                .cloned();
            let mut change = AppChange::Unchanged;
            effects.push(app.persist(|s| change = s.set_app(config)));
            let same_app = change != AppChange::OtherApp;
            if !same_app {
                app.feed.reset();
                // Answers still on their way belong to the old app.
                app.authorize = super::authorize::AuthorizeView::default();
                app.token.refreshing = false;
                app.token.refreshing_token = None;
            }
            // The form shows what was saved (trimmed, default scopes filled
            // in), so it does not count as unsaved edits afterwards.
            app.credentials.discard(&app.stored);
            app.credentials.focus = None;
            // A warning (no trailing slash, plain http) is worth reading
            // now, while the dashboard's setting is still open.
            let warning = match app.credentials.check(FieldId::RedirectUri) {
                super::credentials::Check::Warning(w) => Some(w),
                _ => None,
            };
            let next = if app.stored.token().is_none() {
                go_to(app, Screen::Authorize, effects);
                ": now authorize"
            } else {
                ""
            };
            // A scope added for a stored account reaches its token only
            // through a new authorize: said now, and offered (the key to Authorize).
            let gaps = crate::credentials::scope_gaps(&app.stored, before.as_ref());
            match (warning, gaps.first()) {
                (Some(w), _) => app.set_status(
                    Level::Warning,
                    format!("credentials saved{next}; but the redirect URI: {w}"),
                ),
                (None, Some(gap)) => app.set_status(
                    Level::Warning,
                    format!(
                        "credentials saved; {}: authorize again to get it ({} goes to Authorize)",
                        gap.sentence(),
                        super::credentials::authorize_key()
                    ),
                ),
                (None, None) => app.set_status(Level::Success, format!("credentials saved{next}")),
            }
        }
    }
}

fn on_paste(app: &mut App, text: &str, effects: &mut Vec<Effect>) {
    match app.screen {
        // A paste anywhere on this screen is meant for the paste field.
        Screen::Authorize => {
            app.authorize.paste_focused = true;
            app.authorize.paste.set("");
            app.authorize.paste.paste(text.trim());
            app.authorize.error = None;
        }
        // The landing address pasted on the wrong screen (1 instead of 2):
        // it never replaces a credential, it goes where it can be exchanged.
        Screen::Credentials if crate::credentials::is_redirect(text) => {
            offer_redirect(app, text, effects);
        }
        Screen::Credentials => match app.credentials.focus {
            Some(focus) => {
                if let Some(field) = app.credentials.field_mut(focus) {
                    field.paste(text.trim());
                }
            }
            // A paste outside a field is meant for the field under the
            // cursor (an app id copied from the dashboard): it replaces
            // what is there, unsaved until `s`, and Esc still discards.
            None => {
                let cursor = app.credentials.cursor;
                if let Some(field) = app.credentials.field_mut(cursor) {
                    field.set("");
                    field.paste(text.trim());
                    app.credentials.edit();
                    app.set_status(
                        Level::Info,
                        format!("pasted into {}: s saves, Esc discards", cursor.label()),
                    );
                } else {
                    app.set_status(
                        Level::Info,
                        "nothing to paste into here: move to a text field (j/k) first",
                    );
                }
            }
        },
        Screen::Feed if app.feed.filter_editing => {
            app.feed.filter.paste(text);
            filter_changed(app, effects);
        }
        _ => {}
    }
}

/// A redirect pasted on Credentials: into Authorize's paste field, with
/// Authorize in view, so Enter exchanges it; nothing on the form changes.
fn offer_redirect(app: &mut App, text: &str, effects: &mut Vec<Effect>) {
    if app.stored.app().is_none() {
        app.set_status(
            Level::Warning,
            "that is the address the browser landed on after Allow, not a credential: save the credentials first, then paste it on 2 Authorize",
        );
        return;
    }
    app.credentials.focus = None;
    go_to(app, Screen::Authorize, effects);
    on_paste(app, text, effects);
    app.set_status(
        Level::Info,
        "this is a redirect, not a credential: it is on Authorize now, Enter exchanges it",
    );
}

/// After the filter text changed: back to the first match, loading more if few match.
fn filter_changed(app: &mut App, effects: &mut Vec<Effect>) {
    app.feed.selected = 0;
    app.feed.goal = None;
    app.clamp_selection();
    app.prefetch(effects);
}

fn go_to(app: &mut App, screen: Screen, effects: &mut Vec<Effect>) {
    // Advice and news belong to the screen they were given on; warnings
    // and errors stay until read (Esc) or replaced.
    if screen != app.screen
        && app
            .status
            .as_ref()
            .is_some_and(|s| matches!(s.level, Level::Info | Level::Success))
    {
        app.status = None;
    }
    // Leaving Authorize gives up adding an account: the next authorization
    // (2, o) is the active account's again.
    if screen != Screen::Authorize {
        app.authorize.adding = false;
    }
    app.screen = screen;
    enter_screen(app, screen, effects);
}

fn enter_screen(app: &mut App, screen: Screen, effects: &mut Vec<Effect>) {
    match screen {
        Screen::Authorize => app.ensure_pending_authorization(effects),
        Screen::Feed => app.ensure_feed_loaded(effects),
        Screen::Accounts => app.select_active_account(),
        Screen::Credentials | Screen::Token => {}
    }
}

fn on_action(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    // Unsaved edits are never lost silently: quitting asks, as Esc does;
    // the number keys still navigate, keeping the edits and saying so.
    let dirty = app.after_discard.is_none() && app.credentials.is_dirty(&app.stored);
    match action {
        Action::Quit if dirty => {
            app.after_discard = Some(action);
            app.popup = Some(Popup::ConfirmDiscard);
            return;
        }
        Action::GoTo(screen) if dirty && screen != Screen::Credentials => {
            app.set_status(
                Level::Warning,
                "the credentials have unsaved edits, still in the form: 1 goes back, s saves them, Esc discards",
            );
        }
        _ => {}
    }
    match action {
        Action::Quit => quit(app, effects),
        Action::Help => {
            app.popup = Some(Popup::Help);
            app.help_scroll = 0;
        }
        Action::GoTo(screen) => go_to(app, screen, effects),
        Action::NextField => app.credentials.move_focus(true),
        Action::PrevField => app.credentials.move_focus(false),
        Action::EditField => app.credentials.edit(),
        Action::Save => save_credentials(app, false, effects),
        Action::SwitchFlavor if app.credentials.cursor == FieldId::Flavor => {
            app.credentials.cycle_flavor();
        }
        Action::SwitchFlavor => {}
        Action::Discard if app.credentials.is_dirty(&app.stored) => {
            app.popup = Some(Popup::ConfirmDiscard);
        }
        Action::Discard => app.status = None,
        Action::ToggleReveal => app.credentials.reveal_secret = !app.credentials.reveal_secret,
        Action::OpenBrowser => app.open_browser(effects),
        Action::CopyUrl => match app.authorize_url() {
            Some(url) => {
                effects.push(Effect::Copy(url));
                app.set_status(
                    Level::Info,
                    "URL copied to the clipboard (if the terminal allows OSC 52)",
                );
            }
            None => app.set_status(Level::Warning, "save the credentials first (press 1)"),
        },
        Action::FocusPaste => {
            app.authorize.paste_focused = true;
        }
        Action::NewAuthorization => {
            app.new_authorization(effects);
            app.set_status(
                Level::Info,
                "a new authorize URL was made: older redirects are no longer accepted",
            );
        }
        Action::Refresh => app.request_refresh(effects),
        Action::ToggleAutoRefresh => app.toggle_auto_refresh(effects),
        Action::KeepAlive => app.open_keep_alive(),
        Action::Reauthorize => {
            app.new_authorization(effects);
            go_to(app, Screen::Authorize, effects);
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::PrevItem
        | Action::NextItem
            if app.screen == Screen::Feed && app.feed.grid =>
        {
            app.grid_move(action, effects);
        }
        Action::ToggleDetail if app.feed.grid => app.open_from_grid(effects),
        Action::ToggleGrid => app.toggle_grid(),
        Action::Up => app.move_selection(-1, effects),
        Action::Down => app.move_selection(1, effects),
        Action::PageUp => app.move_selection(-(app.feed_rows() as isize), effects),
        Action::PageDown => app.move_selection(app.feed_rows() as isize, effects),
        Action::Top => app.move_selection(isize::MIN / 2, effects),
        Action::Bottom => app.select_last(effects),
        Action::ToggleDetail => {
            app.feed.detail = !app.feed.detail;
            if app.feed.detail {
                // Asked for: the numbers come now, not once it settles.
                app.fetch_engagement(effects);
            }
        }
        Action::MoreComments => app.more_comments(effects),
        Action::ToggleReplies => app.engagement.show_replies = !app.engagement.show_replies,
        Action::OpenPermalink => app.open_permalink(effects),
        Action::Filter => app.feed.filter_editing = true,
        Action::Reload => app.reload_feed(effects),
        Action::PrevItem => app.step_child(-1),
        Action::NextItem => app.step_child(1),
        Action::Download => app.download_selected(effects),
        Action::OpenMedia => app.open_media(effects),
        Action::CopyLink => app.copy_link(effects),
        Action::ViewPicture => app.open_picture_view(),
        Action::ScrollDown => app.token_scroll = app.token_scroll.saturating_add(1).min(40),
        Action::ScrollUp => app.token_scroll = app.token_scroll.saturating_sub(1),
        Action::DetailDown => app.scroll_detail(3),
        Action::DetailUp => app.scroll_detail(-3),
        Action::NextAccount => app.move_account_selection(1),
        Action::PrevAccount => app.move_account_selection(-1),
        Action::UseAccount => app.use_selected_account(effects),
        Action::AddAccount => {
            if app.add_account(effects) {
                go_to(app, Screen::Authorize, effects);
                app.set_status(
                    Level::Info,
                    "log in to Instagram as the account to add; the others stay under 5 Accounts",
                );
            }
        }
        Action::RemoveAccount => app.ask_remove_account(),
        Action::Doctor => app.run_doctor(effects),
        // Keys of fields and popups: dispatched where those take the keys.
        Action::DoneEditing
        | Action::SubmitPaste
        | Action::LeavePaste
        | Action::KeepFilter
        | Action::ClearFilter
        | Action::EditText
        | Action::Close
        | Action::Yes
        | Action::Allow
        | Action::Deny
        | Action::InstallKeepAlive
        | Action::CopyCronLine => {}
    }
}
