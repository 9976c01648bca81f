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

/// A team's own schema: required keys, vocabularies, no extra keys (the shape the embedded
/// schema had before it stopped guessing vocabularies).
fn team() -> Schema {
    Schema::from_file(&fixture_path("team.schema.json")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn embedded_schema_is_draft_07_and_accepts_the_seed_shape() {
    assert!(EMBEDDED_SCHEMA.contains("draft-07"));
    let d = validate(&Schema::embedded(), &fixture("valid.md"));
    assert!(d.is_empty(), "{d:#?}");
    let d = validate(&team(), &fixture("valid.md"));
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn key_typos_and_enum_typos_get_suggestions() {
    let src = fixture("typos.md");
    let d = validate(&team(), &src);
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
fn missing_required_keys_point_at_the_opening_fence() {
    let src = "---\nsummary: s\nlocale: en-us\n---\n";
    let d = validate(&team(), src);
    assert_eq!(codes(&d), ["PL204"]);
    assert_eq!(d[0].message, "missing required key `guid`");
    // Not the first key, which has nothing to do with it.
    assert_eq!(&src[d[0].span.clone()], "---");
}

#[test]
fn wrong_shapes_are_explained_in_plain_words() {
    let src = "---\nsummary: s\nguid: 4a1c9e2b-7d3f-4b8a-9c61-2e5f0d8b7a34\nlocale: EN-US\n\
               audience: architects\nhelpids: 12, x\nfigma: http://example.com/file\n---\n";
    let d = validate(&team(), src);
    assert_eq!(codes(&d), ["PL205", "PL201", "PL206", "PL206"], "{d:#?}");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `en-us`?"));
    assert_eq!(
        d[1].message,
        "`audience`: expected list, found string \"architects\""
    );
    assert_eq!(
        d[2].message,
        "`helpids`: expected integer or string matching the pattern; found string \"12, x\" (pattern `^\\d+(,\\s*\\d+)*$`)"
    );
    assert!(
        d[3].message
            .contains("null, empty text or a URL starting with `https://www.figma.com/`"),
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
    let d = validate(&team(), &src);
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

/// Front matter in the shapes of several teams' trees (words of our own): the embedded schema
/// checks shapes and formats only, so none of it is an error.
#[test]
fn embedded_schema_accepts_the_shapes_of_several_teams() {
    let pages = [
        // A classic-platform team: comma lines, lists of free role words, digits for help ids.
        "---\nsummary: Plan the upgrade of a mobile app without losing offline data.\n\
         tags: upgrade, offline sync, local storage\nguid: 6d1f0c3e-88a2-4c57-b1e9-0a4f7e2d9c15\n\
         locale: en-us\napp_type: mobile apps, reactive web apps\nplatform-version: o11\nfigma:\n\
         audience:\n  - mobile developers\n  - tech leads\noutsystems-tools:\n  - service studio\n\
         coverage-type:\n  - apply\n  - unblock\ntopic:\n  - upgrades\nhelpids: 40211, 40212\n---\n",
        // A cloud-platform team: other words, a role on the key's line, extra keys, empty tags.
        "---\nsummary: Rotate the signing keys of an external identity provider.\ntags:\n\
         guid: B3F6A2D4-1C7E-4E0B-9A58-7D2C4E6F8A10\nlocale: pt-BR\nplatform-version: odc\n\
         figma: null\naudience: Developer\ncoverage-type: evaluate\nreviewed-by: docs guild\n\
         last-verified: 2025-03-14\n---\n",
        // A team that lists both generations, writes lists in flow style and leaves values empty.
        "---\nsummary:\nguid: ''\nlocale: en\nplatform-version: o11, odc\n\
         app_type: [traditional web apps, mobile apps]\nhelpids: [101, '102']\n\
         figma: https://www.figma.com/file/Zx9Example/Onboarding?node-id=12-7\n\
         audience: business users, technical writers\noutsystems-tools: none\n\
         nav:\n  order: 3\n  hidden: false\ndraft: true\n---\n",
        // A small team: a title only, numbers YAML reads as numbers, one topic on the line.
        "---\ntitle: Release 11 notes\nplatform-version: 11\ntags: [2024, upgrades]\n\
         topic: release notes\nlocale: zh-Hant\nhelpids: 7\n---\n",
        // An empty block and an http (not https) design link.
        "---\n---\n",
        "---\nfigma: http://design.example.test/board/42\n---\n",
    ];
    for page in pages {
        let d = validate(&Schema::embedded(), page);
        assert!(d.is_empty(), "{page}\n{d:#?}");
    }
}

/// Shapes are still checked, and no finding points at a vocabulary.
#[test]
fn embedded_schema_still_checks_shapes_and_formats() {
    let embedded = Schema::embedded();
    let one = |src: &str, code: &str, found: &str| {
        let d = validate(&embedded, src);
        assert_eq!(codes(&d), [code], "{src}\n{d:#?}");
        assert!(d[0].message.contains(found), "{}", d[0].message);
        assert!(
            d[0].help
                .as_deref()
                .is_none_or(|h| !h.contains("did you mean")),
            "{d:#?}"
        );
        d.into_iter().next().unwrap()
    };
    let d = one(
        "---\nguid: 6d1f0c3e-88a2-4c57-b1e9\n---\n",
        "PL206",
        "found string \"6d1f0c3e-88a2-4c57-b1e9\"",
    );
    assert!(d.message.contains("a UUID"), "{}", d.message);
    let src = "---\nfigma: javascript:alert(1)\n---\n";
    let d = one(src, "PL206", "found string \"javascript:alert(1)\"");
    assert_eq!(&src[d.span.clone()], "javascript:alert(1)");
    one(
        "---\nsummary:\n  text: nested by mistake\n---\n",
        "PL201",
        "`summary`: expected string or null, found a mapping",
    );
    one(
        "---\ntitle: [a, b]\n---\n",
        "PL201",
        "found a list of 2 items",
    );
    one(
        "---\ntags:\n  label: x\n---\n",
        "PL206",
        "`tags`: expected null, string or number or list of string or number; found a mapping",
    );
    one(
        "---\naudience:\n  - role: x\n---\n",
        "PL206",
        "`audience`: expected null, string or number or list of string or number; found a list of 1 item",
    );
    one(
        "---\nhelpids: 12, x\n---\n",
        "PL206",
        "found string \"12, x\"",
    );
    one("---\nlocale: English (US)\n---\n", "PL206", "`locale`");
    // A shape fix is still offered: `_` for `-` in a locale is a spelling, not a vocabulary.
    let d = validate(&embedded, "---\nlocale: en_us\n---\n");
    assert_eq!(
        d[0].help.as_deref(),
        Some("did you mean `en-us`?"),
        "{d:#?}"
    );
}

/// Key typos under a schema that allows other keys (the embedded one) are warnings with a
/// suggestion; under a schema that refuses them they are PL203 errors, not both.
#[test]
fn key_near_misses_are_warnings_where_other_keys_are_allowed() {
    let src = "---\nSumary: s\nTags: [a]\noutsystems_tools: [x]\nGUID: 6d1f0c3e-88a2-4c57-b1e9-0a4f7e2d9c15\n\
               reviewed-by: docs guild\ntopics: [x]\n---\n";
    let d = validate(&Schema::embedded(), src);
    let got: Vec<(&str, &str, &str)> = d
        .iter()
        .map(|d| {
            (
                d.code,
                &src[d.span.clone()],
                d.help.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(got.len(), 5, "{d:#?}");
    for (code, key, help) in &got {
        assert_eq!(*code, "PL121");
        assert!(help.starts_with("did you mean `"), "{key}: {help}");
    }
    assert_eq!(got[0].1, "Sumary");
    assert!(got[0].2.starts_with("did you mean `summary`?"));
    assert!(got[2].2.starts_with("did you mean `outsystems-tools`?"));
    assert_eq!(d[0].severity, mdbook_polish::diagnostic::Severity::Warning);
    // `reviewed-by` is like nothing listed: silent. `topics` is `topic` plus an `s`: warned.
    assert_eq!(got[4].1, "topics");
    // A team schema that refuses other keys reports PL203 only.
    let d = validate(
        &team(),
        "---\nsummary: s\nguid: 6d1f0c3e-88a2-4c57-b1e9-0a4f7e2d9c15\nlocale: en-us\nTags: [a]\n---\n",
    );
    assert_eq!(codes(&d), ["PL203"], "{d:#?}");
}
