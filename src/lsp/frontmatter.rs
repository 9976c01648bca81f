//! Hover and completion inside a chapter's front matter, from the schema in force.
//!
//! Both work on the lines of the block, not on the parsed tree: while the writer types, the
//! YAML is often incomplete (`tit` with no colon yet), and the tree would be missing exactly
//! where the cursor is. The fences themselves come from [`split`], as for validation.
//!
//! The cursor's place is a path from the root ([`Step`]s): the keys of the block mappings
//! above it, by indentation, and the list items it is in (`figma:` → `url:`, or
//! `links:` → `- title:`). The schema is walked along the same path ([`resolve`]), through
//! `properties` and `items`, following local `$ref`s (`#/definitions/…`, `#/$defs/…`) and
//! every branch of `anyOf`/`oneOf`/`allOf`, so a nested key gets its own sub-schema's keys,
//! description and allowed values. Flow collections (`{a: 1}`, `[a, b]`) and block scalars
//! are not walked into: a line there gets no help rather than wrong help.

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
    /// The value is a mapping with keys of its own (`properties`).
    pub mapping: bool,
}

/// One step from the root of the front matter towards the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The value of this key of a mapping.
    Key(String),
    /// An item of a list.
    Item,
}

/// How deep `$ref`s and combinators are followed (a schema can refer to itself).
const MAX_DEPTH: usize = 16;

/// The most schema nodes gathered for one step (a schema of many alternatives stays cheap).
const MAX_NODES: usize = 256;

/// `node` and every schema it refers to or combines (`$ref`, `anyOf`, `oneOf`, `allOf`),
/// each once.
fn expand<'a>(root: &'a Json, node: &'a Json, out: &mut Vec<&'a Json>, depth: usize) {
    if depth > MAX_DEPTH || out.len() >= MAX_NODES || !node.is_object() {
        return;
    }
    if out.iter().any(|n| std::ptr::eq(*n, node)) {
        return;
    }
    out.push(node);
    if let Some(target) = ref_target(root, node) {
        expand(root, target, out, depth + 1);
    }
    for k in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = node.get(k).and_then(Json::as_array) {
            for sub in list {
                expand(root, sub, out, depth + 1);
            }
        }
    }
}

/// The target of a local `$ref` (`#/definitions/x`, `#/$defs/x`), if `node` has one.
fn ref_target<'a>(root: &'a Json, node: &Json) -> Option<&'a Json> {
    let ptr = node.get("$ref")?.as_str()?.strip_prefix('#')?;
    root.pointer(ptr)
}

/// The schema nodes that describe the value at `path` (several when the schema offers
/// alternatives); empty when the schema does not describe it.
pub fn resolve<'a>(root: &'a Json, path: &[Step]) -> Vec<&'a Json> {
    let mut at = vec![root];
    for step in path {
        let mut flat = Vec::new();
        for node in &at {
            expand(root, node, &mut flat, 0);
        }
        let mut next: Vec<&Json> = Vec::new();
        for n in flat {
            let found = match step {
                Step::Key(k) => n.get("properties").and_then(|p| p.get(k)),
                Step::Item => match n.get("items") {
                    Some(Json::Array(tuple)) => tuple.first(),
                    Some(one) => Some(one),
                    None => None,
                },
            };
            if let Some(f) = found
                && !next.iter().any(|x| std::ptr::eq(*x, f))
            {
                next.push(f);
            }
        }
        if next.is_empty() {
            return next;
        }
        at = next;
    }
    at
}

/// What `schema` says about the key at the end of `path`, or `None` when it does not
/// describe it (or `path` does not end in a key).
pub fn info_at(schema: &Schema, path: &[Step]) -> Option<KeyInfo> {
    let Some(Step::Key(key)) = path.last() else {
        return None;
    };
    let root = schema.json();
    let nodes = resolve(root, path);
    if nodes.is_empty() {
        return None;
    }
    let mut info = KeyInfo::default();
    for n in nodes {
        collect(root, n, &mut info, false, 0, true);
    }
    let k = key.to_ascii_lowercase();
    info.guid |= k == "guid" || k == "uuid" || k.ends_with("_guid") || k.ends_with("-guid");
    Some(info)
}

/// What `schema` says about the top-level key `key`, or `None` when it does not describe it.
pub fn key_info(schema: &Schema, key: &str) -> Option<KeyInfo> {
    info_at(schema, &[Step::Key(key.to_string())])
}

/// Every key `schema` describes for the mapping at `path`, in the schema's order.
pub fn keys_at(schema: &Schema, path: &[Step]) -> Vec<String> {
    let root = schema.json();
    let mut flat = Vec::new();
    for n in resolve(root, path) {
        expand(root, n, &mut flat, 0);
    }
    let mut out: Vec<String> = Vec::new();
    for n in flat {
        if let Some(p) = n.get("properties").and_then(Json::as_object) {
            for k in p.keys() {
                push_unique(&mut out, k.clone());
            }
        }
    }
    out
}

/// Every key `schema` describes at the top level, in the schema's order.
pub fn keys(schema: &Schema) -> Vec<String> {
    keys_at(schema, &[])
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// Gathers what `node` says into `info`; `items` for a list's items. The title and
/// description are the key's own (`describe`: the node itself or a `$ref` it is), the first
/// found, not those of an alternative inside `anyOf`.
fn collect(
    root: &Json,
    node: &Json,
    info: &mut KeyInfo,
    items: bool,
    depth: usize,
    describe: bool,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(obj) = node.as_object() else {
        return;
    };
    if !items && describe {
        if info.title.is_none()
            && let Some(t) = obj.get("title").and_then(Json::as_str)
        {
            info.title = Some(t.to_string());
        }
        if info.description.is_none()
            && let Some(d) = obj.get("description").and_then(Json::as_str)
        {
            info.description = Some(d.to_string());
        }
    }
    if let Some(target) = ref_target(root, node) {
        collect(root, target, info, items, depth + 1, describe);
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
        if obj.get("properties").is_some_and(Json::is_object) {
            info.mapping = true;
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
                collect(root, sub, info, items, depth + 1, false);
            }
        }
    }
    if !items && let Some(it) = obj.get("items") {
        let it = match it {
            Json::Array(tuple) => tuple.first().unwrap_or(&Json::Null),
            one => one,
        };
        collect(root, it, info, true, depth + 1, false);
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
    /// On a key (or where one can be typed): the key's text so far and its range.
    Key {
        /// The mapping the key is in (empty at the top level).
        parent: Vec<Step>,
        /// The key written on this line, if any.
        key: String,
        /// Its bytes (empty at an empty line).
        range: Range<usize>,
        /// Whether the line has its `:` already.
        has_colon: bool,
    },
    /// In the value of a key written on the line.
    Value {
        /// The key's path (ending in the key).
        path: Vec<Step>,
        /// The value's bytes on this line (up to a comment), possibly empty.
        range: Range<usize>,
    },
    /// In an item of a list (`  - item`).
    Item {
        /// The list's path (ending in its key).
        path: Vec<Step>,
        /// The item's bytes, possibly empty.
        range: Range<usize>,
    },
}

/// A key written on a line: its name, its bytes, its `:` and its column.
#[derive(Debug, Clone)]
struct LineKey {
    name: String,
    range: Range<usize>,
    colon: usize,
    col: usize,
}

/// The shape of one line of the block, as far as the path to the cursor needs it.
#[derive(Debug, Clone)]
struct Shape {
    /// Leading spaces.
    indent: usize,
    /// Empty, or only a comment.
    blank: bool,
    /// The line starts a list item (`- `); the item's content starts at this byte.
    dash: Option<usize>,
    /// A `key:` (after the dash, if any).
    key: Option<LineKey>,
}

/// The shape of the line at `line` (a byte range of `text`).
fn shape(text: &str, line: Range<usize>) -> Shape {
    let s = text.get(line.clone()).unwrap_or_default();
    let indent = s.len() - s.trim_start_matches(' ').len();
    let rest = &s[indent..];
    if rest.trim().is_empty() || rest.starts_with('#') {
        return Shape {
            indent,
            blank: true,
            dash: None,
            key: None,
        };
    }
    let mut content = indent;
    let mut dash = None;
    if let Some(after) = rest.strip_prefix('-')
        && (after.is_empty() || after.starts_with([' ', '\t']))
    {
        content = s.len() - after.trim_start().len();
        dash = Some(line.start + content);
    }
    let key = line_key(text, line.start + content..line.end).map(|(name, range, colon)| LineKey {
        name,
        range,
        colon,
        col: content,
    });
    Shape {
        indent,
        blank: false,
        dash,
        key,
    }
}

/// The key at the start of `part` (`key:` followed by a blank or the end of the line), with
/// its range and the byte of its `:`.
fn line_key(text: &str, part: Range<usize>) -> Option<(String, Range<usize>, usize)> {
    let s = text.get(part.clone())?;
    if s.starts_with([
        ' ', '\t', '#', '-', '[', '{', '?', '&', '*', '!', '%', '|', '>',
    ]) {
        return None;
    }
    // `https://x` is a value, not the key `https`: a key's `:` is followed by a blank.
    let colon = s
        .char_indices()
        .find(|&(i, c)| {
            c == ':'
                && s[i + 1..]
                    .chars()
                    .next()
                    .is_none_or(|n| n == ' ' || n == '\t')
        })?
        .0;
    let raw = &s[..colon];
    let key = raw.trim().trim_matches(['"', '\'']).to_string();
    let end = part.start + raw.trim_end().len();
    Some((key, part.start..end, part.start + colon))
}

/// The path to the mapping (or, with `item`, the list) that holds what starts at column
/// `col` of line `line`: the keys and list items above it, by indentation. `None` where the
/// lines above are not block mappings and lists (a block scalar, a root list).
fn owner(
    text: &str,
    map: &LineMap,
    lines: &Range<usize>,
    line: usize,
    col: usize,
    item: bool,
) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let (mut t, mut in_list) = (col, item);
    if t == 0 && !in_list {
        return Some(steps);
    }
    for l in (lines.start..line).rev() {
        let sh = shape(text, map.line_range(l)?);
        if sh.blank {
            continue;
        }
        if in_list {
            // An item at column `t`: its list's key is above, at a smaller column or at the
            // same one (`key:` then `- item`, YAML's compact list).
            if sh.indent > t
                || (sh.indent == t
                    && sh.dash.is_some()
                    && sh.key.as_ref().is_none_or(|k| k.col > t))
            {
                continue;
            }
        } else if sh.indent >= t && sh.dash.is_none() {
            // A sibling key, or something inside one.
            continue;
        } else if sh.indent >= t {
            // An item of a list deeper than us, or at our column (a compact list's item).
            continue;
        }
        match (sh.dash, &sh.key) {
            // `- key: value` holding us: as a sibling in the item's mapping (same column),
            // or as the owner of a list in it (`- tags:` then `  - a`).
            (Some(_), Some(k)) if !in_list && k.col == t => {
                steps.push(Step::Item);
                (t, in_list) = (sh.indent, true);
            }
            (Some(_), Some(k)) if k.col < t || (in_list && k.col <= t) => {
                steps.push(Step::Key(k.name.clone()));
                steps.push(Step::Item);
                (t, in_list) = (sh.indent, true);
            }
            (None, Some(k)) if k.col < t || (in_list && k.col <= t) => {
                steps.push(Step::Key(k.name.clone()));
                (t, in_list) = (sh.indent, false);
            }
            _ => return None,
        }
        if t == 0 && !in_list {
            steps.reverse();
            return Some(steps);
        }
    }
    None
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

/// The keys written at column `col` of the mapping that holds line `line`: its siblings
/// above and below, up to the lines that own it.
fn sibling_keys(
    text: &str,
    map: &LineMap,
    lines: &Range<usize>,
    line: usize,
    col: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    for l in (lines.start..line).rev() {
        let Some(r) = map.line_range(l) else { break };
        let sh = shape(text, r);
        if sh.blank {
            continue;
        }
        match &sh.key {
            Some(k) if k.col == col => {
                out.push(k.name.clone());
                if sh.dash.is_some() {
                    // The first key of a list item's mapping: the item starts here.
                    break;
                }
            }
            _ if sh.indent < col => break,
            _ => {}
        }
    }
    for l in line + 1..lines.end {
        let Some(r) = map.line_range(l) else { break };
        let sh = shape(text, r);
        if sh.blank {
            continue;
        }
        if sh.indent < col {
            break;
        }
        match &sh.key {
            Some(k) if k.col == col && sh.dash.is_none() => out.push(k.name.clone()),
            _ => {}
        }
    }
    out
}

/// The keys written at the top level of the front matter, wherever the YAML is broken.
pub fn used_keys(text: &str, map: &LineMap) -> Vec<String> {
    let Some(lines) = yaml_lines(text, map) else {
        return Vec::new();
    };
    lines
        .filter_map(|l| map.line_range(l))
        .filter_map(|r| {
            let sh = shape(text, r);
            sh.key
                .filter(|k| k.col == 0 && sh.dash.is_none())
                .map(|k| k.name)
        })
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
    let sh = shape(text, r.clone());
    if sh.blank {
        if s.trim_start().starts_with('#') {
            return None;
        }
        // An empty line: a key can be typed at its indentation.
        let parent = owner(text, map, &lines, line, sh.indent, false)?;
        return Some(Spot::Key {
            parent,
            key: String::new(),
            range: offset..offset,
            has_colon: false,
        });
    }
    let list = |item_col: usize| owner(text, map, &lines, line, item_col, true);
    if let Some(k) = &sh.key {
        let mut parent = match sh.dash {
            Some(_) => {
                let mut p = list(sh.indent)?;
                p.push(Step::Item);
                p
            }
            None => owner(text, map, &lines, line, k.col, false)?,
        };
        if offset <= k.colon {
            return Some(Spot::Key {
                parent,
                key: k.name.clone(),
                range: k.range.clone(),
                has_colon: true,
            });
        }
        let after = k.colon + 1;
        let rest = text.get(after..r.end).unwrap_or_default();
        let start = after + (rest.len() - rest.trim_start().len());
        let end = value_end(text, start, r.end);
        parent.push(Step::Key(k.name.clone()));
        return Some(Spot::Value {
            path: parent,
            range: start..end.max(start),
        });
    }
    if let Some(start) = sh.dash {
        let path = list(sh.indent)?;
        let end = value_end(text, start, r.end);
        return Some(Spot::Item {
            path,
            range: start..end.max(start),
        });
    }
    if s[sh.indent..].starts_with(['\t', '[', '{', '?', '&', '*', '!', '%', '|', '>']) {
        return None;
    }
    // A word with no colon yet: a key being typed.
    let parent = owner(text, map, &lines, line, sh.indent, false)?;
    let end = r.start + s.trim_end().len();
    Some(Spot::Key {
        parent,
        key: s.trim().to_string(),
        range: r.start + sh.indent..end,
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
pub fn yaml_scalar(s: &str) -> String {
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
    let key_items = |parent: &[Step], key: &str, range: &Range<usize>, has_colon: bool| {
        let line = map.line_of(range.start);
        let col = range.start - map.line_range(line).map_or(range.start, |r| r.start);
        let used = match yaml_lines(text, map) {
            Some(lines) => sibling_keys(text, map, &lines, line, col),
            None => Vec::new(),
        };
        let mut path = parent.to_vec();
        keys_at(schema, parent)
            .into_iter()
            .filter(|k| k == key || !used.contains(k))
            .map(|k| {
                path.push(Step::Key(k.clone()));
                let info = info_at(schema, &path).unwrap_or_default();
                path.pop();
                let new = if has_colon {
                    k.clone()
                } else {
                    format!("{}: ", yaml_scalar(&k))
                };
                CompletionItem {
                    label: k.clone(),
                    kind: Some(CompletionItemKind::PROPERTY),
                    detail: (!info.types.is_empty()).then(|| info.types.join(" | ")),
                    documentation: Some(markdown_doc(hover_markdown(&k, &info))),
                    text_edit: edit(range, new),
                    ..Default::default()
                }
            })
            .collect::<Vec<_>>()
    };
    match spot {
        Spot::Key {
            parent,
            key,
            range,
            has_colon,
        } => key_items(&parent, &key, &range, has_colon),
        Spot::Value { path, range } => {
            let Some(info) = info_at(schema, &path) else {
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
        Spot::Item { path, range } => {
            let Some(info) = info_at(schema, &path) else {
                return Vec::new();
            };
            let mut items: Vec<CompletionItem> = info
                .item_allowed
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
                .collect();
            // An item that is a mapping (`- title: …`): its first key can be typed here.
            let mut item = path.clone();
            item.push(Step::Item);
            let typed = text.get(range.clone()).unwrap_or_default();
            if !typed.contains(':') {
                items.extend(key_items(&item, typed.trim(), &range, false));
            }
            items
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
    let (path, range) = match spot(text, map, offset)? {
        Spot::Key {
            mut parent,
            key,
            range,
            ..
        } => {
            parent.push(Step::Key(key));
            (parent, range)
        }
        Spot::Value { path, range } | Spot::Item { path, range } => (path, range),
    };
    let info = info_at(schema, &path)?;
    let Some(Step::Key(key)) = path.last() else {
        return None;
    };
    Some((hover_markdown(key, &info), range))
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
                parent: Vec::new(),
                key: "tit".into(),
                range: 13..16,
                has_colon: false
            })
        );
        let (text, i) = at("---\naudience:\n  - arch|\n---\n", "|");
        let map = LineMap::new(&text);
        assert!(
            matches!(spot(&text, &map, i), Some(Spot::Item { path, .. }) if path == [Step::Key("audience".into())])
        );
        let (text, i) = at("---\ndraft: |  # soon\n---\nbody|\n", "|");
        let map = LineMap::new(&text);
        assert!(
            matches!(spot(&text, &map, i), Some(Spot::Value { path, range }) if path == [Step::Key("draft".into())] && range == (13..13))
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

    /// A team schema with an object property (through `$defs`), a nested enum, and a list
    /// of mappings.
    const NESTED: &str = r##"{
      "type": "object",
      "$defs": {
        "design": {
          "type": "object",
          "description": "Where the design lives.",
          "properties": {
            "url": { "type": "string", "description": "Link to the design file." },
            "stage": { "enum": ["sketch", "final"] },
            "owners": { "type": "array", "items": { "enum": ["ux", "docs"] } }
          }
        }
      },
      "properties": {
        "title": { "type": "string" },
        "figma": { "$ref": "#/$defs/design" },
        "links": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "href": { "type": "string", "description": "Where it goes." },
              "kind": { "enum": ["video", "sample"] }
            }
          }
        }
      }
    }"##;

    fn labels(text: &str, marker: &str, s: &Schema) -> Vec<String> {
        let (text, i) = at(text, marker);
        let map = LineMap::new(&text);
        completions(&text, &map, i, s)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn paths_follow_indentation_lists_and_compact_lists() {
        let k = |s: &str| Step::Key(s.into());
        let text = "---\nfigma:\n  url: x\n  owners:\n  - ux\nlinks:\n  - href: a\n    kind: video\n  - kind: sample\n    tags:\n      - t\n---\n";
        let map = LineMap::new(text);
        let path_at = |needle: &str| match spot(text, &map, text.find(needle).unwrap()) {
            Some(Spot::Key {
                mut parent, key, ..
            }) => {
                parent.push(Step::Key(key));
                parent
            }
            Some(Spot::Value { path, .. }) => path,
            Some(Spot::Item { mut path, .. }) => {
                path.push(Step::Item);
                path
            }
            None => Vec::new(),
        };
        assert_eq!(path_at("url"), [k("figma"), k("url")]);
        assert_eq!(path_at(" x"), [k("figma"), k("url")]);
        // `owners:` then `- ux` at the same column: YAML's compact list.
        assert_eq!(path_at("ux"), [k("figma"), k("owners"), Step::Item]);
        assert_eq!(path_at("href"), [k("links"), Step::Item, k("href")]);
        assert_eq!(path_at("kind: video"), [k("links"), Step::Item, k("kind")]);
        assert_eq!(path_at("sample"), [k("links"), Step::Item, k("kind")]);
        assert_eq!(
            path_at("t\n---"),
            [k("links"), Step::Item, k("tags"), Step::Item]
        );
        // A block scalar's lines are not keys of anything.
        let text = "---\nsummary: |\n  first\n    deeper: x\n---\n";
        let map = LineMap::new(text);
        assert_eq!(spot(text, &map, text.find("deeper").unwrap()), None);
    }

    #[test]
    fn nested_keys_values_and_items_get_their_sub_schema() {
        let s = Schema::from_str(NESTED, "team.json").unwrap();
        // Keys of the object property, not the top level's; `url` is used already. (The
        // schema's keys come in name order: serde_json's map is sorted.)
        assert_eq!(
            labels("---\nfigma:\n  url: x\n  |\n---\n", "|", &s),
            ["owners", "stage"]
        );
        assert_eq!(
            labels("---\nfigma:\n  st|\n---\n", "|", &s),
            ["owners", "stage", "url"]
        );
        // The nested enum, and the nested list's items (compact and indented).
        assert_eq!(
            labels("---\nfigma:\n  stage: |\n---\n", "|", &s),
            ["sketch", "final"]
        );
        assert_eq!(
            labels("---\nfigma:\n  owners:\n  - |\n---\n", "|", &s),
            ["ux", "docs"]
        );
        assert_eq!(
            labels("---\nfigma:\n  owners:\n    - d|\n---\n", "|", &s),
            ["ux", "docs"]
        );
        // A list of mappings: the item's keys, on the dash line and below it.
        assert_eq!(
            labels("---\nlinks:\n  - |\n---\n", "|", &s),
            ["href", "kind"]
        );
        assert_eq!(
            labels("---\nlinks:\n  - href: a\n    |\n---\n", "|", &s),
            ["kind"]
        );
        assert_eq!(
            labels("---\nlinks:\n  - href: a\n    kind: |\n---\n", "|", &s),
            ["video", "sample"]
        );
        // The top level is unchanged by what is nested.
        assert_eq!(
            labels("---\nfigma:\n  url: x\n|\n---\n", "|", &s),
            ["links", "title"]
        );

        let (text, i) = at("---\nfigma:\n  u|rl: x\n---\n", "|");
        let map = LineMap::new(&text);
        let (md, range) = hover(&text, &map, i, &s).unwrap();
        assert!(md.starts_with("**`url`**"), "{md}");
        assert!(md.contains("Link to the design file."), "{md}");
        assert_eq!(&text[range], "url");
        // The object key itself: the description behind its `$ref`.
        let (text, i) = at("---\nfig|ma:\n  url: x\n---\n", "|");
        let map = LineMap::new(&text);
        let (md, _) = hover(&text, &map, i, &s).unwrap();
        assert!(
            md.contains("Where the design lives.") && md.contains("`object`"),
            "{md}"
        );
        let (text, i) = at("---\nlinks:\n  - kind: vi|deo\n---\n", "|");
        let map = LineMap::new(&text);
        let (md, _) = hover(&text, &map, i, &s).unwrap();
        assert!(md.contains("Allowed: `video`, `sample`"), "{md}");
    }
}
