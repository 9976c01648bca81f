//! The whole per-chapter pipeline with every job on: no panic, diagnostic spans inside the
//! source, and the output run through the pipeline again is unchanged.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mdbook_polish::pipeline::{self, ChapterInput, Settings};

fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(Settings::all_jobs)
}

fn run(src: &str) -> pipeline::ChapterResult {
    pipeline::process(
        ChapterInput {
            source: src,
            id_prefix: "polish-fuzz",
            html: true,
            require_front_matter: true,
        },
        settings(),
    )
}

fuzz_target!(|src: &str| {
    let r = run(src);
    for d in &r.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end <= src.len(), "{d:?}");
    }
    let Some(out) = r.content else { return };
    // A second front matter block right after the first one is, by design, front matter of
    // the output; that is the only case where a second run may change it.
    if out.trim_start_matches(['\u{feff}', '\n', '\r', ' ', '\t']).starts_with("---")
        || out.trim_start().starts_with("<!--")
    {
        return;
    }
    let again = run(&out);
    assert!(again.content.is_none(), "not idempotent:\n{out:?}\n→\n{:?}", again.content);
});
