//! Where each part of the screen goes. Drawing lays the screen out with these, and the app
//! asks [`feed_rows`] for the Feed list's height, so paging moves by exactly the rows shown.

use crate::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Block;

/// The rows of the whole frame, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frame {
    pub(crate) header: Rect,
    /// The warning about a token that no longer works (see `ui::banner`).
    pub(crate) banner: Option<Rect>,
    /// What the screen in view draws in.
    pub(crate) body: Rect,
    pub status: Rect,
    pub(crate) keys: Rect,
}

/// The frame of `area`: header (2 rows), banner, body, status line (1 or 2), key line.
pub(crate) fn frame(app: &App, area: Rect) -> Frame {
    let [header, body, status, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(app.status_rows((area.width, area.height))),
        Constraint::Length(1),
    ])
    .areas(area);
    let (banner, body) = if super::banner(app).is_some() {
        let [banner, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
        (Some(banner), rest)
    } else {
        (None, body)
    };
    Frame {
        header,
        banner,
        body,
        status,
        keys,
    }
}

/// The Feed screen in `body`: the list's box, and the detail pane's when it
/// is open (beside the list from 80 columns, below it under that).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Feed {
    /// The account's header over the posts: two rows, one on small terminals.
    pub(crate) profile: Option<Rect>,
    /// The list's box, or the grid's.
    pub(crate) list: Rect,
    pub detail: Option<Rect>,
}

/// Rows the profile header takes in a body this tall: none without a
/// profile, one line under 14 rows (and on terminals under 50 columns).
pub(crate) fn profile_rows(app: &App, body: Rect) -> u16 {
    if app.stored.profile().is_none() || body.height < 6 {
        0
    } else if body.height < 14 || body.width < 50 {
        1
    } else {
        2
    }
}

pub(crate) fn feed(app: &App, body: Rect) -> Feed {
    let rows = profile_rows(app, body);
    let [profile, body] =
        Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(body);
    let profile = (rows > 0).then_some(profile);
    if !app.feed.detail || app.feed.grid {
        return Feed {
            profile,
            list: body,
            detail: None,
        };
    }
    let [list, detail] = if body.width >= 80 {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body)
    } else {
        Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(body)
    };
    Feed {
        profile,
        list,
        detail: Some(detail),
    }
}

/// Inside the list's box: the filter bar while it shows, and the rows of posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FeedList {
    pub filter: Option<Rect>,
    pub(crate) rows: Rect,
}

pub(crate) fn feed_list(app: &App, list: Rect) -> FeedList {
    let inner = Block::bordered().inner(list);
    if app.feed.filter_editing || !app.feed.filter.value().is_empty() {
        let [filter, rows] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
        FeedList {
            filter: Some(filter),
            rows,
        }
    } else {
        FeedList {
            filter: None,
            rows: inner,
        }
    }
}

/// Rows of posts the Feed list shows at the app's terminal size (at least
/// one, so that paging always moves).
pub(crate) fn feed_rows(app: &App) -> usize {
    let (width, height) = app.size;
    let body = frame(app, Rect::new(0, 0, width, height)).body;
    let rows = feed_list(app, feed(app, body).list).rows.height;
    usize::from(rows).max(1)
}

/// The detail pane's text, inside its box: under the picture when pictures
/// are on and the pane is tall enough for both.
pub(crate) fn detail_text(app: &App, detail: Rect) -> Rect {
    let inner = Block::bordered().inner(detail);
    if app.images && inner.height >= 8 {
        let [_picture, rest] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(inner);
        rest
    } else {
        inner
    }
}

/// The selected post's detail text at the app's terminal size: its lines
/// once wrapped, and the rows that show them. `None` without an open pane.
pub(crate) fn detail_extent(app: &App) -> Option<(usize, u16)> {
    let (width, height) = app.size;
    let body = frame(app, Rect::new(0, 0, width, height)).body;
    let text = detail_text(app, feed(app, body).detail?);
    let media = app.feed.selected_media()?;
    Some((
        super::feed::detail_line_count(app, media, text.width),
        text.height,
    ))
}

/// The furthest the detail pane scrolls: its last line at the bottom row.
pub(crate) fn detail_max_offset(app: &App) -> u16 {
    detail_extent(app).map_or(0, |(lines, rows)| {
        u16::try_from(lines.saturating_sub(usize::from(rows))).unwrap_or(u16::MAX)
    })
}

/// The Feed grid's tiles inside the rows area: as many columns as fit
/// (3 at 80 columns, 2 at 40), tiles about twice as wide as tall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grid {
    pub(crate) columns: usize,
    /// Rows of tiles on screen (at least one).
    pub(crate) rows: usize,
    pub(crate) tile_width: u16,
    pub(crate) tile_height: u16,
}

/// The narrowest a tile gets before a column goes.
const GRID_MIN_TILE: u16 = 26;

pub(crate) fn grid(area: Rect) -> Grid {
    let columns = match area.width / GRID_MIN_TILE {
        0 | 1 if area.width >= 24 => 2,
        0 => 1,
        n => n,
    };
    let tile_width = (area.width / columns).max(1);
    // Square-ish on screen (cells are about twice as tall as wide), and at
    // least two rows of tiles where there is room for them.
    let tile_height = (tile_width * 2 / 5)
        .min(area.height / 2)
        .max(3)
        .min(area.height.max(1));
    let rows = (area.height / tile_height).max(1);
    // The rows share out what is left, so no band of empty lines stays.
    let tile_height = (area.height / rows).max(1);
    Grid {
        columns: usize::from(columns),
        rows: usize::from(rows),
        tile_width,
        tile_height,
    }
}

/// The grid at the app's terminal size, for moving by rows and pages.
pub(crate) fn feed_grid(app: &App) -> Grid {
    let (width, height) = app.size;
    let body = frame(app, Rect::new(0, 0, width, height)).body;
    grid(feed_list(app, feed(app, body).list).rows)
}
