//! Hostile text at megabyte size: fitting a caption to a column, splitting it
//! into lines, and a paste into a field. Each was quadratic before issue 11.

use criterion::{Criterion, criterion_group, criterion_main};
use instatui::app::field::TextField;
use std::hint::black_box;

/// One char then half a million combining marks: its width stays 1.
fn zalgo() -> String {
    format!("a{}b", "\u{301}".repeat(500_000))
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile text, 1 MB");
    group.sample_size(10);
    let zalgo = zalgo();
    let spaced = "larch ".repeat(180_000);
    group.bench_function("fit a combining-mark caption to 48 columns", |b| {
        b.iter(|| instatui::text::fit(black_box(&zalgo), 48))
    });
    group.bench_function("fit a spaced caption to 48 columns", |b| {
        b.iter(|| instatui::text::fit(black_box(&spaced), 48))
    });
    group.bench_function("split a combining-mark caption into 80-column lines", |b| {
        b.iter(|| instatui::text::chunks(black_box(&zalgo), 80))
    });
    let paste = "AQBx-hBsH3a9".repeat(90_000);
    group.bench_function("paste into a field", |b| {
        b.iter(|| {
            let mut field = TextField::new("");
            field.paste(black_box(&paste));
            field
        })
    });
    group.bench_function("filter text from the network", |b| {
        b.iter(|| instatui::sanitize::line(black_box(&zalgo)).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
