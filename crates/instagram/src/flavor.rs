//! The two API flavours and what differs between them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Which Instagram API the app was created for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Flavor {
    /// Instagram API with Instagram Login (Business and Creator accounts).
    #[default]
    InstagramLogin,
    /// The Basic Display API, retired on 2024-12-04.
    BasicDisplay,
}

impl Flavor {
    pub const ALL: [Flavor; 2] = [Flavor::InstagramLogin, Flavor::BasicDisplay];

    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::InstagramLogin => "instagram-login",
            Flavor::BasicDisplay => "basic-display",
        }
    }

    /// Where the user's browser is sent to grant access.
    pub(crate) fn default_authorize_url(self) -> &'static str {
        match self {
            Flavor::InstagramLogin => "https://www.instagram.com/oauth/authorize",
            Flavor::BasicDisplay => "https://api.instagram.com/oauth/authorize",
        }
    }

    pub fn default_scopes(self) -> Vec<String> {
        match self {
            Flavor::InstagramLogin => vec!["instagram_business_basic".to_string()],
            Flavor::BasicDisplay => vec!["user_profile".to_string(), "user_media".to_string()],
        }
    }

    /// Extra query pairs the authorize URL carries for this flavour.
    pub(crate) fn extra_authorize_params(self) -> &'static [(&'static str, &'static str)] {
        match self {
            // `force_reauth` is the name current docs give the forced login
            // (older ones say `force_authentication`).
            Flavor::InstagramLogin => &[("enable_fb_login", "0"), ("force_reauth", "true")],
            Flavor::BasicDisplay => &[],
        }
    }

    /// Fields requested from `/me`; each exactly once. `optional` false
    /// leaves out `Flavor::optional_fields` (see `Client`'s fallback).
    pub fn profile_fields(self, optional: bool) -> &'static str {
        match (self, optional) {
            (Flavor::InstagramLogin, true) => {
                "id,user_id,username,name,account_type,media_count,profile_picture_url,\
                 followers_count,follows_count"
            }
            (Flavor::InstagramLogin, false) => "id,user_id,username,account_type,media_count",
            (Flavor::BasicDisplay, _) => "id,username,account_type,media_count",
        }
    }

    /// Fields requested for every media object; each exactly once.
    /// `optional` false leaves out `Flavor::optional_fields`.
    pub fn media_fields(self, optional: bool) -> &'static str {
        match (self, optional) {
            (Flavor::InstagramLogin, true) => {
                "id,caption,media_type,media_url,permalink,thumbnail_url,timestamp,username,\
                 media_product_type,like_count,comments_count,\
                 children{id,media_type,media_url,thumbnail_url}"
            }
            (Flavor::InstagramLogin, false) | (Flavor::BasicDisplay, _) => {
                "id,caption,media_type,media_url,permalink,thumbnail_url,timestamp,username,\
                 children{id,media_type,media_url,thumbnail_url}"
            }
        }
    }

    /// The fields asked for that nothing depends on: the extras of the
    /// current API. Meta's reference marks some (`media_product_type`) as
    /// Facebook Login only, and one refused field fails the whole request,
    /// so on such a refusal they are left out (see `Client`).
    pub(crate) fn optional_fields(self, node: Node) -> &'static [&'static str] {
        match (self, node) {
            (Flavor::InstagramLogin, Node::Media) => {
                &["media_product_type", "like_count", "comments_count"]
            }
            (Flavor::InstagramLogin, Node::Profile) => &[
                "name",
                "profile_picture_url",
                "followers_count",
                "follows_count",
            ],
            (Flavor::BasicDisplay, _) => &[],
        }
    }
}

/// The kinds of object whose fields instatui chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// `/me`.
    Profile,
    /// A post, in a page of `/me/media` or alone.
    Media,
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Flavor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "instagram-login" | "login" | "instagram" => Ok(Flavor::InstagramLogin),
            "basic-display" | "basic" => Ok(Flavor::BasicDisplay),
            other => Err(format!(
                "unknown flavour '{other}': use instagram-login or basic-display"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists_never_repeat_a_field() {
        for flavor in Flavor::ALL {
            for list in [true, false]
                .into_iter()
                .flat_map(|o| [flavor.profile_fields(o), flavor.media_fields(o)])
            {
                let top: Vec<&str> = list
                    .split('{')
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .collect();
                let mut sorted = top.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(sorted.len(), top.len(), "{list}");
            }
        }
    }

    #[test]
    fn without_the_optional_fields_only_they_are_gone() {
        for flavor in Flavor::ALL {
            for (node, full, lean) in [
                (
                    Node::Media,
                    flavor.media_fields(true),
                    flavor.media_fields(false),
                ),
                (
                    Node::Profile,
                    flavor.profile_fields(true),
                    flavor.profile_fields(false),
                ),
            ] {
                let optional = flavor.optional_fields(node);
                let top = |list: &str| -> Vec<String> {
                    let top = list.split('{').next().unwrap_or_default().to_string();
                    top.split(',')
                        .filter(|f| !f.is_empty())
                        .map(String::from)
                        .collect()
                };
                let kept: Vec<String> = top(full)
                    .into_iter()
                    .filter(|f| !optional.contains(&f.as_str()))
                    .collect();
                assert_eq!(kept, top(lean), "{flavor} {node:?}");
                assert_eq!(full.contains("children{"), lean.contains("children{"));
            }
        }
    }

    #[test]
    fn parses_both_names() {
        assert_eq!("basic-display".parse(), Ok(Flavor::BasicDisplay));
        assert_eq!("instagram-login".parse(), Ok(Flavor::InstagramLogin));
        assert!("graph".parse::<Flavor>().is_err());
    }
}
