//! Opens a URL in the user's browser: `$BROWSER` when set, else the system's opener.

use std::process::{Command, Stdio};

/// Launches the browser without waiting for it. The caller keeps showing the
/// URL either way, for SSH sessions where no browser can appear.
pub fn open_url(url: &str) -> Result<(), String> {
    if let Ok(browser) = std::env::var("BROWSER") {
        // $BROWSER is a colon-separated list by convention; each entry may
        // hold %s for the URL.
        for entry in browser.split(':').filter(|e| !e.trim().is_empty()) {
            if launch(entry, url).is_ok() {
                return Ok(());
            }
        }
        return Err(format!(
            "could not start $BROWSER ({browser}); open this yourself: {url}"
        ));
    }
    open::that_detached(url)
        .map_err(|e| format!("could not open a browser ({e}): open the URL yourself"))
}

fn launch(entry: &str, url: &str) -> std::io::Result<()> {
    let mut words = entry.split_whitespace();
    let program = words.next().unwrap_or_default();
    let mut args: Vec<String> = words.map(String::from).collect();
    if args.iter().any(|a| a.contains("%s")) {
        args = args.into_iter().map(|a| a.replace("%s", url)).collect();
    } else {
        args.push(url.to_string());
    }
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|mut child| {
            // Reap it when it exits so no zombie lingers while we run.
            std::thread::spawn(move || child.wait());
        })
}
