//! Configuration outside and inside books, as a user meets it on the real binary: `polish.toml`
//! found by walking up, rule levels, per-path overrides, suppression comments and their notes.

mod common;

use common::{polish, write};

use std::path::Path;

/// A chapter with one mojibake finding (PL401, a warning by default) on line 3.
const MOJIBAKE: &str = "# A\n\nItâ€™s here.\n";

/// `check PATH --format json` from `dir`: exit code and `(file, rule, severity, line)` per
/// finding.
fn findings(dir: &Path, path: &str) -> (i32, Vec<(String, String, String, u64)>) {
    let out = polish()
        .current_dir(dir)
        .args(["check", path, "--format", "json", "--allow-empty"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut list = Vec::new();
    for d in json["diagnostics"].as_array().into_iter().flatten() {
        list.push((
            d["file"].as_str().unwrap_or_default().to_string(),
            d["code"].as_str().unwrap_or_default().to_string(),
            d["severity"].as_str().unwrap_or_default().to_string(),
            d["line"].as_u64().unwrap_or_default(),
        ));
    }
    (code, list)
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

#[test]
fn polish_toml_is_found_by_walking_up_and_the_nearest_wins() {
    let dir = repo();
    let root = dir.path();
    write(root, "polish.toml", "[rules]\nPL401 = \"error\"\n");
    write(root, "docs/a.md", MOJIBAKE);
    write(root, "docs/team/.polish.toml", "[rules]\nPL401 = \"off\"\n");
    write(root, "docs/team/b.md", MOJIBAKE);
    let (code, list) = findings(root, "docs");
    assert_eq!(code, 1, "{list:?}");
    assert_eq!(
        list,
        [("docs/a.md".into(), "PL401".into(), "error".into(), 3)]
    );
    // The same from inside the folder, and for one file.
    let (code, list) = findings(&root.join("docs"), ".");
    assert_eq!((code, list.len()), (1, 1), "{list:?}");
    let (code, list) = findings(&root.join("docs/team"), "b.md");
    assert_eq!((code, list.len()), (0, 0), "{list:?}");
}

#[test]
fn the_walk_stops_at_the_git_root() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "polish.toml", "[rules]\nPL401 = \"error\"\n");
    std::fs::create_dir_all(outer.path().join("repo/.git")).unwrap();
    write(outer.path(), "repo/a.md", MOJIBAKE);
    let (code, list) = findings(&outer.path().join("repo"), ".");
    assert_eq!(code, 0);
    assert_eq!(list[0].2, "warning", "{list:?}");
}

#[test]
fn overrides_give_some_files_other_settings() {
    let dir = repo();
    let root = dir.path();
    write(
        root,
        "polish.toml",
        "require-front-matter = true\n\n[[overrides]]\nfiles = [\"notes/**\"]\nrequire-front-matter = false\nrules = { PL401 = \"note\" }\n",
    );
    write(root, "guide/a.md", MOJIBAKE);
    write(root, "notes/2026/b.md", MOJIBAKE);
    let (code, list) = findings(root, ".");
    assert_eq!(code, 1);
    let got: Vec<_> = list
        .iter()
        .map(|f| (f.0.as_str(), f.1.as_str(), f.2.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("guide/a.md", "PL106", "error"),
            ("guide/a.md", "PL401", "warning"),
            ("notes/2026/b.md", "PL401", "note"),
        ]
    );
}

#[test]
fn a_book_uses_book_toml_not_a_polish_toml() {
    let dir = repo();
    let root = dir.path();
    write(root, "polish.toml", "[rules]\nPL401 = \"off\"\n");
    write(
        root,
        "docs/book.toml",
        "[book]\ntitle = \"B\"\n[preprocessor.polish]\nrequire-front-matter = false\n[preprocessor.polish.rules]\nPL401 = \"error\"\n",
    );
    write(root, "docs/src/SUMMARY.md", "# S\n\n- [A](a.md)\n");
    write(root, "docs/src/a.md", MOJIBAKE);
    write(root, "README.md", MOJIBAKE);
    let (code, list) = findings(root, ".");
    assert_eq!(code, 1);
    assert_eq!(
        list,
        [("docs/src/a.md".into(), "PL401".into(), "error".into(), 3)]
    );
}

#[test]
fn mistakes_in_the_configuration_are_named() {
    let dir = repo();
    let root = dir.path();
    write(root, "a.md", MOJIBAKE);
    write(root, "polish.toml", "[rules]\nPL401 = \"loud\"\n");
    let out = polish()
        .current_dir(root)
        .args(["check", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("polish.toml") && stderr.contains("`rules.PL401`"),
        "{stderr}"
    );
    write(root, "polish.toml", "validate = \n");
    let out = polish()
        .current_dir(root)
        .args(["check", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not valid TOML"), "{stderr}");
    // Unknown keys and rules are warnings with a did-you-mean; the check still runs.
    write(
        root,
        "polish.toml",
        "encodng = false\n[rules]\nmojibak = \"off\"\n",
    );
    let out = polish()
        .current_dir(root)
        .args(["check", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("did you mean `encoding`?"), "{stderr}");
    assert!(stderr.contains("did you mean `mojibake`?"), "{stderr}");
}

#[test]
fn suppression_comments_silence_findings_and_report_stale_ones() {
    let dir = repo();
    let root = dir.path();
    write(
        root,
        "a.md",
        "---\n# polish-disable-next-line PL121\ntilte: x\n---\n\n<!-- polish-disable-next-line mojibake -->\nItâ€™s here.\n\nItâ€™s there. <!-- polish-disable-line PL401 -->\n\n<!-- polish-disable-next-line PL303 -->\nfine\n\n<!-- polish-disable-line PL40 -->\n`<!-- polish-disable-file -->` is an example\n\nItâ€™s left.\n",
    );
    let (code, list) = findings(root, "a.md");
    assert_eq!(code, 0);
    let got: Vec<_> = list
        .iter()
        .map(|f| (f.1.as_str(), f.2.as_str(), f.3))
        .collect();
    assert_eq!(
        got,
        [
            ("PL003", "note", 11),
            ("PL004", "warning", 14),
            ("PL401", "warning", 17)
        ]
    );
}

/// This repository's own guide checks clean with its own settings, notes included: its
/// deliberate mojibake is marked with a suppression comment, so a new user building it sees
/// no warning.
#[test]
fn the_guide_checks_clean_with_its_own_config() {
    let out = polish()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "book", "--deny", "note", "--color", "never"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.contains("0 errors, 0 warnings, 0 notes"), "{stderr}");
}

/// `fix` leaves text a suppression comment covers as written (a page that shows mojibake on
/// purpose), and fixes the rest.
#[test]
fn fix_leaves_suppressed_text_alone() {
    let dir = repo();
    let root = dir.path();
    let src = "# A\n\n<!-- polish-disable-next-line PL401 -->\nItâ€™s kept.\n\nItâ€™s fixed.\n";
    write(root, "a.md", src);
    polish()
        .current_dir(root)
        .args(["fix", "a.md"])
        .assert()
        .success();
    let after = std::fs::read_to_string(root.join("a.md")).unwrap();
    assert_eq!(after, src.replace("Itâ€™s fixed.", "It’s fixed."));
    // Nothing left to report, and a second run changes nothing.
    let (code, list) = findings(root, "a.md");
    assert_eq!((code, list.len()), (0, 0), "{list:?}");
    polish()
        .current_dir(root)
        .args(["fix", "a.md", "--check"])
        .assert()
        .success();
}

/// `fix` reads the same `polish.toml` (and its overrides) as `check`.
#[test]
fn fix_reads_polish_toml_and_its_overrides() {
    let dir = repo();
    let root = dir.path();
    write(
        root,
        "polish.toml",
        "encoding = false\n\n[[overrides]]\nfiles = [\"fixme/**\"]\nencoding = true\n",
    );
    write(root, "keep/a.md", MOJIBAKE);
    write(root, "fixme/b.md", MOJIBAKE);
    polish()
        .current_dir(root)
        .args(["fix", "."])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(root.join("keep/a.md")).unwrap(),
        MOJIBAKE
    );
    assert_eq!(
        std::fs::read_to_string(root.join("fixme/b.md")).unwrap(),
        MOJIBAKE.replace("Itâ€™s", "It’s")
    );
}
