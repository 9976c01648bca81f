//! JSON Schema validation of front matter, with did-you-mean. (Stub.)

use super::Node;
use crate::diagnostic::Diagnostic;

/// A compiled schema.
#[derive(Debug, Clone, Default)]
pub struct Schema {}

impl Schema {
    /// The embedded default schema.
    pub fn embedded() -> Schema {
        Schema {}
    }

    /// Validates `root` (parsed from `src`). Spans point into `src`.
    pub fn validate(&self, root: &Node, src: &str) -> Vec<Diagnostic> {
        let _ = (root, src);
        Vec::new()
    }
}

/// The embedded default schema's JSON text.
pub const EMBEDDED_SCHEMA: &str = "{}";

/// A schema file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}:{col}: {message}")]
pub struct SchemaError {
    /// The schema file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

impl Schema {
    /// Loads a schema file.
    pub fn from_file(path: &std::path::Path) -> Result<Schema, SchemaError> {
        Err(SchemaError {
            path: path.display().to_string(),
            line: 1,
            col: 1,
            message: "not yet".into(),
        })
    }
}
