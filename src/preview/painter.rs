//! What draws a picture: the protocol, the cell size and whether it goes through tmux, without ratatui-image's `Picker`.
//!
//! Every `Picker` constructor runs `tmux set -p allow-passthrough on`
//! without `-t` when it sees tmux, which changes the setting of whichever
//! pane tmux thinks is current: often another one. instatui never changes
//! that setting (it asks tmux whether it is on and draws half-blocks when
//! it is off), so it builds ratatui-image's protocols itself.

use image::DynamicImage;
use ratatui_image::FontSize;
use ratatui_image::picker::ProtocolType;
use ratatui_image::protocol::halfblocks::Halfblocks;
use ratatui_image::protocol::iterm2::Iterm2;
use ratatui_image::protocol::kitty::StatefulKitty;
use ratatui_image::protocol::sixel::Sixel;
use ratatui_image::protocol::{StatefulProtocol, StatefulProtocolType};

/// How pictures are drawn once the terminal was asked.
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    protocol: ProtocolType,
    font_size: FontSize,
    /// Inside tmux: escape sequences go through it (`ESC P tmux;`).
    tmux: bool,
}

impl Painter {
    pub(crate) fn new(protocol: ProtocolType, font_size: FontSize, tmux: bool) -> Self {
        Painter {
            protocol,
            font_size,
            tmux,
        }
    }

    /// Unicode half-blocks, which every terminal draws.
    pub fn halfblocks() -> Self {
        Painter::new(ProtocolType::Halfblocks, FontSize::new(10, 20), false)
    }

    pub fn protocol_type(&self) -> ProtocolType {
        self.protocol
    }

    /// A picture ready to be scaled, encoded and drawn, as
    /// `Picker::new_resize_protocol` makes it.
    pub fn new_resize_protocol(&self, image: DynamicImage) -> StatefulProtocol {
        let is_tmux = self.tmux;
        let mut font_size = self.font_size;
        let protocol = match self.protocol {
            ProtocolType::Halfblocks => {
                // A cell is one pixel across and two down: a picture is
                // scaled to whole cells. With a real font's 10×20 its last
                // column was a part of a cell, laid on a transparent canvas
                // whose black blended into it: a dark stripe on the right.
                font_size = FontSize::new(1, 2);
                StatefulProtocolType::Halfblocks(Halfblocks::default())
            }
            ProtocolType::Sixel => StatefulProtocolType::Sixel(Sixel {
                is_tmux,
                ..Sixel::default()
            }),
            ProtocolType::Kitty => {
                StatefulProtocolType::Kitty(StatefulKitty::new(kitty_id(), is_tmux, false))
            }
            ProtocolType::Iterm2 => StatefulProtocolType::ITerm2(Iterm2 {
                is_tmux,
                ..Iterm2::default()
            }),
        };
        StatefulProtocol::new(image, font_size, None, protocol)
    }
}

/// A kitty image id unlikely to clash with another program's in the same
/// window (ratatui-image picks one at random too); never 0.
fn kitty_id() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u32(COUNT.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() as u32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_picture_gets_its_own_kitty_id() {
        let ids: std::collections::HashSet<u32> = (0..100).map(|_| kitty_id()).collect();
        assert!(ids.len() > 95, "{}", ids.len());
        assert!(!ids.contains(&0));
    }
}
