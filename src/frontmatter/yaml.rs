//! YAML 1.2 with a byte span on every node, bounded in size, depth and alias expansion.
//!
//! We drive `saphyr-parser`'s event iterator ourselves instead of using a recursive loader:
//! the tree is built with an explicit stack, so a 100 000-level `[[[[…` block cannot overflow
//! the thread's stack, and the depth counter stops the parse long before that. Aliases are
//! expanded by cloning the anchored node, and every clone is charged to the node budget, so an
//! "alias bomb" ends in one diagnostic instead of gigabytes of memory.
//!
//! Scalars are resolved with the YAML 1.2 *core* schema: only plain (unquoted) scalars are
//! typed; `yes`/`on`/`y` stay strings and `012` is the integer 12 (the schema checker explains
//! the YAML 1.1 readings in its help lines). Integers beyond `i64` stay strings, as written.
//!
//! saphyr reports positions in *characters* from the start of the text it was given; we map
//! them to byte offsets into the whole chapter (the YAML slice never contains the BOM, which
//! sits before the opening fence).
//!
//! Rule codes owned here:
//!
//! - `PL110` — YAML syntax error (with a quoting hint for an unquoted `: ` inside a value).
//! - `PL111` — a tab used for indentation or separation.
//! - `PL112` — a duplicate key; the first one wins, `related` points at it.
//! - `PL113` — a key that is not a string (number, boolean, null, list, mapping).
//! - `PL114` — a merge key `<<`; not supported, the entry is ignored.
//! - `PL115` — the root is not a mapping (a scalar or a list); no data is returned.
//! - `PL116` — the block is larger than `Limits::max_bytes`; it is not parsed.
//! - `PL117` — nesting deeper than `Limits::max_depth`; parsing stops.
//! - `PL118` — more than `Limits::max_nodes` nodes, counting alias expansions; parsing stops.
//! - `PL119` — more than one YAML document in the block; only the first is used.
//! - `PL120` — a custom tag (`!foo`); the tag is ignored and the value kept (warning).

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use crate::diagnostic::Diagnostic;

/// Bounds on what a front matter block may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest YAML text accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes produced, counting every alias expansion.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 256 * 1024,
            max_depth: 64,
            max_nodes: 100_000,
        }
    }
}

/// A YAML node and where it is in the chapter.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Byte range in the chapter. For a scalar this is its text (with quotes, and with any
    /// anchor or tag before it); for a collection, from its first to its last character.
    pub span: Range<usize>,
}

/// A mapping entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key node.
    pub key: Node,
    /// The value node.
    pub value: Node,
}

/// YAML 1.2 core-schema values.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or empty.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits in i64.
    Int(i64),
    /// A float, including `.inf` and `.nan`.
    Float(f64),
    /// A string (also integers too large for i64, kept as written).
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<Entry>),
}

impl Node {
    /// The value of `key` when this is a mapping with a string key `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry for `key` when this is a mapping with a string key `key`.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|e| matches!(&e.key.value, Value::Str(k) if k == key)),
            _ => None,
        }
    }

    /// The span of the key `key` (not its value), for "unknown key" style reports.
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.entry(key).map(|e| e.key.span.clone())
    }

    /// The string, when this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Any non-null scalar as display text (`true`, `42`, `1.5`, `.inf`, the string itself).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(float_text(*f)),
            Value::Str(s) => Some(s.clone()),
        }
    }

    /// A list of strings: the scalars of a sequence, or a scalar split on commas (the
    /// `tags: a, b, c` shape), trimmed, empty items dropped. Null gives an empty list.
    pub fn string_list(&self) -> Vec<String> {
        match &self.value {
            Value::Seq(items) => items
                .iter()
                .filter_map(Node::scalar_text)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            Value::Str(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            _ => self.scalar_text().into_iter().collect(),
        }
    }

    /// The value as JSON, for schema validation. Non-finite floats (which JSON cannot hold)
    /// become the strings `.inf`, `-.inf` and `.nan`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        // Iterative would be overkill: depth is bounded by `Limits::max_depth` at parse time.
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or_else(|| J::String(float_text(*f))),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| {
                        let k = e.key.scalar_text().unwrap_or_default();
                        (k, e.value.to_json())
                    })
                    .collect(),
            ),
        }
    }
}

/// YAML spelling of a float (`.inf`, `-.inf`, `.nan`), Rust's shortest form otherwise.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_string()
    } else {
        let s = f.to_string();
        // `1.0` prints as `1`; keep it recognisably a float.
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(v) = resolve_int(text) {
        return v;
    }
    if is_core_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`. Too large for i64: kept as a string.
fn resolve_int(text: &str) -> Option<Value> {
    let (radix, digits, negative) = if let Some(d) = text.strip_prefix("0o") {
        (8, d, false)
    } else if let Some(d) = text.strip_prefix("0x") {
        (16, d, false)
    } else {
        let (neg, d) = match text.as_bytes().first() {
            Some(b'-') => (true, text.get(1..)?),
            Some(b'+') => (false, text.get(1..)?),
            _ => (false, text),
        };
        (10, d, neg)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let parsed = if negative {
        i64::from_str_radix(&format!("-{digits}"), radix)
    } else {
        i64::from_str_radix(digits, radix)
    };
    Some(match parsed {
        Ok(i) => Value::Int(i),
        Err(_) => Value::Str(text.to_string()),
    })
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            frac_digits += 1;
        }
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// Maps saphyr's character indexes (into the YAML slice) to byte offsets in the chapter.
struct Offsets {
    base: usize,
    /// Byte offset (relative to the slice) of each character; empty when the slice is ASCII.
    table: Vec<usize>,
    len: usize,
}

impl Offsets {
    fn new(text: &str, base: usize) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).collect()
        };
        Offsets {
            base,
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let rel = if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        };
        self.base + rel
    }

    fn span(&self, s: &Span) -> Range<usize> {
        self.byte(s.start.index())..self.byte(s.end.index())
    }
}

/// A collection under construction.
struct Frame {
    kind: FrameKind,
    /// Span of the start event (`[`, `{`, or empty for block collections).
    start: Range<usize>,
    anchor: usize,
    /// Node count when the frame opened, to know what an anchor on it costs to copy.
    count_at_start: usize,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        pending_key: Option<Node>,
        /// Key text → index in `entries`, for duplicate detection in O(1).
        seen: HashMap<String, usize>,
        /// A key that was rejected (merge key, complex key): drop its value too.
        skip_value: bool,
    },
}

/// Why the event loop stopped early.
enum Stop {
    Done,
    Abort,
}

struct Builder<'s> {
    src: &'s str,
    offsets: Offsets,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    count: usize,
    root: Option<Node>,
    diagnostics: Vec<Diagnostic>,
}

/// Parses `src[range]` as YAML. Spans in the result are offsets into `src`.
///
/// Returns the root node when the YAML parsed and its root is a mapping (or empty, which gives
/// `Value::Null`), and diagnostics for everything wrong on the way (codes in the module docs).
pub fn parse(src: &str, range: Range<usize>, limits: &Limits) -> (Option<Node>, Vec<Diagnostic>) {
    let Some(text) = src.get(range.clone()) else {
        return (None, Vec::new());
    };
    if text.len() > limits.max_bytes {
        // Point at the start of the block only: a 10 MB span helps nobody.
        let mut first_line_end = memchr::memchr(b'\n', text.as_bytes())
            .unwrap_or(text.len())
            .min(80);
        while !text.is_char_boundary(first_line_end) {
            first_line_end -= 1;
        }
        let d = Diagnostic::error(
            "PL116",
            range.start..range.start + first_line_end,
            format!(
                "front matter is {} bytes, over the limit of {} bytes; it was not read",
                text.len(),
                limits.max_bytes
            ),
        )
        .with_help("front matter is for short metadata: move long content into the page");
        return (None, vec![d]);
    }

    let mut b = Builder {
        src,
        offsets: Offsets::new(text, range.start),
        limits: *limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        count: 0,
        root: None,
        diagnostics: Vec::new(),
    };
    let mut documents = 0usize;
    let mut aborted = false;
    for item in Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(ev) => ev,
            Err(e) => {
                let at = b.offsets.byte(e.marker().index());
                let d = if e.info().contains("recursion limit") {
                    // saphyr's own guard on flow nesting fires before our depth counter
                    // sees the events, when the brackets are scanned ahead.
                    depth_diagnostic(src, at..at, limits.max_depth)
                } else {
                    syntax_error(src, range.clone(), at, e.info())
                };
                b.diagnostics.push(d);
                aborted = true;
                break;
            }
        };
        if let Event::DocumentStart(_) = event {
            documents += 1;
            if documents > 1 {
                b.diagnostics.push(
                    Diagnostic::warning(
                        "PL119",
                        b.offsets.span(&span),
                        "more than one YAML document in the front matter; only the first is used",
                    )
                    .with_help("remove the `---` or `...` line inside the block"),
                );
                break;
            }
            continue;
        }
        match b.on_event(event, &span) {
            Ok(()) => {}
            Err(Stop::Done) => break,
            Err(Stop::Abort) => {
                aborted = true;
                break;
            }
        }
    }
    if aborted {
        return (None, b.diagnostics);
    }
    b.report_indent_tabs(range.clone());
    let root = match b.root.take() {
        None => Some(Node {
            value: Value::Null,
            span: range.start..range.start,
        }),
        Some(
            n @ Node {
                value: Value::Map(_) | Value::Null,
                ..
            },
        ) => Some(n),
        Some(n) => {
            let what = if matches!(n.value, Value::Seq(_)) {
                "a list"
            } else {
                "a single value"
            };
            b.diagnostics.push(
                Diagnostic::error(
                    "PL115",
                    n.span.clone(),
                    format!(
                        "front matter must be a mapping of `key: value` lines, but it is {what}"
                    ),
                )
                .with_help("write each field on its own line as `key: value`"),
            );
            None
        }
    };
    (root, b.diagnostics)
}

impl Builder<'_> {
    fn on_event(&mut self, event: Event<'_>, span: &Span) -> Result<(), Stop> {
        let bytes = self.offsets.span(span);
        let is_seq = matches!(event, Event::SequenceStart(..));
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.charge(1, &bytes)?;
                let value = self.scalar_value(&text, style, tag.as_deref(), &bytes);
                let node = Node { value, span: bytes };
                if anchor != 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.complete(node)
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if let Some(tag) = tag.as_deref() {
                    self.custom_tag(tag, &bytes);
                }
                self.charge(1, &bytes)?;
                if self.stack.len() >= self.limits.max_depth {
                    self.diagnostics
                        .push(depth_diagnostic(self.src, bytes, self.limits.max_depth));
                    return Err(Stop::Abort);
                }
                let kind = if is_seq {
                    FrameKind::Seq(Vec::new())
                } else {
                    FrameKind::Map {
                        entries: Vec::new(),
                        pending_key: None,
                        seen: HashMap::new(),
                        skip_value: false,
                    }
                };
                self.stack.push(Frame {
                    kind,
                    start: bytes,
                    anchor,
                    count_at_start: self.count - 1,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (value, first, last) = match frame.kind {
                    FrameKind::Seq(items) => {
                        let first = items.first().map(|n| n.span.start);
                        let last = items.last().map(|n| n.span.end);
                        (Value::Seq(items), first, last)
                    }
                    FrameKind::Map { entries, .. } => {
                        let first = entries.first().map(|e| e.key.span.start);
                        let last = entries.last().map(|e| e.value.span.end.max(e.key.span.end));
                        (Value::Map(entries), first, last)
                    }
                };
                // Flow collections have real `[`/`]` spans; block ones have empty markers, so
                // their extent is that of their children.
                let start = first.map_or(frame.start.start, |f| f.min(frame.start.start));
                let end = if bytes.end > bytes.start {
                    bytes.end
                } else {
                    last.unwrap_or(frame.start.end).max(frame.start.end)
                };
                let node = Node {
                    value,
                    span: start..end.max(start),
                };
                if frame.anchor != 0 {
                    let cost = self.count - frame.count_at_start;
                    self.anchors.insert(frame.anchor, (node.clone(), cost));
                }
                self.complete(node)
            }
            Event::Alias(id) => {
                let Some((node, cost)) = self.anchors.get(&id).cloned() else {
                    return Ok(());
                };
                self.charge(cost, &bytes)?;
                // The copy keeps the anchored node's inner spans; the alias itself is where
                // the value is used, so its outer span points at `*name`.
                let node = Node {
                    value: node.value,
                    span: bytes,
                };
                self.complete(node)
            }
            Event::StreamEnd => Err(Stop::Done),
            Event::DocumentEnd | Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {
                Ok(())
            }
        }
    }

    /// Counts `n` more nodes; stops the parse past the budget (alias bombs end here).
    fn charge(&mut self, n: usize, at: &Range<usize>) -> Result<(), Stop> {
        self.count = self.count.saturating_add(n);
        if self.count > self.limits.max_nodes {
            self.diagnostics.push(
                Diagnostic::error(
                    "PL118",
                    at.clone(),
                    format!(
                        "front matter expands to more than {} values (counting every alias); parsing stopped",
                        self.limits.max_nodes
                    ),
                )
                .with_help("front matter should not need anchors and aliases (`&x`, `*x`); write the values out"),
            );
            return Err(Stop::Abort);
        }
        Ok(())
    }

    fn scalar_value(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: &Range<usize>,
    ) -> Value {
        let plain = style == ScalarStyle::Plain;
        match tag {
            None if plain => resolve_plain(text),
            None => Value::Str(text.to_string()),
            Some(tag) if tag.is_yaml_core_schema() => match tag.suffix.as_str() {
                "str" => Value::Str(text.to_string()),
                suffix => {
                    let v = resolve_plain(text);
                    let fits = matches!(
                        (suffix, &v),
                        ("null", Value::Null)
                            | ("bool", Value::Bool(_))
                            | ("int", Value::Int(_))
                            | ("float", Value::Float(_))
                    );
                    match (suffix, v) {
                        (_, v) if fits => v,
                        ("float", Value::Int(i)) => Value::Float(i as f64),
                        _ => Value::Str(text.to_string()),
                    }
                }
            },
            // `! value` is the non-specific tag: "a string, do not resolve".
            // saphyr spells it as an empty handle with suffix `!`.
            Some(tag)
                if (tag.handle == "!" && tag.suffix.is_empty())
                    || (tag.handle.is_empty() && tag.suffix == "!") =>
            {
                Value::Str(text.to_string())
            }
            Some(tag) => {
                self.custom_tag(tag, span);
                if plain {
                    resolve_plain(text)
                } else {
                    Value::Str(text.to_string())
                }
            }
        }
    }

    fn custom_tag(&mut self, tag: &Tag, span: &Range<usize>) {
        if tag.is_yaml_core_schema() {
            return;
        }
        self.diagnostics.push(
            Diagnostic::warning(
                "PL120",
                span.clone(),
                format!("YAML tag `{tag}` is ignored"),
            )
            .with_help("remove the tag; front matter values are plain data"),
        );
    }

    /// Attaches a finished node to its parent (or makes it the root).
    fn complete(&mut self, node: Node) -> Result<(), Stop> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map {
                entries,
                pending_key,
                seen,
                skip_value,
            } => match pending_key.take() {
                None => {
                    match check_key(self.src, node) {
                        KeyCheck::Accept(key) => *pending_key = Some(key),
                        KeyCheck::Keep(key, d) => {
                            self.diagnostics.push(d);
                            *pending_key = Some(key);
                        }
                        KeyCheck::Reject(d) => {
                            self.diagnostics.push(d);
                            *skip_value = true;
                            // Keep the slot filled so the next node is taken as the value.
                            *pending_key = Some(Node {
                                value: Value::Null,
                                span: 0..0,
                            });
                        }
                    }
                }
                Some(key) => {
                    if std::mem::take(skip_value) {
                        return Ok(());
                    }
                    // `check_key` only lets string keys through.
                    let name = key.as_str().unwrap_or_default();
                    if let Some(first) = find_key(entries, seen, name) {
                        let first_span = entries
                            .get(first)
                            .map(|e| e.key.span.clone())
                            .unwrap_or_default();
                        self.diagnostics.push(
                            Diagnostic::error(
                                "PL112",
                                key.span.clone(),
                                format!("duplicate key `{name}`; the first one is used"),
                            )
                            .with_help("remove one of the two, or merge their values")
                            .with_related(first_span, "first defined here"),
                        );
                    } else {
                        if !seen.is_empty() {
                            seen.insert(name.to_string(), entries.len());
                        }
                        entries.push(Entry { key, value: node });
                    }
                }
            },
        }
        Ok(())
    }

    /// Tabs in the leading whitespace of a line that the parser accepted (saphyr lets a tab
    /// through at the start of a top-level line). Lines inside block scalars are content.
    fn report_indent_tabs(&mut self, range: Range<usize>) {
        let Some(text) = self.src.get(range.clone()) else {
            return;
        };
        // Nearly every block has no tab at all: one `memchr` instead of a walk over its lines.
        if memchr::memchr(b'\t', text.as_bytes()).is_none() {
            return;
        }
        let mut block_scalars = Vec::new();
        if let Some(root) = &self.root {
            collect_multiline_scalars(root, &mut block_scalars);
        }
        let mut pos = range.start;
        for line in text.split_inclusive('\n') {
            let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
            if let Some(tab) = line.get(..lead).and_then(|l| l.find('\t')) {
                let at = pos + tab;
                if !block_scalars.iter().any(|r: &Range<usize>| r.contains(&at)) {
                    self.diagnostics.push(tab_diagnostic(at));
                }
            }
            pos += line.len();
        }
    }
}

/// Mappings up to this size find duplicate keys by a scan of their entries; larger ones build
/// a key index once. Front matter has a dozen keys, and a hash map per mapping cost an
/// allocation per key on every chapter.
const SCAN_KEYS: usize = 16;

/// Index in `entries` of the entry whose key is `name`. `seen` stays empty while the mapping
/// is small, and is filled (then kept up to date by the caller) once it is not.
fn find_key(entries: &[Entry], seen: &mut HashMap<String, usize>, name: &str) -> Option<usize> {
    if entries.len() < SCAN_KEYS {
        return entries.iter().position(|e| e.key.as_str() == Some(name));
    }
    if seen.is_empty() {
        for (i, e) in entries.iter().enumerate() {
            if let Some(k) = e.key.as_str() {
                seen.entry(k.to_string()).or_insert(i);
            }
        }
    }
    seen.get(name).copied()
}

/// Spans of string scalars that cover more than one line (block scalars, folded quotes).
fn collect_multiline_scalars(root: &Node, out: &mut Vec<Range<usize>>) {
    let mut todo = vec![root];
    while let Some(n) = todo.pop() {
        match &n.value {
            Value::Str(s) if s.contains('\n') => out.push(n.span.clone()),
            Value::Seq(items) => todo.extend(items.iter()),
            Value::Map(entries) => todo.extend(entries.iter().flat_map(|e| [&e.key, &e.value])),
            _ => {}
        }
    }
}

fn depth_diagnostic(src: &str, span: Range<usize>, max_depth: usize) -> Diagnostic {
    // Block collections start with an empty marker: point at the character there instead.
    let span = if span.is_empty() {
        let at = span.start;
        let end = src
            .get(at..)
            .and_then(|r| r.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        at..end
    } else {
        span
    };
    Diagnostic::error(
        "PL117",
        span,
        format!("front matter nests deeper than {max_depth} levels; parsing stopped"),
    )
    .with_help("front matter holds flat metadata: a key with a value or a list")
}

fn tab_diagnostic(at: usize) -> Diagnostic {
    Diagnostic::error("PL111", at..at + 1, "tab character in YAML indentation")
        .with_help("YAML does not allow tabs for indentation: use spaces")
}

/// What to do with a mapping key.
enum KeyCheck {
    /// A string key.
    Accept(Node),
    /// A non-string scalar key, reported and kept under its text so validation still sees it.
    Keep(Node, Diagnostic),
    /// A merge key or a collection key: reported, entry dropped.
    Reject(Diagnostic),
}

/// Accepts string keys; reports merge keys and non-string keys.
fn check_key(src: &str, key: Node) -> KeyCheck {
    let raw = src.get(key.span.clone()).unwrap_or_default();
    match &key.value {
        Value::Str(s) if s == "<<" && raw == "<<" => KeyCheck::Reject(
            Diagnostic::error(
                "PL114",
                key.span.clone(),
                "merge keys (`<<`) are not supported in front matter; this entry is ignored",
            )
            .with_help("write the fields out instead of merging an anchor"),
        ),
        Value::Str(_) => KeyCheck::Accept(key),
        Value::Seq(_) | Value::Map(_) => KeyCheck::Reject(Diagnostic::error(
            "PL113",
            key.span.clone(),
            "a list or mapping cannot be a front matter key; this entry is ignored",
        )),
        other => {
            let what = match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Int(_) => "an integer",
                _ => "a number",
            };
            let d = Diagnostic::error(
                "PL113",
                key.span.clone(),
                format!("front matter keys must be text, but this key is {what}"),
            );
            match key.scalar_text() {
                None => KeyCheck::Reject(
                    d.with_help("give the entry a name before the `:`; this entry is ignored"),
                ),
                Some(text) => KeyCheck::Keep(
                    Node {
                        value: Value::Str(text.clone()),
                        span: key.span,
                    },
                    d.with_help(format!("quote it if it is meant as text: `\"{text}\"`")),
                ),
            }
        }
    }
}

/// A syntax error at byte `at`, with help for the common shapes.
fn syntax_error(src: &str, range: Range<usize>, at: usize, info: &str) -> Diagnostic {
    let at = at.clamp(range.start, range.end);
    let end = src
        .get(at..)
        .and_then(|r| r.chars().next())
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(at, |c| at + c.len_utf8());
    let line_start = src
        .get(..at)
        .and_then(|s| s.rfind('\n'))
        .map_or(range.start, |i| i + 1);
    let line_end = src
        .get(at..range.end)
        .and_then(|s| s.find('\n'))
        .map_or(range.end, |i| at + i);
    let line = src
        .get(line_start..line_end)
        .unwrap_or_default()
        .trim_end_matches('\r');

    if info.contains("tab") {
        let tab = src
            .get(line_start..range.end)
            .and_then(|s| s.find('\t'))
            .map(|i| line_start + i);
        if let Some(tab) = tab {
            return tab_diagnostic(tab).with_help(
                "YAML does not allow tabs for indentation or after `:` here: use spaces",
            );
        }
    }
    let mut d = Diagnostic::error("PL110", at..end, format!("invalid YAML: {info}"));
    if info.contains("mapping values are not allowed") {
        if let Some((key, value)) = line.split_once(": ") {
            let value = value.trim();
            let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
            d = d
                .with_help(format!(
                    "a `: ` inside a value starts a new mapping; quote the value: `{}: \"{quoted}\"`",
                    key.trim_end()
                ))
                .with_related(line_start..line_end, "in this line");
            d.message = "invalid YAML: unquoted `: ` inside a value".to_string();
        }
    } else if info.contains("unexpected character") || info.contains("cannot start any token") {
        d = d.with_help(
            "values starting with `@`, `` ` ``, `%`, `|`, `>` and similar must be quoted",
        );
    } else if info.contains("did not find expected") || info.contains("expected") {
        d = d.with_help("check the indentation and that every `[`, `{` and quote is closed");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(src: &str) -> (Option<Node>, Vec<Diagnostic>) {
        parse(src, 0..src.len(), &Limits::default())
    }

    fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(|d| d.code).collect()
    }

    #[test]
    fn core_schema_resolution() {
        assert_eq!(resolve_plain(""), Value::Null);
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("True"), Value::Bool(true));
        assert_eq!(resolve_plain("yes"), Value::Str("yes".into()));
        assert_eq!(resolve_plain("on"), Value::Str("on".into()));
        assert_eq!(resolve_plain("012"), Value::Int(12));
        assert_eq!(resolve_plain("0o17"), Value::Int(15));
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("-42"), Value::Int(-42));
        assert_eq!(resolve_plain("1_000"), Value::Str("1_000".into()));
        assert_eq!(resolve_plain("1:20"), Value::Str("1:20".into()));
        assert_eq!(resolve_plain("1.10"), Value::Float(1.1));
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        assert_eq!(resolve_plain(".5"), Value::Float(0.5));
        assert_eq!(resolve_plain("-.inf"), Value::Float(f64::NEG_INFINITY));
        assert!(matches!(resolve_plain(".NaN"), Value::Float(f) if f.is_nan()));
        assert_eq!(
            resolve_plain("99999999999999999999"),
            Value::Str("99999999999999999999".into())
        );
        assert_eq!(resolve_plain("2024-02-30"), Value::Str("2024-02-30".into()));
        assert_eq!(resolve_plain("."), Value::Str(".".into()));
        assert_eq!(resolve_plain("1e"), Value::Str("1e".into()));
    }

    #[test]
    fn spans_are_bytes_into_the_chapter() {
        let src = "---\nsummary: « é »\ntags: [a, \"ü\"]\nn: 3\n---\n";
        let yaml = 4..src.len() - 4;
        let (root, d) = parse(src, yaml, &Limits::default());
        assert!(d.is_empty(), "{d:?}");
        let root = root.unwrap();
        let summary = root.get("summary").unwrap();
        assert_eq!(&src[summary.span.clone()], "« é »");
        assert_eq!(&src[root.key_span("tags").unwrap()], "tags");
        let tags = root.get("tags").unwrap();
        assert_eq!(&src[tags.span.clone()], "[a, \"ü\"]");
        assert_eq!(tags.string_list(), ["a", "ü"]);
        let n = root.get("n").unwrap();
        assert_eq!(&src[n.span.clone()], "3");
        assert_eq!(n.value, Value::Int(3));
        assert_eq!(
            &src[root.span.clone()],
            "summary: « é »\ntags: [a, \"ü\"]\nn: 3"
        );
    }

    #[test]
    fn quoted_scalars_are_strings() {
        let (root, _) = parse_all("a: 'true'\nb: \"12\"\nc: true\n");
        let root = root.unwrap();
        assert_eq!(root.get("a").unwrap().value, Value::Str("true".into()));
        assert_eq!(root.get("b").unwrap().value, Value::Str("12".into()));
        assert_eq!(root.get("c").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn helpers() {
        let (root, _) = parse_all("t: a, b ,, c\nl:\n  - x\n  - 2\nf: 1.0\nn:\ni: .inf\n");
        let root = root.unwrap();
        assert_eq!(root.get("t").unwrap().string_list(), ["a", "b", "c"]);
        assert_eq!(root.get("l").unwrap().string_list(), ["x", "2"]);
        assert_eq!(root.get("f").unwrap().scalar_text().unwrap(), "1.0");
        assert_eq!(root.get("n").unwrap().scalar_text(), None);
        assert!(root.get("n").unwrap().string_list().is_empty());
        assert_eq!(root.get("t").unwrap().as_str(), Some("a, b ,, c"));
        let json = root.to_json();
        assert_eq!(json["l"], serde_json::json!(["x", 2]));
        assert_eq!(json["i"], serde_json::json!(".inf"));
        assert_eq!(json["n"], serde_json::Value::Null);
    }

    #[test]
    fn duplicate_key_points_at_both() {
        let src = "title: a\nsummary: s\ntitle: b\n";
        let (root, d) = parse_all(src);
        assert_eq!(codes(&d), ["PL112"]);
        assert_eq!(d[0].span, 20..25);
        assert_eq!(d[0].related[0].span, 0..5);
        assert_eq!(root.unwrap().get("title").unwrap().as_str(), Some("a"));
    }

    /// Past `SCAN_KEYS` entries duplicates are found through the key index: a duplicate of an
    /// early key, and one of a key added after the index was built, both point at the first.
    #[test]
    fn duplicate_keys_in_a_large_mapping() {
        let mut src = String::new();
        for i in 0..40 {
            src.push_str(&format!("k{i}: {i}\n"));
        }
        let early = src.len();
        src.push_str("k3: again\n");
        let late = src.len();
        src.push_str("k39: again\n");
        let (root, d) = parse_all(&src);
        assert_eq!(codes(&d), ["PL112", "PL112"]);
        assert_eq!(d[0].span, early..early + 2);
        assert_eq!(d[0].related[0].span.start, src.find("k3:").unwrap());
        assert_eq!(d[1].span, late..late + 3);
        assert_eq!(d[1].related[0].span.start, src.find("k39:").unwrap());
        let root = root.unwrap();
        assert_eq!(root.get("k3").unwrap().value, Value::Int(3));
        assert_eq!(root.get("k39").unwrap().value, Value::Int(39));
        match &root.value {
            Value::Map(entries) => assert_eq!(entries.len(), 40),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unquoted_colon_gets_quoting_help() {
        let src = "summary: Note: this breaks\n";
        let (root, d) = parse_all(src);
        assert!(root.is_none());
        assert_eq!(codes(&d), ["PL110"]);
        assert_eq!(d[0].span.start, src.find(": this").unwrap());
        let help = d[0].help.as_deref().unwrap();
        assert!(help.contains(r#"summary: "Note: this breaks""#), "{help}");
    }

    #[test]
    fn tabs_are_reported() {
        let (_, d) = parse_all("a:\n\tb: c\n");
        assert_eq!(codes(&d), ["PL111"]);
        assert_eq!(d[0].span, 3..4);
        let (_, d) = parse_all("\tk: v\n");
        assert_eq!(codes(&d), ["PL111"]);
        assert_eq!(d[0].span, 0..1);
        // A tab inside a literal block scalar's content is text, not indentation.
        let (root, d) = parse_all("a: |\n  x\n  \ty\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(root.unwrap().get("a").unwrap().as_str(), Some("x\n\ty\n"));
    }

    #[test]
    fn root_must_be_a_mapping() {
        let (root, d) = parse_all("just text\n");
        assert!(root.is_none());
        assert_eq!(codes(&d), ["PL115"]);
        let (root, d) = parse_all("- a\n- b\n");
        assert!(root.is_none());
        assert_eq!(codes(&d), ["PL115"]);
        let (root, d) = parse_all("# only a comment\n");
        assert!(d.is_empty());
        assert_eq!(root.unwrap().value, Value::Null);
    }

    #[test]
    fn keys_must_be_strings_and_merge_is_refused() {
        let (root, d) = parse_all("1: a\ntrue: b\n? [x]\n: c\nok: d\n");
        assert_eq!(codes(&d), ["PL113", "PL113", "PL113"]);
        let root = root.unwrap();
        assert_eq!(root.get("1").unwrap().as_str(), Some("a"));
        assert_eq!(root.get("ok").unwrap().as_str(), Some("d"));
        let (root, d) = parse_all("base: &b {x: 1}\n<<: *b\ny: 2\n");
        assert_eq!(codes(&d), ["PL114"]);
        let root = root.unwrap();
        assert!(root.get("x").is_none());
        assert_eq!(root.get("y").unwrap().value, Value::Int(2));
        // A quoted "<<" is an ordinary key.
        let (_, d) = parse_all("'<<': 1\n");
        assert!(d.is_empty());
    }

    #[test]
    fn aliases_expand_and_bombs_stop() {
        let (root, d) = parse_all("a: &x [1, 2]\nb: *x\n");
        assert!(d.is_empty());
        assert_eq!(root.unwrap().to_json()["b"], serde_json::json!([1, 2]));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10u8 {
            let prev = (b'a' + i - 1) as char;
            let name = (b'a' + i) as char;
            bomb.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let (root, d) = parse_all(&bomb);
        assert!(root.is_none());
        assert_eq!(codes(&d), ["PL118"]);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let depth = 100_000;
        let src = format!("k: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let (root, d) = parse_all(&src);
        assert!(root.is_none());
        assert_eq!(codes(&d), ["PL117"]);
        // Block style: `- - - - … x` nests one sequence per dash.
        let block = format!("k: {}x\n", "- ".repeat(depth));
        let (root, d) = parse_all(&block);
        assert!(root.is_none());
        assert!(!d.is_empty());
        // Mappings: each line one deeper.
        let maps: String = (0..500)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        let (root, d) = parse_all(&maps);
        assert!(root.is_none());
        assert_eq!(codes(&d), ["PL117"]);
    }

    #[test]
    fn oversized_block_is_not_parsed() {
        let src = format!("k: {}\n", "a".repeat(10 * 1024 * 1024));
        let (root, d) = parse_all(&src);
        assert!(root.is_none());
        assert_eq!(codes(&d), ["PL116"]);
    }

    #[test]
    fn second_document_is_reported() {
        let (root, d) = parse_all("k: v\n--- x\n");
        assert_eq!(codes(&d), ["PL119"]);
        assert_eq!(root.unwrap().get("k").unwrap().as_str(), Some("v"));
    }

    #[test]
    fn non_specific_tag_forces_a_string_without_warning() {
        let src = "---\ntags: ! 12\n---\n";
        let (root, diags) = parse(src, 4..15, &Limits::default());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            root.unwrap().get("tags").unwrap().value,
            Value::Str("12".into())
        );
    }

    #[test]
    fn tags() {
        let (root, d) = parse_all("a: !!str 12\nb: !!float 3\nc: !foo bar\n");
        assert_eq!(codes(&d), ["PL120"]);
        let root = root.unwrap();
        assert_eq!(root.get("a").unwrap().value, Value::Str("12".into()));
        assert_eq!(root.get("b").unwrap().value, Value::Float(3.0));
        assert_eq!(root.get("c").unwrap().as_str(), Some("bar"));
    }
}
