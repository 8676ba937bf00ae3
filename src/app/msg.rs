//! Messages into `update` and the effects it asks the runtime to perform.

use super::feed::CachedFeed;
use crate::instagram::{ApiError, LongToken, Media, MediaPage, Profile, RateUsage, ShortToken};
use crate::secret::Secret;
use crate::store::{AppConfig, State};
use crossterm::event::KeyEvent;
use time::OffsetDateTime;

/// Everything that can happen: input, the clock, and the results of effects.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    ScrollUp,
    ScrollDown,
    Resize(u16, u16),
    /// Once a second; `update` receives the time with every message.
    Tick,
    /// SIGTERM, SIGHUP or a SIGINT from outside (Ctrl-C in the TUI is a key):
    /// quit as `q` does, so the terminal is restored and saves land.
    Terminate,
    /// Whether the terminal can show pictures, known once it was asked.
    Pictures {
        enabled: bool,
        /// How to get better pictures (tmux passthrough), for the status line.
        hint: Option<String>,
    },
    /// The terminal's answer to the background-colour question (OSC 11),
    /// asked with the graphics query: whether dark text reads better.
    Background {
        light: bool,
    },
    CodeExchanged {
        generation: u64,
        result: Result<ShortToken, ApiError>,
    },
    LongLivedExchanged {
        generation: u64,
        result: Result<LongToken, ApiError>,
    },
    ProfileFetched {
        generation: u64,
        result: Result<Profile, ApiError>,
    },
    Refreshed {
        result: Result<LongToken, ApiError>,
    },
    FeedPage {
        generation: u64,
        after: Option<String>,
        result: Result<MediaPage, ApiError>,
    },
    /// The cached feed of `user_id` (empty when there is none); dropped
    /// when that is no longer the active account.
    FeedCacheLoaded {
        user_id: String,
        feed: CachedFeed,
        saved_at: OffsetDateTime,
    },
    /// The first posts of a big cached feed, read before the rest (which
    /// follows as `FeedCacheLoaded`): the first frame does not wait for it.
    FeedCacheHead {
        user_id: String,
        feed: CachedFeed,
        saved_at: OffsetDateTime,
    },
    /// The post that was selected when this account's feed was last left
    /// (kept beside its cache): selected again once the list holds it.
    FeedSelectionRemembered {
        user_id: String,
        post_id: String,
    },
    RateUsage(RateUsage),
    /// Instagram served another Graph API version than the one asked for
    /// (`instagram::served`): the sentence, once per process.
    ServedVersion(String),
    /// Another process changed state.json: `before` is how this app's
    /// writer last saw it, `after` how it is now.
    StoreChanged {
        before: Box<State>,
        after: Box<State>,
    },
    Saved(Result<(), String>),
    BrowserOpened(Result<(), String>),
    /// The redirect the demo's stand-in consent page produced.
    DemoRedirect(Result<String, String>),
    /// The picture for this media id is ready to draw, or why not.
    PreviewLoaded {
        key: String,
        outcome: crate::app::preview::PreviewOutcome,
    },
    /// A post's insights (`FetchInsights`).
    InsightsFetched {
        post_id: String,
        result: Result<Vec<crate::instagram::engagement::Insight>, ApiError>,
    },
    /// A page of a post's comments (`FetchComments`).
    CommentsFetched {
        post_id: String,
        after: Option<String>,
        result: Result<crate::instagram::engagement::CommentPage, ApiError>,
    },
    /// The account's 7- and 30-day totals (`FetchTotals`).
    TotalsFetched {
        user_id: String,
        result: Result<
            (
                Vec<crate::instagram::engagement::Insight>,
                Vec<crate::instagram::engagement::Insight>,
            ),
            ApiError,
        >,
    },
    /// A post fetched again because its CDN URLs had expired.
    PostRefreshed(Box<Media>),
    DownloadProgress {
        done: usize,
        total: usize,
    },
    /// A summary for the status line, or what failed.
    Downloaded(Result<String, String>),
    /// What the machine's schedulers say keeps the token alive.
    KeepAlive(crate::app::keepalive::KeepAliveState),
    /// The ready keep-alive lines for this machine, or why there are none.
    KeepAliveGuide(Result<crate::app::keepalive::Guide, String>),
    /// `keep-alive install` from the TUI: the scheduler used, or what failed.
    KeepAliveInstalled(Result<(String, Option<String>), String>),
    /// doctor's checks, run off the loop for `D`.
    DoctorChecked(Vec<crate::doctor::Check>),
    /// Each handoff's outcome, by id.
    HandoffsRan(Vec<(u32, crate::handoff::HandoffRun)>),
    /// `watch.json` as read at start-up.
    WatchLoaded(crate::watch::WatchFile),
    /// What each live check found, by user id.
    AccountsChecked(Vec<(crate::store::AccountId, crate::watch::Check)>),
}

/// Work for the runtime. Each carries its own data; the runtime reads from
/// the app only how to reach Instagram (flavour, endpoints) and the time.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Save(Box<State>),
    /// doctor's checks for this app and these endpoints (the clock check
    /// asks Instagram; keep-alive's runs systemctl): answered by `DoctorChecked`.
    RunDoctor {
        app: Option<Box<crate::store::AppConfig>>,
        endpoints: crate::instagram::Endpoints,
        pictures: bool,
    },
    /// One `/me` per account, off the loop: answered by `AccountsChecked`.
    CheckAccounts(Vec<crate::app::watch::AccountCheck>),
    /// Keeps these checks in `watch.json` (off the loop, under the lock).
    RecordChecks(Vec<(crate::store::AccountId, crate::watch::Check)>),
    ExchangeCode {
        generation: u64,
        app: AppConfig,
        code: String,
    },
    ExchangeLongLived {
        generation: u64,
        app_secret: Secret,
        short_token: Secret,
    },
    FetchProfile {
        generation: u64,
        token: Secret,
    },
    Refresh {
        token: Secret,
    },
    FetchFeedPage {
        generation: u64,
        token: Secret,
        after: Option<String>,
    },
    SaveFeedCache {
        user_id: String,
        feed: CachedFeed,
        /// The list does not hold the cache read at start-up (it had not
        /// arrived, or was not laid under): the writer lays the list over
        /// what is on disk, so a short list never replaces a longer one.
        over_cached: bool,
    },
    /// Reads this account's cached feed, answering `FeedCacheLoaded`.
    LoadFeedCache {
        user_id: String,
    },
    /// Deletes a removed account's cached feed.
    DropFeedCache {
        user_id: String,
    },
    /// Keeps the selected post beside the account's feed cache (`None`:
    /// the first one, which a start selects anyway), for the next start.
    RememberSelection {
        user_id: String,
        post_id: Option<String>,
    },
    OpenUrl(String),
    /// To the system clipboard through the terminal (OSC 52).
    Copy(String),
    DemoConsent {
        authorize_url: String,
        allow: bool,
        /// Who the stand-in browser is logged in as.
        login: DemoLogin,
    },
    /// Fetch (or take from the caches), decode and keep a picture.
    LoadPreview {
        key: String,
        post_id: String,
        child: Option<usize>,
        url: String,
        token: Secret,
    },
    /// The pictures on screen besides the detail pane's (the profile's, the
    /// grid's tiles), all of them: queued ones not in the set give way.
    LoadPictures {
        pictures: Vec<super::pictures::Picture>,
        token: Secret,
    },
    /// One post's lifetime numbers.
    FetchInsights {
        post_id: String,
        metrics: Vec<String>,
        token: Secret,
    },
    /// One page of one post's comments.
    FetchComments {
        post_id: String,
        after: Option<String>,
        token: Secret,
    },
    /// The account's totals over the 7 and the 30 days up to `until` (Unix seconds).
    FetchTotals {
        user_id: String,
        owner: String,
        until: i64,
        token: Secret,
    },
    Download {
        post: Box<Media>,
        username: String,
        token: Secret,
        dir: std::path::PathBuf,
    },
    /// Hand the new token (saved first) to the account's handoffs.
    RunHandoffs {
        ticket: Box<crate::handoff::Ticket>,
        handoffs: Vec<crate::handoff::Handoff>,
    },
    /// Install keep-alive for this plan, as `instatui keep-alive install` does.
    InstallKeepAlive(Box<crate::keepalive::Plan>),
    Quit,
}

/// Who the demo's stand-in browser logs in as at the fake's authorize page
/// (the real one, with `force_reauth`, asks for a login).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoLogin {
    /// The active account's user (by username or user id), authorizing it
    /// again; `None` (no account yet) keeps whoever is signed in.
    Again(Option<String>),
    /// Adding an account: the first fake user none of these names (every
    /// stored account's username and user id) names.
    NewAccount { stored: Vec<String> },
}
