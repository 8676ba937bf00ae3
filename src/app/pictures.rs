//! Pictures besides the detail pane's: the profile header's and the grid's tiles on screen,
//! asked for as one set each time what is on screen changes (the executor lets the rest go).

use super::{App, Effect, Screen};
use crate::instagram::{Media, MediaType};

/// The largest side a tile's picture keeps once decoded: a tile is a few
/// dozen cells, so a smaller copy than the pane's keeps memory to what is on
/// screen.
pub const TILE_SIDE: u32 = 360;

/// The profile picture is drawn two rows high: a small copy is plenty.
pub const PROFILE_SIDE: u32 = 160;

/// One picture wanted on screen now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Where the decoded picture is kept in memory (and drawn from).
    pub key: String,
    /// Where its bytes are kept on disk: a tile shares the post's file with
    /// the detail pane.
    pub disk_key: String,
    /// The post (and album item) it belongs to, so that an expired CDN URL
    /// is renewed from the post; `None` for the profile picture.
    pub post: Option<(String, Option<usize>)>,
    pub url: String,
    /// The largest side kept after decoding.
    pub max_side: u32,
}

/// The memory key of a grid tile's picture.
pub fn tile_key(media: &Media) -> String {
    format!("grid:{}", tile_item(media).0)
}

/// The item a tile shows: the post's, or an album's first item's (what
/// the detail pane shows first), with its index.
fn tile_item(media: &Media) -> (&str, Option<usize>) {
    match media.children().first() {
        Some(child) if media.kind() == MediaType::Album => (child.id.as_str(), Some(0)),
        _ => (media.id.as_str(), None),
    }
}

/// The profile picture's disk key: the CDN file's name (a new picture is
/// a new file), so a changed picture is not served from the cache.
fn profile_disk_key(user_id: &str, url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let name: String = path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let user: String = user_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("profile-{user}-{name}")
}

impl App {
    /// The profile picture wanted in the header: pictures on and the header
    /// two rows high (a one-line header has no room for it).
    pub fn profile_picture(&self) -> Option<Picture> {
        if !self.images {
            return None;
        }
        let (width, height) = self.size;
        let body =
            crate::ui::layout::frame(self, ratatui::layout::Rect::new(0, 0, width, height)).body;
        if crate::ui::layout::profile_rows(self, body) < 2 {
            return None;
        }
        let profile = self.stored.profile()?;
        let url = profile.profile_picture_url.as_deref()?;
        let user_id = self.stored.token().map_or("", |t| t.user_id.as_str());
        let disk_key = profile_disk_key(user_id, url);
        Some(Picture {
            key: format!("profile:{disk_key}"),
            disk_key,
            post: None,
            url: url.to_string(),
            max_side: PROFILE_SIDE,
        })
    }

    /// The tiles on screen in the grid, as the grid draws them.
    fn tile_pictures(&self) -> Vec<Picture> {
        if !self.feed.grid {
            return Vec::new();
        }
        let grid = crate::ui::layout::feed_grid(self);
        let first = self.feed.grid_top * grid.columns;
        self.feed
            .visible()
            .iter()
            .skip(first)
            .take(grid.columns * grid.rows)
            .filter_map(|&i| self.feed.items.get(i))
            .filter_map(|media| {
                let (id, child) = tile_item(media);
                let url = media.preview_url()?;
                Some(Picture {
                    key: format!("grid:{id}"),
                    disk_key: id.to_string(),
                    post: Some((media.id.clone(), child)),
                    url: url.to_string(),
                    max_side: TILE_SIDE,
                })
            })
            .collect()
    }

    /// Asks for the pictures on screen when that set changed. Runs after
    /// every message, once the selection is in view.
    pub fn sync_pictures(&mut self, effects: &mut Vec<Effect>) {
        let Some(token) = self.stored.token().map(|t| t.value.clone()) else {
            return;
        };
        let mut wanted = Vec::new();
        if self.images && self.screen == Screen::Feed && !self.feed.full_picture {
            wanted.extend(self.profile_picture());
            wanted.extend(self.tile_pictures());
        }
        let keys: Vec<String> = wanted.iter().map(|p| p.key.clone()).collect();
        if keys == self.feed.pictures_asked {
            return;
        }
        self.feed.pictures_asked = keys;
        effects.push(Effect::LoadPictures {
            pictures: wanted,
            token,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_picture_is_cached_under_its_file_name() {
        let key = profile_disk_key(
            "178414",
            "https://scontent.cdninstagram.com/v/t51.2885-19/4471_n.jpg?oe=67A1&oh=00_x",
        );
        assert_eq!(key, "profile-178414-4471_n_jpg");
        let odd = profile_disk_key("../1", "https://x/../../etc/passwd?");
        assert!(
            odd.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{odd}"
        );
    }
}
