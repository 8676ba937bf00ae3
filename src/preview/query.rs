//! Asking the terminal (and tmux) what it can draw: writes the query, reads the answers until the last one or a deadline, hands typed keys on.

use super::ImageMode;
use super::Painter;
use super::detect::{self, Answers, Ask, Decision, Place, Scanner, Tmux};
use crossterm::event::KeyEvent;
use ratatui_image::FontSize;
use ratatui_image::picker::ProtocolType;
use std::time::{Duration, Instant};

/// How long the answers may take once the first of them came. Local
/// terminals answer within a few milliseconds; over a slow link the last
/// answer may take longer, and the input is read here until it came so
/// that no answer arrives late as keys.
pub(crate) const DEADLINE: Duration = Duration::from_millis(1500);

/// How long a terminal may take to start answering before it counts as
/// silent. Measured under Xvfb (BENCHMARKS.md): xterm answers whole within
/// 0.2 ms (at most 4.8 ms), tmux passing it through within 0.4 ms (5.9 ms),
/// kitty within 3.7 ms, and 86 ms while its window is still opening, when
/// `kitty instatui` asks. About 6× that, which also leaves room for an ssh
/// link's round trip.
pub(crate) const FIRST_ANSWER: Duration = Duration::from_millis(500);

/// The chosen picker (`None`: pictures off) and advice for the status line.
pub struct Chosen {
    pub(crate) picker: Option<Painter>,
    pub(crate) hint: Option<String>,
    /// Inside tmux, for pictures drawn at the cursor (sixel, iTerm2): where
    /// the pane starts on the outer terminal.
    pub(crate) tmux_origin: Option<(u16, u16)>,
    /// The terminal's background colour, when it answered OSC 11.
    pub(crate) background: Option<super::background::Rgb>,
}

impl From<Option<Painter>> for Chosen {
    fn from(picker: Option<Painter>) -> Self {
        Chosen {
            picker,
            hint: None,
            tmux_origin: None,
            background: None,
        }
    }
}

impl std::fmt::Debug for Chosen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.picker {
            Some(picker) => write!(f, "Chosen({:?})", picker.protocol_type()),
            None => f.write_str("Chosen(off)"),
        }
    }
}

/// Where instatui runs, from the environment; inside tmux, tmux is asked.
pub(crate) fn place() -> Place {
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let term = env("TERM");
    let in_tmux = !env("TMUX").is_empty();
    Place {
        screen: !in_tmux && (!env("STY").is_empty() || term.starts_with("screen")),
        tmux: in_tmux.then(|| ask_tmux(&env("TMUX_PANE"))),
        term,
        term_program: env("TERM_PROGRAM"),
        lc_terminal: env("LC_TERMINAL"),
        konsole: !env("KONSOLE_VERSION").is_empty(),
        wezterm: !env("WEZTERM_EXECUTABLE").is_empty(),
    }
}

fn tmux_command(args: &[&str]) -> Option<String> {
    let output = std::process::Command::new("tmux")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn ask_tmux(pane: &str) -> Tmux {
    let mut args = vec!["display-message", "-p"];
    if !pane.is_empty() {
        args.extend(["-t", pane]);
    }
    args.push(Tmux::FORMAT);
    tmux_command(&args)
        .map(|out| Tmux::parse(&out))
        .unwrap_or_default()
}

/// Asks, decides and builds the picker. Runs on a worker after the
/// terminal is in raw mode and before terminal events are read; keys typed
/// meanwhile go to `typed`, in order.
pub(crate) fn choose(mode: ImageMode, typed: &(dyn Fn(KeyEvent) + Sync)) -> Chosen {
    match mode {
        ImageMode::Off => return Chosen::from(None),
        // Half-blocks need no answer: nothing is asked, nothing waited for.
        ImageMode::Halfblocks => {
            tracing::info!(
                protocol = "Halfblocks",
                "pictures: asked for with --images, nothing asked of the terminal"
            );
            return half_blocks();
        }
        _ => {}
    }
    let started = Instant::now();
    let place = place();
    let silence = super::silence::Silence::here();
    let answers = match detect::how_to_ask(&place) {
        Ask::No => Answers::default(),
        // Silent before in this session: not asked again.
        _ if silence.as_ref().is_some_and(|s| s.known()) => Answers::default(),
        how => {
            let answers = ask(&detect::query(how == Ask::ThroughTmux), DEADLINE, typed);
            if answers == Answers::default()
                && let Some(silence) = &silence
            {
                silence.remember();
            }
            answers
        }
    };
    let font = font_size(&answers);
    let Decision {
        protocol,
        why,
        hint,
    } = detect::decide(mode, &place, &answers, font.is_some());
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        terminal = answers
            .version
            .as_deref()
            .or(place.tmux.as_ref().map(|t| t.outer.as_str()))
            .unwrap_or("?"),
        kitty = answers.kitty_graphics,
        sixel = answers.sixel(),
        answered = answers.complete(),
        background = answers.background.map(|c| c.to_string()),
        tmux = ?place.tmux,
        ?protocol,
        why,
        "pictures"
    );
    // Not ratatui-image's Picker: its constructors turn tmux passthrough on
    // in whichever pane tmux takes for current (see preview::painter).
    let picker = Painter::new(
        protocol,
        font.unwrap_or(FontSize::new(10, 20)),
        place.tmux.is_some(),
    );
    let at_cursor = matches!(protocol, ProtocolType::Sixel | ProtocolType::Iterm2);
    Chosen {
        picker: Some(picker),
        hint,
        tmux_origin: place.tmux.as_ref().filter(|_| at_cursor).map(|t| t.origin),
        background: answers.background,
    }
}

/// `doctor`'s pictures line: the protocol the terminal answers to, asked
/// as the TUI asks it (raw mode for the answers' time). `Err` when there is
/// no terminal to ask. The advice is the hint the TUI would show.
pub(crate) fn diagnose() -> Result<(String, Option<String>), String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(
            "not run in a terminal: run 'instatui doctor' in the terminal you use instatui in"
                .into(),
        );
    }
    let place = place();
    let answers = match detect::how_to_ask(&place) {
        Ask::No => Answers::default(),
        how => {
            if crossterm::terminal::enable_raw_mode().is_err() {
                return Err("the terminal could not be put in raw mode to ask it".into());
            }
            let answers = ask(&detect::query(how == Ask::ThroughTmux), DEADLINE, &|_| {});
            let _ = crossterm::terminal::disable_raw_mode();
            answers
        }
    };
    let font = font_size(&answers);
    let decision = detect::decide(ImageMode::Auto, &place, &answers, font.is_some());
    let name = match decision.protocol {
        ProtocolType::Kitty => "kitty graphics",
        ProtocolType::Sixel => "sixel",
        ProtocolType::Iterm2 => "iTerm2 inline images",
        ProtocolType::Halfblocks => "half-blocks (coloured text cells)",
    };
    Ok((format!("{name}: {}", decision.why), decision.hint))
}

/// `--images halfblocks`: the picker at once, its cell size from the
/// kernel (or a common one), without a word to the terminal.
fn half_blocks() -> Chosen {
    let font = font_size(&Answers::default());
    let in_tmux = std::env::var_os("TMUX").is_some_and(|t| !t.is_empty());
    let picker = Painter::new(
        ProtocolType::Halfblocks,
        font.unwrap_or(FontSize::new(10, 20)),
        in_tmux,
    );
    Chosen::from(Some(picker))
}

/// The cell size in pixels: asked, or the text area's pixels over its
/// cells, or what the kernel knows of the window.
fn font_size(answers: &Answers) -> Option<FontSize> {
    if let Some((w, h)) = answers.cell_pixels {
        return Some(FontSize::new(w, h));
    }
    let cells = crossterm::terminal::window_size().ok();
    let (columns, rows) = cells.as_ref().map_or((0, 0), |c| (c.columns, c.rows));
    let pixels = answers
        .window_pixels
        .or(cells.as_ref().map(|c| (c.width, c.height)))
        .filter(|(w, h)| *w > 0 && *h > 0)?;
    (columns > 0 && rows > 0).then(|| FontSize::new(pixels.0 / columns, pixels.1 / rows))
}

/// Writes the query and reads until the last answer or the deadline.
#[cfg(unix)]
pub(crate) fn ask(query: &str, deadline: Duration, typed: &(dyn Fn(KeyEvent) + Sync)) -> Answers {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    let tty;
    let fd = if sys::isatty(0) {
        0
    } else {
        match std::fs::File::open("/dev/tty") {
            Ok(file) => {
                tty = file;
                tty.as_raw_fd()
            }
            Err(_) => return Answers::default(),
        }
    };
    {
        // Drawing holds this lock too: the query never lands inside a frame.
        let mut out = std::io::stdout().lock();
        if out
            .write_all(query.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return Answers::default();
        }
    }
    let mut scanner = Scanner::new();
    let asked = Instant::now();
    let end = asked + deadline;
    let mut heard = false;
    while !scanner.answers.complete() {
        let left = end.saturating_duration_since(Instant::now());
        // Not a byte within FIRST_ANSWER: a terminal that does not answer.
        if left.is_zero() || (!heard && asked.elapsed() >= FIRST_ANSWER.min(deadline)) {
            break;
        }
        // Short waits, so that an Esc pressed alone is passed on promptly.
        let wait = left.min(Duration::from_millis(50));
        match sys::read_byte(fd, wait) {
            Ok(Some(byte)) => {
                heard = true;
                scanner.push(byte);
            }
            Ok(None) => scanner.escape_alone(),
            Err(()) => break,
        }
        for key in scanner.take_keys() {
            typed(key);
        }
    }
    scanner.escape_alone();
    for key in scanner.take_keys() {
        typed(key);
    }
    scanner.answers
}

#[cfg(not(unix))]
pub(crate) fn ask(
    _query: &str,
    _deadline: Duration,
    _typed: &(dyn Fn(KeyEvent) + Sync),
) -> Answers {
    Answers::default()
}

/// The system calls the query needs, wrapped so the rest stays safe.
#[cfg(unix)]
mod sys {
    use std::time::Duration;

    pub(super) fn isatty(fd: i32) -> bool {
        // SAFETY: isatty only inspects the descriptor number.
        unsafe { libc::isatty(fd) == 1 }
    }

    /// One byte from `fd`, or `None` when none came within `wait`; `Err`
    /// when the terminal is gone. Reading one byte at a time leaves
    /// whatever follows the last answer (keys) for the terminal event reader.
    pub(super) fn read_byte(fd: i32, wait: Duration) -> Result<Option<u8>, ()> {
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: one valid pollfd, count 1.
        let ready = unsafe { libc::poll(&mut poll, 1, ms) };
        let interrupted =
            || std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted;
        // A resize (SIGWINCH) interrupts the wait: wait again.
        if ready == 0 || (ready < 0 && interrupted()) {
            return Ok(None);
        }
        if ready < 0 || poll.revents & libc::POLLIN == 0 {
            return Err(());
        }
        let mut byte = 0u8;
        // SAFETY: reads at most one byte into a live local.
        let n = unsafe { libc::read(fd, (&mut byte as *mut u8).cast(), 1) };
        if n == 1 { Ok(Some(byte)) } else { Err(()) }
    }
}
