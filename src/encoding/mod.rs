//! Mojibake repair. (Stub.)

use crate::diagnostic::Diagnostic;
use crate::markdown::{Edit, ParseOptions};

/// Where repair may act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RepairOptions {
    /// Also repair inside code spans and code blocks.
    pub in_code: bool,
    /// Also repair inside raw HTML attribute values.
    pub in_html_attributes: bool,
    /// mdBook's parser flags.
    pub parse: ParseOptions,
}

/// Repairs mojibake in a Markdown chapter, skipping code (unless asked). Each repair is one
/// edit and one warning diagnostic (`before → after`).
pub fn repair_markdown(text: &str, opts: &RepairOptions) -> (Vec<Edit>, Vec<Diagnostic>) {
    let _ = (text, opts);
    (Vec::new(), Vec::new())
}

/// Repairs plain text (no Markdown awareness), keeping its line structure. `None` when
/// nothing changes.
pub fn repair_text(text: &str) -> Option<String> {
    let _ = text;
    None
}

/// Cheap scan: could `text` contain mojibake at all?
pub fn has_suspects(text: &str) -> bool {
    !text.is_ascii()
}
