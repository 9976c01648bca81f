//! Text that mdBook's `{{#include}}` links put into a chapter: the directives in a source, the
//! files they name, and where a finding in the expanded chapter came from.
//!
//! The preprocessor runs after mdBook's `links` preprocessor, so a chapter reaches it with
//! every `{{#include file.md}}` already replaced by the file's text. A finding there would
//! otherwise be reported at a line of the *expanded* chapter, which is neither the chapter's
//! line nor the snippet's, and `check`/`fix` (which read sources) would never see the
//! snippet. This module lets both ends agree: [`IncludeMap`] maps an offset of the expanded
//! chapter back to the source or to the included file and line, and [`included_files`] lists
//! the files a chapter pulls in as prose, for `check` and `fix` to cover.
//!
//! Directives are found with mdBook's own pattern (the `links` preprocessor in
//! `mdbook-driver` 0.5), so the same text counts as a link here and there. The expansion of a
//! directive is not recomputed (line ranges, anchors, `rustdoc_include`'s hidden lines and
//! nested includes would mean re-implementing that preprocessor): the map aligns the text
//! *between* directives, which the expansion leaves as it was, and a finding inside expanded
//! text is placed by finding its line in the included file.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::markdown::pulldown_cmark::{Event, Tag, TagEnd};
use crate::markdown::{ParseOptions, parser};

/// mdBook's nesting limit for includes inside included files.
const MAX_DEPTH: usize = 10;

/// One `{{#...}}` link in a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The whole directive, braces included.
    pub range: Range<usize>,
    /// The file it reads, as written (relative to the including file's folder), for
    /// `include`, `rustdoc_include` and `playground`; `None` for `title` and escaped links.
    pub path: Option<String>,
}

fn pattern() -> &'static Regex {
    static LINK: OnceLock<Regex> = OnceLock::new();
    // The pattern of mdBook 0.5's links preprocessor: an escaped link (`\{{#...}}`, the rest
    // of the line up to its last `}}`), or `{{#type target props}}`.
    LINK.get_or_init(|| {
        Regex::new(r"\\\{\{\#.*\}\}|\{\{\s*\#([a-zA-Z0-9_]+)\s+([^}]+)\}\}")
            .unwrap_or_else(|e| unreachable!("constant pattern: {e}"))
    })
}

/// Every link mdBook's `links` preprocessor would replace in `text`, in order. Unknown link
/// types are left in the text by mdBook, so they are not listed.
pub fn directives(text: &str) -> Vec<Directive> {
    // Most chapters have none: skip the regex engine for them.
    if memchr::memmem::find(text.as_bytes(), b"{{").is_none() {
        return Vec::new();
    }
    pattern()
        .captures_iter(text)
        .filter_map(|cap| {
            let whole = cap.get(0)?;
            let range = whole.range();
            if whole.as_str().starts_with('\\') {
                return Some(Directive { range, path: None });
            }
            let kind = cap.get(1)?.as_str();
            let target = cap.get(2)?.as_str();
            let path = match kind {
                "title" => None,
                "include" | "rustdoc_include" => {
                    let file = target.split_whitespace().next()?;
                    Some(file.split(':').next().unwrap_or(file).to_string())
                }
                "playground" | "playpen" => Some(target.split_whitespace().next()?.to_string()),
                _ => return None,
            };
            Some(Directive { range, path })
        })
        .collect()
}

/// The files `text` (the file at `path`) includes outside code, resolved against its folder,
/// and the files those include, to mdBook's nesting limit; each once.
/// A directive inside a code block or code span pulls in code, which no job repairs or
/// converts; one in prose pulls in text that the build checks like the chapter's own.
/// `read` returns a file's text (`None` when it cannot be read: mdBook reports that itself).
pub fn included_files(
    path: &Path,
    text: &str,
    parse: ParseOptions,
    read: &mut dyn FnMut(&Path) -> Option<String>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut queue: Vec<(PathBuf, String, usize)> = vec![(path.to_path_buf(), text.to_string(), 0)];
    while let Some((file, text, depth)) = queue.pop() {
        if depth >= MAX_DEPTH {
            continue;
        }
        let dir = file.parent().unwrap_or(Path::new(""));
        for d in prose_directives(&text, parse) {
            let Some(rel) = &d.path else { continue };
            let target = normalize(&dir.join(rel));
            if out.contains(&target) || target == normalize(path) {
                continue;
            }
            if let Some(inner) = read(&target) {
                out.push(target.clone());
                queue.push((target, inner, depth + 1));
            }
        }
    }
    out
}

/// The directives of `text` that are not inside a code block or a code span.
fn prose_directives(text: &str, parse: ParseOptions) -> Vec<Directive> {
    let all = directives(text);
    if all.is_empty() {
        return all;
    }
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut block_start = None;
    for (event, range) in parser(text, parse).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = block_start.take() {
                    code.push(s..range.end);
                }
            }
            Event::Code(_) => code.push(range),
            _ => {}
        }
    }
    all.into_iter()
        .filter(|d| {
            !code
                .iter()
                .any(|c| c.start <= d.range.start && d.range.end <= c.end)
        })
        .collect()
}

/// `a/b/../c` → `a/c`, without touching the file system (the file may be a symlink; the
/// path is for display and de-duplication).
pub fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A span of text in the source, aligned with the expanded chapter.
#[derive(Debug, Clone, Copy)]
struct Segment {
    source: usize,
    expanded: usize,
    len: usize,
}

/// Where an offset of the expanded chapter came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The chapter's own text, at this offset of its source.
    Source(usize),
    /// Text that replaced these directives (indices into [`IncludeMap::directives`]); the
    /// offset is where the replaced text starts in the expanded chapter.
    Expanded {
        /// The directives whose expansions share this stretch of text.
        directives: Range<usize>,
    },
}

/// Maps the chapter mdBook hands the preprocessor (links expanded) back to its source.
#[derive(Debug, Clone)]
pub struct IncludeMap {
    /// The source's directives.
    pub directives: Vec<Directive>,
    segments: Vec<Segment>,
}

impl IncludeMap {
    /// Aligns `expanded` with `source`. `None` when `source` has no directive, or when the
    /// text between its directives is not found in order in `expanded` (another preprocessor
    /// changed the chapter before us): then positions stay as they are.
    pub fn new(source: &str, expanded: &str) -> Option<IncludeMap> {
        let directives = directives(source);
        if directives.is_empty() {
            return None;
        }
        // The literal runs: before the first directive, between each two, after the last.
        let mut literals = Vec::with_capacity(directives.len() + 1);
        let mut from = 0;
        for d in &directives {
            literals.push(from..d.range.start);
            from = d.range.end;
        }
        literals.push(from..source.len());
        let last = literals.len() - 1;
        let mut segments = Vec::with_capacity(literals.len());
        let mut at = 0;
        for (i, lit) in literals.iter().enumerate() {
            let text = &source[lit.clone()];
            let pos = if i == 0 {
                expanded.starts_with(text).then_some(0)?
            } else if i == last {
                let pos = expanded.len().checked_sub(text.len())?;
                (pos >= at && expanded.ends_with(text)).then_some(pos)?
            } else {
                at + expanded.get(at..)?.find(text)?
            };
            segments.push(Segment {
                source: lit.start,
                expanded: pos,
                len: text.len(),
            });
            at = pos + text.len();
        }
        Some(IncludeMap {
            directives,
            segments,
        })
    }

    /// Where byte `offset` of the expanded chapter came from.
    pub fn locate(&self, offset: usize) -> Origin {
        // The last segment starting at or before `offset`.
        let mut i = self
            .segments
            .partition_point(|s| s.expanded <= offset)
            .saturating_sub(1);
        // An empty run (two directives side by side) sits at the start of the stretch they
        // share: the stretch begins after the last non-empty run before it.
        while i > 0 && self.segments[i].len == 0 && i < self.segments.len() - 1 {
            i -= 1;
        }
        let seg = self.segments[i];
        if offset < seg.expanded + seg.len {
            return Origin::Source(seg.source + (offset - seg.expanded));
        }
        if i == self.segments.len() - 1 {
            // The end of the chapter (an empty span there, e.g. a missing closing fence).
            return Origin::Source(seg.source + seg.len);
        }
        // Between segment i and i + 1: the expansions of directives i.. up to the next
        // non-empty segment (two directives with nothing between share one stretch).
        let mut end = i + 1;
        while end < self.segments.len() - 1 && self.segments[end].len == 0 {
            end += 1;
        }
        Origin::Expanded {
            directives: i..end.min(self.directives.len()),
        }
    }
}

/// Finds `line` (a whole line of included text, without its line ending) in `text`: the byte
/// offset of the start of the first line of `text` equal to it.
pub fn find_line(text: &str, line: &str) -> Option<usize> {
    let mut start = 0;
    for l in text.split_inclusive('\n') {
        if l.trim_end_matches(['\n', '\r']) == line {
            return Some(start);
        }
        start += l.len();
    }
    None
}

/// A chapter's findings moved from the expanded text to where they were written.
#[derive(Debug)]
pub struct Placed {
    /// The chapter's source as it is on disk; the findings' spans now point into it.
    pub source: String,
    /// Findings in included files: each file's path (relative like the chapter's), its text
    /// and its findings.
    pub included: Vec<(PathBuf, String, Vec<Diagnostic>)>,
}

/// Moves the findings of a chapter that mdBook expanded (`expanded`, spans into it) to the
/// chapter's source (`source`, read from `chapter`) and to the files it includes: a finding
/// in the chapter's own text gets its source position; one in included text goes to the
/// line of the included file it was copied from (found by its text, through nested
/// includes); one whose line cannot be found stays at the directive, its message saying
/// which file the text came from. `later` (spans a finding made after every chapter is read
/// may point at: the guid, for a cross-file rule) are moved too. `None` when the source has no directive or does not align
/// with `expanded` (another preprocessor changed the chapter): nothing is moved then.
pub fn place(
    chapter: &Path,
    source: String,
    expanded: &str,
    diagnostics: &mut Vec<Diagnostic>,
    later: &mut [&mut Range<usize>],
    read: &mut dyn FnMut(&Path) -> Option<String>,
) -> Option<Placed> {
    let map = IncludeMap::new(&source, expanded)?;
    let dir = chapter.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut included: Vec<(PathBuf, String, Vec<Diagnostic>)> = Vec::new();
    let to_source = |r: &Range<usize>| -> Option<Range<usize>> {
        let Origin::Source(start) = map.locate(r.start) else {
            return None;
        };
        let end = match r.end > r.start {
            true => match map.locate(r.end - 1) {
                Origin::Source(e) if e >= start => e + 1,
                _ => start,
            },
            false => start,
        };
        Some(start..end)
    };
    for g in later {
        if let Some(r) = to_source(g) {
            **g = r;
        }
    }
    let mut kept = Vec::with_capacity(diagnostics.len());
    for mut d in std::mem::take(diagnostics) {
        d.related.retain_mut(|rel| {
            if rel.file.is_some() {
                return true;
            }
            to_source(&rel.span).map(|r| rel.span = r).is_some()
        });
        match map.locate(d.span.start) {
            Origin::Source(_) => {
                d.span = to_source(&d.span).unwrap_or(d.span.start..d.span.start);
                kept.push(d);
            }
            Origin::Expanded { directives } => {
                let line_start = expanded[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
                let line_end = expanded[d.span.start..]
                    .find('\n')
                    .map_or(expanded.len(), |i| d.span.start + i);
                let line = expanded[line_start..line_end].trim_end_matches('\r');
                let col = (d.span.start - line_start).min(line.len());
                let width = d.span.len().min(line.len() - col);
                let firsts = &map.directives[directives];
                let found = firsts
                    .iter()
                    .filter_map(|dv| dv.path.as_deref())
                    .find_map(|p| find_in(&normalize(&dir.join(p)), line, read, &mut included, 0));
                match found {
                    Some((file, at)) => {
                        d.span = at + col..at + col + width;
                        d.related.retain(|r| r.file.is_some());
                        if let Some(entry) = included.iter_mut().find(|e| e.0 == file) {
                            entry.2.push(d);
                        }
                    }
                    None => {
                        let dv = firsts.first();
                        let from = dv.and_then(|x| x.path.as_deref()).unwrap_or("a link");
                        d.message = format!("in text included from {from}: {}", d.message);
                        d.span = dv.map_or(0..0, |x| x.range.clone());
                        d.related.clear();
                        kept.push(d);
                    }
                }
            }
        }
    }
    *diagnostics = kept;
    included.retain(|e| !e.2.is_empty());
    Some(Placed { source, included })
}

/// Looks for `line` in `file`, then in the files it includes (mdBook expands them too),
/// keeping every file read in `files` (so each is read once). Returns the file and the
/// offset of the line's start.
fn find_in(
    file: &Path,
    line: &str,
    read: &mut dyn FnMut(&Path) -> Option<String>,
    files: &mut Vec<(PathBuf, String, Vec<Diagnostic>)>,
    depth: usize,
) -> Option<(PathBuf, usize)> {
    if depth >= MAX_DEPTH {
        return None;
    }
    let i = match files.iter().position(|e| e.0 == file) {
        Some(i) => i,
        None => {
            let text = read(file)?;
            files.push((file.to_path_buf(), text, Vec::new()));
            files.len() - 1
        }
    };
    if let Some(at) = find_line(&files[i].1, line) {
        return Some((file.to_path_buf(), at));
    }
    let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
    let nested: Vec<String> = directives(&files[i].1)
        .into_iter()
        .filter_map(|d| d.path)
        .collect();
    nested
        .iter()
        .find_map(|p| find_in(&normalize(&dir.join(p)), line, read, files, depth + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_links_mdbook_replaces() {
        let text = "a {{#include snip.md}} b {{ #include other.md:2:5 }}\n\
                    {{#rustdoc_include code.rs:anchor}} {{#playground p.rs editable}}\n\
                    {{#title New}} \\{{#include escaped.md}} {{#unknown x}} {{#include}}";
        let found = directives(text);
        let paths: Vec<Option<&str>> = found.iter().map(|d| d.path.as_deref()).collect();
        assert_eq!(
            paths,
            vec![
                Some("snip.md"),
                Some("other.md"),
                Some("code.rs"),
                Some("p.rs"),
                None,
                None
            ]
        );
        assert_eq!(&text[found[0].range.clone()], "{{#include snip.md}}");
        // As in mdBook, an escaped link runs to the last `}}` on its line.
        assert_eq!(
            &text[found[5].range.clone()],
            "\\{{#include escaped.md}} {{#unknown x}} {{#include}}"
        );
        assert!(directives("no links {{ here }}").is_empty());
    }

    #[test]
    fn maps_the_chapter_around_and_inside_expansions() {
        let source = "# T\n\nBefore.\n\n{{#include a.md}}\n\nMiddle.\n{{#include b.md}}{{#include c.md}}\nAfter.\n";
        let expanded = "# T\n\nBefore.\n\nA one\nA two\n\nMiddle.\nB lineC line\nAfter.\n";
        let map = IncludeMap::new(source, expanded).unwrap();
        let at = |needle: &str| expanded.find(needle).unwrap();
        assert_eq!(
            map.locate(at("Before")),
            Origin::Source(source.find("Before").unwrap())
        );
        assert_eq!(
            map.locate(at("A two")),
            Origin::Expanded { directives: 0..1 }
        );
        assert_eq!(
            map.locate(at("Middle")),
            Origin::Source(source.find("Middle").unwrap())
        );
        // Two directives with nothing between them share their stretch.
        assert_eq!(
            map.locate(at("C line")),
            Origin::Expanded { directives: 1..3 }
        );
        assert_eq!(
            map.locate(at("After")),
            Origin::Source(source.find("After").unwrap())
        );
        // Text before the first directive maps one to one.
        assert_eq!(map.locate(0), Origin::Source(0));
    }

    #[test]
    fn no_map_without_links_or_when_the_text_was_changed_otherwise() {
        assert!(IncludeMap::new("plain", "plain").is_none());
        assert!(IncludeMap::new("x {{#include a.md}} y", "changed entirely").is_none());
        assert!(IncludeMap::new("x {{#include a.md}} y", "x A").is_none());
    }

    #[test]
    fn included_files_skip_code_and_follow_nesting() {
        let chapter = "Intro.\n\n{{#include parts/a.md}}\n\n```\n{{#include code.rs}}\n```\n\n`{{#include span.md}}`\n";
        let files = |p: &Path| -> Option<String> {
            match p.to_str()? {
                "book/src/parts/a.md" => Some("{{#include ../shared/b.md}}\n".into()),
                "book/src/shared/b.md" => Some("{{#include ../parts/a.md}}\nText.\n".into()),
                _ => None,
            }
        };
        let mut read = files;
        let got = included_files(
            Path::new("book/src/ch.md"),
            chapter,
            ParseOptions::default(),
            &mut read,
        );
        assert_eq!(
            got,
            vec![
                PathBuf::from("book/src/parts/a.md"),
                PathBuf::from("book/src/shared/b.md")
            ]
        );
    }

    #[test]
    fn findings_move_to_the_source_and_the_included_file() {
        let source = "# T\n\n{{#include part.md}}\n\nOwn cafÃ©.\n\n{{#include gone.md}}\n";
        let expanded = "# T\n\nOne.\nTwo cafÃ©.\n\nOwn cafÃ©.\n\nLost cafÃ©.\n";
        let files = |p: &Path| match p.to_str() {
            Some("guide/part.md") => Some("One.\nTwo cafÃ©.\n".to_string()),
            Some("guide/gone.md") => Some("{{#include deeper.md}}\n".to_string()),
            Some("guide/deeper.md") => Some("Other text.\n".to_string()),
            _ => None,
        };
        let mut read = files;
        let at = |needle: &str| {
            let i = expanded.find(needle).unwrap();
            i..i + needle.len()
        };
        let mut diags = vec![
            Diagnostic::warning("PL401", at("cafÃ©.\n\nOwn"), "m1"),
            Diagnostic::warning("PL401", at("cafÃ©.\n\nLost"), "m2"),
            Diagnostic::warning("PL401", at("Lost cafÃ©"), "m3"),
        ];
        // Spans are a word's width (the first finding above is cut to its line).
        diags[0].span.end = diags[0].span.start + "cafÃ©".len();
        diags[1].span.end = diags[1].span.start + "cafÃ©".len();
        let mut guid = 0..3;
        let placed = place(
            Path::new("guide/ch.md"),
            source.to_string(),
            expanded,
            &mut diags,
            &mut [&mut guid],
            &mut read,
        )
        .unwrap();
        assert_eq!(guid, 0..3);
        // In the included file, at its own line.
        let part = placed
            .included
            .iter()
            .find(|e| e.0 == Path::new("guide/part.md"))
            .unwrap();
        assert_eq!(part.2.len(), 1);
        assert_eq!(&part.1[part.2[0].span.clone()], "cafÃ©");
        // The chapter's own text, at its source position.
        let own = diags.iter().find(|d| d.message == "m2").unwrap();
        assert_eq!(&placed.source[own.span.clone()], "cafÃ©");
        // A line found in no included file: at the directive, saying where it came from.
        let lost = diags.iter().find(|d| d.message.ends_with("m3")).unwrap();
        assert_eq!(lost.message, "in text included from gone.md: m3");
        assert_eq!(&placed.source[lost.span.clone()], "{{#include gone.md}}");
        assert_eq!(diags.len(), 2);
    }

    #[test]
    fn lines_are_found_whole() {
        let text = "one\r\ntwo three\ntwo\n";
        assert_eq!(find_line(text, "two"), Some(15));
        assert_eq!(find_line(text, "one"), Some(0));
        assert_eq!(find_line(text, "tw"), None);
    }

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.md")),
            PathBuf::from("a/c.md")
        );
        assert_eq!(normalize(Path::new("../x.md")), PathBuf::from("../x.md"));
    }
}
