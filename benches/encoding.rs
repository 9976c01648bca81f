//! Throughput of mojibake repair, one core.
//!
//! - `docs_clean` / `docs_mixed`: what documentation looks like. Mostly plain English lines,
//!   some with typographic punctuation (`it’s`, `“…”`, `—`), some with accented names and
//!   words, a few non-Latin lines; in the mixed variant 1.5% of the lines are broken (UTF-8
//!   read as windows-1252 or mac-roman, one or two layers). This is the headline figure.
//! - `corpus_clean` / `corpus_mixed`: the harsh case. Every line of the multilingual test
//!   corpus, interleaved with English; in the mixed variant every third non-ASCII line is
//!   broken.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use mdbook_polish::encoding::{repair_text, simulate_mojibake};

fn corpus() -> Vec<String> {
    include_str!("../tests/fixtures/encoding/clean.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// About `mb` megabytes of the multilingual corpus; every `broken_every`-th non-ASCII line is
/// broken.
fn build_corpus(mb: usize, broken_every: usize) -> String {
    let lines = corpus();
    let mut out = String::with_capacity(mb * 1_000_000 + 1000);
    let mut n = 0usize;
    while out.len() < mb * 1_000_000 {
        for l in &lines {
            n += 1;
            if broken_every > 0 && n.is_multiple_of(broken_every) && !l.is_ascii() {
                out.push_str(&simulate_mojibake(l, "windows-1252").unwrap_or_default());
            } else {
                out.push_str(l);
            }
            out.push('\n');
            out.push_str("The preprocessor reads each chapter and writes it back unchanged.\n");
        }
    }
    out
}

const PLAIN: &[&str] = &[
    "The preprocessor reads each chapter and writes it back unchanged.",
    "Run the build with the `--release` flag to get optimised output.",
    "Each table row holds a benefit on the left and a burden on the right.",
    "",
    "## Configuration",
    "- Set `output.html.site-url` when the book is served from a sub-path.",
    "Front matter is validated against the schema before rendering starts.",
    "See the [installation guide](install.md) for platform specific notes.",
    "| **Speed**<br/>Pages render in milliseconds | **Setup**<br/>One more tool to learn |",
    "Links are checked once per build; broken anchors are reported as warnings.",
];
const TYPOGRAPHIC: &[&str] = &[
    "It’s the editor’s job to keep “house style” consistent — not the author’s.",
    "Don’t panic: the warning only means the cache is cold…",
    "Pages 12–18 cover the renderer; the ‘quick start’ is on page 3.",
];
const ACCENTED: &[&str] = &[
    "Thanks to José Muñoz and Zoë Brontë for the café-themed examples.",
    "The naïve approach re-parses every chapter; see the résumé of the design.",
    "Our translators in Zürich, Kraków and São Paulo review each release.",
    "Deutsch: Die Größe der Übersicht hängt von der Bildschirmbreite ab.",
    "Русский: файл настроек находится в корневом каталоге.",
];

/// About `mb` megabytes of documentation-like text; `broken_per_1000` lines in a thousand are
/// mojibake.
fn build_docs(mb: usize, broken_per_1000: usize) -> String {
    let mut out = String::with_capacity(mb * 1_000_000 + 1000);
    let mut n = 0usize;
    while out.len() < mb * 1_000_000 {
        n += 1;
        // A fixed pattern per 100 lines: 75 plain, 15 typographic, 10 accented.
        let k = n % 100;
        let broken = broken_per_1000 > 0 && (n * broken_per_1000) % 1000 < broken_per_1000;
        let line = if broken {
            // The broken line is one that has something to break.
            if n.is_multiple_of(2) {
                TYPOGRAPHIC[n % TYPOGRAPHIC.len()]
            } else {
                ACCENTED[n % ACCENTED.len()]
            }
        } else if k < 75 {
            PLAIN[n % PLAIN.len()]
        } else if k < 90 {
            TYPOGRAPHIC[n % TYPOGRAPHIC.len()]
        } else {
            ACCENTED[n % ACCENTED.len()]
        };
        if broken {
            let cp = if n.is_multiple_of(3) {
                "mac-roman"
            } else {
                "windows-1252"
            };
            let mut b = simulate_mojibake(line, cp).unwrap_or_default();
            if n.is_multiple_of(5) {
                b = simulate_mojibake(&b, "windows-1252").unwrap_or_default();
            }
            out.push_str(&b);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("repair_text");
    g.sample_size(10);
    for (name, text) in [
        ("docs_clean", build_docs(8, 0)),
        ("docs_mixed", build_docs(8, 15)),
        ("corpus_clean", build_corpus(4, 0)),
        ("corpus_mixed", build_corpus(4, 3)),
    ] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| b.iter(|| repair_text(black_box(&text))));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
