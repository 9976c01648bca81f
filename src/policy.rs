//! What a team says about findings, as opposed to what the jobs find: rule levels from the
//! configuration (`[rules]`: any rule `off`, `note`, `warning` or `error`) and suppression
//! comments in a chapter (`<!-- polish-disable-next-line PL401 -->`, ...). Both only change
//! what is *reported*: a job that is on still does its work (turning a job off is the job's own
//! key, such as `encoding = false`).
//!
//! Every driver gets them the same way: the pipeline reads a chapter's comments, applies them
//! to that chapter's findings, adds a note for each comment that suppressed nothing (so they
//! do not rot) and applies the levels. The one cross-file rule, a guid shared by two chapters
//! (`PL210`), is found after that: the drivers apply the levels to it, and comments do not
//! cover it (a comment's lines are only known while the chapter's text is at hand; in a book
//! whose chapters `{{#include}}` others they are not the file's lines).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::markdown::ParseOptions;
use crate::markdown::pulldown_cmark::{Event, Tag, TagEnd};
use crate::rules;

/// Rule: a suppression comment that suppressed nothing.
pub const UNUSED_SUPPRESSION: &str = "PL003";
/// Rule: a suppression comment names a rule that does not exist.
pub const UNKNOWN_RULE: &str = "PL004";

/// A rule's level as a team sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported.
    Off,
    /// Reported as a note.
    Note,
    /// Reported as a warning.
    #[serde(alias = "warn")]
    Warning,
    /// Reported as an error.
    Error,
}

impl Level {
    /// The severity findings get, or `None` for `off`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Note => Some(Severity::Note),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// Resolves a rule id (`PL401`, any case) or name (`mojibake`) to its code.
pub fn rule_code(token: &str) -> Option<&'static str> {
    let t = token.trim();
    rules::RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(t) || r.name.eq_ignore_ascii_case(t))
        .map(|r| r.code)
}

/// "did you mean" for a token that is no rule.
pub fn rule_hint(token: &str) -> String {
    let candidates = rules::RULES.iter().flat_map(|r| [r.code, r.name]);
    crate::frontmatter::suggest::closest(token, candidates)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

/// Levels by rule code: what `[rules]` in the configuration says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels {
    by_code: BTreeMap<&'static str, Level>,
}

impl Levels {
    /// Reads `[rules]` (keys are rule ids or names). Returns the levels and a warning for
    /// each key that is no rule.
    pub fn from_table(table: &BTreeMap<String, Level>) -> (Levels, Vec<String>) {
        let mut levels = Levels::default();
        let mut warnings = Vec::new();
        for (key, level) in table {
            match rule_code(key) {
                Some(code) => {
                    levels.by_code.insert(code, *level);
                }
                None => warnings.push(format!(
                    "[rules] names `{key}`, which is no rule, so it is ignored{}",
                    rule_hint(key)
                )),
            }
        }
        (levels, warnings)
    }

    /// The level set for `code`, if any.
    pub fn get(&self, code: &str) -> Option<Level> {
        self.by_code.get(code).copied()
    }

    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    /// Drops findings of rules that are `off` and gives the others their level.
    pub fn apply(&self, diags: &mut Vec<Diagnostic>) {
        if self.by_code.is_empty() {
            return;
        }
        diags.retain_mut(|d| match self.get(d.code) {
            None => true,
            Some(level) => match level.severity() {
                None => false,
                Some(s) => {
                    d.severity = s;
                    true
                }
            },
        });
    }
}

/// What a suppression comment covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `polish-disable-next-line`: the line after the comment.
    NextLine,
    /// `polish-disable-line`: the comment's own line.
    Line,
    /// `polish-disable` ... `polish-enable`: the lines between (or to the end).
    Range,
    /// `polish-disable-file`: the whole file.
    File,
}

/// One suppression comment, resolved to the lines it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    /// Rule codes it names; empty means every rule.
    codes: Vec<&'static str>,
    /// First and last line covered (1-based, inclusive).
    lines: (usize, usize),
    /// The comment.
    span: Range<usize>,
    /// What it covers, for the note when it suppressed nothing.
    kind: Kind,
    used: bool,
}

impl Directive {
    fn covers(&self, code: &str, line: usize) -> bool {
        (self.codes.is_empty() || self.codes.contains(&code))
            && (self.lines.0..=self.lines.1).contains(&line)
    }
}

/// A comment as read: what it covers, whether it opens (`Some(false)`) or closes
/// (`Some(true)`) a range, the rules it names, and where it is.
type Raw = (Kind, Option<bool>, Vec<&'static str>, Range<usize>);

/// The suppression comments of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    directives: Vec<Directive>,
}

/// `<!-- polish-… -->` in Markdown.
static HTML_COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--[ \t]*polish-(disable-next-line|disable-line|disable-file|disable|enable)\b([^\n>]*?)[ \t]*-->")
        .expect("valid regex")
});

/// `# polish-…` in front matter (YAML cannot hold an HTML comment).
static YAML_COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*#[ \t]*polish-(disable-next-line|disable-line|disable-file|disable|enable)\b([^\n]*?)[ \t]*\r?$")
        .expect("valid regex")
});

/// Byte ranges of code (blocks and spans) in `text`: a directive shown in a code example is
/// an example, not a directive.
fn code_ranges(text: &str, parse: ParseOptions) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (event, range) in crate::markdown::parser(text, parse).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => open = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = open.take() {
                    out.push(start..range.end);
                }
            }
            Event::Code(_) => out.push(range),
            _ => {}
        }
    }
    out
}

impl Suppressions {
    /// Reads the suppression comments of `source`: HTML comments in the Markdown (not in code)
    /// and `#` comments in the front matter. Also returns a warning for each rule id a comment
    /// names that is no rule (the comment still applies to the others it names).
    pub fn parse(source: &str, parse: ParseOptions) -> (Suppressions, Vec<Diagnostic>) {
        let mut found = Suppressions::default();
        let mut diags = Vec::new();
        // Most files have none: one substring search decides.
        if memchr::memmem::find(source.as_bytes(), b"polish-").is_none() {
            return (found, diags);
        }
        let fm = crate::frontmatter::split::split(source).0;
        let mut raw: Vec<Raw> = Vec::new();
        let mut read = |caps: regex::Captures<'_>, offset: usize, diags: &mut Vec<Diagnostic>| {
            let all = caps
                .get(0)
                .map_or(0..0, |m| m.start() + offset..m.end() + offset);
            let (kind, enable) = match caps.get(1).map_or("", |m| m.as_str()) {
                "disable-next-line" => (Kind::NextLine, None),
                "disable-line" => (Kind::Line, None),
                "disable-file" => (Kind::File, None),
                "disable" => (Kind::Range, Some(false)),
                _ => (Kind::Range, Some(true)),
            };
            let mut codes = Vec::new();
            if let Some(list) = caps.get(2) {
                let mut at = list.start() + offset;
                for token in list.as_str().split([' ', '\t', ',']) {
                    let span = at..at + token.len();
                    at += token.len() + 1;
                    if token.is_empty() {
                        continue;
                    }
                    match rule_code(token) {
                        Some(c) => codes.push(c),
                        None => diags.push(
                            Diagnostic::warning(
                                UNKNOWN_RULE,
                                span,
                                format!("`{token}` in this suppression comment is no rule"),
                            )
                            .with_help(format!(
                                "rule ids are listed in the guide's rule reference{}",
                                rule_hint(token)
                            )),
                        ),
                    }
                }
                // Every id it named was unknown: it must not silently cover every rule.
                if codes.is_empty() && !list.as_str().trim().is_empty() {
                    return;
                }
            }
            raw.push((kind, enable, codes, all));
        };
        if let Some(block) = &fm {
            let yaml = &source[block.yaml.clone()];
            for caps in YAML_COMMENT.captures_iter(yaml) {
                read(caps, block.yaml.start, &mut diags);
            }
        }
        let body_start = fm.as_ref().map_or(0, |b| b.range.end);
        let body = &source[body_start..];
        if HTML_COMMENT.is_match(body) {
            let code = code_ranges(body, parse);
            for caps in HTML_COMMENT.captures_iter(body) {
                let at = caps.get(0).map_or(0, |m| m.start());
                if !code.iter().any(|r| r.contains(&at)) {
                    read(caps, body_start, &mut diags);
                }
            }
        }
        raw.sort_by_key(|r| r.3.start);
        let index = LineIndex::new(source);
        let last_line = index.line_count();
        // `polish-disable` stays open until a `polish-enable` that names its rules (or names
        // none). Open ranges by the codes they still cover.
        let mut open: Vec<(Vec<&'static str>, usize, Range<usize>)> = Vec::new();
        for (kind, enable, codes, span) in raw {
            let first = index.line_col(span.start).0;
            let end_line = index.line_col(span.end.saturating_sub(1).max(span.start)).0;
            match (kind, enable) {
                (Kind::NextLine, _) => found.push(codes, (end_line + 1, end_line + 1), span, kind),
                (Kind::Line, _) => found.push(codes, (first, end_line), span, kind),
                (Kind::File, _) => found.push(codes, (1, last_line), span, kind),
                (_, Some(false)) => open.push((codes, first, span)),
                (_, _) => {
                    // Close what this enable names. A disable of every rule ends only at an
                    // enable of every rule; a disable of several rules that is only partly
                    // enabled stays open for the rest, as a range from here.
                    let mut still = Vec::new();
                    for (open_codes, from, open_span) in open.drain(..) {
                        let closes =
                            codes.is_empty() || open_codes.iter().any(|c| codes.contains(c));
                        if !closes {
                            still.push((open_codes, from, open_span));
                            continue;
                        }
                        let rest: Vec<_> = open_codes
                            .iter()
                            .copied()
                            .filter(|c| !codes.is_empty() && !codes.contains(c))
                            .collect();
                        found.push(open_codes, (from, first), open_span.clone(), kind);
                        if !rest.is_empty() {
                            still.push((rest, first, open_span));
                        }
                    }
                    open = still;
                }
            }
        }
        for (codes, from, span) in open {
            found.push(codes, (from, last_line), span, Kind::Range);
        }
        (found, diags)
    }

    fn push(
        &mut self,
        codes: Vec<&'static str>,
        lines: (usize, usize),
        span: Range<usize>,
        kind: Kind,
    ) {
        // A range split by a partial `polish-enable` is one comment: merge so it is reported
        // as unused once at most.
        self.directives.push(Directive {
            codes,
            lines,
            span,
            kind,
            used: false,
        });
    }

    /// Whether a finding of `code` starting on `line` is covered (without marking anything
    /// used): `fix` leaves text alone that the author said to leave.
    pub fn covers(&self, code: &str, line: usize) -> bool {
        self.directives.iter().any(|d| d.covers(code, line))
    }

    /// Whether the file has no suppression comments.
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty()
    }

    /// Removes the findings a comment covers (by the line each starts on, in `text`, which
    /// must have the line numbers of the source the comments were read from) and marks those
    /// comments used.
    pub fn apply(&mut self, diags: &mut Vec<Diagnostic>, text: &str) {
        if self.directives.is_empty() || diags.is_empty() {
            return;
        }
        let index = LineIndex::new(text);
        diags.retain(|d| {
            // The notes about comments themselves cannot be suppressed by those comments.
            if d.code == UNKNOWN_RULE {
                return true;
            }
            let line = index.line_col(d.span.start).0;
            let mut keep = true;
            for dir in &mut self.directives {
                if dir.covers(d.code, line) {
                    dir.used = true;
                    keep = false;
                }
            }
            keep
        });
    }

    /// A note for every comment that suppressed nothing.
    pub fn unused(&self) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = Vec::new();
        for d in self.directives.iter().filter(|d| !d.used) {
            // A range split by a partial `polish-enable` is one comment: it is unused only
            // when none of its parts was used.
            if self.directives.iter().any(|o| o.used && o.span == d.span)
                || out.iter().any(|n| n.span == d.span)
            {
                continue;
            }
            let what = if d.codes.is_empty() {
                "any finding".to_string()
            } else {
                d.codes
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let place = match d.kind {
                Kind::File => "in this file".to_string(),
                _ if d.lines.0 == d.lines.1 => format!("on line {}", d.lines.0),
                _ => format!("on lines {}-{}", d.lines.0, d.lines.1),
            };
            out.push(
                Diagnostic::note(
                    UNUSED_SUPPRESSION,
                    d.span.clone(),
                    format!(
                        "this suppression comment suppressed nothing: there is no {what} {place}"
                    ),
                )
                .with_help("remove the comment, or check the rule id and the line it should cover"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_left(
        src: &str,
        diags: Vec<Diagnostic>,
    ) -> (Vec<(&'static str, usize)>, Vec<Diagnostic>) {
        let (mut sup, mut extra) = Suppressions::parse(src, ParseOptions::default());
        let mut diags = diags;
        sup.apply(&mut diags, src);
        extra.extend(sup.unused());
        let index = LineIndex::new(src);
        (
            diags
                .iter()
                .map(|d| (d.code, index.line_col(d.span.start).0))
                .collect(),
            extra,
        )
    }

    /// A finding of `code` at the start of 1-based `line`.
    fn at(src: &str, line: usize, code: &'static str) -> Diagnostic {
        let start = LineIndex::new(src).line_range(line).start;
        Diagnostic::warning(code, start..start + 1, "x")
    }

    #[test]
    fn next_line_covers_only_the_next_line_and_only_its_rules() {
        let src = "a\n<!-- polish-disable-next-line PL401 -->\nb\nc\n";
        let diags = vec![
            at(src, 3, "PL401"),
            at(src, 3, "PL303"),
            at(src, 4, "PL401"),
        ];
        let (left, notes) = codes_left(src, diags);
        assert_eq!(left, [("PL303", 3), ("PL401", 4)]);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn names_and_lists_work_and_no_id_means_every_rule() {
        let src = "<!-- polish-disable-next-line mojibake, layout-table -->\nb\n<!-- polish-disable-line -->x\n";
        let diags = vec![
            at(src, 2, "PL401"),
            at(src, 2, "PL303"),
            at(src, 3, "PL201"),
        ];
        let (left, notes) = codes_left(src, diags);
        assert!(left.is_empty(), "{left:?}");
        assert!(notes.is_empty());
    }

    #[test]
    fn ranges_open_and_close_per_rule() {
        let src = "1\n<!-- polish-disable PL303 PL401 -->\n3\n<!-- polish-enable PL303 -->\n5\n<!-- polish-enable -->\n7\n";
        let diags = vec![
            at(src, 3, "PL303"),
            at(src, 3, "PL401"),
            at(src, 5, "PL303"),
            at(src, 5, "PL401"),
            at(src, 7, "PL401"),
        ];
        let (left, notes) = codes_left(src, diags);
        assert_eq!(left, [("PL303", 5), ("PL401", 7)]);
        assert!(notes.is_empty(), "{notes:?}");
        // Never closed: to the end of the file.
        let src = "<!-- polish-disable -->\n2\n3\n";
        let (left, _) = codes_left(src, vec![at(src, 3, "PL305")]);
        assert!(left.is_empty());
    }

    #[test]
    fn file_wide_and_front_matter_comments() {
        let src = "---\ntitle: x\n# polish-disable-next-line PL203\ntilte: y\n---\nbody\n<!-- polish-disable-file PL401 -->\n";
        let diags = vec![
            at(src, 4, "PL203"),
            at(src, 6, "PL401"),
            at(src, 2, "PL401"),
        ];
        let (left, notes) = codes_left(src, diags);
        assert!(left.is_empty(), "{left:?}");
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn unused_and_unknown_are_reported_at_the_comment() {
        let src =
            "a\n<!-- polish-disable-next-line PL401 -->\nb\n<!-- polish-disable-line PL9999 -->\n";
        let (left, notes) = codes_left(src, vec![]);
        assert!(left.is_empty());
        let index = LineIndex::new(src);
        let found: Vec<_> = notes
            .iter()
            .map(|d| (d.code, index.line_col(d.span.start).0, d.severity))
            .collect();
        assert_eq!(
            found,
            [
                (UNKNOWN_RULE, 4, Severity::Warning),
                (UNUSED_SUPPRESSION, 2, Severity::Note)
            ]
        );
        assert!(
            notes[1].message.contains("`PL401` on line 3"),
            "{}",
            notes[1].message
        );
        // Only an unknown id: the comment covers nothing (never every rule by accident).
        let src = "<!-- polish-disable-file PL9999 -->\nb\n";
        let (left, _) = codes_left(src, vec![at(src, 2, "PL401")]);
        assert_eq!(left, [("PL401", 2)]);
    }

    #[test]
    fn comments_in_code_are_examples() {
        let src =
            "```md\n<!-- polish-disable-file -->\n```\n\n`<!-- polish-disable-next-line -->`\nx\n";
        let (left, notes) = codes_left(src, vec![at(src, 6, "PL401"), at(src, 2, "PL401")]);
        assert_eq!(left, [("PL401", 6), ("PL401", 2)]);
        assert!(notes.is_empty());
    }

    #[test]
    fn levels_turn_off_and_change_severity() {
        let mut table = BTreeMap::new();
        table.insert("PL401".to_string(), Level::Off);
        table.insert("layout-table".to_string(), Level::Error);
        table.insert("PL9".to_string(), Level::Note);
        let (levels, warnings) = Levels::from_table(&table);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let mut diags = vec![
            Diagnostic::warning("PL401", 0..1, "a"),
            Diagnostic::note("PL303", 0..1, "b"),
            Diagnostic::error("PL201", 0..1, "c"),
        ];
        levels.apply(&mut diags);
        let got: Vec<_> = diags.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            got,
            [("PL303", Severity::Error), ("PL201", Severity::Error)]
        );
    }
}
