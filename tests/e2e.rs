//! End to end: the real `mdbook` 0.5 binary runs the real `mdbook-polish` binary as a child
//! process, over the JSON protocol. `scripts/test` installs mdbook when it is missing; these
//! tests fail (not skip) without it, so a green run always means the protocol was exercised.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::config::Config;

const POLISH: &str = env!("CARGO_BIN_EXE_mdbook-polish");

fn write_book(root: &Path, extra: &str) {
    std::fs::create_dir_all(root.join("src")).unwrap();
    // The command is quoted for mdBook's shell-like splitting.
    let toml = format!(
        "[book]\ntitle = \"E2E\"\n\n[preprocessor.polish]\ncommand = \"'{POLISH}'\"\n{extra}\n[output.html]\nadditional-css = [\"polish.css\"]\n"
    );
    std::fs::write(root.join("book.toml"), toml).unwrap();
    std::fs::write(
        root.join("polish.css"),
        mdbook_polish::workspace::stylesheet(),
    )
    .unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [Intro](intro.md)\n",
    )
    .unwrap();
    let chapter = std::fs::read_to_string(common::fixtures("chapters/seed-shaped.md")).unwrap();
    std::fs::write(root.join("src/intro.md"), chapter).unwrap();
}

#[test]
fn real_mdbook_builds_with_the_real_binary() {
    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), "");
    let out = Command::new(common::mdbook())
        .arg("build")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "mdbook build failed:\n{stderr}");
    assert!(!stderr.contains("WARN"), "mdBook warned:\n{stderr}");
    let html = std::fs::read_to_string(dir.path().join("book/intro.html")).unwrap();
    let main = common::main_of(&html);
    assert!(main.contains("class=\"polish-meta\""), "{main}");
    assert!(!main.contains("<hr"), "{main}");
    // The mojibake in the chapter is repaired and reported once, with its place.
    assert!(main.contains("Let’s look"), "{main}");
    assert!(stderr.contains("src/intro.md:"), "{stderr}");
}

#[test]
fn errors_fail_the_real_build_only_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), "on-failure = \"error\"\n");
    std::fs::write(
        dir.path().join("src/intro.md"),
        "---\nlocale: en_us\n---\n# T\n",
    )
    .unwrap();
    let out = Command::new(common::mdbook())
        .arg("build")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "build should fail:\n{stderr}");
    assert!(stderr.contains("src/intro.md:2:"), "{stderr}");
    assert!(
        stderr.contains("did you mean `en-us`?"),
        "did-you-mean expected:\n{stderr}"
    );
}

#[test]
fn supports_every_renderer() {
    for r in ["html", "markdown", "epub", "something-new"] {
        let s = Command::new(POLISH).args(["supports", r]).status().unwrap();
        assert!(s.success(), "{r}");
    }
}

fn context_json(version: &str) -> serde_json::Value {
    let ctx = PreprocessorContext::new(PathBuf::from("."), Config::default(), "html".into());
    let mut v = serde_json::to_value((ctx, Book::new())).unwrap();
    v[0]["mdbook_version"] = version.into();
    v
}

fn run_protocol(input: &[u8]) -> std::process::Output {
    let mut child = Command::new(POLISH)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn mdbook_04_gets_one_clear_sentence() {
    // The shape mdBook 0.4 sends: `sections` instead of `items`.
    let mut v = context_json("0.4.52");
    v[1] = serde_json::json!({"sections": [], "__non_exhaustive": null});
    let out = run_protocol(v.to_string().as_bytes());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!(
            "mdbook-polish {} needs mdBook 0.5; you have 0.4.52",
            env!("CARGO_PKG_VERSION")
        )),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn newer_05_only_warns_and_stdout_is_only_the_book() {
    let out = run_protocol(context_json("0.5.99").to_string().as_bytes());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("0.5.99"), "{stderr}");
    let book: Book = serde_json::from_slice(&out.stdout).expect("stdout is exactly the book JSON");
    assert!(book.items.is_empty());
}

#[test]
fn broken_protocol_input_is_a_clear_error() {
    for (input, expect) in [
        (&b""[..], "no input on stdin"),
        (&b"[{\"root\": \"."[..], "not valid JSON"),
        (&b"[1, 2]"[..], "not an mdBook preprocessor context"),
    ] {
        let out = run_protocol(input);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expect), "{expect}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// Text pulled in with `{{#include}}`: the build reports a repair at the included file's own
/// line (and the chapter's findings after an include at the chapter's own line, not the
/// expanded one); `check` and `fix` on the book cover the included file, so every warning
/// the build prints can be cleared with the tool. An include inside a code block is code.
#[test]
fn included_text_is_reported_where_it_was_written_and_fixed_there() {
    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), "");
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/parts")).unwrap();
    std::fs::write(
        root.join("src/intro.md"),
        "# Release notes\n\nWritten by hand.\n\n{{#include parts/changes.md}}\n\nThe cafÃ© closes at noon.\n\n```text\n{{#include parts/raw.txt}}\n```\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/parts/changes.md"),
        "- Faster start.\n- Letâ€™s not forget the export.\n- Smaller files.\n",
    )
    .unwrap();
    std::fs::write(root.join("src/parts/raw.txt"), "log: donâ€™t touch\n").unwrap();

    let build = || {
        let out = Command::new(common::mdbook())
            .arg("build")
            .current_dir(root)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let stderr = build();
    assert!(stderr.contains("src/parts/changes.md:2:"), "{stderr}");
    assert!(stderr.contains("src/intro.md:7:"), "{stderr}");
    assert!(!stderr.contains("raw.txt"), "code is left alone: {stderr}");
    let html = std::fs::read_to_string(root.join("book/intro.html")).unwrap();
    assert!(html.contains("Let’s not forget"), "repaired in the page");

    let check = Command::new(POLISH)
        .args(["check", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let places: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let short = file.rsplit('/').take(2).collect::<Vec<_>>().join("<");
            format!("{short}:{} {}", d["line"], d["code"].as_str().unwrap())
        })
        .collect();
    assert!(
        places.contains(&"intro.md<src:7 PL401".to_string()),
        "{places:?}"
    );
    assert!(
        places.contains(&"changes.md<parts:2 PL401".to_string()),
        "{places:?}"
    );
    assert_eq!(places.len(), 2, "{places:?}");

    let fix = Command::new(POLISH).arg("fix").arg(root).output().unwrap();
    assert!(
        fix.status.success(),
        "{}",
        String::from_utf8_lossy(&fix.stderr)
    );
    let changes = std::fs::read_to_string(root.join("src/parts/changes.md")).unwrap();
    assert_eq!(
        changes,
        "- Faster start.\n- Let’s not forget the export.\n- Smaller files.\n"
    );
    let raw = std::fs::read_to_string(root.join("src/parts/raw.txt")).unwrap();
    assert_eq!(
        raw, "log: donâ€™t touch\n",
        "an include in code is not prose"
    );
    let stderr = build();
    assert!(!stderr.contains("PL401"), "nothing left to clear: {stderr}");
}

/// Rule levels, per-path overrides and suppression comments in a book, through the real
/// mdBook: mdBook accepts the nested tables, a level decides whether the build fails, an
/// override turns a rule off for its files, and a suppressed finding is not printed while the
/// text is still repaired.
#[test]
fn rule_levels_overrides_and_suppressions_in_a_real_build() {
    let build = |extra: &str, chapter: &str| {
        let dir = tempfile::tempdir().unwrap();
        write_book(
            dir.path(),
            &format!("on-failure = \"error\"\nrequire-front-matter = false\n{extra}"),
        );
        std::fs::write(dir.path().join("src/intro.md"), chapter).unwrap();
        let out = Command::new(common::mdbook())
            .arg("build")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let html = std::fs::read_to_string(dir.path().join("book/intro.html")).unwrap_or_default();
        (out.status.success(), stderr, html)
    };
    let broken = "# T\n\nItâ€™s here.\n";
    // A warning by default: the build passes.
    let (ok, stderr, _) = build("", broken);
    assert!(ok && stderr.contains("PL401"), "{stderr}");
    // Raised to an error: it fails.
    let levels = "[preprocessor.polish.rules]\nPL401 = \"error\"\n";
    let (ok, stderr, _) = build(levels, broken);
    assert!(!ok && stderr.contains("error[PL401]"), "{stderr}");
    // The same, with an override that turns it off for this chapter: passes, still repaired.
    let (ok, stderr, html) = build(
        &format!(
            "{levels}[[preprocessor.polish.overrides]]\nfiles = [\"intro.md\"]\nrules = {{ mojibake = \"off\" }}\n"
        ),
        broken,
    );
    assert!(ok && !stderr.contains("PL401"), "{stderr}");
    assert!(html.contains("It’s here."), "{html}");
    // A suppression comment: passes, nothing printed, still repaired; a stale one is a note.
    let (ok, stderr, html) = build(
        levels,
        "# T\n\n<!-- polish-disable-next-line PL401 -->\nItâ€™s here.\n\n<!-- polish-disable-next-line PL303 -->\nplain\n",
    );
    assert!(ok && !stderr.contains("PL401"), "{stderr}");
    assert!(html.contains("It’s here."), "{html}");
    assert!(
        stderr.contains("note[PL003]") && stderr.contains("src/intro.md:6:1"),
        "{stderr}"
    );
}
