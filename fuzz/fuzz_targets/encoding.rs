//! Encoding repair on arbitrary text: `repair_text` is idempotent and keeps the line count;
//! `repair_markdown` edits are in bounds, on char boundaries and disjoint, with a finding for
//! each broken word.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_polish::encoding::{self, RepairOptions};
use mdbook_polish::markdown::apply_edits;

fuzz_target!(|src: &str| {
    if let Some(fixed) = encoding::repair_text(src) {
        assert_ne!(fixed, src, "Some(unchanged)");
        assert_eq!(fixed.matches('\n').count(), src.matches('\n').count(), "line count");
        assert_eq!(encoding::repair_text(&fixed), None, "not idempotent: {fixed:?}");
    }
    let (edits, diags) = encoding::repair_markdown(src, &RepairOptions::default());
    // One finding per word, one edit per broken run: `rÃ©sumÃ©` is one finding, two edits.
    assert!(diags.len() <= edits.len(), "more findings than edits");
    assert_eq!(diags.is_empty(), edits.is_empty(), "edits without findings");
    let mut last = 0;
    for e in &edits {
        assert!(e.range.start >= last, "overlapping edits");
        assert!(src.get(e.range.clone()).is_some(), "edit off a char boundary");
        last = e.range.end;
    }
    if let Some(out) = apply_edits(src, &edits) {
        let (again, _) = encoding::repair_markdown(&out, &RepairOptions::default());
        assert!(again.is_empty(), "repair_markdown not idempotent: {out:?}");
    }
});
