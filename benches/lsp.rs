//! The editor server's cost per keystroke: from an incremental change of a 2,000-line
//! chapter to the diagnostics it publishes (apply the change, run the pipeline as `check`
//! does, map every finding to UTF-16 ranges, serialise the notification), beside `check`'s
//! own per-file work on the same text (`pipeline::process` in diagnostics-only mode). The
//! change's cost includes what a chapter of a book adds: the shared-guid rule against the
//! book's scan, and its guid read again (to tell the other open chapters when it changed);
//! the scan itself runs on another thread and is not measured. The issue's target is 10 ms
//! on one core; run it pinned: `taskset -c 0 cargo bench --bench lsp`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::str::FromStr as _;

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use lsp_types::{Position, PublishDiagnosticsParams, Range, TextDocumentContentChangeEvent, Uri};
use mdbook_polish::lsp::diagnostics::{DEFAULT_GUIDE_URL, Scope};
use mdbook_polish::lsp::document::Document;
use mdbook_polish::lsp::{document_diagnostics, guids};
use mdbook_polish::pipeline::{self, ChapterInput};

const WORDS: &[&str] = &[
    "cache", "stream", "tenant", "gateway", "widget", "region", "pipeline", "ticket", "layer",
    "metric", "schema", "session", "cluster", "backlog", "release", "timer", "entity", "flag",
];

/// A 2,000-line chapter in a real page's shape: front matter with a near-miss key, headings,
/// paragraphs (some with emoji, CJK and mojibake), lists, code blocks and a comparison table
/// every 200 lines. Deterministic.
fn chapter() -> String {
    let mut s = String::from(
        "---\ntitle: 发布 🚀 notes\nsummry: What changed in this release.\nguid: 0f8fad5b-d9cb-469f-a165-70867728950e\ntags:\n  - release\n---\n\n# Release notes\n\n",
    );
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut word = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        WORDS[(x >> 11) as usize % WORDS.len()]
    };
    let mut line = 10;
    while line < 2000 {
        match line % 200 {
            0 => {
                s.push_str(
                    "\n| Pros | Cons |\n|---|---|\n| Fast | Costly |\n| Simple | Rigid |\n\n",
                );
                line += 6;
            }
            50 => {
                s.push_str("```rust\nlet x = \"Letâ€™s\";\n```\n");
                line += 3;
            }
            100 => {
                s.push_str(&format!("## {} {}\n", word(), word()));
                line += 1;
            }
            n if n % 37 == 0 => {
                s.push_str(&format!(
                    "😀 The {} {}’s {} — Itâ€™s 标题 {}.\n",
                    word(),
                    word(),
                    word(),
                    word()
                ));
                line += 1;
            }
            n if n % 5 == 0 => {
                s.push_str(&format!("- {} {} {}\n", word(), word(), word()));
                line += 1;
            }
            _ => {
                let words: Vec<&str> = (0..12).map(|_| word()).collect();
                s.push_str(&words.join(" "));
                s.push_str(".\n");
                line += 1;
            }
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = chapter();
    assert!(text.lines().count() >= 2000);
    let scope = Scope::defaults();
    let uri = Uri::from_str("file:///book/src/notes.md").unwrap();
    let found = document_diagnostics(&uri, &text, &scope, DEFAULT_GUIDE_URL);
    assert!(
        found.len() > 10,
        "the chapter has findings to map: {}",
        found.len()
    );
    let mid = u32::try_from(text.lines().count() / 2).unwrap();

    let limits = scope.settings.limits;
    let me = std::path::PathBuf::from("/book/src/notes.md");
    let others = vec![guids::Guid {
        path: "/book/src/other.md".into(),
        value: "1f8fad5b-d9cb-469f-a165-70867728950e".into(),
        range: Range::default(),
    }];

    let mut g = c.benchmark_group("2000-line chapter");
    g.bench_function("lsp: change to diagnostics", |b| {
        let mut doc = Document {
            text: text.clone(),
            version: 1,
            language: "markdown".into(),
        };
        let mut v = 1;
        b.iter(|| {
            // Type one character, then delete it, alternately: the text stays the same size.
            v += 1;
            let change = if v % 2 == 0 {
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(Position::new(mid, 0), Position::new(mid, 0))),
                    range_length: None,
                    text: "x".into(),
                }
            } else {
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(Position::new(mid, 0), Position::new(mid, 1))),
                    range_length: None,
                    text: String::new(),
                }
            };
            doc.apply(vec![change], v);
            let diags = document_diagnostics(&uri, &doc.text, &scope, DEFAULT_GUIDE_URL);
            // A chapter of a book also has the shared-guid rule (against the scan, here one
            // other chapter) and its guid read again, to tell the other open chapters when
            // it changed.
            black_box(guids::duplicate(&me, &doc.text, &limits, &others));
            black_box(guids::guid_of(&doc.text, &limits));
            let params = PublishDiagnosticsParams::new(uri.clone(), diags, Some(v));
            black_box(serde_json::to_string(&params).unwrap())
        });
    });
    g.bench_function("check: pipeline on the same text", |b| {
        b.iter(|| {
            let input = ChapterInput {
                source: black_box(&text),
                id_prefix: "",
                html: true,
                require_front_matter: scope.require,
            };
            black_box(pipeline::process(input, &scope.settings).diagnostics)
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
