//! The code action "add the missing required keys": the keys the schema's root `required`
//! lists and the front matter lacks (`PL204`), each added on a line of its own at the end of
//! the block; or, when the chapter has no front matter and must have one (`PL106`), a new
//! block at the top holding them.
//!
//! **Why this is an editor action and not a `fix` edit.** `fix` makes only the edits whose
//! result is certain (`frontmatter::fixes`): it never writes content an author did not. A
//! missing key's value is content: a summary, an audience, a locale. So the action lives
//! here, where the writer sees the edit and fills it in at once, and `fix` leaves a missing
//! key to the writer.
//!
//! **The placeholders.** A key whose value nothing but the writer can decide gets an empty
//! value (`summary:`, which YAML reads as null). A key that must be text, a list or one of an
//! `enum` is then reported again on that line, as an empty value of the wrong type, until it
//! is filled in; completion offers the allowed values right there. A placeholder that passed
//! validation (the first `enum` value, `false`, `""`, `[]`) would hide that no one chose it,
//! and a wrong first value is worse than a missing one. Where a schema allows an empty value,
//! empty is what the team accepted. Two values are not a choice and are written out: a fresh
//! random UUID for a guid-shaped key (what completion offers there), and the one value of a
//! key with a single allowed value (`const`).

use std::ops::Range;

use super::frontmatter::{key_info, new_guid, yaml_scalar};
use crate::frontmatter::schema::{Remedy, Schema};
use crate::frontmatter::suggest::closest;
use crate::frontmatter::{Limits, Value, extract};
use crate::markdown::{Edit, apply_edits};

/// The edit that adds the missing required keys, and what it adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholders {
    /// The insertion.
    pub edit: Edit,
    /// The keys added, in the schema's `required` order.
    pub keys: Vec<String>,
    /// Whether the edit creates the front matter (the chapter had none).
    pub creates_block: bool,
    /// The lines the action is offered on: the front matter's, or the first line.
    pub lines: Range<usize>,
}

/// The line ending of the line starting at byte `at` (`\n` when it has none).
fn eol_at(text: &str, at: usize) -> &'static str {
    let rest = text.get(at..).unwrap_or_default();
    match rest.find(['\n', '\r']) {
        Some(i) if rest[i..].starts_with("\r\n") => "\r\n",
        Some(i) if rest[i..].starts_with('\r') => "\r",
        _ => "\n",
    }
}

/// One added line: `key:` and its placeholder (see the module's comment).
fn line(schema: &Schema, key: &str, eol: &str) -> String {
    let info = key_info(schema, key).unwrap_or_default();
    let single: Vec<&serde_json::Value> = info.allowed.iter().filter(|v| !v.is_null()).collect();
    let value = if info.guid {
        new_guid()
    } else if let [only] = single.as_slice() {
        Some(match only {
            serde_json::Value::String(s) => yaml_scalar(s),
            other => other.to_string(),
        })
    } else {
        None
    };
    match value {
        Some(v) if !v.is_empty() => format!("{}: {v}{eol}", yaml_scalar(key)),
        _ => format!("{}:{eol}", yaml_scalar(key)),
    }
}

/// The insertion that adds the required keys `text`'s front matter lacks, when the schema
/// requires some and there is a safe place for them. `require` says whether the chapter
/// must have front matter (only then is a missing block created). `None` when nothing is
/// missing, when the YAML does not parse (what it holds is unknown), when a key's typo is
/// what makes it missing (renaming it is the fix), or when the edit would not give a block
/// holding every key.
pub fn missing_required(
    text: &str,
    schema: &Schema,
    limits: &Limits,
    require: bool,
) -> Option<Placeholders> {
    let required = schema.required_keys();
    if required.is_empty() {
        return None;
    }
    let ex = extract(text, limits);
    let (edit, keys, creates_block, lines) = match &ex.block {
        None => {
            // A near miss of a fence (a block below a heading, `------`) is the writer's to
            // move or mend: a second block would be one more problem.
            if !require || !ex.diagnostics.is_empty() {
                return None;
            }
            let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
            let eol = eol_at(text, start);
            let mut new = format!("---{eol}");
            for k in &required {
                new.push_str(&line(schema, k, eol));
            }
            new.push_str(&format!("---{eol}"));
            // A blank line between the block and the text, unless there is one already.
            let rest = &text[start..];
            if !rest.is_empty() && !rest.starts_with(['\n', '\r']) {
                new.push_str(eol);
            }
            let keys = required.iter().map(|k| k.to_string()).collect();
            (Edit::insert(start, new), keys, true, 0..1)
        }
        Some(b) => {
            let root = ex.data.as_ref()?;
            if !matches!(root.value, Value::Map(_) | Value::Null)
                || text
                    .get(b.yaml.clone())
                    .is_some_and(|y| y.trim_start().starts_with('{'))
            {
                // A list, a text, or a flow mapping: a new line would not join it.
                return None;
            }
            // The keys an unknown key is likely a typo of: the schema's own renames (where
            // it refuses other keys), and the near misses it warns about (where it allows
            // them, `sumary` next to a required `summary`).
            let mut renamed: Vec<String> = schema
                .validate_with_remedies(root, text)
                .into_iter()
                .filter_map(|(_, r)| match r {
                    Some(Remedy::RenameKey(to)) => Some(to),
                    _ => None,
                })
                .collect();
            let known = super::frontmatter::keys(schema);
            if let Value::Map(entries) = &root.value {
                for e in entries {
                    if let Some(k) = e.key.scalar_text()
                        && !known.contains(&k)
                        && let Some(to) = closest(&k, known.iter().map(String::as_str))
                    {
                        renamed.push(to.to_string());
                    }
                }
            }
            let keys: Vec<String> = required
                .iter()
                .filter(|k| root.get(k).is_none() && !renamed.iter().any(|r| r == *k))
                .map(|k| k.to_string())
                .collect();
            if keys.is_empty() {
                return None;
            }
            let eol = eol_at(text, b.range.start);
            let new: String = keys.iter().map(|k| line(schema, k, eol)).collect();
            let first = text[..b.range.start].matches('\n').count();
            let last = first + text[b.range.clone()].trim_end().matches('\n').count();
            // The YAML ends where the closing fence's line starts.
            (Edit::insert(b.yaml.end, new), keys, false, first..last + 1)
        }
    };
    // The result must be a front matter that parses and holds every added key.
    let after = apply_edits(text, std::slice::from_ref(&edit))?;
    let root = extract(&after, limits).data?;
    if !keys.iter().all(|k| root.get(k).is_some()) {
        return None;
    }
    Some(Placeholders {
        edit,
        keys,
        creates_block,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: &str = r#"{
      "type": "object",
      "required": ["summary", "guid", "audience", "stage", "kind"],
      "properties": {
        "summary": { "type": "string", "minLength": 1 },
        "guid": { "type": "string", "format": "uuid" },
        "audience": { "type": "array", "items": { "enum": ["architects", "developers"] } },
        "stage": { "enum": ["draft", "final"] },
        "kind": { "const": "how-to" }
      }
    }"#;

    fn team() -> Schema {
        Schema::from_str(TEAM, "team.json").unwrap()
    }

    fn applied(text: &str, p: &Placeholders) -> String {
        apply_edits(text, std::slice::from_ref(&p.edit)).unwrap()
    }

    #[test]
    fn missing_keys_are_added_at_the_end_with_placeholders() {
        let s = team();
        let text = "---\r\nsummary: Set up 🚀 the 雪 cache.\r\nstage: final\r\n---\r\n\r\n# T\r\n";
        let p = missing_required(text, &s, &Limits::default(), true).unwrap();
        assert_eq!(p.keys, ["guid", "audience", "kind"]);
        assert!(!p.creates_block);
        assert_eq!(p.lines, 0..4);
        let out = applied(text, &p);
        let guid = out
            .split("guid: ")
            .nth(1)
            .and_then(|r| r.split("\r\n").next())
            .unwrap();
        assert_eq!(guid.len(), 36, "{out}");
        assert_eq!(
            out.replace(guid, "G"),
            "---\r\nsummary: Set up 🚀 the 雪 cache.\r\nstage: final\r\nguid: G\r\naudience:\r\nkind: how-to\r\n---\r\n\r\n# T\r\n"
        );
        // The empty placeholder is reported until it is filled in; the rest validates.
        let root = extract(&out, &Limits::default()).data.unwrap();
        let found = s.validate(&root, &out);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&out[found[0].span.clone()], "");
        assert!(missing_required(&out, &s, &Limits::default(), true).is_none());
    }

    #[test]
    fn a_missing_block_is_created_only_where_one_is_required() {
        let s = team();
        let text = "# Title\n\nBody.\n";
        assert!(missing_required(text, &s, &Limits::default(), false).is_none());
        let p = missing_required(text, &s, &Limits::default(), true).unwrap();
        assert!(p.creates_block);
        let out = applied(text, &p);
        assert!(out.starts_with("---\nsummary:\nguid: "), "{out}");
        assert!(
            out.ends_with("\naudience:\nstage:\nkind: how-to\n---\n\n# Title\n\nBody.\n"),
            "{out}"
        );
        // After a BOM, and not where a fence is only near (a block under the heading).
        let bom = "\u{feff}# T\n";
        let p = missing_required(bom, &s, &Limits::default(), true).unwrap();
        assert_eq!(p.edit.range, 3..3);
        let misplaced = "# T\n---\nsummary: s\ntags:\n  - a\n---\n";
        assert!(missing_required(misplaced, &s, &Limits::default(), true).is_none());
    }

    #[test]
    fn nothing_is_offered_where_it_would_guess() {
        let s = team();
        let l = Limits::default();
        // A typo of a required key: renaming it is the fix, not a second key.
        let typo = "---\nsumary: x\nguid: 0f8fad5b-d9cb-469f-a165-70867728950e\naudience: []\nstage: draft\nkind: how-to\n---\n";
        assert!(missing_required(typo, &s, &l, true).is_none());
        // YAML that does not parse, a flow mapping, a list.
        assert!(missing_required("---\na: b: c\n---\n", &s, &l, true).is_none());
        assert!(missing_required("---\n{summary: x}\n---\n", &s, &l, true).is_none());
        assert!(missing_required("---\n- a\n---\n", &s, &l, true).is_none());
        // An empty block gets every key.
        let p = missing_required("---\n---\n", &s, &l, true).unwrap();
        assert_eq!(p.keys.len(), 5);
        // No `required`: nothing.
        let open = Schema::from_str(r#"{"type": "object"}"#, "o.json").unwrap();
        assert!(missing_required("# T\n", &open, &l, true).is_none());
    }
}
