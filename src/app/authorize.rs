//! The Authorize screen: the authorize URL, the paste field, and the three exchange steps.

use super::field::TextField;
use super::{App, Effect, Level, Popup, Screen};
use crate::instagram::authorize::{AuthorizeRequest, authorize_url};
use crate::instagram::paste::{PasteError, parse_paste};
use crate::instagram::{ApiError, Endpoints, LongToken, Profile, ShortToken};
use crate::lifetime;
use crate::store::TokenKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepProgress {
    Pending,
    Running,
    Done(String),
    Failed(String),
}

pub(crate) const STEP_TITLES: [&str; 3] = [
    "Exchange the code for a short-lived token (1 hour)",
    "Exchange it for a long-lived token (60 days)",
    "Fetch the profile",
];

#[derive(Debug, Clone)]
pub struct AuthorizeView {
    pub paste: TextField,
    pub paste_focused: bool,
    pub steps: [StepProgress; 3],
    /// Why the last paste could not be used.
    pub error: Option<String>,
    pub(crate) warnings: Vec<String>,
    /// The generation of the exchange in flight, if any.
    pub running: Option<u64>,
    /// This authorization adds an account (`n` on Accounts): in the demo,
    /// the stand-in browser logs in as a user not stored yet.
    pub adding: bool,
}

impl Default for AuthorizeView {
    fn default() -> Self {
        AuthorizeView {
            paste: TextField::default(),
            paste_focused: false,
            steps: [
                StepProgress::Pending,
                StepProgress::Pending,
                StepProgress::Pending,
            ],
            error: None,
            warnings: Vec::new(),
            running: None,
            adding: false,
        }
    }
}

impl App {
    pub(crate) fn endpoints(&self) -> Endpoints {
        let flavor = self.stored.flavor_for(None);
        Endpoints::resolve(
            flavor,
            &self.stored.endpoints,
            self.base_override.as_deref(),
        )
        .with_env_version(self.graph_version_override.as_deref())
    }

    /// The URL for the pending authorization, if credentials are saved.
    pub fn authorize_url(&self) -> Option<String> {
        let app = self.stored.app()?;
        let pending = self.stored.pending_authorization.as_ref()?;
        let endpoints = self.endpoints();
        authorize_url(&AuthorizeRequest {
            authorize_url: &endpoints.authorize_url,
            flavor: app.flavor,
            app_id: &app.app_id,
            redirect_uri: &app.redirect_uri,
            scopes: &app.scopes,
            nonce: &pending.nonce,
        })
        .ok()
    }

    /// Issues a fresh `state` when there is none, so the URL on screen is
    /// the one the paste is checked against.
    pub(crate) fn ensure_pending_authorization(&mut self, effects: &mut Vec<Effect>) {
        if self.stored.app().is_some() && self.stored.pending_authorization.is_none() {
            self.new_authorization(effects);
        }
    }

    pub(crate) fn new_authorization(&mut self, effects: &mut Vec<Effect>) {
        let nonce = (self.new_nonce)();
        let now = self.now;
        effects.push(self.persist(|s| s.begin_authorization(nonce, now)));
    }

    /// One status at a time: a new attempt (open the browser again, another
    /// paste) drops the error of the attempt before it, so an `Invalid
    /// platform app` no longer stands beside the new attempt's news.
    fn forget_last_attempt(&mut self) {
        if self
            .status
            .as_ref()
            .is_some_and(|s| matches!(s.level, Level::Error | Level::Warning))
        {
            self.status = None;
        }
        self.authorize.error = None;
        for step in &mut self.authorize.steps {
            if matches!(step, StepProgress::Failed(_)) {
                *step = StepProgress::Pending;
            }
        }
    }

    pub(crate) fn open_browser(&mut self, effects: &mut Vec<Effect>) {
        let Some(url) = self.authorize_url() else {
            self.set_status(Level::Warning, "save the credentials first (press 1)");
            return;
        };
        // A new attempt: the last one's error no longer applies.
        self.forget_last_attempt();
        if self.demo {
            self.popup = Some(Popup::DemoConsent);
            return;
        }
        self.set_status(
            Level::Info,
            "opening the browser… if none appears, copy the URL (c) and open it yourself",
        );
        effects.push(Effect::OpenUrl(url));
    }

    pub(crate) fn submit_paste(&mut self, effects: &mut Vec<Effect>) {
        if self.authorize.running.is_some() {
            self.set_status(Level::Info, "an exchange is already running");
            return;
        }
        let Some(app) = self.stored.app().cloned() else {
            self.set_status(Level::Warning, "save the credentials first (press 1)");
            return;
        };
        let expected = self
            .stored
            .pending_authorization
            .as_ref()
            .map(|p| p.nonce.clone());
        match parse_paste(
            self.authorize.paste.value(),
            expected.as_deref(),
            Some(&app.redirect_uri),
        ) {
            Err(e) => {
                self.forget_last_attempt();
                if e == PasteError::NotPending {
                    // The state was used up: a fresh URL to authorize again with.
                    self.new_authorization(effects);
                }
                self.authorize.error = Some(e.to_string());
                self.authorize.warnings.clear();
            }
            Ok(pasted) => {
                let generation = self.next_generation();
                self.authorize.error = None;
                // A new attempt: the last one's messages no longer apply.
                self.status = None;
                self.authorize.warnings = pasted.warnings;
                self.authorize.steps = [
                    StepProgress::Running,
                    StepProgress::Pending,
                    StepProgress::Pending,
                ];
                self.authorize.running = Some(generation);
                self.authorize.paste_focused = false;
                effects.push(Effect::ExchangeCode {
                    generation,
                    app,
                    code: pasted.code,
                });
            }
        }
    }

    fn exchange_failed(&mut self, step: usize, err: &ApiError, note: &str) {
        self.authorize.steps[step] = StepProgress::Failed(format!("{err}{note}"));
        self.authorize.running = None;
        self.set_status(
            Level::Error,
            format!("{} failed: {}", STEP_TITLES[step], err.message),
        );
    }

    pub(crate) fn on_code_exchanged(
        &mut self,
        generation: u64,
        result: Result<ShortToken, ApiError>,
        effects: &mut Vec<Effect>,
    ) {
        if self.authorize.running != Some(generation) {
            return;
        }
        match result {
            Err(err) => self.exchange_failed(0, &err, ""),
            Ok(short) => {
                let stored = lifetime::from_short(&short, self.now);
                let app_secret = self.stored.app().map(|a| a.app_secret.clone());
                // The list on screen is the account active so far: cached
                // under its id before another account's token takes over.
                self.flush_feed_cache(effects);
                let mut id = None;
                effects.push(self.persist(|s| {
                    id = Some(s.record_authorization(stored.clone()));
                }));
                if let Some(id) = id {
                    self.forget_verdict(&id);
                }
                self.authorize.adding = false;
                self.feed.reset();
                effects.push(Effect::LoadFeedCache {
                    user_id: stored.user_id.clone(),
                });
                self.authorize.paste.set("");
                self.authorize.steps[0] = StepProgress::Done(format!("user id {}", short.user_id));
                self.authorize.steps[1] = StepProgress::Running;
                match app_secret {
                    Some(app_secret) => effects.push(Effect::ExchangeLongLived {
                        generation,
                        app_secret,
                        short_token: stored.value,
                    }),
                    None => {
                        self.authorize.running = None;
                        self.authorize.steps[1] = StepProgress::Failed(
                            "the credentials are gone: save them again (press 1)".into(),
                        );
                    }
                }
            }
        }
    }

    pub(crate) fn on_long_lived(
        &mut self,
        generation: u64,
        result: Result<LongToken, ApiError>,
        effects: &mut Vec<Effect>,
    ) {
        if self.authorize.running != Some(generation) {
            return;
        }
        let (Some(id), Some(previous)) = (self.stored.active.clone(), self.stored.token().cloned())
        else {
            // The token went away meanwhile (changed credentials): nothing to upgrade.
            self.authorize.running = None;
            self.authorize.steps[1] = StepProgress::Failed(
                "the short-lived token is gone: paste a fresh redirect".into(),
            );
            return;
        };
        match result {
            Err(err) => self.exchange_failed(
                1,
                &err,
                " (the short-lived token is saved and works for an hour)",
            ),
            Ok(long) => {
                let stored = lifetime::from_long(&long, &previous, self.now);
                let left = lifetime::countdown(&stored, self.now).to_string();
                effects.push(self.persist(|s| s.record_upgrade(&id, stored.clone())));
                self.hand_off(effects);
                self.authorize.steps[1] = StepProgress::Done(left);
                self.authorize.steps[2] = StepProgress::Running;
                effects.push(Effect::FetchProfile {
                    generation,
                    token: stored.value,
                });
            }
        }
    }

    pub(crate) fn on_profile(
        &mut self,
        generation: u64,
        result: Result<Profile, ApiError>,
        effects: &mut Vec<Effect>,
    ) {
        let from_exchange = self.authorize.running == Some(generation);
        match result {
            Err(err) if from_exchange => {
                self.exchange_failed(2, &err, " (the token is saved; the feed still works)");
            }
            Err(err) => self.set_status(Level::Error, format!("profile: {err}")),
            Ok(profile) => {
                let who = profile
                    .username
                    .clone()
                    .map_or_else(|| "your account".to_string(), |u| format!("@{u}"));
                if let Some(id) = self.stored.active.clone() {
                    effects.push(self.persist(|s| {
                        s.record_profile(&id, profile);
                    }));
                }
                if from_exchange {
                    self.authorize.steps[2] = StepProgress::Done(who.clone());
                    self.authorize.running = None;
                    let kind = self.stored.token().map(|t| t.kind);
                    if kind == Some(TokenKind::Long) {
                        self.screen = Screen::Token;
                    }
                    self.set_status(
                        Level::Success,
                        format!("authorized as {who}: press 4 to browse the feed"),
                    );
                    if kind == Some(TokenKind::Long) {
                        self.offer_keep_alive();
                    }
                }
            }
        }
    }

    pub(crate) fn on_demo_redirect(&mut self, result: Result<String, String>) {
        match result {
            Ok(location) => {
                self.authorize.paste.set(location);
                self.authorize.paste_focused = true;
                self.authorize.error = None;
                self.set_status(
                    Level::Info,
                    "this is the address the browser lands on: press Enter to exchange it",
                );
            }
            Err(e) => self.set_status(Level::Error, e),
        }
    }
}
