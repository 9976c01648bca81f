//! Comparison tables: benefit/burden (pros/cons, ...) tables become styled components. (Stub.)

use crate::diagnostic::Diagnostic;
use crate::markdown::{Edit, ParseOptions};

/// What counts as a comparison table and how it is rendered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompareOptions {
    /// Words that mark the "pro" column header.
    pub pro_words: Vec<String>,
    /// Words that mark the "con" column header.
    pub con_words: Vec<String>,
    /// Render layout tables (text beside an image) as media rows.
    pub media: bool,
    /// mdBook's parser flags.
    pub parse: ParseOptions,
}


/// Finds comparison tables in `text` and returns the edits that replace them, plus notes on
/// near misses. `id_prefix` keeps element ids unique on mdBook's print page.
pub fn transform(
    text: &str,
    opts: &CompareOptions,
    id_prefix: &str,
) -> (Vec<Edit>, Vec<Diagnostic>) {
    let _ = (text, opts, id_prefix);
    (Vec::new(), Vec::new())
}
/// The comparison components' stylesheet.
pub const CSS: &str = include_str!("../../assets/compare.css");
