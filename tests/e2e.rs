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

fn mdbook() -> PathBuf {
    let candidate = std::env::var_os("MDBOOK")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("mdbook"));
    match Command::new(&candidate).arg("--version").output() {
        Ok(out) if String::from_utf8_lossy(&out.stdout).contains("v0.5") => candidate,
        Ok(out) => panic!(
            "`{}` is not mdBook 0.5: {}",
            candidate.display(),
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(e) => panic!(
            "the end-to-end tests need mdBook 0.5 on PATH (or MDBOOK=/path/to/mdbook): {e}. Run scripts/test, which installs it."
        ),
    }
}

fn write_book(root: &Path, extra: &str) {
    std::fs::create_dir_all(root.join("src")).unwrap();
    // The command is quoted for mdBook's shell-like splitting.
    let toml = format!(
        "[book]\ntitle = \"E2E\"\n\n[preprocessor.polish]\ncommand = \"'{POLISH}'\"\n{extra}\n[output.html]\nadditional-css = [\"polish.css\"]\n"
    );
    std::fs::write(root.join("book.toml"), toml).unwrap();
    std::fs::write(
        root.join("polish.css"),
        mdbook_polish::preprocessor::stylesheet(),
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
    let out = Command::new(mdbook())
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
    let out = Command::new(mdbook())
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
