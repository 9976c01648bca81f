//! The command line as a user runs it: check, fix, fix-text, install, schema.

mod common;

use common::{polish, write};

use std::path::Path;

use predicates::prelude::*;

const GOOD: &str = "---\nsummary: A tidy page.\nguid: 0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b\nlocale: en-us\nplatform-version: o11\naudience:\n  - architects\n---\n\n# Good\n";

#[test]
fn clean_tree_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docs/good.md", GOOD);
    polish()
        .current_dir(dir.path())
        .args(["check", "docs"])
        .assert()
        .success();
}

#[test]
fn findings_exit_one_and_point_at_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docs/a.md",
        "---\nsummary: ok\nlocale: en_us\n---\n# A\n",
    );
    polish()
        .current_dir(dir.path())
        .args(["check", "docs", "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("docs/a.md:3:9"))
        .stdout(predicate::str::contains("did you mean `en-us`?"));
}

#[test]
fn one_bad_file_never_hides_the_others_and_order_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "d/1-latin1.md", b"---\nsummary: caf\xe9\n---\n");
    write(dir.path(), "d/2-yaml.md", "---\nsummary: key: value\n---\n");
    write(dir.path(), "d/3-utf16.md", b"\xff\xfe-\x00");
    write(dir.path(), "d/4-good.md", GOOD);
    let run = || {
        polish()
            .current_dir(dir.path())
            .args(["check", "d", "--format", "json"])
            .assert()
            .code(1)
    };
    let out = run().get_output().stdout.clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"d/1-latin1.md"), "{json}");
    assert!(files.contains(&"d/2-yaml.md"), "{json}");
    assert!(files.contains(&"d/3-utf16.md"), "{json}");
    assert!(!files.contains(&"d/4-good.md"), "{json}");
    assert_eq!(json["files_checked"], 4, "clean files count as checked");
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "files in path order");
    assert_eq!(run().get_output().stdout, out, "deterministic output");
    let latin1 = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "d/1-latin1.md")
        .unwrap();
    assert_eq!(latin1["code"], "PL001");
    assert_eq!(
        (latin1["line"].as_u64(), latin1["column"].as_u64()),
        (Some(2), Some(13)),
        "{latin1}"
    );
}

/// The findings with `code` in a `--format json` report.
fn findings<'a>(json: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .map(|all| all.iter().filter(|d| d["code"] == code).collect())
        .unwrap_or_default()
}

#[test]
fn duplicate_guid_names_both_places() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "d/a.md", GOOD);
    write(dir.path(), "d/b.md", GOOD);
    let out = polish()
        .current_dir(dir.path())
        .args(["check", "d", "--format", "json"])
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let dups = findings(&json, "PL210");
    assert_eq!(dups.len(), 2, "{json}");
    assert_eq!(dups[0]["file"], "d/a.md");
    assert_eq!(dups[0]["line"], 3);
    assert_eq!(dups[0]["related"][0]["file"], "d/b.md");
}

/// `check` keeps only the front matter of a clean file's text for the report (not with
/// `--format human`): a guid found shared afterwards must still get the same positions, in
/// every machine format, as when the whole text is kept.
/// A repair earlier in the front matter (mojibake in the summary) does not move the
/// duplicate-guid finding off the guid's line, in either file's report.
#[test]
fn duplicate_guid_after_a_repaired_summary_stays_on_the_guid_line() {
    let dir = tempfile::tempdir().unwrap();
    let guid = "01147c8e-8107-4ca1-a206-c465f5d85e7b";
    write(
        dir.path(),
        "d/a.md",
        format!("---\nsummary: Letâ€™s go â€” and â€œmoreâ€ here\nguid: {guid}\n---\n\n# A\n"),
    );
    write(
        dir.path(),
        "d/b.md",
        format!("---\nsummary: Plain.\nguid: {guid}\n---\n\n# B\n"),
    );
    let out = polish()
        .current_dir(dir.path())
        .args(["check", "d", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let at: Vec<(String, u64, u64)> = findings(&json, "PL210")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [("d/a.md".to_string(), 3, 7), ("d/b.md".to_string(), 3, 7)]
    );
    let related = &findings(&json, "PL210")[1]["related"][0];
    assert_eq!(
        (&related["file"], &related["line"]),
        (&"d/a.md".into(), &3.into())
    );
}

#[test]
fn duplicate_guid_positions_survive_trimmed_sources() {
    let dir = tempfile::tempdir().unwrap();
    let a = GOOD.replace("summary: A tidy page.", "summary: Ça va, “tidy” page.");
    write(dir.path(), "d/a.md", &a);
    write(dir.path(), "d/b.md", format!("{GOOD}\nMore text.\n"));
    let run = |format: &str| {
        let out = polish()
            .current_dir(dir.path())
            .args(["check", "d", "--format", format])
            .assert()
            .code(1);
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let dups = findings(&json, "PL210");
    assert_eq!(dups.len(), 2, "{json}");
    let guid_line = GOOD.lines().position(|l| l.starts_with("guid:")).unwrap() + 1;
    let value_len = "0b7f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b".len();
    for d in &dups {
        assert_eq!(d["line"], guid_line, "{d}");
        assert_eq!(d["column"], 7, "{d}");
        assert_eq!(d["end_line"], guid_line, "{d}");
        assert_eq!(d["end_column"], 7 + value_len, "{d}");
        assert_eq!(d["related"][0]["line"], guid_line, "{d}");
        assert_eq!(d["related"][0]["column"], 7, "{d}");
    }
    let github = run("github");
    assert!(
        github.contains(&format!("file=d/a.md,line={guid_line},col=7")),
        "{github}"
    );
    let human = run("human");
    assert!(human.contains(&format!("d/b.md:{guid_line}:7")), "{human}");
}

#[test]
fn book_root_uses_summary_and_book_toml() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "book.toml",
        "[book]\nsrc = \"src\"\n[preprocessor.polish]\nrequire-front-matter = [\"guide/**\"]\n",
    );
    write(
        dir.path(),
        "src/SUMMARY.md",
        "# Summary\n\n- [G](guide/g.md)\n- [Other](other.md)\n",
    );
    write(dir.path(), "src/guide/g.md", "# No front matter\n");
    write(
        dir.path(),
        "src/other.md",
        "# Also none, but not required\n",
    );
    write(dir.path(), "src/orphan.md", "---\nbroken: [\n---\n");
    let out = polish()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json"])
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(
        diags.len(),
        1,
        "only the required chapter is reported, orphans are not chapters: {json}"
    );
    assert_eq!(diags[0]["file"], "src/guide/g.md");
    assert_eq!(diags[0]["code"], "PL106");
}

#[test]
fn github_format_escapes_and_sarif_parses() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "d/we, ird: 100%.md",
        "---\nfigma: javascript:go()\n---\n",
    );
    let out = polish()
        .current_dir(dir.path())
        .args(["check", "d", "--format", "github"])
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.starts_with("::error file=d/we%2C ird%3A 100%25.md,line=2,col="),
        "{text}"
    );
    let out = polish()
        .current_dir(dir.path())
        .args(["check", "d", "--format", "sarif"])
        .assert()
        .code(1);
    let sarif: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
}

#[test]
fn exclude_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "d/skip/bad.md",
        "---\nfigma: javascript:go()\n---\n",
    );
    write(dir.path(), "d/good.md", GOOD);
    polish()
        .current_dir(dir.path())
        .args(["check", "d", "--exclude", "d/skip/**"])
        .assert()
        .success();
    polish()
        .current_dir(dir.path())
        .args(["check", "missing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing"));
    write(dir.path(), "bad-schema.json", "{ \"type\": \n");
    polish()
        .current_dir(dir.path())
        .args(["check", "d", "--schema", "bad-schema.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad-schema.json:2"));
}

#[test]
fn fix_repairs_in_place_keeping_bom_and_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let broken =
        "\u{feff}# Title\r\n\r\nLetâ€™s go to the cafÃ©.\r\n\r\n`Letâ€™s` stays in code.\r\n";
    write(dir.path(), "d/a.md", broken);
    polish()
        .current_dir(dir.path())
        .args(["fix", "d", "--check"])
        .assert()
        .code(1);
    let diff = polish()
        .current_dir(dir.path())
        .args(["fix", "d", "--dry-run"])
        .assert()
        .success();
    let diff = String::from_utf8_lossy(&diff.get_output().stdout).into_owned();
    assert!(diff.contains("+Let’s go to the café."), "{diff}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("d/a.md")).unwrap(),
        broken,
        "dry run writes nothing"
    );
    polish()
        .current_dir(dir.path())
        .args(["fix", "d"])
        .assert()
        .success();
    let fixed = std::fs::read_to_string(dir.path().join("d/a.md")).unwrap();
    assert_eq!(
        fixed,
        "\u{feff}# Title\r\n\r\nLet’s go to the café.\r\n\r\n`Letâ€™s` stays in code.\r\n"
    );
    // Idempotent, and check agrees there is nothing left to fix.
    polish()
        .current_dir(dir.path())
        .args(["fix", "d", "--check"])
        .assert()
        .success();
}

#[test]
fn fix_leaves_bad_files_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = b"caf\xe9 Let\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s\n".to_vec();
    write(dir.path(), "d/latin1.md", &latin1);
    write(dir.path(), "d/ro.md", "Letâ€™s\n");
    let ro = dir.path().join("d/ro.md");
    let mut perm = std::fs::metadata(&ro).unwrap().permissions();
    perm.set_readonly(true);
    std::fs::set_permissions(&ro, perm).unwrap();
    polish()
        .current_dir(dir.path())
        .args(["fix", "d"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("read-only"))
        .stderr(predicate::str::contains("not valid UTF-8"));
    assert_eq!(
        std::fs::read(dir.path().join("d/latin1.md")).unwrap(),
        latin1
    );
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "Letâ€™s\n");
}

#[cfg(unix)]
#[test]
fn fix_follows_a_symlink_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "real/a.md", "Letâ€™s\n");
    std::fs::create_dir_all(dir.path().join("d")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real/a.md"), dir.path().join("d/link.md")).unwrap();
    polish()
        .current_dir(dir.path())
        .args(["fix", "d/link.md"])
        .assert()
        .success();
    assert!(
        std::fs::symlink_metadata(dir.path().join("d/link.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("real/a.md")).unwrap(),
        "Let’s\n"
    );
}

/// The same file by two paths is checked once: a link beside its target in one folder (one
/// walk, no `stat` unless a link is seen), and a folder plus a file inside it.
#[cfg(unix)]
#[test]
fn one_file_by_two_paths_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "d/a.md", "Letâ€™s\n");
    std::os::unix::fs::symlink(dir.path().join("d/a.md"), dir.path().join("d/b.md")).unwrap();
    let count = |args: &[&str]| {
        let out = polish()
            .current_dir(dir.path())
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        findings(&json, "PL401").len()
    };
    assert_eq!(count(&["d"]), 1);
    assert_eq!(count(&["d", "d/a.md"]), 1);
    std::fs::remove_file(dir.path().join("d/b.md")).unwrap();
    write(dir.path(), "d/c.md", "Letâ€™s\n");
    // Two different files with the same text are two findings.
    assert_eq!(count(&["d"]), 2);
}

#[test]
fn files_larger_than_the_read_buffer_are_read_whole() {
    // `check` reads through a 64 KiB buffer per thread: files of exactly that size and larger
    // must arrive whole, and a small file read after a large one must not keep its tail.
    let dir = tempfile::tempdir().unwrap();
    let line = "plain words in a long chapter\n";
    let tail = "CafÃ©\n";
    let sizes = [
        ("a.md", 64 * 1024),
        ("b.md", 64 * 1024 - 1),
        ("c.md", 300 * 1024),
    ];
    for (name, size) in sizes {
        let mut text = line.repeat(size / line.len() - 1);
        text.push_str(&"x".repeat(size - tail.len() - text.len()));
        text.push_str(tail);
        assert_eq!(text.len(), size, "{name}");
        write(dir.path(), name, text);
    }
    write(dir.path(), "d.md", "short\n");
    let out = polish()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json"])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64)> = findings(&json, "PL401")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, u64)> = sizes
        .iter()
        .map(|(name, size)| (name.to_string(), (size / line.len()) as u64))
        .collect();
    // Exactly these: d.md, read last by the same thread, has none of the others' text.
    assert_eq!(found, expected);
}

#[test]
fn fix_text_keeps_line_structure() {
    polish()
        .arg("fix-text")
        .write_stdin("Letâ€™s\nplain\n\nCafÃ©")
        .assert()
        .success()
        .stdout("Let’s\nplain\n\nCafé");
}

/// `fix-text` repairs what `fix` repairs, and leaves code alone as `fix` does; `--plain` is
/// for text that is not Markdown and repairs every line.
#[test]
fn fix_text_is_markdown_aware_unless_plain() {
    let md = "Letâ€™s go `Letâ€™s` here.\n\n```\nCafÃ©\n```\n\n    indented CafÃ©\n\nCafÃ© <a title=\"CafÃ©\">x</a>\n";
    let markdown = "Let’s go `Letâ€™s` here.\n\n```\nCafÃ©\n```\n\n    indented CafÃ©\n\nCafé <a title=\"CafÃ©\">x</a>\n";
    let plain = "Let’s go `Let’s` here.\n\n```\nCafé\n```\n\n    indented Café\n\nCafé <a title=\"Café\">x</a>\n";
    polish()
        .arg("fix-text")
        .write_stdin(md)
        .assert()
        .success()
        .stdout(markdown);
    polish()
        .args(["fix-text", "--plain", "-"])
        .write_stdin(md)
        .assert()
        .success()
        .stdout(plain);
    // The same file through `fix` ends up as `fix-text` printed it.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", md);
    polish()
        .arg("fix")
        .arg(dir.path().join("a.md"))
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.md")).unwrap(),
        markdown
    );
    let out = polish()
        .arg("fix-text")
        .arg(dir.path().join("a.md"))
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), markdown);
}

#[test]
fn schema_prints_the_embedded_schema() {
    let out = polish().arg("schema").assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(v["properties"]["audience"].is_object(), "{v}");
}

#[test]
fn install_twice_then_build_warns_nothing_about_stylesheet() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "book.toml", "[book]\ntitle = \"x\" # keep me\n");
    polish()
        .arg("install")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("added"));
    polish()
        .arg("install")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing changed"));
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    assert!(toml.contains("# keep me"));
}

#[test]
fn glob_paths_and_deny_levels() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/one.md", GOOD.replace("0b7f3a52", "1b7f3a52"));
    write(dir.path(), "a/deep/two.md", "# Two\n\nLetâ€™s fix this.\n");
    write(dir.path(), "a/deep/three.txt", "not markdown");
    // `*` stays in one folder, `**` crosses folders.
    let out = polish()
        .current_dir(dir.path())
        .args(["check", "a/*.md", "--format", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["files_checked"], 1, "{json}");
    let out = polish()
        .current_dir(dir.path())
        .args(["check", "a/**/*.md", "--format", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["files_checked"], 2, "{json}");
    assert_eq!(
        json["summary"]["warnings"], 1,
        "the mojibake repair is a warning: {json}"
    );
    // Warnings pass by default and fail under --deny warning.
    polish()
        .current_dir(dir.path())
        .args(["check", "a/**/*.md", "--deny", "warning"])
        .assert()
        .code(1);
}

/// `fix` never leaves a half-written file: the repaired text goes to a temporary file that is
/// renamed over the original (a new inode), so a kill at any moment leaves either the old or
/// the new content. Here the process is killed at several moments of a large repair.
#[cfg(unix)]
#[test]
fn fix_interrupted_leaves_old_or_new_content() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let mut broken = String::new();
    for i in 0..200_000 {
        broken.push_str(if i % 50 == 0 {
            "Letâ€™s see the cafÃ© menu.\n"
        } else {
            "A plain line of text.\n"
        });
    }
    let fixed = broken.replace("Letâ€™s", "Let’s").replace("cafÃ©", "café");
    let path = dir.path().join("big.md");
    for delay_ms in [0u64, 20, 60, 150, 400] {
        std::fs::write(&path, &broken).unwrap();
        let before = std::fs::metadata(&path).unwrap().ino();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mdbook-polish"))
            .args(["fix"])
            .arg(&path)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(
            now == broken || now == fixed,
            "half-written file after a kill at {delay_ms} ms"
        );
        if now == fixed {
            assert_ne!(
                std::fs::metadata(&path).unwrap().ino(),
                before,
                "written in place, not renamed"
            );
        }
    }
    // Run to completion once: the result is the repaired text and no temporary file is left.
    // (A SIGKILL can leave a `.mdbook-polish-*.tmp` beside the file; never a torn original.)
    let temporaries = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".mdbook-polish-")
            })
            .collect()
    };
    for t in temporaries() {
        std::fs::remove_file(t).unwrap();
    }
    std::fs::write(&path, &broken).unwrap();
    polish().arg("fix").arg(&path).assert().success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed);
    assert!(temporaries().is_empty(), "{:?}", temporaries());
}

/// The false greens of a CI gate: a book found below the folder given, or above it, is checked
/// with its own settings; `SUMMARY.md` is not a chapter; Markdown outside the book is checked
/// with the defaults; nothing to check is an error.
mod no_false_green {
    use super::*;

    /// A repository whose book lives in `docs/` with a schema that requires keys, and a book
    /// chapter with four schema errors.
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join(".git")).unwrap();
        write(
            d,
            "docs/book.toml",
            "[book]\ntitle = \"Docs\"\n\n[preprocessor.polish]\nschema = \"team.schema.json\"\n",
        );
        write(
            d,
            "docs/team.schema.json",
            r#"{"type": "object", "required": ["summary", "owner"],
                "properties": {"summary": {"type": "string"}, "owner": {"type": "string"},
                               "level": {"enum": ["intro", "advanced"]}},
                "additionalProperties": false}"#,
        );
        write(
            d,
            "docs/src/SUMMARY.md",
            "# Summary\n\n- [Start](start.md)\n- [Guide](guide/deep.md)\n",
        );
        write(
            d,
            "docs/src/start.md",
            "---\nsummary: Where to begin.\nowner: docs-team\n---\n\n# Start\n",
        );
        // Four errors: a missing `owner`, `level` out of its enum, an unknown key, and a
        // summary that is a list.
        write(
            d,
            "docs/src/guide/deep.md",
            "---\nsummary: [not, text]\nlevel: expert\ncolour: blue\n---\n\n# Deep\n",
        );
        write(
            d,
            "README.md",
            "# The repository\n\nPlain text, no front matter.\n",
        );
        dir
    }

    fn json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
        let out = polish()
            .current_dir(dir)
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out.status.code().unwrap_or(-1), v)
    }

    fn codes_in(v: &serde_json::Value, file_suffix: &str) -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"].as_str().unwrap().ends_with(file_suffix))
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn check_at_the_repository_root_uses_the_books_schema() {
        let dir = repo();
        let (code, v) = json(dir.path(), &["."]);
        assert_eq!(code, 1, "{v}");
        let deep = codes_in(&v, "guide/deep.md");
        assert_eq!(deep.len(), 4, "{deep:?} in {v}");
        assert_eq!(v["summary"]["errors"], 4, "{v}");
        // start.md, guide/deep.md and the README outside the book; never SUMMARY.md.
        assert_eq!(v["files_checked"], 3, "{v}");
        assert!(codes_in(&v, "SUMMARY.md").is_empty());
    }

    #[test]
    fn check_inside_the_book_finds_the_book_above() {
        let dir = repo();
        for (cwd, arg) in [
            (".", "docs/src"),
            (".", "docs/src/guide"),
            ("docs/src", "."),
            (".", "docs/src/guide/deep.md"),
            (".", "docs/src/**/*.md"),
        ] {
            let (code, v) = json(&dir.path().join(cwd), &[arg]);
            assert_eq!(code, 1, "{cwd} {arg}: {v}");
            assert_eq!(codes_in(&v, "deep.md").len(), 4, "{cwd} {arg}: {v}");
        }
    }

    #[test]
    fn nothing_to_check_is_an_error_unless_allowed() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "empty/notes.txt", "not markdown");
        write(dir.path(), "toc/SUMMARY.md", "# Summary\n");
        for args in [
            vec!["check", "empty"],
            vec!["check", "toc"],
            vec!["fix", "empty"],
        ] {
            polish()
                .current_dir(dir.path())
                .args(&args)
                .assert()
                .code(2)
                .stderr(predicate::str::contains("nothing to check in `"))
                .stderr(predicate::str::contains("--allow-empty"));
        }
        polish()
            .current_dir(dir.path())
            .args(["check", "empty/**/*.md"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("matches no Markdown file"));
        polish()
            .current_dir(dir.path())
            .args(["check", "empty", "--allow-empty"])
            .assert()
            .success();
    }
}

/// `--output-file` writes the machine report and prints the human one: one CI run feeds both a
/// test report and the log. The JUnit failures follow `--deny`, like the exit code.
#[test]
fn output_file_writes_the_machine_report_and_prints_for_people() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "d/a.md",
        "---\nsummary: ok\nlocale: en_us\n---\n# A\n\nItâ€™s\n",
    );
    write(dir.path(), "d/b.md", GOOD);
    let out = polish()
        .current_dir(dir.path())
        .args([
            "check",
            "d",
            "--format",
            "junit",
            "--output-file",
            "report.xml",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("d/a.md:3:9"),
        "human report on stdout: {stdout}"
    );
    let xml = std::fs::read_to_string(dir.path().join("report.xml")).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<testsuites name=\"mdbook-polish check\" tests=\"3\" failures=\"1\""),
        "{xml}"
    );
    // With --deny warning the mojibake warning fails too, in the report as in the exit code.
    let out = polish()
        .current_dir(dir.path())
        .args(["check", "d", "--format", "junit", "--deny", "warning"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("failures=\"2\""));
    // GitLab Code Quality to a file; nothing but the report in it.
    polish()
        .current_dir(dir.path())
        .args([
            "check",
            "d",
            "--format",
            "gitlab",
            "--output-file",
            "gl.json",
        ])
        .assert()
        .code(1);
    let gl: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("gl.json")).unwrap())
            .unwrap();
    assert_eq!(gl.as_array().map(Vec::len), Some(2), "{gl}");
    // An unwritable report file is a clear error, exit 2.
    polish()
        .current_dir(dir.path())
        .args([
            "check",
            "d",
            "--format",
            "json",
            "--output-file",
            "no/such/dir/r.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "could not write the report to no/such/dir/r.json",
        ));
}

/// Jenkins' JUnit schema, from the `junit-report` crate's package (a dev-dependency, so Cargo
/// has fetched it): located with `cargo metadata`, never copied into this repository. Not
/// `--offline`: metadata wants every platform's packages, and a fresh machine's build
/// fetched only its own (it failed there with "failed to download `anstyle-wincon`").
fn jenkins_junit_xsd() -> std::path::PathBuf {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let manifest = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "junit-report")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("junit-report is a dev-dependency");
    Path::new(manifest)
        .with_file_name("tests")
        .join("JUnit.xsd")
}

/// The JUnit report validates against the schema Jenkins reads, with `xmllint` (libxml2-utils,
/// which scripts/test installs on Debian), on a tree with a clean file, findings of every
/// severity and text that XML must escape.
#[test]
fn junit_report_validates_against_jenkins_schema() {
    let xsd = jenkins_junit_xsd();
    assert!(xsd.is_file(), "{} is missing", xsd.display());
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "d/a <&> \"b\".md",
        "---\nsummary: ok\nlocale: en_us\ntilte: x\n---\n# A\n\nItâ€™s <b>&amp;</b>\n\n<!-- polish-disable-next-line PL303 -->\nplain\n",
    );
    write(dir.path(), "d/clean.md", GOOD);
    for deny in ["error", "note"] {
        let out = polish()
            .current_dir(dir.path())
            .args(["check", "d", "--format", "junit", "--deny", deny])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let report = dir.path().join("report.xml");
        std::fs::write(&report, &out.stdout).unwrap();
        let lint = std::process::Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&xsd)
            .arg(&report)
            .output()
            .unwrap_or_else(|e| {
                panic!("xmllint is needed (Debian: apt-get install libxml2-utils; scripts/test installs it): {e}")
            });
        assert!(
            lint.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&lint.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
