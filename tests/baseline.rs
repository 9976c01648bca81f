//! Issue 18: `check --write-baseline` and `check --baseline` on the real binary, as a team
//! adopting mdbook-polish on an old book would run them.

mod common;

use common::{polish, write};

use std::path::Path;

use predicates::prelude::*;

/// A page whose `locale` breaks the schema (one error, PL206).
const OLD_PAGE: &str =
    "---\nsummary: An older page.\nlocale: en_us\n---\n\n# Older page\n\nIt works.\n";
/// A clean page.
const CLEAN_PAGE: &str =
    "---\nsummary: A tidy page.\nlocale: en-us\n---\n\n# Tidy page\n\nAll fine.\n";

/// A book with one finding in `src/old.md` and none in `src/tidy.md`.
fn book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "book.toml",
        "[book]\ntitle = \"Adoption\"\n\n[preprocessor.polish]\n",
    );
    write(
        dir.path(),
        "src/SUMMARY.md",
        "# Summary\n\n- [Old](old.md)\n- [Tidy](tidy.md)\n",
    );
    write(dir.path(), "src/old.md", OLD_PAGE);
    write(dir.path(), "src/tidy.md", CLEAN_PAGE);
    dir
}

/// Runs `check` in `cwd` with `args` and JSON output: exit code, report, stderr.
fn check_json(cwd: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = polish()
        .current_dir(cwd)
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (
        out.status.code().unwrap(),
        report,
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// (file, code, line) of every finding in a JSON report.
fn findings(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn write_baseline(cwd: &Path, args: &[&str], file: &str) {
    polish()
        .current_dir(cwd)
        .arg("check")
        .args(args)
        .args(["--write-baseline", file])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "wrote 1 baseline entry to {file}"
        )));
}

#[test]
fn a_baselined_book_passes_until_a_new_finding_appears() {
    let dir = book();
    let root = dir.path();
    let (code, report, _) = check_json(root, &["."]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        [("src/old.md".into(), "PL206".into(), 3)]
    );

    write_baseline(root, &["."], "polish-baseline.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("polish-baseline.json")).unwrap())
            .unwrap();
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["entries"][0]["file"], "src/old.md");
    assert_eq!(saved["entries"][0]["rule"], "PL206");
    assert_eq!(saved["entries"][0]["text"], "en_us");

    let (code, report, stderr) = check_json(root, &[".", "--baseline", "polish-baseline.json"]);
    assert_eq!(code, 0, "{report} {stderr}");
    assert!(findings(&report).is_empty(), "{report}");
    assert!(
        stderr.contains("1 known finding(s) not reported"),
        "{stderr}"
    );

    // Lines added above the finding, in the front matter and the body: still known.
    write(
        root,
        "src/old.md",
        "---\nsummary: An older page.\ntags:\n  - legacy\nlocale: en_us\n---\n\n# Older page\n\nIt works.\n",
    );
    let (code, report, stderr) = check_json(root, &[".", "--baseline", "polish-baseline.json"]);
    assert_eq!(code, 0, "{report} {stderr}");
    assert!(!stderr.contains("no longer found"), "{stderr}");

    // A new finding in another page fails the run, and only it is reported.
    write(
        root,
        "src/tidy.md",
        CLEAN_PAGE.replace("locale: en-us", "locale: en_gb"),
    );
    let (code, report, _) = check_json(root, &[".", "--baseline", "polish-baseline.json"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        [("src/tidy.md".into(), "PL206".into(), 3)]
    );
    assert_eq!(report["summary"]["errors"], 1);

    // Fixing the new finding makes the run green again.
    write(root, "src/tidy.md", CLEAN_PAGE);
    let (code, report, _) = check_json(root, &[".", "--baseline", "polish-baseline.json"]);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn a_fixed_finding_is_listed_as_stale_and_the_baseline_can_shrink() {
    let dir = book();
    let root = dir.path();
    write(
        root,
        "src/tidy.md",
        CLEAN_PAGE.replace("locale: en-us", "locale: en_gb"),
    );
    polish()
        .current_dir(root)
        .args(["check", ".", "--write-baseline", "polish-baseline.json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote 2 baseline entries"));

    write(root, "src/old.md", OLD_PAGE.replace("en_us", "en-us"));
    let (code, report, stderr) = check_json(root, &[".", "--baseline", "polish-baseline.json"]);
    assert_eq!(code, 0, "{report}");
    assert!(
        stderr.contains("baseline entry no longer found: src/old.md PL206 `en_us`"),
        "{stderr}"
    );
    assert!(!stderr.contains("src/tidy.md PL206"), "{stderr}");

    // Shrinking: the stale entry goes, the other stays, and a new finding is not accepted.
    write(root, "src/new.md", "---\nlocale: xx_yy\n---\n# New\n");
    write(
        root,
        "src/SUMMARY.md",
        "# Summary\n\n- [Old](old.md)\n- [Tidy](tidy.md)\n- [New](new.md)\n",
    );
    let (code, report, stderr) = check_json(
        root,
        &[
            ".",
            "--baseline",
            "polish-baseline.json",
            "--write-baseline",
            "polish-baseline.json",
        ],
    );
    assert_eq!(code, 1, "the new finding still fails the run: {report}");
    assert_eq!(
        findings(&report),
        [("src/new.md".into(), "PL206".into(), 2)]
    );
    assert!(stderr.contains("wrote 1 baseline entry"), "{stderr}");
    let saved = std::fs::read_to_string(root.join("polish-baseline.json")).unwrap();
    assert!(saved.contains("src/tidy.md"), "{saved}");
    assert!(!saved.contains("src/old.md"), "{saved}");
    assert!(!saved.contains("src/new.md"), "{saved}");
    // And the shrunk baseline has nothing stale left.
    let (_, _, stderr) = check_json(root, &[".", "--baseline", "polish-baseline.json"]);
    assert!(!stderr.contains("no longer found"), "{stderr}");
}

#[test]
fn keys_do_not_depend_on_the_folder_check_runs_from() {
    let dir = book();
    let root = dir.path();
    // Written from the book root, into a folder of its own: keys are relative to that folder.
    std::fs::create_dir(root.join("ci")).unwrap();
    write_baseline(root, &["."], "ci/baseline.json");
    let saved = std::fs::read_to_string(root.join("ci/baseline.json")).unwrap();
    assert!(saved.contains("\"file\": \"../src/old.md\""), "{saved}");

    // From `src`, from `ci`, and from outside the book (the displayed paths all differ).
    let outside = tempfile::tempdir().unwrap();
    let root_arg = root.to_str().unwrap().to_string();
    let baseline_abs = root.join("ci/baseline.json");
    let runs: [(&Path, Vec<&str>); 4] = [
        (
            &root.join("src"),
            vec!["..", "--baseline", "../ci/baseline.json"],
        ),
        (
            &root.join("src"),
            vec!["old.md", "--baseline", "../ci/baseline.json"],
        ),
        (&root.join("ci"), vec!["..", "--baseline", "baseline.json"]),
        (
            outside.path(),
            vec![&root_arg, "--baseline", baseline_abs.to_str().unwrap()],
        ),
    ];
    for (cwd, args) in runs {
        let (code, report, stderr) = check_json(cwd, &args);
        assert_eq!(code, 0, "{args:?} in {cwd:?}: {report} {stderr}");
        assert!(findings(&report).is_empty(), "{args:?}: {report}");
        assert!(!stderr.contains("no longer found"), "{args:?}: {stderr}");
    }

    // Written from elsewhere, the same baseline file has the same bytes.
    write_baseline(&root.join("src"), &[".."], "../ci/baseline.json");
    assert_eq!(
        std::fs::read_to_string(root.join("ci/baseline.json")).unwrap(),
        saved
    );
}

#[test]
fn every_format_reports_only_new_findings() {
    let dir = book();
    let root = dir.path();
    write_baseline(root, &["."], "b.json");
    write(root, "src/tidy.md", CLEAN_PAGE.replace("en-us", "en_gb"));
    let run = |format: &str| {
        polish()
            .current_dir(root)
            .args(["check", ".", "--baseline", "b.json", "--color", "never"])
            .args(["--format", format])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone()
    };
    let human = String::from_utf8(run("human")).unwrap();
    assert!(human.contains("src/tidy.md:3:9"), "{human}");
    assert!(!human.contains("src/old.md"), "{human}");
    let github = String::from_utf8(run("github")).unwrap();
    assert_eq!(github.lines().count(), 1, "{github}");
    assert!(
        github.starts_with("::error file=src/tidy.md,line=3"),
        "{github}"
    );
    let sarif: serde_json::Value = serde_json::from_slice(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif}");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/tidy.md"
    );
}

#[test]
fn writing_a_baseline_exits_zero_with_an_empty_report() {
    let dir = book();
    let out = polish()
        .current_dir(dir.path())
        .args([
            "check",
            ".",
            "--format",
            "sarif",
            "--write-baseline",
            "b.json",
        ])
        .assert()
        .success();
    let sarif: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert!(dir.path().join("b.json").is_file());
}

#[test]
fn a_missing_or_malformed_baseline_is_an_error() {
    let dir = book();
    polish()
        .current_dir(dir.path())
        .args(["check", ".", "--baseline", "none.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "baseline file none.json does not exist",
        ));
    write(
        dir.path(),
        "broken.json",
        "{\"version\": 1, \"entries\": [\n  {\"file\": 3}\n]}\n",
    );
    polish()
        .current_dir(dir.path())
        .args(["check", ".", "--baseline", "broken.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "broken.json is not a valid baseline file",
        ))
        .stderr(predicate::str::contains("line 2"));
    write(
        dir.path(),
        "future.json",
        "{\"version\": 9, \"entries\": []}\n",
    );
    polish()
        .current_dir(dir.path())
        .args(["check", ".", "--baseline", "future.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("version 9 is not supported"));
}

#[test]
fn help_documents_both_flags() {
    polish()
        .args(["check", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--baseline <FILE>"))
        .stdout(predicate::str::contains("--write-baseline <FILE>"));
}
