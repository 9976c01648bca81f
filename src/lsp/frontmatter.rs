//! Hover and completion inside a chapter's front matter, from the schema in force.
//!
//! Both work on the lines of the block, not on the parsed tree: while the writer types, the
//! YAML is often incomplete (`tit` with no colon yet), and the tree would be missing exactly
//! where the cursor is. The fences themselves come from [`split`], as for validation. Only the
//! top-level keys of the front matter and the items of a top-level list are understood; a
//! nested mapping gets no help.

use std::ops::Range;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, TextEdit,
};
use serde_json::Value as Json;

use super::position::LineMap;
use crate::frontmatter::schema::Schema;
use crate::frontmatter::split;

/// What the schema says about one key.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct KeyInfo {
    /// `title`, when the schema gives one.
    pub title: Option<String>,
    /// `description`, when the schema gives one.
    pub description: Option<String>,
    /// The JSON types allowed (`string`, `boolean`, ...), in schema order, once each.
    pub types: Vec<String>,
    /// The values of every `enum` and `const` that applies.
    pub allowed: Vec<Json>,
    /// The same for the items of a list value.
    pub item_allowed: Vec<Json>,
    /// A UUID is expected (a key named like `guid`/`uuid`, `format: uuid`, or a UUID pattern).
    pub guid: bool,
}

/// How deep `$ref`s and combinators are followed (a schema can refer to itself).
const MAX_DEPTH: usize = 16;

/// What `schema` says about the top-level key `key`, or `None` when it does not describe it.
pub fn key_info(schema: &Schema, key: &str) -> Option<KeyInfo> {
    let root = schema.json();
    let prop = root.get("properties")?.get(key)?;
    let mut info = KeyInfo::default();
    collect(root, prop, &mut info, false, 0);
    let k = key.to_ascii_lowercase();
    info.guid |= k == "guid" || k == "uuid" || k.ends_with("_guid") || k.ends_with("-guid");
    Some(info)
}

/// Every key `schema` describes at the top level, in the schema's order.
pub fn keys(schema: &Schema) -> Vec<String> {
    schema
        .json()
        .get("properties")
        .and_then(Json::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

fn collect(root: &Json, node: &Json, info: &mut KeyInfo, items: bool, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(obj) = node.as_object() else {
        return;
    };
    if let Some(target) = obj
        .get("$ref")
        .and_then(Json::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|ptr| root.pointer(ptr))
    {
        collect(root, target, info, items, depth + 1);
    }
    if !items && depth == 0 {
        if let Some(t) = obj.get("title").and_then(Json::as_str) {
            info.title = Some(t.to_string());
        }
        if let Some(d) = obj.get("description").and_then(Json::as_str) {
            info.description = Some(d.to_string());
        }
    }
    let allowed = |info: &mut KeyInfo, v: &Json| {
        if items {
            push_unique(&mut info.item_allowed, v.clone());
        } else {
            push_unique(&mut info.allowed, v.clone());
        }
    };
    if !items {
        match obj.get("type") {
            Some(Json::String(t)) => push_unique(&mut info.types, t.clone()),
            Some(Json::Array(ts)) => {
                for t in ts.iter().filter_map(Json::as_str) {
                    push_unique(&mut info.types, t.to_string());
                }
            }
            _ => {}
        }
    }
    if let Some(values) = obj.get("enum").and_then(Json::as_array) {
        for v in values {
            allowed(info, v);
        }
    }
    if let Some(v) = obj.get("const") {
        allowed(info, v);
    }
    if obj.get("format").and_then(Json::as_str) == Some("uuid")
        || obj
            .get("pattern")
            .and_then(Json::as_str)
            .is_some_and(|p| p.contains("{8}-") && p.contains("{12}"))
    {
        info.guid = true;
    }
    for k in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = obj.get(k).and_then(Json::as_array) {
            for sub in list {
                collect(root, sub, info, items, depth + 1);
            }
        }
    }
    if let Some(it) = obj.get("items") {
        collect(root, it, info, true, depth + 1);
    }
}

/// The hover text for `key`: title, description, type and allowed values, as Markdown.
pub fn hover_markdown(key: &str, info: &KeyInfo) -> String {
    let mut out = format!("**`{key}`**");
    if let Some(t) = &info.title {
        out.push_str(&format!(" — {t}"));
    }
    out.push_str("\n\n");
    if let Some(d) = &info.description {
        out.push_str(d);
        out.push_str("\n\n");
    }
    if !info.types.is_empty() {
        let types: Vec<String> = info.types.iter().map(|t| format!("`{t}`")).collect();
        out.push_str(&format!("Type: {}\n\n", types.join(" or ")));
    }
    let show = |v: &[Json]| {
        v.iter()
            .map(|x| format!("`{}`", display(x)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let allowed: Vec<Json> = info
        .allowed
        .iter()
        .filter(|v| !matches!(v, Json::String(s) if s.is_empty()))
        .cloned()
        .collect();
    if !allowed.is_empty() {
        out.push_str(&format!("Allowed: {}\n\n", show(&allowed)));
    }
    if !info.item_allowed.is_empty() {
        out.push_str(&format!(
            "Allowed list items: {}\n\n",
            show(&info.item_allowed)
        ));
    }
    if info.guid {
        out.push_str("A UUID, e.g. `0f8fad5b-d9cb-469f-a165-70867728950e`.\n");
    }
    out.trim_end().to_string()
}

fn display(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Where the cursor is inside the front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spot {
    /// On a top-level key (or where one can be typed): the key's text so far and its range.
    Key {
        /// The key written on this line, if any.
        key: String,
        /// Its bytes (empty at an empty line).
        range: Range<usize>,
        /// Whether the line has its `:` already.
        has_colon: bool,
    },
    /// In the value of a top-level key.
    Value {
        /// The key.
        key: String,
        /// The value's bytes on this line (up to a comment), possibly empty.
        range: Range<usize>,
    },
    /// In an item of a top-level list (`  - item`).
    Item {
        /// The list's key.
        key: String,
        /// The item's bytes, possibly empty.
        range: Range<usize>,
    },
}

/// The top-level key a line holds (`key:` at column 0), with its range.
fn line_key(text: &str, line: Range<usize>) -> Option<(String, Range<usize>, usize)> {
    let s = text.get(line.clone())?;
    if s.starts_with([
        ' ', '\t', '#', '-', '[', '{', '?', '&', '*', '!', '%', '|', '>',
    ]) {
        return None;
    }
    let colon = s.find(':')?;
    let raw = &s[..colon];
    let key = raw.trim().trim_matches(['"', '\'']).to_string();
    let end = line.start + raw.trim_end().len();
    Some((key, line.start..end, line.start + colon))
}

/// The front matter's YAML lines: their indexes, from the block [`split`] finds.
fn yaml_lines(text: &str, map: &LineMap) -> Option<Range<usize>> {
    let (block, _) = split::split(text);
    let yaml = block?.yaml;
    let first = map.line_of(yaml.start);
    // The YAML range ends at the start of the closing fence's line.
    let last = if yaml.end > yaml.start {
        map.line_of(yaml.end.saturating_sub(1)) + 1
    } else {
        first
    };
    Some(first..last)
}

/// The keys written at the top level of the front matter, wherever the YAML is broken.
pub fn used_keys(text: &str, map: &LineMap) -> Vec<String> {
    let Some(lines) = yaml_lines(text, map) else {
        return Vec::new();
    };
    lines
        .filter_map(|l| map.line_range(l))
        .filter_map(|r| line_key(text, r).map(|k| k.0))
        .collect()
}

/// Whether byte `offset` is on a YAML line of the front matter.
pub fn in_front_matter(text: &str, map: &LineMap, offset: usize) -> bool {
    yaml_lines(text, map).is_some_and(|l| l.contains(&map.line_of(offset)))
}

/// What is under the cursor at byte `offset`, when it is in the front matter.
pub fn spot(text: &str, map: &LineMap, offset: usize) -> Option<Spot> {
    let lines = yaml_lines(text, map)?;
    let line = map.line_of(offset);
    if !lines.contains(&line) {
        return None;
    }
    let r = map.line_range(line)?;
    let s = text.get(r.clone())?;
    if let Some((key, krange, colon)) = line_key(text, r.clone()) {
        if offset <= colon {
            return Some(Spot::Key {
                key,
                range: krange,
                has_colon: true,
            });
        }
        let after = colon + 1;
        let rest = text.get(after..r.end).unwrap_or_default();
        let start = after + (rest.len() - rest.trim_start().len());
        let end = value_end(text, start, r.end);
        return Some(Spot::Value {
            key,
            range: start..end.max(start),
        });
    }
    let trimmed = s.trim_start();
    if let Some(item) = trimmed.strip_prefix('-') {
        if !(item.is_empty() || item.starts_with([' ', '\t'])) || s.len() == trimmed.len() {
            return None;
        }
        // The list's key: the nearest top-level key above.
        let key = (lines.start..line)
            .rev()
            .filter_map(|l| map.line_range(l))
            .find_map(|lr| line_key(text, lr))?
            .0;
        let start = r.end - item.trim_start().len();
        let end = value_end(text, start, r.end);
        return Some(Spot::Item {
            key,
            range: start..end.max(start),
        });
    }
    if s.starts_with([' ', '\t', '#']) {
        return None;
    }
    // A word with no colon yet, or an empty line: a key being typed.
    let end = r.start + s.trim_end().len();
    Some(Spot::Key {
        key: s.trim().to_string(),
        range: r.start..end,
        has_colon: false,
    })
}

/// The end of a plain value starting at `start` on a line ending at `line_end`: before a
/// ` #` comment and trailing blanks.
fn value_end(text: &str, start: usize, line_end: usize) -> usize {
    let v = text.get(start..line_end).unwrap_or_default();
    // `key:   # note`: the value is empty and the rest a comment.
    if v.starts_with('#') {
        return start;
    }
    let v = match v.find(" #") {
        Some(i) if !v.starts_with(['"', '\'']) => &v[..i],
        _ => v,
    };
    start + v.trim_end().len()
}

/// A scalar as YAML would read it back as the same text: plain when safe, else in double
/// quotes (JSON's string syntax is YAML's double-quoted syntax).
fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"',
            '%', '@', '`',
        ])
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && matches!(
            crate::frontmatter::yaml::resolve_plain(s),
            crate::frontmatter::Value::Str(_)
        );
    if plain {
        s.to_string()
    } else {
        Json::String(s.to_string()).to_string()
    }
}

/// A fresh random (version 4) UUID, lowercase, or `None` when the system has no randomness.
pub fn new_guid() -> Option<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).ok()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

fn markdown_doc(s: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: s,
    })
}

/// Completion items at byte `offset` of `text` under `schema`.
pub fn completions(
    text: &str,
    map: &LineMap,
    offset: usize,
    schema: &Schema,
) -> Vec<CompletionItem> {
    let Some(spot) = spot(text, map, offset) else {
        return Vec::new();
    };
    let edit = |range: &Range<usize>, new: String| {
        Some(CompletionTextEdit::Edit(TextEdit::new(
            map.range(text, range.clone()),
            new,
        )))
    };
    match spot {
        Spot::Key {
            key,
            range,
            has_colon,
        } => {
            let used = used_keys(text, map);
            keys(schema)
                .into_iter()
                .filter(|k| k == &key || !used.contains(k))
                .map(|k| {
                    let info = key_info(schema, &k).unwrap_or_default();
                    let new = if has_colon {
                        k.clone()
                    } else {
                        format!("{k}: ")
                    };
                    CompletionItem {
                        label: k.clone(),
                        kind: Some(CompletionItemKind::PROPERTY),
                        detail: (!info.types.is_empty()).then(|| info.types.join(" | ")),
                        documentation: Some(markdown_doc(hover_markdown(&k, &info))),
                        text_edit: edit(&range, new),
                        ..Default::default()
                    }
                })
                .collect()
        }
        Spot::Value { key, range } => {
            let Some(info) = key_info(schema, &key) else {
                return Vec::new();
            };
            let mut values: Vec<(String, String)> = info
                .allowed
                .iter()
                .filter_map(|v| match v {
                    Json::String(s) if s.is_empty() => None,
                    Json::String(s) => Some((s.clone(), yaml_scalar(s))),
                    Json::Null => None,
                    other => Some((other.to_string(), other.to_string())),
                })
                .collect();
            if info.types.iter().any(|t| t == "boolean") {
                for b in ["true", "false"] {
                    if !values.iter().any(|(l, _)| l == b) {
                        values.push((b.into(), b.into()));
                    }
                }
            }
            let mut items: Vec<CompletionItem> = values
                .into_iter()
                .map(|(label, new)| CompletionItem {
                    label,
                    kind: Some(CompletionItemKind::ENUM_MEMBER),
                    text_edit: edit(&range, new),
                    ..Default::default()
                })
                .collect();
            if info.guid
                && let Some(g) = new_guid()
            {
                items.push(CompletionItem {
                    label: g.clone(),
                    kind: Some(CompletionItemKind::VALUE),
                    detail: Some("a new random UUID".into()),
                    text_edit: edit(&range, g),
                    ..Default::default()
                });
            }
            items
        }
        Spot::Item { key, range } => {
            let Some(info) = key_info(schema, &key) else {
                return Vec::new();
            };
            info.item_allowed
                .iter()
                .filter_map(|v| match v {
                    Json::String(s) if !s.is_empty() => Some(CompletionItem {
                        label: s.clone(),
                        kind: Some(CompletionItemKind::ENUM_MEMBER),
                        text_edit: edit(&range, yaml_scalar(s)),
                        ..Default::default()
                    }),
                    _ => None,
                })
                .collect()
        }
    }
}

/// The hover text at byte `offset`, with the range it is about.
pub fn hover(
    text: &str,
    map: &LineMap,
    offset: usize,
    schema: &Schema,
) -> Option<(String, Range<usize>)> {
    let (key, range) = match spot(text, map, offset)? {
        Spot::Key { key, range, .. } => (key, range),
        Spot::Value { key, range } | Spot::Item { key, range } => (key, range),
    };
    let info = key_info(schema, &key)?;
    Some((hover_markdown(&key, &info), range))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r##"{
      "type": "object",
      "definitions": { "role": { "enum": ["architects", "developers"] } },
      "properties": {
        "title": { "title": "Title", "description": "The page title.", "type": "string" },
        "draft": { "type": "boolean", "description": "Not published yet." },
        "guid": { "type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" },
        "audience": { "type": "array", "items": { "$ref": "#/definitions/role" } },
        "level": { "anyOf": [ { "type": "null" }, { "enum": ["intro", "deep dive: internals"] } ] }
      }
    }"##;

    fn schema() -> Schema {
        Schema::from_str(SCHEMA, "test.json").unwrap()
    }

    fn at(text: &str, marker: &str) -> (String, usize) {
        let i = text.find(marker).unwrap();
        (text.replacen(marker, "", 1), i)
    }

    #[test]
    fn key_info_follows_refs_and_combinators() {
        let s = schema();
        let t = key_info(&s, "title").unwrap();
        assert_eq!(t.title.as_deref(), Some("Title"));
        assert_eq!(t.types, ["string"]);
        let a = key_info(&s, "audience").unwrap();
        assert_eq!(
            a.item_allowed,
            [Json::from("architects"), Json::from("developers")]
        );
        let l = key_info(&s, "level").unwrap();
        assert_eq!(l.types, ["null"]);
        assert_eq!(l.allowed.len(), 2);
        assert!(key_info(&s, "guid").unwrap().guid);
        assert!(key_info(&s, "nope").is_none());
    }

    #[test]
    fn spots_while_typing() {
        let (text, i) = at("---\ntitle: A\ntit|\n---\n", "|");
        let map = LineMap::new(&text);
        assert_eq!(
            spot(&text, &map, i),
            Some(Spot::Key {
                key: "tit".into(),
                range: 13..16,
                has_colon: false
            })
        );
        let (text, i) = at("---\naudience:\n  - arch|\n---\n", "|");
        let map = LineMap::new(&text);
        assert!(matches!(spot(&text, &map, i), Some(Spot::Item { key, .. }) if key == "audience"));
        let (text, i) = at("---\ndraft: |  # soon\n---\nbody|\n", "|");
        let map = LineMap::new(&text);
        assert!(
            matches!(spot(&text, &map, i), Some(Spot::Value { key, range }) if key == "draft" && range == (13..13))
        );
        // Below the closing fence: not front matter.
        let end = text.len() - 1;
        assert_eq!(spot(&text, &map, end), None);
    }

    #[test]
    fn completion_offers_unused_keys_values_and_a_guid() {
        let s = schema();
        let (text, i) = at("---\ntitle: A\n|\n---\n", "|");
        let map = LineMap::new(&text);
        let labels: Vec<String> = completions(&text, &map, i, &s)
            .into_iter()
            .map(|c| c.label)
            .collect();
        // Every key but `title`, which is used (in the order the schema map keeps).
        assert_eq!(labels, ["audience", "draft", "guid", "level"]);

        let (text, i) = at("---\ndraft: |\n---\n", "|");
        let map = LineMap::new(&text);
        let labels: Vec<String> = completions(&text, &map, i, &s)
            .into_iter()
            .map(|c| c.label)
            .collect();
        assert_eq!(labels, ["true", "false"]);

        let (text, i) = at("---\nlevel: |\n---\n", "|");
        let map = LineMap::new(&text);
        let items = completions(&text, &map, i, &s);
        let news: Vec<String> = items
            .iter()
            .map(|c| match &c.text_edit {
                Some(CompletionTextEdit::Edit(e)) => e.new_text.clone(),
                _ => String::new(),
            })
            .collect();
        // A value holding `: ` is quoted, or it would be a YAML error.
        assert_eq!(news, ["intro", "\"deep dive: internals\""]);

        let (text, i) = at("---\nguid: |\n---\n", "|");
        let map = LineMap::new(&text);
        let items = completions(&text, &map, i, &s);
        assert_eq!(items.len(), 1);
        let g = &items[0].label;
        assert_eq!(g.len(), 36);
        assert_eq!(g.as_bytes()[14], b'4', "version 4: {g}");
        assert!(matches!(g.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{g}");
        assert_ne!(new_guid(), new_guid());
    }

    #[test]
    fn hover_on_a_value_describes_its_key() {
        let s = schema();
        let (text, i) = at("---\naudience:\n  - archi|tects\n---\n", "|");
        let map = LineMap::new(&text);
        let (md, range) = hover(&text, &map, i, &s).unwrap();
        assert!(md.contains("**`audience`**"), "{md}");
        assert!(
            md.contains("Allowed list items: `architects`, `developers`"),
            "{md}"
        );
        assert_eq!(&text[range], "architects");
    }
}
