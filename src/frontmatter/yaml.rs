//! YAML 1.2 with a span on every node, bounded in size, depth and aliases. (Stub.)

use std::ops::Range;

use crate::diagnostic::Diagnostic;

/// Bounds on what a front matter block may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest YAML text accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes produced, counting every alias expansion.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 256 * 1024,
            max_depth: 64,
            max_nodes: 100_000,
        }
    }
}

/// A YAML node and where it is in the chapter.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Byte range in the chapter.
    pub span: Range<usize>,
}

/// A mapping entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key node.
    pub key: Node,
    /// The value node.
    pub value: Node,
}

/// YAML 1.2 core-schema values.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or empty.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in i64.
    Int(i64),
    /// A float, including `.inf` and `.nan`.
    Float(f64),
    /// A string (also integers too large for i64, kept as written).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<Entry>),
}

impl Node {
    /// The value of `key` when this is a mapping with a string key `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|e| matches!(&e.key.value, Value::Str(k) if k == key))
                .map(|e| &e.value),
            _ => None,
        }
    }

    /// The string, when this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Any scalar as display text; `None` for null, sequences and mappings.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Str(s) => Some(s.clone()),
        }
    }

    /// A sequence of scalars, or a scalar split on commas (the seed writes `tags: a, b`).
    pub fn string_list(&self) -> Vec<String> {
        match &self.value {
            Value::Seq(items) => items.iter().filter_map(Node::scalar_text).collect(),
            _ => self
                .scalar_text()
                .map(|s| {
                    s.split(',')
                        .map(|p| p.trim().to_string())
                        .filter(|p| !p.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Parses `src[range]` as YAML. Spans in the result are offsets into `src`.
pub fn parse(src: &str, range: Range<usize>, limits: &Limits) -> (Option<Node>, Vec<Diagnostic>) {
    let _ = (src, range, limits);
    (None, Vec::new())
}
