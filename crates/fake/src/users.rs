//! The Instagram users the fake knows: each with a profile, posts and ids of its own.

use super::config::{FakeConfig, app_scoped_id};
use super::feed::UserFeed;

/// One user who can log in at the fake; tokens and codes name theirs by index.
pub(crate) struct User {
    pub username: String,
    pub user_id: String,
    /// What the Instagram Login API answers as `id` (see `FakeConfig::app_scoped_id`).
    pub app_scoped_id: String,
    pub name: String,
    pub biography: String,
    pub account_type: &'static str,
    pub followers: u64,
    pub follows: u64,
    /// Index into the demo pictures for the profile picture.
    pub picture: usize,
    pub account: UserFeed,
}

impl User {
    /// Whether `name` names this user: the username (with or without `@`),
    /// the user id or the app-scoped id.
    pub(crate) fn is_named(&self, name: &str) -> bool {
        let name = name.trim();
        name == self.user_id
            || name == self.app_scoped_id
            || name.trim_start_matches('@') == self.username
    }
}

/// The configured users, the first one (the demo account) first.
pub(crate) fn from_config(config: &FakeConfig) -> Vec<User> {
    let first = User {
        username: config.username.clone(),
        user_id: config.user_id.clone(),
        app_scoped_id: config.app_scoped_id(),
        name: "Larch & Lake 🌲".to_string(),
        biography: "Larches, lakes and long walks.\nAlps 🏔️".to_string(),
        account_type: "Business",
        followers: 1207,
        follows: 180,
        picture: 0,
        account: UserFeed::generate(config),
    };
    let others = config.other_users.iter().enumerate().map(|(i, u)| User {
        username: u.username.clone(),
        user_id: u.user_id.clone(),
        app_scoped_id: app_scoped_id(&u.user_id, &config.app_id),
        name: u.name.clone(),
        biography: u.biography.clone(),
        account_type: "Business",
        followers: 86 + 40 * i as u64,
        follows: 41,
        picture: 4,
        account: UserFeed::shop(u.post_count, i as u64 + 1),
    });
    std::iter::once(first).chain(others).collect()
}
