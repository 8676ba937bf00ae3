//! Behaviour of the store as a whole: round trips, permissions, moving aside, migration and locking.

use super::*;
use crate::instagram::{Flavor, Profile, RateUsage};
use crate::secret::Secret;
use std::fs;
use time::macros::datetime;

const APP_SECRET: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "IGQWRNb2ZAhYTFkX0V4YW1wbGVMb25nTGl2ZWRUb2tlbg";

fn full_state() -> State {
    let account = Account {
        app_id: Some("1234567890".to_string()),
        token: StoredToken {
            kind: TokenKind::Long,
            value: Secret::new(TOKEN),
            user_id: "17841405793187218".to_string(),
            permissions: vec!["instagram_business_basic".to_string()],
            obtained_at: datetime!(2026-11-28 16:22:33.5 UTC),
            // A local offset is stored as the same instant in UTC.
            expires_at: datetime!(2027-01-27 18:22:33 +02:00),
        },
        profile: Some(Profile {
            id: Some("17841405793187218".to_string()),
            user_id: Some("17841405793187218".to_string()),
            username: Some("jane".to_string()),
            account_type: Some("BUSINESS".to_string()),
            media_count: Some(42),
            profile_picture_url: Some("https://example.com/p.jpg".to_string()),
            followers_count: Some(7),
            ..Profile::default()
        }),
        last_refresh: Some(RefreshOutcome {
            at: datetime!(2026-11-29 08:00:00 UTC),
            ok: false,
            message: Some("token is too young to refresh".to_string()),
        }),
        rate_usage: Some(RateUsage {
            call_count: Some(91),
            total_time: Some(14),
            total_cputime: Some(12),
            estimated_time_to_regain_access: Some(0),
            seen_at: Some(datetime!(2026-11-29 08:00:01 UTC)),
        }),
    };
    State {
        version: STATE_VERSION,
        apps: vec![AppConfig {
            flavor: Flavor::BasicDisplay,
            app_id: "1234567890".to_string(),
            app_secret: Secret::new(APP_SECRET),
            redirect_uri: "https://localhost:8910/callback/".to_string(),
            scopes: vec!["user_profile".to_string(), "user_media".to_string()],
        }],
        current_app: Some("1234567890".to_string()),
        active: Some(account.id()),
        accounts: vec![account],
        pending_authorization: Some(PendingAuthorization {
            nonce: "c3RhdGUtbm9uY2U".to_string(),
            issued_at: datetime!(2026-11-28 16:22:33 UTC),
        }),
        rate_usage: None,
        settings: Settings {
            auto_refresh: true,
            images: Some("halfblocks".to_string()),
        },
        endpoints: EndpointOverrides {
            authorize_url: Some("http://127.0.0.1:9000/oauth/authorize".to_string()),
            api_base: Some("http://127.0.0.1:9000".to_string()),
            graph_base: Some("http://127.0.0.1:9000/graph".to_string()),
            graph_version: Some("v24.0".to_string()),
        },
        last_run: Some(crate::keepalive::RefreshRun {
            at: datetime!(2026-11-29 04:17:00 UTC),
            accounts: vec![crate::keepalive::AccountResult {
                app_id: None,
                user_id: "17841405793187218".to_string(),
                username: Some("jane".to_string()),
                outcome: crate::keepalive::RunOutcome::NotDue,
                message: Some("not due".to_string()),
            }],
        }),
        handoffs: vec![crate::handoff::Handoff {
            id: 1,
            account: "17841405793187218".to_string(),
            app_id: Some("1234567890".to_string()),
            target: crate::handoff::Destination::Dotenv {
                path: "/srv/site/.env".into(),
                var: "INSTAGRAM_ACCESS_TOKEN".to_string(),
            },
            last: None,
        }],
        next_handoff_id: 2,
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path().join("instatui"));
    (tmp, store)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn corrupt_copies(dir: &Path) -> Vec<String> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.starts_with("state.json.corrupt-"))
        .collect()
}

#[test]
fn missing_file_loads_default_without_notice() {
    let (_tmp, store) = store();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.state, State::default());
    assert_eq!(loaded.notice, None);
    assert!(!store.dir().exists(), "load must not create the directory");
}

#[test]
fn full_state_round_trips() {
    let (_tmp, store) = store();
    let state = full_state();
    store.save(&state).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.notice, None);
    assert_eq!(loaded.state, state);
    assert_eq!(loaded.state.app().unwrap().app_secret.expose(), APP_SECRET);
    assert_eq!(loaded.state.token().unwrap().value.expose(), TOKEN);
}

#[test]
fn file_is_pretty_versioned_json_with_utc_times() {
    let (_tmp, store) = store();
    store.save(&full_state()).unwrap();
    let text = fs::read_to_string(store.path()).unwrap();
    assert!(text.starts_with("{\n  \"version\": 4,\n"), "{text}");
    assert!(text.ends_with("}\n"));
    assert!(
        text.contains(r#""expires_at": "2027-01-27T16:22:33Z""#),
        "{text}"
    );
    assert!(
        text.contains(r#""obtained_at": "2026-11-28T16:22:33.5Z""#),
        "{text}"
    );
    assert!(!text.contains("+02:00"));
}

#[test]
fn saving_stamps_the_current_version() {
    let (_tmp, store) = store();
    let state = State {
        version: 0,
        ..State::default()
    };
    store.save(&state).unwrap();
    assert_eq!(store.load().unwrap().state.version, STATE_VERSION);
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn file_is_0600_and_new_dir_is_0700() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::at(tmp.path().join("deep/er/instatui"));
    store.save(&full_state()).unwrap();
    assert_eq!(mode(store.dir()), 0o700);
    assert_eq!(mode(&store.path()), 0o600);
    assert_eq!(mode(&store.dir().join("state.lock")), 0o600);
}

#[cfg(unix)]
#[test]
fn existing_0755_dir_and_0644_file_are_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let (_tmp, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    fs::set_permissions(store.dir(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(store.path(), b"{\"version\": 1}").unwrap();
    fs::set_permissions(store.path(), fs::Permissions::from_mode(0o644)).unwrap();
    store.save(&full_state()).unwrap();
    assert_eq!(mode(store.dir()), 0o700);
    assert_eq!(mode(&store.path()), 0o600);
}

#[test]
fn no_temporary_files_are_left_behind() {
    let (_tmp, store) = store();
    store.save(&full_state()).unwrap();
    store.save(&State::default()).unwrap();
    store
        .update(|s| {
            s.settings.auto_refresh = true;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(names_in(store.dir()), ["state.json", "state.lock"]);
}

#[test]
fn corrupt_json_is_moved_aside_byte_for_byte() {
    let (_tmp, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    let garbage: &[u8] = b"{\"version\": 1, \"app\": \n\xff not json";
    fs::write(store.path(), garbage).unwrap();

    let loaded = store.load().unwrap();
    assert_eq!(loaded.state, State::default());
    let notice = loaded.notice.expect("a notice");
    let copies = corrupt_copies(store.dir());
    assert_eq!(copies.len(), 1, "{copies:?}");
    let moved = store.dir().join(&copies[0]);
    assert_eq!(fs::read(&moved).unwrap(), garbage);
    assert!(
        notice.starts_with("state.json could not be read ("),
        "{notice}"
    );
    assert!(notice.contains(&moved.display().to_string()), "{notice}");
    assert!(notice.ends_with("Run 'instatui setup' again."), "{notice}");
    assert!(!notice.contains('\n'));
    assert!(!store.path().exists());

    // Saving now writes a fresh file and leaves the copy alone.
    store.save(&full_state()).unwrap();
    assert_eq!(store.load().unwrap().state, full_state());
    assert_eq!(fs::read(&moved).unwrap(), garbage);
}

#[test]
fn schema_mismatch_is_moved_aside_with_serdes_reason() {
    let (_tmp, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    let bytes = format!(
        r#"{{"version": 1, "app": {{"app_secret": "{APP_SECRET}", "redirect_uri": "x"}}}}"#
    );
    fs::write(store.path(), &bytes).unwrap();
    let notice = store.load().unwrap().notice.expect("a notice");
    assert!(notice.contains("missing field `app_id`"), "{notice}");
    assert!(!notice.contains(APP_SECRET));
    let copies = corrupt_copies(store.dir());
    assert_eq!(
        fs::read(store.dir().join(&copies[0])).unwrap(),
        bytes.as_bytes()
    );
}

#[test]
fn save_never_overwrites_an_unreadable_file() {
    let (_tmp, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    fs::write(store.path(), b"not json").unwrap();
    store.save(&full_state()).unwrap();
    let copies = corrupt_copies(store.dir());
    assert_eq!(copies.len(), 1);
    assert_eq!(fs::read(store.dir().join(&copies[0])).unwrap(), b"not json");
    assert_eq!(store.load().unwrap().state, full_state());
}

#[test]
fn newer_version_is_moved_aside() {
    let (_tmp, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    let bytes: &[u8] = br#"{"version": 5, "something_new": {"x": 1}}"#;
    fs::write(store.path(), bytes).unwrap();

    let loaded = store.load().unwrap();
    assert_eq!(loaded.state, State::default());
    let notice = loaded.notice.expect("a notice");
    assert!(
        notice.starts_with(
            "state.json was written by a newer instatui (version 5); it was moved to "
        ),
        "{notice}"
    );
    let copies = corrupt_copies(store.dir());
    assert_eq!(copies.len(), 1);
    let moved = store.dir().join(&copies[0]);
    assert!(notice.contains(&moved.display().to_string()));
    assert_eq!(fs::read(&moved).unwrap(), bytes);
    assert!(!store.path().exists());
}

#[test]
fn two_bad_files_in_the_same_second_both_survive() {
    let (_tmp, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    fs::write(store.path(), b"first").unwrap();
    assert!(store.load().unwrap().notice.is_some());
    fs::write(store.path(), b"second").unwrap();
    assert!(store.load().unwrap().notice.is_some());
    let mut contents: Vec<Vec<u8>> = corrupt_copies(store.dir())
        .iter()
        .map(|n| fs::read(store.dir().join(n)).unwrap())
        .collect();
    contents.sort();
    assert_eq!(contents, [b"first".to_vec(), b"second".to_vec()]);
}

#[test]
fn v0_file_is_migrated() {
    let (_tmp, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    let v0 = format!(
        r#"{{
  "flavor": "basic-display",
  "app": {{"app_id": "1234567890", "app_secret": "{APP_SECRET}", "redirect_uri": "https://localhost:8910/callback/"}},
  "settings": {{"auto_refresh": true}}
}}"#
    );
    fs::write(store.path(), &v0).unwrap();

    let loaded = store.load().unwrap();
    assert_eq!(loaded.notice, None);
    assert_eq!(loaded.state.version, STATE_VERSION);
    let app = loaded.state.app().cloned().expect("app");
    assert_eq!(app.flavor, Flavor::BasicDisplay);
    assert_eq!(app.app_secret.expose(), APP_SECRET);
    assert!(loaded.state.settings.auto_refresh);
    // Loading does not rewrite the file; the next save writes version 4.
    assert_eq!(fs::read_to_string(store.path()).unwrap(), v0);
    store.update(|_| Ok::<_, StoreError>(())).unwrap();
    let text = fs::read_to_string(store.path()).unwrap();
    assert!(text.contains("\"version\": 4") && text.contains("\"flavor\": \"basic-display\""));
    assert!(corrupt_copies(store.dir()).is_empty());
}

#[derive(Debug)]
enum TestError {
    Store(StoreError),
    Refused,
}

impl From<StoreError> for TestError {
    fn from(e: StoreError) -> Self {
        TestError::Store(e)
    }
}

#[test]
fn update_saves_and_returns_the_value_and_state() {
    let (_tmp, store) = store();
    store.save(&full_state()).unwrap();
    let (previous, saved) = store
        .update(|s| {
            let previous = s.settings.images.replace("off".to_string());
            Ok::<_, TestError>(previous)
        })
        .unwrap();
    assert_eq!(previous.as_deref(), Some("halfblocks"));
    assert_eq!(saved.settings.images.as_deref(), Some("off"));
    assert_eq!(store.load().unwrap().state, saved);
}

#[test]
fn update_that_fails_writes_nothing() {
    let (_tmp, store) = store();
    store.save(&full_state()).unwrap();
    let before = fs::read(store.path()).unwrap();
    let result = store.update(|s| {
        s.forget_token();
        Err::<(), _>(TestError::Refused)
    });
    assert!(matches!(result, Err(TestError::Refused)));
    assert_eq!(fs::read(store.path()).unwrap(), before);

    let (_tmp, empty) = self::store();
    let result = empty.update(|_| Err::<(), _>(TestError::Refused));
    assert!(matches!(result, Err(TestError::Refused)));
    assert!(!empty.path().exists());
}

#[test]
fn a_held_lock_makes_writers_fail_with_locked() {
    let (_tmp, store) = store();
    store.save(&full_state()).unwrap();
    let before = fs::read(store.path()).unwrap();
    let other = Store::at(store.dir()).with_lock_timeout(Duration::from_millis(100));

    let guard = store.lock().unwrap();
    let err = other.save(&State::default()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Locked { path } if *path == store.path()),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "another instatui process is writing {}; wait for it to finish and try again",
            store.path().display()
        )
    );
    let err = other.update(|_| Ok::<_, TestError>(())).unwrap_err();
    assert!(
        matches!(err, TestError::Store(StoreError::Locked { .. })),
        "{err:?}"
    );
    // Readers are not blocked.
    assert_eq!(other.load().unwrap().state, full_state());
    assert_eq!(fs::read(store.path()).unwrap(), before);

    drop(guard);
    other.save(&State::default()).unwrap();
    assert_eq!(store.load().unwrap().state, State::default());
}

#[test]
fn a_held_lock_from_another_thread_blocks_writers() {
    let (_tmp, store) = store();
    let guard = store.lock().unwrap();
    let other = store.clone().with_lock_timeout(Duration::from_millis(100));
    let result = std::thread::spawn(move || other.save(&State::default()))
        .join()
        .unwrap();
    assert!(matches!(result, Err(StoreError::Locked { .. })));
    drop(guard);
    store.save(&State::default()).unwrap();
}

#[test]
fn debug_output_holds_no_secret() {
    let state = full_state();
    for text in [format!("{state:?}"), format!("{state:#?}")] {
        assert!(!text.contains(APP_SECRET), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains(&TOKEN[4..20]), "{text}");
    }
    let loaded = Loaded {
        state,
        notice: None,
    };
    assert!(!format!("{loaded:?}").contains(TOKEN));
}

#[test]
fn io_errors_name_the_operation_and_path() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    fs::write(&file, b"").unwrap();
    // A directory that cannot exist, because its parent is a file.
    let store = Store::at(file.join("instatui"));
    let err = store.save(&State::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(
            err,
            StoreError::Io {
                op: IoOp::CreateDir,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        text.starts_with(&format!(
            "could not create the directory {}: ",
            store.dir().display()
        )),
        "{text}"
    );
    assert!(!text.contains('\n'));
}

#[test]
fn locate_uses_the_flag() {
    let store = Store::locate(Some(PathBuf::from("/tmp/instatui-flag"))).unwrap();
    assert_eq!(store.dir(), Path::new("/tmp/instatui-flag"));
    assert_eq!(store.path(), Path::new("/tmp/instatui-flag/state.json"));
}

/// A file written by instatui 0.1.0, schema 1 (see tests/fixtures/state/README.md).
const V1_FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/state/v1.json");

#[test]
fn a_version_1_file_from_the_first_release_opens_with_nothing_lost() {
    let (_dir, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    fs::write(store.path(), V1_FIXTURE).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.notice, None);
    let state = loaded.state;
    let app = state.app().expect("the app");
    assert_eq!(app.app_id, "990602627938098");
    assert_eq!(app.app_secret.expose(), "3f1c9a7e5b2d4f608a1c3e5b7d9f0a2c");
    assert_eq!(app.redirect_uri, "https://localhost/instatui/auth/");
    assert_eq!(app.flavor, Flavor::InstagramLogin);
    assert_eq!(app.scopes, ["instagram_business_basic"]);
    let token = state.token().expect("the token");
    assert_eq!(token.kind, TokenKind::Long);
    assert!(token.value.expose().starts_with("IGAAacEuhut58"));
    assert_eq!(token.user_id, "17841405793187218");
    assert_eq!(token.expires_at, datetime!(2027-01-28 02:37:52 UTC));
    assert_eq!(
        state.profile().and_then(|p| p.username.as_deref()),
        Some("larch_and_lake")
    );
    let last = state.last_refresh().expect("the last refresh");
    assert!(!last.ok);
    assert!(
        last.message
            .as_deref()
            .unwrap_or("")
            .contains("24 hours old")
    );
    assert_eq!(state.rate_usage().and_then(|u| u.call_count), Some(3));
    assert_eq!(
        state
            .pending_authorization
            .as_ref()
            .map(|p| p.nonce.as_str()),
        Some("7ae893661a34aea16bd8716cba1b0ef9")
    );
}

#[test]
fn a_version_1_file_is_saved_as_version_2_with_one_active_account() {
    let (_dir, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    fs::write(store.path(), V1_FIXTURE).unwrap();
    let before = store.load().unwrap().state;
    store.update(|_| Ok::<_, StoreError>(())).unwrap();
    let v1: serde_json::Value = serde_json::from_slice(V1_FIXTURE).unwrap();
    let v2: serde_json::Value = serde_json::from_slice(&fs::read(store.path()).unwrap()).unwrap();
    assert_eq!(v2["version"], 4);
    assert_eq!(v2["apps"], serde_json::json!([v1["app"]]));
    assert_eq!(v2["current_app"], v1["app"]["app_id"]);
    assert_eq!(v2["active"], v1["token"]["user_id"]);
    let account = &v2["accounts"][0];
    assert_eq!(v2["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(account["app_id"], v1["app"]["app_id"]);
    for part in ["token", "profile", "last_refresh", "rate_usage"] {
        assert_eq!(account[part], v1[part], "{part}");
    }
    assert_eq!(v2["pending_authorization"], v1["pending_authorization"]);
    // Version 2's rule: the old default `false` becomes the new default, on.
    assert_eq!(v1["settings"]["auto_refresh"], false);
    assert!(before.settings.auto_refresh);
    // And it reads back as the same state.
    assert_eq!(store.load().unwrap().state, before);
}

#[test]
fn several_accounts_under_two_apps_round_trip() {
    let (_dir, store) = store();
    let mut state = full_state();
    let first = state.token().cloned().unwrap();
    // A second user under the same app.
    state.record_authorization(StoredToken {
        user_id: "2".to_string(),
        value: Secret::new("IGQsecond"),
        ..first.clone()
    });
    // A third under another app.
    state.set_app(AppConfig {
        app_id: "999".to_string(),
        ..state.app().cloned().unwrap()
    });
    state.record_authorization(StoredToken {
        user_id: "3".to_string(),
        value: Secret::new("IGQthird"),
        ..first.clone()
    });
    assert_eq!(state.all_accounts().len(), 3);
    store.save(&state).unwrap();
    let loaded = store.load().unwrap().state;
    assert_eq!(loaded, state);
    assert_eq!(loaded.active_user_id(), Some("3"));
    assert_eq!(loaded.app().unwrap().app_id, "999");
    let first_account = loaded
        .all_accounts()
        .into_iter()
        .find(|a| a.user_id() == first.user_id)
        .unwrap();
    assert_eq!(first_account.app_id.as_deref(), Some("1234567890"));
    assert_eq!(loaded.app_of(&first_account).unwrap().app_id, "1234567890");
}

/// Two accounts under app 1234567890, then `setup` of app 999: none is
/// active, 999 is the current app and has no account yet.
fn set_up_another_app() -> State {
    let mut state = full_state();
    let first = state.token().cloned().unwrap();
    state.record_authorization(StoredToken {
        user_id: "2".to_string(),
        value: Secret::new("IGQsecond"),
        ..first
    });
    state.set_app(AppConfig {
        app_id: "999".to_string(),
        app_secret: Secret::new("fedcba9876543210fedcba9876543210"),
        ..state.app().cloned().unwrap()
    });
    assert_eq!(state.active_user_id(), None);
    state
}

fn stored_app_ids(store: &Store) -> Vec<String> {
    let saved: serde_json::Value =
        serde_json::from_slice(&fs::read(store.path()).unwrap()).unwrap();
    let mut ids: Vec<String> = saved["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["app_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn working_on_another_apps_account_keeps_every_stored_app() {
    let (_dir, store) = store();
    store.save(&set_up_another_app()).unwrap();
    // What `--account 2 profile` does: that account's profile saved.
    store
        .update(|s| {
            let id = s.find_account("2").unwrap();
            s.record_profile(&id, Profile::default());
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(stored_app_ids(&store), ["1234567890", "999"]);
    let loaded = store.load().unwrap().state;
    assert_eq!(loaded.app().unwrap().app_id, "999", "still current");
    assert_eq!(
        loaded.app().unwrap().app_secret.expose(),
        "fedcba9876543210fedcba9876543210"
    );
    assert_eq!(loaded.active_user_id(), None);
}

#[test]
fn switching_to_another_apps_account_keeps_the_app_being_set_up() {
    let (_dir, store) = store();
    store.save(&set_up_another_app()).unwrap();
    store
        .update(|s| {
            let id = s.find_account("2").unwrap();
            Ok::<_, StoreError>(s.switch_account(&id))
        })
        .unwrap();
    assert_eq!(stored_app_ids(&store), ["1234567890", "999"]);
    let loaded = store.load().unwrap().state;
    assert_eq!(loaded.active_user_id(), Some("2"));
    assert_eq!(loaded.app().unwrap().app_id, "1234567890");
    let other = loaded.apps.iter().find(|a| a.app_id == "999").unwrap();
    assert_eq!(
        other.app_secret.expose(),
        "fedcba9876543210fedcba9876543210"
    );
}

#[test]
fn a_writer_that_switched_accounts_keeps_the_app_on_disk() {
    // The TUI's save: its switch merged with the file as it is now.
    let base = set_up_another_app();
    let mut ours = base.clone();
    let two = ours.find_account("2").unwrap();
    ours.switch_account(&two);
    let merged = merge::three_way(&base, &ours, &base);
    let (_dir, store) = store();
    store.save(&merged).unwrap();
    assert_eq!(stored_app_ids(&store), ["1234567890", "999"]);
}

const V3_TWINS: &[u8] = include_bytes!("../../tests/fixtures/state/v3-twins.json");

#[test]
fn a_version_3_file_with_a_twin_opens_as_one_account_with_every_handoff() {
    let (_dir, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    fs::write(store.path(), V3_TWINS).unwrap();
    let loaded = store.load().unwrap();
    let notice = loaded.notice.expect("says what was repaired");
    assert!(
        notice.starts_with("state.json was repaired: 1 account stored twice merged"),
        "{notice}"
    );
    assert!(!notice.contains('\n'), "one line: {notice}");
    let state = loaded.state;
    assert_eq!(state.accounts.len(), 1, "{:?}", state.accounts);
    let account = &state.accounts[0];
    assert_eq!(
        account.user_id(),
        "17841405793187218",
        "the professional id"
    );
    assert_eq!(
        account.profile.as_ref().and_then(|p| p.id.as_deref()),
        Some("9155031865117149"),
        "the app-scoped id is kept"
    );
    // The newest token: the one `login --with-token` stored a second later.
    let v3: serde_json::Value = serde_json::from_slice(V3_TWINS).unwrap();
    assert_eq!(
        crate::localtime::rfc3339(account.token.obtained_at),
        v3["accounts"][1]["token"]["obtained_at"].as_str().unwrap()
    );
    assert_eq!(state.active, Some(account.id()));
    let owners: Vec<(u32, &str)> = state
        .handoffs
        .iter()
        .map(|h| (h.id, h.account.as_str()))
        .collect();
    assert_eq!(
        owners,
        [(1, "17841405793187218"), (2, "17841405793187218")],
        "every handoff, now the account's"
    );
    assert_eq!(
        crate::handoff::owned_by(&state.handoffs, &account.id()),
        [1, 2],
        "both belong to it: its app and its professional id"
    );
    // Written back as version 4, once.
    store.update(|_| Ok::<_, StoreError>(())).unwrap();
    let saved: serde_json::Value =
        serde_json::from_slice(&fs::read(store.path()).unwrap()).unwrap();
    assert_eq!(saved["version"], 4);
    assert_eq!(saved["accounts"].as_array().map(Vec::len), Some(1));
    assert_eq!(store.load().unwrap().notice, None, "nothing left to repair");
}

fn account_json(app: &str, user: &str, name: &str) -> serde_json::Value {
    serde_json::json!({
        "app_id": app,
        "token": {"kind": "long", "value": format!("IGAA{user}"), "user_id": user,
                  "obtained_at": "2026-12-01T12:00:00Z", "expires_at": "2027-01-30T12:00:00Z"},
        "profile": {"username": name}
    })
}

fn app_json(app: &str) -> serde_json::Value {
    serde_json::json!({"app_id": app, "app_secret": APP_SECRET, "redirect_uri": "https://localhost/cb/"})
}

#[test]
fn bad_files_open_with_nothing_lost_and_one_line_saying_what_was_repaired() {
    let (_dir, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    // An active id naming no account.
    let file = serde_json::json!({"version": 4, "apps": [app_json("1")], "current_app": "1",
        "accounts": [account_json("1", "11", "jane")], "active": "99"});
    fs::write(store.path(), file.to_string()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.state.accounts.len(), 1);
    assert_eq!(loaded.state.active, None);
    assert!(
        loaded
            .notice
            .as_deref()
            .unwrap_or("")
            .contains("the active account (99) is not stored"),
        "{:?}",
        loaded.notice
    );
    assert_eq!(
        loaded.notice.as_deref().map(|n| n.lines().count()),
        Some(1),
        "one line"
    );
    // Two accounts with one username under one app: one Instagram account.
    let file = serde_json::json!({"version": 4, "apps": [app_json("1")], "current_app": "1",
        "accounts": [account_json("1", "11", "jane"), account_json("1", "12", "Jane")],
        "active": "12",
        "handoffs": [{"id": 1, "account": "11", "kind": "exec", "command": "true"}]});
    fs::write(store.path(), file.to_string()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.state.accounts.len(), 1);
    assert!(
        loaded.state.active().is_some(),
        "the active one stays active"
    );
    let kept = loaded.state.accounts[0].user_id().to_string();
    assert_eq!(
        loaded.state.handoffs[0].account, kept,
        "its handoff follows"
    );
    assert!(loaded.notice.unwrap().contains("merged"));
    // One username under two apps is two accounts: nothing to repair.
    let file = serde_json::json!({"version": 4, "apps": [app_json("1"), app_json("2")],
        "current_app": "1",
        "accounts": [account_json("1", "11", "jane"), account_json("2", "21", "jane")],
        "active": "11"});
    fs::write(store.path(), file.to_string()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.state.accounts.len(), 2);
    assert_eq!(loaded.notice, None);
    // An account whose app is missing: kept, and named.
    let file = serde_json::json!({"version": 4, "apps": [app_json("1")], "current_app": "1",
        "accounts": [account_json("1", "11", "jane"), account_json("7", "71", "bob")],
        "active": "11"});
    fs::write(store.path(), file.to_string()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.state.accounts.len(), 2, "nothing lost");
    let notice = loaded.notice.expect("a notice");
    assert!(notice.contains("@bob's app 7 is not stored"), "{notice}");
    assert!(
        notice.starts_with("state.json was repaired: ") && !notice.contains('\n'),
        "one line: {notice}"
    );
}

/// The flavour a command speaks is its account's app's, not the current
/// app's: a basic-display account stays basic-display after `setup` of an
/// instagram-login app; with no app stored, instagram-login.
#[test]
fn the_flavour_is_the_accounts_apps() {
    let mut state = set_up_another_app();
    state.set_app(AppConfig {
        flavor: Flavor::InstagramLogin,
        ..state.app().cloned().unwrap()
    });
    let old = state
        .all_accounts()
        .into_iter()
        .find(|a| a.app_id.as_deref() == Some("1234567890"))
        .unwrap();
    assert_eq!(state.flavor_for(Some(&old)), Flavor::BasicDisplay);
    assert_eq!(state.flavor_for(None), Flavor::InstagramLogin);
    assert_eq!(State::default().flavor_for(None), Flavor::InstagramLogin);
    let orphan = Account {
        app_id: Some("gone".to_string()),
        ..old
    };
    assert_eq!(state.flavor_for(Some(&orphan)), Flavor::InstagramLogin);
}

#[test]
fn only_a_dir_of_ours_is_tightened_and_a_shared_one_is_refused() {
    use super::atomic::judge_dir;
    let (us, them) = (1000, 1001);
    assert_eq!(judge_dir(0o40700, us, us), Ok(false), "already private");
    assert_eq!(judge_dir(0o755, us, us), Ok(true), "ours, merely too open");
    assert_eq!(judge_dir(0o2775, us, us), Ok(true), "ours, group-shared");
    assert_eq!(
        judge_dir(0o1777, us, us),
        Err(SharedDir::WorldWritable { mode: 0o1777 })
    );
    assert_eq!(
        judge_dir(0o777, us, us),
        Err(SharedDir::WorldWritable { mode: 0o777 })
    );
    assert_eq!(
        judge_dir(0o1755, us, us),
        Err(SharedDir::Sticky { mode: 0o1755 })
    );
    assert_eq!(
        judge_dir(0o700, them, us),
        Err(SharedDir::OtherOwner { owner: them, us })
    );
    // Root takes over no one's folder either.
    assert_eq!(
        judge_dir(0o755, them, 0),
        Err(SharedDir::OtherOwner { owner: them, us: 0 })
    );
}

#[cfg(unix)]
#[test]
fn a_world_writable_or_sticky_dir_is_refused_untouched() {
    use std::os::unix::fs::PermissionsExt;
    for bits in [0o1777, 0o777] {
        let tmp = tempfile::tempdir().unwrap();
        let shared = tmp.path().join("shared");
        fs::create_dir(&shared).unwrap();
        fs::set_permissions(&shared, fs::Permissions::from_mode(bits)).unwrap();
        let err = Store::at(&shared).save(&full_state()).unwrap_err();
        assert!(
            matches!(err, StoreError::SharedDir { .. }),
            "{bits:o}: {err}"
        );
        let text = err.to_string();
        assert!(
            text.contains(&format!(
                "pass --config-dir {}",
                shared.join("instatui").display()
            )),
            "{text}"
        );
        assert!(!text.contains('\n'));
        assert_eq!(mode(&shared), bits, "not chmod'ed");
        assert_eq!(names_in(&shared), Vec::<String>::new(), "nothing written");
        let located = Store::locate(Some(shared.clone())).unwrap_err();
        assert!(matches!(located, StoreError::SharedDir { .. }));
        // A folder of its own inside it is made 0700 and used.
        let own = Store::at(shared.join("instatui"));
        own.save(&full_state()).unwrap();
        assert_eq!(mode(own.dir()), 0o700);
        assert_eq!(mode(&shared), bits);
    }
}

/// A version 3 file keyed each account by its app-scoped id: one person
/// under two apps was two accounts with two ids, each with a handoff. As
/// version 4 both are keyed by the one professional id, and each handoff
/// stays with its own app's account (`app_id`), not with both.
#[test]
fn a_version_3_file_with_one_person_under_two_apps_keeps_each_handoff_with_its_app() {
    let (_dir, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    let under = |app: &str, scoped: &str| {
        let mut a = account_json(app, scoped, "jane");
        a["profile"]["id"] = scoped.into();
        a["profile"]["user_id"] = "178414".into();
        a
    };
    let file = serde_json::json!({"version": 3, "apps": [app_json("1"), app_json("2")],
        "current_app": "2",
        "accounts": [under("1", "901"), under("2", "902")], "active": "902",
        "handoffs": [{"id": 1, "account": "901", "kind": "exec", "command": "one"},
                     {"id": 2, "account": "902", "kind": "exec", "command": "two"}]});
    fs::write(store.path(), file.to_string()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.notice, None, "two accounts, nothing to repair");
    let state = loaded.state;
    assert_eq!(state.accounts.len(), 2);
    let of_app = |app: &str| {
        let id = AccountId {
            app_id: Some(app.to_string()),
            user_id: "178414".to_string(),
        };
        assert!(state.account(&id).is_some(), "keyed by the professional id");
        crate::handoff::owned_by(&state.handoffs, &id)
    };
    assert_eq!(of_app("1"), [1]);
    assert_eq!(of_app("2"), [2]);
    assert_eq!(state.active_user_id(), Some("178414"));
    assert_eq!(state.current_app.as_deref(), Some("2"));
}

/// Handoffs a version 4 file kept without their account's app get it when
/// the file is read: silently when the user id fits one account, with a
/// line saying which when it fits one person under two apps (the active
/// one's); one that fits no account stays as it was.
#[test]
fn handoffs_stored_without_their_app_are_attached_to_their_account() {
    let (_dir, store) = store();
    fs::create_dir_all(store.dir()).unwrap();
    let file = serde_json::json!({"version": 4, "apps": [app_json("1"), app_json("2")],
        "current_app": "1",
        "accounts": [account_json("1", "11", "jane"), account_json("2", "22", "bob")],
        "active": "11",
        "handoffs": [{"id": 1, "account": "22", "kind": "exec", "command": "bob"},
                     {"id": 2, "account": "99", "kind": "exec", "command": "gone"}]});
    fs::write(store.path(), file.to_string()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.notice, None);
    let h = &loaded.state.handoffs;
    assert_eq!(h[0].app_id.as_deref(), Some("2"), "bob's, under app 2");
    assert_eq!(
        (h[1].account.as_str(), h[1].app_id.as_deref()),
        ("99", None)
    );

    let file = serde_json::json!({"version": 4, "apps": [app_json("1"), app_json("2")],
        "current_app": "2",
        "accounts": [account_json("1", "11", "jane"), account_json("2", "11", "jane")],
        "active": "11",
        "handoffs": [{"id": 3, "account": "11", "kind": "exec", "command": "which"}]});
    fs::write(store.path(), file.to_string()).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(
        loaded.state.handoffs[0].app_id.as_deref(),
        Some("2"),
        "the active account's"
    );
    assert_eq!(loaded.state.accounts.len(), 2, "nothing lost");
    let notice = loaded.notice.expect("says which");
    assert!(
        notice
            .contains("handoff 3 fitted @jane under 2 apps and now belongs to the one under app 2"),
        "{notice}"
    );
    assert!(!notice.contains('\n'), "{notice}");
}

/// A file from before the handoff counter (or one an older instatui wrote,
/// which drops it) goes on past its highest id; the counter survives a
/// save, and two writers' counters merge to the larger.
#[test]
fn handoff_ids_go_on_past_every_id_ever_given() {
    let mut value = serde_json::to_value(full_state()).unwrap();
    let object = value.as_object_mut().unwrap();
    object.remove("next_handoff_id");
    let mut handoffs = object["handoffs"].clone();
    let mut fourth = handoffs[0].clone();
    fourth["id"] = 4.into();
    handoffs.as_array_mut().unwrap().push(fourth);
    object.insert("handoffs".into(), handoffs);
    let mut state: State = serde_json::from_value(value).unwrap();
    assert_eq!(state.take_handoff_id(), 5);
    state.handoffs.clear();
    assert_eq!(state.take_handoff_id(), 6, "removing them all reuses none");
    let again: State = serde_json::from_value(serde_json::to_value(&state).unwrap()).unwrap();
    assert_eq!(again.next_handoff_id, 7);

    let base = full_state();
    let mut ours = base.clone();
    ours.next_handoff_id = 9;
    let merged = super::merge::three_way(&base, &ours, &base);
    assert_eq!(merged.next_handoff_id, 9);
    let merged = super::merge::three_way(&base, &base, &ours);
    assert_eq!(merged.next_handoff_id, 9);
}
