//! Property tests over generated benefit/burden tables: nothing is lost (the words that
//! render from the table are exactly the words that render from the component), the output
//! holds no table, and a second run changes nothing.

use std::collections::BTreeMap;

use mdbook_polish::compare::{CompareOptions, transform};
use mdbook_polish::markdown::pulldown_cmark::{Event, Tag};
use mdbook_polish::markdown::{ParseOptions, apply_edits, parser};
use proptest::prelude::*;

/// Rendered words of a Markdown text (text and code, not raw HTML), counted.
fn rendered_words(md: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for event in parser(md, ParseOptions::default()) {
        if let Event::Text(t) | Event::Code(t) = event {
            for w in t
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                *counts.entry(w.to_lowercase()).or_insert(0) += 1;
            }
        }
    }
    counts
}

fn has_table(md: &str) -> bool {
    parser(md, ParseOptions::default()).any(|e| matches!(e, Event::Start(Tag::Table(_))))
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z]{2,9}", "[A-Z][a-z]{1,7}", "[à-ÿ]{2,5}", "[0-9]{1,3}",]
}

/// A run of inline Markdown: words, sometimes code (with an escaped pipe), a `.md` link,
/// emphasis or an escaped pipe.
fn inline() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (word(), 0u8..8).prop_map(|(w, k)| match k {
            0 => format!("`{w}`"),
            1 => format!("`{w} \\| x`"),
            2 => format!("[{w}]({w}.md)"),
            3 => format!("*{w}*"),
            4 => format!("{w} \\|"),
            _ => w,
        }),
        1..5,
    )
    .prop_map(|ws| ws.join(" "))
}

fn br() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("<br/>"), Just("<br>"), Just("<br />"), Just("<BR/>")]
}

/// One item: optional bold title, descriptions, bullets, separated by `<br>` variants.
fn item() -> impl Strategy<Value = String> {
    (
        prop::option::of(inline()),
        prop::collection::vec(inline(), 0..3),
        prop::collection::vec(
            (prop_oneof![Just("* "), Just("- "), Just("• ")], inline()),
            0..3,
        ),
        prop::collection::vec(br(), 4),
        any::<bool>(),
    )
        .prop_map(|(title, descs, bullets, brs, spacer)| {
            let mut parts = Vec::new();
            if let Some(t) = title {
                parts.push(format!("**{t}**"));
            }
            parts.extend(descs);
            parts.extend(bullets.into_iter().map(|(m, b)| format!("{m}{b}")));
            if parts.is_empty() {
                parts.push("plain".to_string());
            }
            let sep = brs.concat();
            parts.join(if spacer { &sep } else { brs[0] })
        })
}

fn cell() -> impl Strategy<Value = String> {
    prop::collection::vec(item(), 1..3).prop_map(|items| items.join("<br/>"))
}

fn table() -> impl Strategy<Value = (String, String)> {
    let pro = prop_oneof![
        Just("Benefits"),
        Just("Pros"),
        Just("Strengths of this path..."),
        Just("Do")
    ];
    let con = prop_oneof![
        Just("Burdens"),
        Just("Cons"),
        Just("...and its weaknesses"),
        Just("Don't")
    ];
    (
        pro,
        con,
        any::<bool>(),
        prop::collection::vec((prop::option::of(cell()), prop::option::of(cell())), 1..5)
            .prop_filter("some content", |rows| {
                rows.iter().any(|(l, r)| l.is_some() || r.is_some())
            }),
        prop_oneof![Just(""), Just("> "), Just("   ")],
    )
        .prop_map(|(p, c, swap, rows, prefix)| {
            let (a, b) = if swap { (c, p) } else { (p, c) };
            let mut md = format!("{prefix}| {a} | {b} |\n{prefix}|---|---|\n");
            for (l, r) in rows {
                md.push_str(&format!(
                    "{prefix}| {} | {} |\n",
                    l.unwrap_or_default(),
                    r.unwrap_or_default()
                ));
            }
            let wrapped = if prefix == "   " {
                format!("1. Step\n\n{md}\nAfter.\n")
            } else {
                format!("Before.\n\n{md}\nAfter.\n")
            };
            (wrapped, prefix.to_string())
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn nothing_is_lost_and_output_is_stable((md, _prefix) in table()) {
        prop_assume!(has_table(&md));
        let opts = CompareOptions::default();
        let (edits, diags) = transform(&md, &opts, "p-");
        prop_assert_eq!(edits.len(), 1, "not converted: {:?}\n{}", diags, md);
        let out = apply_edits(&md, &edits).unwrap_or_default();

        prop_assert!(!has_table(&out), "table left in:\n{}", out);
        prop_assert_eq!(rendered_words(&md), rendered_words(&out), "input:\n{}\noutput:\n{}", md, out);
        let literal_stars = parser(&out, ParseOptions::default())
            .any(|e| matches!(e, Event::Text(t) if t.contains("**")));
        prop_assert!(!literal_stars, "literal ** rendered:\n{}", out);

        let (again, _) = transform(&out, &opts, "p-");
        prop_assert!(apply_edits(&out, &again).is_none());
    }
}
