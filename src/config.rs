//! `[preprocessor.polish]` in `book.toml`: every key, its default, and validation.
//!
//! Keys are kebab-case. mdBook keeps its own keys in the same table (`command`, `renderers`,
//! `before`, `after`, `optional`), so unknown keys are not a hard error: our own typos are
//! reported as warnings with a did-you-mean, mdBook's are ignored.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::compare::CompareOptions;
use crate::encoding::RepairOptions;
use crate::header::HeaderConfig;
use crate::markdown::ParseOptions;
use crate::policy::{Level, Levels};

/// What to do with a build whose chapters have errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnFailure {
    /// Print diagnostics, keep building (so `mdbook serve` keeps working).
    #[default]
    Warn,
    /// Print diagnostics and fail the build when any has error severity.
    Error,
}

/// `require-front-matter`: which chapters must start with front matter.
///
/// By default (`"auto"`) that follows the schema: when it has `required` keys, a chapter
/// without front matter lacks them all, so every chapter must have some, as in the
/// Ajv-based checkers teams use. Pages for which that is fine are excluded by name
/// (`["!index.md", "!drafts/**"]`), never by silence. `SUMMARY.md` is never a chapter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Require {
    /// Every chapter when the schema has required keys, else none (`"auto"`, the default).
    #[default]
    Auto,
    /// Everywhere or nowhere.
    All(bool),
    /// Chapters whose source path matches; a glob starting with `!` excludes. A list of
    /// exclusions only means every other chapter.
    Globs(Vec<String>),
}

impl<'de> Deserialize<'de> for Require {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Globs(Vec<String>),
            Word(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(b) => Ok(Require::All(b)),
            Raw::Globs(g) => Ok(Require::Globs(g)),
            Raw::Word(w) if w == "auto" => Ok(Require::Auto),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "`require-front-matter` is `true`, `false`, `\"auto\"` or a list of globs, not `\"{w}\"`"
            ))),
        }
    }
}

impl Require {
    /// Whether a chapter at `path` (relative to the book's `src`) must have front matter,
    /// when the schema in use `schema_requires` keys.
    pub fn applies_to(&self, path: &str, schema_requires: bool) -> bool {
        if path.rsplit('/').next() == Some("SUMMARY.md") {
            return false;
        }
        match self {
            Require::Auto => schema_requires,
            Require::All(b) => *b,
            Require::Globs(globs) => {
                // Only exclusions: everything else is included.
                let mut included = globs.iter().all(|g| g.starts_with('!'));
                let mut excluded = false;
                for g in globs {
                    let (neg, pat) = match g.strip_prefix('!') {
                        Some(p) => (true, p),
                        None => (false, g.as_str()),
                    };
                    let Ok(glob) = globset::Glob::new(pat) else {
                        continue;
                    };
                    if glob.compile_matcher().is_match(path) {
                        if neg {
                            excluded = true;
                        } else {
                            included = true;
                        }
                    }
                }
                included && !excluded
            }
        }
    }
}

/// Whether draft pages are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Drafts {
    /// Left out of the build, with links to them reported (the default).
    #[default]
    Hide,
    /// Built like any page (for `mdbook serve` while writing).
    Show,
}

/// The whole `[preprocessor.polish]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct Config {
    /// `warn` (default) or `error`: whether error diagnostics fail `mdbook build`.
    pub on_failure: OnFailure,
    /// Render the metadata header (html only). Default `true`.
    pub header: bool,
    /// Front matter fields shown in the header, in order.
    pub header_fields: Vec<String>,
    /// Labels for header fields, e.g. `{ audience = "Who it is for" }`.
    pub header_labels: BTreeMap<String, String>,
    /// Validate front matter against a JSON Schema. Default `true`.
    pub validate: bool,
    /// Path of a JSON Schema, relative to the book root. Default: the embedded schema.
    pub schema: Option<String>,
    /// Chapters that must start with front matter.
    pub require_front_matter: Require,
    /// Turn comparison tables into components (html only). Default `true`.
    pub compare: bool,
    /// Extra words for the "pro" side of comparison tables.
    pub pro_words: Vec<String>,
    /// Extra words for the "con" side.
    pub con_words: Vec<String>,
    /// Extra favourable verdicts that open a header (`Good`, `Do`, `Use`).
    pub pro_verdicts: Vec<String>,
    /// Extra unfavourable verdicts that open a header (`Bad`, `Avoid`).
    pub con_verdicts: Vec<String>,
    /// Extra negations (`not`, `nicht`): `X` beside `Not X` is a comparison.
    pub negation_words: Vec<String>,
    /// Keep the built-in word lists (English, Spanish, Portuguese, French, German). Default
    /// `true`.
    pub default_words: bool,
    /// Render layout tables (text beside an image) as media rows. Default `false`.
    pub media: bool,
    /// Repair mojibake. Default `true`.
    pub encoding: bool,
    /// Also repair inside code spans and blocks. Default `false`.
    pub encoding_in_code: bool,
    /// Also repair inside raw HTML attribute values. Default `false`.
    pub encoding_in_html_attributes: bool,
    /// Front matter keys an index page may list (`<!-- polish: index KEY -->`); empty: any.
    pub index_keys: Vec<String>,
    /// Display labels of values on index pages and their chips, by key then value.
    pub index_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// List draft pages on index pages and among related pages when the build shows them.
    /// Default `false`: a draft is never listed.
    pub index_drafts: bool,
    /// How many related pages to list at the end of each chapter. Default `0` (none).
    pub related: usize,
    /// The keys whose shared values make pages related.
    pub related_keys: Vec<String>,
    /// The heading over the related pages.
    pub related_title: String,
    /// Whether pages with `draft: true` are left out of the build (`hide`, the default) or
    /// built (`show`).
    pub drafts: Drafts,
    /// Rule levels by rule id or name: `off`, `note`, `warning` or `error` (`[rules]`).
    pub rules: BTreeMap<String, Level>,
    /// Settings for the files some globs match (`[[overrides]]`), applied in order over the
    /// rest of the table.
    pub overrides: Vec<Override>,
    /// The table as read, for [`Config::with_overrides`] to lay overrides over.
    #[serde(skip)]
    pub raw: serde_json::Map<String, serde_json::Value>,
    /// Each override's globs, compiled once when the table is read (a book of 5,000 chapters
    /// matches every chapter's path against them).
    #[serde(skip)]
    matchers: Matchers,
    /// Keys we did not recognise (mdBook's own are filtered out by [`Config::unknown_keys`]).
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// Keys mdBook itself reads from a preprocessor table.
const MDBOOK_KEYS: &[&str] = &["command", "renderers", "before", "after", "optional"];

/// Our own keys, for did-you-mean on typos.
pub const KNOWN_KEYS: &[&str] = &[
    "on-failure",
    "header",
    "header-fields",
    "header-labels",
    "validate",
    "schema",
    "require-front-matter",
    "compare",
    "pro-words",
    "con-words",
    "pro-verdicts",
    "con-verdicts",
    "negation-words",
    "default-words",
    "media",
    "encoding",
    "encoding-in-code",
    "encoding-in-html-attributes",
    "index-keys",
    "index-labels",
    "index-drafts",
    "related",
    "related-keys",
    "related-title",
    "drafts",
    "rules",
    "overrides",
];

/// The compiled globs of each override. Derived from [`Config::overrides`], so two configs
/// compare equal whatever these hold.
#[derive(Debug, Clone, Default)]
struct Matchers(Vec<globset::GlobSet>);

impl PartialEq for Matchers {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// One `[[overrides]]` entry: globs and the settings for the files they match.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Override {
    /// Globs over paths relative to the book's `src` (or to the folder of `polish.toml`);
    /// `*` stays within a folder, `**` crosses folders.
    pub files: Vec<String>,
    /// Any other key of the table.
    #[serde(flatten)]
    pub settings: serde_json::Map<String, serde_json::Value>,
}

/// The JSON Schema of the settings, as published in `schemas/polish.schema.json` for editors
/// (a `#:schema` line at the top of `polish.toml`). Generated from this table so that it
/// cannot drift from the keys the code reads: a test compares the file with it.
pub fn json_schema() -> serde_json::Value {
    use serde_json::json;
    let words =
        |what: &str| json!({"type": "array", "items": {"type": "string"}, "description": what});
    let flag = |what: &str, default: bool| json!({"type": "boolean", "default": default, "description": what});
    let levels = json!({"enum": ["off", "note", "warning", "warn", "error"]});
    let rule_ids: Vec<&str> = crate::rules::RULES
        .iter()
        .flat_map(|r| [r.code, r.name])
        .collect();
    let mut props = serde_json::Map::new();
    let mut add = |k: &str, v: serde_json::Value| {
        props.insert(k.to_string(), v);
    };
    add(
        "on-failure",
        json!({"enum": ["warn", "error"], "default": "warn",
        "description": "`error` makes `mdbook build` fail when a chapter has an error-level finding."}),
    );
    add(
        "header",
        flag("Render the metadata header (html output only).", true),
    );
    add(
        "header-fields",
        words("Front matter keys shown in the header, in this order."),
    );
    add(
        "header-labels",
        json!({"type": "object", "additionalProperties": {"type": "string"},
        "description": "Labels by key, e.g. { audience = \"Written for\" }."}),
    );
    add(
        "validate",
        flag("Validate front matter against a JSON Schema.", true),
    );
    add(
        "schema",
        json!({"type": "string",
        "description": "Path of your own JSON Schema, relative to the book root (or to this file's folder)."}),
    );
    add(
        "require-front-matter",
        json!({
        "description": "Which chapters must have front matter: \"auto\" (when the schema has required keys), true, false, or globs (`!` excludes).",
        "default": "auto",
        "anyOf": [{"type": "boolean"}, {"const": "auto"}, {"type": "array", "items": {"type": "string"}}]}),
    );
    add(
        "compare",
        flag(
            "Turn benefit/burden tables into comparison components (html output only).",
            true,
        ),
    );
    add(
        "pro-words",
        words("Extra words that name the favourable side of a comparison."),
    );
    add(
        "con-words",
        words("Extra words that name the unfavourable side of a comparison."),
    );
    add(
        "pro-verdicts",
        words("Extra favourable verdicts that open a header (Good, Do, Use)."),
    );
    add(
        "con-verdicts",
        words("Extra unfavourable verdicts that open a header (Bad, Avoid)."),
    );
    add(
        "negation-words",
        words("Extra negations: `X` beside `<negation> X` is a comparison."),
    );
    add(
        "default-words",
        flag(
            "Keep the built-in word lists (English, Spanish, Portuguese, French, German).",
            true,
        ),
    );
    add(
        "media",
        flag(
            "Render layout tables (text beside an image) as media rows.",
            false,
        ),
    );
    add("encoding", flag("Repair mojibake in the built book.", true));
    add(
        "encoding-in-code",
        flag("Also repair inside code spans and code blocks.", false),
    );
    add(
        "encoding-in-html-attributes",
        flag("Also repair inside raw HTML attribute values.", false),
    );
    add(
        "index-keys",
        words(
            "Front matter keys an index page may list (`<!-- polish: index KEY -->`); empty: any key.",
        ),
    );
    add(
        "index-labels",
        json!({"type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
        "description": "Display labels of values on index pages and chips, by key then value, e.g. { tags = { lsp = \"Language server\" } }."}),
    );
    add(
        "index-drafts",
        flag(
            "List draft pages on index pages and among related pages when drafts are shown.",
            false,
        ),
    );
    add(
        "related",
        json!({"type": "integer", "minimum": 0, "default": 0,
        "description": "How many related pages (sharing the most values of `related-keys`) to list at the end of each chapter; 0 for none."}),
    );
    add(
        "related-keys",
        words("Front matter keys whose shared values make two pages related."),
    );
    add(
        "related-title",
        json!({"type": "string", "default": "Related pages",
        "description": "The heading over the related pages."}),
    );
    add(
        "drafts",
        json!({"enum": ["hide", "show"], "default": "hide",
        "description": "`hide` leaves pages with `draft: true` out of the build; `show` builds them (e.g. MDBOOK_PREPROCESSOR__POLISH__DRAFTS=show mdbook serve)."}),
    );
    add(
        "rules",
        json!({"type": "object",
        "description": "Rule levels by rule id or name: off, note, warning or error.",
        "propertyNames": {"enum": rule_ids},
        "additionalProperties": levels}),
    );
    let mut override_props = props.clone();
    override_props.insert("files".into(), json!({"type": "array", "minItems": 1, "items": {"type": "string"},
        "description": "Globs over paths relative to the book's src (or to this file's folder); `*` stays in a folder, `**` crosses folders."}));
    props.insert(
        "overrides".into(),
        json!({"type": "array",
        "description": "Settings for the files some globs match, applied in order over the rest.",
        "items": {"type": "object", "required": ["files"], "additionalProperties": false,
                  "properties": override_props}}),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "mdbook-polish settings (polish.toml, or [preprocessor.polish] in book.toml)",
        "type": "object",
        "additionalProperties": false,
        "properties": props,
    })
}

/// What a key takes, in words, for the one-sentence config error.
fn expected_shape(key: &str) -> &'static str {
    match key {
        "on-failure" => "`\"warn\"` or `\"error\"`",
        "header-fields" | "pro-words" | "con-words" | "pro-verdicts" | "con-verdicts"
        | "negation-words" => "a list of text, like `[\"summary\", \"tags\"]`",
        "header-labels" => "a table of text, like `{ audience = \"Who it is for\" }`",
        "index-keys" | "related-keys" => "a list of keys, like `[\"tags\", \"topic\"]`",
        "index-labels" => {
            "a table of tables of text, like `{ tags = { lsp = \"Language server\" } }`"
        }
        "related" => "a whole number, like `3` (0 for none)",
        "related-title" => "text, like `\"Related pages\"`",
        "drafts" => "`\"hide\"` or `\"show\"`",
        "rules" => {
            "a table of rule ids and levels, like `{ PL401 = \"off\", PL203 = \"warning\" }` (levels: off, note, warning, error)"
        }
        "overrides" => {
            "a list of tables, each with `files` (a list of globs) and the settings for those files, like `[[overrides]]` / `files = [\"release-notes/**\"]` / `validate = false`"
        }
        "schema" => "a path as text, like `\"frontmatter.schema.json\"`",
        "require-front-matter" => {
            "`true`, `false`, `\"auto\"` or a list of globs like `[\"guide/**\", \"!guide/drafts/**\"]`"
        }
        _ => "`true` or `false`",
    }
}

/// A TOML value as the user wrote it, for the same error.
fn found_shape(value: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match value {
        J::String(s) => format!("the text `\"{s}\"`"),
        J::Number(n) => format!("the number `{n}`"),
        J::Bool(b) => format!("`{b}`"),
        J::Array(a) if a.iter().all(J::is_string) => "a list of text".into(),
        J::Array(_) => "a list holding something other than text".into(),
        J::Object(m) if m.values().all(J::is_string) => "a table of text".into(),
        J::Object(_) => "a table holding something other than text".into(),
        J::Null => "nothing".into(),
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            on_failure: OnFailure::Warn,
            header: true,
            header_fields: HeaderConfig::default().fields,
            header_labels: BTreeMap::new(),
            validate: true,
            schema: None,
            require_front_matter: Require::default(),
            compare: true,
            pro_words: Vec::new(),
            con_words: Vec::new(),
            pro_verdicts: Vec::new(),
            con_verdicts: Vec::new(),
            negation_words: Vec::new(),
            default_words: true,
            media: false,
            encoding: true,
            encoding_in_code: false,
            encoding_in_html_attributes: false,
            index_keys: Vec::new(),
            index_labels: BTreeMap::new(),
            index_drafts: false,
            related: 0,
            related_keys: vec!["tags".into(), "topic".into()],
            related_title: "Related pages".into(),
            drafts: Drafts::Hide,
            rules: BTreeMap::new(),
            overrides: Vec::new(),
            raw: serde_json::Map::new(),
            matchers: Matchers::default(),
            other: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Reads the table out of mdBook's config. A missing table is all defaults.
    pub fn from_book_config(cfg: &mdbook_preprocessor::config::Config) -> anyhow::Result<Config> {
        let value: Option<serde_json::Value> = cfg.get("preprocessor.polish")?;
        match value {
            None => Ok(Config::default()),
            Some(v) => Self::from_json(v),
        }
    }

    /// Reads the table from its JSON form (mdBook hands config over as JSON too).
    pub fn from_json(v: serde_json::Value) -> anyhow::Result<Config> {
        Self::from_json_in(v, "[preprocessor.polish]")
    }

    /// [`Config::from_json`] for a table read from `place` (`[preprocessor.polish]`, or a
    /// `polish.toml`), which error messages name. Each `[[overrides]]` entry is checked here
    /// too, laid over the rest, so a mistake in one is found when the file is read and not
    /// when the first file it matches is checked.
    pub fn from_json_in(v: serde_json::Value, place: &str) -> anyhow::Result<Config> {
        let mut cfg = Self::parse_table(&v, place)?;
        cfg.raw = match v {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        let mut matchers = Vec::with_capacity(cfg.overrides.len());
        for (i, o) in cfg.overrides.iter().enumerate() {
            let what = format!("{place} overrides[{i}] (files {:?})", o.files);
            if o.files.is_empty() {
                anyhow::bail!("{what} has no globs in `files`, so it would apply to nothing");
            }
            let mut set = globset::GlobSetBuilder::new();
            for g in &o.files {
                set.add(
                    globset::GlobBuilder::new(g)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| anyhow::anyhow!("{what}: invalid glob: {e}"))?,
                );
            }
            matchers.push(
                set.build()
                    .map_err(|e| anyhow::anyhow!("{what}: invalid glob: {e}"))?,
            );
            if o.settings.contains_key("overrides") {
                anyhow::bail!("{what} holds `overrides`; overrides do not nest");
            }
            Self::parse_table(&serde_json::Value::Object(cfg.merged(&[i])), &what)?;
        }
        cfg.matchers = Matchers(matchers);
        Ok(cfg)
    }

    fn parse_table(v: &serde_json::Value, place: &str) -> anyhow::Result<Config> {
        serde_json::from_value(v.clone()).map_err(|e| {
            // serde names neither the key nor what it wanted in words (`data did not match
            // any variant of untagged enum`): find the key that fails on its own and say
            // what it takes, in one sentence.
            let culprit = v.as_object().and_then(|table| {
                table.iter().find(|(k, value)| {
                    let one = serde_json::json!({ k.as_str(): value });
                    KNOWN_KEYS.contains(&k.as_str())
                        && serde_json::from_value::<Config>(one).is_err()
                })
            });
            // A bad level names its rule: `rules.PL401` must be ..., not `"loud"`.
            if let Some((key, value)) = culprit
                .filter(|(k, _)| k.as_str() == "rules")
                .and_then(|(_, v)| v.as_object())
                .and_then(|rules| {
                    rules.iter().find(|(_, l)| serde_json::from_value::<Level>((*l).clone()).is_err())
                })
            {
                return anyhow::anyhow!(
                    "`rules.{key}` in {place} must be `\"off\"`, `\"note\"`, `\"warning\"` or `\"error\"`, not {}",
                    found_shape(value)
                );
            }
            match culprit {
                Some((key, value)) => anyhow::anyhow!(
                    "`{key}` in {place} must be {}, not {}",
                    expected_shape(key),
                    found_shape(value)
                ),
                None => anyhow::anyhow!("invalid {place}: {e}"),
            }
        })
    }

    /// The table with the overrides `which` (indices, in order) laid over it: their keys
    /// replace the table's, except `rules`, whose entries are added to the table's.
    fn merged(&self, which: &[usize]) -> serde_json::Map<String, serde_json::Value> {
        let mut table = self.raw.clone();
        table.remove("overrides");
        for o in which.iter().filter_map(|&i| self.overrides.get(i)) {
            for (k, v) in &o.settings {
                match (k.as_str(), table.get_mut(k), v) {
                    (
                        "rules",
                        Some(serde_json::Value::Object(base)),
                        serde_json::Value::Object(add),
                    ) => {
                        base.extend(add.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                    _ => {
                        table.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        table
    }

    /// The settings for the files `which` overrides match (see [`Config::overrides_for`]).
    pub fn with_overrides(&self, which: &[usize]) -> anyhow::Result<Config> {
        if which.is_empty() {
            return Ok(self.clone());
        }
        let mut cfg =
            Self::parse_table(&serde_json::Value::Object(self.merged(which)), "overrides")?;
        cfg.raw = self.merged(which);
        Ok(cfg)
    }

    /// The indices of the overrides whose globs match `rel` (a path relative to the book's
    /// `src` or to the folder of `polish.toml`).
    pub fn overrides_for(&self, rel: &str) -> Vec<usize> {
        self.matchers
            .0
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_match(rel))
            .map(|(i, _)| i)
            .collect()
    }

    /// The rule levels of `[rules]`, and a warning for each key that is no rule.
    pub fn levels(&self) -> (Levels, Vec<String>) {
        Levels::from_table(&self.rules)
    }

    /// Warnings about keys that are neither ours nor mdBook's, with a suggestion.
    pub fn unknown_keys(&self) -> Vec<String> {
        self.other
            .keys()
            .filter(|k| !MDBOOK_KEYS.contains(&k.as_str()))
            .map(|k| {
                let hint = crate::frontmatter::suggest::closest(k, KNOWN_KEYS.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                format!("unknown key `{k}` is ignored{hint}")
            })
            .collect()
    }

    /// The header settings, or `None` when the header is off.
    pub fn header_config(&self) -> Option<HeaderConfig> {
        self.header.then(|| HeaderConfig {
            fields: self.header_fields.clone(),
            labels: self.header_labels.clone(),
        })
    }

    /// The comparison-table settings, or `None` when off.
    pub fn compare_options(&self, parse: ParseOptions) -> Option<CompareOptions> {
        if !self.compare {
            return None;
        }
        let mut opts = CompareOptions {
            parse,
            media: self.media,
            ..CompareOptions::default()
        };
        if !self.default_words {
            opts.pro_words.clear();
            opts.con_words.clear();
            opts.pro_verdicts.clear();
            opts.con_verdicts.clear();
            opts.negations.clear();
        }
        opts.pro_words.extend(self.pro_words.iter().cloned());
        opts.con_words.extend(self.con_words.iter().cloned());
        opts.pro_verdicts.extend(self.pro_verdicts.iter().cloned());
        opts.con_verdicts.extend(self.con_verdicts.iter().cloned());
        opts.negations.extend(self.negation_words.iter().cloned());
        Some(opts)
    }

    /// The encoding-repair settings, or `None` when off.
    pub fn repair_options(&self, parse: ParseOptions) -> Option<RepairOptions> {
        self.encoding.then_some(RepairOptions {
            in_code: self.encoding_in_code,
            in_html_attributes: self.encoding_in_html_attributes,
            parse,
        })
    }
}

/// mdBook's Markdown flags from `[output.html]`, so our parse matches the renderer's.
pub fn parse_options(cfg: &mdbook_preprocessor::config::Config) -> ParseOptions {
    let mut p = ParseOptions::default();
    if let Some(html) = cfg.html_config() {
        p.smart_punctuation = html.smart_punctuation;
        p.definition_lists = html.definition_lists;
        p.admonitions = html.admonitions;
    }
    p
}

#[cfg(test)]
mod tests {
    /// The published schema is the generated one (`UPDATE_SCHEMA=1 cargo test --lib config`
    /// rewrites it), it names every key the code reads, and it accepts a full example and
    /// rejects a typo and a bad level, as an editor would.
    #[test]
    fn published_config_schema_is_current_and_complete() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/polish.schema.json");
        let want = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "schemas/polish.schema.json is stale: run UPDATE_SCHEMA=1 cargo test --lib config"
        );
        let schema = json_schema();
        let props = schema["properties"].as_object().unwrap();
        for k in KNOWN_KEYS {
            assert!(props.contains_key(*k), "{k} is not in the config schema");
        }
        assert_eq!(props.len(), KNOWN_KEYS.len());
        let v = jsonschema::validator_for(&schema).unwrap();
        let good: serde_json::Value = toml::from_str(
            "on-failure = \"error\"\nrequire-front-matter = [\"!index.md\"]\n[rules]\nPL401 = \"off\"\nmojibake = \"warn\"\n[[overrides]]\nfiles = [\"notes/**\"]\nvalidate = false\nrules = { PL106 = \"off\" }\n",
        )
        .unwrap();
        assert!(v.is_valid(&good));
        // And the code reads the same text the same way.
        let cfg = Config::from_json(good).unwrap();
        assert_eq!(cfg.overrides_for("notes/a/b.md"), [0]);
        assert!(cfg.overrides_for("guide/a.md").is_empty());
        for bad in [
            "on-falure = \"error\"",
            "[rules]\nPL401 = \"loud\"",
            "[rules]\nPL999 = \"off\"",
            "[[overrides]]\nvalidate = false",
        ] {
            let value: serde_json::Value = toml::from_str(bad).unwrap();
            assert!(!v.is_valid(&value), "{bad}");
        }
    }

    #[test]
    fn overrides_lay_over_the_table_in_order_and_merge_rules() {
        let cfg = Config::from_json(serde_json::json!({
            "validate": true, "rules": {"PL401": "off", "PL303": "note"},
            "overrides": [
                {"files": ["notes/**"], "validate": false, "rules": {"PL303": "error"}},
                {"files": ["notes/old/*.md"], "encoding": false}
            ]
        }))
        .unwrap();
        let which = cfg.overrides_for("notes/old/a.md");
        assert_eq!(which, [0, 1]);
        let eff = cfg.with_overrides(&which).unwrap();
        assert!(!eff.validate && !eff.encoding);
        let (levels, _) = eff.levels();
        assert_eq!(levels.get("PL401"), Some(Level::Off));
        assert_eq!(levels.get("PL303"), Some(Level::Error));
        // `*` stays within a folder.
        assert_eq!(cfg.overrides_for("notes/old/deeper/a.md"), [0]);
        // Mistakes in an override are found when the table is read.
        let e = Config::from_json(
            serde_json::json!({"overrides": [{"files": ["a"], "validate": "no"}]}),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("overrides[0]") && e.contains("`validate`"),
            "{e}"
        );
        let e =
            Config::from_json(serde_json::json!({"overrides": [{"files": [], "validate": false}]}))
                .unwrap_err()
                .to_string();
        assert!(e.contains("no globs"), "{e}");
        let e = Config::from_json(serde_json::json!({"rules": {"PL401": "loud"}}))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`rules.PL401`") && e.contains("not the text `\"loud\"`"),
            "{e}"
        );
    }

    /// A wrong type for any key is one sentence naming the key and what it takes.
    #[test]
    fn wrong_types_are_one_plain_sentence() {
        for key in KNOWN_KEYS {
            // A value of the wrong kind for every key: text where a list, a boolean or a table
            // is wanted, and a number for the keys that take text.
            let wrong = match *key {
                "on-failure" | "schema" | "related-title" => serde_json::json!(5),
                _ => serde_json::json!("yes"),
            };
            let err = Config::from_json(serde_json::json!({ *key: wrong }))
                .expect_err(key)
                .to_string();
            assert!(
                err.starts_with(&format!("`{key}` in [preprocessor.polish] must be ")),
                "{err}"
            );
            assert!(
                !err.contains("untagged") && !err.contains("invalid type"),
                "{err}"
            );
            assert!(err.contains("not the"), "{err}");
        }
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_when_empty_and_kebab_keys_parse() {
        let c = Config::from_json(json!({})).unwrap();
        assert_eq!(c, Config::default());
        let c = Config::from_json(json!({
            "on-failure": "error", "header": false, "require-front-matter": ["guide/**", "!guide/draft.md"],
            "command": "mdbook-polish", "after": ["links"]
        }))
        .unwrap();
        assert_eq!(c.on_failure, OnFailure::Error);
        assert!(c.header_config().is_none());
        assert!(
            c.unknown_keys().is_empty(),
            "mdBook's own keys are not ours to warn about"
        );
        for schema_requires in [false, true] {
            let r = &c.require_front_matter;
            assert!(r.applies_to("guide/intro.md", schema_requires));
            assert!(!r.applies_to("guide/draft.md", schema_requires));
            assert!(!r.applies_to("other.md", schema_requires));
        }
    }

    #[test]
    fn require_front_matter_follows_the_schema_unless_told() {
        let auto = Config::default().require_front_matter;
        assert_eq!(auto, Require::Auto);
        assert!(auto.applies_to("a.md", true));
        assert!(!auto.applies_to("a.md", false));
        // SUMMARY.md is never a chapter, whatever the setting.
        assert!(!auto.applies_to("SUMMARY.md", true));
        assert!(!Require::All(true).applies_to("sub/SUMMARY.md", true));
        let parse = |v: serde_json::Value| {
            Config::from_json(json!({ "require-front-matter": v })).map(|c| c.require_front_matter)
        };
        assert_eq!(parse(json!("auto")).unwrap(), Require::Auto);
        assert_eq!(parse(json!(false)).unwrap(), Require::All(false));
        assert!(!parse(json!(false)).unwrap().applies_to("a.md", true));
        let e = parse(json!("always")).unwrap_err().to_string();
        assert!(e.contains("not the text `\"always\"`"), "{e}");
        // Exclusions only: every other chapter.
        let only_not = parse(json!(["!index.md", "!drafts/**"])).unwrap();
        assert!(only_not.applies_to("guide/a.md", false));
        assert!(!only_not.applies_to("index.md", true));
        assert!(!only_not.applies_to("drafts/x/y.md", true));
    }

    #[test]
    fn typos_are_warned_with_a_suggestion() {
        let c = Config::from_json(json!({"on-falure": "error"})).unwrap();
        let w = c.unknown_keys();
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("did you mean `on-failure`"), "{w:?}");
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let e = Config::from_json(json!({"on-failure": "explode"})).unwrap_err();
        assert!(e.to_string().contains("[preprocessor.polish]"), "{e}");
    }

    #[test]
    fn word_lists_extend_or_replace_the_defaults() {
        let c = Config::from_json(json!({
            "pro-words": ["voordelen"], "con-words": ["nadelen"],
            "pro-verdicts": ["goed"], "con-verdicts": ["fout"], "negation-words": ["niet"]
        }))
        .unwrap();
        assert!(c.unknown_keys().is_empty());
        let o = c.compare_options(ParseOptions::default()).unwrap();
        let d = CompareOptions::default();
        assert_eq!(o.pro_words.len(), d.pro_words.len() + 1);
        assert_eq!(o.negations.last().map(String::as_str), Some("niet"));
        assert_eq!(o.pro_verdicts.last().map(String::as_str), Some("goed"));
        let c =
            Config::from_json(json!({"default-words": false, "con-verdicts": ["fout"]})).unwrap();
        let o = c.compare_options(ParseOptions::default()).unwrap();
        assert!(o.pro_words.is_empty() && o.pro_verdicts.is_empty() && o.negations.is_empty());
        assert_eq!(o.con_verdicts, ["fout"]);
        // A typo in a new key gets a suggestion.
        let c = Config::from_json(json!({"negation-word": ["niet"]})).unwrap();
        assert!(
            c.unknown_keys()[0].contains("negation-words"),
            "{:?}",
            c.unknown_keys()
        );
    }
}
