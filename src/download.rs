//! Saving posts to disk: file names, skipping what is there, `.part` files renamed only when complete,
//! file times from the post, and optional `.json` sidecars.

mod batch;
mod many;
pub mod mark;
pub mod pace;

pub use many::run_all;

use crate::instagram::cdn::Saving;
use crate::instagram::renew::{Item, RenewError, Wanted};
use crate::instagram::{ApiError, Client, Media, MediaType, VIDEO_UNAVAILABLE};
use crate::secret::Secret;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One file to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The post the file belongs to; fetched again when its URL expired.
    pub post_id: String,
    /// Position in an album (0-based), when the post is one.
    pub child: Option<usize>,
    /// The file name without extension (`…_cover` for a cover).
    pub stem: String,
    pub url: Option<String>,
    /// A video the API offers no file for (a reel with licensed music):
    /// only its cover is saved, named as one, and the post is never done.
    pub cover: bool,
    /// Picture or video (an album's item has its own).
    pub kind: MediaType,
    /// The post's time, given to the saved file as its modification time.
    pub posted_at: Option<time::OffsetDateTime>,
}

impl Job {
    /// The post's (or album item's) own name: a cover's stem without its suffix.
    pub fn post_stem(&self) -> &str {
        if self.cover {
            self.stem.strip_suffix(COVER_SUFFIX).unwrap_or(&self.stem)
        } else {
            &self.stem
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Saved(PathBuf),
    /// A file of this name is already there: re-runs are cheap.
    Skipped(PathBuf),
    /// The video is not available through the API; its cover is at this
    /// path (saved now or before). Not a saved video, and not skipped as
    /// done: every run says so again.
    CoverOnly(PathBuf),
}

/// Ends the stem of a cover saved in place of a video the API does not
/// offer, so that the post's own name stays free for the video.
pub(crate) const COVER_SUFFIX: &str = "_cover";

fn job(post: &Media, item: &Media, child: Option<usize>, stem: String) -> Job {
    let cover = item.video_unavailable();
    Job {
        post_id: post.id.clone(),
        child,
        stem: if cover {
            format!("{stem}{COVER_SUFFIX}")
        } else {
            stem
        },
        // For a video without a file, its cover (the job then says `cover`).
        url: item.file_url().map(str::to_string),
        cover,
        kind: item.kind(),
        posted_at: post.posted_at(),
    }
}

/// `<username>_<YYYY-MM-DD>_<media-id>[_<n>]`; the date is the post's, in UTC,
/// so names do not change with the machine's time zone.
pub fn stem(username: &str, post: &Media, n: Option<usize>) -> String {
    Pattern::default().stem(username, post, n)
}

/// How downloaded files are named (`download.pattern` in config.toml):
/// `{username}`, `{date}` and `{id}` with letters, digits, `-` and `_`
/// between them. Checked when read, so a name can never leave the download
/// folder (no `/`, `\`, `..` or absolute path) or start an extension early
/// (no `.`), and `{id}` is required so two posts never share a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(Vec<Part>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Username,
    Date,
    Id,
}

impl Default for Pattern {
    fn default() -> Self {
        Pattern(vec![
            Part::Username,
            Part::Text("_".into()),
            Part::Date,
            Part::Text("_".into()),
            Part::Id,
        ])
    }
}

impl Pattern {
    /// The names instatui has always given.
    pub const DEFAULT: &'static str = "{username}_{date}_{id}";

    /// Checks a pattern; the error is what is wrong and what to write.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let example = "name files only, such as \"{username}_{date}_{id}\"";
        if text.trim().is_empty() {
            return Err(format!("is empty: {example}"));
        }
        let absolute = text.starts_with(['/', '\\', '~']) || text.as_bytes().get(1) == Some(&b':');
        if absolute || text.contains("..") {
            return Err(format!(
                "\"{}\" would save outside the download folder: {example}",
                crate::sanitize::line(text)
            ));
        }
        if text.contains(['/', '\\']) {
            return Err(format!(
                "\"{}\" names a subfolder, but files go straight into the download folder: {example}",
                crate::sanitize::line(text)
            ));
        }
        if text.chars().count() > 100 {
            return Err(format!("is over 100 characters: {example}"));
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let Some((name, tail)) = after.split_once('}') else {
                    return Err(format!("has a {{ without its }}: {example}"));
                };
                parts.push(match name {
                    "username" => Part::Username,
                    "date" => Part::Date,
                    "id" => Part::Id,
                    other => {
                        return Err(format!(
                            "{{{}}} is not a placeholder: use {{username}}, {{date}} and {{id}}",
                            crate::sanitize::line(other)
                        ));
                    }
                });
                rest = tail;
                continue;
            }
            let end = rest.find('{').unwrap_or(rest.len());
            let literal = &rest[..end];
            if let Some(bad) = literal
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
            {
                return Err(format!(
                    "\"{}\" cannot be in a name here: use letters, digits, - and _ between the placeholders",
                    crate::sanitize::line(&bad.to_string())
                ));
            }
            parts.push(Part::Text(literal.to_string()));
            rest = &rest[end..];
        }
        if !parts.contains(&Part::Id) {
            return Err(format!(
                "has no {{id}}, so two posts would share a name: {example}"
            ));
        }
        Ok(Pattern(parts))
    }

    /// The file name without extension of a post (or its `n`th album item,
    /// from 1); the date is the post's, in UTC, so names do not change with
    /// the machine's time zone.
    pub fn stem(&self, username: &str, post: &Media, n: Option<usize>) -> String {
        let mut out = String::new();
        for part in &self.0 {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Username => out.push_str(&sanitize(username)),
                Part::Date => out.push_str(
                    &post
                        .posted_at()
                        .map(|t| crate::localtime::date_in(t, time::UtcOffset::UTC))
                        .unwrap_or_else(|| "undated".to_string()),
                ),
                Part::Id => out.push_str(&id_part(&post.id)),
            }
        }
        if let Some(n) = n {
            out.push_str(&format!("_{n}"));
        }
        out
    }

    /// Every file of these posts, named by this pattern (see [`plan`]).
    pub fn plan(&self, posts: &[Media], username: &str) -> Vec<Job> {
        let mut jobs = Vec::new();
        for post in posts {
            let children = post.children();
            if post.kind() == MediaType::Album && !children.is_empty() {
                for (i, child) in children.iter().enumerate() {
                    let name = self.stem(username, post, Some(i + 1));
                    jobs.push(job(post, child, Some(i), name));
                }
            } else {
                jobs.push(job(post, post, None, self.stem(username, post, None)));
            }
        }
        jobs
    }
}

fn sanitize(text: &str) -> String {
    let clean: String = text
        .chars()
        .take(USER_KEPT)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "unknown".to_string()
    } else {
        clean
    }
}

/// A post id as it goes into a file name, one name per id. Instagram's ids
/// are digits and pass as they are; any other id is lower-cased with every
/// other character turned into `_`, and a hash of the id itself is added
/// (`~` and 16 hex digits), so that `1/2`, `1:2` and `1_2` (or `Ab` and `aB`
/// on a case-blind disk) never share a file and one post never hides another.
/// Dots never pass: `5.x` would otherwise make `…_5.x.jpg`, which counts as
/// the file of post `5`.
///
/// Long ids are cut (to [`ID_KEPT`] characters, then the hash of the whole
/// id), so a 300-character id still makes a name under the 255 bytes a
/// file system allows; the hash keeps two ids that share their start apart.
fn id_part(id: &str) -> String {
    let plain = !id.is_empty()
        && id.len() <= ID_PLAIN_MAX
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase() || c == '-');
    if plain {
        return id.to_string();
    }
    let clean: String = id
        .chars()
        .take(ID_KEPT)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    // FNV-1a: stable across Rust releases and machines, so a re-run finds
    // the file it saved before.
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{clean}~{hash:016x}")
}

/// Instagram's ids are under 20 digits; longer ones are cut and hashed.
const ID_PLAIN_MAX: usize = 64;
/// How much of a long or odd id goes into the name before its hash.
const ID_KEPT: usize = 48;
/// How much of a username goes into a name (Instagram allows 30).
const USER_KEPT: usize = 64;

/// Every file of these posts: one per picture or video, each album child on
/// its own, numbered from 1.
pub fn plan(posts: &[Media], username: &str) -> Vec<Job> {
    Pattern::default().plan(posts, username)
}

/// The extensions a saved file may get from its URL: what Instagram
/// serves. Anything else in a URL (`.sh`, `.exe`, `.html`) gives `bin`.
const URL_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "heic", "mp4", "mov"];

/// The extension for a file of this content type, else from the URL's
/// path when it names one of [`URL_EXTENSIONS`], else `bin`.
pub(crate) fn extension(content_type: Option<&str>, url: &str) -> String {
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase());
    let known = match mime.as_deref() {
        Some("image/jpeg" | "image/jpg") => Some("jpg"),
        Some("image/png") => Some("png"),
        Some("image/webp") => Some("webp"),
        Some("image/gif") => Some("gif"),
        Some("image/heic") => Some("heic"),
        Some("video/mp4") => Some("mp4"),
        Some("video/quicktime") => Some("mov"),
        _ => None,
    };
    if let Some(ext) = known {
        return ext.to_string();
    }
    let path = url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    path.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| URL_EXTENSIONS.contains(&ext.as_str()))
        .unwrap_or_else(|| "bin".to_string())
}

/// The finished files already in a folder, by stem: the folder is listed
/// once per run, so checking 15,000 files costs one listing, not 15,000.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    by_stem: HashMap<String, PathBuf>,
}

impl Existing {
    /// Lists `dir` once. A folder that cannot be read counts as empty: the
    /// downloads into it then fail with their own message.
    pub fn scan(dir: &Path) -> Existing {
        let names = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned());
        Existing::from_names(dir, names)
    }

    /// The index of these file names in `dir`. A file `<stem>.<ext>` counts
    /// for its stem (and, like `a.b.jpg` for `a`, for every part before a
    /// dot); `.part` files and `.json` sidecars never count.
    pub fn from_names(dir: &Path, names: impl IntoIterator<Item = String>) -> Existing {
        let mut by_stem = HashMap::new();
        for name in names {
            if name.ends_with(".part") || name.ends_with(SIDECAR_EXTENSION) {
                continue;
            }
            for (at, _) in name.match_indices('.') {
                by_stem
                    .entry(name[..at].to_string())
                    .or_insert_with(|| dir.join(&name));
            }
        }
        Existing { by_stem }
    }

    /// The finished file of this stem, if the listing had one.
    pub fn get(&self, stem: &str) -> Option<&PathBuf> {
        self.by_stem.get(stem)
    }
}

/// A finished file of this stem, if one exists (`.part` files do not count).
/// Lists the folder: for one file; many go through [`Existing`].
pub fn existing(dir: &Path, stem: &str) -> Option<PathBuf> {
    Existing::scan(dir).get(stem).cloned()
}

/// The default folder: the user's pictures dir + `instatui`, else the data dir.
pub(crate) fn default_dir(data_dir: &Path) -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| u.picture_dir().map(|p| p.join("instatui")))
        .unwrap_or_else(|| data_dir.join("downloads"))
}

/// Saves one file, unless `existing` (the folder listed once for the whole
/// run) has it. An expired CDN URL costs one fetch of the post for a fresh
/// URL, then the download is tried again. The file is on the disk (data,
/// then name) when this returns; many files go through [`run_all`], which
/// makes them durable a batch at a time.
pub async fn run_job(
    client: &Client,
    token: &Secret,
    job: &Job,
    dir: &Path,
    existing: &Existing,
) -> Result<Outcome, String> {
    match fetch_job(client, token, job, dir, existing).await.result? {
        Step::Done(outcome) => Ok(outcome),
        Step::Fetched(fetched) => {
            let dir = dir.to_path_buf();
            tokio::task::spawn_blocking(move || batch::finish(&dir, vec![fetched]))
                .await
                .map_err(|e| format!("{}: the file could not be finished: {e}", job.stem))?
                .pop()
                .unwrap_or_else(|| Err(format!("{}: the file was not finished", job.stem)))
        }
    }
}

/// Where a job stands after [`fetch_job`].
#[derive(Debug)]
pub(crate) enum Step {
    /// Nothing to fetch (already there, a cover renamed).
    Done(Outcome),
    /// In its `.part`, waiting for [`batch::finish`].
    Fetched(batch::Fetched),
}

/// [`fetch_job`]'s answer, with what the host's pace learns from it.
#[derive(Debug)]
pub(crate) struct Attempt {
    pub result: Result<Step, String>,
    pub bytes: u64,
    /// Tries that failed as a busy host fails (see `ApiError::is_busy`):
    /// before the file came, or the one that ended the attempt.
    pub busy_tries: u32,
    /// Whether it went to the network at all.
    pub transferred: bool,
}

/// Fetches one file into its `.part` (its time set, not yet flushed to the
/// disk nor renamed), unless `existing` has it.
pub(crate) async fn fetch_job(
    client: &Client,
    token: &Secret,
    job: &Job,
    dir: &Path,
    existing: &Existing,
) -> Attempt {
    let local = |result| Attempt {
        result,
        bytes: 0,
        busy_tries: 0,
        transferred: false,
    };
    if let Some(path) = existing.get(&job.stem) {
        return local(Ok(Step::Done(if job.cover {
            Outcome::CoverOnly(path.clone())
        } else {
            Outcome::Skipped(path.clone())
        })));
    }
    match rename_old_cover(job, dir, existing) {
        Ok(Some(renamed)) => return local(Ok(Step::Done(Outcome::CoverOnly(renamed)))),
        Ok(None) => {}
        Err(e) => return local(Err(e)),
    }
    let Some(url) = job.url.clone() else {
        return local(Err(if job.cover {
            format!(
                "{}: {VIDEO_UNAVAILABLE}, and it has no cover",
                job.post_stem()
            )
        } else {
            format!("{}: Instagram offers no file for this post", job.stem)
        }));
    };
    let part = dir.join(format!("{}.part", job.stem));
    let item = Item {
        post_id: &job.post_id,
        child: job.child,
    };
    let saving = Saving {
        sync: false,
        modified: job.posted_at.map(std::time::SystemTime::from),
    };
    let part_ref = &part;
    let downloaded = client
        .with_renewal(token, item, Wanted::File, &url, |url| async move {
            client.download_with(&url, part_ref, saving).await
        })
        .await
        .map(|renewed| (renewed.url, renewed.value))
        .map_err(|err| match err {
            RenewError::Failed(err) => err,
            RenewError::Gone => ApiError::new(
                crate::instagram::ErrorKind::Other,
                "the post no longer offers this file",
            ),
        });
    let (url, downloaded) = match downloaded {
        Ok(done) => done,
        Err(err) => {
            // Whatever failed, no half file stays behind (a leftover from an
            // earlier run included); a link planted there stays for the user to see.
            if std::fs::symlink_metadata(&part).is_ok_and(|m| m.file_type().is_file()) {
                let _ = std::fs::remove_file(&part);
            }
            return Attempt {
                busy_tries: u32::from(err.is_busy()),
                result: Err(format!("{}: {err}", job.stem)),
                bytes: 0,
                transferred: true,
            };
        }
    };
    let target = dir.join(format!(
        "{}.{}",
        job.stem,
        extension(downloaded.content_type.as_deref(), &url)
    ));
    Attempt {
        result: Ok(Step::Fetched(batch::Fetched {
            part,
            target,
            cover: job.cover,
        })),
        bytes: downloaded.bytes,
        busy_tries: downloaded.busy_tries,
        transferred: true,
    }
}

/// Earlier versions saved a cover under the post's own name, so that a
/// later run took the video for saved. Such a picture is renamed as the
/// cover it is, which frees the name for the video should Instagram ever
/// offer it. A file of another kind under that name is left alone.
fn rename_old_cover(job: &Job, dir: &Path, existing: &Existing) -> Result<Option<PathBuf>, String> {
    if !job.cover {
        return Ok(None);
    }
    let Some(old) = existing.get(job.post_stem()) else {
        return Ok(None);
    };
    let picture = old
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PICTURE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    if !picture {
        return Ok(None);
    }
    let ext = old
        .extension()
        .map(|e| e.to_string_lossy())
        .unwrap_or_default();
    let target = dir.join(format!("{}.{ext}", job.stem));
    std::fs::rename(old, &target).map_err(|e| {
        format!(
            "could not rename {} to {}: {e}",
            old.display(),
            target.display()
        )
    })?;
    Ok(Some(target))
}

/// Extensions `extension` gives pictures.
const PICTURE_EXTENSIONS: &[&str] = &["jpg", "png", "webp", "gif", "heic"];

/// Sidecars end so; [`Existing`] never takes one for a downloaded file.
pub(crate) const SIDECAR_EXTENSION: &str = ".json";

/// Gives a saved file the post's time, so folders sort by when things were
/// posted. A file system that refuses keeps the download time: not worth
/// failing a download over.
pub(crate) fn set_modified(path: &Path, at: time::OffsetDateTime) {
    let result = std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(std::time::SystemTime::from(at)));
    if let Err(e) = result {
        tracing::debug!(path = %path.display(), error = %e, "could not set the file time");
    }
}

/// Writes a JSON file into a download folder (a sidecar, the `--new`
/// mark): atomically, readable like the pictures beside it, and through a
/// temp file ending in `.part`, so a leftover is never taken for a download.
pub(crate) fn write_json_beside(path: &Path, text: &str, durable: bool) -> Result<(), String> {
    let how = crate::atomic::Replace {
        temp_prefix: ".",
        temp_suffix: ".json.part",
        mode: 0o644,
        durable,
        owner: None,
    };
    crate::atomic::replace(path, text.as_bytes(), how).map_err(|e| {
        format!(
            "could not write {}: {}",
            path.display(),
            std::io::Error::from(e)
        )
    })
}

/// Drops the signed CDN addresses (`media_url`, `thumbnail_url`), album
/// items' too: they expire within days and change with every listing, so
/// they would be dead in an archive and rewrite the sidecar on every run.
fn without_cdn_urls(value: &mut serde_json::Value) {
    if let Some(object) = value.as_object_mut() {
        object.remove("media_url");
        object.remove("thumbnail_url");
        if let Some(items) = object
            .get_mut("children")
            .and_then(|c| c.get_mut("data"))
            .and_then(|d| d.as_array_mut())
        {
            items.iter_mut().for_each(without_cdn_urls);
        }
    }
}

/// Writes `<username>_<date>_<media-id>.json` beside the post's files: the
/// post as Instagram described it (caption, time, permalink, type, counts,
/// album items), the shape `feed --json` prints without the expiring CDN
/// addresses. Rewritten only when it
/// changed (counts do), through a temp file, with the post's time.
/// `Ok(true)` when written.
pub(crate) fn write_sidecar(
    dir: &Path,
    pattern: &Pattern,
    username: &str,
    post: &Media,
) -> Result<bool, String> {
    let path = dir.join(format!(
        "{}{SIDECAR_EXTENSION}",
        pattern.stem(username, post, None)
    ));
    let failed =
        |e: serde_json::Error| format!("{}: could not describe the post: {e}", path.display());
    let mut value = serde_json::to_value(post).map_err(failed)?;
    without_cdn_urls(&mut value);
    // Escaped like `feed --json`: `cat` on a sidecar cannot drive the terminal.
    let mut text = crate::sanitize::json(serde_json::to_string_pretty(&value).map_err(failed)?);
    text.push('\n');
    if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(false);
    }
    write_json_beside(&path, &text, false)?;
    if let Some(at) = post.posted_at() {
        set_modified(&path, at);
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str, kind: &str, url: Option<&str>) -> Media {
        Media {
            id: id.into(),
            media_type: Some(kind.into()),
            media_url: url.map(String::from),
            timestamp: Some("2021-03-12T23:27:57+0000".into()),
            ..Media::default()
        }
    }

    #[test]
    fn names_follow_the_pattern_and_number_album_children() {
        let mut album = post("17924341675455541", "CAROUSEL_ALBUM", None);
        album.children = Some(crate::instagram::model::Children {
            data: vec![
                post("1", "IMAGE", Some("https://cdn.example/a.jpg")),
                post("2", "VIDEO", Some("https://cdn.example/b.mp4")),
            ],
        });
        let jobs = plan(
            &[
                post(
                    "17883083885121876",
                    "IMAGE",
                    Some("https://cdn.example/x.jpg"),
                ),
                album,
            ],
            "lake_and_larch",
        );
        let stems: Vec<&str> = jobs.iter().map(|j| j.stem.as_str()).collect();
        assert_eq!(
            stems,
            [
                "lake_and_larch_2021-03-12_17883083885121876",
                "lake_and_larch_2021-03-12_17924341675455541_1",
                "lake_and_larch_2021-03-12_17924341675455541_2",
            ]
        );
        assert_eq!(jobs[2].child, Some(1));
        assert_eq!(jobs[2].post_id, "17924341675455541");
    }

    #[test]
    fn a_pattern_names_files_its_way_and_the_default_is_the_old_names() {
        let p = post("17924341675455541", "IMAGE", None);
        let default = Pattern::parse(Pattern::DEFAULT).expect("the default parses");
        assert_eq!(default, Pattern::default());
        assert_eq!(default.stem("me", &p, None), stem("me", &p, None));
        let mine = Pattern::parse("ig-{date}-{id}").expect("a fine pattern");
        assert_eq!(
            mine.stem("me", &p, Some(2)),
            "ig-2021-03-12-17924341675455541_2"
        );
        for bad in [
            "{id}.{date}",
            "{date}",
            "{user}_{id}",
            "{id",
            "",
            "C:{id}",
            "~/{id}",
        ] {
            assert!(Pattern::parse(bad).is_err(), "{bad:?} is taken");
        }
    }

    #[test]
    fn names_cannot_escape_the_folder() {
        let p = post("../../etc", "IMAGE", None);
        assert!(!stem("a/b", &p, None).contains('/'));
    }

    #[test]
    fn posts_whose_ids_look_alike_never_share_a_file() {
        // Each group made one name before: all but one post of it were lost.
        let ids = [
            "77/1", "77:1", "77_1", "77 1", "Ab", "aB", "5", "5.x", "9", "9_1", "",
        ];
        let posts: Vec<Media> = ids
            .iter()
            .map(|id| post(id, "IMAGE", Some("https://cdn.example/x.jpg")))
            .collect();
        let mut album = post("9", "CAROUSEL_ALBUM", None);
        album.children = Some(crate::instagram::model::Children {
            data: vec![post("c", "IMAGE", Some("https://cdn.example/c.jpg"))],
        });
        let mut all = posts.clone();
        all.push(album);
        let stems: Vec<String> = plan(&all, "u").into_iter().map(|j| j.stem).collect();
        // Unique even without case: a case-blind disk keeps them apart too.
        let folded: std::collections::HashSet<String> =
            stems.iter().map(|s| s.to_lowercase()).collect();
        assert_eq!(folded.len(), stems.len(), "{stems:?}");
        // One post's file never counts as another's (`5.x.jpg` for `5`).
        let names: Vec<String> = stems.iter().map(|s| format!("{s}.jpg")).collect();
        let listed = Existing::from_names(Path::new("/d"), names.clone());
        for (stem, name) in stems.iter().zip(&names) {
            assert_eq!(
                listed.get(stem),
                Some(&Path::new("/d").join(name)),
                "{stem}"
            );
        }
        // Instagram's own ids keep the names they always had.
        assert_eq!(stems[8], "u_2021-03-12_9");
        // The same id makes the same name on every run.
        assert_eq!(stem("u", &posts[0], None), stems[0]);
    }

    #[test]
    fn extensions_come_from_the_content_type_then_the_url() {
        assert_eq!(extension(Some("image/jpeg"), "https://x/y"), "jpg");
        assert_eq!(
            extension(Some("image/png; charset=binary"), "https://x/y"),
            "png"
        );
        assert_eq!(extension(Some("video/mp4"), "https://x/y.jpg"), "mp4");
        assert_eq!(extension(None, "https://x/clip_720p.mp4?oe=1"), "mp4");
        assert_eq!(
            extension(Some("application/octet-stream"), "https://x/y"),
            "bin"
        );
    }

    #[test]
    fn a_url_never_gives_an_extension_outside_the_short_list() {
        for url in [
            "https://x/run.sh",
            "https://x/setup.exe",
            "https://x/page.html",
            "https://x/a.desktop",
            "https://x/a.JPG.sh",
            "https://x/a.bat?x=.jpg",
        ] {
            assert_eq!(extension(None, url), "bin", "{url}");
            assert_eq!(extension(Some("text/x-sh"), url), "bin", "{url}");
        }
        for ext in ["jpg", "jpeg", "png", "webp", "heic", "mp4", "mov"] {
            assert_eq!(
                extension(None, &format!("https://x/a.{}", ext.to_uppercase())),
                ext
            );
        }
    }

    #[test]
    fn a_long_id_or_username_still_makes_a_short_unique_name() {
        let long = "9".repeat(300);
        let other = format!("{}8", "9".repeat(299));
        let post = |id: &str| Media {
            id: id.to_string(),
            timestamp: Some("2026-11-20T10:00:00+0000".into()),
            ..Media::default()
        };
        let user = "u".repeat(300);
        let a = stem(&user, &post(&long), Some(12));
        let b = stem(&user, &post(&other), Some(12));
        assert_ne!(a, b, "two ids sharing their start keep two names");
        for name in [&a, &b] {
            let file = format!("{name}{COVER_SUFFIX}.jpeg.part");
            assert!(file.len() < 255, "{} bytes: {file}", file.len());
        }
        assert_eq!(stem("u", &post(&long), None), stem("u", &post(&long), None));
    }

    #[test]
    fn sidecars_never_count_as_the_downloaded_file() {
        let dir = Path::new("/d");
        let existing = Existing::from_names(dir, ["a_1.json".to_string(), "b_2.jpg".to_string()]);
        assert_eq!(existing.get("a_1"), None);
        assert_eq!(existing.get("b_2"), Some(&dir.join("b_2.jpg")));
    }

    #[test]
    fn existing_ignores_partial_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a_1.part"), b"half").expect("write");
        assert_eq!(existing(dir.path(), "a_1"), None);
        std::fs::write(dir.path().join("a_1.jpg"), b"whole").expect("write");
        assert_eq!(
            existing(dir.path(), "a_1"),
            Some(dir.path().join("a_1.jpg"))
        );
        assert_eq!(existing(dir.path(), "a"), None);
    }

    #[test]
    fn one_listing_answers_for_every_stem() {
        let dir = Path::new("/downloads");
        let listed = Existing::from_names(
            dir,
            [
                "a_1.jpg".to_string(),
                "a_2.part".to_string(),
                "b.c_3.mp4".to_string(),
                "d.tar.gz".to_string(),
                "noext".to_string(),
            ],
        );
        assert_eq!(listed.get("a_1"), Some(&dir.join("a_1.jpg")));
        assert_eq!(listed.get("a_2"), None, "half files do not count");
        assert_eq!(listed.get("a"), None, "a stem is not a prefix match");
        assert_eq!(listed.get("b.c_3"), Some(&dir.join("b.c_3.mp4")));
        assert_eq!(listed.get("d"), Some(&dir.join("d.tar.gz")));
        assert_eq!(listed.get("noext"), None);
    }
}
