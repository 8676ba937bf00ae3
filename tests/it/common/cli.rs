//! A user's machine for running the `instatui` binary end to end: a temp
//! home with its own XDG directories, and the embedded fake in this process.
#![allow(dead_code)]

use assert_cmd::Command;
use instatui::fake::{
    DEMO_APP_ID, DEMO_APP_SECRET, DEMO_REDIRECT_URI, FakeConfig, FakeControl, FakeInstagram,
};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

pub(crate) const HOUR: Duration = Duration::from_secs(3_600);

/// One user's machine: a home with its own config, data and cache dirs,
/// and an Instagram (the fake) to talk to.
pub(crate) struct Machine {
    pub fake: FakeInstagram,
    pub rt: tokio::runtime::Runtime,
    pub home: tempfile::TempDir,
    /// Everything the binary printed, to check no raw token ever leaks.
    pub printed: std::cell::RefCell<String>,
}

pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Machine {
    pub(crate) fn new(config: FakeConfig) -> Machine {
        instatui::install_crypto_provider();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let fake = rt
            .block_on(FakeInstagram::start(config))
            .expect("fake starts");
        let home = tempfile::tempdir().expect("temp dir");
        Machine {
            fake,
            rt,
            home,
            printed: Default::default(),
        }
    }

    /// The demo account with this many posts.
    pub(crate) fn with_posts(post_count: usize) -> Machine {
        Machine::new(FakeConfig {
            post_count,
            ..FakeConfig::demo()
        })
    }

    /// A folder in this machine's home.
    pub(crate) fn out(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    pub(crate) fn demo() -> Machine {
        Machine::new(FakeConfig {
            post_count: 230,
            ..FakeConfig::demo()
        })
    }

    pub(crate) fn control(&self) -> FakeControl {
        self.fake.control()
    }

    pub(crate) fn config_dir(&self) -> PathBuf {
        self.home.path().join("config/instatui")
    }

    pub(crate) fn state_path(&self) -> PathBuf {
        self.config_dir().join("state.json")
    }

    pub(crate) fn state(&self) -> Value {
        let bytes = std::fs::read(self.state_path()).expect("state.json");
        serde_json::from_slice(&bytes).expect("state.json is JSON")
    }

    /// The active account in state.json (schema 2), or null.
    pub(crate) fn account(&self) -> Value {
        let state = self.state();
        let active = state["active"].clone();
        state["accounts"]
            .as_array()
            .and_then(|list| list.iter().find(|a| a["token"]["user_id"] == active))
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// The current app in state.json (schema 2), or null.
    pub(crate) fn app(&self) -> Value {
        let state = self.state();
        let current = state["current_app"].clone();
        state["apps"]
            .as_array()
            .and_then(|list| list.iter().find(|a| a["app_id"] == current))
            .cloned()
            .unwrap_or(Value::Null)
    }

    pub(crate) fn raw_token(&self) -> String {
        self.account()["token"]["value"]
            .as_str()
            .expect("a stored token")
            .to_string()
    }

    /// The binary with this machine's environment, as a plain process (for
    /// tests that hold its stdin open).
    pub(crate) fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("instatui"));
        let home = self.home.path();
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_PICTURES_DIR", home.join("pictures"))
            .env("INSTATUI_BASE_URL", self.fake.base_url())
            .env("INSTATUI_APP_SECRET", DEMO_APP_SECRET)
            .env_remove("INSTATUI_CONFIG_DIR")
            .env_remove("INSTATUI_DATA_DIR")
            .env_remove("INSTATUI_CACHE_DIR")
            .env_remove("INSTATUI_CLOCK_SKEW")
            .env_remove("BROWSER");
        cmd
    }

    pub(crate) fn command(&self) -> Command {
        let mut cmd = Command::from(self.process());
        cmd.timeout(Duration::from_secs(120)).write_stdin("");
        cmd
    }

    pub(crate) fn finish(&self, output: Output) -> Run {
        let run = Run {
            code: output.status.code().expect("exited"),
            stdout: String::from_utf8(output.stdout).expect("utf8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf8 stderr"),
        };
        let mut printed = self.printed.borrow_mut();
        printed.push_str(&run.stdout);
        printed.push_str(&run.stderr);
        run
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        let output = self.command().args(args).output().expect("runs");
        self.finish(output)
    }

    pub(crate) fn run_with(&self, args: &[&str], configure: impl FnOnce(&mut Command)) -> Run {
        let mut cmd = self.command();
        configure(&mut cmd);
        let output = cmd.args(args).output().expect("runs");
        self.finish(output)
    }

    pub(crate) fn setup(&self) {
        let run = self.run(&[
            "setup",
            "--app-id",
            DEMO_APP_ID,
            "--redirect-uri",
            DEMO_REDIRECT_URI,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    /// `instatui authorize`, then the browser: the address it lands on.
    pub(crate) fn authorize_in_browser(&self) -> String {
        let run = self.run(&["authorize"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let url = run.stdout.trim().to_string();
        assert_eq!(run.stdout.lines().count(), 1, "stdout is the URL: {run:?}");
        assert!(
            url.starts_with(&format!("{}/oauth/authorize?", self.fake.base_url())),
            "{url}"
        );
        self.rt.block_on(async {
            let browser = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("browser");
            let response = browser.get(&url).send().await.expect("authorize page");
            assert_eq!(response.status(), 302);
            response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .expect("a Location")
                .to_string()
        })
    }

    pub(crate) fn authorized(&self) {
        self.setup();
        let landed = self.authorize_in_browser();
        let run = self.run_with(&["exchange"], |c| {
            c.write_stdin(landed.clone());
        });
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    pub(crate) fn requests_to(&self, path: &str) -> usize {
        self.control()
            .requests()
            .iter()
            .filter(|r| r.path.ends_with(path))
            .count()
    }

    pub(crate) fn token_json(&self) -> Value {
        let run = self.run(&["token", "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        serde_json::from_str(&run.stdout).expect("token --json is JSON")
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub(crate) fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777
}
