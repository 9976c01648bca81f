//! Throughput of each stage of the chapter pipeline, and of the whole pipeline, on chapters
//! in the shape `scripts/gen-book` writes (YAML front matter, comparison and layout tables,
//! code, links, a little mojibake). The chapters are made here, deterministically, from a
//! small word list; nothing is read from disk. Encoding repair has its own bench.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use mdbook_polish::compare::{self, CompareOptions};
use mdbook_polish::frontmatter::{self, Limits, schema::Schema};
use mdbook_polish::header::HeaderConfig;
use mdbook_polish::pipeline::{self, ChapterInput, Settings};

const WORDS: &[&str] = &[
    "cache", "stream", "tenant", "gateway", "widget", "region", "pipeline", "ticket", "layer",
    "metric", "schema", "session", "cluster", "backlog", "release", "timer", "entity", "flag",
];

/// A tiny deterministic generator (xorshift), so every run benches the same bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as usize
    }
    fn word(&mut self) -> &'static str {
        WORDS[self.next() % WORDS.len()]
    }
    fn sentence(&mut self, n: usize) -> String {
        let words: Vec<&str> = (0..n).map(|_| self.word()).collect();
        let mut s = words.join(" ");
        s.replace_range(..1, &s[..1].to_ascii_uppercase());
        s + "."
    }
}

/// One chapter in the seed's shape.
fn chapter(rng: &mut Rng, i: usize) -> String {
    let mut s = String::new();
    s.push_str("---\n");
    s.push_str(&format!("summary: {}\n", rng.sentence(10)));
    s.push_str(&format!(
        "tags: {}, {}, {}\n",
        rng.word(),
        rng.word(),
        rng.word()
    ));
    s.push_str(&format!(
        "guid: {:08x}-0000-4000-8000-{:012x}\n",
        i,
        rng.next() % (1 << 40)
    ));
    s.push_str("locale: en-us\napp_type: reactive web apps\nplatform-version: o11\n");
    s.push_str(&format!(
        "figma: https://www.figma.com/design/{}/{}\n",
        rng.word(),
        rng.word()
    ));
    s.push_str("audience:\n  - architects\n  - frontend developers\n");
    s.push_str("outsystems-tools:\n  - service studio\ncoverage-type:\n  - understand\n");
    s.push_str(&format!(
        "topic:\n  - {}\n  - {}\nhelpids: {}\n---\n\n",
        rng.word(),
        rng.word(),
        10000 + i
    ));
    s.push_str(&format!("# {} {}\n\n", rng.word(), rng.word()));
    for p in 0..4 {
        s.push_str(&format!("{} {}\n\n", rng.sentence(14), rng.sentence(12)));
        if p == 1 {
            s.push_str("| Benefits | Burdens |\n| --- | --- |\n");
            for _ in 0..3 {
                s.push_str(&format!(
                    "| **{}**<br/>{} | **{}**<br/>{} |\n",
                    rng.word(),
                    rng.sentence(8),
                    rng.word(),
                    rng.sentence(8)
                ));
            }
            s.push('\n');
        }
        if p == 2 {
            s.push_str(&format!(
                "```bash\ncurl -s https://example.com/api/{} | jq '.{}'\n```\n\n",
                rng.word(),
                rng.word()
            ));
            s.push_str("| | Layout |\n| --- | --- |\n| ![diagram](img/a.png) | Letâ€™s see the cafÃ© text. |\n\n");
        }
    }
    s.push_str(&format!(
        "## {}\n\nSee [the {} reference](https://example.com/docs/{}).\n",
        rng.word(),
        rng.word(),
        rng.word()
    ));
    s
}

fn chapters(n: usize) -> Vec<String> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n).map(|i| chapter(&mut rng, i)).collect()
}

fn bench(c: &mut Criterion) {
    let book = chapters(300);
    let bytes: u64 = book.iter().map(|s| s.len() as u64).sum();
    let limits = Limits::default();
    let schema = Schema::embedded();
    let opts = CompareOptions::default();
    let parsed: Vec<_> = book
        .iter()
        .filter_map(|s| frontmatter::extract(s, &limits).data)
        .collect();
    let fm_bytes: u64 = book
        .iter()
        .filter_map(|s| {
            frontmatter::extract(s, &limits)
                .block
                .map(|b| b.range.len() as u64)
        })
        .sum();

    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);

    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("frontmatter_split_yaml", |b| {
        b.iter(|| {
            for s in &book {
                black_box(frontmatter::extract(black_box(s), &limits));
            }
        })
    });
    g.throughput(Throughput::Bytes(fm_bytes));
    g.bench_function("schema_validate (front matter bytes)", |b| {
        b.iter(|| {
            for (data, s) in parsed.iter().zip(&book) {
                black_box(schema.validate(data, s));
            }
        })
    });
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("compare_transform", |b| {
        b.iter(|| {
            for s in &book {
                black_box(compare::transform(black_box(s), &opts, "polish-ch"));
            }
        })
    });
    g.bench_function("compare_notes (check)", |b| {
        b.iter(|| {
            for s in &book {
                black_box(compare::notes(black_box(s), &opts));
            }
        })
    });

    let full = Settings {
        repair: Some(Default::default()),
        schema: Some(std::sync::Arc::new(Schema::embedded())),
        header: Some(HeaderConfig::default()),
        compare: Some(opts.clone()),
        ..Settings::default()
    };
    let lean = Settings {
        diagnostics_only: true,
        ..full.clone()
    };
    for (name, settings, html) in [
        ("chapter_html", &full, true),
        ("chapter_markdown", &full, false),
        ("chapter_check", &lean, true),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                for s in &book {
                    black_box(pipeline::process(
                        ChapterInput {
                            source: black_box(s),
                            id_prefix: "polish-ch",
                            html,
                            require_front_matter: true,
                        },
                        settings,
                    ));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
