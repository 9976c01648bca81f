//! `schema --infer` as a user runs it, and the round trip the issue asks for: a schema
//! inferred from a tree accepts that tree (`check --schema` finds nothing), and still
//! catches what goes wrong next.

mod common;

use common::{polish, write};

use std::path::Path;

/// Chapter `i` of a generated tree: the fields vary the way a real team's do (comma lines and
/// lists, empty values, a key some pages have and others do not, a free tag per page).
fn chapter(i: usize) -> String {
    let versions = ["o11", "odc", "o11, odc"];
    let roles = ["Developer", "Architect", "Tech lead", "Platform operator"];
    let figma = [
        "figma:\n".to_string(),
        "figma: ''\n".to_string(),
        format!("figma: https://www.figma.com/design/Key{i}/Screens?node-id={i}-1\n"),
    ];
    let helpids = if i.is_multiple_of(2) {
        format!("helpids: {}\n", 30000 + i)
    } else {
        format!("helpids: {}, {}\n", 30000 + i, 40000 + i)
    };
    let mut s = format!(
        "---\nsummary: Page {i} explains one step of the setup, then what to check.\n\
         tags: setup, step {i}\nguid: {:08x}-1c2d-4e5f-8a9b-{:012x}\nlocale: {}\n\
         platform-version: {}\n{}audience:\n  - {}\n  - {}\n{helpids}",
        0x1000_0000 + i,
        i,
        if i.is_multiple_of(4) {
            "pt-br"
        } else {
            "en-us"
        },
        versions[i % 3],
        figma[i % 3],
        roles[i % 4],
        roles[(i + 1) % 4],
    );
    if i.is_multiple_of(5) {
        s.push_str("draft: true\n");
    }
    s.push_str(&format!(
        "---\n\n# Chapter {i}\n\nBody text of chapter {i}.\n"
    ));
    s
}

fn book(dir: &Path, exclusions: &str) {
    let mut summary = String::from("# Summary\n\n[Intro](intro.md)\n\n");
    for i in 0..30 {
        write(dir, &format!("src/part/ch{i:02}.md"), chapter(i));
        summary.push_str(&format!("- [Chapter {i}](part/ch{i:02}.md)\n"));
    }
    write(dir, "src/SUMMARY.md", summary);
    write(
        dir,
        "src/intro.md",
        "# Welcome\n\nNo front matter on purpose.\n",
    );
    // Not in SUMMARY.md: not a chapter, so neither read nor checked.
    write(dir, "src/orphan.md", "---\nsumary: stray\n---\n");
    write(
        dir,
        "book.toml",
        format!("[book]\ntitle = \"Inferred\"\n\n[preprocessor.polish]\n{exclusions}"),
    );
}

fn check_json(dir: &Path, schema: &str) -> (i32, serde_json::Value) {
    let out = polish()
        .current_dir(dir)
        .args(["check", ".", "--schema", schema, "--format", "json"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn inferred_schema_accepts_its_own_tree_and_catches_what_comes_next() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    book(d, "require-front-matter = [\"!intro.md\"]\n");
    let out = polish()
        .current_dir(d)
        .args(["schema", "--infer", ".", "--output", "inferred.json"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("inferred from 30 page(s) with front matter; 1 without"),
        "{stderr}"
    );
    assert!(
        stderr.contains("require-front-matter = [\"!intro.md\"]"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(d.join("inferred.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let p = &schema["properties"];
    assert_eq!(
        schema["required"],
        serde_json::json!([
            "audience",
            "figma",
            "guid",
            "helpids",
            "locale",
            "platform-version",
            "summary",
            "tags"
        ])
    );
    assert_eq!(
        p["audience"]["items"]["enum"],
        serde_json::json!(["Architect", "Developer", "Platform operator", "Tech lead"])
    );
    assert_eq!(p["locale"]["enum"], serde_json::json!(["en-us", "pt-br"]));
    assert!(
        p["platform-version"]["pattern"]
            .as_str()
            .unwrap()
            .contains("(o11|odc)")
    );
    assert!(p["guid"]["pattern"].as_str().unwrap().contains("{12}"));
    assert_eq!(p["draft"]["type"], "boolean");
    assert!(
        p["draft"]["$comment"]
            .as_str()
            .unwrap()
            .starts_with("seen in 6 of 30 pages")
    );
    // The same tree, checked with it: nothing.
    let (code, json) = check_json(d, "inferred.json");
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json:#}");
    assert_eq!(code, 0);

    // Without the exclusion, the page with no front matter is reported, once.
    write(d, "book.toml", "[book]\ntitle = \"Inferred\"\n");
    let (code, json) = check_json(d, "inferred.json");
    assert_eq!(code, 1);
    let diags = json["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{json:#}");
    assert_eq!(diags[0]["code"], "PL106");
    assert_eq!(diags[0]["file"], "src/intro.md");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("the schema requires `audience`"),
        "{json:#}"
    );

    // A new mistake: a stray item in a comma list, an unknown role, a key typo.
    book(d, "require-front-matter = [\"!intro.md\"]\n");
    let broken = chapter(3)
        .replace("platform-version: o11\n", "platform-version: o11, ocd\n")
        .replace("  - Developer\n", "  - Developers\n")
        .replace("summary:", "sumary:");
    write(d, "src/part/ch03.md", broken);
    let (code, json) = check_json(d, "inferred.json");
    assert_eq!(code, 1);
    let found: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "PL203".to_string(),
                "did you mean `summary`? (it is required)".to_string()
            ),
            (
                "PL205".to_string(),
                "`ocd` is not one of the allowed items; did you mean `odc`?".to_string()
            ),
            ("PL202".to_string(), "did you mean `Developer`?".to_string()),
        ],
        "{json:#}"
    );
}

#[test]
fn infer_is_deterministic_reads_folders_and_skips_summary() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in 0..8 {
        write(d, &format!("docs/{i}.md"), chapter(i));
    }
    write(d, "docs/SUMMARY.md", "# Summary\n\n- [A](0.md)\n");
    write(d, "docs/broken.md", "---\nsummary: a: b\n---\n");
    let run = || {
        polish()
            .current_dir(d)
            .args(["schema", "--infer", "docs"])
            .assert()
            .success()
            .get_output()
            .clone()
    };
    let first = run();
    assert_eq!(first.stdout, run().stdout);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(
        stderr.contains("inferred from 8 page(s) with front matter; 0 without, 1 left out"),
        "{stderr}"
    );
    let schema: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert!(
        schema["$comment"]
            .as_str()
            .unwrap()
            .contains("could not be read: docs/broken.md"),
        "{schema:#}"
    );
    // The folder minus the broken page passes the schema inferred from it.
    std::fs::remove_file(d.join("docs/broken.md")).unwrap();
    std::fs::write(d.join("s.json"), &first.stdout).unwrap();
    polish()
        .current_dir(d)
        .args(["check", "docs", "--schema", "s.json"])
        .assert()
        .success();
}

#[test]
fn schema_without_infer_prints_the_default_and_refuses_paths() {
    let out = polish().arg("schema").assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(v.get("required").is_none(), "{v}");
    polish()
        .args(["schema", "docs"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("only with `--infer`"));
}

/// Under a schema with required keys, an empty file and a page with no front matter are
/// errors; `SUMMARY.md` is not a chapter; a fence near miss is reported once, as itself.
#[test]
fn missing_front_matter_under_required_keys() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "req.json", r#"{"required": ["summary"]}"#);
    write(d, "docs/empty.md", "");
    write(d, "docs/plain.md", "# Just a page\n");
    write(d, "docs/SUMMARY.md", "# Summary\n\n- [P](plain.md)\n");
    write(d, "docs/ok.md", "---\nsummary: fine\n---\n# Ok\n");
    write(
        d,
        "docs/unclosed.md",
        "---\nsummary: x\n# Heading\n\nText.\n",
    );
    let out = polish()
        .current_dir(d)
        .args(["check", "docs", "--schema", "req.json", "--format", "json"])
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let got: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("docs/empty.md", "PL106"),
        ("docs/plain.md", "PL106"),
        ("docs/unclosed.md", "PL102"),
    ];
    assert_eq!(
        got,
        want.map(|(a, b)| (a.to_string(), b.to_string())),
        "{json:#}"
    );
    // The embedded schema requires nothing, so the same folder is clean but for the fence.
    let out = polish()
        .current_dir(d)
        .args(["check", "docs", "--format", "json"])
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 1, "{json:#}");
}
