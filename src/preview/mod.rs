//! Pictures in the terminal: choosing the graphics protocol, decoding off the event loop, and the caches.

pub mod disk;
pub mod memory;

pub use disk::DiskCache;
pub use memory::MemoryCache;

use image::DynamicImage;
use ratatui::layout::{Rect, Size};
use ratatui_image::picker::cap_parser::QueryStdioOptions;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::StatefulProtocol;
use ratatui_image::{Resize, ResizeEncodeRender, StatefulImage};
use std::str::FromStr;

/// How pictures are drawn, from `--images` or the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageMode {
    /// Ask the terminal what it supports; half-blocks when it does not say.
    #[default]
    Auto,
    Kitty,
    Sixel,
    Iterm2,
    Halfblocks,
    Off,
}

impl FromStr for ImageMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(ImageMode::Auto),
            "kitty" => Ok(ImageMode::Kitty),
            "sixel" => Ok(ImageMode::Sixel),
            "iterm2" | "iterm" => Ok(ImageMode::Iterm2),
            "halfblocks" | "blocks" => Ok(ImageMode::Halfblocks),
            "off" | "none" => Ok(ImageMode::Off),
            other => Err(format!(
                "unknown image mode '{other}': use auto, kitty, sixel, iterm2, halfblocks or off"
            )),
        }
    }
}

/// The `--images` flag wins over the config file; anything unreadable means auto.
pub fn choose_mode(flag: Option<&str>, config: Option<&str>) -> ImageMode {
    flag.or(config)
        .and_then(|s| s.parse().ok())
        .unwrap_or_default()
}

/// Builds the picker. Querying talks to the terminal, so it must run after
/// the terminal is set up and before events are read.
pub fn picker_for(mode: ImageMode) -> Option<Picker> {
    let forced = match mode {
        ImageMode::Off => return None,
        ImageMode::Halfblocks => return Some(Picker::halfblocks()),
        ImageMode::Auto => None,
        ImageMode::Kitty => Some(ProtocolType::Kitty),
        ImageMode::Sixel => Some(ProtocolType::Sixel),
        ImageMode::Iterm2 => Some(ProtocolType::Iterm2),
    };
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    if forced.is_none()
        && !worth_querying(
            &env("TERM"),
            &env("TERM_PROGRAM"),
            &env("TMUX"),
            &env("KITTY_WINDOW_ID"),
        )
    {
        tracing::info!("no graphics protocol expected here; using half-blocks");
        return Some(Picker::halfblocks());
    }
    // A terminal that never answers costs this long once, at start-up.
    let options = QueryStdioOptions {
        timeout: std::time::Duration::from_millis(800),
        ..QueryStdioOptions::default()
    };
    let started = std::time::Instant::now();
    let queried = Picker::from_query_stdio_with_options(options);
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        ok = queried.is_ok(),
        "terminal graphics query"
    );
    let mut picker = queried.unwrap_or_else(|_| Picker::halfblocks());
    if let Some(protocol) = forced {
        picker.set_protocol_type(protocol);
    }
    tracing::info!(protocol = ?picker.protocol_type(), "pictures enabled");
    Some(picker)
}

/// Whether asking the terminal about graphics can pay off. Multiplexers
/// answer slowly or not at all (and a late answer would be read as keys),
/// and most terminals without a graphics protocol say so by name.
pub fn worth_querying(term: &str, term_program: &str, tmux: &str, kitty_window: &str) -> bool {
    if !tmux.is_empty() || term.starts_with("tmux") || term.starts_with("screen") {
        return false;
    }
    if !kitty_window.is_empty() {
        return true;
    }
    let graphical_terms = [
        "kitty", "wezterm", "foot", "mlterm", "ghostty", "contour", "konsole",
    ];
    let graphical_programs = ["iTerm.app", "WezTerm", "ghostty", "vscode", "mintty", "rio"];
    graphical_terms.iter().any(|t| term.contains(t))
        || graphical_programs
            .iter()
            .any(|p| term_program.eq_ignore_ascii_case(p))
}

/// The largest side kept after decoding: plenty for a terminal pane, and it
/// keeps memory and render-time scaling small.
pub const MAX_SIDE: u32 = 720;

/// Decodes and shrinks; runs on a blocking thread.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let image = image::load_from_memory(bytes)
        .map_err(|e| format!("the picture could not be decoded ({e})"))?;
    if image.width() > MAX_SIDE || image.height() > MAX_SIDE {
        Ok(image.thumbnail(MAX_SIDE, MAX_SIDE))
    } else {
        Ok(image)
    }
}

/// How pictures fill the pane: scaled to fit, aspect kept.
pub fn resize_mode() -> Resize {
    Resize::Scale(None)
}

/// A picture in the memory cache.
pub enum Slot {
    Ready(Box<StatefulProtocol>),
    /// Out being scaled and encoded for a new pane size.
    Busy,
}

/// The terminal's answer to the graphics query (`None`: pictures off), on
/// its way from the worker that asked to the executor that draws.
pub struct Chosen(pub Option<Picker>);

impl std::fmt::Debug for Chosen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(picker) => write!(f, "Chosen({:?})", picker.protocol_type()),
            None => f.write_str("Chosen(off)"),
        }
    }
}

/// A picture scaled and encoded off the event loop, on its way back.
pub struct Encoded(pub StatefulProtocol);

impl std::fmt::Debug for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Encoded(<picture>)")
    }
}

/// Everything pictures need at render time: the picker and the decoded,
/// ready-to-draw pictures.
pub struct Previews {
    picker: Option<Picker>,
    memory: MemoryCache<Slot>,
    /// Scale and encode on a worker instead of while drawing.
    offload: bool,
    /// Pictures the last frame wanted at a size they are not encoded for.
    wanted: Vec<(String, Size)>,
}

impl Previews {
    /// Pictures scaled and encoded while drawing (tests, benchmarks).
    pub fn new(picker: Option<Picker>) -> Self {
        Previews {
            picker,
            memory: MemoryCache::new(memory::DEFAULT_BUDGET),
            offload: false,
            wanted: Vec::new(),
        }
    }

    /// Pictures scaled and encoded on a worker: drawing never waits for it.
    pub fn offloaded(picker: Option<Picker>) -> Self {
        Previews {
            offload: true,
            ..Previews::new(picker)
        }
    }

    pub fn enabled(&self) -> bool {
        self.picker.is_some()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.memory.contains(key)
    }

    /// Keeps a decoded picture, ready to draw.
    pub fn insert(&mut self, key: String, image: DynamicImage) {
        if let Some(picker) = &self.picker {
            let cost = image.width() as usize * image.height() as usize * 4;
            let slot = Slot::Ready(Box::new(picker.new_resize_protocol(image)));
            self.memory.insert(key, slot, cost);
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut StatefulProtocol> {
        match self.memory.get_mut(key)? {
            Slot::Ready(protocol) => Some(protocol.as_mut()),
            Slot::Busy => None,
        }
    }

    pub fn memory(&self) -> &MemoryCache<Slot> {
        &self.memory
    }

    /// Draws the picture into `area`. `false` when it is not ready for this
    /// size yet: then it is noted for `take_resizes` and nothing is drawn.
    pub fn draw(&mut self, key: &str, frame: &mut ratatui::Frame, area: Rect) -> bool {
        let offload = self.offload;
        let Some(protocol) = self.get_mut(key) else {
            return false;
        };
        if offload && let Some(size) = protocol.needs_resize(&resize_mode(), area.as_size()) {
            self.wanted.push((key.to_string(), size));
            return false;
        }
        frame.render_stateful_widget(
            StatefulImage::default().resize(resize_mode()),
            area,
            protocol,
        );
        true
    }

    /// The pictures to scale and encode now, each marked busy until `put_back`.
    pub fn take_resizes(&mut self) -> Vec<(String, StatefulProtocol, Size)> {
        let mut taken = Vec::new();
        for (key, size) in std::mem::take(&mut self.wanted) {
            if let Some(slot) = self.memory.get_mut(&key)
                && let Slot::Ready(protocol) = std::mem::replace(slot, Slot::Busy)
            {
                taken.push((key, *protocol, size));
            }
        }
        taken
    }

    pub fn put_back(&mut self, key: &str, protocol: StatefulProtocol) {
        if let Some(slot) = self.memory.get_mut(key) {
            *slot = Slot::Ready(Box::new(protocol));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_the_flag_wins() {
        assert_eq!(choose_mode(Some("sixel"), Some("off")), ImageMode::Sixel);
        assert_eq!(choose_mode(None, Some("off")), ImageMode::Off);
        assert_eq!(choose_mode(None, None), ImageMode::Auto);
        assert_eq!(choose_mode(Some("bogus"), None), ImageMode::Auto);
        assert!("nope".parse::<ImageMode>().is_err());
    }

    #[test]
    fn multiplexers_and_plain_terminals_are_not_queried() {
        assert!(!worth_querying("tmux-256color", "", "", ""));
        assert!(!worth_querying(
            "xterm-kitty",
            "",
            "/tmp/tmux-0/default,1,0",
            ""
        ));
        assert!(!worth_querying("screen-256color", "", "", ""));
        assert!(!worth_querying("xterm-256color", "", "", ""));
        assert!(worth_querying("xterm-kitty", "", "", ""));
        assert!(worth_querying("xterm-256color", "WezTerm", "", ""));
        assert!(worth_querying("xterm-256color", "", "", "1"));
    }

    #[test]
    fn offloaded_pictures_are_encoded_elsewhere_then_drawn() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let mut previews = Previews::offloaded(Some(Picker::halfblocks()));
        previews.insert("p".into(), image::DynamicImage::new_rgb8(64, 64));
        let mut terminal = Terminal::new(TestBackend::new(20, 10)).expect("terminal");
        let mut drawn = true;
        terminal
            .draw(|f| drawn = previews.draw("p", f, f.area()))
            .expect("draw");
        assert!(!drawn, "never encoded while drawing");
        let mut taken = previews.take_resizes();
        assert_eq!(taken.len(), 1);
        assert!(previews.get_mut("p").is_none(), "busy while away");
        let (key, mut protocol, size) = taken.remove(0);
        protocol.resize_encode(&resize_mode(), size);
        previews.put_back(&key, protocol);
        terminal
            .draw(|f| drawn = previews.draw("p", f, f.area()))
            .expect("draw");
        assert!(drawn);
        assert!(previews.take_resizes().is_empty());
    }

    #[test]
    fn big_pictures_are_shrunk_keeping_their_shape() {
        let big = image::DynamicImage::new_rgb8(2000, 1000);
        let mut bytes = std::io::Cursor::new(Vec::new());
        big.write_to(&mut bytes, image::ImageFormat::Png)
            .expect("encode");
        let small = decode(bytes.get_ref()).expect("decode");
        assert_eq!((small.width(), small.height()), (MAX_SIDE, MAX_SIDE / 2));
        assert!(decode(b"not a picture").is_err());
    }
}
