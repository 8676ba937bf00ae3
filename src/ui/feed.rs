//! The Feed screen: the list (only visible rows are built) and the detail pane of the selected post.

use super::theme;
use crate::app::preview::{PaneItem, PreviewState};
use crate::app::{App, Level};
use crate::instagram::{Media, MediaType, VIDEO_UNAVAILABLE, VIDEO_UNAVAILABLE_WHY};
use crate::lifetime;
use crate::localtime;
use crate::preview::Previews;
use crate::sanitize;
use crate::text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub(super) fn render(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    mut previews: Option<&mut Previews>,
) {
    let areas = super::layout::feed(app, area);
    if let Some(profile_area) = areas.profile {
        super::profile::render(app, frame, profile_area, previews.as_deref_mut());
    }
    if app.feed.grid {
        super::grid::render(app, frame, areas.list, previews);
        return;
    }
    list(app, frame, areas.list);
    if let Some(detail_area) = areas.detail {
        detail(app, frame, detail_area, previews);
    }
}

fn list_title(app: &App, shown: usize) -> String {
    let feed = &app.feed;
    if shown == 0 && feed.items.is_empty() && feed.error.is_some() {
        return " Feed · not loaded: R retries ".to_string();
    }
    let mut title = if shown > 0 {
        format!(" Feed · {}/{shown}", feed.selected.min(shown - 1) + 1)
    } else {
        " Feed · 0".to_string()
    };
    if shown != feed.items.len() {
        title.push_str(&format!(" of {}", feed.items.len()));
    }
    // After a failed page there may still be more: never claim the end.
    let more_to_come = !feed.complete && shown > 0;
    let noun = if shown == 1 && !more_to_come {
        " post"
    } else {
        " posts"
    };
    if more_to_come {
        title.push('+');
    }
    title.push_str(noun);
    let on_instagram = app.stored.profile().and_then(|p| p.media_count);
    if let Some(count) = on_instagram.filter(|c| !feed.complete && *c > feed.items.len() as u64) {
        title.push_str(&format!(" · {count} in all"));
    }
    if let Some(at) = feed.cached_at {
        title.push_str(&format!(
            " · cached {} ago",
            lifetime::format_remaining(app.now - at)
        ));
    }
    if feed.loading.is_some() && feed.goal == Some(crate::app::feed::Goal::End) {
        // `G` loads page after page: how far it got, where Instagram says.
        match on_instagram.filter(|c| *c > 0) {
            Some(count) => {
                let done = (feed.items.len() as u64 * 100 / count).min(99);
                title.push_str(&format!(" · loading to the end: {done}%"));
            }
            None => title.push_str(" · loading to the end…"),
        }
    } else if feed.loading.is_some() {
        title.push_str(" · loading…");
    } else if feed.error.is_some() && shown > 0 {
        title.push_str(" · more failed to load: R retries");
    }
    title.push(' ');
    title
}

/// The `/` filter bar over the list or the grid: the filter's text, the
/// cursor in it while it is being edited.
pub(super) fn filter_bar(app: &App, frame: &mut Frame, area: Rect) {
    let feed = &app.feed;
    let style = if feed.filter_editing {
        theme::focused_field()
    } else {
        theme::field()
    };
    let width = area.width.saturating_sub(1) as usize;
    let (shown, column) = super::field::visible(&feed.filter, width, false);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("/", theme::key()),
            Span::styled(text::pad(&shown, width), style),
        ])),
        area,
    );
    if feed.filter_editing {
        let x = area.x + 1 + column;
        if x < area.right() {
            frame.set_cursor_position((x, area.y));
        }
    }
}

fn list(app: &App, frame: &mut Frame, area: Rect) {
    let feed = &app.feed;
    let visible = feed.visible();
    let block = Block::bordered()
        .title(Span::styled(list_title(app, visible.len()), theme::title()))
        .border_style(theme::dim());
    frame.render_widget(block, area);
    let areas = super::layout::feed_list(app, area);
    let body = areas.rows;
    if let Some(filter_area) = areas.filter {
        filter_bar(app, frame, filter_area);
    }
    if visible.is_empty() {
        let (message, style) = if let Some(error) = &feed.error {
            (
                sanitize::lines(error).into_owned(),
                theme::level(Level::Error),
            )
        } else if feed.loading.is_some() || !feed.requested {
            ("Loading posts…".to_string(), theme::dim())
        } else if !feed.filter.value().is_empty() {
            (
                "No caption matches the filter (Esc clears it).".to_string(),
                theme::dim(),
            )
        } else {
            ("No posts on this account yet.".to_string(), theme::dim())
        };
        frame.render_widget(
            Paragraph::new(Span::styled(message, style)).wrap(Wrap { trim: false }),
            body,
        );
        return;
    }
    // The app keeps its scroll for this very layout (`layout::feed_rows`).
    let rows = body.height as usize;
    let scroll = feed.scroll;
    let width = body.width as usize;
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(scroll)
        .take(rows)
        .map(|(pos, index)| {
            let media = &feed.items[*index];
            row(app, media, width, pos == feed.selected)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

fn row(app: &App, media: &Media, width: usize, selected: bool) -> Line<'static> {
    let date = media.posted_at().map_or_else(
        || "          ".to_string(),
        |t| localtime::date_in(t, app.offset),
    );
    let caption = match media.caption_first_line() {
        "" => "(no caption)",
        line => line,
    };
    let prefix = format!("{date} {} ", media.kind().marker());
    // Said before the caption: a caption can be long, this must show.
    let caption = if media.has_unavailable_video() {
        format!("({VIDEO_UNAVAILABLE}) {caption}")
    } else {
        caption.to_string()
    };
    let rest = width.saturating_sub(prefix.len());
    let caption = text::pad(&caption, rest);
    let base = if selected {
        theme::selected()
    } else if media.caption.is_none() {
        theme::dim()
    } else {
        Style::new()
    };
    let mut spans = vec![Span::styled(prefix, base)];
    match filter_match(&caption, app.feed.filter.value()) {
        Some((start, end)) => {
            let matched = base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
            spans.push(Span::styled(caption[..start].to_string(), base));
            spans.push(Span::styled(caption[start..end].to_string(), matched));
            spans.push(Span::styled(caption[end..].to_string(), base));
        }
        None => spans.push(Span::styled(caption, base)),
    }
    Line::from(spans)
}

/// Where the filter matches in `shown` (byte range), for highlighting; the
/// match is case-insensitive like the filter itself.
fn filter_match(shown: &str, filter: &str) -> Option<(usize, usize)> {
    let needle = filter.trim().to_lowercase();
    if needle.is_empty() {
        return None;
    }
    let haystack = shown.to_lowercase();
    // Lowercasing can change byte lengths (İ, ẞ): then offsets would not
    // map back, and the row is drawn without the highlight.
    if haystack.len() != shown.len() {
        return None;
    }
    let start = haystack.find(&needle)?;
    let end = start + needle.len();
    (shown.is_char_boundary(start) && shown.is_char_boundary(end)).then_some((start, end))
}

fn detail(app: &App, frame: &mut Frame, area: Rect, previews: Option<&mut Previews>) {
    let target = app.preview_target();
    let mut title = " Post ".to_string();
    if let Some(PaneItem {
        post,
        child: Some(i),
        ..
    }) = &target
    {
        title = format!(" Post · item {}/{} (←/→) ", i + 1, post.children().len());
    }
    let mut block = Block::bordered()
        .title(Span::styled(title, theme::title()))
        .border_style(theme::dim());
    let inner = block.inner(area);
    let Some(media) = app.feed.selected_media() else {
        frame.render_widget(block, area);
        return;
    };
    let text_area = super::layout::detail_text(app, area);
    let text = Paragraph::new(detail_lines(app, media)).wrap(Wrap { trim: false });
    // Where J/K are: the last row in view over all the lines, once the
    // text is longer than its rows. The offset stops there (`update`
    // clamps it; a smaller terminal since is clamped here).
    let total = text.line_count(text_area.width);
    let rows = usize::from(text_area.height);
    let offset = app
        .detail_offset()
        .min(u16::try_from(total.saturating_sub(rows)).unwrap_or(u16::MAX));
    if total > rows && rows > 0 {
        let last = (usize::from(offset) + rows).min(total);
        block = block.title_bottom(
            Line::from(Span::styled(format!(" {last}/{total} "), theme::dim())).right_aligned(),
        );
    }
    frame.render_widget(block, area);
    if text_area != inner {
        let [picture_area, _] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(inner);
        picture(app, frame, picture_area, previews);
    }
    frame.render_widget(text.scroll((offset, 0)), text_area);
}

/// The detail text's lines once wrapped to `width` (what J/K scroll over).
pub(crate) fn detail_line_count(app: &App, media: &Media, width: u16) -> usize {
    Paragraph::new(detail_lines(app, media))
        .wrap(Wrap { trim: false })
        .line_count(width)
}

/// `v`: the picture in view alone, fitted to the whole terminal.
pub(super) fn full_picture(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    previews: Option<&mut Previews>,
) {
    // The last row says how to get back and, in an album, where one is:
    // the picture alone gave no hint that v or Esc closes it.
    let [picture_area, hint_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    picture(app, frame, picture_area, previews);
    let mut hint = vec![
        Span::raw(" "),
        Span::styled("Esc", theme::key()),
        Span::raw("/"),
        Span::styled("v", theme::key()),
        Span::raw(" back"),
    ];
    if let Some(PaneItem {
        post,
        child: Some(i),
        ..
    }) = app.preview_target()
    {
        hint.push(Span::raw("  "));
        hint.push(Span::styled("←/→", theme::key()));
        hint.push(Span::raw(format!(
            " item {}/{}",
            i + 1,
            post.children().len()
        )));
    }
    frame.render_widget(Paragraph::new(Line::from(hint)), hint_area);
}

/// The picture in view, or a line saying why there is none yet.
fn picture(app: &App, frame: &mut Frame, area: Rect, previews: Option<&mut Previews>) {
    let preview = &app.feed.preview;
    let note = match &preview.state {
        PreviewState::Ready => {
            let drawn = preview
                .key
                .as_deref()
                .zip(previews)
                .is_some_and(|(key, previews)| previews.draw(key, frame, area));
            if drawn {
                return;
            }
            "preparing the picture…".to_string()
        }
        PreviewState::Loading => "loading the picture…".to_string(),
        PreviewState::Idle => String::new(),
        PreviewState::Failed(e) => format!("no picture: {e}"),
        PreviewState::Unavailable => "this post has no picture to show".to_string(),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(note, theme::dim())).wrap(Wrap { trim: false }),
        area,
    );
}

fn field<'a>(label: &'a str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<10}"), theme::dim()),
        Span::raw(value),
    ])
}

pub(super) fn detail_lines<'a>(app: &App, media: &'a Media) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    match media.caption.as_deref() {
        Some(caption) => lines.extend(caption.lines().map(Line::from)),
        None => lines.push(Line::from(Span::styled("(no caption)", theme::dim()))),
    }
    lines.push(Line::default());
    let mut kind = media.kind().label().to_string();
    if let Some(product) = &media.media_product_type {
        kind.push_str(&format!(" · {}", sanitize::line(product).to_lowercase()));
    }
    lines.push(field("Type", kind));
    if let Some(t) = media.posted_at() {
        lines.push(field("Posted", localtime::format_in(t, app.offset)));
    }
    let mut counts = Vec::new();
    if let Some(likes) = media.like_count {
        counts.push(format!("{likes} likes"));
    }
    if let Some(comments) = media.comments_count {
        counts.push(format!("{comments} comments"));
    }
    if !counts.is_empty() {
        lines.push(field("Reactions", counts.join(", ")));
    }
    lines.push(field(
        "Permalink",
        media
            .permalink
            .clone()
            .unwrap_or_else(|| "none (often so for copyrighted media)".to_string()),
    ));
    match (&media.media_url, media.kind()) {
        (Some(url), _) => lines.push(field("Media", url.clone())),
        (None, MediaType::Album) => {
            lines.push(field(
                "Media",
                "the album itself has no URL; see its items".into(),
            ));
        }
        (None, MediaType::Video) => lines.push(field(
            "Media",
            format!(
                "{VIDEO_UNAVAILABLE} ({VIDEO_UNAVAILABLE_WHY}); the thumbnail is its cover, and d saves only that"
            ),
        )),
        (None, _) => lines.push(field("Media", "not available".into())),
    }
    if let Some(thumb) = &media.thumbnail_url {
        lines.push(field("Thumbnail", thumb.clone()));
    }
    let children = media.children();
    // The album item in view (←/→): its own kind and address, and a mark
    // in the list below, so the text follows the picture.
    let in_view = app
        .preview_target()
        .filter(|t| t.post.id == media.id)
        .and_then(|t| t.child);
    if let Some(child) = in_view.and_then(|i| children.get(i).map(|c| (i, c))) {
        let (i, child) = child;
        lines.push(field(
            "In view",
            format!(
                "item {}/{} · {}",
                i + 1,
                children.len(),
                child.kind().label()
            ),
        ));
        let url = match (&child.media_url, child.kind()) {
            (Some(url), _) => url.clone(),
            (None, MediaType::Video) => format!("{VIDEO_UNAVAILABLE} ({VIDEO_UNAVAILABLE_WHY})"),
            (None, _) => "not available".into(),
        };
        lines.push(field("Item", url));
    }
    if !children.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!("Album, {} items:", children.len()),
            theme::dim(),
        )));
        for (i, child) in children.iter().enumerate() {
            let unavailable = if child.video_unavailable() {
                format!(" ({VIDEO_UNAVAILABLE})")
            } else {
                String::new()
            };
            let text = format!(
                "{}{}. {} {}{unavailable}",
                if in_view == Some(i) { "›" } else { " " },
                i + 1,
                child.kind().label(),
                child.id
            );
            lines.push(if in_view == Some(i) {
                Line::from(Span::styled(
                    text,
                    Style::new().add_modifier(Modifier::BOLD),
                ))
            } else {
                Line::from(text)
            });
        }
    }
    lines.extend(super::engagement::lines(app, media));
    lines.push(Line::from(Span::styled(
        format!("id {}", media.id),
        theme::dim(),
    )));
    // Every field above but our labels came from Instagram.
    lines.into_iter().map(sanitize::tui_line).collect()
}
