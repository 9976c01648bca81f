//! Code actions: the edits `fix` would make, offered one by one where the writer is, and a
//! comment that suppresses a finding on the next line.
//!
//! - the safe front matter fixes of [`fixes::fixes`] (`PL203`, `PL202`, `PL201`, `PL110`),
//!   each the same edit `fix` makes, and left out where a suppression comment covers it, as
//!   `fix` leaves that text alone;
//! - the missing required keys (`PL204`), or a whole front matter holding them (`PL106`),
//!   with placeholders: an editor-only action, [`required`] says why `fix` does not make it;
//! - the mojibake repairs of [`encoding::repair_markdown`] on one line (`PL401`);
//! - `polish-disable-next-line RULE` above the line a finding starts on: an HTML comment in
//!   the Markdown, a `#` comment inside the front matter (where an HTML comment would be
//!   YAML text), with the line's own indentation and line ending.
//!
//! Every edit is on the document's current text, with UTF-16 ranges from [`LineMap`].

use std::collections::HashMap;
use std::ops::Range;

use lsp_types::{CodeAction, CodeActionKind, TextEdit, Uri, WorkspaceEdit};

use super::diagnostics::{SOURCE, Scope, check_text};
use super::position::LineMap;
use super::required;
use crate::diagnostic::LineIndex;
use crate::encoding;
use crate::frontmatter::fixes::{self, FixSettings};
use crate::frontmatter::split;
use crate::markdown::{Edit, apply_edits};
use crate::policy::Suppressions;

/// The most suppressions checked for one request (each costs a pipeline run).
const MAX_SUPPRESSIONS: usize = 16;

/// Whether two byte ranges share a line of `map`: a cursor on the line of a finding (or a
/// selection across it) gets its actions.
fn same_lines(map: &LineMap, a: &Range<usize>, b: &Range<usize>) -> bool {
    let (a0, a1) = (map.line_of(a.start), map.line_of(a.end));
    let (b0, b1) = (map.line_of(b.start), map.line_of(b.end));
    a0 <= b1 && b0 <= a1
}

fn workspace_edit(uri: &Uri, text: &str, map: &LineMap, edits: &[Edit]) -> WorkspaceEdit {
    let edits: Vec<TextEdit> = edits
        .iter()
        .map(|e| TextEdit::new(map.range(text, e.range.clone()), e.replacement.clone()))
        .collect();
    WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)]))
}

/// The diagnostics of the request's context that a fix of `rule` at `span` resolves.
fn resolved(
    context: &[lsp_types::Diagnostic],
    rule: &str,
    span: lsp_types::Range,
) -> Option<Vec<lsp_types::Diagnostic>> {
    let hit: Vec<_> = context
        .iter()
        .filter(|d| {
            matches!(&d.code, Some(lsp_types::NumberOrString::String(c)) if c == rule)
                && d.range.start.line <= span.end.line
                && span.start.line <= d.range.end.line
        })
        .cloned()
        .collect();
    (!hit.is_empty()).then_some(hit)
}

/// The code actions for the byte range `range` of the document `uri` holding `text`.
/// `context` is the client's list of diagnostics at the range.
pub fn code_actions(
    uri: &Uri,
    text: &str,
    range: Range<usize>,
    context: &[lsp_types::Diagnostic],
    scope: &Scope,
) -> Vec<CodeAction> {
    let map = LineMap::new(text);
    let settings = &scope.settings;
    let (suppressions, _) = Suppressions::parse(text, settings.parse);
    let index = LineIndex::new(text);
    let kept = |rule: &str, at: usize| !suppressions.covers(rule, index.line_col(at).0);
    let mut out = Vec::new();

    let fix_settings = FixSettings {
        schema: settings.schema.as_deref(),
        limits: settings.limits,
        only: None,
    };
    for f in fixes::fixes(text, &fix_settings) {
        if !same_lines(&map, &f.edit.range, &range) || !kept(f.rule, f.edit.range.start) {
            continue;
        }
        let span = map.range(text, f.edit.range.clone());
        out.push(CodeAction {
            title: format!("Fix {}: {}", f.rule, f.description),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: resolved(context, f.rule, span),
            edit: Some(workspace_edit(
                uri,
                text,
                &map,
                std::slice::from_ref(&f.edit),
            )),
            is_preferred: Some(true),
            ..Default::default()
        });
    }

    let off = |rule: &str| settings.levels.get(rule) == Some(crate::policy::Level::Off);
    if let Some(schema) = settings.schema.as_deref()
        && let Some(p) = required::missing_required(text, schema, &settings.limits, scope.require)
        && map.line_of(range.start) < p.lines.end
        && p.lines.start <= map.line_of(range.end)
    {
        let rule = if p.creates_block { "PL106" } else { "PL204" };
        let names: Vec<String> = p.keys.iter().map(|k| format!("`{k}`")).collect();
        let title = if p.creates_block {
            format!(
                "Add front matter with the required keys {}",
                names.join(", ")
            )
        } else if names.len() == 1 {
            format!("Add the missing required key {} (to fill in)", names[0])
        } else {
            format!(
                "Add the missing required keys {} (to fill in)",
                names.join(", ")
            )
        };
        let span = lsp_types::Range::new(
            lsp_types::Position::new(p.lines.start as u32, 0),
            lsp_types::Position::new(p.lines.end.saturating_sub(1) as u32, 0),
        );
        if !off(rule) {
            out.push(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: resolved(context, rule, span),
                edit: Some(workspace_edit(
                    uri,
                    text,
                    &map,
                    std::slice::from_ref(&p.edit),
                )),
                ..Default::default()
            });
        }
    }

    if let Some(opts) = &settings.repair {
        let (edits, diags) = encoding::repair_markdown(text, opts);
        let mut by_line: Vec<(usize, Vec<Edit>, Vec<String>)> = Vec::new();
        for (e, d) in edits.into_iter().zip(diags) {
            if !same_lines(&map, &e.range, &range) || !kept(encoding::CODE_REPAIRED, e.range.start)
            {
                continue;
            }
            let line = map.line_of(e.range.start);
            match by_line.last_mut() {
                Some((l, es, ms)) if *l == line => {
                    es.push(e);
                    ms.push(d.message);
                }
                _ => by_line.push((line, vec![e], vec![d.message])),
            }
        }
        for (line, edits, messages) in by_line {
            let span = map.range(
                text,
                edits.first().map_or(0, |e| e.range.start)..edits.last().map_or(0, |e| e.range.end),
            );
            let detail = if messages.len() == 1 {
                format!(": {}", messages[0])
            } else {
                format!(" ({} repairs)", messages.len())
            };
            out.push(CodeAction {
                title: format!("Repair the mojibake on line {}{detail}", line + 1),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: resolved(context, encoding::CODE_REPAIRED, span),
                edit: Some(workspace_edit(uri, text, &map, &edits)),
                is_preferred: Some(true),
                ..Default::default()
            });
        }
    }

    let block = split::split(text).0;
    let mut offered: Vec<(u32, String)> = Vec::new();
    // Each suppression is checked by running the pipeline on the edited text: a comment is
    // offered only if the finding is then gone (a finding about the whole file, such as a
    // missing front matter at its first byte, is not on a "next line" of anything).
    let mut before: Option<Vec<crate::diagnostic::Diagnostic>> = None;
    let mut tried = 0;
    for d in context {
        let (Some(lsp_types::NumberOrString::String(code)), Some(SOURCE)) =
            (&d.code, d.source.as_deref())
        else {
            continue;
        };
        let line = d.range.start.line;
        if offered.contains(&(line, code.clone())) {
            continue;
        }
        let Some(lr) = map.line_range(line as usize) else {
            continue;
        };
        let in_yaml = block.as_ref().is_some_and(|b| b.yaml.contains(&lr.start));
        // A comment above a fence, or between the fences and not in the YAML, would end the
        // front matter where it is: no suppression offered there.
        if !in_yaml && block.as_ref().is_some_and(|b| b.range.contains(&lr.start)) {
            continue;
        }
        let line_text = text.get(lr.clone()).unwrap_or_default();
        let indent = &line_text[..line_text.len() - line_text.trim_start().len()];
        let rest = text.get(lr.end..).unwrap_or_default();
        let eol = if rest.starts_with("\r\n") {
            "\r\n"
        } else if rest.starts_with('\r') {
            "\r"
        } else {
            "\n"
        };
        let comment = if in_yaml {
            format!("{indent}# polish-disable-next-line {code}{eol}")
        } else {
            format!("{indent}<!-- polish-disable-next-line {code} -->{eol}")
        };
        offered.push((line, code.clone()));
        if tried == MAX_SUPPRESSIONS {
            break;
        }
        tried += 1;
        let edit = Edit::insert(lr.start, comment);
        // Counted over the whole file: a finding the comment does not cover may move with
        // the lines (or stay at the top, on the comment itself).
        let count = |diags: &[crate::diagnostic::Diagnostic]| {
            diags.iter().filter(|x| x.code == code.as_str()).count()
        };
        let had = count(before.get_or_insert_with(|| check_text(text, scope)));
        let works = apply_edits(text, std::slice::from_ref(&edit))
            .is_some_and(|t| count(&check_text(&t, scope)) < had);
        if !works {
            continue;
        }
        out.push(CodeAction {
            title: format!("Suppress {code} on this line (comment above it)"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(workspace_edit(uri, text, &map, &[edit])),
            ..Default::default()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::diagnostics::{DEFAULT_GUIDE_URL, to_lsp};
    use std::str::FromStr as _;

    fn apply(text: &str, a: &CodeAction) -> String {
        let map = LineMap::new(text);
        let edits: Vec<Edit> = a
            .edit
            .as_ref()
            .and_then(|w| w.changes.as_ref())
            .and_then(|c| c.values().next())
            .unwrap()
            .iter()
            .map(|e| Edit::replace(map.byte_range(text, e.range), e.new_text.clone()))
            .collect();
        apply_edits(text, &edits).unwrap_or_else(|| text.to_string())
    }

    #[test]
    fn quote_fix_mojibake_repair_and_suppression_round_trip() {
        let scope = Scope::defaults();
        let uri = Uri::from_str("file:///tmp/c.md").unwrap();
        let text = "---\r\ntitle: 雪 🚀 Setup: the basics\r\n---\r\n\r\nIt’s fine. Letâ€™s go.\r\n";
        let map = LineMap::new(text);
        let lsp: Vec<_> = check_text(text, &scope)
            .iter()
            .map(|d| to_lsp(d, &uri, text, &map, DEFAULT_GUIDE_URL))
            .collect();
        let codes: Vec<_> = lsp.iter().filter_map(|d| d.code.clone()).collect();
        assert!(codes.len() >= 2, "{lsp:?}");

        let at = text.find("Setup").unwrap();
        let actions = code_actions(&uri, text, at..at, &lsp, &scope);
        let quote = actions
            .iter()
            .find(|a| a.title.starts_with("Fix PL110"))
            .unwrap();
        assert_eq!(
            apply(text, quote),
            "---\r\ntitle: \"雪 🚀 Setup: the basics\"\r\n---\r\n\r\nIt’s fine. Letâ€™s go.\r\n"
        );
        let sup = actions
            .iter()
            .find(|a| a.title.starts_with("Suppress PL110"))
            .unwrap();
        let suppressed = apply(text, sup);
        assert!(
            suppressed.starts_with("---\r\n# polish-disable-next-line PL110\r\ntitle:"),
            "{suppressed:?}"
        );

        let at = text.find("Let").unwrap();
        let actions = code_actions(&uri, text, at..at, &lsp, &scope);
        let repair = actions
            .iter()
            .find(|a| a.title.starts_with("Repair"))
            .unwrap();
        assert!(repair.title.contains("line 5"), "{}", repair.title);
        assert!(apply(text, repair).ends_with("It’s fine. Let’s go.\r\n"));
        let sup = actions
            .iter()
            .find(|a| a.title.starts_with("Suppress PL401"))
            .unwrap();
        let suppressed = apply(text, sup);
        assert!(
            suppressed.ends_with(
                "\r\n<!-- polish-disable-next-line PL401 -->\r\nIt’s fine. Letâ€™s go.\r\n"
            ),
            "{suppressed:?}"
        );
        // The suppressed text is checked again: the finding is gone, and no repair is offered.
        assert!(
            check_text(&suppressed, &scope)
                .iter()
                .all(|d| d.code != "PL401")
        );
        let at = suppressed.find("Let").unwrap();
        let again = code_actions(&uri, &suppressed, at..at, &[], &scope);
        assert!(
            again.iter().all(|a| !a.title.starts_with("Repair")),
            "{again:?}"
        );
    }

    #[test]
    fn suppressions_are_checked_before_they_are_offered() {
        let scope = Scope {
            require: true,
            ..Scope::defaults()
        };
        let uri = Uri::from_str("file:///tmp/d.md").unwrap();
        let text = "# Title\n\nLetâ€™s go.\n";
        let map = LineMap::new(text);
        let lsp: Vec<_> = check_text(text, &scope)
            .iter()
            .map(|d| to_lsp(d, &uri, text, &map, DEFAULT_GUIDE_URL))
            .collect();
        let code = |c: &str| Some(lsp_types::NumberOrString::String(c.into()));
        assert!(lsp.iter().any(|d| d.code == code("PL106")), "{lsp:?}");
        // A missing front matter is reported at the top of the file, so a comment above the
        // first line would be where the finding is, not above it: nothing is offered.
        let actions = code_actions(&uri, text, 0..0, &lsp, &scope);
        assert!(
            actions
                .iter()
                .all(|a| !a.title.starts_with("Suppress PL106")),
            "{actions:?}"
        );
        // A stale finding (the client's list from before the mojibake was repaired): there
        // is nothing on that line to suppress, so no comment is offered.
        let repaired = "# Title\n\nLet’s go.\n";
        let stale: Vec<_> = lsp
            .iter()
            .filter(|d| d.code == code("PL401"))
            .cloned()
            .collect();
        assert_eq!(stale.len(), 1);
        let at = repaired.find("Let").unwrap();
        let actions = code_actions(&uri, repaired, at..at, &stale, &scope);
        assert!(actions.is_empty(), "{actions:?}");
    }
}
