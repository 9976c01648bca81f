//! Printing diagnostics: rustc-style text, GitHub workflow commands, JSON and SARIF 2.1.0.
//!
//! Owns turning byte spans into `file:line:col` and every output format. Output order is
//! deterministic: files in the order given, findings by position, then rule code.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::rules;

/// One file's findings, with the source the spans point into.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// Path as shown to the user (relative to where the command ran or to the book root).
    pub path: String,
    /// The source text the spans refer to.
    pub source: String,
    /// Findings.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// Sorts findings by position, then code, so output is stable.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            (a.span.start, a.span.end, a.code, &a.message).cmp(&(
                b.span.start,
                b.span.end,
                b.code,
                &b.message,
            ))
        });
    }
}

/// A source cut down to the lines a report points at. Every other line is emptied to its
/// bare `\n`, so line numbers, and columns on the kept lines, stay what they were; a long
/// chapter with a few findings is held as those lines and a run of newlines instead of its
/// whole text (issue 6: the preprocessor's peak memory stays near the book's size even when
/// every chapter has findings). Offsets move: [`SparseSource::map`] translates them.
#[derive(Debug, Clone)]
pub struct SparseSource {
    /// The cut-down text.
    pub text: String,
    /// Kept runs of whole lines: (start, end) in the source, start in `text`.
    runs: Vec<(usize, usize, usize)>,
}

impl SparseSource {
    /// Keeps every line that one of `spans` touches.
    pub fn new(source: &str, spans: impl IntoIterator<Item = std::ops::Range<usize>>) -> Self {
        let bytes = source.as_bytes();
        let len = bytes.len();
        let mut lines: Vec<(usize, usize)> = spans
            .into_iter()
            .map(|r| {
                let start = r.start.min(len);
                let end = r.end.min(len).max(start);
                let first = memchr::memrchr(b'\n', bytes.get(..start).unwrap_or_default())
                    .map_or(0, |i| i + 1);
                let last = memchr::memchr(b'\n', bytes.get(end..).unwrap_or_default())
                    .map_or(len, |i| end + i + 1);
                (first, last)
            })
            .collect();
        lines.sort_unstable();
        let newlines = |from: usize, to: usize| {
            memchr::memchr_iter(b'\n', bytes.get(from..to).unwrap_or_default()).count()
        };
        let mut text = String::new();
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        let mut at = 0;
        for (first, last) in lines {
            if let Some(run) = runs.last_mut().filter(|run| first <= run.1) {
                // Overlaps or touches the previous run: extend it.
                if last > run.1 {
                    text.push_str(source.get(run.1..last).unwrap_or_default());
                    run.1 = last;
                    at = last;
                }
                continue;
            }
            text.extend(std::iter::repeat_n('\n', newlines(at, first)));
            runs.push((first, last, text.len()));
            text.push_str(source.get(first..last).unwrap_or_default());
            at = last;
        }
        text.extend(std::iter::repeat_n('\n', newlines(at, len)));
        SparseSource { text, runs }
    }

    /// Where `offset` of the source is in [`SparseSource::text`]. Offsets on kept lines move
    /// with their line; any other offset goes to the start of the next kept run (or the end).
    pub fn map(&self, offset: usize) -> usize {
        let i = self.runs.partition_point(|run| run.0 <= offset);
        match i.checked_sub(1).and_then(|k| self.runs.get(k)) {
            Some(&(start, end, at)) if offset <= end => at + (offset - start),
            _ => self.runs.get(i).map_or(self.text.len(), |run| run.2),
        }
    }

    /// What a report on one file keeps of its `source`: the lines its `diagnostics` point at,
    /// and the lines of `later` (the places a finding made after every file is read may point
    /// at: the `guid`, for the cross-file duplicate rule; the values an index lists). Moves
    /// those spans to the kept text and returns it. `check` and the preprocessor both hold
    /// their reports this way.
    pub fn for_report(
        source: &str,
        diagnostics: &mut [Diagnostic],
        later: &mut [&mut std::ops::Range<usize>],
    ) -> String {
        let spans = diagnostics
            .iter()
            .flat_map(|d| {
                std::iter::once(d.span.clone()).chain(
                    d.related
                        .iter()
                        .filter(|r| r.file.is_none())
                        .map(|r| r.span.clone()),
                )
            })
            .chain(later.iter().map(|r| (**r).clone()));
        let sparse = SparseSource::new(source, spans);
        for d in diagnostics {
            d.span = sparse.map_span(&d.span);
            for r in d.related.iter_mut().filter(|r| r.file.is_none()) {
                r.span = sparse.map_span(&r.span);
            }
        }
        for span in later {
            **span = sparse.map_span(span);
        }
        sparse.text
    }

    /// [`SparseSource::map`] on both ends of a span.
    pub fn map_span(&self, r: &std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.map(r.start)..self.map(r.end)
    }
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style snippets.
    Human,
    /// GitHub Actions workflow commands.
    Github,
    /// A stable JSON document (see the guide).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML, for CI servers' test reports (Jenkins, GitLab, Azure DevOps...).
    Junit,
    /// GitLab Code Quality (a Code Climate JSON array).
    Gitlab,
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

impl Counts {
    /// Counts the findings of `files`.
    pub fn of(files: &[FileReport]) -> Counts {
        let mut c = Counts::default();
        for d in files.iter().flat_map(|f| &f.diagnostics) {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Note => c.notes += 1,
            }
        }
        c
    }

    /// How many findings are at `level` or above.
    pub fn at_least(&self, level: Severity) -> usize {
        match level {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Note => self.errors + self.warnings + self.notes,
        }
    }

    /// "2 errors, 1 warning".
    pub fn sentence(&self) -> String {
        fn plural(n: usize, word: &str) -> String {
            format!("{n} {word}{}", if n == 1 { "" } else { "s" })
        }
        format!(
            "{}, {}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.notes, "note")
        )
    }
}

/// A finding with its resolved positions (1-based lines, columns in characters).
struct Resolved<'a> {
    file: &'a FileReport,
    d: &'a Diagnostic,
    line: usize,
    col: usize,
    end_line: usize,
    end_col: usize,
}

fn resolve(files: &[FileReport]) -> Vec<Resolved<'_>> {
    let mut out = Vec::new();
    // Most files of a big book have no findings: index only the lines of those that do.
    for f in files.iter().filter(|f| !f.diagnostics.is_empty()) {
        let idx = LineIndex::new(&f.source);
        for d in &f.diagnostics {
            let (line, col) = idx.line_col(d.span.start);
            let (end_line, end_col) = idx.line_col(d.span.end.max(d.span.start));
            out.push(Resolved {
                file: f,
                d,
                line,
                col,
                end_line,
                end_col,
            });
        }
    }
    out
}

/// Renders every finding in `format`; findings below `error` pass in a JUnit report.
pub fn render(format: Format, files: &[FileReport], color: bool) -> String {
    render_with_deny(format, files, color, Severity::Error)
}

/// [`render`], where `deny` is the lowest severity a JUnit report counts as a failed test (what
/// `check --deny` makes exit 1, so the test report and the exit code agree).
pub fn render_with_deny(
    format: Format,
    files: &[FileReport],
    color: bool,
    deny: Severity,
) -> String {
    match format {
        Format::Human => human(files, color),
        Format::Github => github(files),
        Format::Json => json_report(files).to_string() + "\n",
        Format::Sarif => serde_json::to_string_pretty(&sarif(files)).unwrap_or_default() + "\n",
        Format::Junit => junit(files, deny),
        Format::Gitlab => serde_json::to_string_pretty(&gitlab(files)).unwrap_or_default() + "\n",
    }
}

/// Text for an XML attribute or element: the five entities escaped, and the characters XML
/// 1.0 cannot hold at all (controls other than tab and line breaks) shown as `U+XXXX`.
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "U+{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML valid against Jenkins' JUnit schema (junit-4.xsd, which GitLab's and Azure's
/// readers also take: `testsuites` > `testsuite` > `testcase` > `failure`; a test validates
/// against it with `xmllint`). Each checked file is a test suite; each finding a test case, failed
/// when at or above `deny`, passed with its text in `system-out` otherwise; a file without
/// findings is one passed test case, so the report counts every file checked.
pub fn junit(files: &[FileReport], deny: Severity) -> String {
    let resolved = resolve(files);
    let mut by_file: std::collections::HashMap<*const FileReport, Vec<&Resolved<'_>>> =
        std::collections::HashMap::new();
    for r in &resolved {
        by_file
            .entry(std::ptr::from_ref(r.file))
            .or_default()
            .push(r);
    }
    let mut suites = String::new();
    let (mut total, mut failed) = (0usize, 0usize);
    for f in files {
        let found = by_file.get(&std::ptr::from_ref(f));
        let path = xml_text(&f.path);
        let mut cases = String::new();
        let (mut tests, mut failures) = (0usize, 0usize);
        match found {
            None => {
                tests = 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{path}\" name=\"no findings\" file=\"{path}\" time=\"0\"/>"
                );
            }
            Some(list) => {
                for r in list {
                    tests += 1;
                    let name = xml_text(&format!(
                        "{} {} at {}:{}",
                        r.d.code,
                        rules::name(r.d.code),
                        r.line,
                        r.col
                    ));
                    let mut body = format!(
                        "{}:{}:{}: {}[{}]: {}",
                        f.path, r.line, r.col, r.d.severity, r.d.code, r.d.message
                    );
                    if let Some(h) = &r.d.help {
                        body.push_str("\nhelp: ");
                        body.push_str(h);
                    }
                    let _ = writeln!(
                        cases,
                        "    <testcase classname=\"{path}\" name=\"{name}\" file=\"{path}\" time=\"0\">"
                    );
                    if r.d.severity >= deny {
                        failures += 1;
                        let _ = writeln!(
                            cases,
                            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                            xml_text(&r.d.message),
                            r.d.severity,
                            xml_text(&body)
                        );
                    } else {
                        let _ =
                            writeln!(cases, "      <system-out>{}</system-out>", xml_text(&body));
                    }
                    cases.push_str("    </testcase>\n");
                }
            }
        }
        total += tests;
        failed += failures;
        let _ = write!(
            suites,
            "  <testsuite name=\"{path}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">\n{cases}  </testsuite>\n"
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mdbook-polish check\" tests=\"{total}\" failures=\"{failed}\" errors=\"0\" time=\"0\">\n{suites}</testsuites>\n"
    )
}

/// GitLab Code Quality: one issue per finding. The fingerprint, which GitLab uses to tell new
/// findings from old ones between a branch and its target, is a digest of the file, the rule,
/// the text the finding is about and how many identical ones came before it in the file, not
/// of line numbers or wording, so a finding does not look new when lines above it move or a
/// new version words its message differently.
pub fn gitlab(files: &[FileReport]) -> Value {
    use sha2::Digest as _;
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let issues: Vec<Value> = resolve(files)
        .iter()
        .map(|r| {
            let text = r
                .file
                .source
                .get(r.d.span.clone())
                .unwrap_or_default()
                .trim();
            let key = format!("{}\u{0}{}\u{0}{}", r.file.path, r.d.code, text);
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            let digest = sha2::Sha256::digest(format!("{key}\u{0}{n}").as_bytes());
            let fingerprint: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
            let mut description = format!("{}: {}", r.d.code, r.d.message);
            if let Some(h) = &r.d.help {
                description.push_str(" (");
                description.push_str(h);
                description.push(')');
            }
            json!({
                "type": "issue",
                "check_name": r.d.code,
                "description": description,
                "categories": ["Style"],
                "fingerprint": fingerprint,
                "severity": match r.d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Note => "info",
                },
                "location": {
                    "path": r.file.path,
                    "lines": {"begin": r.line, "end": r.end_line},
                },
            })
        })
        .collect();
    Value::Array(issues)
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// rustc-style snippets, one per finding.
pub fn human(files: &[FileReport], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for f in files {
        let idx = LineIndex::new(&f.source);
        for d in &f.diagnostics {
            // Only the lines the finding points at go to the renderer, not the whole file:
            // a file with thousands of findings would otherwise be scanned once per finding.
            let same_file = d.related.iter().filter(|r| r.file.is_none());
            let spans: Vec<std::ops::Range<usize>> = std::iter::once(d.span.clone())
                .chain(same_file.clone().map(|r| r.span.clone()))
                .map(|r| clamp(&f.source, r))
                .collect();
            let lo = spans.iter().map(|r| r.start).min().unwrap_or(0);
            let hi = spans.iter().map(|r| r.end).max().unwrap_or(0);
            let from = f.source[..lo].rfind('\n').map_or(0, |i| i + 1);
            let to = f.source[hi..].find('\n').map_or(f.source.len(), |i| hi + i);
            let window = &f.source[from..to];
            let (first_line, _) = idx.line_col(from);
            let mut snippet = Snippet::source(window)
                .line_start(first_line)
                .path(f.path.as_str())
                .annotation(
                    AnnotationKind::Primary
                        .span(spans[0].start - from..spans[0].end - from)
                        .label(short_label(d)),
                );
            for (r, span) in same_file.zip(&spans[1..]) {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(span.start - from..span.end - from)
                        .label(r.message.as_str()),
                );
            }
            let title = level(d.severity)
                .primary_title(d.message.as_str())
                .id(d.code);
            // A file we could not read has no text to show: point at the file alone.
            let first = if f.source.is_empty() {
                title.element(annotate_snippets::Origin::path(f.path.as_str()))
            } else {
                title.element(snippet)
            };
            let mut group = vec![first];
            for r in d.related.iter() {
                if let Some(loc) = &r.file {
                    group.push(Group::with_title(Level::NOTE.secondary_title(format!(
                        "{}: {}:{}:{}",
                        r.message, loc.path, loc.line, loc.col
                    ))));
                }
            }
            if let Some(help) = &d.help {
                group.push(Group::with_title(
                    Level::HELP.secondary_title(help.as_str()),
                ));
            }
            out.push_str(&renderer.render(&group));
            out.push_str("\n\n");
        }
    }
    out
}

fn short_label(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "here",
        Severity::Warning => "here",
        Severity::Note => "",
    }
}

/// Keeps a span inside the text and on character boundaries (annotate-snippets needs both).
fn clamp(text: &str, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let s = fix(r.start);
    s..fix(r.end).max(s)
}

/// Escapes the message part of a workflow command.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (`file=`, `title=`).
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one per finding, plus a summary notice when there are
/// more findings than GitHub shows as annotations (10 per kind per step).
pub fn github(files: &[FileReport]) -> String {
    let mut out = String::new();
    let resolved = resolve(files);
    for r in &resolved {
        let cmd = match r.d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut msg = r.d.message.clone();
        if let Some(h) = &r.d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        let _ = writeln!(
            out,
            "::{cmd} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            gh_prop(&r.file.path),
            r.line,
            r.col,
            r.end_line,
            r.end_col,
            gh_prop(&format!("{} {}", r.d.code, rules::title(r.d.code))),
            gh_data(&msg)
        );
    }
    if resolved.len() > 10 {
        let c = Counts::of(files);
        let _ = writeln!(
            out,
            "::notice title=mdbook-polish summary::{}",
            gh_data(&format!(
                "{} in {} files. GitHub shows only the first 10 annotations of each kind; the full list is in this log.",
                c.sentence(),
                files.iter().filter(|f| !f.diagnostics.is_empty()).count()
            ))
        );
    }
    out
}

/// The stable JSON report (format version 1, documented in the guide).
pub fn json_report(files: &[FileReport]) -> Value {
    let diags: Vec<Value> = resolve(files)
        .iter()
        .map(|r| {
            let related: Vec<Value> = r
                .d
                .related
                .iter()
                .map(|rel| match &rel.file {
                    Some(loc) => json!({"file": loc.path, "line": loc.line, "column": loc.col, "message": rel.message}),
                    None => {
                        let (line, col) = LineIndex::new(&r.file.source).line_col(rel.span.start);
                        json!({"file": r.file.path, "line": line, "column": col, "message": rel.message})
                    }
                })
                .collect();
            json!({
                "code": r.d.code,
                "severity": r.d.severity,
                "file": r.file.path,
                "line": r.line,
                "column": r.col,
                "end_line": r.end_line,
                "end_column": r.end_col,
                "message": r.d.message,
                "help": r.d.help,
                "related": related,
            })
        })
        .collect();
    let c = Counts::of(files);
    json!({
        "version": 1,
        "tool": "mdbook-polish",
        "tool_version": crate::VERSION,
        "files_checked": files.len(),
        "summary": {"errors": c.errors, "warnings": c.warnings, "notes": c.notes},
        "diagnostics": diags,
    })
}

/// A SARIF 2.1.0 log. Columns are Unicode code points, declared with `columnKind`.
pub fn sarif(files: &[FileReport]) -> Value {
    let resolved = resolve(files);
    let mut used: Vec<&str> = resolved.iter().map(|r| r.d.code).collect();
    used.sort_unstable();
    used.dedup();
    let rule_objs: Vec<Value> = used
        .iter()
        .map(|code| {
            json!({
                "id": code,
                "name": rules::name(code),
                "shortDescription": {"text": rules::title(code)},
                "helpUri": format!("https://docs.rs/mdbook-polish/{}/mdbook_polish/rules/index.html", crate::VERSION),
            })
        })
        .collect();
    let location = |path: &str, l: usize, c: usize, el: usize, ec: usize| {
        json!({"physicalLocation": {
            "artifactLocation": {"uri": uri_path(path)},
            "region": {"startLine": l, "startColumn": c, "endLine": el, "endColumn": ec}
        }})
    };
    let results: Vec<Value> = resolved
        .iter()
        .map(|r| {
            let mut text = r.d.message.clone();
            if let Some(h) = &r.d.help {
                text.push_str(" (");
                text.push_str(h);
                text.push(')');
            }
            let related: Vec<Value> = r
                .d
                .related
                .iter()
                .enumerate()
                .map(|(i, rel)| {
                    let (path, l, c) = match &rel.file {
                        Some(loc) => (loc.path.clone(), loc.line, loc.col),
                        None => {
                            let (l, c) = LineIndex::new(&r.file.source).line_col(rel.span.start);
                            (r.file.path.clone(), l, c)
                        }
                    };
                    let mut loc = location(&path, l, c, l, c);
                    loc["id"] = json!(i + 1);
                    loc["message"] = json!({"text": rel.message});
                    loc
                })
                .collect();
            let mut res = json!({
                "ruleId": r.d.code,
                "ruleIndex": used.iter().position(|c| *c == r.d.code).unwrap_or(0),
                "level": match r.d.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Note => "note" },
                "message": {"text": text},
                "locations": [location(&r.file.path, r.line, r.col, r.end_line, r.end_col)],
            });
            if !related.is_empty() {
                res["relatedLocations"] = Value::Array(related);
            }
            res
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mdbook-polish",
                "version": crate::VERSION,
                "informationUri": "https://crates.io/crates/mdbook-polish",
                "rules": rule_objs,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// SARIF wants URIs: forward slashes, and percent-escapes for characters that are not allowed.
fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two files with findings (one has hostile text for XML) and a clean one.
    fn formats_sample() -> Vec<FileReport> {
        let a = "---\nlocale: en_us\n---\nbad \u{1}<b>&\"x\"\n";
        let at = |pat: &str| a.find(pat).unwrap();
        vec![
            FileReport {
                path: "docs/a&b.md".into(),
                source: a.into(),
                diagnostics: vec![
                    Diagnostic::error("PL202", at("en_us")..at("en_us") + 5, "not `en_us` <x>")
                        .with_help("did you mean `en-us`?"),
                    Diagnostic::warning("PL401", at("bad")..at("bad") + 3, "odd \u{1} & <b>"),
                ],
            },
            FileReport {
                path: "docs/clean.md".into(),
                source: "# ok\n".into(),
                diagnostics: vec![],
            },
        ]
    }

    /// The JUnit report parses as XML, has the element and attribute shape Jenkins' and
    /// GitLab's readers take, counts agree at every level, and `deny` decides what fails.
    #[test]
    fn junit_is_well_formed_counts_agree_and_deny_decides_failures() {
        for (deny, want_failures) in [(Severity::Error, 1), (Severity::Warning, 2)] {
            let xml = junit(&formats_sample(), deny);
            let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "testsuites");
            let count = |n: roxmltree::Node<'_, '_>, a: &str| -> usize {
                n.attribute(a)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(usize::MAX)
            };
            let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
            assert_eq!(suites.len(), 2);
            let (mut tests, mut failures) = (0, 0);
            for suite in &suites {
                assert_eq!(suite.tag_name().name(), "testsuite");
                for a in ["name", "tests", "failures", "errors", "skipped", "time"] {
                    assert!(suite.has_attribute(a), "{a} on {suite:?}");
                }
                let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
                assert!(cases.iter().all(|c| c.tag_name().name() == "testcase"
                    && c.has_attribute("name")
                    && c.has_attribute("classname")));
                let failed = cases
                    .iter()
                    .filter(|c| c.children().any(|k| k.tag_name().name() == "failure"))
                    .count();
                assert_eq!(count(*suite, "tests"), cases.len());
                assert_eq!(count(*suite, "failures"), failed);
                tests += cases.len();
                failures += failed;
            }
            assert_eq!(
                (count(root, "tests"), count(root, "failures")),
                (3, failures)
            );
            assert_eq!((tests, failures), (3, want_failures));
            // Text survives escaping; the control character is named, not dropped or raw.
            assert_eq!(suites[0].attribute("name"), Some("docs/a&b.md"));
            let failure = doc
                .descendants()
                .find(|n| n.tag_name().name() == "failure")
                .unwrap();
            assert_eq!(failure.attribute("message"), Some("not `en_us` <x>"));
            assert!(
                failure
                    .text()
                    .unwrap()
                    .contains("docs/a&b.md:2:9: error[PL202]")
            );
            assert!(
                failure
                    .text()
                    .unwrap()
                    .contains("help: did you mean `en-us`?")
            );
            assert!(xml.contains("U+0001") && !xml.contains('\u{1}'));
            assert_eq!(suites[1].children().filter(|n| n.is_element()).count(), 1);
        }
    }

    /// GitLab Code Quality: the fields GitLab requires, severities it knows, and fingerprints
    /// that are unique, stable when lines move, and new when the text changes.
    #[test]
    fn gitlab_issues_have_stable_unique_fingerprints() {
        let issues = gitlab(&formats_sample());
        let list = issues.as_array().unwrap();
        assert_eq!(list.len(), 2);
        for i in list {
            for k in ["description", "check_name", "fingerprint", "severity"] {
                assert!(i[k].is_string(), "{k}: {i}");
            }
            assert!(
                ["info", "minor", "major", "critical", "blocker"]
                    .contains(&i["severity"].as_str().unwrap())
            );
            assert!(i["location"]["path"].is_string() && i["location"]["lines"]["begin"].is_u64());
        }
        assert_eq!(list[0]["location"]["lines"]["begin"], 2);
        let fp = |files: &[FileReport]| -> Vec<String> {
            gitlab(files)
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["fingerprint"].as_str().unwrap().to_string())
                .collect()
        };
        let before = fp(&formats_sample());
        assert_ne!(before[0], before[1]);
        // Two lines inserted above: same fingerprints.
        let mut moved = formats_sample();
        moved[0].source = format!("\n\n{}", moved[0].source);
        for d in &mut moved[0].diagnostics {
            d.span = d.span.start + 2..d.span.end + 2;
        }
        assert_eq!(fp(&moved), before);
        // Two identical findings get two fingerprints.
        let mut twice = formats_sample();
        let d = twice[0].diagnostics[1].clone();
        twice[0].diagnostics.push(d);
        let fps = fp(&twice);
        assert_eq!(fps.len(), 3);
        assert_ne!(fps[1], fps[2]);
    }

    #[test]
    fn sparse_source_keeps_positions_of_what_it_points_at() {
        // Lines of several lengths and scripts, CRLF, a last line without a newline.
        let lines = [
            "---",
            "guid: 01",
            "---",
            "",
            "# Titre",
            "Letâ€™s go",
            "ça marche\r",
            "日本語のテキスト",
            "",
            "| a | b |",
            "|-|-|",
            "| c | d |",
            "end",
        ];
        let source = lines.join("\n");
        let full = LineIndex::new(&source);
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n.max(1)
        };
        for round in 0..300 {
            let spans: Vec<std::ops::Range<usize>> = (0..1 + round % 4)
                .map(|_| {
                    let mut a = next(source.len() + 1);
                    while !source.is_char_boundary(a) {
                        a -= 1;
                    }
                    let mut b = (a + next(24)).min(source.len());
                    while !source.is_char_boundary(b) {
                        b -= 1;
                    }
                    a..b
                })
                .collect();
            let sparse = SparseSource::new(&source, spans.iter().cloned());
            let cut = LineIndex::new(&sparse.text);
            // Every line break stays, so every line keeps its number.
            assert_eq!(
                sparse.text.matches('\n').count(),
                source.matches('\n').count(),
                "{spans:?}"
            );
            for r in &spans {
                let m = sparse.map_span(r);
                assert_eq!(
                    cut.line_col(m.start),
                    full.line_col(r.start),
                    "{r:?} {spans:?}"
                );
                assert_eq!(cut.line_col(m.end), full.line_col(r.end), "{r:?} {spans:?}");
                assert_eq!(sparse.text.get(m.clone()), source.get(r.clone()), "{r:?}");
            }
        }
        // Only the touched lines are kept.
        let at = source.find("ça").unwrap();
        let sparse = SparseSource::new(&source, std::iter::once(at..at + 3));
        assert_eq!(sparse.text.trim_matches('\n'), "ça marche\r");
        assert_eq!(
            SparseSource::new(&source, []).text,
            "\n".repeat(lines.len() - 1)
        );
    }

    fn sample() -> Vec<FileReport> {
        vec![FileReport {
            path: "src/a, b:c%.md".into(),
            source: "---\nkéy: vålue\n---\n".into(),
            diagnostics: vec![
                Diagnostic::error("PL203", 4..8, "unknown key `kéy`\nsecond line")
                    .with_help("did you mean `key`?"),
            ],
        }]
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let out = github(&sample());
        assert_eq!(
            out.lines().next().unwrap(),
            format!(
                "::error file=src/a%2C b%3Ac%25.md,line=2,col=1,endLine=2,endColumn=4,title=PL203 {}::unknown key `kéy`%0Asecond line%0Ahelp: did you mean `key`?",
                gh_prop(rules::title("PL203"))
            )
        );
    }

    #[test]
    fn json_and_sarif_have_positions_in_characters() {
        let j = json_report(&sample());
        assert_eq!(j["diagnostics"][0]["line"], 2);
        assert_eq!(j["diagnostics"][0]["end_column"], 4);
        assert_eq!(j["summary"]["errors"], 1);
        let s = sarif(&sample());
        let r = &s["runs"][0]["results"][0];
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            2
        );
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "src/a%2C%20b%3Ac%25.md"
        );
        assert_eq!(s["runs"][0]["columnKind"], "unicodeCodePoints");
    }

    #[test]
    fn human_names_file_line_col() {
        let out = human(&sample(), false);
        assert!(out.contains("src/a, b:c%.md:2:1"), "{out}");
        assert!(out.contains("PL203"), "{out}");
        assert!(out.contains("did you mean `key`?"), "{out}");
    }
}
