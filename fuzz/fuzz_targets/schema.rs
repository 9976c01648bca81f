//! Schema validation of arbitrary YAML: the fuzz input becomes the body of a front matter
//! block, and whatever parses is validated against the embedded schema. No panic; every
//! diagnostic span lies inside the chapter.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mdbook_polish::frontmatter::{self, Limits, schema::Schema};

fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(Schema::embedded)
}

fuzz_target!(|yaml: &str| {
    let src = format!("---\n{yaml}\n---\n# T\n");
    let ex = frontmatter::extract(&src, &Limits::default());
    if let Some(data) = &ex.data {
        for d in schema().validate(data, &src) {
            assert!(d.span.start <= d.span.end && d.span.end <= src.len(), "{d:?}");
            assert!(src.get(d.span.clone()).is_some(), "span off a char boundary: {d:?}");
        }
    }
});
