//! The TUI's state and its pure `update`: messages in, effects out, no I/O.

pub(crate) mod accounts;
pub mod authorize;
pub mod credentials;
pub mod doctor;
pub mod feed;
pub(crate) mod feed_cache;
pub mod field;
pub mod insights;
pub mod keepalive;
pub(crate) mod keymap;
pub mod msg;
pub mod pictures;
pub mod preview;
pub(crate) mod token_status;
pub mod update;
pub mod user_keys;
pub mod watch;

pub use accounts::AccountsView;
pub use msg::{Effect, Msg};
pub use token_status::TokenView;
pub use update::update;

use crate::store::State;
use time::{OffsetDateTime, UtcOffset};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Credentials,
    Authorize,
    Token,
    Feed,
    Accounts,
}

impl Screen {
    pub(crate) const ALL: [Screen; 5] = [
        Screen::Credentials,
        Screen::Authorize,
        Screen::Token,
        Screen::Feed,
        Screen::Accounts,
    ];

    pub(crate) fn title(self) -> &'static str {
        match self {
            Screen::Credentials => "Credentials",
            Screen::Authorize => "Authorize",
            Screen::Token => "Token",
            Screen::Feed => "Feed",
            Screen::Accounts => "Accounts",
        }
    }

    /// The screen the stored state calls for at start-up.
    pub(crate) fn for_state(state: &State) -> Screen {
        if state.app().is_none() {
            Screen::Credentials
        } else if state.token().is_none() {
            Screen::Authorize
        } else {
            Screen::Feed
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

/// The one-line message under the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub level: Level,
    pub text: String,
    /// When it was said: notes (Info, Success) expire after [`NOTE_LIFETIME`].
    pub at: OffsetDateTime,
}

/// How long a note ("opening the browser…", "copied …", "saved 3 files")
/// stays once its moment is over; warnings and errors stay until read.
pub const NOTE_LIFETIME: time::Duration = time::Duration::seconds(8);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Popup {
    Help,
    /// The demo's stand-in for Instagram's consent page.
    DemoConsent,
    /// Saving another app id puts the active account aside: y/N.
    ConfirmDropToken,
    /// Esc on a form with unsaved edits: y/N.
    ConfirmDiscard,
    /// The ready cron line and systemd timer for this machine; `i` installs.
    KeepAlive,
    /// Forget the account `AccountsView::removing` names: y/N.
    ConfirmRemoveAccount,
    /// doctor's checks (`D` on Credentials), running or done.
    Doctor,
}

/// Everything the screen shows. Rendering reads it; only `update` changes it.
#[derive(Debug, Clone)]
pub struct App {
    pub screen: Screen,
    /// The persisted state, as last saved (or about to be).
    pub stored: State,
    pub now: OffsetDateTime,
    pub(crate) offset: UtcOffset,
    pub demo: bool,
    pub credentials: credentials::CredentialsForm,
    pub authorize: authorize::AuthorizeView,
    pub token: token_status::TokenView,
    /// What keeps the token alive, and the once-only warning.
    pub keep_alive: keepalive::KeepAliveView,
    pub feed: feed::FeedView,
    /// The selected post's insights and comments, the account's totals.
    pub engagement: insights::EngagementView,
    pub accounts: accounts::AccountsView,
    pub popup: Option<Popup>,
    /// Lines the help popup is scrolled by (clamped when drawn).
    pub(crate) help_scroll: u16,
    /// Lines the Token screen is scrolled by, where it does not fit
    /// (clamped when drawn).
    pub(crate) token_scroll: u16,
    /// The detail pane's scroll, for the post it was scrolled on: another
    /// selection starts at the top again.
    pub(crate) detail_scroll: Option<(String, u16)>,
    pub status: Option<StatusLine>,
    /// What `y` to the discard question goes on to do (leave the screen,
    /// quit), when the question was asked on the way out.
    pub(crate) after_discard: Option<keymap::Action>,
    pub quit: bool,
    /// Bumped by each new request whose answer replaces the previous one;
    /// answers carrying an older number are dropped.
    pub(crate) generation: u64,
    /// Terminal size (columns, rows), for paging the feed.
    pub size: (u16, u16),
    /// One base for every endpoint (`--demo`, `INSTATUI_BASE_URL`).
    pub base_override: Option<String>,
    /// `INSTATUI_GRAPH_VERSION`, read at start-up.
    pub(crate) graph_version_override: Option<String>,
    /// Where fresh authorize `state`s come from; tests pin it.
    pub new_nonce: fn() -> String,
    /// Pictures are drawn (a graphics protocol or half-blocks is available).
    pub images: bool,
    /// Where `d` saves posts.
    pub download_dir: Option<std::path::PathBuf>,
    /// doctor's report, for `D` on Credentials.
    pub doctor: doctor::DoctorView,
    /// The keys keymap.toml adds (none by default).
    pub user_keys: user_keys::UserKeys,
    /// How `d` names the files (config.toml's `download.pattern`).
    pub download_pattern: crate::download::Pattern,
    /// config.toml's `auto_refresh`, which wins over the stored toggle for
    /// this session until `a` is pressed. Kept out of `stored`, so it is
    /// never written to state.json, and a change another process makes to
    /// state.json (merged in by its base) cannot switch it back.
    pub auto_refresh_from_config: Option<bool>,
    /// Colours, or none (`NO_COLOR`, `--theme`).
    pub theme: crate::ui::theme::Theme,
    /// `--theme auto` with neither NO_COLOR nor COLORFGBG set: the
    /// terminal's background colour, once it answers, picks the theme.
    pub theme_follows_terminal: bool,
    /// Instagram rate-limited a call: no Graph call until then (the wait
    /// its usage header gave, else the default); the feed resumes by itself.
    pub(crate) rate_limited_until: Option<OffsetDateTime>,
    /// What instatui learnt of each account live (`watch.json` and this
    /// run's checks): with the stored token, each account's condition.
    pub watch: crate::watch::WatchFile,
}

impl App {
    pub fn new(stored: State, now: OffsetDateTime, offset: UtcOffset) -> App {
        let screen = Screen::for_state(&stored);
        let credentials = credentials::CredentialsForm::from_state(&stored);
        App {
            screen,
            credentials,
            authorize: authorize::AuthorizeView::default(),
            token: token_status::TokenView::default(),
            keep_alive: keepalive::KeepAliveView::default(),
            feed: feed::FeedView::default(),
            engagement: insights::EngagementView::default(),
            accounts: accounts::AccountsView::default(),
            stored,
            now,
            offset,
            demo: false,
            popup: None,
            help_scroll: 0,
            token_scroll: 0,
            detail_scroll: None,
            status: None,
            after_discard: None,
            quit: false,
            generation: 0,
            size: (80, 24),
            base_override: None,
            graph_version_override: None,
            new_nonce: crate::instagram::authorize::new_nonce,
            images: false,
            download_dir: None,
            download_pattern: crate::download::Pattern::default(),
            auto_refresh_from_config: None,
            user_keys: user_keys::UserKeys::default(),
            doctor: doctor::DoctorView::default(),
            theme: crate::ui::theme::Theme::default(),
            theme_follows_terminal: false,
            rate_limited_until: None,
            watch: crate::watch::WatchFile::default(),
        }
    }

    /// Whether a text field takes the keys, so that letters type instead of
    /// acting as commands.
    pub fn editing(&self) -> bool {
        match self.screen {
            Screen::Credentials => self.credentials.focus.is_some(),
            Screen::Authorize => self.authorize.paste_focused,
            Screen::Feed => self.feed.filter_editing,
            Screen::Token | Screen::Accounts => false,
        }
    }

    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(StatusLine {
            level,
            text: text.into(),
            at: self.now,
        });
    }

    /// One status at a time: a note whose moment is over goes.
    pub(crate) fn expire_note(&mut self) {
        if self.status.as_ref().is_some_and(|s| {
            matches!(s.level, Level::Info | Level::Success) && self.now - s.at >= NOTE_LIFETIME
        }) {
            self.status = None;
        }
    }

    /// Lines the detail pane of the selected post is scrolled by.
    pub fn detail_offset(&self) -> u16 {
        match (&self.detail_scroll, self.feed.selected_media()) {
            (Some((id, lines)), Some(media)) if *id == media.id => *lines,
            _ => 0,
        }
    }

    /// Scrolls the detail pane of the selected post by `delta` lines.
    pub(crate) fn scroll_detail(&mut self, delta: i32) {
        let Some(id) = self.feed.selected_media().map(|m| m.id.clone()) else {
            return;
        };
        self.feed.detail = true;
        // Stops with the last line at the bottom row: J past the end does
        // nothing, and one K scrolls back at once.
        let max = i32::from(crate::ui::layout::detail_max_offset(self));
        let lines = i32::from(self.detail_offset())
            .saturating_add(delta)
            .clamp(0, max);
        self.detail_scroll = Some((id, u16::try_from(lines).unwrap_or(0)));
    }

    pub(crate) fn next_generation(&mut self) -> u64 {
        self.generation += 1;
        self.generation
    }

    /// Takes in what another process (a cron `refresh`, say) changed in
    /// state.json, keeping this app's own changes. Nothing to save: it is
    /// on disk already.
    pub(crate) fn adopt_external_change(
        &mut self,
        before: &State,
        after: &State,
        effects: &mut Vec<Effect>,
    ) {
        let token_changed = before.token() != after.token();
        let active_before = self.stored.active.clone();
        let untouched =
            self.credentials.focus.is_none() && !self.credentials.is_dirty(&self.stored);
        let merged = crate::store::merge::three_way(before, after, &self.stored);
        let now_active = merged.active.clone();
        let switched = now_active != active_before;
        // `accounts use` elsewhere: the list on screen is cached under the
        // account being left, as Enter on Accounts does; a removed
        // account's cache was deleted with it and is not written again.
        if switched
            && let Some(left) = &active_before
            && merged.account(left).is_some()
        {
            self.flush_feed_cache(effects);
        }
        self.stored = merged;
        // An account removed elsewhere leaves the list: the cursor stays
        // on a row that exists.
        self.move_account_selection(0);
        if before.app() != after.app() && untouched {
            // `instatui setup` ran elsewhere: show what is saved now.
            self.credentials.discard(&self.stored);
        }
        if switched {
            // What is on screen belonged to the account that was active.
            self.forget_account_views();
            // As after Enter on Accounts: its own list from the cache at
            // once, and fetched now when the Feed is on screen.
            if let Some(id) = now_active {
                effects.push(Effect::LoadFeedCache {
                    user_id: id.user_id,
                });
                if self.screen == Screen::Feed {
                    self.ensure_feed_loaded(effects);
                }
            }
            let text = match self.stored.active() {
                Some(a) => format!(
                    "another instatui made {} the active account: the header, Token and Feed show it",
                    a.label()
                ),
                None if self.stored.accounts.is_empty() => {
                    "another instatui left no account: n on Accounts (5) adds one".to_string()
                }
                None => "another instatui left no account active: Enter on Accounts (5) makes one active"
                    .to_string(),
            };
            self.set_status(Level::Info, text);
        } else if token_changed {
            // A new token's obtained time voids what was said of the old one.
            self.set_status(
                Level::Info,
                "state.json was changed by another instatui: token updated",
            );
        }
    }

    /// Rows the status line takes: two when its message would not fit in
    /// one, since the advice comes last and must not be cut off.
    pub(crate) fn status_rows(&self, (width, height): (u16, u16)) -> u16 {
        let width = usize::from(width);
        let long = self
            .status
            .as_ref()
            .is_some_and(|s| unicode_width::UnicodeWidthStr::width(s.text.as_str()) + 1 > width);
        if long && self.feed.download.is_none() && height >= 12 {
            2
        } else {
            1
        }
    }

    /// Records a change to the persisted state and asks for it to be saved.
    pub fn persist(&mut self, change: impl FnOnce(&mut State)) -> Effect {
        change(&mut self.stored);
        Effect::Save(Box::new(self.stored.clone()))
    }
}
