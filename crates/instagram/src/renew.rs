//! Renewing an expired CDN URL: the post is fetched again and the URL its caller wants is
//! taken from it; the TUI's pictures and the downloads share this one recipe.

use super::client::Client;
use super::error::ApiError;
use super::model::Media;
use crate::secret::Secret;

/// Which of an item's URLs a caller fetches: what a renewal takes from the
/// post fetched again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// The picture to show ([`Media::preview_url`]).
    Picture,
    /// The file to save ([`Media::file_url`]).
    File,
}

impl Wanted {
    pub(crate) fn url_of(self, item: &Media) -> Option<&str> {
        match self {
            Wanted::Picture => item.preview_url(),
            Wanted::File => item.file_url(),
        }
    }
}

/// Where a URL came from: a post, or the item at `child` of its album.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item<'a> {
    pub post_id: &'a str,
    pub child: Option<usize>,
}

/// What a fetch with renewal brought, from which URL, and the post fetched
/// again when the first URL had expired (its fresh URLs are worth keeping).
#[derive(Debug, Clone)]
pub struct Renewed<T> {
    pub value: T,
    pub url: String,
    pub post: Option<Media>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewError {
    /// The fetch, or fetching the post again, failed.
    Failed(ApiError),
    /// The post fetched again no longer has the item or the URL wanted;
    /// each caller says so in its own words.
    Gone,
}

impl From<ApiError> for RenewError {
    fn from(err: ApiError) -> Self {
        RenewError::Failed(err)
    }
}

impl Client {
    /// A fresh URL of the kind `wanted` for `item`, from the post fetched
    /// again, with that post.
    pub(crate) async fn renew_media_url(
        &self,
        token: &Secret,
        item: Item<'_>,
        wanted: Wanted,
    ) -> Result<(String, Media), RenewError> {
        let post = self.media(token, item.post_id).await?;
        let fresh = match item.child {
            Some(i) => post.children().get(i).and_then(|c| wanted.url_of(c)),
            None => wanted.url_of(&post),
        }
        .map(str::to_string)
        .ok_or(RenewError::Gone)?;
        Ok((fresh, post))
    }

    /// Runs `fetch` on `url`; when the CDN says the URL expired, renews it
    /// once (one fetch of the post) and runs `fetch` on the fresh one. Any
    /// other failure is not worth a renewal.
    pub async fn with_renewal<T, F, Fut>(
        &self,
        token: &Secret,
        item: Item<'_>,
        wanted: Wanted,
        url: &str,
        fetch: F,
    ) -> Result<Renewed<T>, RenewError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        match fetch(url.to_string()).await {
            Ok(value) => Ok(Renewed {
                value,
                url: url.to_string(),
                post: None,
            }),
            Err(err) if err.is_expired_url() => {
                let (fresh, post) = self.renew_media_url(token, item, wanted).await?;
                let value = fetch(fresh.clone()).await?;
                Ok(Renewed {
                    value,
                    url: fresh,
                    post: Some(post),
                })
            }
            Err(err) => Err(RenewError::Failed(err)),
        }
    }
}
