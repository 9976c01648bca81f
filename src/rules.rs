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
        code: "PL106",
        name: "missing-front-matter",
        title: "a chapter that must have front matter has none",
    },
    Rule {
        code: "PL210",
        name: "duplicate-guid",
        title: "the same guid is used by two chapters",
    },
    Rule {
        code: "PL401",
        name: "mojibake",
        title: "mis-decoded text (mojibake) repaired",
    },
    Rule {
        code: "PL501",
        name: "unsafe-link",
        title: "a link value that is not http(s) is shown as text",
    },
    Rule {
        code: "PL601",
        name: "stale-stylesheet",
        title: "the book's stylesheet is older than this mdbook-polish",
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

    #[test]
    fn codes_are_unique_and_sorted() {
        for w in RULES.windows(2) {
            assert!(w[0].code < w[1].code, "{} then {}", w[0].code, w[1].code);
        }
    }
}
