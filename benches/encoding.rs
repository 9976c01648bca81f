//! Throughput of mojibake repair on clean text (the fast path) and on mixed text (a chapter
//! where some lines are broken and most are not).

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

/// About `mb` megabytes of text; every `broken_every`-th non-ASCII line is broken.
fn build(mb: usize, broken_every: usize) -> String {
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
            // Most documentation lines are plain English.
            out.push_str("The preprocessor reads each chapter and writes it back unchanged.\n");
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let clean = build(4, 0);
    let mixed = build(4, 3);
    let mut g = c.benchmark_group("repair_text");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(clean.len() as u64));
    g.bench_function("clean", |b| b.iter(|| repair_text(black_box(&clean))));
    g.throughput(Throughput::Bytes(mixed.len() as u64));
    g.bench_function("mixed", |b| b.iter(|| repair_text(black_box(&mixed))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
