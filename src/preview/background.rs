//! The terminal's background colour, from its answer to OSC 11: whether the light theme fits (`--theme auto`).
//!
//! The question (`ESC ] 11 ; ? ST`) rides in the start-up graphics query,
//! so it costs no extra wait; terminals that do not know it stay silent and
//! the theme stays as the environment chose it.

/// The question, asked before the device attributes that end the query.
pub(crate) const QUERY: &str = "\x1b]11;?\x1b\\";

/// A colour as the terminal gave it, each component scaled to 16 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub(crate) u16, pub(crate) u16, pub(crate) u16);

impl Rgb {
    /// Relative luminance (sRGB, 0 to 1), as WCAG defines it.
    pub(crate) fn luminance(self) -> f64 {
        let linear = |c: u16| {
            let c = f64::from(c) / 65535.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.0) + 0.7152 * linear(self.1) + 0.0722 * linear(self.2)
    }

    /// A background on which dark text reads better than light text: above
    /// the luminance where black and white text have the same contrast.
    pub(crate) fn is_light(self) -> bool {
        // (L + 0.05) / 0.05 = 1.05 / (L + 0.05) at L ≈ 0.179.
        self.luminance() > 0.179
    }
}

impl std::fmt::Display for Rgb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rgb:{:04x}/{:04x}/{:04x}", self.0, self.1, self.2)
    }
}

/// The answer's text between `ESC ]` and its terminator (BEL or ST), e.g.
/// `11;rgb:ffff/ffff/ffff`; `None` for any other string or a colour that
/// does not parse.
pub(crate) fn parse(answer: &str) -> Option<Rgb> {
    let spec = answer.strip_prefix("11;")?.trim();
    // `rgb:R/G/B`, or `rgba:R/G/B/A` (the alpha is not needed).
    let components = spec
        .strip_prefix("rgb:")
        .or_else(|| spec.strip_prefix("rgba:"))?;
    let mut parts = components.split('/').map(component);
    let (r, g, b) = (parts.next()??, parts.next()??, parts.next()??);
    Some(Rgb(r, g, b))
}

/// One component of 1 to 4 hex digits, scaled to 16 bits (`ff` is `ffff`).
fn component(hex: &str) -> Option<u16> {
    if hex.is_empty() || hex.len() > 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let value = u32::from_str_radix(hex, 16).ok()?;
    let max = (1u32 << (4 * hex.len())) - 1;
    u16::try_from(value * 65535 / max).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_each_width_scale_to_sixteen_bits() {
        assert_eq!(
            parse("11;rgb:ffff/ffff/ffff"),
            Some(Rgb(65535, 65535, 65535))
        );
        assert_eq!(parse("11;rgb:ff/ff/ff"), Some(Rgb(65535, 65535, 65535)));
        assert_eq!(parse("11;rgb:f/f/f"), Some(Rgb(65535, 65535, 65535)));
        assert_eq!(parse("11;rgb:0000/0000/0000"), Some(Rgb(0, 0, 0)));
        assert_eq!(parse("11;rgb:80/00/00"), Some(Rgb(32896, 0, 0)));
        assert_eq!(
            parse("11;rgba:2e2e/3434/3636/ffff"),
            Some(Rgb(0x2e2e, 0x3434, 0x3636))
        );
    }

    #[test]
    fn anything_else_is_no_colour() {
        for junk in [
            "",
            "10;rgb:ffff/ffff/ffff",
            "11;?",
            "11;rgb:ffff/ffff",
            "11;rgb:fffff/0/0",
            "11;rgb:gg/00/00",
            "11;#ffffff",
            "11;rgb://",
        ] {
            assert_eq!(parse(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn white_and_solarized_light_are_light_black_and_tango_dark_are_not() {
        assert!(Rgb(65535, 65535, 65535).is_light());
        assert!(parse("11;rgb:fdfd/f6f6/e3e3").is_some_and(Rgb::is_light));
        assert!(!Rgb(0, 0, 0).is_light());
        assert!(parse("11;rgb:2e/34/36").is_some_and(|c| !c.is_light()));
        // Solarized dark's base03.
        assert!(parse("11;rgb:00/2b/36").is_some_and(|c| !c.is_light()));
    }
}
