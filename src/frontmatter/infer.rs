//! Drafting a JSON Schema from the front matter a tree already has (`schema --infer`).
//!
//! A team's own schema is where its vocabularies belong (the embedded one states only
//! shapes). Writing one by hand for a tree of thousands of pages is slow and error prone, so
//! [`Inference`] reads every page's front matter (as the JSON the validator sees) and writes a
//! draft-07 schema that accepts the tree as it is, explaining each decision in a `$comment`
//! with the counts behind it. The rules:
//!
//! - **Types.** Per key, the shapes seen: text, empty text, list, whole number, number,
//!   boolean, null (an empty value), mapping. One shape gives one `type`; several give a
//!   `type` list, or an `anyOf` when one of them carries a constraint.
//! - **Vocabularies.** Text values become an `enum` when there are at most
//!   [`MAX_ENUM`] distinct values, each used by at least [`MIN_USES`] pages, none longer than
//!   [`MAX_WORD`] characters. A value used by one page only blocks the enum and is named in
//!   the comment: it is a typo as often as a new word, and a person should decide. For lists
//!   the rule applies to the items. When a key's text contains commas (`o11, odc`), the items
//!   between the commas are the vocabulary, and the enum becomes a pattern for comma lists of
//!   them, which `check` reads back for did-you-mean on the wrong item.
//! - **Formats.** Text that is not a vocabulary but always has one shape gets that shape's
//!   pattern: a UUID (`guid`), an http(s) URL (`figma`), digits separated by commas
//!   (`helpids`).
//! - **Required** keys are those present in every page that has front matter.
//! - **Extra keys** are refused (`additionalProperties: false`): every key the tree uses is
//!   listed, so a later typo (`sumary`, `Tags`) is reported. Keys seen in one page only, and
//!   keys that differ from another key only in case or separators, are named in the root
//!   comment for review.
//!
//! Cost is linear in the tree: each key keeps at most [`MAX_ENUM`] + 1 distinct values, so a
//! key with a large vocabulary (a `summary` per page) costs no more memory than a small one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value as Json, json};

/// Most distinct values an enum may have.
pub const MAX_ENUM: usize = 12;
/// Fewest pages that must use each value of an enum.
pub const MIN_USES: usize = 2;
/// Longest value (in characters) that can be a vocabulary word; longer text is prose.
pub const MAX_WORD: usize = 60;
/// How many paths a comment names before "and N more".
const MAX_NAMED: usize = 10;

/// The UUID pattern (8-4-4-4-12 hexadecimal digits), the same as the embedded schema's.
pub const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/// An absolute http(s) URL with no spaces.
pub const URL_PATTERN: &str = "^(https?|HTTPS?)://\\S+$";
/// Digits, or digits separated by commas.
pub const DIGITS_PATTERN: &str = "^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$";

/// The distinct values of a key (or of its items) and how many pages use each, up to
/// [`MAX_ENUM`] + 1 of them: past that the vocabulary is open and the counts are dropped.
#[derive(Debug, Default, Clone)]
struct Vocab {
    counts: BTreeMap<String, usize>,
    /// More than [`MAX_ENUM`] distinct values, or a value too long to be a word.
    open: bool,
    /// Why it is open, for the comment.
    open_because: Option<String>,
}

impl Vocab {
    /// Counts one page's distinct values.
    fn add_page<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) {
        for v in values {
            if self.open {
                return;
            }
            if v.chars().count() > MAX_WORD {
                self.close_open(format!(
                    "a value is longer than {MAX_WORD} characters, too long for a word of a vocabulary"
                ));
                return;
            }
            *self.counts.entry(v.to_string()).or_insert(0) += 1;
            if self.counts.len() > MAX_ENUM {
                self.close_open(format!("more than {MAX_ENUM} distinct values"));
            }
        }
    }

    fn close_open(&mut self, why: String) {
        self.open = true;
        self.open_because = Some(why);
        self.counts = BTreeMap::new();
    }

    /// The values when they make an enum, or why they do not.
    fn decide(&self) -> Result<Vec<&str>, String> {
        if let Some(why) = &self.open_because {
            return Err(why.clone());
        }
        let rare: Vec<&str> = self
            .counts
            .iter()
            .filter(|(_, n)| **n < MIN_USES)
            .map(|(v, _)| v.as_str())
            .collect();
        if !rare.is_empty() && rare.len() == self.counts.len() && self.counts.len() > 1 {
            return Err(format!(
                "each of the {} distinct values is used by fewer than {MIN_USES} pages: an identifier or free text, not a vocabulary",
                self.counts.len()
            ));
        }
        if !rare.is_empty() {
            return Err(format!(
                "{} distinct values, but {} used by fewer than {MIN_USES} pages (a rare value is a typo as often as a new word: decide, then add an enum by hand)",
                self.counts.len(),
                name_some(&rare.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>())
            ));
        }
        Ok(self.counts.keys().map(String::as_str).collect())
    }

    /// `5 distinct values, each used by >= 3 pages`.
    fn counted(&self) -> String {
        let least = self.counts.values().copied().min().unwrap_or(0);
        format!(
            "{} distinct value{}, each used by >= {least} page{}",
            self.counts.len(),
            plural(self.counts.len()),
            plural(least)
        )
    }
}

/// What one key's values (or one list key's items) looked like across the tree.
#[derive(Debug, Default, Clone)]
struct Shape {
    nulls: usize,
    empty: usize,
    texts: usize,
    integers: usize,
    floats: usize,
    booleans: usize,
    mappings: usize,
    lists: usize,
    /// Whole non-empty text values.
    whole: Vocab,
    /// Items of comma-separated text values.
    comma_items: Vocab,
    /// Some text value has a comma.
    any_comma: bool,
    /// Some comma value has an empty item (`a,,b`, `a,`): not a clean comma list.
    ragged_comma: bool,
    /// Every non-empty text value is a UUID / an http(s) URL / digits and commas.
    all_uuid: bool,
    all_url: bool,
    all_digits: bool,
    /// The items of list values (only for values, not for items).
    items: Option<Box<Shape>>,
}

impl Shape {
    fn new() -> Shape {
        Shape {
            all_uuid: true,
            all_url: true,
            all_digits: true,
            ..Shape::default()
        }
    }

    /// Records one page's value for this key. `nested` is true for list items, whose own
    /// lists are recorded as lists without looking inside.
    fn observe(&mut self, value: &Json, nested: bool) {
        match value {
            Json::Null => self.nulls += 1,
            Json::Bool(_) => self.booleans += 1,
            Json::Number(n) if n.is_i64() || n.is_u64() => self.integers += 1,
            Json::Number(_) => self.floats += 1,
            Json::String(s) => {
                self.observe_texts(std::iter::once(s.as_str()));
            }
            Json::Object(_) => self.mappings += 1,
            Json::Array(items) => {
                self.lists += 1;
                if nested {
                    return;
                }
                let shape = self.items.get_or_insert_with(|| Box::new(Shape::new()));
                for item in items {
                    match item {
                        // Texts are counted per page below, once each.
                        Json::String(_) => {}
                        other => shape.observe(other, true),
                    }
                }
                shape.observe_texts(items.iter().filter_map(Json::as_str));
            }
        }
    }

    /// Records one page's text values (one for a value, several for a list's items), each
    /// distinct value counted once for the page.
    fn observe_texts<'a>(&mut self, texts: impl Iterator<Item = &'a str>) {
        let mut whole: BTreeSet<&str> = BTreeSet::new();
        let mut items: BTreeSet<&str> = BTreeSet::new();
        for s in texts {
            self.texts += 1;
            if s.is_empty() {
                self.empty += 1;
                continue;
            }
            self.all_uuid &= is_uuid(s);
            self.all_url &= is_url(s);
            self.all_digits &= is_digit_list(s);
            whole.insert(s);
            if s.trim_end().ends_with(['.', '!', '?']) {
                // A sentence (`summary`): its commas separate clauses, not items.
                let why =
                    "a value ends like a sentence, which makes the key prose, not a vocabulary";
                self.whole.close_open(why.to_string());
                self.comma_items.close_open(why.to_string());
            }
            if s.contains(',') {
                self.any_comma = true;
            }
            for item in s.split(',').map(trim_blank) {
                if item.is_empty() {
                    self.ragged_comma |= s.contains(',');
                } else {
                    items.insert(item);
                }
            }
        }
        self.whole.add_page(whole);
        self.comma_items.add_page(items);
    }

    /// The schema for these values, with its `$comment`.
    fn schema(&self, seen: &str) -> Json {
        let mut kinds = Vec::new();
        let mut branches: Vec<Json> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        if self.nulls > 0 {
            kinds.push(format!("empty {}", self.nulls));
            branches.push(json!({ "type": "null" }));
        }
        if self.texts > 0 {
            let (branch, note) = self.text_schema();
            kinds.push(format!("text {}", self.texts - self.empty));
            if self.empty > 0 {
                kinds.push(format!("empty text {}", self.empty));
                if self.texts > self.empty {
                    // A pattern or an enum must also let the empty text through.
                    branches.push(json!({ "const": "" }));
                }
            }
            branches.push(branch);
            notes.extend(note);
        }
        if self.integers > 0 || self.floats > 0 {
            let t = if self.floats > 0 { "number" } else { "integer" };
            kinds.push(format!("number {}", self.integers + self.floats));
            branches.push(json!({ "type": t }));
        }
        if self.booleans > 0 {
            kinds.push(format!("boolean {}", self.booleans));
            branches.push(json!({ "type": "boolean" }));
        }
        if self.mappings > 0 {
            kinds.push(format!("mapping {}", self.mappings));
            branches.push(json!({ "type": "object" }));
            notes.push("what is inside a mapping is not inferred".to_string());
        }
        if self.lists > 0 {
            kinds.push(format!("list {}", self.lists));
            match &self.items {
                Some(items) if items.total() > 0 => {
                    branches.push(json!({ "type": "array", "items": items.schema("items") }));
                }
                Some(_) => branches.push(json!({ "type": "array", "maxItems": 0 })),
                None => branches.push(json!({ "type": "array" })),
            }
        }
        if self.nulls > 0 && self.nulls == self.total() {
            notes.push(
                "only empty values were seen, so only an empty value is allowed: add the shape a filled-in value has".to_string(),
            );
        }
        let comment = format!(
            "{seen}: {}{}{}",
            kinds.join(", "),
            if notes.is_empty() { "" } else { "; " },
            notes.join("; ")
        );
        let mut out = combine(branches);
        if let Json::Object(m) = &mut out {
            m.insert("$comment".to_string(), Json::String(comment));
        }
        out
    }

    fn total(&self) -> usize {
        self.nulls
            + self.texts
            + self.integers
            + self.floats
            + self.booleans
            + self.mappings
            + self.lists
    }

    /// The branch for non-empty text, and why.
    fn text_schema(&self) -> (Json, Option<String>) {
        if self.texts == self.empty {
            return (json!({ "const": "" }), None);
        }
        let vocab = if self.any_comma {
            if self.ragged_comma {
                Err("some comma-separated text has an empty item".to_string())
            } else {
                self.comma_items.decide().map(|words| (words, true))
            }
        } else {
            self.whole.decide().map(|words| (words, false))
        };
        let vocab_note = match vocab {
            Ok((words, false)) => {
                return (
                    json!({ "type": "string", "enum": words }),
                    Some(format!("{}, so an enum", self.whole.counted())),
                );
            }
            Ok((words, true)) => {
                let alt = words
                    .iter()
                    .map(|w| escape_regex(w))
                    .collect::<Vec<_>>()
                    .join("|");
                return (
                    json!({
                        "type": "string",
                        "pattern": format!("^\\s*({alt})(\\s*,\\s*({alt}))*\\s*$")
                    }),
                    Some(format!(
                        "text with commas: {} between the commas, so a pattern for comma-separated lists of them",
                        self.comma_items.counted().replace("value", "item")
                    )),
                );
            }
            Err(why) => why,
        };
        let non_empty = self.texts - self.empty;
        let (pattern, what) = if self.all_uuid {
            (UUID_PATTERN, "UUIDs (8-4-4-4-12 hexadecimal digits)")
        } else if self.all_url {
            (URL_PATTERN, "http(s) URLs")
        } else if self.all_digits {
            (DIGITS_PATTERN, "digits, or digits separated by commas")
        } else {
            return (
                json!({ "type": "string" }),
                Some(format!("no enum: {vocab_note}; so any text")),
            );
        };
        (
            json!({ "type": "string", "pattern": pattern }),
            Some(format!(
                "no enum: {vocab_note}; all {non_empty} text value{} are {what}, so that pattern",
                plural(non_empty)
            )),
        )
    }
}

/// Branches as one schema: a bare `type` (list) when no branch has a constraint, else `anyOf`.
fn combine(branches: Vec<Json>) -> Json {
    let bare = |b: &Json| {
        b.as_object()
            .is_some_and(|m| m.len() == 1 && m.get("type").is_some_and(Json::is_string))
    };
    match branches.len() {
        0 => json!({}),
        1 => branches.into_iter().next().unwrap_or_default(),
        _ if branches.iter().all(bare) => {
            let types: Vec<Json> = branches
                .iter()
                .filter_map(|b| b.get("type").cloned())
                .collect();
            json!({ "type": types })
        }
        _ => json!({ "anyOf": branches }),
    }
}

/// What one page contributed, for the driver.
#[derive(Debug, Clone, PartialEq)]
pub enum Page {
    /// The page's front matter, as the JSON the validator sees (`null` for an empty block).
    FrontMatter(Json),
    /// The page has no front matter.
    Without(String),
    /// The page's front matter could not be read (a fence or YAML error), so it is left out.
    Unreadable(String),
}

/// A schema being inferred: feed it pages, then ask for [`Inference::schema`].
#[derive(Debug, Default, Clone)]
pub struct Inference {
    pages: usize,
    non_mapping: usize,
    without: Vec<String>,
    unreadable: Vec<String>,
    keys: BTreeMap<String, (usize, Shape)>,
}

impl Inference {
    /// An inference with no pages yet.
    pub fn new() -> Inference {
        Inference::default()
    }

    /// Records one page.
    pub fn add(&mut self, page: Page) {
        match page {
            Page::FrontMatter(Json::Null) => self.pages += 1,
            Page::FrontMatter(Json::Object(map)) => {
                self.pages += 1;
                for (key, value) in &map {
                    let (n, shape) = self
                        .keys
                        .entry(key.clone())
                        .or_insert_with(|| (0, Shape::new()));
                    *n += 1;
                    shape.observe(value, false);
                }
            }
            Page::FrontMatter(_) => {
                self.pages += 1;
                self.non_mapping += 1;
            }
            Page::Without(path) => self.without.push(path),
            Page::Unreadable(path) => self.unreadable.push(path),
        }
    }

    /// Pages with front matter so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Pages without front matter so far, in the order they were added.
    pub fn without(&self) -> &[String] {
        &self.without
    }

    /// Pages whose front matter could not be read.
    pub fn unreadable(&self) -> &[String] {
        &self.unreadable
    }

    /// Keys present in every page with front matter.
    pub fn required(&self) -> Vec<&str> {
        if self.non_mapping > 0 {
            return Vec::new();
        }
        self.keys
            .iter()
            .filter(|(_, (n, _))| *n == self.pages)
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// The draft schema. Deterministic: keys, values and comments are in sorted order.
    pub fn schema(&self) -> Json {
        let total = self.pages;
        let mut properties = Map::new();
        for (key, (n, shape)) in &self.keys {
            let seen = format!("seen in {n} of {total} page{}", plural(total));
            properties.insert(key.clone(), shape.schema(&seen));
        }
        let required = self.required();
        let mut root = Map::new();
        root.insert(
            "$schema".into(),
            json!("http://json-schema.org/draft-07/schema#"),
        );
        root.insert("title".into(), json!("Front matter (inferred)"));
        root.insert(
            "$comment".into(),
            Json::String(self.root_comment(&required)),
        );
        if self.non_mapping == 0 {
            root.insert("type".into(), json!("object"));
            root.insert("additionalProperties".into(), json!(false));
        }
        if !required.is_empty() {
            root.insert("required".into(), json!(required));
        }
        root.insert("properties".into(), Json::Object(properties));
        Json::Object(root)
    }

    fn root_comment(&self, required: &[&str]) -> String {
        let total = self.pages;
        let mut parts = vec![format!(
            "Drafted by `mdbook-polish schema --infer` from {total} page{} with front matter; review every decision before you rely on it.",
            plural(total)
        )];
        if self.non_mapping > 0 {
            parts.push(format!(
                "{} page{}' front matter is not a mapping of keys, so neither the type of the block, the keys it must have, nor a ban on other keys is stated.",
                self.non_mapping,
                plural(self.non_mapping)
            ));
        } else {
            parts.push(if required.is_empty() {
                "Required: no key is present in every page.".to_string()
            } else {
                format!(
                    "Required: {}, present in every page with front matter.",
                    name_all(required)
                )
            });
            parts.push(
                "Other keys: refused (additionalProperties false); every key the pages use is listed, so a new key or a typo (`sumary`, `Tags`) is reported.".to_string(),
            );
        }
        let rare: Vec<&str> = self
            .keys
            .iter()
            .filter(|(_, (n, _))| *n == 1 && total > 1)
            .map(|(k, _)| k.as_str())
            .collect();
        if !rare.is_empty() {
            parts.push(format!(
                "Used by one page only (a typo, or a key to keep?): {}.",
                name_some(&rare.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>())
            ));
        }
        let variants = self.key_variants();
        if !variants.is_empty() {
            parts.push(format!(
                "Keys that differ only in case or separators: {}.",
                variants.join("; ")
            ));
        }
        if !self.without.is_empty() {
            parts.push(format!(
                "{} page{} no front matter ({}); with required keys they are reported (PL106) unless excluded with `require-front-matter = [\"!path\"]`.",
                self.without.len(),
                if self.without.len() == 1 { " has" } else { "s have" },
                name_some(&self.without)
            ));
        }
        if !self.unreadable.is_empty() {
            parts.push(format!(
                "Left out because their front matter could not be read: {}.",
                name_some(&self.unreadable)
            ));
        }
        parts.join(" ")
    }

    /// `Tags` and `tags`, `outsystems_tools` and `outsystems-tools`: groups of keys with the
    /// same lower-case, `-`-separated spelling.
    fn key_variants(&self) -> Vec<String> {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, (n, _)) in &self.keys {
            let norm: String = k
                .chars()
                .map(|c| match c {
                    '_' | ' ' => '-',
                    c => c.to_ascii_lowercase(),
                })
                .collect();
            groups
                .entry(norm)
                .or_default()
                .push(format!("`{k}` ({n} page{})", plural(*n)));
        }
        groups
            .into_values()
            .filter(|g| g.len() > 1)
            .map(|g| g.join(", "))
            .collect()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `a, b, c` or `a, b, … and 4 more`.
fn name_some(items: &[String]) -> String {
    if items.len() <= MAX_NAMED {
        return items.join(", ");
    }
    format!(
        "{} … and {} more",
        items.get(..MAX_NAMED).unwrap_or(items).join(", "),
        items.len() - MAX_NAMED
    )
}

fn name_all(items: &[&str]) -> String {
    items
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Spaces and tabs off both ends: a subset of ECMA-262's `\s`, so a value this accepts the
/// generated pattern accepts too.
fn trim_blank(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_url(s: &str) -> bool {
    let rest = ["http://", "https://", "HTTP://", "HTTPS://"]
        .iter()
        .find_map(|p| s.strip_prefix(p));
    // `\S`: no whitespace, and ECMA-262 counts the BOM as whitespace too.
    rest.is_some_and(|r| !r.is_empty() && !r.chars().any(|c| c.is_whitespace() || c == '\u{feff}'))
}

fn is_digit_list(s: &str) -> bool {
    s.split(',').all(|item| {
        let t = trim_blank(item);
        !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A word as an ECMA-262 regular expression literal. Only syntax characters are escaped:
/// under the `u` flag an escaped ordinary character is an error.
fn escape_regex(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if "^$\\.*+?()[]{}|/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::schema::Schema;

    fn infer(pages: &[Json]) -> Json {
        let mut inf = Inference::new();
        for p in pages {
            inf.add(Page::FrontMatter(p.clone()));
        }
        inf.schema()
    }

    /// Every page must pass the schema inferred from them.
    fn accepts_all(schema: &Json, pages: &[Json]) {
        let s = Schema::from_str(&schema.to_string(), "inferred.json").unwrap();
        let v = jsonschema::validator_for(s.json()).unwrap();
        for p in pages {
            let instance = if p.is_null() { json!({}) } else { p.clone() };
            let errors: Vec<String> = v.iter_errors(&instance).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{p} fails: {errors:?}\n{schema:#}");
        }
    }

    fn comment(schema: &Json, key: &str) -> String {
        schema["properties"][key]["$comment"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn small_closed_vocabulary_is_an_enum() {
        let pages: Vec<Json> = ["o11", "odc", "o11", "odc", "o11"]
            .iter()
            .map(|v| json!({ "platform-version": v }))
            .collect();
        let s = infer(&pages);
        let p = &s["properties"]["platform-version"];
        assert_eq!(p["enum"], json!(["o11", "odc"]));
        assert_eq!(p["type"], "string");
        assert_eq!(
            comment(&s, "platform-version"),
            "seen in 5 of 5 pages: text 5; 2 distinct values, each used by >= 2 pages, so an enum"
        );
        accepts_all(&s, &pages);
    }

    #[test]
    fn a_value_used_once_blocks_the_enum_and_is_named() {
        let pages: Vec<Json> = [
            "architects",
            "architects",
            "architect",
            "tech leads",
            "tech leads",
        ]
        .iter()
        .map(|v| json!({ "audience": [v] }))
        .collect();
        let s = infer(&pages);
        let items = &s["properties"]["audience"]["items"];
        assert_eq!(items["type"], "string");
        assert!(items.get("enum").is_none(), "{s:#}");
        let c = items["$comment"].as_str().unwrap();
        assert!(c.contains("`architect` used by fewer than 2 pages"), "{c}");
        accepts_all(&s, &pages);
    }

    #[test]
    fn too_many_values_or_prose_is_any_text() {
        let pages: Vec<Json> = (0..13)
            .flat_map(|i| {
                [
                    json!({ "topic": format!("t{i}") }),
                    json!({ "topic": format!("t{i}") }),
                ]
            })
            .collect();
        let s = infer(&pages);
        assert!(s["properties"]["topic"].get("enum").is_none());
        assert!(
            comment(&s, "topic").contains("more than 12 distinct values"),
            "{s:#}"
        );
        let long = "a label that goes on for quite a while and ends well past sixty characters";
        let pages = vec![json!({ "summary": long }), json!({ "summary": long })];
        let s = infer(&pages);
        assert!(s["properties"]["summary"].get("enum").is_none());
        assert!(
            comment(&s, "summary").contains("too long for a word"),
            "{s:#}"
        );
        accepts_all(&s, &pages);
        // A short sentence with a comma is prose too, not a comma list of two clauses.
        let short = "Plan it, then do it.";
        let pages = vec![json!({ "summary": short }), json!({ "summary": short })];
        let s = infer(&pages);
        assert!(s["properties"]["summary"].get("pattern").is_none(), "{s:#}");
        assert!(comment(&s, "summary").contains("sentence"), "{s:#}");
    }

    #[test]
    fn twelve_values_used_twice_are_still_an_enum() {
        let pages: Vec<Json> = (0..12)
            .flat_map(|i| {
                [
                    json!({ "k": format!("v{i:02}") }),
                    json!({ "k": format!("v{i:02}") }),
                ]
            })
            .collect();
        let s = infer(&pages);
        assert_eq!(s["properties"]["k"]["enum"].as_array().unwrap().len(), 12);
    }

    #[test]
    fn comma_lists_become_an_item_pattern() {
        let pages: Vec<Json> = ["o11", "odc", "o11, odc", "odc,o11", "o11"]
            .iter()
            .map(|v| json!({ "platform-version": v }))
            .collect();
        let s = infer(&pages);
        let p = &s["properties"]["platform-version"];
        assert_eq!(p["pattern"], "^\\s*(o11|odc)(\\s*,\\s*(o11|odc))*\\s*$");
        assert!(comment(&s, "platform-version").contains("comma-separated"));
        accepts_all(&s, &pages);
        // A stray item is reported by `check`, with did-you-mean on that item.
        let schema = Schema::from_str(&s.to_string(), "i.json").unwrap();
        let src = "---\nplatform-version: o11, ocd\n---\n";
        let ex = crate::frontmatter::extract(src, &Default::default());
        let d = schema.validate(&ex.data.unwrap(), src);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            d[0].help.as_deref(),
            Some("`ocd` is not one of the allowed items; did you mean `odc`?")
        );
        // `a,,b` is not a clean comma list: any text.
        let pages = vec![json!({ "k": "a,,b" }), json!({ "k": "a,,b" })];
        let s = infer(&pages);
        assert_eq!(
            s["properties"]["k"],
            json!({"type": "string", "$comment": comment(&s, "k")})
        );
        accepts_all(&s, &pages);
    }

    #[test]
    fn formats_uuid_url_digits() {
        let pages = vec![
            json!({ "guid": "0f8fad5b-d9cb-469f-a165-70867728950e", "figma": "https://x.test/a", "helpids": "1, 2" }),
            json!({ "guid": "6D1F0C3E-88A2-4C57-B1E9-0A4F7E2D9C15", "figma": "", "helpids": 7 }),
            json!({ "guid": "b3f6a2d4-1c7e-4e0b-9a58-7d2c4e6f8a10", "figma": null, "helpids": "30512" }),
        ];
        let s = infer(&pages);
        assert_eq!(s["properties"]["guid"]["pattern"], UUID_PATTERN);
        assert!(
            comment(&s, "guid").contains("all 3 text values are UUIDs"),
            "{s:#}"
        );
        assert!(
            comment(&s, "guid")
                .contains("each of the 3 distinct values is used by fewer than 2 pages"),
            "{s:#}"
        );
        let empty = infer(&[json!({ "figma": null }), json!({ "figma": null })]);
        assert_eq!(empty["properties"]["figma"]["type"], "null");
        assert!(
            comment(&empty, "figma").contains("only empty values were seen"),
            "{empty:#}"
        );
        let figma = &s["properties"]["figma"]["anyOf"];
        assert_eq!(
            figma,
            &json!([{"type": "null"}, {"const": ""}, {"type": "string", "pattern": URL_PATTERN}])
        );
        let helpids = &s["properties"]["helpids"]["anyOf"];
        assert_eq!(
            helpids,
            &json!([{"type": "string", "pattern": DIGITS_PATTERN}, {"type": "integer"}])
        );
        accepts_all(&s, &pages);
        // One value of another shape: no pattern.
        let mut more = pages.clone();
        more.push(json!({ "guid": "TBD" }));
        let s = infer(&more);
        assert_eq!(s["properties"]["guid"]["type"], "string");
        assert!(s["properties"]["guid"].get("pattern").is_none());
        accepts_all(&s, &more);
    }

    #[test]
    fn types_are_unions_of_what_was_seen() {
        let pages = vec![
            json!({ "tags": "a, b", "draft": true, "weight": 1, "nav": { "order": 1 } }),
            json!({ "tags": ["a", 404], "draft": null, "weight": 1.5, "nav": null }),
            json!({ "tags": null }),
        ];
        let s = infer(&pages);
        let p = &s["properties"];
        assert_eq!(p["draft"]["type"], json!(["null", "boolean"]));
        assert_eq!(p["weight"]["type"], "number");
        assert_eq!(p["nav"]["type"], json!(["null", "object"]));
        let tags = p["tags"]["anyOf"].as_array().unwrap();
        assert_eq!(tags[0], json!({"type": "null"}));
        assert_eq!(tags.len(), 3, "{s:#}");
        accepts_all(&s, &pages);
    }

    #[test]
    fn required_and_extra_keys() {
        let pages = vec![
            json!({ "summary": "a", "guid": "x", "Tags": "t" }),
            json!({ "summary": "b", "guid": "y", "tags": "t" }),
            json!({ "summary": "c", "guid": "z", "tags": "t" }),
        ];
        let mut inf = Inference::new();
        for p in &pages {
            inf.add(Page::FrontMatter(p.clone()));
        }
        inf.add(Page::Without("intro.md".into()));
        inf.add(Page::Unreadable("broken.md".into()));
        let s = inf.schema();
        assert_eq!(s["required"], json!(["guid", "summary"]));
        assert_eq!(s["additionalProperties"], json!(false));
        let c = s["$comment"].as_str().unwrap();
        assert!(
            c.contains("Required: `guid`, `summary`, present in every page"),
            "{c}"
        );
        assert!(
            c.contains("one page only (a typo, or a key to keep?): `Tags`"),
            "{c}"
        );
        assert!(c.contains("`Tags` (1 page), `tags` (2 pages)"), "{c}");
        assert!(c.contains("1 page has no front matter (intro.md)"), "{c}");
        assert!(c.contains("could not be read: broken.md"), "{c}");
        accepts_all(&s, &pages);
        // An empty block is a page with front matter and no keys: nothing is required.
        let s = infer(&[json!({ "summary": "a" }), Json::Null]);
        assert!(s.get("required").is_none(), "{s:#}");
        // A block that is a list, not a mapping: no type, no required, no ban on keys.
        let s = infer(&[json!({ "summary": "a" }), json!(["x"])]);
        assert!(s.get("type").is_none() && s.get("additionalProperties").is_none());
    }

    #[test]
    fn output_is_deterministic_and_special_characters_are_escaped() {
        let pages = vec![
            json!({ "z": "c++", "a": "1.0 (beta)" }),
            json!({ "z": "c++", "a": "1.0 (beta)" }),
        ];
        let one = serde_json::to_string_pretty(&infer(&pages)).unwrap();
        let mut rev = pages.clone();
        rev.reverse();
        assert_eq!(one, serde_json::to_string_pretty(&infer(&rev)).unwrap());
        assert!(one.find("\"a\"").unwrap() < one.find("\"z\"").unwrap());
        assert_eq!(escape_regex("1.0 (beta)|c++"), "1\\.0 \\(beta\\)\\|c\\+\\+");
        let pages = vec![json!({ "k": "c++, a.b" }), json!({ "k": "a.b, c++" })];
        let s = infer(&pages);
        accepts_all(&s, &pages);
    }

    /// A large vocabulary stays bounded: each key keeps at most MAX_ENUM + 1 values.
    #[test]
    fn ten_thousand_pages_with_unique_values_stay_bounded() {
        let mut inf = Inference::new();
        for i in 0..10_000 {
            inf.add(Page::FrontMatter(json!({
                "summary": format!("Page {i}"),
                "tags": [format!("t{i}"), format!("u{i}")],
                "topic": format!("a{i}, b{i}"),
            })));
        }
        for (_, shape) in inf.keys.values() {
            assert!(shape.whole.counts.len() <= MAX_ENUM + 1);
            assert!(shape.comma_items.counts.len() <= MAX_ENUM + 1);
            if let Some(items) = &shape.items {
                assert!(items.whole.counts.len() <= MAX_ENUM + 1);
            }
        }
        let s = inf.schema();
        assert_eq!(s["required"], json!(["summary", "tags", "topic"]));
        assert!(s["properties"]["tags"]["items"].get("enum").is_none());
    }
}
