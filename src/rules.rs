//! The catalogue of rule ids: every `Diagnostic::code` the crate emits, with a name and a
//! one-line title. The guide's rule reference and SARIF's rule list are generated from it, so
//! an id is stable once released.

/// One rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, e.g. `PL201`.
    pub code: &'static str,
    /// Short kebab-case name.
    pub name: &'static str,
    /// One line describing what it finds.
    pub title: &'static str,
}

/// Every rule, sorted by code.
pub const RULES: &[Rule] = &[
    Rule {
        code: "PL001",
        name: "not-utf8",
        title: "a source file is not UTF-8 text",
    },
    Rule {
        code: "PL002",
        name: "unreadable",
        title: "a source file could not be read",
    },
    Rule {
        code: "PL003",
        name: "unused-suppression",
        title: "a suppression comment suppressed nothing",
    },
    Rule {
        code: "PL004",
        name: "unknown-rule-in-suppression",
        title: "a suppression comment names a rule that does not exist",
    },
    Rule {
        code: "PL101",
        name: "bad-closing-fence",
        title: "the closing fence is not exactly `---` or `...`",
    },
    Rule {
        code: "PL102",
        name: "unclosed-front-matter",
        title: "an opening `---` has no closing fence",
    },
    Rule {
        code: "PL103",
        name: "fence-language",
        title: "a fence names a language (`---yaml`, `---js`, `+++`); it is never evaluated",
    },
    Rule {
        code: "PL104",
        name: "front-matter-not-at-start",
        title: "a front-matter-shaped block does not start at byte 0 (after blank lines, a comment, a heading or text)",
    },
    Rule {
        code: "PL105",
        name: "lone-fence",
        title: "the chapter is only a `---` line",
    },
    Rule {
        code: "PL106",
        name: "missing-front-matter",
        title: "a chapter has no front matter, and the schema requires keys (or `require-front-matter` names it)",
    },
    Rule {
        code: "PL107",
        name: "long-opening-fence",
        title: "the opening fence has four or more dashes (`----`); the block is not read",
    },
    Rule {
        code: "PL110",
        name: "yaml-syntax",
        title: "the front matter is not valid YAML",
    },
    Rule {
        code: "PL111",
        name: "yaml-tab",
        title: "a tab is used for indentation or after `:`",
    },
    Rule {
        code: "PL112",
        name: "duplicate-key",
        title: "the same key appears twice",
    },
    Rule {
        code: "PL113",
        name: "non-string-key",
        title: "a key is not a string",
    },
    Rule {
        code: "PL114",
        name: "merge-key",
        title: "a merge key `<<` is not supported",
    },
    Rule {
        code: "PL115",
        name: "root-not-mapping",
        title: "the front matter is a scalar or a list, not a mapping",
    },
    Rule {
        code: "PL116",
        name: "front-matter-too-large",
        title: "the front matter is larger than the limit",
    },
    Rule {
        code: "PL117",
        name: "too-deep",
        title: "the front matter nests deeper than the limit",
    },
    Rule {
        code: "PL118",
        name: "too-many-nodes",
        title: "the front matter expands to too many nodes (alias bomb)",
    },
    Rule {
        code: "PL119",
        name: "multiple-documents",
        title: "the front matter holds more than one YAML document",
    },
    Rule {
        code: "PL120",
        name: "custom-tag",
        title: "a custom YAML tag is ignored",
    },
    Rule {
        code: "PL121",
        name: "key-near-miss",
        title: "a key the schema does not list but allows, spelt like one it lists (`Tags`, `sumary`)",
    },
    Rule {
        code: "PL201",
        name: "wrong-type",
        title: "a value has the wrong type",
    },
    Rule {
        code: "PL202",
        name: "not-allowed",
        title: "a value is not one of the allowed values",
    },
    Rule {
        code: "PL203",
        name: "unknown-key",
        title: "a key is not allowed by the schema",
    },
    Rule {
        code: "PL204",
        name: "missing-key",
        title: "a required key is missing",
    },
    Rule {
        code: "PL205",
        name: "pattern",
        title: "a value does not match the required pattern or format",
    },
    Rule {
        code: "PL206",
        name: "no-alternative",
        title: "a value matches none (or several) of the allowed shapes",
    },
    Rule {
        code: "PL207",
        name: "constraint",
        title: "a value breaks another schema constraint (length, range, count...)",
    },
    Rule {
        code: "PL208",
        name: "unchecked",
        title: "the schema could not judge a value",
    },
    Rule {
        code: "PL210",
        name: "duplicate-guid",
        title: "the same guid is used by two chapters",
    },
    Rule {
        code: "PL301",
        name: "compare-header-mismatch",
        title: "a two-column table was not converted: one header names a side, the other matches no word set",
    },
    Rule {
        code: "PL302",
        name: "compare-column-count",
        title: "two neighbouring headers of a table without exactly two columns read as a comparison",
    },
    Rule {
        code: "PL303",
        name: "layout-table",
        title: "a layout table (text beside an image) was left as a table",
    },
    Rule {
        code: "PL304",
        name: "compare-ambiguous",
        title: "both headers name the same side, or one header names both",
    },
    Rule {
        code: "PL305",
        name: "compare-marker-ignored",
        title: "a `polish: compare` marker on a table without two columns",
    },
    Rule {
        code: "PL306",
        name: "compare-empty",
        title: "a comparison table has no rows with content",
    },
    Rule {
        code: "PL401",
        name: "mojibake",
        title: "mis-decoded text (mojibake): the build shows it repaired; `fix` repairs the source",
    },
    Rule {
        code: "PL501",
        name: "unsafe-link",
        title: "a link value that is not http(s) is shown as text",
    },
    Rule {
        code: "PL601",
        name: "stale-stylesheet",
        title: "the book's stylesheet is missing or older than this mdbook-polish",
    },
    Rule {
        code: "PL701",
        name: "index-marker",
        title: "an index marker that cannot be used (no key, a key not in `index-keys`, a second index of a key)",
    },
    Rule {
        code: "PL702",
        name: "index-empty",
        title: "an index of a key that no page uses",
    },
    Rule {
        code: "PL703",
        name: "value-variants",
        title: "one value written two ways across pages (`Front-end`, `frontend`), which splits it on the index",
    },
    Rule {
        code: "PL704",
        name: "draft-link",
        title: "a link to a draft page that the build leaves out (the link is shown as text)",
    },
];

/// Looks a rule up by code.
pub fn get(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The title of `code`, or an empty string for an unknown code.
pub fn title(code: &str) -> &'static str {
    get(code).map_or("", |r| r.title)
}

/// The name of `code`, or the code itself.
pub fn name(code: &str) -> &str {
    get(code).map_or(code, |r| r.name)
}

#[cfg(test)]
mod tests {
    use super::RULES;

    /// Every code the sources emit is catalogued, and the guide documents every rule.
    #[test]
    fn every_emitted_code_is_catalogued_and_documented() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut emitted = std::collections::BTreeSet::new();
        for entry in walkdir::WalkDir::new(root.join("src"))
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.path().extension().is_some_and(|e| e == "rs")
                && !entry.path().ends_with("rules.rs")
            {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                for (i, _) in text.match_indices("\"PL") {
                    let code: String = text[i + 1..].chars().take(5).collect();
                    if code[2..].chars().all(|c| c.is_ascii_digit()) {
                        emitted.insert(code);
                    }
                }
            }
        }
        for code in &emitted {
            assert!(
                super::get(code).is_some(),
                "{code} is emitted but not in RULES"
            );
        }
        let guide = std::fs::read_to_string(root.join("book/src/rules.md")).unwrap();
        for r in RULES {
            assert!(
                guide.contains(&format!("`{}`", r.code)),
                "{} is not documented in book/src/rules.md",
                r.code
            );
        }
    }

    #[test]
    fn codes_are_unique_and_sorted() {
        for w in RULES.windows(2) {
            assert!(w[0].code < w[1].code, "{} then {}", w[0].code, w[1].code);
        }
    }
}
