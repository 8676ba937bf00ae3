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
    pub fn default_authorize_url(self) -> &'static str {
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
    pub fn extra_authorize_params(self) -> &'static [(&'static str, &'static str)] {
        match self {
            // `force_reauth` is the name current docs give the forced login
            // (older ones say `force_authentication`).
            Flavor::InstagramLogin => &[("enable_fb_login", "0"), ("force_reauth", "true")],
            Flavor::BasicDisplay => &[],
        }
    }

    /// Fields requested from `/me`; each exactly once.
    pub fn profile_fields(self) -> &'static str {
        match self {
            Flavor::InstagramLogin => {
                "id,user_id,username,account_type,media_count,profile_picture_url,followers_count"
            }
            Flavor::BasicDisplay => "id,username,account_type,media_count",
        }
    }

    /// Fields requested for every media object; each exactly once.
    pub fn media_fields(self) -> &'static str {
        match self {
            Flavor::InstagramLogin => {
                "id,caption,media_type,media_url,permalink,thumbnail_url,timestamp,username,\
                 media_product_type,like_count,comments_count,\
                 children{id,media_type,media_url,thumbnail_url}"
            }
            Flavor::BasicDisplay => {
                "id,caption,media_type,media_url,permalink,thumbnail_url,timestamp,username,\
                 children{id,media_type,media_url,thumbnail_url}"
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Flavor::InstagramLogin => "Instagram API with Instagram Login",
            Flavor::BasicDisplay => "Basic Display API (retired)",
        }
    }
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
            for list in [flavor.profile_fields(), flavor.media_fields()] {
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
    fn parses_both_names() {
        assert_eq!("basic-display".parse(), Ok(Flavor::BasicDisplay));
        assert_eq!("instagram-login".parse(), Ok(Flavor::InstagramLogin));
        assert!("graph".parse::<Flavor>().is_err());
    }
}
