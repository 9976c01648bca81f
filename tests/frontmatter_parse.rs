//! Front matter splitting and YAML parsing on whole chapters: fences, spans, limits.

use mdbook_polish::diagnostic::{Diagnostic, LineIndex};
use mdbook_polish::frontmatter::{Limits, Value, extract};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/frontmatter/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

#[test]
fn seed_shaped_front_matter_parses_with_spans() {
    let src = fixture("valid.md");
    let ex = extract(&src, &Limits::default());
    assert!(ex.diagnostics.is_empty(), "{:?}", ex.diagnostics);
    let block = ex.block.unwrap();
    assert!(src[block.range.clone()].ends_with("---\n"));
    assert!(src[block.range.end..].starts_with("\n# Caching in practice"));
    let data = ex.data.unwrap();
    assert_eq!(data.get("locale").unwrap().as_str(), Some("en-us"));
    assert_eq!(
        data.get("audience").unwrap().string_list(),
        ["backend developers", "tech leads"]
    );
    assert_eq!(data.get("tags").unwrap().string_list().len(), 4);
    let guid = data.get("guid").unwrap();
    assert_eq!(
        &src[guid.span.clone()],
        "4a1c9e2b-7d3f-4b8a-9c61-2e5f0d8b7a34"
    );
    assert_eq!(
        &src[data.key_span("platform-version").unwrap()],
        "platform-version"
    );
}

#[test]
fn unquoted_colon_is_a_syntax_error_with_quoting_help() {
    let src = fixture("invalid_colon.md");
    let ex = extract(&src, &Limits::default());
    assert!(
        ex.block.is_some(),
        "the fences are fine, only the YAML is not"
    );
    assert!(ex.data.is_none());
    assert_eq!(codes(&ex.diagnostics), ["PL110"]);
    let d = &ex.diagnostics[0];
    let idx = LineIndex::new(&src);
    assert_eq!(idx.line_col(d.span.start), (2, 14));
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("\"Note: this summary has an unquoted colon\"")
    );
}

#[test]
fn crlf_bom_and_multibyte_characters_give_exact_line_col() {
    // Line 3 holds two 2-byte characters and a 3-byte one before the bad `: `.
    let src = "\u{feff}---\r\ntitle: ok\r\nsummary: çé€ then: broken\r\n---\r\nbody\r\n";
    let ex = extract(src, &Limits::default());
    let block = ex.block.clone().unwrap();
    assert_eq!(block.range.start, 3);
    assert_eq!(
        &src[block.range.clone()],
        &src[3..src.find("body").unwrap()]
    );
    assert_eq!(codes(&ex.diagnostics), ["PL110"]);
    let idx = LineIndex::new(src);
    // `summary: çé€ then` is 17 characters; the second colon is the 18th.
    assert_eq!(idx.line_col(ex.diagnostics[0].span.start), (3, 18));
    assert_eq!(&src[ex.diagnostics[0].span.clone()], ":");
}

#[test]
fn bom_and_crlf_valid_block_keeps_spans_on_bytes() {
    let src = "\u{feff}---\r\nsummary: naïve café\r\nlocale: en-us\r\n---\r\n# T\r\n";
    let ex = extract(src, &Limits::default());
    assert!(ex.diagnostics.is_empty(), "{:?}", ex.diagnostics);
    let data = ex.data.unwrap();
    let s = data.get("summary").unwrap();
    assert_eq!(&src[s.span.clone()], "naïve café");
    let idx = LineIndex::new(src);
    assert_eq!(idx.line_col(data.key_span("locale").unwrap().start), (3, 1));
    assert_eq!(idx.line_col(s.span.start), (2, 10));
}

#[test]
fn duplicate_keys_point_at_both_places() {
    let src = "---\ntitle: One\nlocale: en-us\ntitle: Two\n---\n";
    let ex = extract(src, &Limits::default());
    assert_eq!(codes(&ex.diagnostics), ["PL112"]);
    let d = &ex.diagnostics[0];
    let idx = LineIndex::new(src);
    assert_eq!(idx.line_col(d.span.start), (4, 1));
    assert_eq!(idx.line_col(d.related[0].span.start), (2, 1));
    assert_eq!(ex.data.unwrap().get("title").unwrap().as_str(), Some("One"));
}

#[test]
fn tabs_are_reported_at_the_tab() {
    let src = "---\naudience:\n\t- architects\n---\n";
    let ex = extract(src, &Limits::default());
    assert_eq!(codes(&ex.diagnostics), ["PL111"]);
    assert_eq!(&src[ex.diagnostics[0].span.clone()], "\t");
    assert_eq!(
        LineIndex::new(src).line_col(ex.diagnostics[0].span.start),
        (3, 1)
    );
}

#[test]
fn empty_block_is_null_data() {
    let ex = extract("---\n---\n# Title\n", &Limits::default());
    assert!(ex.diagnostics.is_empty());
    assert_eq!(ex.block.unwrap().range, 0..8);
    assert_eq!(ex.data.unwrap().value, Value::Null);
}

#[test]
fn scalar_or_list_root_is_not_front_matter() {
    for src in [
        "---\njust a sentence\n---\n",
        "---\n- a\n- b\n---\n",
        "---\n[a, b]\n---\n",
    ] {
        let ex = extract(src, &Limits::default());
        assert!(ex.block.is_some());
        assert!(ex.data.is_none(), "{src:?}");
        assert_eq!(codes(&ex.diagnostics), ["PL115"], "{src:?}");
    }
}

#[test]
fn fence_near_misses_never_guess() {
    let cases = [
        ("---\ntitle: x\n------\n\nbody\n---\n", "PL101"),
        ("---\ntitle: x\n\n# Heading\n\ntext\n", "PL102"),
        ("---js\n{ title: 'x' }\n---\n", "PL103"),
        ("---yaml\ntitle: x\n---\n", "PL103"),
        ("\n\n---\ntitle: x\n---\n", "PL104"),
        ("<!-- draft -->\n---\ntitle: x\n---\n", "PL104"),
        ("---\n", "PL105"),
    ];
    for (src, code) in cases {
        let ex = extract(src, &Limits::default());
        assert!(ex.block.is_none(), "{src:?}");
        assert!(ex.data.is_none(), "{src:?}");
        assert_eq!(codes(&ex.diagnostics), [code], "{src:?}");
    }
}

#[test]
fn alias_bomb_is_stopped() {
    let mut src = String::from("---\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let p = i - 1;
        src.push_str(&format!(
            "l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        ));
    }
    src.push_str("---\n");
    let start = std::time::Instant::now();
    let ex = extract(&src, &Limits::default());
    assert!(start.elapsed().as_secs() < 5);
    assert!(ex.data.is_none());
    assert_eq!(codes(&ex.diagnostics), ["PL118"]);
}

#[test]
fn hundred_thousand_levels_do_not_overflow() {
    // Runs on the ordinary test thread (2 MiB stack in debug builds). The size limit is
    // lifted so that the depth guard, not the byte guard, is what stops these.
    let n = 100_000;
    let limits = Limits {
        max_bytes: usize::MAX,
        ..Limits::default()
    };
    for body in [
        format!("k: {}{}\n", "[".repeat(n), "]".repeat(n)),
        format!("k: {}{}\n", "{a: ".repeat(n), "}".repeat(n)),
        format!("k:\n{}x\n", "- ".repeat(n)),
    ] {
        let src = format!("---\n{body}---\n");
        let ex = extract(&src, &limits);
        assert!(ex.data.is_none());
        assert_eq!(codes(&ex.diagnostics), ["PL117"]);
        assert_eq!(ex.diagnostics[0].span.len(), 1, "points at one character");
    }
}

#[test]
fn ten_megabyte_block_gets_one_diagnostic() {
    let src = format!("---\nsummary: {}\n---\n", "x".repeat(10 * 1024 * 1024));
    let ex = extract(&src, &Limits::default());
    assert!(ex.block.is_some());
    assert!(ex.data.is_none());
    assert_eq!(codes(&ex.diagnostics), ["PL116"]);
    assert!(ex.diagnostics[0].span.len() < 100);
}

#[test]
fn script_tags_are_kept_as_data() {
    let src = "---\nsummary: <script>alert('x')</script>\ntitle: \"<b>bold</b>\"\n---\n";
    let ex = extract(src, &Limits::default());
    assert!(ex.diagnostics.is_empty());
    let data = ex.data.unwrap();
    assert_eq!(
        data.get("summary").unwrap().as_str(),
        Some("<script>alert('x')</script>")
    );
    assert_eq!(data.get("title").unwrap().as_str(), Some("<b>bold</b>"));
}

#[test]
fn non_string_keys_and_merge_keys_are_reported() {
    let src = "---\n2024: year\nnull: x\nbase: &b {title: t}\n<<: *b\n---\n";
    let ex = extract(src, &Limits::default());
    assert_eq!(codes(&ex.diagnostics), ["PL113", "PL113", "PL114"]);
    let data = ex.data.unwrap();
    assert_eq!(data.get("2024").unwrap().as_str(), Some("year"));
    assert!(data.get("title").is_none(), "merge must not be applied");
}

#[test]
fn yaml_1_2_core_scalars() {
    let src = "---\na: yes\nb: on\nc: y\nd: 1:20\ne: 1_000\nf: 012\ng: 0o17\nh: 2024-02-30\n\
               i: 1.0\nj: 1.10\nk: 9223372036854775808\nl: -9223372036854775808\nm: .inf\n\
               n: .nan\no: '012'\np: 0x1f\n---\n";
    let ex = extract(src, &Limits::default());
    assert!(ex.diagnostics.is_empty(), "{:?}", ex.diagnostics);
    let d = ex.data.unwrap();
    let v = |k: &str| d.get(k).unwrap().value.clone();
    assert_eq!(v("a"), Value::Str("yes".into()));
    assert_eq!(v("b"), Value::Str("on".into()));
    assert_eq!(v("c"), Value::Str("y".into()));
    assert_eq!(v("d"), Value::Str("1:20".into()));
    assert_eq!(v("e"), Value::Str("1_000".into()));
    assert_eq!(v("f"), Value::Int(12));
    assert_eq!(v("g"), Value::Int(15));
    assert_eq!(v("h"), Value::Str("2024-02-30".into()));
    assert_eq!(v("i"), Value::Float(1.0));
    assert_eq!(v("j"), Value::Float(1.1));
    assert_eq!(v("k"), Value::Str("9223372036854775808".into()));
    assert_eq!(v("l"), Value::Int(i64::MIN));
    assert_eq!(v("m"), Value::Float(f64::INFINITY));
    assert!(matches!(v("n"), Value::Float(f) if f.is_nan()));
    assert_eq!(v("o"), Value::Str("012".into()));
    assert_eq!(v("p"), Value::Int(31));
    assert_eq!(d.get("i").unwrap().scalar_text().unwrap(), "1.0");
    assert_eq!(d.get("m").unwrap().to_json(), serde_json::json!(".inf"));
}

mod never_panics {
    use super::*;
    use mdbook_polish::frontmatter::schema::Schema;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Any text between fences: diagnostics, never a panic; spans stay inside the text.
        #[test]
        fn arbitrary_yaml(body in "(?s)[ -~\t\n\r\u{e9}\u{20ac}\u{feff}:&*!|>\\[\\]{}#-]{0,120}") {
            let src = format!("---\n{body}\n---\n");
            let ex = extract(&src, &Limits::default());
            for d in &ex.diagnostics {
                prop_assert!(d.span.end <= src.len() && d.span.start <= d.span.end);
                prop_assert!(src.is_char_boundary(d.span.start) && src.is_char_boundary(d.span.end));
            }
            if let Some(data) = ex.data {
                for d in Schema::embedded().validate(&data, &src) {
                    prop_assert!(d.span.end <= src.len() && d.span.start <= d.span.end);
                }
            }
        }

        #[test]
        fn arbitrary_chapter(src in "(?s)[ -~\n\r\u{feff}]{0,80}") {
            let _ = extract(&src, &Limits::default());
        }
    }
}
