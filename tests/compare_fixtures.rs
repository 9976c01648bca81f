//! Fixture corpus for comparison tables: each `tests/fixtures/compare/*.md` goes through
//! `compare::transform`; the output and the notes are snapshotted, and every fixture is
//! checked for idempotence. Files named `media_*` run with `media = true`.

use std::path::Path;

use mdbook_polish::compare::{CompareOptions, transform};
use mdbook_polish::diagnostic::LineIndex;
use mdbook_polish::markdown::apply_edits;

fn options_for(name: &str) -> CompareOptions {
    CompareOptions {
        media: name.starts_with("media_"),
        ..CompareOptions::default()
    }
}

fn run(name: &str, input: &str) -> String {
    let opts = options_for(name);
    let (edits, diags) = transform(input, &opts, "fx-");
    let output = apply_edits(input, &edits).unwrap_or_else(|| input.to_string());

    // Idempotence: the output holds no comparison table, so a second run changes nothing.
    let (again, _) = transform(&output, &opts, "fx-");
    assert!(
        apply_edits(&output, &again).is_none(),
        "{name}: second run changed the output"
    );
    if edits.is_empty() {
        assert_eq!(
            output, input,
            "{name}: untouched input must come back identical"
        );
    }

    let index = LineIndex::new(input);
    let mut snap = output;
    snap.push_str("\n---- notes ----\n");
    for d in diags {
        let (line, col) = index.line_col(d.span.start);
        snap.push_str(&format!("{} {line}:{col} {}\n", d.code, d.message));
    }
    snap
}

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compare");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "fixtures missing: {names:?}");
    for path in names {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture")
            .to_string();
        let input = std::fs::read_to_string(&path).expect("read fixture");
        let snap = run(&name, &input);
        insta::with_settings!({
            snapshot_path => dir.join("snapshots"),
            prepend_module_to_snapshot => false,
            input_file => &path,
        }, {
            insta::assert_snapshot!(name, snap);
        });
    }
}
