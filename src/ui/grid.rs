//! The Feed grid (`t`): a tile per post, as many columns as fit, only the rows on screen built;
//! pictures from the decoded-picture cache (never decoded here), text tiles without them.

use super::layout::{self, Grid};
use super::theme;
use crate::app::App;
use crate::instagram::{Media, MediaType};
use crate::localtime;
use crate::preview::Previews;
use crate::sanitize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Paragraph, Wrap};

/// `album`, `reel`, `video`; nothing for a picture.
fn badge(media: &Media) -> &'static str {
    match media.kind() {
        MediaType::Album => "▦ album",
        MediaType::Video
            if media
                .media_product_type
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case("REELS")) =>
        {
            "▶ reel"
        }
        MediaType::Video => "▶ video",
        MediaType::Image | MediaType::Other => "",
    }
}

pub(super) fn render(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    mut previews: Option<&mut Previews>,
) {
    let feed = &app.feed;
    let visible = feed.visible();
    let mut title = if visible.is_empty() {
        " Grid · 0 ".to_string()
    } else {
        format!(
            " Grid · {}/{}{} ",
            feed.selected.min(visible.len() - 1) + 1,
            visible.len(),
            if feed.complete { "" } else { "+" }
        )
    };
    if feed.loading.is_some() {
        title.push_str("· loading… ");
    }
    let block = Block::bordered()
        .title(Span::styled(title, theme::title()))
        .border_style(theme::dim());
    frame.render_widget(block, area);
    let areas = layout::feed_list(app, area);
    if let Some(filter_area) = areas.filter {
        super::feed::filter_bar(app, frame, filter_area);
    }
    let body = areas.rows;
    if visible.is_empty() {
        let message = if feed.loading.is_some() || !feed.requested {
            "Loading posts…"
        } else if !feed.filter.value().is_empty() {
            "No caption matches the filter (Esc clears it)."
        } else {
            "No posts to show."
        };
        frame.render_widget(Paragraph::new(Span::styled(message, theme::dim())), body);
        return;
    }
    let grid = layout::grid(body);
    // Only the tiles on screen: the cost of a frame does not grow with the feed.
    let first = feed.grid_top * grid.columns;
    let on_screen = visible.iter().skip(first).take(grid.columns * grid.rows);
    for (slot, &index) in on_screen.enumerate() {
        let Some(media) = feed.items.get(index) else {
            continue;
        };
        let tile = tile_area(&grid, body, slot);
        let selected = first + slot == feed.selected;
        draw_tile(app, frame, tile, media, selected, previews.as_deref_mut());
    }
}

fn tile_area(grid: &Grid, body: Rect, slot: usize) -> Rect {
    let (row, column) = (slot / grid.columns, slot % grid.columns);
    let x = body.x + grid.tile_width * column as u16;
    let y = body.y + grid.tile_height * row as u16;
    Rect::new(x, y, grid.tile_width, grid.tile_height).intersection(body)
}

fn draw_tile(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    media: &Media,
    selected: bool,
    previews: Option<&mut Previews>,
) {
    let border = if selected {
        theme::selected()
    } else {
        theme::dim()
    };
    // The date shows on the selected tile, the badge on every one.
    let mut label = badge(media).to_string();
    if selected && let Some(t) = media.posted_at() {
        if !label.is_empty() {
            label.push(' ');
        }
        label.push_str(&localtime::date_in(t, app.offset));
    }
    let mut block = Block::bordered().border_style(border);
    if !label.is_empty() {
        block = block.title_bottom(Span::styled(format!(" {label} "), border));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let key = crate::app::pictures::tile_key(media);
    let drawn =
        app.images && previews.is_some_and(|p| p.contains(&key) && p.draw(&key, frame, inner));
    if drawn {
        return;
    }
    // Pictures off, or not decoded yet: the caption stands in.
    let caption = match media.caption_first_line() {
        "" => "(no caption)".to_string(),
        line => sanitize::line(line).into_owned(),
    };
    let style = if media.caption.is_none() {
        theme::dim()
    } else {
        ratatui::style::Style::new()
    };
    frame.render_widget(
        Paragraph::new(Span::styled(caption, style)).wrap(Wrap { trim: true }),
        inner,
    );
}
