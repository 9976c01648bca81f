//! Scaling of the hostile-input shapes (the catalogue in book/src/troubleshooting.md and
//! tests/hostile.rs) at 1×, 10× and 100× their base size, through the whole pipeline with
//! every job on. Each case reports bytes per second: a rate that stays flat from 1× to 100×
//! means time linear in size; a rate that falls by about 10× per step means quadratic work.
//!
//! The tests in tests/hostile.rs check that these inputs come out right at sizes a debug
//! build can afford; this bench shows how the time grows. Sizes stop at a few MB so
//! `cargo bench --bench hostile` takes a few minutes.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use mdbook_polish::pipeline::{self, ChapterInput, Settings};

/// The size steps: 1×, 10×, 100× a shape's base count.
const SCALES: [usize; 3] = [1, 10, 100];

fn run(src: &str, settings: &Settings) -> usize {
    let r = pipeline::process(
        ChapterInput {
            source: src,
            id_prefix: "polish-b",
            html: true,
            require_front_matter: false,
        },
        settings,
    );
    r.content.map_or(0, |c| c.len()) + r.diagnostics.len()
}

#[path = "../tests/support/shapes.rs"]
mod shapes;
use shapes::{FRONT, many_columns, table};

/// A long chapter: `n` paragraphs with mojibake, a comparison table every 20th.
fn long_chapter(n: usize) -> String {
    let mut s = String::from(FRONT);
    for i in 0..n {
        s.push_str("Letâ€™s keep paragraphs short, and café text clean; naïve is fine.\n\n");
        if i % 20 == 19 {
            s.push_str(&table(3));
            s.push('\n');
        }
    }
    s
}

/// One line, no newline, `n` repeats of a unit with three kinds of mojibake.
fn long_line(n: usize) -> String {
    "Letâ€™s go â€” naÃ¯ve ".repeat(n)
}

/// A comparison table with `n` rows.
fn many_rows(n: usize) -> String {
    table(n)
}

/// One comparison cell with `n` `<br/>` line breaks.
fn many_br(n: usize) -> String {
    let mut cell = String::from("**Big**");
    for _ in 0..n {
        cell.push_str("<br/>x");
    }
    format!("| Pros | Cons |\n|---|---|\n| {cell} | **Small**<br/>y |\n")
}

/// A comparison table inside `n` levels of blockquote.
fn deep_quotes(n: usize) -> String {
    let quotes = "> ".repeat(n);
    let mut s = String::new();
    for line in table(2).lines() {
        s.push_str(&quotes);
        s.push_str(line);
        s.push('\n');
    }
    s
}

/// A list nested `n` deep, then a table. The indentation makes the bytes grow with `n²`, so
/// the depths are 10, 32 and 100 for 1×, 10× and 100× the bytes.
fn deep_list(n: usize) -> String {
    let mut s = String::new();
    for d in 0..n {
        s.push_str(&"  ".repeat(d));
        s.push_str("- item\n");
    }
    s.push('\n');
    s.push_str(&table(2));
    s
}

/// Front matter where each of `n` anchors is a list of ten aliases to the one before: the
/// expansion is stopped by the node limit, whatever `n` is.
fn alias_bomb(n: usize) -> String {
    let mut y = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..n {
        let p = i - 1;
        y.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    y.push_str("---\n# T\n");
    y
}

/// Front matter with one key and one value of `n` bytes each.
fn long_keys(n: usize) -> String {
    format!(
        "---\n{}: v\nsummary: {}\n---\n# T\n",
        "k".repeat(n),
        "s".repeat(n)
    )
}

/// Shape name, base count, and the builder.
type Shape = (&'static str, usize, fn(usize) -> String);

const SHAPES: [Shape; 9] = [
    ("long_chapter", 200, long_chapter),
    ("long_line", 500, long_line),
    ("table_rows", 300, many_rows),
    ("table_columns", 100, many_columns),
    ("br_in_one_cell", 2_000, many_br),
    ("blockquote_depth", 50, deep_quotes),
    ("list_depth", 10, deep_list),
    ("yaml_alias_bomb", 10, alias_bomb),
    ("yaml_long_keys", 10_000, long_keys),
];

fn hostile(c: &mut Criterion) {
    let settings = Settings::all_jobs();
    for (name, base, build) in SHAPES {
        let mut g = c.benchmark_group(name);
        g.sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        for scale in SCALES {
            // The list's bytes grow with the square of its depth: scale the depth by √scale.
            let n = if name == "list_depth" {
                (base as f64 * (scale as f64).sqrt()).round() as usize
            } else {
                base * scale
            };
            let src = build(n);
            g.throughput(Throughput::Bytes(src.len() as u64));
            g.bench_with_input(
                BenchmarkId::new(format!("{scale}x"), src.len()),
                &src,
                |b, s| b.iter(|| run(black_box(s), &settings)),
            );
        }
        g.finish();
    }
}

/// Mojibake in bulk through the pipeline *and* the human report, as `check` prints it: the
/// report is grouped per line and summed up past 100 lines, so its cost and size stay linear
/// in the input (issue 17: 10,000 repairs on one line took 9 s and printed 3.8 MB).
fn mass_mojibake(c: &mut Criterion) {
    let mut settings = Settings::all_jobs();
    settings.diagnostics_only = true;
    // Each hostile shape beside its clean twin (same size, no mojibake), so the figure is a
    // ratio from the same run: what the repairs and their report cost over reading the text.
    let cases: [(&str, String); 6] = [
        ("repairs_on_one_line_10k", "cafÃ© ".repeat(10_000) + "\n"),
        (
            "clean_twin_one_line_10k",
            "caf\u{e9}xy ".repeat(10_000) + "\n",
        ),
        (
            "repairs_in_one_chapter_50k",
            "A cafÃ© line.\n".repeat(50_000),
        ),
        (
            "clean_twin_chapter_50k",
            "A caf\u{e9}xy line.\n".repeat(50_000),
        ),
        (
            "one_line_14mb",
            "naÃ¯ve ".repeat(14 * 1024 * 1024 / 8) + "\n",
        ),
        (
            "clean_twin_one_line_14mb",
            "na\u{ef}xyve ".repeat(14 * 1024 * 1024 / 8) + "\n",
        ),
    ];
    let mut g = c.benchmark_group("mass_mojibake_report");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for (name, src) in &cases {
        g.throughput(Throughput::Bytes(src.len() as u64));
        g.bench_with_input(BenchmarkId::new(*name, src.len()), src, |b, s| {
            b.iter(|| {
                let r = pipeline::process(
                    ChapterInput {
                        source: black_box(s),
                        id_prefix: "",
                        html: true,
                        require_front_matter: false,
                    },
                    &settings,
                );
                let report = mdbook_polish::report::FileReport {
                    path: "x.md".into(),
                    source: s.clone(),
                    diagnostics: r.diagnostics,
                };
                mdbook_polish::report::render(
                    mdbook_polish::report::Format::Human,
                    &[report],
                    false,
                )
                .len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, hostile, mass_mojibake);
criterion_main!(benches);
