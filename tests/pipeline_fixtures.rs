//! Whole-chapter fixtures: each chapter under tests/fixtures/chapters goes through the full
//! pipeline (html), and its output plus its diagnostics (as `line:col code message`) are
//! snapshotted. Every Markdown fixture in the repository must also be idempotent: running the
//! pipeline on its own output changes nothing.

mod common;

use std::path::Path;

use mdbook_polish::diagnostic::LineIndex;
use mdbook_polish::pipeline::{self, ChapterInput, ChapterResult, Settings};

/// Every job on, with the options `book.toml` gives by default.
fn settings() -> Settings {
    Settings::all_jobs()
}

fn run(source: &str) -> ChapterResult {
    pipeline::process(
        ChapterInput {
            source,
            id_prefix: "polish-fx",
            html: true,
            require_front_matter: false,
        },
        &settings(),
    )
}

fn describe(source: &str, r: &ChapterResult) -> String {
    let idx = LineIndex::new(source);
    let mut out = String::from("=== diagnostics\n");
    for d in &r.diagnostics {
        let (line, col) = idx.line_col(d.span.start);
        out.push_str(&format!(
            "{line}:{col} {} {} {}\n",
            d.code, d.severity, d.message
        ));
        if let Some(h) = &d.help {
            out.push_str(&format!("    help: {h}\n"));
        }
    }
    out.push_str("=== output\n");
    out.push_str(r.content.as_deref().unwrap_or("(unchanged)\n"));
    out
}

#[test]
fn chapter_fixtures() {
    insta::glob!("fixtures/chapters/*.md", |path| {
        let source = std::fs::read_to_string(path).unwrap();
        let r = run(&source);
        insta::assert_snapshot!(describe(&source, &r));
    });
}

#[test]
fn nothing_to_do_is_byte_identical() {
    let source = std::fs::read_to_string(common::fixtures("chapters/no-front-matter.md")).unwrap();
    let r = run(&source);
    assert!(
        r.content.is_none(),
        "an untouched chapter must not be rewritten"
    );
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

fn markdown_fixtures(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            markdown_fixtures(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

#[test]
fn every_fixture_is_idempotent() {
    let mut files = Vec::new();
    markdown_fixtures(&common::fixtures(""), &mut files);
    assert!(
        files.len() >= 10,
        "expected the repository's fixtures, found {}",
        files.len()
    );
    for path in files {
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        let once = run(&source).content.unwrap_or(source);
        let twice = run(&once);
        assert!(
            twice.content.as_ref().is_none_or(|t| *t == once),
            "{} is not idempotent:\n--- once\n{once}\n--- twice\n{}",
            path.display(),
            twice.content.unwrap_or_default()
        );
    }
}
