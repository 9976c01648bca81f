//! Problems found in user content, and where they are.
//!
//! Every job reports problems as [`Diagnostic`] values with a stable rule code instead of
//! returning `Err`: a bad chapter must never hide the others. A diagnostic carries a byte range
//! into the text the job was given; drivers attach the file and turn the range into a 1-based
//! `line:col` (columns count characters, not bytes) with [`LineIndex`].

use std::fmt;
use std::ops::Range;

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information, e.g. why a near-miss table was left alone.
    Note,
    /// Something that was repaired or looks wrong but did not stop the job.
    Warning,
    /// Content that breaks a rule (schema, syntax).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "note" => Ok(Severity::Note),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (expected note, warning or error)"
            )),
        }
    }
}

/// A second place that a diagnostic points at (e.g. the first of two duplicate keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Byte range in the same text, or in `file` when set.
    pub span: Range<usize>,
    /// What this place is.
    pub message: String,
    /// Another file, for cross-file findings; `None` means the same file.
    pub file: Option<Location>,
}

/// A resolved position in a named file (used for cross-file related places).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Display path of the file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

/// One problem in user content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Stable rule id, e.g. `PL201`. Documented in the guide.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// Byte range in the text the job was given.
    pub span: Range<usize>,
    /// One sentence in plain words.
    pub message: String,
    /// A hint such as "did you mean `architects`?".
    pub help: Option<String>,
    /// Other places involved.
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A new diagnostic with no help or related places.
    pub fn new(
        code: &'static str,
        severity: Severity,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            span,
            message: message.into(),
            help: None,
            related: Vec::new(),
        }
    }

    /// Shorthand for an error.
    pub fn error(code: &'static str, span: Range<usize>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, span, message)
    }

    /// Shorthand for a warning.
    pub fn warning(code: &'static str, span: Range<usize>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, span, message)
    }

    /// Shorthand for a note.
    pub fn note(code: &'static str, span: Range<usize>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Note, span, message)
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related place in the same text.
    #[must_use]
    pub fn with_related(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
            file: None,
        });
        self
    }

    /// Moves every span by `delta` bytes (for jobs that ran on a slice of the chapter).
    #[must_use]
    pub fn shifted(mut self, delta: usize) -> Self {
        self.span = self.span.start + delta..self.span.end + delta;
        for r in &mut self.related {
            if r.file.is_none() {
                r.span = r.span.start + delta..r.span.end + delta;
            }
        }
        self
    }
}

/// Maps byte offsets of one text to 1-based line and character column.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`. Lines end at `\n`; a `\r` before it belongs to the line ending.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based `(line, col)` of a byte offset; col counts characters. Offsets past the end or
    /// inside a character are clamped to the nearest valid position before them.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let mut col = self.text[start..offset].chars().count() + 1;
        // A leading BOM is invisible to editors; do not count it as a column.
        if line == 0 && self.text.starts_with('\u{feff}') && offset > 0 {
            col -= 1;
        }
        (line + 1, col)
    }

    /// Byte range of the 1-based `line` without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let i = line.saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[i];
        let mut end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The indexed text.
    pub fn text(&self) -> &'a str {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_lines() {
        let text = "ab\r\nçé: x\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(4), (2, 1));
        // `x` sits after two two-byte characters, a colon and a space.
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(x), (2, 5));
        assert_eq!(idx.line_col(text.len()), (3, 5));
        assert_eq!(idx.line_range(1), 0..2);
        assert_eq!(idx.line_range(2), 4..11);
    }

    #[test]
    fn bom_is_not_a_column() {
        let text = "\u{feff}---\nk: v\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(3), (1, 1));
        assert_eq!(idx.line_col(4), (1, 2));
    }

    #[test]
    fn offsets_inside_a_character_clamp_back() {
        let idx = LineIndex::new("é");
        assert_eq!(idx.line_col(1), (1, 1));
        assert_eq!(idx.line_col(99), (1, 2));
    }
}
