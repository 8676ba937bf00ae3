//! The TUI runtime: terminal set-up, the event loop, the effects it runs for `update`, persistence and the feed cache.

mod answer;
mod cache;
mod driver;
mod effects;
mod event_loop;
mod persist;
mod terminal;

use crate::preview::ImageMode;
use crate::ui::theme::Theme;
pub use cache::FeedCache;
pub use effects::{Executor, keep_alive_guide};
pub use event_loop::Signals;

use crate::app::App;
use crate::instagram::endpoints::BASE_URL_ENV;
use crate::store::{self, Store};

/// Folders removed however the TUI ends: the demo's throw-away config
/// dir, which a second signal while quitting (closing a window sends
/// SIGHUP twice: the terminal's and the kernel's) would otherwise leave
/// behind, since that ends the process at once, without destructors.
static THROW_AWAY: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

#[cfg(feature = "demo")]
fn throw_away_at_exit(dir: &std::path::Path) {
    let mut dirs = THROW_AWAY.lock().unwrap_or_else(|e| e.into_inner());
    dirs.push(dir.to_path_buf());
}

/// Removes the folders [`THROW_AWAY`] holds, before the process ends at once.
fn remove_throw_away() {
    let dirs = std::mem::take(&mut *THROW_AWAY.lock().unwrap_or_else(|e| e.into_inner()));
    for dir in dirs {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Opens the TUI on the user's own state.
pub async fn run(
    store: Store,
    images: Option<ImageMode>,
    theme: Option<Theme>,
    settings: crate::config::Loaded,
) -> Result<(), String> {
    let loaded = store.load().map_err(|e| e.to_string())?;
    let config = settings.config;
    let started_from = loaded.state.clone();
    let mut app = App::new(
        loaded.state,
        crate::clock::now(),
        crate::localtime::offset(),
    );
    if let Some(notice) = loaded.notice {
        app.set_status(crate::app::Level::Warning, notice);
    } else if let Some(warning) = settings.warning {
        app.set_status(crate::app::Level::Warning, warning);
    }
    // The session starts as config.toml says; `a` still toggles (and stores) it.
    app.auto_refresh_from_config = config.auto_refresh;
    let keys = crate::app::user_keys::load(store.dir());
    app.user_keys = keys.keys;
    if let Some(warning) = keys.warning
        && app.status.is_none()
    {
        app.set_status(crate::app::Level::Warning, warning);
    }
    app.base_override = std::env::var(BASE_URL_ENV)
        .ok()
        .filter(|b| !b.trim().is_empty());
    app.graph_version_override = std::env::var(crate::instagram::endpoints::GRAPH_VERSION_ENV).ok();
    let cache = FeedCache::new(store::cache_dir(&store));
    app.download_dir = Some(crate::config::download_dir(
        None,
        std::env::var_os(crate::config::DOWNLOAD_DIR_ENV),
        &config,
        || crate::download::default_dir(&store::data_dir(&store)),
    ));
    app.download_pattern = config.download_pattern.clone().unwrap_or_default();
    // The flag, else config.toml's, else the one state.json kept.
    let asked = crate::preview::choose_mode(
        images,
        config
            .images
            .as_deref()
            .or(app.stored.settings.images.as_deref()),
    );
    let mode = look(&mut app, asked, theme);
    let config_dir = store.dir().to_path_buf();
    let mut executor = Executor::new(store, cache, None);
    executor.saves_start_from(&started_from);
    executor.check_keep_alive(config_dir, &config);
    executor.load_watch();
    event_loop::run(app, executor, mode).await
}

/// What `--demo` and `fake-server` say in an instatui built without the fake.
#[cfg(not(feature = "demo"))]
pub(crate) const NO_DEMO: &str = "this instatui was built without the demo (cargo's `demo` feature, \
     on by default): build it with `cargo build --release` to get --demo and fake-server";

/// `--demo` in an instatui built without the fake: says so.
#[cfg(not(feature = "demo"))]
pub async fn run_demo(_images: Option<ImageMode>, _theme: Option<Theme>) -> Result<(), String> {
    Err(NO_DEMO.to_string())
}

/// Runs the whole flow against the embedded fake, in a throw-away config
/// dir: the user's real state is never read or written.
#[cfg(feature = "demo")]
pub async fn run_demo(images: Option<ImageMode>, theme: Option<Theme>) -> Result<(), String> {
    use crate::fake::{FakeConfig, FakeInstagram};
    let fake = FakeInstagram::start(FakeConfig::demo())
        .await
        .map_err(|e| format!("could not start the demo server on loopback: {e}"))?;
    let scratch = tempfile::tempdir()
        .map_err(|e| format!("could not create a temporary directory for the demo: {e}"))?;
    throw_away_at_exit(scratch.path());
    let store = Store::at(scratch.path().join("config"));
    let mut app = demo_app(&fake.base_url());
    app.set_status(
        crate::app::Level::Info,
        "demo: a fake Instagram runs on loopback; press s to save these credentials",
    );
    let cache = FeedCache::new(scratch.path().join("cache"));
    let downloads = demo_download_dir();
    let executor = Executor::new(store, cache, Some(fake.control()));
    executor.saves_start_from(&app.stored);
    let mode = look(&mut app, images, theme);
    let result = event_loop::run(app, executor, mode).await;
    drop(fake);
    drop(scratch);
    let kept = std::fs::read_dir(&downloads).map_or(0, |d| d.flatten().count());
    if kept > 0 {
        // Not eprintln!: after a hang-up there is no terminal to write to,
        // and that is no reason to panic.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "demo: the {kept} file(s) downloaded in demos are kept in {} (delete it when done)",
            downloads.display()
        );
    }
    result
}

/// Where `d` saves in `--demo`: a named folder in the temp dir, kept after
/// quitting, away from the real downloads folder.
pub fn demo_download_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("instatui-demo-downloads")
}

/// Starts what the first screen needs: the cached feed and the first
/// requests at once, the graphics query (`query`, blocking) on a worker
/// beside them. Pictures join when its answer arrives as `Msg::Pictures`;
/// nothing else waits for it, however long the terminal takes.
pub fn start_up<F, C>(app: &mut App, executor: &mut Executor, query: F)
where
    F: FnOnce() -> C + Send + 'static,
    C: Into<crate::preview::Chosen>,
{
    executor.load_cache(app);
    for effect in crate::app::update::start(app) {
        executor.run(app, effect);
    }
    executor.query_pictures(query);
}

/// Picks the colours and how pictures are drawn. Without colour, half-block
/// pictures are meaningless shapes, so they stay off unless asked for.
fn look(app: &mut App, images: Option<ImageMode>, theme: Option<Theme>) -> ImageMode {
    (app.theme, app.theme_follows_terminal) = Theme::from_env(theme);
    if app.theme == Theme::Plain && images.is_none() {
        // Said unless something more urgent is on the status line already.
        if app.status.is_none() {
            app.set_status(
                crate::app::Level::Info,
                "no colour: pictures are off (--images halfblocks, kitty or sixel draws them)",
            );
        }
        return ImageMode::Off;
    }
    images.unwrap_or_default()
}

/// The demo's starting point: nothing stored, the form filled with the fake app's credentials.
#[cfg(feature = "demo")]
pub fn demo_app(base_url: &str) -> App {
    use crate::app::credentials::CredentialsForm;
    use crate::fake;
    use crate::store::State;
    let mut app = App::new(
        State::default(),
        crate::clock::now(),
        crate::localtime::offset(),
    );
    app.demo = true;
    app.base_override = Some(base_url.to_string());
    let mut form = CredentialsForm::from_state(&State::default());
    form.app_id.set(fake::DEMO_APP_ID);
    form.app_secret.set(fake::DEMO_APP_SECRET);
    form.redirect_uri.set(fake::DEMO_REDIRECT_URI);
    // The demo opts into insights and comments, so it shows them.
    form.scopes.set(
        "instagram_business_basic,instagram_business_manage_insights,instagram_business_manage_comments",
    );
    app.credentials = form;
    // Kept in a named folder, not the scratch dir that vanishes on quit:
    // the status line after `d` names it, and so does quitting.
    app.download_dir = Some(demo_download_dir());
    app
}
