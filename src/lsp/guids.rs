//! The one cross-file rule in the editor: a guid shared by two chapters of a book (`PL210`).
//!
//! It needs every chapter's front matter, so a book is scanned on a thread of its own
//! ([`scan`]), never on the request loop; until the scan is back, a document is published
//! without the rule, and then again with it. The scan reads the chapters `check` would check
//! for that book (`SUMMARY.md`'s, via [`workspace::collect`]) from disk; a chapter open in the
//! editor counts with its unsaved text instead. The message and the rule levels are
//! `check`'s ([`workspace::add_duplicate_guids`], [`crate::policy::Levels`]).

use std::path::{Path, PathBuf};

use lsp_types::{DiagnosticRelatedInformation, Location, Uri};

use super::position::LineMap;
use crate::diagnostic::Diagnostic;
use crate::frontmatter::{Limits, extract};
use crate::report::FileReport;
use crate::workspace;

/// One chapter's guid as the scan found it.
#[derive(Debug, Clone)]
pub struct Guid {
    /// The chapter's canonical path.
    pub path: PathBuf,
    /// The guid, trimmed and lowercased (as `check` compares them).
    pub value: String,
    /// Where it is written.
    pub range: lsp_types::Range,
}

/// The guid of a chapter holding `text`: its normalised value and where it is.
pub fn guid_of(
    text: &str,
    limits: &Limits,
) -> Option<(String, lsp_types::Range, crate::frontmatter::Node)> {
    let ex = extract(text, limits);
    let node = ex.data?.get("guid")?.clone();
    let value = node.scalar_text()?.trim().to_ascii_lowercase();
    if value.is_empty() {
        return None;
    }
    let range = LineMap::new(text).range(text, node.span.clone());
    Some((value, range, node))
}

/// What a scan found in a book.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Every chapter `check` would check (canonical paths), with a guid or not: an open
    /// chapter counts with its editor text even when its disk copy has no guid yet.
    pub chapters: Vec<PathBuf>,
    /// The guids written in the chapters on disk.
    pub guids: Vec<Guid>,
}

/// Every chapter of the book at `root` (canonical) and their guids, read from disk.
pub fn scan(root: &Path) -> Book {
    let Ok(inputs) = workspace::collect(&[root.to_string_lossy().into_owned()], &[], true) else {
        return Book::default();
    };
    let limits = Limits::default();
    let mut book = Book::default();
    for t in &inputs.targets {
        let path = std::fs::canonicalize(&t.path).unwrap_or_else(|_| t.path.clone());
        book.chapters.push(path.clone());
        let Some(text) = std::fs::read_to_string(&t.path).ok() else {
            continue;
        };
        if let Some((value, range, _)) = guid_of(&text, &limits) {
            book.guids.push(Guid { path, value, range });
        }
    }
    book
}

/// The `PL210` finding of the chapter at `path` holding `text`, when another chapter of the
/// book (`others`: every chapter's guid, the open ones with their editor text) uses its
/// guid. Its related places are the other uses, with their URIs.
pub fn duplicate(
    path: &Path,
    text: &str,
    limits: &Limits,
    others: &[Guid],
) -> Option<(Diagnostic, Vec<DiagnosticRelatedInformation>)> {
    let (value, _, node) = guid_of(text, limits)?;
    let same: Vec<&Guid> = others
        .iter()
        .filter(|g| g.value == value && g.path != path)
        .collect();
    if same.is_empty() {
        return None;
    }
    // `check`'s own rule decides the message: this chapter and placeholders for the others.
    let mut files = vec![FileReport {
        path: path.display().to_string(),
        source: text.to_string(),
        diagnostics: Vec::new(),
    }];
    let mut uses = vec![(0, node.clone())];
    for g in &same {
        files.push(FileReport {
            path: g.path.display().to_string(),
            source: String::new(),
            diagnostics: Vec::new(),
        });
        uses.push((
            files.len() - 1,
            crate::frontmatter::Node {
                value: node.value.clone(),
                span: 0..0,
            },
        ));
    }
    workspace::add_duplicate_guids(&mut files, &uses);
    let mut d = files.swap_remove(0).diagnostics.into_iter().next()?;
    d.related.clear();
    let related = same
        .iter()
        .filter_map(|g| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(path_uri(&g.path)?, g.range),
                message: "also used here".into(),
            })
        })
        .collect();
    Some((d, related))
}

fn path_uri(p: &Path) -> Option<Uri> {
    super::path_to_uri(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_guid_names_the_other_chapter() {
        let g = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let text = format!("---\ntitle: 🚀\nguid: {g}\n---\n");
        let other = Guid {
            path: PathBuf::from("/book/src/b.md"),
            value: g.to_string(),
            range: lsp_types::Range::default(),
        };
        let me = Path::new("/book/src/a.md");
        let (d, related) =
            duplicate(me, &text, &Limits::default(), std::slice::from_ref(&other)).unwrap();
        assert_eq!(d.code, "PL210");
        assert_eq!(&text[d.span.clone()], g);
        assert!(d.message.contains("1 other chapter"), "{}", d.message);
        assert_eq!(related.len(), 1);
        assert_eq!(related[0].location.uri.as_str(), "file:///book/src/b.md");
        // Its own entry in the scan is not a duplicate.
        let own = Guid {
            path: me.to_path_buf(),
            ..other
        };
        assert!(duplicate(me, &text, &Limits::default(), &[own]).is_none());
    }
}
