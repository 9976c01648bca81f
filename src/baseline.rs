//! Baselines: the findings a team accepts for now, so that `check` fails only on new ones.
//!
//! Owns what a baseline entry is keyed on, its file format, and matching reports against it.
//! Everything here is pure except [`load`] and [`save`]; how a report's displayed path becomes
//! a file key is passed in by the driver (it knows the folder the command ran from), so the
//! module does not depend on any driver.
//!
//! An entry is keyed on the file (relative to the baseline's folder, `/` separators), the rule
//! id and the text the finding points at, whitespace-normalised, never on a line number: a
//! baselined finding stays baselined when lines are added above it or it is re-indented, and
//! becomes new as soon as its text changes. The message is stored for people reading the file
//! but is not part of the key: messages are reworded between versions and most of them quote
//! the text that is already keyed. Identical findings share one entry with a count, and are
//! matched as a multiset: an entry counted 2 absorbs two of three identical findings.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::report::FileReport;

/// The format version this build reads and writes.
pub const VERSION: u64 = 1;

/// Texts longer than this many characters are shortened in the file (see [`finding_text`]).
const MAX_TEXT_CHARS: usize = 160;
/// How many characters of a long text are kept before its digest.
const KEPT_TEXT_CHARS: usize = 100;

/// What an entry is matched on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key {
    file: String,
    rule: String,
    text: String,
}

/// One accepted finding (or several identical ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file, relative to the baseline file's folder, with `/` separators.
    pub file: String,
    /// The rule id, e.g. `PL203`.
    pub rule: String,
    /// The text the finding points at, whitespace-normalised (see [`finding_text`]).
    pub text: String,
    /// How many identical findings this entry accepts.
    #[serde(default = "one")]
    pub count: usize,
    /// The finding's message when it was recorded, for people reading the file. Not matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

fn one() -> usize {
    1
}

impl Entry {
    fn key(&self) -> Key {
        Key {
            file: self.file.clone(),
            rule: self.rule.clone(),
            text: self.text.clone(),
        }
    }
}

/// The file as written: a version and the sorted entries. No tool version or date, so that a
/// baseline only changes in a diff when findings do.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u64,
    entries: Vec<Entry>,
}

/// The `version` of a baseline file, read without building its entries.
struct Head(Option<serde_json::Value>);

impl<'de> Deserialize<'de> for Head {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Head;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object written by --write-baseline")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Head, A::Error> {
                let mut version = None;
                while let Some(key) = m.next_key::<String>()? {
                    if key == "version" {
                        version = Some(m.next_value()?);
                    } else {
                        m.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(Head(version))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// A set of accepted findings: entries sorted by file, rule and text, one per key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: Vec<Entry>,
}

/// What matching reports against a baseline found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// How many findings the baseline removed from the reports.
    pub baselined: usize,
    /// Entries (with the count that was not found) for findings that no longer occur.
    pub stale: Vec<Entry>,
    /// The baseline without what is stale: entries with the count that was found, and entries
    /// of files this run did not check but which still exist, unchanged. Writing it shrinks a
    /// baseline without accepting anything new.
    pub still: Baseline,
}

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BaselineError {
    /// The file does not exist.
    #[error(
        "baseline file {} does not exist (write it with `--write-baseline {}`)",
        .0.display(),
        .0.display()
    )]
    Missing(PathBuf),
    /// The file could not be read or written.
    #[error("could not {action} baseline file {}: {error}", .path.display())]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause (not a `source`: the message already says it).
        error: std::io::Error,
    },
    /// The file is not a baseline this version understands.
    #[error("{} is not a valid baseline file: {detail}", .path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong, with a line and column where there is one.
        detail: String,
    },
}

impl Baseline {
    /// Records every finding of `files`. `file_key` turns a report's displayed path into the
    /// key stored for it (see [`relative_key`]).
    pub fn from_reports(files: &[FileReport], mut file_key: impl FnMut(&str) -> String) -> Self {
        let mut map: BTreeMap<Key, (usize, String)> = BTreeMap::new();
        for f in files.iter().filter(|f| !f.diagnostics.is_empty()) {
            let file = file_key(&f.path);
            for d in &f.diagnostics {
                let key = Key {
                    file: file.clone(),
                    rule: d.code.to_string(),
                    text: finding_text(&f.source, &d.span),
                };
                let slot = map.entry(key).or_insert((0, d.message.clone()));
                slot.0 += 1;
                // Identical findings may word their messages differently (a count, a quoted
                // value); keep the smallest so the file does not depend on their order.
                if d.message < slot.1 {
                    slot.1.clone_from(&d.message);
                }
            }
        }
        Baseline {
            entries: map
                .into_iter()
                .map(|(k, (count, message))| Entry {
                    file: k.file,
                    rule: k.rule,
                    text: k.text,
                    count,
                    message: Some(message),
                })
                .collect(),
        }
    }

    /// Builds a baseline from entries in any order, merging entries with the same key.
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Self {
        let mut map: BTreeMap<Key, Entry> = BTreeMap::new();
        for e in entries {
            match map.entry(e.key()) {
                std::collections::btree_map::Entry::Occupied(mut o) => o.get_mut().count += e.count,
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(e);
                }
            }
        }
        Baseline {
            entries: map.into_values().filter(|e| e.count > 0).collect(),
        }
    }

    /// The entries, sorted by file, rule and text.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// How many findings the baseline accepts in all (the sum of the counts).
    pub fn findings(&self) -> usize {
        self.entries.iter().map(|e| e.count).sum()
    }

    /// The same entries with their file keys rewritten by `f` (for a baseline written to
    /// another folder than the one it was read from).
    pub fn rebase(self, mut f: impl FnMut(&str) -> String) -> Self {
        Baseline::from_entries(self.entries.into_iter().map(|mut e| {
            e.file = f(&e.file);
            e
        }))
    }

    /// The file's text: pretty JSON, one field per line, entries sorted, a final newline. The
    /// same findings always give the same bytes.
    pub fn to_json(&self) -> String {
        let file = BaselineFile {
            version: VERSION,
            entries: self.entries.clone(),
        };
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
    }

    /// Reads a baseline's text; `path` is only for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, BaselineError> {
        let malformed = |detail: String| BaselineError::Malformed {
            path: path.to_path_buf(),
            detail,
        };
        // The version is checked before the shape, so that a file from a newer version says
        // so instead of failing on a field this version does not know. This first pass skips
        // the entries without building them.
        let head: Head = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
        match head.0 {
            Some(v) if v.as_u64() == Some(VERSION) => {}
            Some(v) => {
                return Err(malformed(format!(
                    "version {v} is not supported (this mdbook-polish reads version {VERSION})"
                )));
            }
            None => return Err(malformed("no `version` field".into())),
        }
        let file: BaselineFile =
            serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
        if let Some(e) = file.entries.iter().find(|e| e.count == 0) {
            return Err(malformed(format!(
                "the entry for {} {} has count 0 (remove it instead)",
                e.file, e.rule
            )));
        }
        Ok(Baseline::from_entries(file.entries))
    }

    /// Removes from `files` every finding an entry accepts and says what was not found.
    ///
    /// `file_key` is the same mapping the baseline was written with. An entry is stale when
    /// its file was checked in this run and has fewer such findings than the entry's count, or
    /// when its file was not checked and `exists` says it is gone; entries of other files are
    /// left alone, so checking part of a tree does not report the rest as fixed. Of several
    /// identical findings, the first ones in the file are the accepted ones.
    pub fn filter(
        &self,
        files: &mut [FileReport],
        mut file_key: impl FnMut(&str) -> String,
        exists: impl Fn(&str) -> bool,
    ) -> Outcome {
        let mut left: HashMap<Key, usize> =
            self.entries.iter().map(|e| (e.key(), e.count)).collect();
        let mut checked: HashSet<String> = HashSet::new();
        let mut baselined = 0;
        for f in files.iter_mut() {
            let file = file_key(&f.path);
            if !f.diagnostics.is_empty() {
                let source = &f.source;
                f.diagnostics.retain(|d| {
                    let key = Key {
                        file: file.clone(),
                        rule: d.code.to_string(),
                        text: finding_text(source, &d.span),
                    };
                    match left.get_mut(&key) {
                        Some(n) if *n > 0 => {
                            *n -= 1;
                            baselined += 1;
                            false
                        }
                        _ => true,
                    }
                });
            }
            checked.insert(file);
        }
        let mut stale = Vec::new();
        let mut still = Vec::new();
        for e in &self.entries {
            let missing = left.get(&e.key()).copied().unwrap_or(0);
            if checked.contains(&e.file) {
                if missing > 0 {
                    stale.push(Entry {
                        count: missing,
                        ..e.clone()
                    });
                }
                if e.count > missing {
                    still.push(Entry {
                        count: e.count - missing,
                        ..e.clone()
                    });
                }
            } else if exists(&e.file) {
                still.push(e.clone());
            } else {
                stale.push(e.clone());
            }
        }
        Outcome {
            baselined,
            stale,
            still: Baseline::from_entries(still),
        }
    }
}

/// The text an entry keys a finding on: the source under its span with every run of
/// whitespace made one space and the ends trimmed, so re-indenting or re-wrapping does not
/// make a finding new. A span that covers no text (a missing key, a file-level finding) is
/// keyed on its line instead. A text longer than 160 characters (a whole table, a front matter
/// block) keeps its first 100 and a digest of all of it, so the file stays readable and an
/// edit anywhere in the text still makes the finding new.
pub fn finding_text(source: &str, span: &Range<usize>) -> String {
    let start = floor_char_boundary(source, span.start);
    let end = floor_char_boundary(source, span.end).max(start);
    let mut text = normalise(source.get(start..end).unwrap_or_default());
    if text.is_empty() {
        let from = source
            .get(..start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let to = source
            .get(start..)
            .and_then(|s| s.find('\n'))
            .map_or(source.len(), |i| start + i);
        text = normalise(source.get(from..to).unwrap_or_default());
    }
    if text.chars().count() <= MAX_TEXT_CHARS {
        return text;
    }
    use sha2::Digest as _;
    let digest: String = sha2::Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let head: String = text.chars().take(KEPT_TEXT_CHARS).collect();
    format!("{head}… sha256:{digest}")
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `path` relative to the folder `base`, with `/` separators, after resolving `.` and `..` in
/// both without touching the file system. Both should be absolute; a path on another drive
/// (Windows) has no relative form and is returned whole.
pub fn relative_key(path: &Path, base: &Path) -> String {
    let path = lexical(path);
    let base = lexical(base);
    let (p, b): (Vec<Component<'_>>, Vec<Component<'_>>) =
        (path.components().collect(), base.components().collect());
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let rooted = |c: &[Component<'_>]| {
        c.first()
            .is_some_and(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
    };
    if common == 0 && (rooted(&p) || rooted(&b)) {
        return join_slash(p.iter());
    }
    let ups = b.len() - common;
    let parts: Vec<String> = std::iter::repeat_n("..".to_string(), ups)
        .chain(
            p[common..]
                .iter()
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        )
        .collect();
    parts.join("/")
}

/// A key written relative to `from` rewritten relative to `to` (both absolute folders).
pub fn rekey(key: &str, from: &Path, to: &Path) -> String {
    relative_key(&from.join(key), to)
}

fn join_slash<'a>(parts: impl Iterator<Item = &'a Component<'a>>) -> String {
    let mut out = String::new();
    for c in parts {
        match c {
            Component::RootDir => out.push('/'),
            c => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&c.as_os_str().to_string_lossy());
            }
        }
    }
    out.replace('\\', "/")
}

/// Resolves `.` and `..` by position; `..` above the root stays at the root.
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// Reads the baseline at `path`.
pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => BaselineError::Missing(path.to_path_buf()),
        std::io::ErrorKind::InvalidData => BaselineError::Malformed {
            path: path.to_path_buf(),
            detail: "it is not UTF-8 text".into(),
        },
        _ => BaselineError::Io {
            action: "read",
            path: path.to_path_buf(),
            error: e,
        },
    })?;
    Baseline::parse(&text, path)
}

/// Writes `baseline` to `path` atomically (a temporary file in the same folder, renamed), so
/// an interrupted run never leaves half a baseline behind.
pub fn save(baseline: &Baseline, path: &Path) -> Result<(), BaselineError> {
    let io = |error: std::io::Error| BaselineError::Io {
        action: "write",
        path: path.to_path_buf(),
        error,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        )));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".polish-baseline");
    // A temporary file is private (0600); a baseline is committed and read by others, so it
    // gets the mode a new file would (0666 less the umask), or the one it already had.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // The temporary file's own error names its random name: say only what went wrong.
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| io(std::io::Error::from(e.kind())))?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(io)?;
    }
    std::io::Write::write_all(&mut tmp, baseline.to_json().as_bytes()).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;

    /// A report on `path` with one finding of `code` on each `needle` (its first occurrence
    /// at or after the previous one's end).
    fn report(path: &str, source: &str, findings: &[(&'static str, &str)]) -> FileReport {
        let mut at = 0;
        let diagnostics = findings
            .iter()
            .map(|(code, needle)| {
                let start = at + source[at..].find(needle).expect("needle in source");
                at = start + needle.len();
                Diagnostic::error(code, start..at, format!("{code} on `{needle}`"))
            })
            .collect();
        FileReport {
            path: path.into(),
            source: source.into(),
            diagnostics,
        }
    }

    fn same(p: &str) -> String {
        p.to_string()
    }

    fn codes(files: &[FileReport]) -> Vec<(String, &'static str, String)> {
        files
            .iter()
            .flat_map(|f| {
                f.diagnostics
                    .iter()
                    .map(|d| (f.path.clone(), d.code, f.source[d.span.clone()].to_string()))
            })
            .collect()
    }

    const PAGE: &str = "---\nsummary: ok\nlocale: en_us\n---\n\n# Title\n\nLetâ€™s go.\n";

    #[test]
    fn moved_and_reindented_lines_still_match() {
        let before = [report(
            "docs/a.md",
            PAGE,
            &[("PL203", "locale: en_us"), ("PL301", "Letâ€™s")],
        )];
        let base = Baseline::from_reports(&before, same);
        let moved = "---\nsummary: ok\nextra: 1\n  locale:   en_us\n---\n\nNew intro.\n\n\n# Title\n\nSo, Letâ€™s go.\n";
        let mut after = [report(
            "docs/a.md",
            moved,
            &[("PL203", "locale:   en_us"), ("PL301", "Letâ€™s")],
        )];
        let out = base.filter(&mut after, same, |_| true);
        assert_eq!(out.baselined, 2);
        assert!(codes(&after).is_empty(), "{:?}", codes(&after));
        assert!(out.stale.is_empty());
        assert_eq!(out.still, base);
    }

    #[test]
    fn edited_text_is_new_and_the_old_entry_stale() {
        let base =
            Baseline::from_reports(&[report("a.md", PAGE, &[("PL203", "locale: en_us")])], same);
        let edited = PAGE.replace("en_us", "en_gb_");
        let mut after = [report("a.md", &edited, &[("PL203", "locale: en_gb_")])];
        let out = base.filter(&mut after, same, |_| true);
        assert_eq!(out.baselined, 0);
        assert_eq!(
            codes(&after),
            [("a.md".into(), "PL203", "locale: en_gb_".into())]
        );
        assert_eq!(out.stale.len(), 1);
        assert_eq!(out.stale[0].text, "locale: en_us");
        assert!(out.still.entries().is_empty());
        // The same rule on the same text in another file is new too.
        let mut other = [report("b.md", PAGE, &[("PL203", "locale: en_us")])];
        let out = base.filter(&mut other, same, |_| true);
        assert_eq!(out.baselined, 0);
        assert_eq!(codes(&other).len(), 1);
        // And another rule on the same text.
        let mut rule = [report("a.md", PAGE, &[("PL204", "locale: en_us")])];
        assert_eq!(base.filter(&mut rule, same, |_| true).baselined, 0);
    }

    #[test]
    fn identical_findings_are_counted_as_a_multiset() {
        let three = "x\nLetâ€™s\ny\nLetâ€™s\nz\nLetâ€™s\n";
        let two = report("a.md", "Letâ€™s\n\nLetâ€™s\n", &[("PL301", "Letâ€™s"); 2]);
        let base = Baseline::from_reports(&[two], same);
        assert_eq!(base.entries().len(), 1);
        assert_eq!(base.entries()[0].count, 2);
        let mut after = [report("a.md", three, &[("PL301", "Letâ€™s"); 3])];
        let out = base.filter(&mut after, same, |_| true);
        assert_eq!(out.baselined, 2);
        // The last one is reported.
        assert_eq!(after[0].diagnostics.len(), 1);
        assert_eq!(
            after[0].diagnostics[0].span.start,
            three.rfind('L').unwrap()
        );
        assert!(out.stale.is_empty());
        // One left of two: the entry is stale by one, and the kept baseline counts one.
        let mut fewer = [report("a.md", "Letâ€™s\n", &[("PL301", "Letâ€™s")])];
        let out = base.filter(&mut fewer, same, |_| true);
        assert_eq!(out.baselined, 1);
        assert_eq!(out.stale.len(), 1);
        assert_eq!(out.stale[0].count, 1);
        assert_eq!(out.still.entries()[0].count, 1);
    }

    #[test]
    fn stale_entries_only_for_checked_or_missing_files() {
        let base = Baseline::from_reports(
            &[
                report("a.md", PAGE, &[("PL203", "locale: en_us")]),
                report("b.md", PAGE, &[("PL203", "locale: en_us")]),
                report("gone.md", PAGE, &[("PL301", "Letâ€™s")]),
            ],
            same,
        );
        // Only a.md is checked, and it is clean now; b.md exists, gone.md does not.
        let mut files = [report("a.md", "# Fixed\n", &[])];
        let out = base.filter(&mut files, same, |f| f != "gone.md");
        let stale: Vec<&str> = out.stale.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(stale, ["a.md", "gone.md"]);
        let still: Vec<&str> = out
            .still
            .entries()
            .iter()
            .map(|e| e.file.as_str())
            .collect();
        assert_eq!(still, ["b.md"]);
    }

    #[test]
    fn empty_spans_key_on_their_line_and_long_texts_on_a_digest() {
        let src = "a\n  # Title  \nb";
        let at = src.find('#').unwrap();
        assert_eq!(finding_text(src, &(at..at)), "# Title");
        assert_eq!(finding_text(src, &(2..2)), "# Title");
        assert_eq!(finding_text("", &(0..0)), "");
        // Out of range and inside a character: no panic.
        assert_eq!(finding_text("é", &(1..9)), "é");
        let long = format!("| {} |", "word ".repeat(60));
        let t = finding_text(&long, &(0..long.len()));
        assert!(t.chars().count() < MAX_TEXT_CHARS, "{t}");
        assert!(t.contains("sha256:"), "{t}");
        let edited = long.replacen("word", "w0rd", 59);
        assert_ne!(finding_text(&edited, &(0..edited.len())), t);
        assert_eq!(
            finding_text(&format!("\n{long}\n"), &(1..long.len() + 1)),
            t
        );
    }

    #[test]
    fn paths_are_relative_to_the_baseline_folder_with_slashes() {
        let root = if cfg!(windows) { "C:\\w" } else { "/w" };
        let p = |s: &str| Path::new(root).join(s);
        assert_eq!(relative_key(&p("book/src/a.md"), &p("book")), "src/a.md");
        assert_eq!(
            relative_key(&p("book/./src/../src/a.md"), &p("book/.")),
            "src/a.md"
        );
        assert_eq!(relative_key(&p("docs/a.md"), &p("book")), "../docs/a.md");
        assert_eq!(relative_key(&p("a.md"), &p("x/y")), "../../a.md");
        assert_eq!(rekey("src/a.md", &p("book"), &p(".")), "book/src/a.md");
        assert_eq!(rekey("../docs/a.md", &p("book"), &p("docs")), "a.md");
        // The same file seen from two working folders gets one key.
        let from_root = relative_key(&p("").join("book/src/a.md"), &p("book"));
        let from_src = relative_key(&p("book/src").join("./a.md"), &p("book"));
        assert_eq!(from_root, from_src);
    }

    #[test]
    fn the_file_is_sorted_stable_and_round_trips() {
        let files = [
            report(
                "b.md",
                PAGE,
                &[("PL203", "locale: en_us"), ("PL301", "Letâ€™s")],
            ),
            report("a.md", PAGE, &[("PL203", "locale: en_us")]),
        ];
        let base = Baseline::from_reports(&files, same);
        let json = base.to_json();
        let order: Vec<(&str, &str)> = base
            .entries()
            .iter()
            .map(|e| (e.file.as_str(), e.rule.as_str()))
            .collect();
        assert_eq!(
            order,
            [("a.md", "PL203"), ("b.md", "PL203"), ("b.md", "PL301")]
        );
        assert!(
            json.starts_with("{\n  \"version\": 1,\n  \"entries\": [\n"),
            "{json}"
        );
        assert!(json.ends_with("}\n"));
        let back = Baseline::parse(&json, Path::new("b.json")).unwrap();
        assert_eq!(back, base);
        assert_eq!(back.to_json(), json);
        // Same findings in another order: same bytes.
        let mut reversed = files.clone();
        reversed.reverse();
        assert_eq!(Baseline::from_reports(&reversed, same).to_json(), json);
        // Hand-written entries: count defaults to 1, duplicates add up, no message needed.
        let hand = r#"{"version": 1, "entries": [
            {"file": "a.md", "rule": "PL203", "text": "x"},
            {"file": "a.md", "rule": "PL203", "text": "x", "count": 2}]}"#;
        let b = Baseline::parse(hand, Path::new("h.json")).unwrap();
        assert_eq!(b.entries().len(), 1);
        assert_eq!(b.findings(), 3);
    }

    #[test]
    fn malformed_files_name_the_path_and_the_problem() {
        let err = |text: &str| {
            Baseline::parse(text, Path::new("ci/baseline.json"))
                .unwrap_err()
                .to_string()
        };
        for (text, says) in [
            ("", "EOF while parsing"),
            ("{\"version\": 1, \"entries\": [", "line 1"),
            ("[]", "expected a JSON object written by --write-baseline"),
            ("{\"entries\": []}", "no `version`"),
            (
                "{\"version\": 2, \"entries\": []}",
                "version 2 is not supported",
            ),
            ("{\"version\": \"1\", \"entries\": []}", "not supported"),
            ("{\"version\": 1}", "missing field `entries`"),
            (
                "{\"version\": 1, \"entries\": [{\"file\": \"a\", \"rule\": \"PL1\", \"txt\": \"x\"}]}",
                "unknown field `txt`",
            ),
            (
                "{\"version\": 1, \"entries\": [{\"file\": \"a\", \"rule\": \"PL1\", \"text\": \"x\", \"count\": 0}]}",
                "count 0",
            ),
            (
                "{\"version\": 1, \"entries\": [{\"file\": \"a\", \"rule\": \"PL1\", \"text\": \"x\", \"count\": -1}]}",
                "invalid value",
            ),
        ] {
            let e = err(text);
            assert!(e.contains("ci/baseline.json"), "{text}: {e}");
            assert!(e.contains(says), "{text}: {e}");
        }
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.json");
        assert!(matches!(load(&missing), Err(BaselineError::Missing(_))));
        std::fs::write(&missing, b"\xff\xfe{").unwrap();
        assert!(matches!(
            load(&missing),
            Err(BaselineError::Malformed { .. })
        ));
    }

    #[test]
    fn save_then_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let base =
            Baseline::from_reports(&[report("a.md", PAGE, &[("PL203", "locale: en_us")])], same);
        save(&base, &path).unwrap();
        assert_eq!(load(&path).unwrap(), base);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            // Readable by others, like any new file (not a temporary file's 0600)...
            assert_ne!(mode(&path) & 0o044, 0, "{:o}", mode(&path));
            // ...and a rewrite keeps the mode the file has.
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
            save(&Baseline::default(), &path).unwrap();
            assert_eq!(mode(&path), 0o640);
        }
    }
}
