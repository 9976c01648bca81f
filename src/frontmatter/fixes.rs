//! Safe front matter fixes: the edits `mdbook-polish fix` makes (and an editor offers as code
//! actions) for findings whose remedy is certain.
//!
//! [`fixes`] is a pure function of a chapter's text and settings. It returns byte-span edits,
//! each tagged with the rule it resolves and a one-line description. Four fixes, each only
//! when nothing is left to guess:
//!
//! - `PL203` an unknown key whose did-you-mean is [unambiguous](super::suggest::unambiguous),
//!   to a key the mapping does not have yet → the key is renamed;
//! - `PL202` a text value outside an `enum`/`const` with an unambiguous did-you-mean → the
//!   value is replaced, in the quoting style it was written in;
//! - `PL201` `yes`/`no`/`on`/`off` (any case, unquoted) where the schema's type is boolean
//!   and not text → `true`/`false`;
//! - `PL110` an unquoted value holding `: ` (a YAML error) → the rest of the line is put in
//!   double quotes, only when the quoted block then parses and reads that line's text as the
//!   key's value.
//!
//! The decisions are not made here: the schema's own findings carry them
//! ([`super::schema::Remedy`], computed where the help line is), and the YAML fix
//! starts from the parser's error. This module turns them into edits on the parser's spans
//! and never re-serialises YAML, so comments, quoting, line endings and a BOM stay as written.
//!
//! One fix can uncover the next (a renamed key's value is validated for the first time; a
//! quoted line lets the block parse, so the schema runs). Fixes are therefore found in
//! rounds, each on the text the previous one produced, until a round finds nothing: fixing
//! the result again changes nothing. A front matter that has not settled after
//! [`MAX_ROUNDS`] rounds is left as it is (hostile input stays linear, and the answer stays
//! idempotent), as is a round whose edits would make the YAML worse.

use std::ops::Range;

use super::schema::{Remedy, Schema};
use super::yaml::resolve_plain;
use super::{Block, Entry, Limits, Node, Value, extract};
use crate::diagnostic::Diagnostic;
use crate::markdown::{Edit, apply_edits};

/// The rules this module fixes.
pub const RULES: [&str; 4] = ["PL110", "PL201", "PL202", "PL203"];

/// Rounds of fixes before giving up on a front matter that keeps changing.
pub const MAX_ROUNDS: usize = 8;

/// One fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The rule whose finding it resolves (`PL203`). When a later fix rewrote the text of an
    /// earlier one, the two are one edit under the earlier one's rule.
    pub rule: &'static str,
    /// The edit, on the text given to [`fixes`].
    pub edit: Edit,
    /// What it does, in one line: `` `tilte` → `title` ``.
    pub description: String,
}

/// What [`fixes`] may use and do.
#[derive(Debug, Clone, Default)]
pub struct FixSettings<'a> {
    /// The schema in use; `None` (validation off) means no schema fixes, only `PL110`.
    pub schema: Option<&'a Schema>,
    /// Front matter bounds, as for validation.
    pub limits: Limits,
    /// The rules to fix (a subset of [`RULES`]); `None` for all of them.
    pub only: Option<&'a [&'a str]>,
}

impl FixSettings<'_> {
    fn wants(&self, rule: &str) -> bool {
        self.only.is_none_or(|only| only.contains(&rule))
    }
}

/// The safe front matter fixes of `src` (a whole chapter), sorted and non-overlapping, with
/// spans into `src`. Empty when there is nothing certain to fix.
pub fn fixes(src: &str, settings: &FixSettings<'_>) -> Vec<Fix> {
    let mut done: Vec<Fix> = Vec::new();
    let mut text = src.to_string();
    for _ in 0..MAX_ROUNDS {
        let round = one_round(&text, settings);
        if round.is_empty() {
            return done;
        }
        let edits: Vec<Edit> = round.iter().map(|f| f.edit.clone()).collect();
        let Some(next) = apply_edits(&text, &edits) else {
            return done;
        };
        if worse_yaml(&text, &next, settings) {
            return done;
        }
        done = compose(done, &text, round);
        text = next;
    }
    // Still changing: whatever is going on, it is not a case for fixes made without asking.
    Vec::new()
}

/// Whether the edited text's front matter parses worse than before (more YAML findings, or
/// no block at all): a guard against a fix that is wrong in a way no rule foresaw.
fn worse_yaml(before: &str, after: &str, settings: &FixSettings<'_>) -> bool {
    let yaml_errors = |ex: &super::Extracted| {
        ex.diagnostics
            .iter()
            .filter(|d| d.code.starts_with("PL1"))
            .count()
    };
    let (a, b) = (
        extract(before, &settings.limits),
        extract(after, &settings.limits),
    );
    b.block.is_none() || yaml_errors(&b) > yaml_errors(&a) || (a.data.is_some() && b.data.is_none())
}

/// The fixes found on `text` as it is now.
fn one_round(text: &str, settings: &FixSettings<'_>) -> Vec<Fix> {
    let ex = extract(text, &settings.limits);
    let Some(block) = &ex.block else {
        return Vec::new();
    };
    if settings.wants("PL110")
        && let Some(d) = ex.diagnostics.iter().find(|d| is_unquoted_colon(d))
    {
        return quote_values(text, block, d, &settings.limits);
    }
    let (Some(schema), Some(root)) = (settings.schema, &ex.data) else {
        return Vec::new();
    };
    let mut out: Vec<Fix> = Vec::new();
    for (d, remedy) in schema.validate_with_remedies(root, text) {
        let Some(remedy) = remedy else { continue };
        if !settings.wants(d.code) {
            continue;
        }
        let span = trim_end(text, d.span.clone());
        let Some(raw) = text.get(span.clone()) else {
            continue;
        };
        let fix = match &remedy {
            Remedy::RenameKey(to) => restyle(raw, to).map(|new| Fix {
                rule: d.code,
                edit: Edit::replace(span.clone(), new),
                description: format!("`{}` → `{to}`", unquote(raw)),
            }),
            Remedy::ReplaceText(to) => restyle(raw, to).map(|new| Fix {
                rule: d.code,
                edit: Edit::replace(span.clone(), new),
                description: format!("`{}` → `{to}`", unquote(raw)),
            }),
            Remedy::Boolean(b) => Some(Fix {
                rule: d.code,
                edit: Edit::replace(span.clone(), b.to_string()),
                description: format!("`{raw}` → `{b}` (YAML 1.1 spelling of a boolean)"),
            }),
        };
        out.extend(fix);
    }
    // The schema reports each span once; a second edit on the same bytes would be a bug, and
    // `apply_edits` would drop it anyway. Keep the output honest about what applies.
    out.sort_by_key(|f| (f.edit.range.start, f.edit.range.end));
    let mut end = 0;
    out.retain(|f| {
        let keep = f.edit.range.start >= end;
        if keep {
            end = f.edit.range.end;
        }
        keep
    });
    out
}

/// The scalar's own bytes within the parser's `span` of it, which for a quoted scalar runs on
/// past the closing quote (over the blanks, and a comment, after it): a quoted scalar ends at
/// its closing quote, anything else at its last non-blank.
fn trim_end(text: &str, span: Range<usize>) -> Range<usize> {
    let Some(raw) = text.get(span.clone()) else {
        return span;
    };
    let b = raw.as_bytes();
    let end = match b.first() {
        Some(b'"') => {
            let mut i = 1;
            loop {
                match b.get(i) {
                    Some(b'\\') => i += 2,
                    Some(b'"') => break Some(i + 1),
                    Some(_) => i += 1,
                    None => break None,
                }
            }
        }
        Some(b'\'') => {
            let mut i = 1;
            loop {
                match (b.get(i), b.get(i + 1)) {
                    (Some(b'\''), Some(b'\'')) => i += 2,
                    (Some(b'\''), _) => break Some(i + 1),
                    (Some(_), _) => i += 1,
                    (None, _) => break None,
                }
            }
        }
        _ => Some(raw.trim_end_matches([' ', '\t']).len()),
    };
    span.start..span.start + end.unwrap_or(raw.len())
}

/// `PL110` for a `: ` in an unquoted value, with the line it is on.
fn is_unquoted_colon(d: &Diagnostic) -> bool {
    d.code == "PL110" && d.message.contains("unquoted `: `") && !d.related.is_empty()
}

/// The scalar `to` written the way `raw` (the scalar as it is now) was: double quotes stay
/// double, single stay single, plain stays plain when `to` reads as the same text unquoted
/// anywhere (block or flow), else double quotes. `None` for what we do not rewrite: scalars
/// over several lines, block scalars, anchors, tags, aliases.
fn restyle(raw: &str, to: &str) -> Option<String> {
    if raw.is_empty() || raw.contains(['\n', '\r']) {
        return None;
    }
    match raw.as_bytes().first() {
        Some(b'"') if raw.len() >= 2 && raw.ends_with('"') => Some(double_quoted(to)),
        Some(b'\'') if raw.len() >= 2 && raw.ends_with('\'') => {
            Some(format!("'{}'", to.replace('\'', "''")))
        }
        Some(b'"' | b'\'' | b'&' | b'!' | b'*' | b'|' | b'>') => None,
        _ if plain_safe(to) => Some(to.to_string()),
        _ => Some(double_quoted(to)),
    }
}

/// `raw` without its quotes, for descriptions.
fn unquote(raw: &str) -> &str {
    raw.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
        .unwrap_or(raw)
}

/// Whether `s` can be written unquoted in block and flow context and still be read as the
/// text `s`: letters, digits, inner spaces and a few safe marks, not starting with an
/// indicator, and not a spelling of null, a boolean or a number.
fn plain_safe(s: &str) -> bool {
    !s.is_empty()
        && s.trim() == s
        && !s.starts_with(['-', '.', '?', ':'])
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/' | '+'))
        && resolve_plain(s) == Value::Str(s.to_string())
}

/// `s` as a YAML double-quoted scalar.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A line of the form `key: value with: a colon`, read as text.
struct ColonLine {
    /// The key's bytes.
    key: Range<usize>,
    /// The value's bytes, without the spaces around it.
    value: Range<usize>,
}

/// The `key: value` line starting at `start` (its text is `line`, without the line break),
/// when it is the plain shape the quoting fix handles: a plain key at the start of the line
/// (after indentation), `: `, and a plain value holding another `: `, with no ` #` that
/// could be meant as a comment and no indicator that would give it another meaning.
fn colon_line(line: &str, start: usize) -> Option<ColonLine> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = line.get(indent..)?;
    let (key, after) = rest.split_once(": ")?;
    let key_ok = !key.is_empty()
        && key.trim() == key
        && !key.starts_with([
            '-', '?', ':', '"', '\'', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`',
            '#', ',',
        ])
        && !key.contains(['#', '[', ']', '{', '}', '\t']);
    let value = after.trim_matches(' ');
    let value_ok = value.contains(": ")
        && !value.starts_with([
            '"', '\'', '[', ']', '{', '}', '&', '*', '!', '|', '>', '%', '@', '`', '#', ',',
        ])
        && !value.starts_with("- ")
        && !value.starts_with("? ")
        && !value.contains(" #")
        && !value.contains("\t#")
        && !value.ends_with([' ', '\t']);
    if !key_ok || !value_ok {
        return None;
    }
    let key_start = start + indent;
    let value_start =
        key_start + key.len() + 2 + (after.len() - after.trim_start_matches(' ').len());
    Some(ColonLine {
        key: key_start..key_start + key.len(),
        value: value_start..value_start + value.len(),
    })
}

/// `PL110` fixes: the line the parser stopped at and every later line of the same shape get
/// their value quoted; kept are the ones the quoted block reads as `key: "that text"`, and
/// only when the whole block then parses. Lines of that shape before the error parsed fine
/// (inside a block scalar, say): they are not touched.
fn quote_values(text: &str, block: &Block, error: &Diagnostic, limits: &Limits) -> Vec<Fix> {
    let Some(first) = error.related.first() else {
        return Vec::new();
    };
    let from = first.span.start;
    let mut candidates: Vec<ColonLine> = Vec::new();
    let mut pos = from;
    while pos < block.yaml.end {
        let end = text
            .get(pos..block.yaml.end)
            .and_then(|s| s.find('\n'))
            .map_or(block.yaml.end, |i| pos + i);
        if let Some(c) = text.get(pos..end).and_then(|l| colon_line(l, pos)) {
            candidates.push(c);
        } else if pos == from {
            // The line the parser complains about is not the simple shape: not certain.
            return Vec::new();
        }
        pos = end + 1;
    }
    // At most twice: once with every candidate, once without the ones that did not read
    // back as the key's value (a line inside a later block scalar, say).
    for _ in 0..2 {
        if candidates.is_empty() {
            return Vec::new();
        }
        let edits: Vec<Edit> = candidates
            .iter()
            .map(|c| Edit::replace(c.value.clone(), double_quoted(&text[c.value.clone()])))
            .collect();
        let Some(new) = apply_edits(text, &edits) else {
            return Vec::new();
        };
        let ex = extract(&new, limits);
        let Some(root) = ex
            .data
            .filter(|_| !ex.diagnostics.iter().any(|d| d.code == "PL110"))
        else {
            return Vec::new();
        };
        let mut entries = std::collections::HashMap::new();
        collect_entries(&root, &mut entries);
        // Where each candidate's key and quoted value are in `new`.
        let mut shift = 0usize;
        let mut good = Vec::new();
        for (c, e) in candidates.iter().zip(&edits) {
            let key = c.key.start + shift..c.key.end + shift;
            let value = c.value.start + shift..c.value.start + shift + e.replacement.len();
            shift += e.replacement.len() - c.value.len();
            let reads_back = entries.get(&key.start).is_some_and(|entry| {
                entry.key.span == key
                    && trim_end(&new, entry.value.span.clone()) == value
                    && entry.value.as_str() == Some(&text[c.value.clone()])
            });
            good.push(reads_back);
        }
        if good.iter().all(|g| *g) {
            return candidates
                .iter()
                .zip(edits)
                .map(|(c, edit)| Fix {
                    rule: "PL110",
                    edit,
                    description: format!(
                        "quoted the value of `{}`, which holds `: `",
                        &text[c.key.clone()]
                    ),
                })
                .collect();
        }
        let mut keep = good.into_iter();
        candidates.retain(|_| keep.next().unwrap_or(false));
    }
    Vec::new()
}

/// Every mapping entry of the tree, by where its key starts. The tree's depth is bounded by
/// [`Limits`], so the recursion is too.
fn collect_entries<'a>(node: &'a Node, out: &mut std::collections::HashMap<usize, &'a Entry>) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                out.insert(e.key.span.start, e);
                collect_entries(&e.value, out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|n| collect_entries(n, out)),
        _ => {}
    }
}

/// `done` (edits on the source) followed by `round` (sorted, disjoint edits on `text`, which
/// is the source with `done` applied), as edits on the source: one sweep over both lists.
/// A new edit that rewrites what earlier ones wrote merges with them into one edit, under
/// the first one's rule.
fn compose(done: Vec<Fix>, text: &str, round: Vec<Fix>) -> Vec<Fix> {
    let growth = |f: &Fix| f.edit.replacement.len() as isize - f.edit.range.len() as isize;
    // Where an earlier fix's replacement is in `text`, given the growth of those before it.
    let place = |f: &Fix, before: isize| {
        let start = (f.edit.range.start as isize + before) as usize;
        start..start + f.edit.replacement.len()
    };
    let back = |p: usize, before: isize| (p as isize - before) as usize;
    let mut out = Vec::with_capacity(done.len() + round.len());
    let mut old = done.into_iter().peekable();
    // The growth of the earlier fixes already passed.
    let mut passed = 0isize;
    for new in round {
        let r = new.edit.range.clone();
        while let Some(f) = old.next_if(|f| place(f, passed).end <= r.start) {
            passed += growth(&f);
            out.push(f);
        }
        let before_merge = passed;
        let mut merged: Vec<(Fix, Range<usize>)> = Vec::new();
        while let Some(f) = old.next_if(|f| {
            let at = place(f, passed);
            at.start < r.end && r.start < at.end
        }) {
            let at = place(&f, passed);
            passed += growth(&f);
            merged.push((f, at));
        }
        let (Some((first, first_at)), Some((last, last_at))) = (merged.first(), merged.last())
        else {
            out.push(Fix {
                edit: Edit::replace(
                    back(r.start, before_merge)..back(r.end, before_merge),
                    new.edit.replacement,
                ),
                ..new
            });
            continue;
        };
        // Ends outside every earlier replacement map back by the growth before them.
        let (start, source_start) = if r.start < first_at.start {
            (r.start, back(r.start, before_merge))
        } else {
            (first_at.start, first.edit.range.start)
        };
        let (end, source_end) = if r.end > last_at.end {
            (r.end, back(r.end, passed))
        } else {
            (last_at.end, last.edit.range.end)
        };
        let mut replacement = String::new();
        replacement.push_str(text.get(start..r.start).unwrap_or_default());
        replacement.push_str(&new.edit.replacement);
        replacement.push_str(text.get(r.end..end).unwrap_or_default());
        let mut description: Vec<String> =
            merged.iter().map(|(f, _)| f.description.clone()).collect();
        description.push(format!("{} ({})", new.description, new.rule));
        out.push(Fix {
            rule: first.rule,
            edit: Edit::replace(source_start..source_end, replacement),
            description: description.join(", then "),
        });
    }
    out.extend(old);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A team schema: a vocabulary, a boolean, a nested mapping, no extra keys.
    fn team() -> Schema {
        Schema::from_str(
            r#"{"type": "object", "additionalProperties": false,
                "properties": {
                  "title": {"type": "string"}, "summary": {"type": "string"},
                  "tag": {"type": "string"}, "tags": {"type": "array"},
                  "description": {"type": "string"}, "descriptions": {"type": "array"},
                  "draft": {"type": "boolean"}, "published": {"type": ["boolean", "null"]},
                  "nickname": {"type": ["string", "boolean"]},
                  "kind": {"enum": ["tutorial", "how-to", "reference", "explanation"]},
                  "section": {"enum": ["Part: One", "Part: Two"]},
                  "level": {"const": "beginner"},
                  "audience": {"type": "array",
                    "items": {"enum": ["architects", "developers", "tech leads"]}},
                  "meta": {"type": "object", "additionalProperties": false,
                    "properties": {"owner": {"type": "string"}}},
                  "body": {"type": "string"}}}"#,
            "team.json",
        )
        .unwrap()
    }

    fn run(src: &str, schema: Option<&Schema>, only: Option<&[&str]>) -> (String, Vec<Fix>) {
        let settings = FixSettings {
            schema,
            limits: Limits::default(),
            only,
        };
        let found = fixes(src, &settings);
        let edits: Vec<Edit> = found.iter().map(|f| f.edit.clone()).collect();
        let out = apply_edits(src, &edits).unwrap_or_else(|| src.to_string());
        (out, found)
    }

    /// The fixed text under the team schema, with every rule on.
    fn fixed(src: &str) -> String {
        run(src, Some(&team()), None).0
    }

    /// Front matter `yaml` around a small page.
    fn page(yaml: &str) -> String {
        format!("---\n{yaml}---\n\n# Page\n\nSome text: with a colon.\n")
    }

    fn assert_fixes(yaml_in: &str, yaml_out: &str) {
        assert_eq!(fixed(&page(yaml_in)), page(yaml_out), "{yaml_in:?}");
    }

    fn assert_unchanged(yaml: &str) {
        let (out, found) = run(&page(yaml), Some(&team()), None);
        assert!(found.is_empty(), "{yaml:?}: {found:?}");
        assert_eq!(out, page(yaml));
    }

    #[test]
    fn unknown_key_with_one_clear_meaning_is_renamed() {
        let (out, found) = run(&page("tilte: Hello\n"), Some(&team()), None);
        assert_eq!(out, page("title: Hello\n"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "PL203");
        assert_eq!(found[0].description, "`tilte` → `title`");
        assert_eq!(found[0].edit.range, 4..9);
        // Case and separators only; nested; in a flow mapping; a comment kept.
        assert_fixes("Title: Hello # the name\n", "title: Hello # the name\n");
        assert_fixes("meta:\n  ownr: Docs\n", "meta:\n  owner: Docs\n");
        assert_fixes("meta: {ownr: Docs}\n", "meta: {owner: Docs}\n");
        assert_fixes("\"tilte\": Hello\n", "\"title\": Hello\n");
    }

    #[test]
    fn keys_that_are_not_certain_stay() {
        // `tag` and `tags` (1 edit each), `description` (1 edit) and `descriptions` (2
        // edits): too close to call.
        assert_unchanged("tagz: a\n");
        assert_unchanged("descripton: A page\n");
        // The key it would become is already there.
        assert_unchanged("title: A\ntilte: B\n");
        // Two unknown keys that would both become `title`.
        assert_unchanged("tilte: A\ntitel: B\n");
        // Nothing close.
        assert_unchanged("colour: red\n");
    }

    #[test]
    fn enum_values_are_replaced_in_their_quoting() {
        let (out, found) = run(&page("kind: tutorail\n"), Some(&team()), None);
        assert_eq!(out, page("kind: tutorial\n"));
        assert_eq!(found[0].rule, "PL202");
        assert_eq!(found[0].description, "`tutorail` → `tutorial`");
        assert_fixes("kind: \"tutorail\"\n", "kind: \"tutorial\"\n");
        assert_fixes("kind: 'Tutorial'\n", "kind: 'tutorial'\n");
        assert_fixes("kind: \"tutorail\"  # why\n", "kind: \"tutorial\"  # why\n");
        assert_fixes("level: Beginner\n", "level: beginner\n");
        // In lists, flow and block; a value that needs quotes once fixed gets them.
        assert_fixes(
            "audience: [architect, developers]\n",
            "audience: [architects, developers]\n",
        );
        assert_fixes(
            "audience:\n  - architect\n  - tech-leads\n",
            "audience:\n  - architects\n  - tech leads\n",
        );
        assert_fixes("section: part one\n", "section: \"Part: One\"\n");
    }

    #[test]
    fn enum_values_that_are_not_certain_stay() {
        // The list already holds what the fix would write.
        assert_unchanged("audience: [architect, architects]\n");
        // A block scalar is not rewritten.
        assert_unchanged("kind: |\n  tutorail\n");
        // Nothing close.
        assert_unchanged("kind: novel\n");
        // An anchor before the value.
        assert_unchanged("kind: &k tutorail\n");
    }

    #[test]
    fn yaml11_booleans_become_booleans_where_the_schema_wants_one() {
        let (out, found) = run(&page("draft: yes\n"), Some(&team()), None);
        assert_eq!(out, page("draft: true\n"));
        assert_eq!(found[0].rule, "PL201");
        assert_fixes("draft: Off\n", "draft: false\n");
        assert_fixes("published: NO\n", "published: false\n");
        assert_fixes("published: on\r\n", "published: true\r\n");
        // Quoted: the author chose text. Text allowed: nothing is wrong. `y` is too short
        // to be sure of. Under a key that is not boolean: not this fix.
        assert_unchanged("draft: \"yes\"\n");
        assert_unchanged("nickname: yes\n");
        assert_unchanged("draft: y\n");
        assert_unchanged("title: yes\n");
    }

    #[test]
    fn an_unquoted_colon_is_quoted() {
        let (out, found) = run(&page("summary: Note: read this first\n"), None, None);
        assert_eq!(out, page("summary: \"Note: read this first\"\n"));
        assert_eq!(found[0].rule, "PL110");
        assert_eq!(
            found[0].description,
            "quoted the value of `summary`, which holds `: `"
        );
        // Backslashes and quotes escaped; spaces around the value kept outside; nested;
        // every such line at once.
        assert_fixes(
            "summary:  Path: C:\\docs \"new\"  \n",
            "summary:  \"Path: C:\\\\docs \\\"new\\\"\"  \n",
        );
        assert_fixes(
            "meta:\n  owner: Team: Docs\n",
            "meta:\n  owner: \"Team: Docs\"\n",
        );
        assert_fixes(
            "title: A: b\nsummary: C: d\n",
            "title: \"A: b\"\nsummary: \"C: d\"\n",
        );
        // A later line of the same shape inside a block scalar is text: left alone.
        assert_fixes(
            "title: A: b\nbody: |\n  Note: fine: as is\n",
            "title: \"A: b\"\nbody: |\n  Note: fine: as is\n",
        );
    }

    #[test]
    fn colons_that_are_not_certain_stay() {
        // ` #` may be a comment the author meant.
        assert_unchanged("summary: Note: see # 3\n");
        // A value that goes on over the next line.
        assert_unchanged("summary: Note: this\n  goes on\n");
        // A list item, a quoted start, a flow mapping: other shapes.
        assert_unchanged("- summary: A: b\n");
        assert_unchanged("summary: \"A\": b\n");
        assert_unchanged("meta: {owner: A: b}\n");
        // Another YAML error elsewhere: the quoted block would still not parse.
        assert_unchanged("summary: A: b\ntags: [a, b\n");
    }

    #[test]
    fn one_fix_uncovers_the_next() {
        // The renamed key's value is validated in the next round.
        let (out, found) = run(&page("drafd: yes\n"), Some(&team()), None);
        assert_eq!(out, page("draft: true\n"));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].edit.range, 4..9);
        assert_eq!(found[1].edit.range, 11..14);
        // The quoted value is then an enum typo: one edit on the source, two steps.
        let (out, found) = run(&page("section: Part: Onr\n"), Some(&team()), None);
        assert_eq!(out, page("section: \"Part: One\"\n"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "PL110");
        assert!(
            found[0]
                .description
                .ends_with("then `Part: Onr` → `Part: One` (PL202)"),
            "{}",
            found[0].description
        );
        // After the colon is quoted the schema runs: keys too.
        assert_fixes("tilte: A: b\n", "title: \"A: b\"\n");
    }

    #[test]
    fn only_the_rules_asked_for() {
        let src = page("tilte: A\nkind: tutorail\ndraft: yes\nsummary: A: b\n");
        let (out, _) = run(&src, Some(&team()), Some(&["PL202"]));
        assert_eq!(out, src, "the YAML error stops the schema");
        let src = page("tilte: A\nkind: tutorail\ndraft: yes\n");
        let (out, _) = run(&src, Some(&team()), Some(&["PL202"]));
        assert_eq!(out, page("tilte: A\nkind: tutorial\ndraft: yes\n"));
        let (out, _) = run(&src, Some(&team()), Some(&["PL203", "PL201"]));
        assert_eq!(out, page("title: A\nkind: tutorail\ndraft: true\n"));
        let (out, _) = run(&src, Some(&team()), Some(&[]));
        assert_eq!(out, src);
    }

    #[test]
    fn no_schema_means_no_schema_fixes() {
        let src = page("tilte: A\nkind: tutorail\ndraft: yes\n");
        assert!(run(&src, None, None).1.is_empty());
        // The embedded schema has no vocabulary and allows other keys: nothing certain.
        assert!(run(&src, Some(&Schema::embedded()), None).1.is_empty());
    }

    #[test]
    fn bytes_around_the_fixes_are_kept() {
        let src = "\u{feff}---\r\ntilte: A # keep\r\n\r\nkind:   'tutorail'\r\n---\r\n\r\n# T\r\n";
        assert_eq!(
            fixed(src),
            "\u{feff}---\r\ntitle: A # keep\r\n\r\nkind:   'tutorial'\r\n---\r\n\r\n# T\r\n"
        );
        let src = "---\r\nsummary: A: b\r\n---\r\n";
        assert_eq!(fixed(src), "---\r\nsummary: \"A: b\"\r\n---\r\n");
        // No front matter, or a body that only looks like YAML: nothing.
        for src in [
            "# T\n\ntilte: A: b\n",
            "",
            "---\n",
            "text\n---\ntilte: x\n---\n",
        ] {
            assert!(run(src, Some(&team()), None).1.is_empty(), "{src:?}");
        }
    }

    /// Every shape above, and fixing the result again changes nothing.
    #[test]
    fn fixing_is_idempotent() {
        let yamls = [
            "tilte: Hello\n",
            "Title: Hello # the name\n",
            "meta: {ownr: Docs}\n",
            "tagz: a\ndescripton: A\ntilte: A\ntitel: B\n",
            "kind: 'Tutorial'\naudience: [architect, architects]\n",
            "audience:\n  - architect\n  - tech-leads\n",
            "section: part one\n",
            "draft: yes\npublished: on\nnickname: yes\n",
            "summary: Note: see # 3\ntitle: A: b\n",
            "title: A: b\nbody: |\n  Note: fine: as is\nsummary: C: d\n",
            "drafd: yes\nsection: Part: Onr\n",
            "tilte: A: b\nkind: tutorail\n",
            "summary: A: b\ntags: [a, b\n",
        ];
        for yaml in yamls {
            let once = fixed(&page(yaml));
            assert_eq!(fixed(&once), once, "{yaml:?}");
        }
    }

    #[test]
    fn composed_edits_map_back_to_the_source() {
        // Three rounds' worth of edits, some merged, applied in one pass on the source,
        // give what applying them round by round gives.
        let src = page("drafd: yes\nsection: Part: Onr\ntilte: A: b\nkind: tutorail\n");
        let (out, found) = run(&src, Some(&team()), None);
        assert_eq!(
            out,
            page("draft: true\nsection: \"Part: One\"\ntitle: \"A: b\"\nkind: tutorial\n")
        );
        let mut end = 0;
        for f in &found {
            assert!(f.edit.range.start >= end, "sorted, disjoint: {found:?}");
            end = f.edit.range.end;
        }
    }

    #[test]
    fn hostile_front_matter_ends() {
        // Many broken lines: quoted in one round, not one per round.
        let yaml: String = (0..2_000).map(|i| format!("k{i}: a: b\n")).collect();
        let (out, found) = run(&page(&yaml), None, None);
        assert_eq!(found.len(), 2_000);
        assert!(out.contains("k1999: \"a: b\"\n"));
    }
}
