//! Contrast of every style that carries essential text, against real palettes.

use super::Theme;
use crate::app::Level;
use crate::lifetime::TokenStatus;
use ratatui::style::{Color, Modifier, Style};

/// A terminal palette: the 16 ANSI colours and the default foreground and background.
struct Palette {
    name: &'static str,
    ansi: [u32; 16],
    fg: u32,
    bg: u32,
}

const XTERM: [u32; 16] = [
    0x000000, 0xCD0000, 0x00CD00, 0xCDCD00, 0x0000EE, 0xCD00CD, 0x00CDCD, 0xE5E5E5, 0x7F7F7F,
    0xFF0000, 0x00FF00, 0xFFFF00, 0x5C5CFF, 0xFF00FF, 0x00FFFF, 0xFFFFFF,
];
const TANGO: [u32; 16] = [
    0x2E3436, 0xCC0000, 0x4E9A06, 0xC4A000, 0x3465A4, 0x75507B, 0x06989A, 0xD3D7CF, 0x555753,
    0xEF2929, 0x8AE234, 0xFCE94F, 0x729FCF, 0xAD7FA8, 0x34E2E2, 0xEEEEEC,
];
const SOLARIZED: [u32; 16] = [
    0x073642, 0xDC322F, 0x859900, 0xB58900, 0x268BD2, 0xD33682, 0x2AA198, 0xEEE8D5, 0x002B36,
    0xCB4B16, 0x586E75, 0x657B83, 0x839496, 0x6C71C4, 0x93A1A1, 0xFDF6E3,
];

const DARK: [Palette; 3] = [
    Palette {
        name: "xterm -rv",
        ansi: XTERM,
        fg: 0xFFFFFF,
        bg: 0x000000,
    },
    Palette {
        name: "Tango dark",
        ansi: TANGO,
        fg: 0xD3D7CF,
        bg: 0x2E3436,
    },
    Palette {
        name: "Solarized dark",
        ansi: SOLARIZED,
        fg: 0x839496,
        bg: 0x002B36,
    },
];
const LIGHT: [Palette; 3] = [
    Palette {
        name: "xterm",
        ansi: XTERM,
        fg: 0x000000,
        bg: 0xFFFFFF,
    },
    Palette {
        name: "Tango light",
        ansi: TANGO,
        fg: 0x2E3436,
        bg: 0xFFFFFF,
    },
    Palette {
        name: "Solarized light",
        ansi: SOLARIZED,
        fg: 0x657B83,
        bg: 0xFDF6E3,
    },
];

fn index(color: Color) -> Option<usize> {
    Some(match color {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        _ => return None,
    })
}

fn luminance(rgb: u32) -> f64 {
    let channel = |shift: u32| {
        let c = f64::from((rgb >> shift) & 0xFF) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
}

/// The WCAG contrast ratio of the text this style draws, on `palette`.
fn contrast(style: Style, palette: &Palette) -> f64 {
    let resolve =
        |c: Option<Color>, default: u32| c.and_then(index).map_or(default, |i| palette.ansi[i]);
    let mut fg = resolve(style.fg, palette.fg);
    let mut bg = resolve(style.bg, palette.bg);
    if style.add_modifier.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    let (a, b) = (luminance(fg) + 0.05, luminance(bg) + 0.05);
    a.max(b) / a.min(b)
}

/// Every style that draws text a user must be able to read.
fn essential(theme: Theme) -> Vec<(&'static str, Style)> {
    vec![
        ("title", theme.title()),
        ("key", theme.key()),
        ("selected row / tab", theme.selected()),
        ("focused field", theme.focused_field()),
        ("field", theme.field()),
        ("info", theme.level(Level::Info)),
        ("success", theme.level(Level::Success)),
        ("warning", theme.level(Level::Warning)),
        ("error", theme.level(Level::Error)),
        (
            "countdown, valid",
            theme.countdown(TokenStatus::Valid, 864_000),
        ),
        (
            "countdown, < 7 days",
            theme.countdown(TokenStatus::Expiring, 300_000),
        ),
        (
            "countdown, < 24 h",
            theme.countdown(TokenStatus::Expiring, 3_600),
        ),
        (
            "countdown, expired",
            theme.countdown(TokenStatus::Expired, 0),
        ),
    ]
}

/// WCAG AA for large or bold text; our accents are bold, and the rest is
/// drawn in the palette's own foreground (Solarized's own pair is 4.1–4.8).
const MINIMUM: f64 = 3.0;

#[test]
fn essential_text_is_readable_on_every_palette_of_its_kind() {
    let cases = [
        (Theme::Dark, &DARK[..]),
        (Theme::Light, &LIGHT[..]),
        (Theme::Plain, &DARK[..]),
        (Theme::Plain, &LIGHT[..]),
    ];
    let mut failures = Vec::new();
    for (theme, palettes) in cases {
        for palette in palettes {
            for (role, style) in essential(theme) {
                let ratio = contrast(style, palette);
                if ratio < MINIMUM {
                    failures.push(format!(
                        "{} theme, {}: {role} {ratio:.1}",
                        theme.as_str(),
                        palette.name
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn meaning_never_rests_on_colour_alone() {
    for theme in [Theme::Dark, Theme::Light, Theme::Plain] {
        for style in [theme.selected(), theme.focused_field()] {
            assert!(style.add_modifier.contains(Modifier::REVERSED), "{theme:?}");
        }
        assert!(
            theme
                .level(Level::Error)
                .add_modifier
                .contains(Modifier::BOLD)
        );
        assert!(
            theme
                .countdown(TokenStatus::Expired, 0)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
    }
    // Plain draws no colour at all.
    for (_, style) in essential(Theme::Plain) {
        assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
    }
    assert_eq!((Theme::Plain.dim().fg, Theme::Plain.dim().bg), (None, None));
}

#[test]
fn no_color_and_colorfgbg_choose_the_theme() {
    assert_eq!(Theme::choose(None, None, None), Theme::Dark);
    assert_eq!(Theme::choose(None, Some("1"), None), Theme::Plain);
    assert_eq!(
        Theme::choose(None, Some(""), None),
        Theme::Dark,
        "empty NO_COLOR is unset"
    );
    assert_eq!(Theme::choose(None, None, Some("0;15")), Theme::Light);
    assert_eq!(
        Theme::choose(None, None, Some("0;default;15")),
        Theme::Light
    );
    assert_eq!(Theme::choose(None, None, Some("15;0")), Theme::Dark);
    assert_eq!(
        Theme::choose(Some(Theme::Light), Some("1"), None),
        Theme::Light,
        "asked wins"
    );
}

#[test]
fn only_auto_without_no_color_or_colorfgbg_is_left_to_the_terminal() {
    assert!(Theme::left_to_terminal(None, None, None));
    assert!(Theme::left_to_terminal(None, Some(""), Some("default")));
    assert!(!Theme::left_to_terminal(Some(Theme::Dark), None, None));
    assert!(!Theme::left_to_terminal(None, Some("1"), None));
    assert!(!Theme::left_to_terminal(None, None, Some("15;0")));
}

/// The contrast table of docs/tui.md is the one these palettes give: a change of
/// colour that moves a ratio fails here, with the table to paste.
#[test]
fn the_docs_contrast_table_is_measured() {
    let mut table = String::new();
    for (theme, palettes) in [(Theme::Dark, &DARK[..]), (Theme::Light, &LIGHT[..])] {
        let names: Vec<&str> = palettes.iter().map(|p| p.name).collect();
        table += &format!("| {} theme | {} |\n", theme.as_str(), names.join(" | "));
        table += &format!("|---|{}\n", "---|".repeat(palettes.len()));
        for (role, style) in essential(theme) {
            let ratios: Vec<String> = palettes
                .iter()
                .map(|p| format!("{:.1}", contrast(style, p)))
                .collect();
            table += &format!("| {role} | {} |\n", ratios.join(" | "));
        }
        table += "\n";
    }
    let docs = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tui.md"));
    assert!(
        docs.contains(table.trim_end()),
        "docs/tui.md's contrast table drifted; it should read:\n{table}"
    );
}
