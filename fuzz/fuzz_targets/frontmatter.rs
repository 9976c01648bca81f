//! Front matter split + bounded YAML parse on arbitrary text: no panic, every span in bounds
//! and on char boundaries (the pipeline slices the source with them).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_polish::frontmatter::{self, Limits};

fuzz_target!(|src: &str| {
    let ex = frontmatter::extract(src, &Limits::default());
    if let Some(b) = &ex.block {
        assert!(src.get(b.range.clone()).is_some(), "block range {:?}", b.range);
        assert!(src.get(b.yaml.clone()).is_some(), "yaml range {:?}", b.yaml);
        assert!(b.range.start <= b.yaml.start && b.yaml.end <= b.range.end);
    }
    if ex.data.is_some() {
        assert!(ex.block.is_some(), "data without a block");
    }
    for d in &ex.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end <= src.len(), "{d:?}");
    }
});
