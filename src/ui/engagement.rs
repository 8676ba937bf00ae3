//! The detail pane's Insights and Comments: Instagram's states said as states, counts compact,
//! comment text and usernames sanitized like captions (the caller runs every line through it).

use super::theme;
use crate::app::App;
use crate::app::insights::{CommentsEntry, InsightsEntry, granted};
use crate::instagram::Media;
use crate::instagram::engagement::{COMMENTS_SCOPE, INSIGHTS_SCOPE};
use crate::instagram::engagement::{Comment, Insight, InsightsState, compact};
use crate::lifetime;
use crate::localtime;
use ratatui::text::{Line, Span};

/// Short, since it shows on every post of a token without them.
const NO_INSIGHTS: &str = "not granted (opt in: scopes on Credentials, 1)";
const NO_COMMENTS: &str = "not granted (opt in: scopes on Credentials, 1)";

fn label(text: &str) -> Span<'static> {
    Span::styled(format!("{text:<10}"), theme::dim())
}

fn metric(insight: &Insight) -> Option<String> {
    let value = insight.value?;
    Some(match insight.name.as_str() {
        "ig_reels_avg_watch_time" => format!("avg watch {:.1} s", value as f64 / 1000.0),
        "saved" => format!("{} saves", compact(value)),
        "total_interactions" => format!("{} interactions", compact(value)),
        name => format!("{} {name}", compact(value)),
    })
}

/// `fetched 3 min ago`, so a number's age is never a guess.
fn age(app: &App, at: time::OffsetDateTime) -> String {
    let ago = app.now - at;
    if ago < time::Duration::minutes(1) {
        "just now".to_string()
    } else {
        format!("{} ago", lifetime::format_remaining(ago))
    }
}

pub(super) fn lines(app: &App, media: &Media) -> Vec<Line<'static>> {
    let mut lines = vec![Line::default()];
    let insights = app.engagement.insights.get(&media.id);
    let not_granted = |scope| granted(app, scope) == Some(false);
    let (text, dim) = match insights {
        None if not_granted(INSIGHTS_SCOPE) => (NO_INSIGHTS.to_string(), true),
        None => ("loading once the selection rests here…".to_string(), true),
        Some((InsightsEntry::Loading, _)) => ("loading…".to_string(), true),
        Some((InsightsEntry::Ready(numbers), at)) if numbers.is_empty() => (
            format!(
                "none yet: Instagram computes them up to 48 h after posting ({})",
                age(app, *at)
            ),
            true,
        ),
        Some((InsightsEntry::Ready(numbers), at)) => {
            let shown: Vec<String> = numbers.iter().filter_map(metric).collect();
            (format!("{} ({})", shown.join(" · "), age(app, *at)), false)
        }
        Some((InsightsEntry::State(InsightsState::MissingPermission), _)) => {
            (NO_INSIGHTS.to_string(), true)
        }
        Some((InsightsEntry::State(state), _)) => (state.describe().to_string(), true),
        Some((InsightsEntry::Failed(e), _)) => (format!("did not load: {e}"), true),
    };
    let style = if dim {
        theme::dim()
    } else {
        ratatui::style::Style::new()
    };
    lines.push(Line::from(vec![
        label("Insights"),
        Span::styled(text, style),
    ]));

    match app.engagement.comments.get(&media.id) {
        None if not_granted(COMMENTS_SCOPE) => lines.push(Line::from(vec![
            label("Comments"),
            Span::styled(NO_COMMENTS, theme::dim()),
        ])),
        None | Some((CommentsEntry::Loading, _)) => {
            lines.push(Line::from(vec![
                label("Comments"),
                Span::styled("loading…", theme::dim()),
            ]));
        }
        Some((CommentsEntry::NotGranted, _)) => lines.push(Line::from(vec![
            label("Comments"),
            Span::styled(NO_COMMENTS, theme::dim()),
        ])),
        Some((CommentsEntry::Failed(e), _)) => lines.push(Line::from(vec![
            label("Comments"),
            Span::styled(format!("did not load: {e}"), theme::dim()),
        ])),
        Some((CommentsEntry::Ready { comments, .. }, _)) if comments.is_empty() => {
            lines.push(Line::from(vec![
                label("Comments"),
                Span::styled("none", theme::dim()),
            ]));
        }
        Some((
            CommentsEntry::Ready {
                comments,
                next,
                loading_more,
            },
            _,
        )) => {
            let mut heading = format!("{} shown", comments.len());
            if *loading_more {
                heading.push_str(", loading more…");
            } else if next.is_some() {
                heading.push_str(", m for more");
            }
            if comments.iter().any(|c| !c.replies.is_empty()) {
                heading.push_str(if app.engagement.show_replies {
                    ", r hides replies"
                } else {
                    ", r shows replies"
                });
            }
            lines.push(Line::from(vec![
                label("Comments"),
                Span::styled(heading, theme::dim()),
            ]));
            for comment in comments {
                lines.push(comment_line(app, comment, " "));
                if app.engagement.show_replies {
                    for reply in &comment.replies {
                        lines.push(comment_line(app, reply, "   ↳ "));
                    }
                } else if !comment.replies.is_empty() {
                    let n = comment.replies.len();
                    let noun = if n == 1 { "reply" } else { "replies" };
                    lines.push(Line::from(Span::styled(
                        format!("   ↳ {n} {noun}"),
                        theme::dim(),
                    )));
                }
            }
        }
    }
    lines
}

/// ` @user 2026-11-20 ♥4: text`, the text on the same line (the pane wraps it).
fn comment_line(app: &App, comment: &Comment, indent: &str) -> Line<'static> {
    let who = comment
        .username
        .as_deref()
        .map_or_else(|| "(someone)".to_string(), |u| format!("@{u}"));
    let mut meta = String::new();
    if let Some(t) = comment.posted_at() {
        meta.push_str(&format!(" {}", localtime::date_in(t, app.offset)));
    }
    if let Some(likes) = comment.like_count.filter(|n| *n > 0) {
        meta.push_str(&format!(" ♥{}", compact(likes)));
    }
    let text = comment.text.as_deref().unwrap_or("(no text)");
    // One line per comment: a line break inside would start a row of its own.
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Line::from(vec![
        Span::raw(indent.to_string()),
        Span::styled(who, theme::key()),
        Span::styled(meta, theme::dim()),
        Span::raw(format!(": {text}")),
    ])
}
