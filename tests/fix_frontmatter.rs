//! `mdbook-polish fix` and the safe front matter fixes, on the real binary: what it lists,
//! what `--dry-run` shows, what `--only` limits, exit codes, a book's own schema, and the
//! fixes' idempotence over generated front matter.

mod common;

use common::{polish, write};

use std::path::Path;

use mdbook_polish::cli::fix::{FixOutcome, fix_chapter};
use mdbook_polish::frontmatter::schema::Schema;
use mdbook_polish::pipeline::Settings;
use predicates::prelude::*;
use proptest::prelude::*;

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

/// A docs team's schema: a vocabulary, a boolean, no other keys.
const SCHEMA: &str = r#"{
  "type": "object",
  "additionalProperties": false,
  "required": ["title"],
  "properties": {
    "title": {"type": "string"},
    "summary": {"type": "string"},
    "draft": {"type": "boolean"},
    "kind": {"enum": ["tutorial", "how-to", "reference", "explanation"]},
    "audience": {"type": "array", "items": {"enum": ["architects", "developers", "tech leads"]}}
  }
}"#;

/// A chapter with one of each fix, a comment and mojibake in the body.
const INTRO: &str = "---\ntilte: Finding your way\nsummary: Tip: start with the tour\ndraft: yes # until review\nkind: \"tutorail\"\naudience: [architect, developers]\n---\n\n# Intro\n\nLetâ€™s start.\n";

const INTRO_FIXED: &str = "---\ntitle: Finding your way\nsummary: \"Tip: start with the tour\"\ndraft: true # until review\nkind: \"tutorial\"\naudience: [architects, developers]\n---\n\n# Intro\n\nLet’s start.\n";

/// A CRLF chapter with a BOM.
const SETUP: &str = "\u{feff}---\r\ntitle: Setup\r\nsummary: Step one: install it\r\ndraft: Off\r\n---\r\n\r\n# Setup\r\n";

const SETUP_FIXED: &str = "\u{feff}---\r\ntitle: Setup\r\nsummary: \"Step one: install it\"\r\ndraft: false\r\n---\r\n\r\n# Setup\r\n";

/// A book using [`SCHEMA`], with `extra` added to its `[preprocessor.polish]`.
fn book(dir: &Path, extra: &str) {
    write(
        dir,
        "book/book.toml",
        format!(
            "[book]\ntitle = \"Fixes\"\n\n[preprocessor.polish]\nschema = \"team.schema.json\"\n{extra}"
        ),
    );
    write(dir, "book/team.schema.json", SCHEMA);
    write(
        dir,
        "book/src/SUMMARY.md",
        "# Summary\n\n- [Intro](intro.md)\n- [Setup](setup.md)\n",
    );
    write(dir, "book/src/intro.md", INTRO);
    write(dir, "book/src/setup.md", SETUP);
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_book_with_its_own_schema_is_fixed_and_every_change_listed() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path(), "");
    let listing = [
        "book/src/intro.md:2:1: PL203: `tilte` → `title`",
        "book/src/intro.md:3:10: PL110: quoted the value of `summary`, which holds `: `",
        "book/src/intro.md:4:8: PL201: `yes` → `true` (YAML 1.1 spelling of a boolean)",
        "book/src/intro.md:5:7: PL202: `tutorail` → `tutorial`",
        "book/src/intro.md:6:12: PL202: `architect` → `architects`",
        "book/src/intro.md:11:4: PL401: mojibake found: `Letâ€™s` should read `Let’s`",
        "book/src/setup.md:3:10: PL110: quoted the value of `summary`, which holds `: `",
        "book/src/setup.md:4:8: PL201: `Off` → `false` (YAML 1.1 spelling of a boolean)",
    ];

    // --check: the same listing, nothing written, exit 1.
    let out = polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    for line in listing {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
    assert!(err.contains("would change 2 of 2 file(s)"), "{err}");
    assert_eq!(read(dir.path(), "book/src/intro.md"), INTRO);

    // --dry-run: the diff on stdout, the listing on stderr, nothing written, exit 0.
    let out = polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let diff = String::from_utf8_lossy(&out.stdout);
    for line in [
        "--- a/book/src/intro.md",
        "-tilte: Finding your way",
        "+title: Finding your way",
        "+summary: \"Tip: start with the tour\"",
        "+draft: true # until review",
        "+kind: \"tutorial\"",
        "+audience: [architects, developers]",
        "+Let’s start.",
        "+++ b/book/src/setup.md",
        "+draft: false",
    ] {
        assert!(diff.contains(line), "missing {line:?} in:\n{diff}");
    }
    let err = stderr_of(&out);
    for line in listing {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
    assert_eq!(read(dir.path(), "book/src/setup.md"), SETUP);

    // Written: exactly these bytes (comment, quoting style, CRLF and BOM kept).
    let out = polish()
        .current_dir(dir.path())
        .args(["fix", "book"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("fixed book/src/intro.md (6 change(s))"),
        "{err}"
    );
    assert_eq!(read(dir.path(), "book/src/intro.md"), INTRO_FIXED);
    assert_eq!(read(dir.path(), "book/src/setup.md"), SETUP_FIXED);

    // Idempotent: nothing left to fix, and check finds nothing.
    polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--check"])
        .assert()
        .success()
        .stderr(predicate::str::contains("would change 0 of 2 file(s)"))
        .stderr(predicate::str::contains(": PL").not());
    polish()
        .current_dir(dir.path())
        .args(["check", "book"])
        .assert()
        .success();
}

#[test]
fn only_limits_the_fixes() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path(), "");
    // Mojibake only.
    polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--only", "PL401"])
        .assert()
        .success()
        .stderr(predicate::str::contains("PL203").not());
    let intro = read(dir.path(), "book/src/intro.md");
    assert_eq!(intro, INTRO.replace("Letâ€™s", "Let’s"));
    assert_eq!(read(dir.path(), "book/src/setup.md"), SETUP);

    // Keys and values, as a comma list and repeated (the same), by id and by name: the
    // YAML error in intro.md stops the schema there, and setup.md has neither.
    for args in [
        &["--only", "PL203,PL202"][..],
        &["--only", "PL203", "--only", "pl202"][..],
        &["--only", "unknown-key,not-allowed"][..],
    ] {
        let out = polish()
            .current_dir(dir.path())
            .args(["fix", "book", "--dry-run"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            stderr_of(&out).contains("would change 0 of 2"),
            "{args:?}: {}",
            stderr_of(&out)
        );
    }
    // With the colon quoted first, the same rules apply.
    polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--only", "PL110"])
        .assert()
        .success();
    polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--only", "PL203,PL202"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "book/src/intro.md:2:1: PL203: `tilte` → `title`",
        ))
        .stderr(predicate::str::contains("PL201").not());
    let intro = read(dir.path(), "book/src/intro.md");
    assert!(intro.contains("draft: yes # until review"), "{intro}");
    assert!(intro.contains("kind: \"tutorial\""), "{intro}");
    // What is left is the boolean only.
    polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--check"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("intro.md:4:8: PL201"))
        .stderr(predicate::str::contains("PL202").not());
}

#[test]
fn an_unknown_rule_is_a_usage_error_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path(), "");
    polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--only", "PL230"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `PL230`"))
        .stderr(predicate::str::contains("did you mean `PL203`?"));
    polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--only", "PL401,PL204"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "PL204 (missing-key) has no automatic fix",
        ));
    assert_eq!(read(dir.path(), "book/src/intro.md"), INTRO, "nothing ran");
}

#[test]
fn a_broken_schema_stops_schema_fixes_only() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path(), "");
    write(dir.path(), "book/team.schema.json", "{ \"type\": \n");
    polish()
        .current_dir(dir.path())
        .args(["fix", "book"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("team.schema.json:2"));
    assert_eq!(read(dir.path(), "book/src/intro.md"), INTRO);
    // No schema fix asked for: no schema loaded, and the rest is fixed.
    polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--only", "PL401,PL110"])
        .assert()
        .success();
    assert_eq!(
        read(dir.path(), "book/src/intro.md"),
        INTRO
            .replace("Tip: start with the tour", "\"Tip: start with the tour\"")
            .replace("Letâ€™s", "Let’s")
    );
}

#[test]
fn validation_off_means_no_schema_fixes() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path(), "validate = false\n");
    polish()
        .current_dir(dir.path())
        .args(["fix", "book"])
        .assert()
        .success();
    // The YAML error is still fixed (it needs no schema), the mojibake too; nothing else.
    assert_eq!(
        read(dir.path(), "book/src/intro.md"),
        INTRO
            .replace("Tip: start with the tour", "\"Tip: start with the tour\"")
            .replace("Letâ€™s", "Let’s")
    );
}

#[test]
fn files_outside_a_book_use_the_embedded_schema() {
    let dir = tempfile::tempdir().unwrap();
    // The embedded schema allows other keys and has no vocabulary: `tilte` is only a
    // warning (PL121) there, and not certain enough to rename.
    write(dir.path(), "notes/a.md", INTRO);
    polish()
        .current_dir(dir.path())
        .args(["fix", "notes/a.md"])
        .assert()
        .success();
    let a = read(dir.path(), "notes/a.md");
    assert!(a.starts_with("---\ntilte: Finding your way\n"), "{a}");
    assert!(a.contains("summary: \"Tip: start with the tour\"\n"), "{a}");
    assert!(a.contains("draft: yes # until review"), "{a}");
}

/// A text the `{{#include}}` of a chapter pulls in is not a chapter: a block there that
/// looks like front matter is not fixed as one (its mojibake is).
#[test]
fn included_text_gets_no_front_matter_fixes() {
    let dir = tempfile::tempdir().unwrap();
    book(dir.path(), "");
    write(
        dir.path(),
        "book/src/setup.md",
        "---\ntitle: Setup\n---\n\n# Setup\n\n{{#include part.md}}\n",
    );
    let part = "---\ntilte: Caf\u{c3}\u{a9}: menu\n---\n";
    write(dir.path(), "book/src/part.md", part);
    polish()
        .current_dir(dir.path())
        .args(["fix", "book", "--only", "PL110,PL203,PL401"])
        .assert()
        .success();
    assert_eq!(
        read(dir.path(), "book/src/part.md"),
        "---\ntilte: Café: menu\n---\n"
    );
}

// ---------------------------------------------------------------- properties

/// Front matter lines of every shape the fixes meet: fixable, near misses, and lines that
/// must stay as they are.
fn line() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "tilte: A page",
        "title: The page",
        "Title: Another",
        "summary: Tip: a colon",
        "summary: Note: see # 3",
        "summary: \"quoted: fine\"",
        "draft: yes",
        "draft: 'no'",
        "draft: ON # later",
        "kind: tutorail",
        "kind: 'Reference'",
        "kind: |\n  tutorail",
        "kind: how to",
        "audience: [architect, developers]",
        "audience:\n  - architect\n  - architects",
        "audience: [tech-leads]",
        "autience: [developers]",
        "# a comment: with colon",
        "meta: {a: b}",
        "colour: red",
        "summary: Letâ€™s start: here",
        "kind: tutorÃ¯al",
    ])
    .prop_map(str::to_string)
}

fn front_matter() -> impl Strategy<Value = (String, bool, bool)> {
    (
        prop::collection::vec(line(), 0..7),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, bom)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            s.push_str("---");
            s.push_str(nl);
            for l in lines {
                s.push_str(&l.replace('\n', nl));
                s.push_str(nl);
            }
            s.push_str("---");
            s.push_str(nl);
            s.push_str(nl);
            s.push_str("# Page");
            s.push_str(nl);
            (s, crlf, bom)
        })
}

fn settings() -> Settings {
    Settings {
        schema: Some(std::sync::Arc::new(
            Schema::from_str(SCHEMA, "team.schema.json").unwrap(),
        )),
        ..Settings::all_jobs()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Fixing the fixed text changes nothing; line endings and the BOM stay; the body is
    /// untouched; a front matter that parsed still parses.
    #[test]
    fn fixes_are_idempotent_and_keep_the_rest((src, crlf, bom) in front_matter()) {
        let settings = settings();
        let (outcome, changes) = fix_chapter(&src, &settings, true, None);
        let FixOutcome::Changed(once) = outcome else {
            prop_assert!(changes.is_empty());
            return Ok(());
        };
        prop_assert!(!changes.is_empty());
        let (again, more) = fix_chapter(&once, &settings, true, None);
        prop_assert_eq!(again, FixOutcome::Clean, "{:?} -> {:?}: {:?}", src, once, more);
        prop_assert_eq!(once.starts_with('\u{feff}'), bom);
        let bare_lf = once.bytes().enumerate().any(|(i, b)| {
            b == b'\n' && (i == 0 || once.as_bytes()[i - 1] != b'\r')
        });
        prop_assert_eq!(bare_lf, !crlf, "{:?}", once);
        prop_assert_eq!(once.lines().count(), src.lines().count());
        prop_assert!(once.ends_with("# Page\n") || once.ends_with("# Page\r\n"));
        let limits = Default::default();
        let before = mdbook_polish::frontmatter::extract(&src, &limits);
        let after = mdbook_polish::frontmatter::extract(&once, &limits);
        if before.data.is_some() {
            prop_assert!(after.data.is_some(), "{:?}", once);
        }
    }
}
