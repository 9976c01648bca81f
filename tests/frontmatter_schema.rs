//! Front matter against JSON Schemas: the embedded one and user files.

use std::path::PathBuf;

use mdbook_polish::diagnostic::{Diagnostic, LineIndex};
use mdbook_polish::frontmatter::schema::{EMBEDDED_SCHEMA, Schema};
use mdbook_polish::frontmatter::{Limits, extract};

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/frontmatter")
        .join(name)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

/// Parses `src` (which must be clean YAML) and validates it.
fn validate(schema: &Schema, src: &str) -> Vec<Diagnostic> {
    let ex = extract(src, &Limits::default());
    assert!(ex.diagnostics.is_empty(), "{:?}", ex.diagnostics);
    schema.validate(&ex.data.expect("parsed"), src)
}

fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

fn custom(json: &str) -> Schema {
    Schema::from_str(json, "test.schema.json").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn embedded_schema_is_draft_07_and_accepts_the_seed_shape() {
    assert!(EMBEDDED_SCHEMA.contains("draft-07"));
    let d = validate(&Schema::embedded(), &fixture("valid.md"));
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn key_typos_and_enum_typos_get_suggestions() {
    let src = fixture("typos.md");
    let d = validate(&Schema::embedded(), &src);
    let at = |code: &str, text: &str| {
        d.iter()
            .find(|d| d.code == code && &src[d.span.clone()] == text)
            .unwrap_or_else(|| panic!("no {code} at {text:?} in {d:#?}"))
    };
    assert_eq!(
        at("PL203", "sumary").help.as_deref(),
        Some("did you mean `summary`? (it is required)")
    );
    assert_eq!(
        at("PL203", "Tags").help.as_deref(),
        Some("did you mean `tags`?")
    );
    assert_eq!(
        at("PL203", "outsystems_tools").help.as_deref(),
        Some("did you mean `outsystems-tools`?")
    );
    assert_eq!(
        at("PL202", "architect").help.as_deref(),
        Some("did you mean `architects`?")
    );
    let aply = at("PL202", "aply");
    assert_eq!(aply.help.as_deref(), Some("did you mean `apply`?"));
    assert!(
        aply.message.contains("`coverage-type[1]`"),
        "{}",
        aply.message
    );
    assert!(
        aply.message.contains("`remember`, `understand`, `apply`"),
        "{}",
        aply.message
    );
    // `sumary` stands for the missing `summary`: reported once, not twice.
    assert!(!d.iter().any(|d| d.code == "PL204"), "{d:#?}");
    assert_eq!(d.len(), 5, "{d:#?}");
    let idx = LineIndex::new(&src);
    assert_eq!(idx.line_col(at("PL202", "architect").span.start), (8, 5));
}

#[test]
fn missing_required_key_points_at_the_mapping() {
    let src = "---\nsummary: s\nlocale: en-us\n---\n";
    let d = validate(&Schema::embedded(), src);
    assert_eq!(codes(&d), ["PL204"]);
    assert_eq!(d[0].message, "missing required key `guid`");
    assert_eq!(&src[d[0].span.clone()], "summary: s");
}

#[test]
fn wrong_shapes_are_explained_in_plain_words() {
    let src = "---\nsummary: s\nguid: 4a1c9e2b-7d3f-4b8a-9c61-2e5f0d8b7a34\nlocale: EN-US\n\
               audience: architects\nhelpids: 12, x\nfigma: http://example.com/file\n---\n";
    let d = validate(&Schema::embedded(), src);
    assert_eq!(codes(&d), ["PL205", "PL201", "PL206", "PL206"], "{d:#?}");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `en-us`?"));
    assert_eq!(
        d[1].message,
        "`audience`: expected list, found string \"architects\""
    );
    assert_eq!(
        d[2].message,
        "`helpids`: expected one of: integer | string matching `^\\d+(,\\s*\\d+)*$`; found string \"12, x\""
    );
    assert!(
        d[3].message.contains("null | empty text | string matching"),
        "{}",
        d[3].message
    );
}

#[test]
fn long_found_values_are_truncated() {
    let long = "y".repeat(200);
    let src = format!(
        "---\nsummary: s\nguid: 4a1c9e2b-7d3f-4b8a-9c61-2e5f0d8b7a34\nlocale: {long}\n---\n"
    );
    let d = validate(&Schema::embedded(), &src);
    assert_eq!(codes(&d), ["PL205"]);
    assert!(
        d[0].message.contains(&format!("\"{}…\"", "y".repeat(39))),
        "{}",
        d[0].message
    );
    assert!(!d[0].message.contains(&"y".repeat(41)));
}

#[test]
fn yaml_1_1_spellings_are_explained() {
    let schema = custom(
        r#"{"type": "object", "properties": {
            "draft": {"type": "boolean"}, "on_air": {"type": "boolean"}, "ok": {"type": "boolean"},
            "duration": {"type": "integer"}, "count": {"type": "integer"},
            "code": {"type": "string"}, "mode": {"type": "string"}, "version": {"type": "string"}
        }}"#,
    );
    let src = "---\ndraft: yes\non_air: on\nok: y\nduration: 1:20\ncount: 1_000\ncode: 012\n\
               mode: 0o17\nversion: 1.10\n---\n";
    let d = validate(&schema, src);
    assert_eq!(d.len(), 8, "{d:#?}");
    let help = |key: &str| {
        let start = src.find(&format!("\n{key}: ")).unwrap() + key.len() + 3;
        d.iter()
            .find(|d| d.span.start == start)
            .and_then(|d| d.help.clone())
            .unwrap_or_else(|| panic!("no help for {key}: {d:#?}"))
    };
    assert!(help("draft").contains("write `true`"));
    assert!(help("on_air").contains("YAML 1.1 read it as true"));
    assert!(help("ok").contains("write `true`"));
    assert!(help("duration").contains("base-60 number 80"));
    assert!(help("count").contains("write `1000`"));
    assert!(help("code").contains("octal 10"));
    assert!(help("mode").contains("octal 15"));
    assert!(help("version").contains("trailing zero"));
}

#[test]
fn dates_numbers_and_big_integers() {
    let schema = custom(
        r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {
              "published": {"type": "string", "format": "date"},
              "version": {"type": "string"},
              "count": {"type": "integer"},
              "ratio": {"type": "number"}
            }}"#,
    );
    assert!(validate(&schema, "---\npublished: 2024-02-29\n---\n").is_empty());
    let d = validate(&schema, "---\npublished: 2024-02-30\n---\n");
    assert_eq!(codes(&d), ["PL205"]);
    assert!(
        d[0].message.contains("is not a valid date"),
        "{}",
        d[0].message
    );
    // `1.0` and `1.10` are numbers, not the version strings they look like.
    let d = validate(&schema, "---\nversion: 1.0\n---\n");
    assert_eq!(d[0].message, "`version`: expected string, found number 1.0");
    let d = validate(&schema, "---\nversion: 1.10\n---\n");
    assert_eq!(
        d[0].message,
        "`version`: expected string, found number 1.10"
    );
    assert!(validate(&schema, "---\nversion: '1.10'\n---\n").is_empty());
    // Beyond i64 the integer is kept as text, and an integer field says so.
    let d = validate(&schema, "---\ncount: 99999999999999999999\n---\n");
    assert_eq!(codes(&d), ["PL201"]);
    assert!(
        d[0].message
            .contains("found string \"99999999999999999999\"")
    );
    // `.inf` and `.nan` cannot be JSON numbers; they are reported, not crashed on.
    let d = validate(&schema, "---\nratio: .inf\n---\n");
    assert_eq!(codes(&d), ["PL201"]);
    let d = validate(&schema, "---\nratio: .nan\n---\n");
    assert_eq!(codes(&d), ["PL201"]);
    assert!(validate(&schema, "---\nratio: 0.5\n---\n").is_empty());
}

#[test]
fn patterns_use_ecma_262_semantics() {
    let schema = custom(
        r#"{"type": "object", "properties": {
            "id": {"type": "string", "pattern": "^\\d+$"},
            "word": {"type": "string", "pattern": "^abc$"}
        }}"#,
    );
    assert!(validate(&schema, "---\nid: '123'\n---\n").is_empty());
    // Arabic-Indic digits are `\d` in Rust's Unicode regexes but not in ECMA-262.
    assert_eq!(
        codes(&validate(&schema, "---\nid: '١٢٣'\n---\n")),
        ["PL205"]
    );
    // ECMA `$` (no multiline) does not match before a trailing newline.
    assert!(validate(&schema, "---\nword: abc\n---\n").is_empty());
    assert_eq!(
        codes(&validate(&schema, "---\nword: \"abc\\n\"\n---\n")),
        ["PL205"]
    );
}

#[test]
fn draft_is_chosen_by_dollar_schema() {
    // Draft 4's boolean `exclusiveMaximum` is a type error in later drafts.
    let draft4 = r#"{"$schema": "http://json-schema.org/draft-04/schema#",
        "properties": {"n": {"type": "integer", "maximum": 5, "exclusiveMaximum": true}}}"#;
    let schema = custom(draft4);
    assert_eq!(codes(&validate(&schema, "---\nn: 5\n---\n")), ["PL207"]);
    assert!(validate(&schema, "---\nn: 4\n---\n").is_empty());
    let as_2020 = draft4.replace(
        "http://json-schema.org/draft-04/schema#",
        "https://json-schema.org/draft/2020-12/schema",
    );
    assert!(Schema::from_str(&as_2020, "x.json").is_err());
}

#[test]
fn schema_that_is_not_json_is_reported_at_its_line() {
    let path = fixture_path("not_json.schema.json");
    let e = Schema::from_file(&path).unwrap_err();
    assert_eq!((e.line, e.col), (5, 3), "{e}");
    assert!(e.message.contains("not valid JSON"), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("{}:5:3: ", path.display()))
    );
}

#[test]
fn schema_that_is_not_a_schema_is_reported() {
    let e = Schema::from_file(&fixture_path("not_schema.schema.json")).unwrap_err();
    assert!(e.message.contains("not a valid JSON Schema"), "{e}");
    assert!(e.message.contains("/properties/title/type"), "{e}");
    assert!(e.message.contains("\"text\" is not a type"), "{e}");
    assert_eq!((e.line, e.col), (5, 24), "{e}"); // at `"text"`
}

#[test]
fn remote_refs_are_refused_and_local_refs_work() {
    let e = Schema::from_file(&fixture_path("remote_ref.schema.json")).unwrap_err();
    assert!(
        e.message.contains("https://example.com/title.schema.json"),
        "{e}"
    );
    assert!(e.message.contains("only refer to local files"), "{e}");
    assert_eq!((e.line, e.col), (4, 24), "{e}"); // at the URL
    // A nested, non-`$ref` remote reference (a remote meta-schema) is refused by the retriever.
    let e =
        Schema::from_str(r#"{"$schema": "https://example.com/my-meta"}"#, "m.json").unwrap_err();
    assert!(e.message.contains("example.com"), "{e}");

    let schema = Schema::from_file(&fixture_path("local_ref.schema.json")).unwrap();
    assert!(validate(&schema, "---\nowner: docs team\n---\n").is_empty());
    let d = validate(&schema, "---\nowner: docs teem\n---\n");
    assert_eq!(codes(&d), ["PL202"]);
    assert_eq!(d[0].help.as_deref(), Some("did you mean `docs team`?"));
}

#[test]
fn missing_schema_file_is_an_error_not_a_panic() {
    let e = Schema::from_file(&fixture_path("does-not-exist.json")).unwrap_err();
    assert!(e.message.contains("cannot read"), "{e}");
}
