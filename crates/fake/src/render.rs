//! Turns posts and the profile into JSON objects holding exactly the requested fields.

use super::cdn::{Signer, picture_name, profile_name, video_name};
use super::feed::{Child, Kind, Post};
use super::fields::Field;
use super::respond::GraphError;
use super::state::GrantApi;
use super::users::User;
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// Fields of a media object in both flavours.
const MEDIA_FIELDS: &[&str] = &[
    "id",
    "caption",
    "media_type",
    "media_url",
    "permalink",
    "thumbnail_url",
    "timestamp",
    "username",
    "children",
];
/// Fields only the Instagram Login API has.
const MEDIA_FIELDS_LOGIN: &[&str] = &[
    "media_product_type",
    "like_count",
    "comments_count",
    "shortcode",
];
const PROFILE_FIELDS_BASIC: &[&str] = &["id", "username", "account_type", "media_count"];
const PROFILE_FIELDS_LOGIN: &[&str] = &[
    "id",
    "user_id",
    "username",
    "name",
    "account_type",
    "profile_picture_url",
    "followers_count",
    "follows_count",
    "media_count",
    "biography",
];

/// `2026-11-20T18:04:11+0000`.
pub(crate) fn timestamp(at: OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+0000");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

fn nonexisting(field: &str, node: &str) -> GraphError {
    GraphError::param(format!(
        "(#100) Tried accessing nonexisting field ({field}) on node type ({node})"
    ))
}

/// Refuses unknown fields (and the `refused` ones) and nested selections
/// on anything but `children`.
pub(crate) fn check_media_fields(
    fields: &[Field],
    flavor: GrantApi,
    refused: &[String],
) -> Result<(), GraphError> {
    for field in fields {
        let name = field.name.as_str();
        let known = (MEDIA_FIELDS.contains(&name)
            || (flavor == GrantApi::InstagramLogin && MEDIA_FIELDS_LOGIN.contains(&name)))
            && !refused.iter().any(|r| r == name);
        if !known {
            return Err(nonexisting(name, "Media"));
        }
        if let Some(sub) = &field.sub {
            if name != "children" {
                return Err(GraphError::param(format!(
                    "(#100) Field {name} is not an edge and takes no sub-fields"
                )));
            }
            check_media_fields(sub, flavor, refused)?;
        }
    }
    Ok(())
}

pub(crate) fn check_profile_fields(
    fields: &[Field],
    flavor: GrantApi,
    refused: &[String],
) -> Result<(), GraphError> {
    let known = match flavor {
        GrantApi::InstagramLogin => PROFILE_FIELDS_LOGIN,
        GrantApi::BasicDisplay => PROFILE_FIELDS_BASIC,
    };
    for field in fields {
        if !known.contains(&field.name.as_str())
            || field.sub.is_some()
            || refused.contains(&field.name)
        {
            return Err(nonexisting(&field.name, "User"));
        }
    }
    Ok(())
}

/// `id` alone: what Graph answers when no `fields` are asked for.
pub(crate) fn default_fields() -> Vec<Field> {
    vec![Field {
        name: "id".to_string(),
        sub: None,
    }]
}

/// Renders media of one account for one token's flavour.
pub(crate) struct Renderer<'a> {
    /// Whose profile and posts (the token's user).
    pub user: &'a User,
    pub signer: Signer,
    pub flavor: GrantApi,
}

impl Renderer<'_> {
    fn login(&self) -> bool {
        self.flavor == GrantApi::InstagramLogin
    }

    fn picture(&self, id: &str, image: usize) -> Value {
        Value::from(self.signer.url(&picture_name(id, image)))
    }

    fn video(&self, id: &str) -> Value {
        Value::from(self.signer.url(&video_name(id)))
    }

    pub(super) fn post(&self, post: &Post, fields: &[Field]) -> Map<String, Value> {
        let mut out = Map::new();
        for field in fields {
            let value = match field.name.as_str() {
                "id" => Some(Value::from(post.id.as_str())),
                "caption" => post.caption.as_deref().map(Value::from),
                "media_type" => Some(Value::from(post.kind.as_str())),
                "media_url" => match post.kind {
                    Kind::Image => Some(self.picture(&post.id, post.image)),
                    Kind::Video if post.has_media_url => Some(self.video(&post.id)),
                    // A reel with licensed music: no file through the API.
                    Kind::Video => None,
                    Kind::Album if post.has_media_url => {
                        post.children.first().map(|c| self.picture(&c.id, c.image))
                    }
                    Kind::Album => None,
                },
                "permalink" => post.permalink().map(Value::from),
                "thumbnail_url" => {
                    (post.kind == Kind::Video).then(|| self.picture(&post.id, post.image))
                }
                "timestamp" => Some(Value::from(timestamp(post.timestamp))),
                "username" => Some(Value::from(self.user.username.as_str())),
                "children" if post.kind == Kind::Album => {
                    let sub = field.sub.clone().unwrap_or_else(default_fields);
                    let data: Vec<Value> = post
                        .children
                        .iter()
                        .map(|c| Value::Object(self.child(post, c, &sub)))
                        .collect();
                    let mut children = Map::new();
                    children.insert("data".to_string(), Value::Array(data));
                    Some(Value::Object(children))
                }
                "media_product_type" if self.login() => Some(Value::from(post.product)),
                "like_count" if self.login() => Some(Value::from(post.like_count)),
                "comments_count" if self.login() => Some(Value::from(post.comments_count)),
                "shortcode" if self.login() => Some(Value::from(post.shortcode.as_str())),
                _ => None,
            };
            if let Some(value) = value {
                out.insert(field.name.clone(), value);
            }
        }
        out
    }

    /// An album child: no caption, no children, no counts.
    pub(super) fn child(
        &self,
        parent: &Post,
        child: &Child,
        fields: &[Field],
    ) -> Map<String, Value> {
        let mut out = Map::new();
        for field in fields {
            let value = match field.name.as_str() {
                "id" => Some(Value::from(child.id.as_str())),
                "media_type" => Some(Value::from(child.kind.as_str())),
                "media_url" => Some(match child.kind {
                    Kind::Video => self.video(&child.id),
                    _ => self.picture(&child.id, child.image),
                }),
                "thumbnail_url" => {
                    (child.kind == Kind::Video).then(|| self.picture(&child.id, child.image))
                }
                "permalink" => parent.permalink().map(Value::from),
                "timestamp" => Some(Value::from(timestamp(parent.timestamp))),
                "username" => Some(Value::from(self.user.username.as_str())),
                "media_product_type" if self.login() => Some(Value::from("CAROUSEL_ITEM")),
                _ => None,
            };
            if let Some(value) = value {
                out.insert(field.name.clone(), value);
            }
        }
        out
    }

    pub(super) fn profile(&self, fields: &[Field]) -> Map<String, Value> {
        let user = self.user;
        let mut out = Map::new();
        for field in fields {
            let value = match (field.name.as_str(), self.flavor) {
                ("id", GrantApi::InstagramLogin) => Value::from(user.app_scoped_id.as_str()),
                ("id", GrantApi::BasicDisplay) => Value::from(user.user_id.as_str()),
                ("user_id", _) => Value::from(user.user_id.as_str()),
                ("username", _) => Value::from(user.username.as_str()),
                ("name", _) => Value::from(user.name.as_str()),
                ("account_type", GrantApi::InstagramLogin) => Value::from(user.account_type),
                ("account_type", GrantApi::BasicDisplay) => Value::from("PERSONAL"),
                ("profile_picture_url", _) => {
                    Value::from(self.signer.url(&profile_name(&user.user_id)))
                }
                ("followers_count", _) => Value::from(user.followers),
                ("follows_count", _) => Value::from(user.follows),
                ("media_count", _) => Value::from(user.account.posts.len()),
                ("biography", _) => Value::from(user.biography.as_str()),
                _ => continue,
            };
            out.insert(field.name.clone(), value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::FakeConfig;
    use super::*;

    #[test]
    fn timestamps_have_no_colon_in_the_offset() {
        let at = time::macros::datetime!(2026-11-20 18:04:11 UTC);
        assert_eq!(timestamp(at), "2026-11-20T18:04:11+0000");
    }

    #[test]
    fn app_scoped_id_is_16_digits_and_stable() {
        let config = FakeConfig::demo();
        assert_eq!(config.app_scoped_id().len(), 16);
        assert_eq!(config.app_scoped_id(), config.app_scoped_id());
        assert_ne!(config.app_scoped_id(), config.user_id);
    }
}
