//! JSON Schema validation of front matter, with plain-words messages and did-you-mean.
//!
//! The parsed YAML tree is converted to JSON and checked with the `jsonschema` crate (drafts 4,
//! 6, 7, 2019-09 and 2020-12 chosen by `$schema`; ECMA-262 regular expressions like Ajv;
//! `format` asserted). Each error's instance path is walked back through the YAML tree to a
//! byte span: an unknown key points at the key, a missing key at the mapping that lacks it,
//! anything else at the value. `$ref` may only reach local files: the retriever refuses every
//! other scheme, so validation never touches the network.
//!
//! An empty front matter block (`---` twice) is validated as an empty mapping, so its missing
//! required keys are reported.
//!
//! Rule codes owned here:
//!
//! - `PL201` — wrong type (`expected list, found string "architects"`).
//! - `PL202` — not an allowed value (`enum` / `const`), with did-you-mean.
//! - `PL203` — unknown key (`additionalProperties` / `unevaluatedProperties`), with did-you-mean.
//! - `PL204` — missing required key (not reported when an unknown key is its likely typo).
//! - `PL205` — text does not match the `pattern` or `format` (uuid, uri, date, ...).
//! - `PL206` — matches none (or several) of the alternatives of `anyOf` / `oneOf`, collapsed
//!   into one line listing them.
//! - `PL207` — any other constraint: lengths, item counts, ranges, `uniqueItems`, `not`, ...
//! - `PL208` — the schema could not be evaluated at this value (regex engine limit, broken
//!   `$ref`): a warning, the value was not judged.
//! - `PL121` — a top-level key the schema does not list but allows (no
//!   `additionalProperties: false`), spelt like one it lists (`Tags`, `sumary`,
//!   `outsystems_tools`): a warning with did-you-mean. Under the embedded schema, which
//!   allows other keys, this is how key typos are still caught.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::{Retrieve, Uri, ValidationError, Validator};
use serde_json::Value as Json;

use super::suggest::{did_you_mean, yaml11_hint};
use super::{Node, Value};
use crate::diagnostic::{Diagnostic, LineIndex};

/// The default schema, embedded in the binary (`assets/frontmatter.schema.json`).
pub const EMBEDDED_SCHEMA: &str = include_str!("../../assets/frontmatter.schema.json");

/// How many allowed values a message lists before "and N more".
const MAX_LISTED: usize = 10;
/// How many characters of a found value a message quotes.
const MAX_FOUND: usize = 40;

/// A schema that could not be loaded: not JSON, not a valid schema, or a remote `$ref`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{col}: {message}")]
pub struct SchemaError {
    /// The schema file, as given.
    pub path: String,
    /// 1-based line in the schema file.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

/// The edit a finding's help line describes, when it is certain enough to make without
/// asking (`mdbook-polish fix`, an editor's code action). It applies at the finding's span.
/// Only the cases below are offered, each only when the did-you-mean is
/// [`unambiguous`](super::suggest::unambiguous); `frontmatter::fixes` turns them into edits
/// that keep the author's quoting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// PL203: rename the key to this one (the mapping has no such key yet, and no other
    /// unknown key of the mapping would be renamed to it).
    RenameKey(String),
    /// PL202: replace the text value with this allowed one (a list holding the value does
    /// not already hold this one).
    ReplaceText(String),
    /// PL201: a YAML 1.1 boolean spelling (`yes`, `No`, `ON`, `off`), unquoted, where the
    /// schema's type is boolean and not text: write this boolean.
    Boolean(bool),
}

/// A compiled schema.
#[derive(Clone)]
pub struct Schema {
    validator: Arc<Validator>,
    json: Arc<Json>,
    origin: String,
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl Default for Schema {
    fn default() -> Self {
        Schema::embedded()
    }
}

impl Schema {
    /// The embedded default schema (compiled once per process).
    pub fn embedded() -> Schema {
        static EMBEDDED: OnceLock<Schema> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                // The embedded schema is ours, not user input; a test keeps it compiling.
                #[allow(clippy::expect_used)]
                Schema::from_str(EMBEDDED_SCHEMA, "<embedded frontmatter.schema.json>")
                    .expect("embedded schema compiles")
            })
            .clone()
    }

    /// Loads a schema file. Relative `$ref`s resolve next to it.
    pub fn from_file(path: &Path) -> Result<Schema, SchemaError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SchemaError {
            path: shown.clone(),
            line: 1,
            col: 1,
            message: format!("cannot read the schema: {e}"),
        })?;
        Schema::from_str(&text, &shown)
    }

    /// Compiles schema text. `path_for_messages` names it in errors and, when it is a real
    /// path, is the base for relative `$ref`s.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(json: &str, path_for_messages: &str) -> Result<Schema, SchemaError> {
        let error_at = |offset: usize, message: String| {
            let (line, col) = LineIndex::new(json).line_col(offset);
            SchemaError {
                path: path_for_messages.to_string(),
                line,
                col,
                message,
            }
        };
        let value: Json = serde_json::from_str(json).map_err(|e| {
            let offset = serde_offset(json, e.line(), e.column());
            error_at(
                offset,
                format!("the schema is not valid JSON: {}", strip_position(&e)),
            )
        })?;
        if let Some((pointer, target)) = remote_ref(&value, String::new()) {
            let offset = pointer_offset(json, &pointer).unwrap_or(0);
            return Err(error_at(
                offset,
                format!(
                    "`$ref` to `{target}` is not allowed: schemas may only refer to local files"
                ),
            ));
        }
        let mut options = jsonschema::options()
            .should_validate_formats(true)
            .with_retriever(LocalFiles);
        if let Some(base) = base_uri(path_for_messages) {
            options = options.with_base_uri(base);
        }
        let validator = options.build(&value).map_err(|e| {
            let pointer = e.instance_path().as_str().to_string();
            let offset = pointer_offset(json, &pointer).unwrap_or(0);
            let at = if pointer.is_empty() {
                String::new()
            } else {
                format!(" at `{pointer}`")
            };
            let why = if pointer.ends_with("/type") {
                // The meta-schema's anyOf noise, in words.
                format!(
                    "{} is not a type; use one of: array, boolean, integer, null, number, object, string",
                    truncate(&e.instance().to_string(), MAX_FOUND)
                )
            } else {
                e.to_string()
            };
            error_at(offset, format!("not a valid JSON Schema{at}: {why}"))
        })?;
        Ok(Schema {
            validator: Arc::new(validator),
            json: Arc::new(value),
            origin: path_for_messages.to_string(),
        })
    }

    /// The schema as JSON.
    pub fn json(&self) -> &Json {
        &self.json
    }

    /// The keys the schema's root `required` lists (a root `$ref` within the schema is
    /// followed once). A chapter without front matter lacks them all.
    pub fn required_keys(&self) -> Vec<&str> {
        let root = self.resolve_ref(&self.json).unwrap_or(&self.json);
        root.get("required")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default()
    }

    /// Validates `root` (parsed from `src`). Spans point into `src`.
    pub fn validate(&self, root: &Node, src: &str) -> Vec<Diagnostic> {
        self.validate_with_remedies(root, src)
            .into_iter()
            .map(|(d, _)| d)
            .collect()
    }

    /// [`Schema::validate`], with the certain edit that resolves each finding, where there is
    /// one (see [`Remedy`]). The findings are the same, in the same order.
    pub fn validate_with_remedies(
        &self,
        root: &Node,
        src: &str,
    ) -> Vec<(Diagnostic, Option<Remedy>)> {
        // An empty block is "no fields", not "a null document".
        let instance = match root.value {
            Value::Null => Json::Object(serde_json::Map::new()),
            _ => root.to_json(),
        };
        let near_misses = self.near_miss_keys(root);
        // Most chapters are valid: `is_valid` stops at the first failure and builds no error
        // values, so the explaining pass below only runs for a chapter that has findings.
        if self.validator.is_valid(&instance) {
            return near_misses.into_iter().map(|d| (d, None)).collect();
        }
        let mut found: Vec<Finding> = Vec::new();
        for error in self.validator.iter_errors(&instance) {
            self.explain(&error, root, src, &mut found);
        }
        // A key typo (`Summary`) also makes the real key "missing": one problem, one report.
        let suggested: HashSet<(Range<usize>, String)> = found
            .iter()
            .filter_map(|f| f.suggests.clone().map(|s| (f.owner.clone(), s)))
            .collect();
        // One report per value: a wrong type also fails that value's `enum`; keep the most
        // basic finding (type, then alternatives, enum, pattern, other). Key findings
        // (unknown, missing) are about distinct keys and are only deduplicated exactly.
        found.sort_by_key(|f| rank(f.diagnostic.code));
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        // Missing keys, by the mapping that lacks them: one report per mapping.
        let mut missing: Vec<(Range<usize>, Vec<String>, Diagnostic)> = Vec::new();
        for f in found {
            if let Some(name) = &f.missing {
                if suggested.contains(&(f.owner.clone(), name.clone())) {
                    continue;
                }
                match missing.iter_mut().find(|m| m.0 == f.owner) {
                    Some(m) if !m.1.contains(name) => m.1.push(name.clone()),
                    Some(_) => {}
                    None => missing.push((f.owner.clone(), vec![name.clone()], f.diagnostic)),
                }
                continue;
            }
            let key = match f.diagnostic.code {
                "PL203" | "PL204" => (
                    f.diagnostic.code,
                    f.diagnostic.span.clone(),
                    f.diagnostic.message.clone(),
                ),
                _ => ("value", f.diagnostic.span.clone(), String::new()),
            };
            if seen.insert(key) {
                out.push((f.diagnostic, f.remedy));
            }
        }
        for (owner, names, mut d) in missing {
            if names.len() > 1 {
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let single = format!("missing required key `{}`", names[0]);
                let rest = d
                    .message
                    .strip_prefix(&single)
                    .unwrap_or_default()
                    .to_string();
                let and = |items: &[String]| list_words_or(items).replace(" or ", " and ");
                d.message = format!("missing required keys {}{rest}", and(&quoted));
                let lines: Vec<String> = names.iter().map(|n| format!("`{n}:`")).collect();
                d = d.with_help(format!("add {} lines", and(&lines)));
            }
            // The whole front matter lacks them: point at its opening fence, not at whatever
            // key happens to come first.
            if owner == root.span {
                let start = if src.starts_with('\u{feff}') { 3 } else { 0 };
                d.span = first_line(src, &(start..src.len()));
            }
            out.push((d, None));
        }
        out.extend(near_misses.into_iter().map(|d| (d, None)));
        out.sort_by_key(|(d, _)| (d.span.start, d.code));
        out
    }

    /// PL121: top-level keys the schema allows without listing them, spelt like a key it
    /// lists. Nothing when the schema refuses other keys (PL203 reports them) or matches keys
    /// by pattern (a pattern may be what admits the key).
    fn near_miss_keys(&self, root: &Node) -> Vec<Diagnostic> {
        let schema = self.resolve_ref(&self.json).unwrap_or(&self.json);
        let refuses = |k: &str| schema.get(k).is_some_and(|v| v == &Json::Bool(false));
        if refuses("additionalProperties")
            || refuses("unevaluatedProperties")
            || schema.get("patternProperties").is_some()
        {
            return Vec::new();
        }
        let (Some(known), Value::Map(entries)) = (
            schema.get("properties").and_then(Json::as_object),
            &root.value,
        ) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in entries {
            let Some(key) = e.key.scalar_text() else {
                continue;
            };
            if known.contains_key(&key) {
                continue;
            }
            if let Some(s) = super::suggest::closest(&key, known.keys().map(String::as_str)) {
                out.push(
                    Diagnostic::warning(
                        "PL121",
                        e.key.span.clone(),
                        format!("key `{key}` is not one the schema lists, but `{s}` is"),
                    )
                    .with_help(format!(
                        "did you mean `{s}`? (the schema allows other keys, so this is a warning; a schema with `additionalProperties: false` makes it an error)"
                    )),
                );
            }
        }
        out
    }

    /// Turns one jsonschema error into findings.
    fn explain(&self, error: &ValidationError<'_>, root: &Node, src: &str, out: &mut Vec<Finding>) {
        let path: Vec<LocationSegment<'_>> = error.instance_path().iter().collect();
        let node = locate(root, &path);
        let span = node.map_or(root.span.clone(), |n| n.span.clone());
        let subject = subject(&path);
        let instance = error.instance();
        let raw = src.get(span.clone()).unwrap_or_default();
        let found = describe_found(instance, raw);
        let schema_at = self.schema_at(error.schema_path().as_str());
        let push = |out: &mut Vec<Finding>, d: Diagnostic| out.push(Finding::plain(d));
        let push_fixable = |out: &mut Vec<Finding>, d: Diagnostic, remedy: Option<Remedy>| {
            out.push(Finding {
                remedy,
                ..Finding::plain(d)
            });
        };

        match error.kind() {
            ValidationErrorKind::Type { .. } => {
                let expected = schema_at
                    .map(type_words)
                    .unwrap_or_else(|| "another type".to_string());
                let mut d = Diagnostic::error(
                    "PL201",
                    span,
                    format!("{subject}: expected {expected}, found {found}"),
                );
                let wants_list = expected.contains("list");
                let wants_bool = expected.contains("boolean");
                let non_finite = matches!(
                    raw.trim_start_matches(['+', '-']),
                    ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN"
                );
                if non_finite && instance.is_string() {
                    d = d.with_help(format!(
                        "`{raw}` is not a finite number, which JSON Schema cannot check as a number"
                    ));
                } else if let Some(h) = yaml11_hint(raw, instance, wants_bool) {
                    d = d.with_help(h);
                } else if wants_list && instance.is_string() {
                    d = d.with_help("write a list, one `- item` per line under the key");
                }
                // Only where text is not allowed: then `yes` can only have meant a boolean.
                // `raw` is the scalar as written, so a quoted `"yes"` (chosen as text) or
                // one with an anchor or tag never matches.
                let text_allowed = expected.split(" or ").any(|w| w == "string");
                let remedy = match raw.to_ascii_lowercase().as_str() {
                    "yes" | "on" if wants_bool && !text_allowed => Some(Remedy::Boolean(true)),
                    "no" | "off" if wants_bool && !text_allowed => Some(Remedy::Boolean(false)),
                    _ => None,
                };
                push_fixable(out, d, remedy.filter(|_| instance.is_string()));
            }
            ValidationErrorKind::Enum { options } => {
                let allowed: Vec<String> = options
                    .as_array()
                    .map(|a| a.iter().map(short_json).collect())
                    .unwrap_or_default();
                let mut d = Diagnostic::error(
                    "PL202",
                    span,
                    format!(
                        "{subject}: {found} is not an allowed value; expected one of: {}",
                        list_words(&allowed)
                    ),
                );
                let allowed = options.as_array().map(Vec::as_slice);
                let remedy = value_remedy(root, &path, instance, allowed);
                d = with_value_help(d, instance, raw, allowed);
                push_fixable(out, d, remedy);
            }
            ValidationErrorKind::Constant { expected_value } => {
                let mut d = Diagnostic::error(
                    "PL202",
                    span,
                    format!(
                        "{subject}: expected {}, found {found}",
                        short_json(expected_value)
                    ),
                );
                let expected: &Json = expected_value;
                let allowed = Some(std::slice::from_ref(expected));
                let remedy = value_remedy(root, &path, instance, allowed);
                d = with_value_help(d, instance, raw, allowed);
                push_fixable(out, d, remedy);
            }
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let parent = self.schema_at(parent_pointer(error.schema_path().as_str()));
                let known: Vec<&str> = parent
                    .and_then(|s| s.get("properties"))
                    .and_then(Json::as_object)
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                let required: Vec<&str> = parent
                    .and_then(|s| s.get("required"))
                    .and_then(Json::as_array)
                    .map(|r| r.iter().filter_map(Json::as_str).collect())
                    .unwrap_or_default();
                // The rename each unknown key would get: one that clearly wins, to a key the
                // mapping does not have yet. Two unknown keys meaning the same key would
                // become duplicates: neither is renamed.
                let renames: Vec<Option<&str>> = unexpected
                    .iter()
                    .map(|key| {
                        super::suggest::unambiguous(key, known.iter().copied())
                            .filter(|to| node.is_none_or(|n| n.entry(to).is_none()))
                    })
                    .collect();
                for (i, key) in unexpected.iter().enumerate() {
                    let rename = renames.get(i).copied().flatten().filter(|to| {
                        node.is_some()
                            && renames.iter().filter(|r| r.as_ref() == Some(to)).count() == 1
                    });
                    let key_span = node
                        .and_then(|n| n.key_span(key))
                        .unwrap_or_else(|| span.clone());
                    let suggestion = super::suggest::closest(key, known.iter().copied());
                    let mut d = Diagnostic::error(
                        "PL203",
                        key_span,
                        format!("unknown key `{key}`{}", in_subject(&path)),
                    );
                    d = match suggestion {
                        Some(s) if required.contains(&s) => {
                            d.with_help(format!("did you mean `{s}`? (it is required)"))
                        }
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None if !known.is_empty() => {
                            let known: Vec<String> =
                                known.iter().map(|k| format!("`{k}`")).collect();
                            d.with_help(format!("known keys: {}", list_words(&known)))
                        }
                        None => d,
                    };
                    out.push(Finding {
                        diagnostic: d,
                        owner: span.clone(),
                        suggests: suggestion.map(str::to_string),
                        missing: None,
                        remedy: rename.map(|to| Remedy::RenameKey(to.to_string())),
                    });
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_string);
                let owner = first_line(src, &span);
                let d = Diagnostic::error(
                    "PL204",
                    owner,
                    format!("missing required key `{name}`{}", in_subject(&path)),
                )
                .with_help(format!("add a `{name}:` line"));
                out.push(Finding {
                    diagnostic: d,
                    owner: span,
                    suggests: None,
                    missing: Some(name),
                    remedy: None,
                });
            }
            ValidationErrorKind::Pattern { pattern } => {
                // What the value should be in words first (a known shape, or the schema's own
                // description of the key); the regex last, for whoever needs it.
                let described = self.words_near(error.schema_path().as_str());
                let message = match (known_pattern(pattern), &described) {
                    (Some(words), _) => {
                        format!("{subject}: expected {words}, found {found} (pattern `{pattern}`)")
                    }
                    (None, Some(words)) => {
                        format!("{subject}: {found} does not fit: {words} (pattern `{pattern}`)")
                    }
                    (None, None) => {
                        format!("{subject}: {found} does not match the pattern `{pattern}`")
                    }
                };
                let mut d = Diagnostic::error("PL205", span, message);
                if let Some(h) = pattern_help(pattern, instance, raw) {
                    d = d.with_help(h);
                } else if known_pattern(pattern).is_some()
                    && let Some(words) = described
                {
                    d = d.with_help(words);
                }
                push(out, d);
            }
            ValidationErrorKind::Format { format } => {
                let mut d = Diagnostic::error(
                    "PL205",
                    span,
                    format!("{subject}: {found} is not a valid {format}"),
                );
                if let Some(h) = yaml11_hint(raw, instance, false) {
                    d = d.with_help(h);
                }
                push(out, d);
            }
            ValidationErrorKind::AnyOf { .. }
            | ValidationErrorKind::OneOfNotValid { .. }
            | ValidationErrorKind::OneOfMultipleValid { .. } => {
                let branches: Vec<&Json> = schema_at
                    .and_then(Json::as_array)
                    .map(|a| a.iter().collect())
                    .unwrap_or_default();
                let words: Vec<String> = branches.iter().map(|b| self.describe(b, 0)).collect();
                // The regexes of the branches, named once at the end of the message.
                let patterns: Vec<&str> = branches
                    .iter()
                    .filter_map(|b| b.get("pattern").and_then(Json::as_str))
                    .collect();
                let regexes = match patterns.as_slice() {
                    [] => String::new(),
                    [one] => format!(" (pattern `{one}`)"),
                    many => format!(
                        " (patterns {})",
                        many.iter()
                            .map(|p| format!("`{p}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let several =
                    matches!(error.kind(), ValidationErrorKind::OneOfMultipleValid { .. });
                let message = if several {
                    format!(
                        "{subject}: {found} matches more than one of: {}{regexes}",
                        words.join(" | ")
                    )
                } else {
                    format!(
                        "{subject}: expected {}; found {found}{regexes}",
                        list_words_or(&words)
                    )
                };
                let mut d = Diagnostic::error("PL206", span, message);
                let enums: Vec<Json> = branches.iter().flat_map(|b| enum_values(b)).collect();
                d = with_value_help(d, instance, raw, Some(&enums));
                let pattern = branches
                    .iter()
                    .find_map(|b| b.get("pattern").and_then(Json::as_str));
                if d.help.is_none()
                    && let Some(h) = pattern.and_then(|p| pattern_help(p, instance, raw))
                {
                    d = d.with_help(h);
                }
                if d.help.is_none()
                    && let Some(words) = self.words_near(error.schema_path().as_str())
                {
                    d = d.with_help(words);
                }
                push(out, d);
            }
            ValidationErrorKind::BacktrackLimitExceeded { .. }
            | ValidationErrorKind::RegexEngineFailure { .. }
            | ValidationErrorKind::Referencing(_) => {
                push(
                    out,
                    Diagnostic::warning(
                        "PL208",
                        span,
                        format!("{subject}: the schema could not judge this value: {error}"),
                    ),
                );
            }
            _ => {
                push(
                    out,
                    Diagnostic::error(
                        "PL207",
                        span,
                        format!("{subject}: {}", truncate(&error.to_string(), 160)),
                    ),
                );
            }
        }
    }

    /// The sub-schema at a schema-path pointer, following local `$ref`s on the way.
    fn schema_at(&self, pointer: &str) -> Option<&Json> {
        let mut cur: &Json = &self.json;
        for raw in pointer.split('/').skip(1) {
            let seg = raw.replace("~1", "/").replace("~0", "~");
            if seg == "$ref" {
                cur = self.resolve_ref(cur)?;
                continue;
            }
            cur = match cur {
                Json::Object(m) => m.get(&seg)?,
                Json::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Follows `{"$ref": "#/..."}` within this schema.
    fn resolve_ref<'a>(&'a self, schema: &'a Json) -> Option<&'a Json> {
        let r = schema.get("$ref")?.as_str()?;
        let pointer = r.strip_prefix('#')?;
        self.json.pointer(pointer)
    }

    /// A branch of `anyOf`/`oneOf` in a few words: `integer`, `string matching `…``, `null`.
    fn describe(&self, schema: &Json, depth: usize) -> String {
        if depth > 4 {
            return "…".to_string();
        }
        if let Some(target) = self.resolve_ref(schema) {
            return self.describe(target, depth + 1);
        }
        if let Some(c) = schema.get("const") {
            return if c == &Json::String(String::new()) {
                "empty text".to_string()
            } else {
                short_json(c)
            };
        }
        if let Some(values) = schema.get("enum").and_then(Json::as_array) {
            let words: Vec<String> = values.iter().map(short_json).collect();
            return format!("one of {}", list_words(&words));
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Json::as_array) {
                let words: Vec<String> = branches
                    .iter()
                    .map(|b| self.describe(b, depth + 1))
                    .collect();
                // Nested alternatives are one item of the outer list: `a, b or c`, not
                // `a or b or c`.
                return match depth {
                    0 => list_words_or(&words),
                    _ => words.join(", "),
                };
            }
        }
        let mut words = type_words(schema);
        if words.is_empty() {
            return truncate(&schema.to_string(), MAX_FOUND);
        }
        if let Some(p) = schema.get("pattern").and_then(Json::as_str) {
            // The regex itself is named once, at the end of the message.
            words = match known_pattern(p) {
                Some(known) => known,
                None => match schema.get("description").or_else(|| schema.get("title")) {
                    Some(Json::String(d)) => d.clone(),
                    _ => format!("{words} matching the pattern"),
                },
            };
        }
        if let Some(f) = schema.get("format").and_then(Json::as_str) {
            words = format!("{words} in {f} format");
        }
        if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
            words = format!("{words} of {}", self.describe(items, depth + 1));
        }
        words
    }
}

impl Schema {
    /// The schema's own words for the key a keyword belongs to: the `description` (or
    /// `title`) of the nearest schema at or above `pointer`, up to the key's own schema.
    fn words_near(&self, pointer: &str) -> Option<String> {
        let segments: Vec<&str> = pointer.split('/').collect();
        for end in (1..=segments.len()).rev() {
            let at = segments[..end].join("/");
            if let Some(words) = self
                .schema_at(&at)
                .and_then(|s| s.get("description").or_else(|| s.get("title")))
                .and_then(Json::as_str)
            {
                return Some(words.trim().to_string());
            }
            // A key's own schema (`.../properties/k`) or a list's items: no higher.
            let last_two = (segments.get(end.wrapping_sub(2)), segments.get(end - 1));
            if matches!(last_two, (Some(&"properties"), _) | (_, Some(&"items"))) {
                break;
            }
        }
        None
    }
}

/// A regex that has a name in plain words: the shapes docs teams use most.
fn known_pattern(pattern: &str) -> Option<String> {
    let p = pattern.replace("A-F", "").replace("a-f", "");
    if p.contains("{8}-") && p.contains("{4}-") && p.contains("{12}") {
        return Some("a UUID (32 hexadecimal digits in groups of 8-4-4-4-12, like `0f8fad5b-d9cb-469f-a165-70867728950e`)".into());
    }
    let lower = pattern.to_ascii_lowercase();
    if lower.starts_with("^(https?|https?)://")
        || lower.starts_with("^https?://")
        || lower.starts_with("^(https?)://")
    {
        return Some("an http(s) URL (`https://...`)".into());
    }
    if [
        "^[A-Za-z]{2,3}(-",
        "^[a-z]{2}(-",
        "^[a-z]{2,3}(-",
        "^[a-z]{2}-",
    ]
    .iter()
    .any(|start| pattern.starts_with(start))
    {
        return Some("a language tag (`en`, `en-us`, `pt-BR`)".into());
    }
    // `^https://www\.figma\.com/`: a URL with a fixed start, named by that start.
    if let Some(rest) = pattern.strip_prefix('^') {
        let mut literal = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(e @ ('.' | '/' | '-' | ':' | '?' | '=' | '&')) => literal.push(e),
                    _ => break,
                },
                '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '$' | '^' => {
                    break;
                }
                other => literal.push(other),
            }
        }
        if (literal.starts_with("https://") || literal.starts_with("http://"))
            && literal.len() > "https://".len()
        {
            return Some(format!("a URL starting with `{literal}`"));
        }
    }
    if pattern.contains("\\d+(\\s*,\\s*\\d+)*") {
        return Some("a number, or numbers separated by commas".into());
    }
    None
}

/// `a`, `a or b`, `a, b or c`.
fn list_words_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Which of two findings on the same value to keep (lower wins).
fn rank(code: &str) -> u8 {
    match code {
        "PL201" => 0,
        "PL206" => 1,
        "PL202" => 2,
        "PL205" => 3,
        "PL207" => 4,
        _ => 5,
    }
}

/// An explained error before deduplication.
struct Finding {
    diagnostic: Diagnostic,
    /// The mapping the finding is about (for matching a typo to a missing key).
    owner: Range<usize>,
    /// For an unknown key: the key it probably meant.
    suggests: Option<String>,
    /// For a missing key: its name.
    missing: Option<String>,
    /// The certain edit, when there is one.
    remedy: Option<Remedy>,
}

impl Finding {
    fn plain(diagnostic: Diagnostic) -> Self {
        Finding {
            owner: diagnostic.span.clone(),
            diagnostic,
            suggests: None,
            missing: None,
            remedy: None,
        }
    }
}

/// Walks an instance path through the YAML tree.
fn locate<'a>(root: &'a Node, path: &[LocationSegment<'_>]) -> Option<&'a Node> {
    let mut cur = root;
    for seg in path {
        cur = match (seg, &cur.value) {
            (LocationSegment::Property(name), Value::Map(_)) => cur.get(name)?,
            (LocationSegment::Index(i), Value::Seq(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// `` `audience[1]` `` for messages; `front matter` for the root.
fn subject(path: &[LocationSegment<'_>]) -> String {
    if path.is_empty() {
        return "front matter".to_string();
    }
    let mut s = String::new();
    for seg in path {
        match seg {
            LocationSegment::Property(p) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(p);
            }
            LocationSegment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    format!("`{s}`")
}

/// ` in `parent`` for key findings below the root.
fn in_subject(path: &[LocationSegment<'_>]) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" in {}", subject(path))
    }
}

/// The first line of `span` (a missing-key report on a whole mapping would underline it all).
fn first_line(src: &str, span: &Range<usize>) -> Range<usize> {
    let end = src
        .get(span.clone())
        .and_then(|s| s.find(['\n', '\r']))
        .map_or(span.end, |i| span.start + i);
    span.start..end
}

/// `"audience"` for `/properties/audience/items` minus its last segment.
fn parent_pointer(pointer: &str) -> &str {
    pointer.rsplit_once('/').map_or("", |(p, _)| p)
}

/// YAML words for a schema's `type`: `list`, `mapping`, `string or null`.
fn type_words(schema: &Json) -> String {
    let word = |t: &str| {
        match t {
            "array" => "list",
            "object" => "mapping",
            "null" => "null",
            other => other,
        }
        .to_string()
    };
    // The error's schema path ends at `type` itself: a name, or a list of names.
    let t = if schema.is_string() || schema.is_array() {
        Some(schema)
    } else {
        schema.get("type")
    };
    match t {
        Some(Json::String(s)) => word(s),
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(Json::as_str)
            .map(word)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => String::new(),
    }
}

/// What was found, in words: `string "EN_us"`, `integer 12`, `a list`, `null (empty)`.
fn describe_found(value: &Json, raw: &str) -> String {
    match value {
        Json::Null => "null (an empty value)".to_string(),
        Json::Bool(b) => format!("boolean {b}"),
        Json::Number(n) if n.is_f64() => format!(
            "number {}",
            truncate(raw_or(raw, &n.to_string()), MAX_FOUND)
        ),
        Json::Number(n) => format!(
            "integer {}",
            truncate(raw_or(raw, &n.to_string()), MAX_FOUND)
        ),
        Json::String(s) => format!("string \"{}\"", truncate(s, MAX_FOUND)),
        Json::Array(a) => format!(
            "a list of {} item{}",
            a.len(),
            if a.len() == 1 { "" } else { "s" }
        ),
        Json::Object(_) => "a mapping".to_string(),
    }
}

/// The source text when it is a plain spelling of the value (`012`, `1.10`), else `fallback`.
fn raw_or<'a>(raw: &'a str, fallback: &'a str) -> &'a str {
    if !raw.is_empty() && !raw.contains(['\n', '&', '!', '*']) {
        raw
    } else {
        fallback
    }
}

/// A JSON value in a few characters: strings bare, others as JSON.
fn short_json(v: &Json) -> String {
    match v {
        Json::String(s) => format!("`{}`", truncate(s, MAX_FOUND)),
        other => format!("`{}`", truncate(&other.to_string(), MAX_FOUND)),
    }
}

/// `a, b, c` or `a, b, … and 4 more`.
fn list_words(items: &[String]) -> String {
    if items.len() <= MAX_LISTED {
        return items.join(", ");
    }
    let shown = items.get(..MAX_LISTED).unwrap_or(items).join(", ");
    format!("{shown} … and {} more", items.len() - MAX_LISTED)
}

/// At most `max` characters, with `…` when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// Enum and const values of a branch and of its `items`, for did-you-mean.
fn enum_values(schema: &Json) -> Vec<Json> {
    let mut out = Vec::new();
    for s in [Some(schema), schema.get("items")].into_iter().flatten() {
        if let Some(a) = s.get("enum").and_then(Json::as_array) {
            out.extend(a.iter().cloned());
        }
        if let Some(c) = s.get("const") {
            out.push(c.clone());
        }
    }
    out
}

/// [`Remedy::ReplaceText`] for a text value that is not allowed: the allowed text it surely
/// meant, unless the list holding the value already holds that one (the fix would make a
/// duplicate, which was perhaps deliberate, or which `uniqueItems` refuses).
fn value_remedy(
    root: &Node,
    path: &[LocationSegment<'_>],
    instance: &Json,
    allowed: Option<&[Json]>,
) -> Option<Remedy> {
    let text = instance.as_str()?;
    let names = allowed.unwrap_or_default().iter().filter_map(Json::as_str);
    let to = super::suggest::unambiguous(text, names)?;
    if let Some((LocationSegment::Index(_), parent)) = path.split_last()
        && let Some(Node {
            value: Value::Seq(items),
            ..
        }) = locate(root, parent)
        && items.iter().any(|n| n.as_str() == Some(to))
    {
        return None;
    }
    Some(Remedy::ReplaceText(to.to_string()))
}

/// Did-you-mean against allowed values, else a YAML 1.1 note.
fn with_value_help(
    d: Diagnostic,
    instance: &Json,
    raw: &str,
    allowed: Option<&[Json]>,
) -> Diagnostic {
    let names: Vec<&str> = allowed
        .unwrap_or_default()
        .iter()
        .filter_map(Json::as_str)
        .collect();
    let wants_bool = allowed.unwrap_or_default().iter().any(Json::is_boolean);
    if let Some(text) = instance.as_str()
        && let Some(h) = did_you_mean(text, names.iter().copied())
    {
        return d.with_help(h);
    }
    match yaml11_hint(raw, instance, wants_bool) {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// Help for a pattern mismatch: a fixed spelling the pattern accepts (case, `_`, spaces), or
/// for comma lists of alternatives (`(a|b|c)(\s*,\s*(a|b|c))*`) the item that is wrong.
fn pattern_help(pattern: &str, instance: &Json, raw: &str) -> Option<String> {
    let Some(text) = instance.as_str() else {
        return yaml11_hint(raw, instance, false);
    };
    let accepts = |candidate: &str| {
        jsonschema::options()
            .build(&serde_json::json!({ "pattern": pattern }))
            .map(|v| v.is_valid(&Json::String(candidate.to_string())))
            .unwrap_or(false)
    };
    let trimmed = text.trim();
    let candidates = [
        trimmed.to_string(),
        trimmed.to_lowercase(),
        trimmed.to_lowercase().replace('_', "-"),
        trimmed.replace('_', "-"),
    ];
    if let Some(fixed) = candidates.iter().find(|c| c.as_str() != text && accepts(c)) {
        return Some(format!("did you mean `{fixed}`?"));
    }
    let alternatives = pattern_alternatives(pattern);
    if !alternatives.is_empty() && text.contains(',') || alternatives.len() > 1 {
        let known: Vec<&str> = alternatives.iter().map(String::as_str).collect();
        for item in text.split(',').map(str::trim) {
            if item.is_empty() || known.contains(&item) {
                continue;
            }
            return Some(match did_you_mean(item, known.iter().copied()) {
                Some(h) => format!("`{item}` is not one of the allowed items; {h}"),
                None => format!(
                    "`{item}` is not one of the allowed items: {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    None
}

/// Words inside `(a|b|c)` groups of a pattern, when they are plain text.
fn pattern_alternatives(pattern: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('(') {
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = after.find(')') else { break };
        let inner = after.get(..close).unwrap_or_default();
        if inner.contains('|')
            && inner
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '|' | ' ' | '-' | '_'))
        {
            out.extend(inner.split('|').map(str::to_string));
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out.into_iter().collect()
}

/// serde_json's 1-based line and column (in bytes) as a byte offset.
fn serde_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(line - 2)
            .map_or(text.len(), |i| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// serde_json's message without its own " at line L column C" (we print our own).
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s.get(..i).unwrap_or(&s).to_string(),
        None => s,
    }
}

/// The first `$ref` that names a non-file URL, with the JSON pointer to it.
fn remote_ref(value: &Json, pointer: String) -> Option<(String, String)> {
    match value {
        Json::Object(m) => {
            if let Some(Json::String(r)) = m.get("$ref") {
                // A URI scheme (`https:`), not a Windows drive letter or a fragment.
                let scheme = r.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
                if let Some(s) = scheme
                    && s != "file"
                    && s.len() > 1
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                {
                    return Some((format!("{pointer}/$ref"), r.clone()));
                }
            }
            m.iter().find_map(|(k, v)| {
                let k = k.replace('~', "~0").replace('/', "~1");
                remote_ref(v, format!("{pointer}/{k}"))
            })
        }
        Json::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| remote_ref(v, format!("{pointer}/{i}"))),
        _ => None,
    }
}

/// `file://` URI of the schema's own path, so relative `$ref`s resolve next to it.
fn base_uri(path: &str) -> Option<String> {
    let p = Path::new(path);
    let abs = p.canonicalize().ok()?;
    let s = abs.to_str()?;
    if s.contains(['%', '#', '?']) {
        return None;
    }
    Some(format!("file://{}", s.replace(' ', "%20")))
}

/// Resolves `$ref`s to local files only.
struct LocalFiles;

impl Retrieve for LocalFiles {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Json, Box<dyn std::error::Error + Send + Sync>> {
        let s = uri.as_str();
        let Some(path) = s.strip_prefix("file://") else {
            return Err(
                format!("refusing to fetch `{s}`: only local files may be referenced").into(),
            );
        };
        let path = path.replace("%20", " ");
        let text = std::fs::read_to_string(&path)?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// Byte offset of the value at a JSON pointer in JSON text (for schema error positions).
fn pointer_offset(text: &str, pointer: &str) -> Option<usize> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let b = text.as_bytes();
    let mut pos = skip_ws(b, 0);
    for seg in &segments {
        match b.get(pos)? {
            b'{' => {
                pos = skip_ws(b, pos + 1);
                loop {
                    let (key, after) = read_string(text, pos)?;
                    pos = skip_ws(b, after);
                    if b.get(pos) != Some(&b':') {
                        return None;
                    }
                    pos = skip_ws(b, pos + 1);
                    if &key == seg {
                        break;
                    }
                    pos = skip_ws(b, skip_value(text, pos)?);
                    match b.get(pos)? {
                        b',' => pos = skip_ws(b, pos + 1),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let index: usize = seg.parse().ok()?;
                pos = skip_ws(b, pos + 1);
                for _ in 0..index {
                    pos = skip_ws(b, skip_value(text, pos)?);
                    if b.get(pos) != Some(&b',') {
                        return None;
                    }
                    pos = skip_ws(b, pos + 1);
                }
            }
            _ => return None,
        }
    }
    Some(pos)
}

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while b.get(pos).is_some_and(|c| c.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

/// A JSON string starting at `pos` (decoded through serde_json), and the offset after it.
fn read_string(text: &str, pos: usize) -> Option<(String, usize)> {
    let b = text.as_bytes();
    if b.get(pos) != Some(&b'"') {
        return None;
    }
    let mut i = pos + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => {
                let s: String = serde_json::from_str(text.get(pos..=i)?).ok()?;
                return Some((s, i + 1));
            }
            _ => i += 1,
        }
    }
    None
}

/// The offset just after the JSON value starting at `pos`. Iterative: schema files can nest.
fn skip_value(text: &str, pos: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = pos;
    loop {
        match b.get(i)? {
            b'"' => i = read_string(text, i)?.1,
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            _ => {
                while b
                    .get(i)
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b'"' | b'{' | b'['))
                {
                    i += 1;
                }
                if depth == 0 {
                    return Some(i);
                }
                b.get(i)?;
                if b.get(i) == Some(&b',') {
                    i += 1;
                }
                continue;
            }
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::{Limits, extract};

    fn check(schema: &Schema, src: &str) -> Vec<Diagnostic> {
        let ex = extract(src, &Limits::default());
        assert!(ex.diagnostics.is_empty(), "{:?}", ex.diagnostics);
        schema.validate(&ex.data.unwrap(), src)
    }

    fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
        d.iter().map(|d| d.code).collect()
    }

    const GOOD: &str = "---\nsummary: A page about caching.\nguid: 0f8fad5b-d9cb-469f-a165-70867728950e\nlocale: en-us\n---\n";

    #[test]
    fn embedded_schema_accepts_good_front_matter() {
        assert!(check(&Schema::embedded(), GOOD).is_empty());
        assert_eq!(Schema::default().json(), Schema::embedded().json());
    }

    /// A team schema: required keys, a vocabulary, no extra keys.
    fn team() -> Schema {
        Schema::from_str(
            r#"{"type": "object", "required": ["summary", "guid", "locale"],
                "additionalProperties": false,
                "properties": {
                  "summary": {"type": "string"}, "guid": {"type": "string"},
                  "locale": {"type": "string"},
                  "coverage-type": {"type": "array",
                    "items": {"type": "string", "enum": ["apply", "evaluate"]}}}}"#,
            "team.json",
        )
        .unwrap()
    }

    #[test]
    fn one_report_per_value() {
        let src = "---\nsummary: s\nguid: g\nlocale: en-us\ncoverage-type: [3]\n---\n";
        let d = check(&team(), src);
        assert_eq!(codes(&d), ["PL201"]);
        assert!(
            d[0].message.contains("expected string, found integer 3"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn typo_of_required_key_is_one_report() {
        let src = "---\nSummary: s\nguid: g\nlocale: en-us\n---\n";
        let d = check(&team(), src);
        assert_eq!(codes(&d), ["PL203"]);
        assert_eq!(&src[d[0].span.clone()], "Summary");
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean `summary`? (it is required)")
        );
    }

    #[test]
    fn empty_block_reports_missing_keys() {
        let src = "---\n---\n";
        let d = check(&team(), src);
        // One finding naming every missing key, at the opening fence.
        assert_eq!(codes(&d), ["PL204"]);
        let names = team().required_keys().len();
        assert_eq!(
            d[0].message.matches('`').count(),
            2 * names,
            "{}",
            d[0].message
        );
        assert!(
            d[0].message.starts_with("missing required keys "),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].span, 0..3);
        assert!(check(&Schema::embedded(), src).is_empty());
        // With a BOM and a key present, still the fence, not the first key.
        let src = "\u{feff}---\nsummary: x\n---\n";
        let d = check(&team(), src);
        assert!(
            d.iter().all(|d| d.code != "PL204" || d.span == (3..6)),
            "{d:?}"
        );
    }

    /// Words before the regex: a known shape, or the schema's own description of the key.
    #[test]
    fn pattern_failures_say_what_the_value_should_be() {
        let d = check(
            &Schema::embedded(),
            "---\nguid: nope\nfigma: javascript:x()\n---\n",
        );
        let guid = d.iter().find(|d| d.message.starts_with("`guid`")).unwrap();
        assert!(guid.message.contains("a UUID"), "{}", guid.message);
        let words = guid.message.find("a UUID").unwrap();
        let regex = guid.message.find("(pattern `").unwrap();
        assert!(words < regex, "the regex comes last: {}", guid.message);
        let figma = d.iter().find(|d| d.message.starts_with("`figma`")).unwrap();
        assert!(
            figma.message.contains("an http(s) URL"),
            "{}",
            figma.message
        );
        let schema = Schema::from_str(
            r#"{"properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$",
                "description": "Three capital letters, like `ABC`."}}}"#,
            "t.json",
        )
        .unwrap();
        let d = check(&schema, "---\ncode: abcd\n---\n");
        assert!(
            d[0].message.contains("Three capital letters"),
            "{}",
            d[0].message
        );
        assert!(
            d[0].message.ends_with("(pattern `^[A-Z]{3}$`)"),
            "{}",
            d[0].message
        );
    }

    /// The embedded schema has no vocabulary for did-you-mean to offer: no `enum`, no `const`
    /// but the empty text, no pattern made of plain-word alternatives, nothing required and
    /// no key forbidden.
    #[test]
    fn embedded_schema_holds_no_vocabulary() {
        fn walk(v: &Json, out: &mut Vec<String>) {
            match v {
                Json::Object(m) => {
                    if m.contains_key("enum") {
                        out.push(format!("enum in {v}"));
                    }
                    if let Some(c) = m
                        .get("const")
                        .filter(|c| *c != &Json::String(String::new()))
                    {
                        out.push(format!("const {c}"));
                    }
                    if let Some(p) = m.get("pattern").and_then(Json::as_str)
                        && !pattern_alternatives(p).is_empty()
                    {
                        out.push(format!("word alternatives in {p}"));
                    }
                    for key in ["required", "additionalProperties", "propertyNames"] {
                        if m.contains_key(key) {
                            out.push(format!("`{key}` in {v}"));
                        }
                    }
                    m.values().for_each(|c| walk(c, out));
                }
                Json::Array(a) => a.iter().for_each(|c| walk(c, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        walk(Schema::embedded().json(), &mut found);
        assert!(found.is_empty(), "{found:#?}");
        // And a stale value of some team's vocabulary gets neither an error nor a suggestion.
        let src = "---\naudience: [Architect, fullstack developers]\ncoverage-type: [aply]\n---\n";
        assert!(check(&Schema::embedded(), src).is_empty());
    }

    #[test]
    fn pointer_offsets() {
        let text = r#"{"a": [1, {"b~c": "x", "d/e": [true, null]}], "f": {}}"#;
        assert_eq!(pointer_offset(text, ""), Some(0));
        assert_eq!(
            &text[pointer_offset(text, "/a/1/d~1e/1").unwrap()..][..4],
            "null"
        );
        assert_eq!(
            &text[pointer_offset(text, "/a/1/b~0c").unwrap()..][..3],
            "\"x\""
        );
        assert_eq!(&text[pointer_offset(text, "/f").unwrap()..][..2], "{}");
        assert_eq!(pointer_offset(text, "/zz"), None);
    }

    #[test]
    fn pattern_alternatives_are_read() {
        assert_eq!(pattern_alternatives("^(a b|c)(,(a b|c))*$"), ["a b", "c"]);
        assert!(pattern_alternatives(r"^\d+$").is_empty());
    }
}
