//! The Credentials screen: a form for app id, secret, redirect URI, flavour and scopes.

use super::field::TextField;
use crate::credentials as rules;
use crate::instagram::Flavor;
use crate::secret::Secret;
use crate::store::{AppConfig, State};

/// The key that goes to Authorize, named where a new authorize is offered.
pub(crate) fn authorize_key() -> String {
    super::keymap::GLOBAL
        .iter()
        .find(|b| b.action == super::keymap::Action::GoTo(super::Screen::Authorize))
        .map(|b| b.short_label())
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    AppId,
    AppSecret,
    RedirectUri,
    Flavor,
    Scopes,
}

impl FieldId {
    pub(crate) const ORDER: [FieldId; 5] = [
        FieldId::AppId,
        FieldId::AppSecret,
        FieldId::RedirectUri,
        FieldId::Flavor,
        FieldId::Scopes,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            FieldId::AppId => "App ID",
            FieldId::AppSecret => "App secret",
            FieldId::RedirectUri => "Redirect URI",
            FieldId::Flavor => "API",
            FieldId::Scopes => "Scopes",
        }
    }
}

/// What validation says about one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Ok,
    Warning(String),
    Error(String),
}

#[derive(Debug, Clone)]
pub struct CredentialsForm {
    pub app_id: TextField,
    pub app_secret: TextField,
    pub redirect_uri: TextField,
    pub flavor: Flavor,
    pub scopes: TextField,
    /// The field taking keys: `None` until the user enters one with Enter
    /// or `e`, so that navigation keys never type into a field.
    pub focus: Option<FieldId>,
    /// The field the marker is on: where Enter and `e` start editing.
    pub cursor: FieldId,
    pub reveal_secret: bool,
    /// Validation is shown once the user tried to save or left a field.
    pub show_checks: bool,
}

impl CredentialsForm {
    pub(crate) fn from_state(state: &State) -> Self {
        let app = state.app();
        let flavor = state.flavor_for(None);
        CredentialsForm {
            app_id: TextField::new(app.map(|a| a.app_id.clone()).unwrap_or_default()),
            app_secret: TextField::new(
                app.map(|a| a.app_secret.expose().to_string())
                    .unwrap_or_default(),
            ),
            redirect_uri: TextField::new(app.map(|a| a.redirect_uri.clone()).unwrap_or_default()),
            flavor,
            scopes: TextField::new(app.map(|a| a.scopes.join(",")).unwrap_or_default()),
            focus: None,
            cursor: FieldId::AppId,
            reveal_secret: false,
            show_checks: app.is_some(),
        }
    }

    pub(crate) fn field_mut(&mut self, id: FieldId) -> Option<&mut TextField> {
        match id {
            FieldId::AppId => Some(&mut self.app_id),
            FieldId::AppSecret => Some(&mut self.app_secret),
            FieldId::RedirectUri => Some(&mut self.redirect_uri),
            FieldId::Scopes => Some(&mut self.scopes),
            FieldId::Flavor => None,
        }
    }

    pub(crate) fn field(&self, id: FieldId) -> Option<&TextField> {
        match id {
            FieldId::AppId => Some(&self.app_id),
            FieldId::AppSecret => Some(&self.app_secret),
            FieldId::RedirectUri => Some(&self.redirect_uri),
            FieldId::Scopes => Some(&self.scopes),
            FieldId::Flavor => None,
        }
    }

    /// Moves the marker; a field being edited stays in edit mode on the next one.
    pub(crate) fn move_focus(&mut self, forward: bool) {
        let index = FieldId::ORDER
            .iter()
            .position(|f| *f == self.cursor)
            .unwrap_or(0);
        let len = FieldId::ORDER.len();
        let next = if forward {
            (index + 1) % len
        } else {
            (index + len - 1) % len
        };
        self.cursor = FieldId::ORDER[next];
        if self.focus.is_some() {
            self.focus = Some(self.cursor);
        }
        self.show_checks = true;
    }

    /// Starts editing the field under the marker.
    pub(crate) fn edit(&mut self) {
        self.focus = Some(self.cursor);
    }

    /// Whether the form differs from what `state.json` holds: such edits are
    /// marked on screen and only dropped after the user says so.
    pub fn is_dirty(&self, stored: &State) -> bool {
        let saved = CredentialsForm::from_state(stored);
        self.app_id.value() != saved.app_id.value()
            || self.app_secret.value() != saved.app_secret.value()
            || self.redirect_uri.value() != saved.redirect_uri.value()
            || self.flavor != saved.flavor
            || self.scopes.value() != saved.scopes.value()
    }

    /// Throws the edits away: the form shows what is saved again.
    pub(crate) fn discard(&mut self, stored: &State) {
        let cursor = self.cursor;
        *self = CredentialsForm::from_state(stored);
        self.cursor = cursor;
    }

    pub(crate) fn cycle_flavor(&mut self) {
        let old_defaults = self.flavor.default_scopes().join(",");
        self.flavor = match self.flavor {
            Flavor::InstagramLogin => Flavor::BasicDisplay,
            Flavor::BasicDisplay => Flavor::InstagramLogin,
        };
        // Scopes left at the old flavour's defaults follow the flavour.
        if self.scopes.value().trim().is_empty() || self.scopes.value() == old_defaults {
            self.scopes.set(self.flavor.default_scopes().join(","));
        }
    }

    pub fn check(&self, id: FieldId) -> Check {
        let to_check = |r: Result<(), String>| r.map_or_else(Check::Error, |()| Check::Ok);
        match id {
            FieldId::AppId => to_check(rules::check_app_id(self.app_id.value())),
            FieldId::AppSecret => to_check(rules::check_app_secret(self.app_secret.value())),
            FieldId::RedirectUri => match rules::check_redirect_uri(self.redirect_uri.value()) {
                Err(e) => Check::Error(e),
                Ok(warnings) if warnings.is_empty() => Check::Ok,
                Ok(warnings) => Check::Warning(warnings.join("; ")),
            },
            FieldId::Flavor => match self.flavor {
                Flavor::BasicDisplay => {
                    Check::Warning("retired on 2024-12-04: real apps need instagram-login".into())
                }
                Flavor::InstagramLogin => Check::Ok,
            },
            FieldId::Scopes => to_check(rules::check_scopes(&self.parsed_scopes(), self.flavor)),
        }
    }

    pub(crate) fn parsed_scopes(&self) -> Vec<String> {
        rules::parse_scopes(self.scopes.value(), self.flavor)
    }

    /// The configuration to save, or the first field in error.
    pub(crate) fn to_app_config(&self) -> Result<AppConfig, (FieldId, String)> {
        for id in FieldId::ORDER {
            if let Check::Error(e) = self.check(id) {
                return Err((id, e));
            }
        }
        Ok(AppConfig {
            flavor: self.flavor,
            app_id: self.app_id.value().trim().to_string(),
            app_secret: Secret::new(self.app_secret.value().trim()),
            redirect_uri: self.redirect_uri.value().to_string(),
            scopes: self.parsed_scopes(),
        })
    }
}
