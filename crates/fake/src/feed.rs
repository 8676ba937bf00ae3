//! The fake users' posts: deterministic, generated lists, newest first (the demo account's with every oddity, the shop's plain).

use super::config::FakeConfig;
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

/// When the newest post was published.
const NEWEST: OffsetDateTime = time::macros::datetime!(2026-11-20 18:04:11 UTC);
/// When the shop's newest post was published.
const SHOP_NEWEST: OffsetDateTime = time::macros::datetime!(2026-11-24 09:30:00 UTC);

const SHORTCODE_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Index of the post whose caption has several lines.
pub(crate) const MULTILINE_POST: usize = 1;
/// Index of the post with an Arabic (right-to-left) caption.
pub(crate) const RTL_POST: usize = 6;
/// Index of the post with a very long caption.
pub(crate) const LONG_POST: usize = 8;
/// Index of the album that has no `media_url`.
pub(crate) const ALBUM_WITHOUT_MEDIA_URL: usize = 10;
/// Index of the video that has no `permalink` (copyrighted audio).
pub(crate) const VIDEO_WITHOUT_PERMALINK: usize = 12;
/// The same reel has licensed music, so no `media_url` either: the API
/// offers only its cover (`thumbnail_url`).
pub(crate) const LICENSED_MUSIC_REEL: usize = VIDEO_WITHOUT_PERMALINK;
/// The post whose insights Instagram refuses with "(#10) Not enough viewers".
pub(crate) const NOT_ENOUGH_VIEWERS_POST: usize = 5;
/// The post whose insights come back as an empty set (not computed yet).
pub(crate) const NO_INSIGHTS_YET_POST: usize = 9;

/// What `/{media-id}/insights` answers for a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InsightsCase {
    Numbers,
    NotEnoughViewers,
    Empty,
}

const CAPTIONS: &[&str] = &[
    "Golden hour over the larches 🌲✨ #larch #autumn",
    "Morning fog on the lake 🌫️🏔️",
    "Trail run, 21 km, 1,200 m up. Legs: 💀",
    "Found this little guy by the water 🦆",
    "First snow on the ridge ❄️ #alps",
    "Coffee, map, plan. ☕🗺️",
    "Sunset from the hut — worth every step 🌅",
    "Stars over the valley ✨ 30 s exposure, f/2.8, ISO 3200",
    "Larch season is short. Go now. 🍂",
    "Reflections 🪞 #lake #calm",
    "Rainy day edits 🌧️",
    "Trying the new lens 📷 thoughts?",
    "Wildflowers above the tree line 🌼🌸 (Bergblumen über der Baumgrenze)",
];

/// The shop's captions: none of the demo's, so a screen shows whose feed it is.
const SHOP_CAPTIONS: &[&str] = &[
    "New in: speckled mugs, glazed in the back room ☕ #pottery",
    "Kiln opening day: every piece a little different 🔥",
    "Market stall this Saturday, 9 to 14 h 🛍️",
    "Trimming bowls, behind the counter 🏺",
    "Back in stock: the blue planters 💙",
    "Packing Friday's orders 📦",
    "Seconds sale this weekend: 30 % off 🏷️",
    "Gift cards now in the shop 🎁",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Image,
    Video,
    Album,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "IMAGE",
            Kind::Video => "VIDEO",
            Kind::Album => "CAROUSEL_ALBUM",
        }
    }
}

/// One child of an album: no caption, no own permalink.
#[derive(Clone, Debug)]
pub(crate) struct Child {
    pub id: String,
    pub kind: Kind,
    /// Index into the demo pictures.
    pub image: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct Post {
    pub id: String,
    pub shortcode: String,
    pub kind: Kind,
    pub caption: Option<String>,
    pub timestamp: OffsetDateTime,
    /// Index into the demo pictures (the video thumbnail for videos).
    pub image: usize,
    /// `FEED` or `REELS`.
    pub product: &'static str,
    pub has_permalink: bool,
    pub has_media_url: bool,
    pub like_count: u64,
    pub comments_count: u64,
    pub children: Vec<Child>,
    pub insights: InsightsCase,
}

impl Post {
    /// `https://www.instagram.com/p/<shortcode>/` (`/reel/` for reels).
    pub(crate) fn permalink(&self) -> Option<String> {
        if !self.has_permalink {
            return None;
        }
        let kind = if self.product == "REELS" { "reel" } else { "p" };
        Some(format!(
            "https://www.instagram.com/{kind}/{}/",
            self.shortcode
        ))
    }
}

/// One fake user's posts, newest first, and indexes by id (named apart from
/// the app's `store::Account`).
pub(crate) struct UserFeed {
    pub posts: Vec<Post>,
    post_by_id: HashMap<String, usize>,
    child_by_id: HashMap<String, (usize, usize)>,
}

impl UserFeed {
    pub(crate) fn generate(config: &FakeConfig) -> UserFeed {
        let images = super::cdn::IMAGE_COUNT;
        let mut posts = Vec::with_capacity(config.post_count);
        let mut timestamp = NEWEST;
        for i in 0..config.post_count {
            let seed = mix(i as u64);
            if i > 0 {
                // One to two days before the previous post.
                timestamp -= Duration::seconds(86_400 + (seed % 86_400) as i64);
            }
            let kind = match i {
                ALBUM_WITHOUT_MEDIA_URL => Kind::Album,
                VIDEO_WITHOUT_PERMALINK => Kind::Video,
                _ => match i % 7 {
                    2 | 5 => Kind::Video,
                    3 => Kind::Album,
                    _ => Kind::Image,
                },
            };
            let id_number = 17_899_000_000_000_000 - (i as u64) * 1_000_003_917 - seed % 1_000_000;
            let children = if kind == Kind::Album {
                let count = 2 + (seed >> 20) as usize % 3;
                (0..count)
                    .map(|j| Child {
                        id: (17_950_000_000_000_000
                            - (i as u64) * 1_000_003_917
                            - (j as u64) * 1_000
                            - seed % 997)
                            .to_string(),
                        kind: if j == 1 { Kind::Video } else { Kind::Image },
                        image: (i + j) % images,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            posts.push(Post {
                id: id_number.to_string(),
                shortcode: shortcode(mix(seed ^ 0x5eed)),
                kind,
                caption: caption(i),
                timestamp,
                // The newest post shows the lake picture, the first thing the demo shows.
                image: if i == 0 {
                    0
                } else {
                    (seed >> 8) as usize % images
                },
                product: if kind == Kind::Video && (i % 7 == 2 || i == LICENSED_MUSIC_REEL) {
                    "REELS"
                } else {
                    "FEED"
                },
                has_permalink: i != VIDEO_WITHOUT_PERMALINK,
                has_media_url: i != ALBUM_WITHOUT_MEDIA_URL && i != LICENSED_MUSIC_REEL,
                like_count: 10 + (seed >> 12) % 900,
                comments_count: (seed >> 24) % 40,
                children,
                insights: match i {
                    NOT_ENOUGH_VIEWERS_POST => InsightsCase::NotEnoughViewers,
                    NO_INSIGHTS_YET_POST => InsightsCase::Empty,
                    _ => InsightsCase::Numbers,
                },
            });
        }
        UserFeed::indexed(posts)
    }

    /// Another user's posts: a shop's, images, albums and a few videos,
    /// each with a caption and a permalink. `salt` (the user's place among
    /// the fake's users) keeps ids apart from every other user's.
    pub(crate) fn shop(post_count: usize, salt: u64) -> UserFeed {
        let images = super::cdn::IMAGE_COUNT;
        let base = 17_600_000_000_000_000 - salt * 10_000_000_000_000;
        let child_base = 17_650_000_000_000_000 - salt * 10_000_000_000_000;
        let mut timestamp = SHOP_NEWEST;
        let mut posts = Vec::with_capacity(post_count);
        for i in 0..post_count {
            let seed = mix((i as u64) ^ (salt << 40) ^ 0x5409);
            if i > 0 {
                // Two to four days before the previous post.
                timestamp -= Duration::seconds(2 * 86_400 + (seed % (2 * 86_400)) as i64);
            }
            let kind = match i % 6 {
                1 | 4 => Kind::Album,
                3 => Kind::Video,
                _ => Kind::Image,
            };
            let image = (i * 3 + 4 + salt as usize) % images;
            let children = if kind == Kind::Album {
                (0..2 + i % 2)
                    .map(|j| Child {
                        id: (child_base - (i as u64) * 1_000_003_917 - (j as u64) * 1_000)
                            .to_string(),
                        kind: Kind::Image,
                        image: (image + j + 1) % images,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            posts.push(Post {
                id: (base - (i as u64) * 1_000_003_917 - seed % 1_000_000).to_string(),
                shortcode: shortcode(mix(seed ^ 0x5eed)),
                kind,
                caption: Some(SHOP_CAPTIONS[i % SHOP_CAPTIONS.len()].to_string()),
                timestamp,
                image,
                product: "FEED",
                has_permalink: true,
                has_media_url: true,
                like_count: 3 + (seed >> 12) % 120,
                comments_count: (seed >> 24) % 12,
                children,
                insights: InsightsCase::Numbers,
            });
        }
        UserFeed::indexed(posts)
    }

    fn indexed(posts: Vec<Post>) -> UserFeed {
        let post_by_id = posts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        let child_by_id = posts
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                p.children
                    .iter()
                    .enumerate()
                    .map(move |(j, c)| (c.id.clone(), (i, j)))
            })
            .collect();
        UserFeed {
            posts,
            post_by_id,
            child_by_id,
        }
    }

    pub(crate) fn post(&self, id: &str) -> Option<&Post> {
        self.post_by_id.get(id).and_then(|&i| self.posts.get(i))
    }

    pub(crate) fn index_of(&self, id: &str) -> Option<usize> {
        self.post_by_id.get(id).copied()
    }

    /// The child with this id and the album it belongs to.
    pub(crate) fn child(&self, id: &str) -> Option<(&Post, &Child)> {
        let &(i, j) = self.child_by_id.get(id)?;
        let post = self.posts.get(i)?;
        Some((post, post.children.get(j)?))
    }
}

fn caption(i: usize) -> Option<String> {
    match i {
        MULTILINE_POST => Some(
            "Three days on the ridge 🏔️\n\nDay 1: fog.\nDay 2: more fog.\nDay 3: this. ☀️\n\n\
             #hiking #larch #nofilter"
                .to_string(),
        ),
        RTL_POST => Some("غروب الشمس فوق البحيرة 🌅 مساء الخير من الجبال".to_string()),
        LONG_POST => Some(
            "A very long story about a very long walk. "
                .repeat(40)
                .trim_end()
                .to_string(),
        ),
        _ if i % 5 == 4 => None,
        _ => Some(CAPTIONS[i % CAPTIONS.len()].to_string()),
    }
}

fn shortcode(mut bits: u64) -> String {
    let mut code = String::from("C");
    for _ in 0..10 {
        code.push(char::from(SHORTCODE_CHARS[(bits % 64) as usize]));
        bits /= 64;
    }
    code
}

/// splitmix64: a fixed, well-spread pseudo-random value per index.
pub(crate) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn account(posts: usize) -> UserFeed {
        UserFeed::generate(&FakeConfig {
            post_count: posts,
            ..FakeConfig::demo()
        })
    }

    #[test]
    fn demo_account_has_every_documented_oddity() {
        let a = account(64);
        assert_eq!(a.posts.len(), 64);
        let kinds: HashSet<_> = a.posts.iter().map(|p| p.kind).collect();
        assert_eq!(kinds.len(), 3);
        assert!(a.posts.iter().any(|p| p.product == "REELS"));
        assert!(a.posts.iter().filter(|p| p.caption.is_none()).count() >= 10);
        assert!(
            a.posts[RTL_POST]
                .caption
                .as_deref()
                .unwrap()
                .contains("مساء")
        );
        assert!(
            a.posts[MULTILINE_POST]
                .caption
                .as_deref()
                .unwrap()
                .contains('\n')
        );
        assert!(a.posts[LONG_POST].caption.as_deref().unwrap().len() > 1000);
        assert!(!a.posts[ALBUM_WITHOUT_MEDIA_URL].has_media_url);
        assert_eq!(a.posts[ALBUM_WITHOUT_MEDIA_URL].kind, Kind::Album);
        assert!(a.posts[VIDEO_WITHOUT_PERMALINK].permalink().is_none());
        assert!(!a.posts[LICENSED_MUSIC_REEL].has_media_url);
        assert_eq!(a.posts[LICENSED_MUSIC_REEL].product, "REELS");
        for album in a.posts.iter().filter(|p| p.kind == Kind::Album) {
            assert!((2..=4).contains(&album.children.len()));
            assert_eq!(album.children[1].kind, Kind::Video);
        }
    }

    #[test]
    fn ids_are_unique_17_digit_strings_and_time_goes_backwards() {
        let a = account(500);
        let mut seen = HashSet::new();
        for p in &a.posts {
            for id in std::iter::once(&p.id).chain(p.children.iter().map(|c| &c.id)) {
                assert_eq!(id.len(), 17, "{id}");
                assert!(seen.insert(id.clone()), "duplicate {id}");
            }
        }
        for pair in a.posts.windows(2) {
            let gap = pair[0].timestamp - pair[1].timestamp;
            assert!(gap >= Duration::days(1) && gap < Duration::days(2));
        }
        let codes: HashSet<_> = a.posts.iter().map(|p| &p.shortcode).collect();
        assert_eq!(codes.len(), 500);
    }

    #[test]
    fn the_shop_has_its_own_posts_and_captions() {
        let demo = account(500);
        let shop = UserFeed::shop(40, 1);
        assert_eq!(shop.posts.len(), 40);
        let demo_ids: HashSet<&str> = demo
            .posts
            .iter()
            .flat_map(|p| std::iter::once(&p.id).chain(p.children.iter().map(|c| &c.id)))
            .map(String::as_str)
            .collect();
        for p in &shop.posts {
            assert_eq!(p.id.len(), 17, "{}", p.id);
            assert!(!demo_ids.contains(p.id.as_str()), "{}", p.id);
            for c in &p.children {
                assert!(!demo_ids.contains(c.id.as_str()), "{}", c.id);
            }
            let caption = p.caption.as_deref().unwrap();
            assert!(!CAPTIONS.contains(&caption), "{caption}");
        }
        let kinds: HashSet<_> = shop.posts.iter().map(|p| p.kind).collect();
        assert_eq!(kinds.len(), 3);
        let other = UserFeed::shop(40, 2);
        assert_ne!(shop.posts[0].id, other.posts[0].id);
    }

    #[test]
    fn generation_is_deterministic() {
        let (a, b) = (account(30), account(30));
        let ids = |a: &UserFeed| a.posts.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b));
        assert_eq!(a.posts[0].timestamp, NEWEST);
    }
}
