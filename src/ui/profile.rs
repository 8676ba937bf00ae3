//! The account's header over Feed: its picture, name, @username, type, counts and, when granted,
//! its 7- and 30-day totals; two lines, one (without the picture) on small terminals. Counts are
//! compact (`12.3k`).

use super::theme;
use crate::app::App;
use crate::app::insights::TotalsEntry;
use crate::instagram::Profile;
use crate::instagram::engagement::{Insight, compact};
use crate::preview::Previews;
use crate::sanitize;
use crate::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Columns the picture takes, with a blank one after it: two rows of
/// cells about twice as tall as wide make a square four columns wide.
const PICTURE_COLUMNS: u16 = 5;

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect, previews: Option<&mut Previews>) {
    let Some(profile) = app.stored.profile() else {
        return;
    };
    // The picture, when it is decoded; the text header stands alone without it.
    let mut area = area;
    if let (Some(picture), Some(previews)) = (app.profile_picture(), previews)
        && area.height >= 2
        && area.width > PICTURE_COLUMNS * 4
        && previews.contains(&picture.key)
    {
        let spot = Rect::new(area.x, area.y, PICTURE_COLUMNS - 1, 2);
        previews.draw(&picture.key, frame, spot);
        area = Rect::new(
            area.x + PICTURE_COLUMNS,
            area.y,
            area.width - PICTURE_COLUMNS,
            area.height,
        );
    }
    let width = usize::from(area.width);
    let lines = if area.height >= 2 {
        vec![
            identity(profile, width),
            Line::from(Span::styled(
                text::fit(&counts(app, profile, true), width),
                theme::dim(),
            )),
        ]
    } else {
        // One line: who, then as many counts as fit.
        let who = profile
            .username
            .as_deref()
            .map_or_else(String::new, |u| format!("@{} · ", sanitize::line(u)));
        vec![Line::from(Span::styled(
            text::fit(&format!("{who}{}", counts(app, profile, false)), width),
            theme::dim(),
        ))]
    };
    frame.render_widget(Paragraph::new(lines), area);
}

/// `Larch & Lake 🌲  @larch_and_lake · business`.
fn identity(profile: &Profile, width: usize) -> Line<'static> {
    let mut spans = Vec::new();
    if let Some(name) = profile.name.as_deref().filter(|n| !n.trim().is_empty()) {
        spans.push(Span::styled(
            format!("{}  ", sanitize::line(name.trim())),
            theme::title(),
        ));
    }
    let mut rest = profile
        .username
        .as_deref()
        .map_or_else(String::new, |u| format!("@{}", sanitize::line(u)));
    if let Some(kind) = profile.account_type_label() {
        rest.push_str(&format!(" · {}", sanitize::line(&kind)));
    }
    spans.push(Span::raw(rest));
    let line = Line::from(spans);
    if line.width() > width {
        let plain: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        return Line::from(text::fit(&plain, width));
    }
    line
}

/// `64 posts · 1.2k followers · 180 following · 7 d: 2.1k reach, 9.8k views`.
fn counts(app: &App, profile: &Profile, totals: bool) -> String {
    let mut parts = Vec::new();
    if let Some(n) = profile.media_count {
        parts.push(format!("{} posts", compact(n)));
    }
    if let Some(n) = profile.followers_count {
        parts.push(format!("{} followers", compact(n)));
    }
    if let Some(n) = profile.follows_count {
        parts.push(format!("{} following", compact(n)));
    }
    if totals {
        let user_id = app.stored.token().map(|t| t.user_id.as_str());
        match user_id.and_then(|id| app.engagement.totals.get(id)) {
            Some((TotalsEntry::Ready { week, month }, _)) => {
                parts.push(format!("7 d: {}", reach_views(week)));
                parts.push(format!("30 d: {}", reach_views(month)));
            }
            Some((TotalsEntry::Loading, _)) => parts.push("totals loading…".to_string()),
            _ => {}
        }
    }
    parts.join(" · ")
}

fn reach_views(insights: &[Insight]) -> String {
    let value = |name: &str| {
        insights
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.value)
            .map_or_else(|| "—".to_string(), compact)
    };
    format!("{} reach, {} views", value("reach"), value("views"))
}
