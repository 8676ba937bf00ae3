//! Fitting a line made of parts into a width: parts take shorter forms, then free text is cut at a word boundary with "…", never mid-word.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// How the last span of a form may be cut when the line is still too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cut {
    /// Not at all: shorter forms or other parts give way instead.
    Never,
    /// At a word boundary, ending in "…", if the span keeps at least this
    /// many columns: a message too short to read gives way to other forms.
    Words(usize),
    /// Anywhere, ending in "…", once every shorter form is taken (a
    /// username: one word, nothing to break at).
    Anywhere,
}

/// One way to write a part: its spans (none: the part is left out).
#[derive(Debug, Clone)]
pub(super) struct Form {
    spans: Vec<Span<'static>>,
    cut: Cut,
}

impl Form {
    pub(super) fn new(spans: Vec<Span<'static>>) -> Form {
        Form {
            spans,
            cut: Cut::Never,
        }
    }

    pub(super) fn cut(mut self, cut: Cut) -> Form {
        self.cut = cut;
        self
    }

    /// The part left out.
    pub(super) fn none() -> Form {
        Form::new(Vec::new())
    }
}

impl From<Span<'static>> for Form {
    fn from(span: Span<'static>) -> Form {
        Form::new(vec![span])
    }
}

/// A piece of a line and its forms, richest first.
#[derive(Debug, Clone)]
pub(super) struct Part {
    forms: Vec<Form>,
}

impl Part {
    /// A part that always shows as it is.
    pub(super) fn fixed(spans: Vec<Span<'static>>) -> Part {
        Part {
            forms: vec![Form::new(spans)],
        }
    }

    pub(super) fn forms(forms: impl IntoIterator<Item = Form>) -> Part {
        let forms: Vec<Form> = forms.into_iter().collect();
        if forms.is_empty() {
            return Part {
                forms: vec![Form::none()],
            };
        }
        Part { forms }
    }
}

/// The richest line of `parts` that fits `width` columns. While it does
/// not, the part each entry of `order` names (an index into `parts`) takes
/// its next shorter form, one entry at a time; at every step a form that
/// may be cut is cut instead, when enough of it stays. When every step is
/// taken, the last form is cut anywhere (or left to the terminal's edge).
pub(super) fn fit(parts: &[Part], order: &[usize], width: usize) -> Line<'static> {
    let mut chosen = vec![0usize; parts.len()];
    let mut steps = order.iter();
    loop {
        let forms: Vec<&Form> = parts
            .iter()
            .zip(&chosen)
            .filter_map(|(p, &i)| p.forms.get(i))
            .collect();
        let used: usize = forms.iter().map(|f| spans_width(&f.spans)).sum();
        if used <= width {
            return join(&forms);
        }
        if let Some(line) = cut(&forms, used, width, false) {
            return line;
        }
        // The next step that changes something.
        loop {
            let Some(&part) = steps.next() else {
                return cut(&forms, used, width, true).unwrap_or_else(|| join(&forms));
            };
            if let (Some(i), Some(p)) = (chosen.get_mut(part), parts.get(part))
                && *i + 1 < p.forms.len()
            {
                *i += 1;
                break;
            }
        }
    }
}

/// The line with its first cuttable form cut to what is left of `width`;
/// `None` when no form may be cut or too little of it would stay.
/// `last_resort` cuts anywhere rather than give up.
fn cut(forms: &[&Form], used: usize, width: usize, last_resort: bool) -> Option<Line<'static>> {
    let at = forms
        .iter()
        .position(|f| f.cut != Cut::Never && !f.spans.is_empty())
        .or_else(|| {
            last_resort
                .then(|| forms.iter().rposition(|f| !f.spans.is_empty()))
                .flatten()
        })?;
    let form = forms.get(at)?;
    let last = form.spans.last()?;
    let others = used - last.width();
    let room = width.checked_sub(others)?;
    let text = match form.cut {
        Cut::Anywhere if last_resort => Some(crate::text::fit(&last.content, room)),
        Cut::Words(min) => crate::text::fit_words(&last.content, room)
            .filter(|cut| last_resort || cut.width() >= min),
        Cut::Anywhere | Cut::Never => None,
    };
    let text = match text {
        Some(text) => text,
        None if last_resort => crate::text::fit(&last.content, room),
        None => return None,
    };
    let mut spans: Vec<Span<'static>> = Vec::new();
    for (i, f) in forms.iter().enumerate() {
        if i == at {
            let keep = f.spans.len().saturating_sub(1);
            spans.extend(f.spans.iter().take(keep).cloned());
            spans.push(Span::styled(text.clone(), last.style));
        } else {
            spans.extend(f.spans.iter().cloned());
        }
    }
    Some(Line::from(spans))
}

fn join(forms: &[&Form]) -> Line<'static> {
    Line::from(
        forms
            .iter()
            .flat_map(|f| f.spans.iter().cloned())
            .collect::<Vec<_>>(),
    )
}

fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(Span::width).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn shorter_forms_in_order_then_a_cut_between_words() {
        let parts = [
            Part::fixed(vec![Span::raw("state")]),
            Part::forms([
                Form::from(Span::raw(" · 58d 00h 00m 00s left")),
                Form::from(Span::raw(" · 58d 0h left")),
            ]),
            Part::forms([
                Form::from(Span::raw(" · app 990602627938098")),
                Form::none(),
            ]),
        ];
        let order = [2, 1];
        assert_eq!(
            text(&fit(&parts, &order, 80)),
            "state · 58d 00h 00m 00s left · app 990602627938098"
        );
        assert_eq!(
            text(&fit(&parts, &order, 30)),
            "state · 58d 00h 00m 00s left"
        );
        assert_eq!(text(&fit(&parts, &order, 20)), "state · 58d 0h left");

        let message = [
            Part::fixed(vec![Span::raw("kept alive · ")]),
            Part::forms([
                Form::from(Span::raw("! failed: Error validating access token"))
                    .cut(Cut::Words(12)),
            ]),
        ];
        assert_eq!(
            text(&fit(&message, &[], 40)),
            "kept alive · ! failed: Error validating…"
        );
        // Too little would stay: cut anywhere only as the last resort.
        assert_eq!(text(&fit(&message, &[], 20)), "kept alive · !…");
    }
}
