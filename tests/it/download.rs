//! Saving posts to disk against the embedded fake: file names, re-runs that
//! skip what is there, `.part` files, expired CDN URLs, and
//! `instatui download` end to end.

use crate::common::cli::Machine;
use crate::common::demo::{DemoAccount as Harness, cdn_hits, login_token};
use instatui::download::{self, Job, Outcome};
use instatui::fake::{
    DEMO_APP_ID, DEMO_APP_SECRET, DEMO_REDIRECT_URI, DEMO_USER_ID, DEMO_USERNAME, Fault,
};
use instatui::instagram::renew::{Item, RenewError, Renewed, Wanted};
use instatui::instagram::{Client, Endpoints, Flavor, Media, MediaType};
use instatui::secret::Secret;
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

// ---------------------------------------------------------------- helpers

/// What the download tests add to the demo account.
trait Downloads {
    fn image_job(&self) -> Job;
    async fn run(&self, job: &Job, dir: &Path) -> Result<Outcome, String>;
}

impl Downloads for Harness {
    /// The job of the first plain picture post.
    fn image_job(&self) -> Job {
        let post = self
            .posts
            .iter()
            .find(|p| p.kind() == MediaType::Image)
            .expect("a picture post");
        download::plan(std::slice::from_ref(post), DEMO_USERNAME).remove(0)
    }

    async fn run(&self, job: &Job, dir: &Path) -> Result<Outcome, String> {
        // Listed afresh for each run, as `instatui download` does.
        let existing = download::Existing::scan(dir);
        download::run_job(&self.client, &self.token, job, dir, &existing).await
    }
}

/// Every file name in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn assert_decodes(path: &Path) {
    let bytes = std::fs::read(path).expect("readable");
    image::load_from_memory(&bytes)
        .unwrap_or_else(|e| panic!("{} is not a picture: {e}", path.display()));
}

fn expected_files(posts: &[Media]) -> usize {
    posts.iter().map(|p| p.children().len().max(1)).sum()
}

// ------------------------------------------------------------------- names

#[tokio::test]
async fn plan_names_every_file_of_the_demo_feed() {
    let h = Harness::start().await;
    let jobs = download::plan(&h.posts, DEMO_USERNAME);
    assert_eq!(jobs.len(), expected_files(&h.posts));

    let stems: HashSet<&str> = jobs.iter().map(|j| j.stem.as_str()).collect();
    assert_eq!(stems.len(), jobs.len(), "every stem is unique");

    let mut jobs = jobs.iter();
    for post in &h.posts {
        let date = &post.timestamp.as_deref().expect("a timestamp")[..10];
        let base = format!("{DEMO_USERNAME}_{date}_{}", post.id);
        let children = post.children();
        if post.kind() == MediaType::Album {
            assert!(!children.is_empty(), "albums come with their children");
            for (i, child) in children.iter().enumerate() {
                let job = jobs.next().expect("a job per child");
                assert_eq!(job.stem, format!("{base}_{}", i + 1));
                assert_eq!(job.post_id, post.id);
                assert_eq!(job.child, Some(i));
                assert_eq!(job.url, child.media_url);
            }
        } else if post.video_unavailable() {
            // A reel with licensed music: its cover, named as one.
            let job = jobs.next().expect("a job per post");
            assert_eq!(job.stem, format!("{base}_cover"));
            assert!(job.cover);
            assert_eq!(job.url, post.thumbnail_url);
        } else {
            let job = jobs.next().expect("a job per post");
            assert_eq!(job.stem, base);
            assert_eq!(job.child, None);
            assert!(!job.cover);
            assert_eq!(job.url, post.media_url);
        }
    }
    assert!(jobs.next().is_none());
}

// ----------------------------------------------------------------- library

#[tokio::test]
async fn a_reel_with_licensed_music_saves_its_cover_as_a_cover_every_time() {
    let h = Harness::start().await;
    let reel = h
        .posts
        .iter()
        .find(|p| p.video_unavailable())
        .expect("the demo has a reel with licensed music");
    assert!(reel.thumbnail_url.is_some());
    let job = download::plan(std::slice::from_ref(reel), DEMO_USERNAME).remove(0);
    let dir = tempfile::tempdir().expect("tempdir");
    let outcome = h.run(&job, dir.path()).await.expect("the cover");
    let Outcome::CoverOnly(cover) = &outcome else {
        panic!("not reported as a cover: {outcome:?}");
    };
    let name = cover.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.ends_with("_cover.jpg"), "{name}");
    assert_decodes(cover);
    // Nothing stands under the post's own name: the video is not there.
    let post_stem = job.stem.trim_end_matches("_cover");
    assert!(download::existing(dir.path(), post_stem).is_none());
    // A second run says it again instead of skipping the post as done.
    let again = h.run(&job, dir.path()).await.expect("again");
    assert_eq!(again, Outcome::CoverOnly(cover.clone()));
    assert_eq!(names(dir.path()), vec![name]);
}

#[tokio::test]
async fn a_cover_an_earlier_version_saved_under_the_posts_name_is_renamed_as_a_cover() {
    let h = Harness::start().await;
    let reel = h
        .posts
        .iter()
        .find(|p| p.video_unavailable())
        .expect("the demo has a reel with licensed music");
    let job = download::plan(std::slice::from_ref(reel), DEMO_USERNAME).remove(0);
    let dir = tempfile::tempdir().expect("tempdir");
    // What earlier versions left: the cover under the post's own name,
    // which made every later run take the video for saved.
    let old = dir.path().join(format!("{}.jpg", job.post_stem()));
    std::fs::write(&old, b"the cover").expect("write");
    let cdn_before = h.cdn_hits();
    let outcome = h.run(&job, dir.path()).await.expect("renamed");
    let cover = dir.path().join(format!("{}.jpg", job.stem));
    assert_eq!(outcome, Outcome::CoverOnly(cover.clone()));
    assert_eq!(std::fs::read(&cover).expect("the cover"), b"the cover");
    assert!(!old.exists(), "the post's own name is free for the video");
    assert_eq!(h.cdn_hits(), cdn_before, "nothing fetched again");
}

#[tokio::test]
async fn a_job_saves_a_picture_and_a_second_run_skips_it() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let job = h.image_job();

    let outcome = h.run(&job, dir.path()).await.expect("saved");
    let saved = dir.path().join(format!("{}.jpg", job.stem));
    assert_eq!(outcome, Outcome::Saved(saved.clone()));
    assert_decodes(&saved);
    assert_eq!(names(dir.path()), [format!("{}.jpg", job.stem)]);
    assert_eq!(h.cdn_hits(), 1);

    let again = h.run(&job, dir.path()).await.expect("skipped");
    assert_eq!(again, Outcome::Skipped(saved));
    assert_eq!(h.cdn_hits(), 1, "nothing fetched for a file already there");
}

/// A run lists the folder once and checks every file against that listing
/// (re-runs over 15,000 files were quadratic when each file listed it again):
/// a stem the listing has is skipped without looking at the folder.
#[tokio::test]
async fn every_file_is_checked_against_the_one_listing_of_the_run() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let job = h.image_job();
    let listed = download::Existing::from_names(dir.path(), [format!("{}.jpg", job.stem)]);
    let outcome = download::run_job(&h.client, &h.token, &job, dir.path(), &listed)
        .await
        .expect("skipped");
    assert_eq!(
        outcome,
        Outcome::Skipped(dir.path().join(format!("{}.jpg", job.stem)))
    );
    assert_eq!(h.cdn_hits(), 0);
    assert!(names(dir.path()).is_empty(), "the folder was not consulted");

    // An empty listing downloads, whatever appeared in the folder since.
    let empty = download::Existing::default();
    std::fs::write(dir.path().join(format!("{}.png", job.stem)), b"x").expect("write");
    let outcome = download::run_job(&h.client, &h.token, &job, dir.path(), &empty)
        .await
        .expect("saved");
    assert!(matches!(outcome, Outcome::Saved(_)), "{outcome:?}");
    assert_eq!(h.cdn_hits(), 1);
}

#[tokio::test]
async fn pngs_and_videos_get_their_own_extension() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let jobs = download::plan(&h.posts[..8], DEMO_USERNAME);
    for job in &jobs {
        h.run(job, dir.path()).await.expect("saved");
    }
    let names = names(dir.path());
    assert_eq!(names.len(), jobs.len(), "{names:?}");
    for name in &names {
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
        assert!(matches!(ext, "jpg" | "png" | "mp4"), "{name}");
        if ext != "mp4" {
            assert_decodes(&dir.path().join(name));
        }
    }
    assert!(names.iter().any(|n| n.ends_with(".mp4")), "{names:?}");
}

#[tokio::test]
async fn a_leftover_part_file_is_overwritten_and_renamed() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let job = h.image_job();
    let part = dir.path().join(format!("{}.part", job.stem));
    std::fs::write(&part, b"half a picture from a crashed run").expect("write");
    assert_eq!(download::existing(dir.path(), &job.stem), None);

    let outcome = h.run(&job, dir.path()).await.expect("saved");
    let saved = dir.path().join(format!("{}.jpg", job.stem));
    assert_eq!(outcome, Outcome::Saved(saved.clone()));
    assert!(!part.exists(), "the .part became the file");
    assert_decodes(&saved);
    assert_eq!(h.cdn_hits(), 1);
}

/// A video of several MiB goes to its file in steps of a MiB from one
/// blocking task (a picture whole, in one step): it arrives whole, byte for
/// byte, with the post's time set on the open file.
#[tokio::test]
async fn a_video_of_several_mebibytes_arrives_whole_with_the_posts_time() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let len = 3 * 1024 * 1024 + 17;
    h.control().inject_on("/cdn", Fault::Huge(len), 1);
    let part = dir.path().join("clip.part");
    let posted = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    let saving = instatui::instagram::cdn::Saving {
        sync: false,
        modified: Some(posted),
    };
    let url = h.posts[0].media_url.clone().expect("a URL");
    let done = h
        .client
        .download_with(&url, &part, saving)
        .await
        .expect("downloaded");
    assert_eq!(done.bytes, len);
    assert_eq!(done.busy_tries, 0);
    let meta = std::fs::metadata(&part).expect("written");
    assert_eq!(meta.len(), len);
    assert_eq!(meta.modified().expect("mtime"), posted);
    let bytes = std::fs::read(&part).expect("read");
    assert!(bytes.iter().all(|&b| b == b'a'), "byte for byte");
}

/// A host that answers 500 and then the file: the file is saved, and the
/// refused try is told, so the host's pace slows down; a 429 (not retried)
/// fails as a busy host's answer too.
#[tokio::test]
async fn a_file_that_came_after_a_refused_try_says_the_host_was_busy() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    h.control().inject_on("/cdn", Fault::Status500, 1);
    let url = h.posts[0].media_url.clone().expect("a URL");
    let part = dir.path().join("x.part");
    let done = h
        .client
        .download_with(&url, &part, Default::default())
        .await
        .expect("downloaded on the second try");
    assert_eq!(done.busy_tries, 1);
    assert_eq!(h.cdn_hits(), 2);

    h.control().inject_on("/cdn", Fault::RateLimited, 1);
    let err = h
        .client
        .download_with(&url, &part, Default::default())
        .await
        .expect_err("429");
    assert!(err.is_busy(), "{err}");
    h.control().inject_on(
        "/cdn",
        Fault::Canned {
            status: 404,
            content_type: "text/plain".into(),
            body: "Not Found".into(),
        },
        1,
    );
    let err = h
        .client
        .download_with(&url, &part, Default::default())
        .await
        .expect_err("404");
    assert!(!err.is_busy(), "a refusal is not a busy host: {err}");
}

/// No file under a final name, and no `.part` left behind.
fn assert_nothing_saved(dir: &Path, job: &Job) {
    assert_eq!(download::existing(dir, &job.stem), None);
    assert_eq!(names(dir), Vec::<String>::new(), "nothing left behind");
}

#[tokio::test]
async fn a_transfer_that_keeps_failing_leaves_no_file() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let job = h.image_job();
    let part = dir.path().join(format!("{}.part", job.stem));
    std::fs::write(&part, b"garbage").expect("write");

    // More 500s than the download tries.
    h.control().inject_on("/cdn", Fault::Status500, 10);
    let err = h.run(&job, dir.path()).await.expect_err("fails");
    assert!(err.starts_with(&job.stem), "{err}");
    let tries = h.cdn_hits();
    assert!((2..10).contains(&tries), "retried, then gave up: {tries}");
    assert_nothing_saved(dir.path(), &job);

    // A 404 is final at once (a new fake: the 500s left over stay queued).
    let h = Harness::start().await;
    let fresh = tempfile::tempdir().expect("tempdir");
    let job = download::plan(&h.posts[1..2], DEMO_USERNAME).remove(0);
    let before = h.cdn_hits();
    h.control().inject_on(
        "/cdn",
        Fault::Canned {
            status: 404,
            content_type: "text/plain".into(),
            body: "Not Found".into(),
        },
        1,
    );
    let err = h.run(&job, fresh.path()).await.expect_err("fails");
    assert!(err.contains(&job.stem), "{err}");
    assert_eq!(h.cdn_hits(), before + 1, "a 404 is not retried");
    assert_nothing_saved(fresh.path(), &job);
}

#[tokio::test]
async fn a_failure_after_renewing_an_expired_url_leaves_no_file() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let job = h.image_job();
    std::fs::write(dir.path().join(format!("{}.part", job.stem)), b"garbage").expect("write");
    let canned = |status: u16, body: &str| Fault::Canned {
        status,
        content_type: "text/plain".into(),
        body: body.into(),
    };
    // The URL has expired; the fresh one then answers 404.
    h.control()
        .inject_on("/cdn", canned(403, "URL signature expired"), 1);
    h.control().inject_on("/cdn", canned(404, "Not Found"), 1);
    let err = h.run(&job, dir.path()).await.expect_err("fails");
    assert!(err.contains(&job.stem), "{err}");
    assert_eq!(h.post_fetches(&job.post_id), 1, "fresh URLs were fetched");
    assert_nothing_saved(dir.path(), &job);
}

#[tokio::test]
async fn an_expired_url_is_renewed_and_the_file_saved() {
    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    h.control().expire_cdn_urls();

    let job = h.image_job();
    let outcome = h.run(&job, dir.path()).await.expect("saved anyway");
    let saved = dir.path().join(format!("{}.jpg", job.stem));
    assert_eq!(outcome, Outcome::Saved(saved.clone()));
    assert_decodes(&saved);
    assert_eq!(h.post_fetches(&job.post_id), 1, "GET /{{post-id}} once");
    assert_eq!(h.cdn_hits(), 2);

    // An album child is renewed through its album.
    let album = h
        .posts
        .iter()
        .find(|p| p.kind() == MediaType::Album)
        .expect("an album");
    let jobs = download::plan(std::slice::from_ref(album), DEMO_USERNAME);
    let last = jobs.last().expect("children");
    h.run(last, dir.path()).await.expect("saved anyway");
    assert!(download::existing(dir.path(), &last.stem).is_some());
    assert_eq!(h.post_fetches(&album.id), 1);
}

const OLD_URL: &str = "https://cdn.invalid/old";

fn refused(status: u16) -> instatui::instagram::ApiError {
    instatui::instagram::ApiError {
        status: Some(status),
        ..instatui::instagram::ApiError::new(instatui::instagram::ErrorKind::Other, "refused")
    }
}

/// A fetch with renewal where [`OLD_URL`] fails with `status` and any other
/// URL is "fetched" as itself.
async fn renew(
    h: &Harness,
    item: Item<'_>,
    wanted: Wanted,
    status: u16,
) -> Result<Renewed<String>, RenewError> {
    h.client
        .with_renewal(&h.token, item, wanted, OLD_URL, |url| async move {
            if url == OLD_URL {
                Err(refused(status))
            } else {
                Ok(url)
            }
        })
        .await
}

/// One renewal serves the TUI's pictures and the downloads: after an
/// expired URL the post is fetched once more and the URL of the kind the
/// caller wants is taken from it, an album's item through its album; any
/// other failure is not renewed.
#[tokio::test]
async fn one_renewal_takes_the_url_each_caller_wants_from_the_post() {
    let h = Harness::start().await;
    let video = h
        .posts
        .iter()
        .find(|p| p.kind() == MediaType::Video && p.media_url.is_some())
        .expect("a video with its file");
    let item = Item {
        post_id: &video.id,
        child: None,
    };
    for wanted in [Wanted::Picture, Wanted::File] {
        let renewed = renew(&h, item, wanted, 403).await.expect("renewed");
        assert_eq!(renewed.value, renewed.url);
        let post = renewed.post.expect("the post fetched again");
        let expected = match wanted {
            Wanted::Picture => post.thumbnail_url.as_deref(),
            Wanted::File => post.media_url.as_deref(),
        };
        assert_eq!(Some(renewed.url.as_str()), expected, "{wanted:?}");
    }
    assert_eq!(h.post_fetches(&video.id), 2, "once per renewal");

    let album = h
        .posts
        .iter()
        .find(|p| p.kind() == MediaType::Album && p.children().len() >= 2)
        .expect("an album");
    let second = Item {
        post_id: &album.id,
        child: Some(1),
    };
    let renewed = renew(&h, second, Wanted::File, 410).await.expect("renewed");
    let post = renewed.post.expect("the album fetched again");
    assert_eq!(
        Some(renewed.url.as_str()),
        post.children()[1].file_url(),
        "the item's own file"
    );
    let missing = Item {
        child: Some(99),
        ..second
    };
    assert_eq!(
        renew(&h, missing, Wanted::File, 403)
            .await
            .expect_err("gone"),
        RenewError::Gone
    );

    let before = h.post_fetches(&video.id);
    let err = renew(&h, item, Wanted::File, 404)
        .await
        .expect_err("not renewed");
    assert_eq!(err, RenewError::Failed(refused(404)));
    assert_eq!(h.post_fetches(&video.id), before, "a 404 is not an expiry");
}

// --------------------------------------------------------------------- CLI

/// The account's posts, newest first, as the library sees them.
fn posts(m: &Machine) -> Vec<Media> {
    let token = login_token(&m.control());
    m.rt.block_on(async {
        Client::new(
            Flavor::InstagramLogin,
            Endpoints::single_base(&m.fake.base_url()),
        )
        .expect("client")
        .all_media(&token, DEMO_USER_ID, None, |_| {})
        .await
        .expect("the feed")
    })
}

/// The stems of the files in `dir` (extensions dropped), checking each
/// picture decodes and no `.part` is left.
fn saved_stems(dir: &Path) -> HashSet<String> {
    let mut stems = HashSet::new();
    for name in names(dir) {
        assert!(!name.ends_with(".part"), "left behind: {name}");
        let (stem, ext) = name.rsplit_once('.').expect("an extension");
        match ext {
            "jpg" | "png" => assert_decodes(&dir.join(&name)),
            "mp4" => {}
            other => panic!("unexpected file type {other}: {name}"),
        }
        assert!(stems.insert(stem.to_string()), "two files for {stem}");
    }
    stems
}

fn planned_stems(posts: &[Media]) -> HashSet<String> {
    download::plan(posts, DEMO_USERNAME)
        .into_iter()
        .map(|j| j.stem)
        .collect()
}

#[test]
fn cli_feed_lists_a_reel_with_licensed_music_as_video_not_available() {
    let m = Machine::demo();
    m.authorized();
    let run = m.run(&["feed", "--limit", "20"]);
    assert_eq!(run.code, 0, "{run:?}");
    let said: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.ends_with("(video not available through the API)"))
        .collect();
    assert_eq!(said.len(), 1, "{run:?}");
    assert!(said[0].contains(" VID "), "{said:?}");
}

#[test]
fn cli_download_all_saves_every_file_once() {
    let m = Machine::with_posts(230);
    m.authorized();
    let posts = posts(&m);
    assert_eq!(posts.len(), 230);
    let out = m.out("all");

    let run = m.run(&["download", "--all", "--out", out.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{run:?}");
    let expected = expected_files(&posts);
    // One reel has licensed music: its cover is saved, not counted as saved.
    let others = expected - 1;
    assert!(
        run.stdout.contains(&format!(
            "{others} saved, 1 only as a cover (video not available through the API), 0 already there, 0 failed, from 230 posts"
        )),
        "{run:?}"
    );
    let said: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("video not available through the API (Instagram leaves"))
        .collect();
    assert_eq!(said.len(), 1, "{run:?}");
    assert!(said[0].ends_with("_cover.jpg"), "{said:?}");
    let stems = saved_stems(&out);
    assert_eq!(stems.len(), expected);
    assert_eq!(stems, planned_stems(&posts));

    // Again: nothing to fetch from the CDN.
    let cdn_before = cdn_hits(&m.control());
    let run = m.run(&["download", "--all", "--out", out.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{run:?}");
    // The reel is said again, not skipped as done.
    assert!(
        run.stdout.contains(&format!(
            "0 saved, 1 only as a cover (video not available through the API), {others} already there, 0 failed"
        )),
        "{run:?}"
    );
    assert_eq!(cdn_hits(&m.control()), cdn_before, "no new CDN request");
    assert_eq!(saved_stems(&out).len(), expected);
}

/// Over a link where each answer waits 30 ms, more transfers at once bring
/// more files a second: the pace climbs past the 4 it starts at (a fixed 4
/// before). Every file is still saved once, whole.
#[test]
fn cli_download_runs_more_than_four_transfers_at_once_over_a_slow_link() {
    let m = Machine::with_posts(120);
    m.authorized();
    let posts = posts(&m);
    m.control().set_latency(Duration::from_millis(30));
    let out = m.out("paced");

    let run = m.run(&["download", "--all", "--out", out.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{run:?}");
    let peak = m.control().peak_in_flight();
    assert!(peak > 4, "at most {peak} transfers at once");
    assert!(peak <= 16, "{peak} transfers at once, over the cap");
    assert_eq!(saved_stems(&out), planned_stems(&posts));
}

#[test]
fn cli_download_limit_and_since_choose_the_posts() {
    let m = Machine::with_posts(230);
    m.authorized();
    let posts = posts(&m);

    let five = m.out("five");
    let run = m.run(&[
        "download",
        "--limit",
        "5",
        "--out",
        five.to_str().expect("utf8"),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("from 5 posts"), "{run:?}");
    assert_eq!(saved_stems(&five), planned_stems(&posts[..5]));

    let since = m.out("since");
    let media_calls = |m: &Machine| {
        m.control()
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/media"))
            .count()
    };
    let before = media_calls(&m);
    let run = m.run(&[
        "download",
        "--since",
        "2026-11-01",
        "--out",
        since.to_str().expect("utf8"),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        media_calls(&m) - before,
        1,
        "the first page already reaches older posts: no more pages are fetched"
    );
    let recent: Vec<Media> = posts
        .iter()
        .filter(|p| p.timestamp.as_deref().is_some_and(|t| t >= "2026-11-01"))
        .cloned()
        .collect();
    assert!(
        !recent.is_empty() && recent.len() < 25,
        "{} posts",
        recent.len()
    );
    assert!(
        run.stdout.contains(&format!("from {} posts", recent.len())),
        "{run:?}"
    );
    let stems = saved_stems(&since);
    assert_eq!(stems, planned_stems(&recent));
    assert!(stems.iter().all(|s| {
        let date = s.split('_').nth(3).expect("a date");
        date >= "2026-11-01"
    }));

    // `--since` with `--all` and a date before the oldest post: everything.
    let run = m.run(&[
        "download",
        "--all",
        "--since",
        "2000-01-01",
        "--out",
        since.to_str().expect("utf8"),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("from 230 posts"), "{run:?}");
}

#[test]
fn cli_download_since_must_be_a_date() {
    let m = Machine::with_posts(12);
    // Before any setup, the date is what is wrong.
    let run = m.run(&["download", "--since", "nonsense", "--out", "x"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("2026-01-31"), "{run:?}");

    m.authorized();
    let out = m.out("bad");
    for bad in ["nonsense", "2026-13-01", "01.11.2026"] {
        let run = m.run(&[
            "download",
            "--since",
            bad,
            "--out",
            out.to_str().expect("utf8"),
        ]);
        assert_eq!(run.code, 2, "{bad}: {run:?}");
        assert!(run.stderr.contains(bad), "{run:?}");
    }
    assert_eq!(cdn_hits(&m.control()), 0);
    assert!(names(&out).is_empty());
}

/// Every file name in `dir` with this extension.
fn with_ext(dir: &Path, ext: &str) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.ends_with(&format!(".{ext}")))
        .collect()
}

#[test]
fn cli_download_until_only_videos_sidecars_and_post_times() {
    let m = Machine::with_posts(230);
    m.authorized();
    let posts = posts(&m);
    let day = |p: &Media| p.timestamp.as_deref().expect("a timestamp")[..10].to_string();
    // A window in the middle of the feed: newer posts are paged past.
    let (since, until) = (day(&posts[60]), day(&posts[20]));
    let in_range: Vec<Media> = posts
        .iter()
        .filter(|p| (since.as_str()..=until.as_str()).contains(&day(p).as_str()))
        .cloned()
        .collect();
    let videos: Vec<Job> = download::plan(&in_range, DEMO_USERNAME)
        .into_iter()
        .filter(|j| j.kind == MediaType::Video)
        .collect();
    assert!(!videos.is_empty(), "the window has videos");
    let with_video: HashSet<&str> = videos.iter().map(|j| j.post_id.as_str()).collect();

    let out = m.out("videos");
    let dir = out.to_str().expect("utf8");
    let args = [
        "download",
        "--all",
        "--since",
        &since,
        "--until",
        &until,
        "--only",
        "videos",
        "--sidecars",
        "--out",
        dir,
    ];
    let run = m.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "{} saved, 0 already there, 0 failed, {} sidecars written, from {} posts",
            videos.len(),
            with_video.len(),
            with_video.len()
        )),
        "{run:?}"
    );
    let mp4 = with_ext(&out, "mp4");
    assert_eq!(mp4.len(), videos.len(), "only videos: {:?}", names(&out));
    assert_eq!(
        mp4.len() + with_video.len(),
        names(&out).len(),
        "nothing else"
    );

    // Each sidecar is the post as Instagram described it; each file and
    // sidecar carries the post's time.
    for post in in_range
        .iter()
        .filter(|p| with_video.contains(p.id.as_str()))
    {
        let stem = download::stem(DEMO_USERNAME, post, None);
        let sidecar = out.join(format!("{stem}.json"));
        let value: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&sidecar).expect("a sidecar")).expect("JSON");
        assert_eq!(value["id"], post.id.as_str());
        assert_eq!(value["caption"].as_str(), post.caption.as_deref());
        assert_eq!(value["permalink"].as_str(), post.permalink.as_deref());
        assert_eq!(value["timestamp"].as_str(), post.timestamp.as_deref());
        assert!(
            value.get("media_url").is_none() && value.get("thumbnail_url").is_none(),
            "no expiring CDN address: {value}"
        );
    }
    for job in &videos {
        let file = out.join(format!("{}.mp4", job.stem));
        let modified = std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(
            time::OffsetDateTime::from(modified).unix_timestamp(),
            job.posted_at.expect("a time").unix_timestamp(),
            "{}",
            file.display()
        );
    }

    // Again: nothing new, sidecars unchanged and not taken for downloads.
    let cdn_before = cdn_hits(&m.control());
    let run = m.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "0 saved, {} already there, 0 failed, 0 sidecars written",
            videos.len()
        )),
        "{run:?}"
    );
    assert_eq!(cdn_hits(&m.control()), cdn_before);

    // Pictures only, into the same folder: the sidecars there hide nothing.
    let run = m.run(&[
        "download", "--all", "--since", &since, "--until", &until, "--only", "images", "--out", dir,
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let pictures = download::plan(&in_range, DEMO_USERNAME)
        .into_iter()
        .filter(|j| j.kind == MediaType::Image)
        .count();
    assert!(
        run.stdout
            .contains(&format!("{pictures} saved, 0 already there")),
        "{run:?}"
    );
    assert_eq!(with_ext(&out, "mp4").len(), videos.len());
}

#[test]
fn cli_download_until_before_since_is_a_usage_error() {
    let m = Machine::with_posts(12);
    let run = m.run(&[
        "download",
        "--since",
        "2026-02-01",
        "--until",
        "2026-01-01",
        "--out",
        "x",
    ]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("swap them"), "{run:?}");
    let run = m.run(&["download", "--only", "reels"]);
    assert_eq!(run.code, 2, "{run:?}");
}

/// Runs the binary in a pseudo-terminal (util-linux `script`), as a person
/// at a terminal would: what it printed there, both streams together.
#[cfg(target_os = "linux")]
fn in_a_terminal(m: &Machine, args: &[&str], env: &[(&str, &str)]) -> String {
    let bin = assert_cmd::cargo::cargo_bin("instatui");
    let mut line = bin.to_string_lossy().into_owned();
    for arg in args {
        line.push_str(&format!(" '{arg}'"));
    }
    let home = m.home.path();
    let output = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("INSTATUI_BASE_URL", m.fake.base_url())
        .env_remove("INSTATUI_CONFIG_DIR")
        // These tests may themselves run under CI, which silences progress.
        .env_remove("CI")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux script runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[cfg(target_os = "linux")]
#[test]
fn download_and_feed_show_progress_in_a_terminal_only() {
    let m = Machine::with_posts(230);
    m.authorized();
    let out = m.out("progress");
    let dir = out.to_str().expect("utf8");
    let screen = in_a_terminal(&m, &["download", "--all", "--out", dir], &[]);
    assert!(screen.contains("listing posts…"), "{screen}");
    assert!(
        screen.contains("files ·") && screen.contains("left"),
        "{screen}"
    );
    assert!(screen.contains("saved"), "{screen}");
    let screen = in_a_terminal(&m, &["feed", "--all"], &[]);
    assert!(screen.contains("listing posts…"), "{screen}");

    // -q, --json, a CI job, or no terminal: results only.
    let quiet = ["listing posts", "files ·"];
    for (args, env) in [
        (vec!["-q", "download", "--all", "--out", dir], vec![]),
        (
            vec!["download", "--all", "--out", dir],
            vec![("CI", "true")],
        ),
        (vec!["feed", "--all", "--json"], vec![]),
    ] {
        let screen = in_a_terminal(&m, &args, &env);
        for word in quiet {
            assert!(!screen.contains(word), "{args:?} {env:?}: {screen}");
        }
    }
    let run = m.run(&["download", "--all", "--out", dir]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
}

// --------------------------------------------------------------------- TUI

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d_on_the_feed_saves_the_selected_album_with_progress() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use instatui::app::{App, Effect, Level, Msg, Screen, update};
    use instatui::store::{AppConfig, StoredToken, TokenKind};
    use time::OffsetDateTime;

    let h = Harness::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let now = OffsetDateTime::now_utc();
    let state = crate::common::tui::state_of(
        Some(AppConfig {
            flavor: Flavor::InstagramLogin,
            app_id: DEMO_APP_ID.to_string(),
            app_secret: Secret::new(DEMO_APP_SECRET),
            redirect_uri: DEMO_REDIRECT_URI.to_string(),
            scopes: Flavor::InstagramLogin.default_scopes(),
        }),
        StoredToken {
            kind: TokenKind::Long,
            value: h.token.clone(),
            user_id: DEMO_USER_ID.to_string(),
            permissions: Flavor::InstagramLogin.default_scopes(),
            obtained_at: now,
            expires_at: now + time::Duration::days(60),
        },
        None,
    );
    let mut app = App::new(state, now, time::UtcOffset::UTC);
    app.screen = Screen::Feed;
    app.base_override = Some(h.fake.base_url());
    app.download_dir = Some(dir.path().join("saved"));
    app.feed.items = h.posts.clone();
    app.feed.complete = true;
    app.feed.selected = h
        .posts
        .iter()
        .position(|p| p.kind() == MediaType::Album)
        .expect("an album");
    let album = h.posts[app.feed.selected].clone();
    let count = album.children().len();

    let d = Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE));
    let effects = update(&mut app, d, now);
    assert!(
        matches!(&effects[..], [Effect::Download { .. }]),
        "{effects:?}"
    );
    assert_eq!(app.feed.download, Some((0, count)));
    let mut executor = instatui::runtime::Executor::new(
        instatui::store::Store::at(dir.path().join("config")),
        instatui::runtime::FeedCache::new(dir.path().join("cache")),
        None,
    );
    for effect in effects {
        executor.run(&app, effect);
    }
    let mut progress = Vec::new();
    let watch = |msg: &Msg| {
        if let Msg::DownloadProgress { done, .. } = msg {
            progress.push(*done);
        }
    };
    tokio::time::timeout(
        Duration::from_secs(20),
        executor.settle(&mut app, || now, watch),
    )
    .await
    .expect("the download ends");
    assert_eq!(progress, (1..=count).collect::<Vec<_>>());
    assert_eq!(app.feed.download, None);
    let status = app.status.clone().expect("a summary");
    assert_eq!(status.level, Level::Success, "{status:?}");
    assert!(
        status.text.contains(&format!("saved {count} files,")),
        "{status:?}"
    );
    let stems = saved_stems(&dir.path().join("saved"));
    assert_eq!(stems, planned_stems(std::slice::from_ref(&album)));
}

/// Requests for a page of posts so far.
fn media_calls(m: &Machine) -> usize {
    m.control()
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/media"))
        .count()
}

/// The stems of the downloads in `dir`: dot-files (the mark) left out.
fn download_stems(dir: &Path) -> HashSet<String> {
    names(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .map(|n| n.rsplit_once('.').expect("an extension").0.to_string())
        .collect()
}

/// Instagram lists pinned posts first, whatever their age: three old ones
/// at the head of the first page do not end `--since` there, and every
/// post of the range is saved (more than a page of them).
#[test]
fn cli_download_since_goes_past_old_pinned_posts() {
    let m = Machine::with_posts(230);
    m.authorized();
    let all = posts(&m);
    let recent: Vec<Media> = all
        .iter()
        .filter(|p| p.timestamp.as_deref().is_some_and(|t| t >= "2026-05-01"))
        .cloned()
        .collect();
    assert!((101..200).contains(&recent.len()), "{} posts", recent.len());
    m.control().pin_posts(&[200, 210, 220]);
    let out = m.out("since-pinned");
    let before = media_calls(&m);
    let run = m.run(&[
        "download",
        "--all",
        "--since",
        "2026-05-01",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!("from {} posts", recent.len())),
        "{run:?}"
    );
    assert_eq!(download_stems(&out), planned_stems(&recent));
    assert_eq!(
        media_calls(&m) - before,
        2,
        "the second page reaches older posts that are not pinned: no third"
    );
}

/// `download --new` remembers the newest post a complete run saved into the
/// folder: the next run fetches only newer posts, more than a page of them
/// under two old pinned ones; a run with a failed file leaves the mark; a
/// run with nothing new fetches nothing, whatever was deleted since.
#[test]
fn cli_download_new_with_only_leaves_the_mark_for_the_other_kind() {
    // Pictures newer than the newest video, never saved by `--only videos`:
    // a mark moved by that run would make every later --new skip them.
    let m = Machine::with_posts(20);
    m.authorized();
    let out = m.out("archive");
    let dir = out.to_str().expect("utf8");
    let has_mark = || {
        names(&out)
            .into_iter()
            .any(|n| n.starts_with(".instatui-new-"))
    };
    let run = m.run(&["download", "--new", "--only", "videos", "--out", dir]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!has_mark(), "--only moved the mark: {run:?}");
    let run = m.run(&["download", "--new", "--out", dir]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(has_mark(), "a complete plain run sets it: {run:?}");
}

#[test]
fn cli_download_new_fetches_only_what_came_after_the_last_complete_run() {
    let m = Machine::with_posts(160);
    m.authorized();
    let all = posts(&m);
    m.control().pin_posts(&[150, 155]);
    m.control().hold_back_newest(110);
    let out = m.out("archive");
    let dir = out.to_str().expect("utf8");
    let mark = || -> Option<String> {
        let name = names(&out)
            .into_iter()
            .find(|n| n.starts_with(".instatui-new-"))?;
        let text = std::fs::read_to_string(out.join(name)).expect("the mark");
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        value["post_id"].as_str().map(str::to_string)
    };

    // The first run: every post there is, the pinned ones included.
    let run = m.run(&["download", "--new", "--out", dir]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("from 50 posts"), "{run:?}");
    assert_eq!(mark(), Some(all[110].id.clone()));
    let first: HashSet<String> = download_stems(&out);

    // 110 new posts, one file of which fails for good (a 404).
    m.control().publish_held_back();
    m.control().inject_on(
        "/cdn",
        Fault::Canned {
            status: 404,
            content_type: "text/plain".into(),
            body: "Not Found".into(),
        },
        1,
    );
    let run = m.run(&["download", "--new", "--out", dir]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("from 110 posts"), "{run:?}");
    assert!(run.stdout.contains(", 1 failed"), "{run:?}");
    assert_eq!(
        mark(),
        Some(all[110].id.clone()),
        "an incomplete run moves nothing"
    );

    // Again: the same posts, the missing file saved; now the mark moves.
    let before = media_calls(&m);
    let run = m.run(&["download", "--new", "--out", dir]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("from 110 posts"), "{run:?}");
    assert!(run.stdout.contains(", 0 failed"), "{run:?}");
    assert_eq!(media_calls(&m) - before, 2, "stopped at the mark");
    assert_eq!(mark(), Some(all[0].id.clone()));
    let new: HashSet<String> = planned_stems(&all[..110]);
    let stems = download_stems(&out);
    assert_eq!(stems, first.union(&new).cloned().collect::<HashSet<_>>());

    // Nothing new: one page asked for, no file fetched, even with the
    // folder emptied meanwhile.
    for name in names(&out).iter().filter(|n| !n.starts_with('.')) {
        std::fs::remove_file(out.join(name)).expect("rm");
    }
    let (pages, files) = (media_calls(&m), cdn_hits(&m.control()));
    let run = m.run(&["download", "--new", "--out", dir]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("0 saved, 0 already there, 0 failed, from 0 posts"),
        "{run:?}"
    );
    assert_eq!(media_calls(&m) - pages, 1);
    assert_eq!(cdn_hits(&m.control()), files);
    assert!(download_stems(&out).is_empty());
    assert_eq!(mark(), Some(all[0].id.clone()));

    // `--new` walks to the mark: a count would leave a gap under it.
    let run = m.run(&["download", "--new", "--limit", "5", "--out", dir]);
    assert_eq!(run.code, 2, "{run:?}");
}

/// Ctrl-C in the middle of a `download --new` leaves the mark where the
/// last complete run put it: the next run fetches the same new posts.
#[test]
fn cli_download_new_interrupted_by_ctrl_c_leaves_the_mark() {
    use std::os::unix::process::ExitStatusExt;
    let m = Machine::with_posts(40);
    m.authorized();
    let all = posts(&m);
    m.control().hold_back_newest(10);
    let out = m.out("interrupted");
    let dir = out.to_str().expect("utf8");
    let mark = || -> Option<String> {
        let name = names(&out)
            .into_iter()
            .find(|n| n.starts_with(".instatui-new-"))?;
        let text = std::fs::read_to_string(out.join(name)).expect("the mark");
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        value["post_id"].as_str().map(str::to_string)
    };
    let run = m.run(&["download", "--new", "--out", dir]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(mark(), Some(all[10].id.clone()));

    // Ten new posts; the first transfers hang until Ctrl-C comes.
    m.control().publish_held_back();
    m.control()
        .inject_on("/cdn", Fault::Slow(Duration::from_secs(60)), 4);
    let files = cdn_hits(&m.control());
    let mut child = m
        .process()
        .args(["download", "--new", "--out", dir])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    // Wait (bounded) for the run's first four transfers (the pace it
    // starts at) to hang, so no slow answer is left for the next run; then
    // interrupt it.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while cdn_hits(&m.control()) < files + 4 {
        assert!(
            std::time::Instant::now() < deadline,
            "the first four transfers did not start"
        );
        std::thread::yield_now();
    }
    // SAFETY: the child is running and not yet reaped.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let status = child.wait().expect("ends");
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
    assert_eq!(
        mark(),
        Some(all[10].id.clone()),
        "an interrupted run moves nothing"
    );

    // The next run fetches the ten new posts and moves the mark.
    let run = m.run(&["download", "--new", "--out", dir]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("from 10 posts"), "{run:?}");
    assert_eq!(mark(), Some(all[0].id.clone()));
}
