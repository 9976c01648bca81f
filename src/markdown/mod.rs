//! Markdown parsing shared by every job: mdBook's own parser options, and byte-span edits.
//!
//! Jobs never re-serialise a chapter (the round trip through an event-to-Markdown writer is
//! lossy). They find byte ranges with pulldown-cmark's offset iterator and return [`Edit`]s
//! that [`apply_edits`] splices into the original text.

mod edit;

pub use edit::{Edit, OffsetMap, apply_edits, apply_edits_with_room};
pub use mdbook_markdown::pulldown_cmark;

use mdbook_markdown::MarkdownOptions;
use pulldown_cmark::Parser;

/// Parser flags that mirror the renderer's, so that what we detect is what mdBook renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// `output.html.smart-punctuation` (mdBook default: on).
    pub smart_punctuation: bool,
    /// `output.html.definition-lists` (default: on).
    pub definition_lists: bool,
    /// `output.html.admonitions` (default: on).
    pub admonitions: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            smart_punctuation: true,
            definition_lists: true,
            admonitions: true,
        }
    }
}

/// A pulldown-cmark parser configured exactly as mdBook 0.5 configures its renderer's.
pub fn parser<'a>(text: &'a str, options: ParseOptions) -> Parser<'a> {
    let mut opts = MarkdownOptions::default();
    opts.smart_punctuation = options.smart_punctuation;
    opts.definition_lists = options.definition_lists;
    opts.admonitions = options.admonitions;
    mdbook_markdown::new_cmark_parser(text, &opts)
}
