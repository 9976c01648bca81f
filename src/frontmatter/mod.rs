//! Front matter: the YAML block at byte 0 of a chapter.
//!
//! Owns finding the block ([`split`]), parsing it into a tree with a byte span on every node
//! ([`yaml`]), validating it ([`schema`], with hints from [`suggest`]), and the fixes that are
//! certain enough to make without asking ([`fixes`]). Rule codes: `PL10x` fences, `PL11x`
//! YAML, `PL20x` schema (each module documents its own). Everything here reports problems as
//! [`Diagnostic`]s; nothing here returns `Err` for bad user content.

pub mod fixes;
pub mod infer;
pub mod schema;
pub mod split;
pub mod suggest;
pub mod yaml;

use std::ops::Range;

use crate::diagnostic::Diagnostic;
pub use yaml::{Entry, Limits, Node, Value};

/// Where a front matter block sits in a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The whole block, from the opening fence (after any BOM) through the closing fence's
    /// line ending. This is what gets hidden from the page.
    pub range: Range<usize>,
    /// The YAML text between the fences.
    pub yaml: Range<usize>,
}

/// The result of looking for front matter in one chapter.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// The block, when the fences are well formed (even if the YAML inside is not).
    pub block: Option<Block>,
    /// The parsed root node, when the YAML parsed.
    pub data: Option<Node>,
    /// Fence near-misses, YAML errors, limit violations.
    pub diagnostics: Vec<Diagnostic>,
}

/// Finds, bounds and parses the front matter of `src`. Spans are byte offsets into `src`.
pub fn extract(src: &str, limits: &Limits) -> Extracted {
    let (block, mut diagnostics) = split::split(src);
    let mut data = None;
    if let Some(b) = &block {
        let (node, diags) = yaml::parse(src, b.yaml.clone(), limits);
        data = node;
        diagnostics.extend(diags);
    }
    Extracted {
        block,
        data,
        diagnostics,
    }
}
