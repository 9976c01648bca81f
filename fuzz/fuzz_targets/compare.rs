//! Table → component transform on arbitrary Markdown: edits in bounds, on char boundaries,
//! sorted and disjoint; and the output transformed again changes nothing (idempotence).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_polish::compare::{self, CompareOptions};
use mdbook_polish::markdown::apply_edits;

fuzz_target!(|src: &str| {
    for media in [false, true] {
        let opts = CompareOptions { media, ..CompareOptions::default() };
        let (edits, _) = compare::transform(src, &opts, "polish-fuzz");
        let mut last = 0;
        for e in &edits {
            assert!(e.range.start >= last, "overlapping edits");
            assert!(src.get(e.range.clone()).is_some(), "edit off a char boundary");
            last = e.range.end;
        }
        if let Some(out) = apply_edits(src, &edits) {
            let (again, _) = compare::transform(&out, &opts, "polish-fuzz");
            assert!(again.is_empty(), "not idempotent: {again:?}\n{out}");
        }
    }
});
