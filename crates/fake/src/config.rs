//! What the fake Instagram is configured with: the registered app and the Instagram users who can log in.

/// The app id of the demo app registered with the fake.
pub const DEMO_APP_ID: &str = "990602627938098";
/// The app secret of the demo app registered with the fake.
pub const DEMO_APP_SECRET: &str = "3f1c9a7e5b2d4f608a1c3e5b7d9f0a2c";
/// The one redirect URI the demo app registers.
pub const DEMO_REDIRECT_URI: &str = "https://localhost/instatui/auth/";
/// The demo account's username.
pub const DEMO_USERNAME: &str = "larch_and_lake";
/// The demo account's Instagram user id.
pub const DEMO_USER_ID: &str = "17841405793187218";
/// The second demo account, a small shop: who logs in when a second account is added.
pub const SHOP_USERNAME: &str = "kiln_and_clay";
/// The shop's Instagram user id.
pub const SHOP_USER_ID: &str = "17841452810064473";

/// Another Instagram user who can log in at the fake, with a profile and
/// posts of their own (the first user is `FakeConfig::username`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    pub username: String,
    /// The Instagram user id, 17 digits.
    pub user_id: String,
    /// The profile's display name and biography.
    pub name: String,
    pub biography: String,
    pub post_count: usize,
}

impl FakeUser {
    /// The demo's second account: a pottery shop with 12 posts of its own.
    pub fn shop() -> FakeUser {
        FakeUser {
            username: SHOP_USERNAME.to_string(),
            user_id: SHOP_USER_ID.to_string(),
            name: "Kiln & Clay Pottery".to_string(),
            biography: "Small-batch mugs and bowls, thrown by hand.\nShop open Thu–Sat ☕"
                .to_string(),
            post_count: 12,
        }
    }
}

/// The shape of the code → short-lived token answer (all three occur in the wild).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TokenShape {
    /// `{"access_token","user_id":<number>}`
    Flat,
    /// `{"access_token","user_id":<number>,"permissions":["…"]}`
    #[default]
    FlatWithPermissions,
    /// `{"data":[{"access_token","user_id":"<string>","permissions":"a,b"}]}`
    Wrapped,
}

/// How a [`FakeInstagram`](super::FakeInstagram) behaves; fixed for its lifetime.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    pub app_id: String,
    pub app_secret: String,
    /// Registered redirect URIs, matched character for character.
    pub redirect_uris: Vec<String>,
    pub username: String,
    /// The Instagram user id, e.g. `17841405793187218`.
    pub user_id: String,
    /// How many posts the account has (the demo has 64).
    pub post_count: usize,
    /// Further users who can log in (the demo has the shop). Who does is
    /// the browser's session: the first user until `FakeControl::sign_in_as`
    /// or the login page picks another.
    pub other_users: Vec<FakeUser>,
    /// Whether `/oauth/authorize` first shows a page to pick the user to
    /// log in as (for a person's browser, `instatui fake-server`); otherwise
    /// it answers at once as the signed-in user, as tests and the demo want.
    pub login_page: bool,
    /// Whether `POST /__fake/clock?advance=25h` moves the clock (and `GET`
    /// says it), for a person trying `refresh` by hand against
    /// `instatui fake-server`; tests call `FakeControl::advance_clock`.
    pub clock_control: bool,
    /// When true, Basic Display scopes and tokens answer the "retired" errors.
    pub basic_display_retired: bool,
    pub short_token_shape: TokenShape,
}

impl FakeConfig {
    /// The demo app and account: 64 posts, Basic Display not retired,
    /// short tokens with a permissions array; the shop can log in too.
    pub fn demo() -> Self {
        FakeConfig {
            app_id: DEMO_APP_ID.to_string(),
            app_secret: DEMO_APP_SECRET.to_string(),
            redirect_uris: vec![DEMO_REDIRECT_URI.to_string()],
            username: DEMO_USERNAME.to_string(),
            user_id: DEMO_USER_ID.to_string(),
            post_count: 64,
            other_users: vec![FakeUser::shop()],
            login_page: false,
            clock_control: false,
            basic_display_retired: false,
            short_token_shape: TokenShape::FlatWithPermissions,
        }
    }
}

impl FakeConfig {
    /// The app-scoped id: what the code exchange answers as `user_id` and
    /// `/me` as `id` on the Instagram Login API (a 16-digit number derived
    /// from the user id and the app). `/{it}/media` is refused.
    pub fn app_scoped_id(&self) -> String {
        app_scoped_id(&self.user_id, &self.app_id)
    }
}

/// The app-scoped id of `user_id` under `app_id` (see `FakeConfig::app_scoped_id`).
pub(crate) fn app_scoped_id(user_id: &str, app_id: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in user_id.bytes().chain(app_id.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (9_000_000_000_000_000 + h % 1_000_000_000_000_000).to_string()
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig::demo()
    }
}
