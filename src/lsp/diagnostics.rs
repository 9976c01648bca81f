//! A document's findings: the same settings and the same pipeline run as `check` gives that
//! file, on the editor's text instead of the disk file, and their LSP form.
//!
//! The settings come from [`workspace::collect_file`] and [`Profiles`], exactly as `check`
//! resolves a file named on its command line: the book whose `src` holds it, or the nearest
//! `polish.toml`, with the `[[overrides]]` that match its path and the `[rules]` levels.
//! Suppression comments are applied inside [`pipeline::process`], as for every driver.

use std::path::Path;
use std::str::FromStr as _;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Uri,
};

use super::position::LineMap;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::pipeline::{self, ChapterInput, Settings};
use crate::workspace::{self, Profiles};

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "mdbook-polish";

/// Where the user guide will be published: a placeholder until it is. The `.invalid`
/// top-level domain never resolves (RFC 2606), so a link made from it can only fail, never
/// reach someone else's site. A team that hosts the guide sets the client's
/// `initializationOptions.guideUrl`; each rule links to `{guideUrl}rules.html#PLxxx`.
pub const DEFAULT_GUIDE_URL: &str = "https://mdbook-polish.invalid/guide/";

/// The settings a file is checked with, resolved once per file and kept until a
/// configuration file changes.
#[derive(Clone)]
pub struct Scope {
    /// The configuration in force (overrides applied).
    pub config: Config,
    /// What the pipeline runs with (`diagnostics_only`, as in `check`).
    pub settings: Settings,
    /// Whether the file must have front matter.
    pub require: bool,
    /// Why the file's configuration could not be used (the defaults are used instead).
    pub error: Option<String>,
    /// The root of the mdBook whose `src` holds the file (canonical), for the book-wide rule.
    pub book_root: Option<std::path::PathBuf>,
}

impl Scope {
    /// The defaults `check` uses for a file in no book and under no `polish.toml`.
    pub fn defaults() -> Scope {
        let mut profiles = Profiles::new(|s: &mut Settings| s.diagnostics_only = true);
        match profiles.index(&[], None, "") {
            Ok(i) => {
                let p = profiles.list.swap_remove(i);
                let require = p
                    .config
                    .require_front_matter
                    .applies_to("", p.settings.schema_requires_keys());
                Scope {
                    config: p.config,
                    settings: p.settings,
                    require,
                    error: None,
                    book_root: None,
                }
            }
            // The defaults load only the embedded schema; should that ever fail, check with
            // no schema rather than not at all.
            Err(e) => Scope {
                config: Config::default(),
                settings: Settings {
                    diagnostics_only: true,
                    ..Settings::default()
                },
                require: false,
                error: Some(format!("{e:#}")),
                book_root: None,
            },
        }
    }

    /// The settings of the Markdown file at `path`, as `check PATH` would use them.
    pub fn for_file(path: &Path) -> Scope {
        match Self::resolve(path) {
            Ok(s) => s,
            Err(e) => Scope {
                error: Some(format!("{e:#}")),
                ..Scope::defaults()
            },
        }
    }

    fn resolve(path: &Path) -> anyhow::Result<Scope> {
        let inputs = workspace::collect_file(path)?;
        let (book, rel) = match inputs.targets.first() {
            Some(t) => (t.book, t.rel.clone()),
            None => (
                None,
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
        };
        let mut profiles = Profiles::new(|s: &mut Settings| s.diagnostics_only = true);
        let i = profiles.index(&inputs.books, book, &rel)?;
        let p = profiles.list.swap_remove(i);
        let require = p
            .config
            .require_front_matter
            .applies_to(&rel, p.settings.schema_requires_keys());
        let book_root = book
            .and_then(|i| inputs.books.get(i))
            .filter(|b| b.is_book)
            .map(|b| b.root.clone());
        Ok(Scope {
            config: p.config,
            settings: p.settings,
            require,
            error: None,
            book_root,
        })
    }
}

/// Every finding `check` reports for a file holding `text` (the cross-file duplicate guid
/// aside), in position order.
pub fn check_text(text: &str, scope: &Scope) -> Vec<Diagnostic> {
    let input = ChapterInput {
        source: text,
        // `diagnostics_only` builds no HTML, so no ids are needed.
        id_prefix: "",
        html: true,
        require_front_matter: scope.require,
    };
    let mut diags = pipeline::process(input, &scope.settings).diagnostics;
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
    diags
}

/// The link to a rule's entry in the guide at `guide_url` (ending in `/`).
pub fn rule_href(guide_url: &str, code: &str) -> Option<Uri> {
    Uri::from_str(&format!("{guide_url}rules.html#{code}")).ok()
}

/// The LSP form of one finding in the document `uri` holding `text`.
pub fn to_lsp(
    d: &Diagnostic,
    uri: &Uri,
    text: &str,
    map: &LineMap,
    guide_url: &str,
) -> lsp_types::Diagnostic {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        // Clients show one message; the help line is what the writer acts on.
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            // Places in other files (a shared guid) are added with that rule, which knows
            // their text; here only places in this document.
            if r.file.is_some() {
                return None;
            }
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), map.range(text, r.span.clone())),
                message: r.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: map.range(text, d.span.clone()),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: rule_href(guide_url, d.code).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The diagnostic shown when a file's configuration cannot be read: at the top of the file,
/// with no rule id (it is not a finding in the file).
pub fn config_error(message: &str) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: lsp_types::Range::default(),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_string()),
        message: format!(
            "the settings for this file could not be read, so it is checked with the defaults: {message}"
        ),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_maps_to_utf16_with_code_link_and_help() {
        let scope = Scope::defaults();
        let uri = Uri::from_str("file:///tmp/a.md").unwrap();
        // The embedded schema allows other keys, so a near miss of a known one is a warning.
        let text = "---\ntitle: 🚀 发布 launch\n  \ntilte: x\n---\n\n# T\n";
        let diags = check_text(text, &scope);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let map = LineMap::new(text);
        let l = to_lsp(&diags[0], &uri, text, &map, DEFAULT_GUIDE_URL);
        assert_eq!(l.code, Some(NumberOrString::String("PL121".into())));
        assert_eq!(l.severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(l.source.as_deref(), Some(SOURCE));
        assert_eq!(
            l.range,
            lsp_types::Range::new(
                lsp_types::Position::new(3, 0),
                lsp_types::Position::new(3, 5)
            )
        );
        assert!(
            l.message.contains("\nhelp: did you mean `title`?"),
            "{}",
            l.message
        );
        assert_eq!(
            l.code_description.unwrap().href.as_str(),
            "https://mdbook-polish.invalid/guide/rules.html#PL121"
        );

        // On the same line as an emoji and CJK: a YAML error, in UTF-16 columns.
        let bad = "---\ntitle: 🚀 发布: launch\n---\n";
        let d = check_text(bad, &scope);
        let d = d.iter().find(|d| d.code == "PL110").expect("a YAML error");
        let map = LineMap::new(bad);
        let l = to_lsp(d, &uri, bad, &map, DEFAULT_GUIDE_URL);
        let line_start = bad.find("title").unwrap();
        let chars_before = bad[line_start..d.span.start].chars().count();
        let units_before = bad[line_start..d.span.start].encode_utf16().count();
        assert_eq!(l.range.start.line, 1);
        assert_eq!(l.range.start.character as usize, units_before);
        if bad[line_start..d.span.start].contains('🚀') {
            assert_eq!(units_before, chars_before + 1);
        }
    }
}
