//! Pictures in the terminal: choosing the graphics protocol, decoding off the event loop, and the caches.

pub(crate) mod background;
pub(crate) mod detect;
pub(crate) mod disk;
pub mod memory;
pub mod painter;
pub(crate) mod query;
pub(crate) mod silence;

pub(crate) use disk::DiskCache;
pub use memory::MemoryCache;
pub use painter::Painter;
pub use query::Chosen;

use image::DynamicImage;
use ratatui::layout::{Rect, Size};
use ratatui_image::protocol::{StatefulProtocol, StatefulProtocolType};
use ratatui_image::{Resize, ResizeEncodeRender, StatefulImage};
use std::str::FromStr;

/// How pictures are drawn, from `--images` or the config. Its names (and
/// their aliases) are `--images`' possible values and what the config's
/// `images` setting reads: one list, so the two never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ImageMode {
    /// Ask the terminal what it supports; half-blocks when it does not say.
    #[default]
    Auto,
    /// The kitty graphics protocol (kitty, WezTerm, Ghostty, Konsole).
    Kitty,
    /// Sixel (xterm -ti vt340, foot, mlterm, WezTerm, tmux with passthrough).
    Sixel,
    /// iTerm2's inline images (iTerm2, WezTerm).
    #[value(alias = "iterm")]
    Iterm2,
    /// Coloured half-block characters: any terminal with colours.
    #[value(alias = "blocks")]
    Halfblocks,
    /// No pictures.
    #[value(alias = "none")]
    Off,
}

impl FromStr for ImageMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <ImageMode as clap::ValueEnum>::from_str(s.trim(), true).map_err(|_| {
            format!(
                "unknown image mode '{}': use {}",
                s.trim(),
                crate::text::choices::<ImageMode>()
            )
        })
    }
}

/// The mode asked for: the `--images` flag wins over the config; an
/// unreadable config value counts as not asked.
pub(crate) fn choose_mode(flag: Option<ImageMode>, config: Option<&str>) -> Option<ImageMode> {
    flag.or_else(|| config.and_then(|s| s.parse().ok()))
}

/// The largest side kept after decoding: plenty for a terminal pane, and it
/// keeps memory and render-time scaling small.
pub const MAX_SIDE: u32 = 720;

/// The widest or tallest picture decoded at all. Instagram serves at most
/// 1440 pixels a side; a file declaring more is refused from its header,
/// before the decoder reserves its pixels (12000×12000 would be ~441 MB).
pub const MAX_DECODED_SIDE: u32 = 5000;

/// The most the decoder may hold at once: a [`MAX_DECODED_SIDE`] square
/// in RGBA, plus room for the decoder's own buffers.
pub const MAX_DECODE_ALLOC: u64 = 128 * 1024 * 1024;

/// Decodes and shrinks; runs on a blocking thread. Bounded by
/// [`MAX_DECODED_SIDE`] and [`MAX_DECODE_ALLOC`] (`image`'s limits), so a
/// hostile or broken file never allocates hundreds of megabytes.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    decode_within(bytes, MAX_SIDE)
}

/// As [`decode`], shrunk to at most `max_side` (a grid tile's smaller copy).
pub fn decode_within(bytes: &[u8], max_side: u32) -> Result<DynamicImage, String> {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| format!("the picture could not be read ({e})"))
    };
    let mut decoding = reader()?;
    decoding.limits(limits);
    let image = decoding.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            too_big(reader().ok().and_then(|r| r.into_dimensions().ok()))
        }
        e => format!("the picture could not be decoded ({e})"),
    })?;
    if image.width() > max_side || image.height() > max_side {
        Ok(image.thumbnail(max_side, max_side))
    } else {
        Ok(image)
    }
}

/// The note for a picture over the limits, naming its size when its
/// header tells it.
fn too_big(dimensions: Option<(u32, u32)>) -> String {
    match dimensions {
        Some((width, height)) => format!(
            "the picture is {width}×{height} pixels, more than instatui decodes (at most {MAX_DECODED_SIDE} a side); open the post in the browser (o) to see it"
        ),
        None => format!(
            "the picture needs more memory than instatui gives one picture ({} MiB); open the post in the browser (o) to see it",
            MAX_DECODE_ALLOC / (1024 * 1024)
        ),
    }
}

/// How pictures fill the pane: scaled to fit, aspect kept. Half-blocks
/// are scaled straight to their cells (see `Painter`), so with a filter
/// that averages what a cell covers rather than picking one pixel of it.
pub(crate) fn resize_mode(protocol: &StatefulProtocol) -> Resize {
    match protocol.protocol_type() {
        StatefulProtocolType::Halfblocks(_) => {
            Resize::Scale(Some(image::imageops::FilterType::Triangle))
        }
        _ => Resize::Scale(None),
    }
}

/// Rewraps a picture sent through tmux so that it arrives whole and in
/// place. ratatui-image doubles only the first escape of a sixel, so the
/// sixel's own terminator ended the passthrough early and the outer
/// terminal never saw the picture end; and tmux moves the outer cursor only
/// when it draws text itself, so without a cursor move of its own the
/// picture lands wherever tmux last drew.
fn place_for_tmux(buffer: &mut ratatui::buffer::Buffer, area: Rect, origin: (u16, u16)) {
    for x in area.left()..area.right() {
        let Some(cell) = buffer.cell_mut((x, area.top())) else {
            continue;
        };
        let at = (origin.0 + x, origin.1 + area.top());
        if let Some(wrapped) = rewrap_for_tmux(cell.symbol(), at) {
            // tmux's own copy of the cells under the picture is blanked
            // too: what it redraws there later (coming back to the window)
            // is empty, never text from before the picture.
            let (width, height) = (area.right() - x, area.height);
            let mut blank = String::new();
            for row in 0..height {
                blank.push_str(&format!(
                    "\x1b[{};{}H\x1b[{width}X",
                    area.top() + row + 1,
                    x + 1
                ));
            }
            blank.push_str(&format!("\x1b[{};{}H", area.top() + 1, x + 1));
            // Back where ratatui expects the cursor after this cell.
            let after = format!("\x1b[{};{}H", area.top() + 1, x + 2);
            cell.set_symbol(&format!("{blank}{wrapped}{after}"));
            return;
        }
    }
}

/// `symbol` unwrapped and wrapped again, every escape doubled, with a move
/// to `(column, row)` (0-based, on the outer terminal) in front. `None`
/// when it is not a tmux passthrough.
pub(crate) fn rewrap_for_tmux(symbol: &str, (column, row): (u16, u16)) -> Option<String> {
    let inner = symbol
        .strip_prefix("\x1bPtmux;")?
        .strip_suffix("\x1b\\")?
        .replace("\x1b\x1b", "\x1b");
    Some(format!(
        "\x1bPtmux;\x1b\x1b[{};{}H{}\x1b\\",
        row + 1,
        column + 1,
        inner.replace('\x1b', "\x1b\x1b")
    ))
}

/// A picture in the memory cache.
pub enum Slot {
    Ready(Box<StatefulProtocol>),
    /// Out being scaled and encoded for a new pane size.
    Busy,
}

/// A picture scaled and encoded off the event loop, on its way back.
pub(crate) struct Encoded(pub StatefulProtocol);

impl std::fmt::Debug for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Encoded(<picture>)")
    }
}

/// Everything pictures need at render time: the picker and the decoded,
/// ready-to-draw pictures.
pub struct Previews {
    picker: Option<Painter>,
    memory: MemoryCache<Slot>,
    /// Scale and encode on a worker instead of while drawing.
    offload: bool,
    /// Pictures the last frame wanted at a size they are not encoded for.
    wanted: Vec<(String, Size)>,
    /// Inside tmux, where the pane starts on the outer terminal: pictures
    /// drawn at the cursor (sixel, iTerm2) go through tmux, which does not
    /// move the outer terminal's cursor for them, so they carry their own
    /// cursor move.
    tmux_origin: Option<(u16, u16)>,
}

impl Previews {
    /// Pictures scaled and encoded while drawing (tests, benchmarks).
    pub fn new(picker: Option<Painter>) -> Self {
        Previews {
            picker,
            memory: MemoryCache::new(memory::DEFAULT_BUDGET),
            offload: false,
            wanted: Vec::new(),
            tmux_origin: None,
        }
    }

    /// Pictures scaled and encoded on a worker: drawing never waits for it.
    pub(crate) fn offloaded(picker: Option<Painter>) -> Self {
        Previews {
            offload: true,
            ..Previews::new(picker)
        }
    }

    pub(crate) fn set_tmux_origin(&mut self, origin: Option<(u16, u16)>) {
        self.tmux_origin = origin;
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
    pub(crate) fn draw(&mut self, key: &str, frame: &mut ratatui::Frame, area: Rect) -> bool {
        let offload = self.offload;
        let Some(protocol) = self.get_mut(key) else {
            return false;
        };
        let mode = resize_mode(protocol);
        if offload && let Some(size) = protocol.needs_resize(&mode, area.as_size()) {
            self.wanted.push((key.to_string(), size));
            return false;
        }
        frame.render_stateful_widget(StatefulImage::default().resize(mode), area, protocol);
        if let Some(origin) = self.tmux_origin {
            place_for_tmux(frame.buffer_mut(), area, origin);
        }
        true
    }

    /// The pictures to scale and encode now, each marked busy until `put_back`.
    pub(crate) fn take_resizes(&mut self) -> Vec<(String, StatefulProtocol, Size)> {
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

    /// Scales and encodes, here and now, what the last frame could not draw:
    /// for tests and benchmarks (the TUI does it on workers).
    pub fn encode_waiting(&mut self) {
        for (key, mut protocol, size) in self.take_resizes() {
            protocol.resize_encode(&resize_mode(&protocol), size);
            self.put_back(&key, protocol);
        }
    }

    pub(crate) fn put_back(&mut self, key: &str, protocol: StatefulProtocol) {
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
        assert_eq!(
            choose_mode(Some(ImageMode::Sixel), Some("off")),
            Some(ImageMode::Sixel)
        );
        assert_eq!(choose_mode(None, Some("off")), Some(ImageMode::Off));
        assert_eq!(
            choose_mode(None, Some(" Blocks ")),
            Some(ImageMode::Halfblocks)
        );
        assert_eq!(choose_mode(None, None), None);
        assert_eq!(choose_mode(None, Some("bogus")), None);
        let err = "nope".parse::<ImageMode>().expect_err("not a mode");
        assert_eq!(
            err,
            "unknown image mode 'nope': use auto, kitty, sixel, iterm2, halfblocks or off"
        );
    }

    #[test]
    fn offloaded_pictures_are_encoded_elsewhere_then_drawn() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let mut previews = Previews::offloaded(Some(Painter::halfblocks()));
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
        protocol.resize_encode(&resize_mode(&protocol), size);
        previews.put_back(&key, protocol);
        terminal
            .draw(|f| drawn = previews.draw("p", f, f.area()))
            .expect("draw");
        assert!(drawn);
        assert!(previews.take_resizes().is_empty());
    }

    #[test]
    fn pictures_through_tmux_end_where_they_end_and_start_where_they_belong() {
        // As ratatui-image wraps a sixel: the sixel's own terminator is
        // not doubled, so tmux would end the passthrough there.
        let sixel = "\x1bPtmux;\x1b\x1b[3X\x1b\x1bPq#0;2;0;0;0~~\x1b\\\x1b\\";
        let fixed = rewrap_for_tmux(sixel, (40, 2)).expect("a passthrough");
        assert_eq!(
            fixed,
            "\x1bPtmux;\x1b\x1b[3;41H\x1b\x1b[3X\x1b\x1bPq#0;2;0;0;0~~\x1b\x1b\\\x1b\\"
        );
        let body = &fixed["\x1bPtmux;".len()..fixed.len() - 2];
        assert!(
            !body.replace("\x1b\x1b", "").contains('\x1b'),
            "no lone escape inside: tmux passes it all on"
        );
        assert_eq!(rewrap_for_tmux("plain text", (0, 0)), None);
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

    /// A PNG's signature and IHDR declaring `width`×`height` RGB pixels,
    /// then an empty IDAT and IEND: a few dozen bytes that would make an
    /// unbounded decoder reserve every pixel before finding no data.
    fn png_header_only(width: u32, height: u32) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = !0_u32;
            for &b in bytes {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&u32::try_from(data.len()).expect("short").to_be_bytes());
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32(&body).to_be_bytes());
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(
            &mut png,
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        );
        chunk(&mut png, b"IEND", &[]);
        png
    }

    #[test]
    fn a_picture_declaring_huge_dimensions_is_refused_from_its_header() {
        let png = png_header_only(12_000, 12_000);
        assert!(png.len() < 100, "the file itself is tiny");
        let note = decode(&png).expect_err("refused");
        assert!(note.contains("12000×12000 pixels"), "{note}");
        assert!(note.contains("at most 5000 a side"), "{note}");
        assert!(!note.contains('\n'), "one line: {note}");
        // Only one side too long is refused the same way.
        let note = decode(&png_header_only(100, 60_000)).expect_err("refused");
        assert!(note.contains("100×60000 pixels"), "{note}");
        // A picture at the limit still shows, shrunk for the pane.
        let edge = image::DynamicImage::new_rgb8(MAX_DECODED_SIDE, 10);
        let mut bytes = std::io::Cursor::new(Vec::new());
        edge.write_to(&mut bytes, image::ImageFormat::Png)
            .expect("encode");
        let shown = decode(bytes.get_ref()).expect("decoded");
        assert_eq!(shown.width(), MAX_SIDE);
    }
}
