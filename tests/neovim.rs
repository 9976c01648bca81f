//! The language server in a real editor: headless Neovim, with its built-in LSP client and
//! the set-up the guide documents for its version (`tests/neovim/init.lua` for 0.7 to 0.10,
//! `init-0.11.lua` from 0.11; `book/src/editors.md` must quote both verbatim), starts the
//! debug binary under test from `PATH`, opens a chapter with front-matter mistakes and
//! mojibake, and `tests/neovim/session.lua` records what Neovim holds: diagnostics, a hover,
//! completions, code actions applied by Neovim, and an edit by hand synced incrementally.
//! The assertions are here, on that record, which is printed whole when one fails.
//!
//! A Rust test rather than a script, so that `cargo test --all-targets` runs it against the
//! binary it just built (`CARGO_BIN_EXE_*`). It needs `nvim` on `PATH` and fails, not skips,
//! without it: `scripts/test` installs Neovim before any test runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const POLISH: &str = env!("CARGO_BIN_EXE_mdbook-polish");
const HERE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/neovim");
const CHAPTER: &str = "src/rotate-keys.md";

/// `nvim` on PATH, or a failure that says how to get it.
fn nvim() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("nvim"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`nvim` is not on PATH, and this test needs Neovim 0.7 or newer: \
                 install it with `sudo apt-get install -y neovim` (scripts/test does)"
            )
        })
}

/// Neovim's version, (major, minor), from `nvim --version`'s first line (`NVIM v0.7.2`).
fn version(nvim: &Path) -> (u32, u32) {
    let out = Command::new(nvim).arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("NVIM v"))
        .unwrap_or_else(|| panic!("unexpected `nvim --version`: {text}"));
    let mut parts = v.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The set-up the guide gives for this version: `vim.lsp.config` from 0.11, else the one
/// for 0.7 and later (which 0.11 still runs, with a deprecation warning).
fn init_for(nvim: &Path) -> PathBuf {
    let name = if version(nvim) >= (0, 11) {
        "init-0.11.lua"
    } else {
        "init.lua"
    };
    Path::new(HERE).join(name)
}

/// A copy of the fixture book (tests/neovim/book) in a fresh folder.
fn book_copy(into: &Path) -> PathBuf {
    let book = into.join("book");
    for file in ["book.toml", "schema.json", "src/SUMMARY.md", CHAPTER] {
        let to = book.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(Path::new(HERE).join("book").join(file), &to).unwrap();
    }
    book
}

struct Session {
    /// What session.lua wrote, or Null when it wrote nothing.
    record: Value,
    output: Output,
}

impl Session {
    fn status_ok(&self) -> bool {
        self.output.status.success()
    }

    /// Everything there is to see when an assertion fails.
    fn seen(&self) -> String {
        format!(
            "Neovim exited with {}; what it recorded:\n{}\n--- its stdout:\n{}\n--- its stderr:\n{}",
            self.output.status,
            serde_json::to_string_pretty(&self.record).unwrap(),
            String::from_utf8_lossy(&self.output.stdout),
            String::from_utf8_lossy(&self.output.stderr),
        )
    }
}

/// Runs session.lua in headless Neovim on a copy of the fixture book, with `bin` first on
/// PATH (where `mdbook-polish` is looked up). `keep_path`: keep the rest of PATH after it.
fn run_session(dir: &Path, bin: &Path, keep_path: bool, timeout: Duration) -> Session {
    let nvim = nvim();
    let book = book_copy(dir);
    // Neovim's own files (its LSP log, shada) go here, not to the user's home.
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let result = dir.join("result.json");
    let mut paths = vec![bin.to_path_buf()];
    if keep_path {
        paths.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
    }
    let mut child = Command::new(&nvim)
        .args(["--headless", "-i", "NONE", "-n", "--noplugin", "-u"])
        .arg(init_for(&nvim))
        .arg("-c")
        .arg(format!(
            "luafile {}",
            Path::new(HERE).join("session.lua").display()
        ))
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("XDG_CONFIG_HOME", &home)
        .env("XDG_DATA_HOME", &home)
        .env("XDG_CACHE_HOME", &home)
        .env("XDG_STATE_HOME", &home)
        .env("POLISH_CHAPTER", book.join(CHAPTER))
        .env("POLISH_RESULT", &result)
        .env("POLISH_TIMEOUT_MS", timeout.as_millis().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", nvim.display()));
    // session.lua bounds each of its waits; this bounds Neovim itself (a Lua error outside
    // the session's guard would leave it running).
    let deadline = Instant::now() + timeout * 3 + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let record = std::fs::read_to_string(&result)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    Session { record, output }
}

fn codes(diags: &Value) -> Vec<&str> {
    diags
        .as_array()
        .unwrap_or_else(|| panic!("not a list of diagnostics: {diags}"))
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect()
}

/// Where Neovim put a diagnostic: 0-based line, byte column, end line, end byte column.
fn place(d: &Value) -> [u64; 4] {
    ["lnum", "col", "end_lnum", "end_col"].map(|k| d[k].as_u64().unwrap_or(u64::MAX))
}

fn check_session(r: &Value, fixed: &str) {
    assert_eq!(r["error"], Value::Null, "the session stopped");
    assert_eq!(r["filetype"], "markdown");
    // The name each set-up gives the server.
    let name = r["client"]["name"].as_str().unwrap();
    assert!(name == "mdbook-polish" || name == "mdbook_polish", "{name}");
    assert!(
        r["client"]["root"].as_str().unwrap().ends_with("/book"),
        "the book's folder is the workspace"
    );

    assert_eq!(
        r["omnifunc"], "v:lua.vim.lsp.omnifunc",
        "<C-x><C-o> asks the server"
    );

    // On open: the misspelt key, the value with a did-you-mean, the mojibake; each where
    // Neovim shows it (columns in bytes, converted by Neovim from the server's UTF-16).
    let open = &r["on_open"];
    assert_eq!(codes(open), ["PL203", "PL202", "PL401"]);
    let [key, value, moji] = [&open[0], &open[1], &open[2]];
    assert_eq!(place(key), [2, 0, 2, 5]);
    assert_eq!(key["severity"], "ERROR");
    assert_eq!(key["source"], "mdbook-polish");
    assert!(
        key["message"]
            .as_str()
            .unwrap()
            .starts_with("unknown key `onwer`\nhelp: did you mean `owner`?")
    );
    assert!(key["href"].as_str().unwrap().ends_with("/rules.html#PL203"));
    assert_eq!(place(value), [3, 8, 3, 16]);
    assert_eq!(value["severity"], "ERROR");
    let msg = value["message"].as_str().unwrap();
    assert!(
        msg.contains("`draft`, `in-review`, `published`")
            && msg.ends_with("did you mean `published`?"),
        "{msg}"
    );
    // After `The gateway — it doesn`: 22 UTF-16 units, 24 bytes (the dash is 3 bytes).
    assert_eq!(place(moji), [9, 24, 9, 32]);
    assert_eq!(moji["severity"], "WARN");
    assert!(
        moji["message"]
            .as_str()
            .unwrap()
            .starts_with("mojibake found: `doesnâ€™t` should read `doesn’t`")
    );

    // Hover on `status`: the schema's description and allowed values, over the key.
    let hover = r["hover"]["value"].as_str().unwrap();
    assert!(
        hover.contains("How far the page is from its readers.")
            && hover.contains("`draft`, `in-review`, `published`"),
        "{hover}"
    );
    assert_eq!(
        r["hover"]["range"],
        json!({"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 6}})
    );

    // Completion of the enum's value, and of the keys not used yet on a new line.
    assert_eq!(
        r["value_completion"],
        json!(["draft", "in-review", "published"])
    );
    assert_eq!(r["key_completion"], json!(["guid", "on_call"]));

    // The did-you-mean applied by Neovim: the key renamed, that diagnostic gone.
    assert_eq!(r["key_actions"][0], "Fix PL203: `onwer` → `owner`");
    assert_eq!(r["after_key_action"][2], "owner: platform");
    assert_eq!(codes(&r["after_key_fix"]), ["PL202", "PL401"]);
    // The value corrected by hand: its diagnostic goes, the mojibake stays where it was.
    assert_eq!(codes(&r["after_edit"]), ["PL401"]);
    assert_eq!(place(&r["after_edit"][0]), [9, 24, 9, 32]);
    // The mojibake repaired by its code action: nothing left.
    assert!(
        r["mojibake_actions"][0]
            .as_str()
            .unwrap()
            .starts_with("Repair the mojibake on line 10")
    );
    assert_eq!(r["at_end"], json!([]));

    // Neovim sent each edit as a range (incremental sync), never the whole text, and the
    // server answered every version: no stale diagnostics.
    let changes = r["did_change"].as_array().unwrap();
    assert!(changes.len() >= 4, "one didChange per edit at least");
    for c in changes {
        for change in c["contentChanges"].as_array().unwrap() {
            assert!(change["range"].is_object(), "a full-text change: {c}");
        }
    }
    let last = changes.last().unwrap()["textDocument"]["version"].clone();
    assert_eq!(
        r["publishes"].as_array().unwrap().last().unwrap()["version"],
        last
    );

    // The buffer is now what `mdbook-polish fix` makes of the file.
    let mut lines: Vec<&str> = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    lines.push("");
    assert_eq!(lines.join("\n"), fixed);
}

#[test]
fn a_writing_session_in_neovim() {
    let dir = tempfile::tempdir().unwrap();
    let bin = Path::new(POLISH).parent().unwrap();
    let s = run_session(dir.path(), bin, true, Duration::from_secs(60));

    // What `fix` makes of the same chapter, to compare the buffer with at the end.
    let other = tempfile::tempdir().unwrap();
    let book = book_copy(other.path());
    let fix = Command::new(POLISH)
        .arg("fix")
        .arg(book.join(CHAPTER))
        .output()
        .unwrap();
    assert!(fix.status.success(), "{fix:?}");
    let fixed = std::fs::read_to_string(book.join(CHAPTER)).unwrap();

    let checked = std::panic::catch_unwind(|| {
        assert!(s.status_ok(), "Neovim exited with an error");
        check_session(&s.record, &fixed);
    });
    if let Err(e) = checked {
        eprintln!("{}", s.seen());
        std::panic::resume_unwind(e);
    }
}

/// The harness itself: when the server is missing from PATH, or starts and dies at once,
/// the session fails with a reason, and the checks above could not pass on its record.
#[test]
fn without_a_working_server_the_session_fails() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("bin");
    std::fs::create_dir(&fake).unwrap();
    let missing = dir.path().join("missing");
    std::fs::create_dir(&missing).unwrap();
    let crashing = fake.join("mdbook-polish");
    std::fs::write(
        &crashing,
        "#!/bin/sh\necho 'fake server: giving up' >&2\nexit 3\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&crashing, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for (what, bin) in [("missing", &missing), ("crashing", &fake)] {
        let run = dir.path().join(what);
        std::fs::create_dir_all(&run).unwrap();
        // Only the fake folder on PATH: an installed mdbook-polish must not stand in.
        let s = run_session(&run, bin, false, Duration::from_secs(2));
        assert!(!s.status_ok(), "{what} server: {}", s.seen());
        let error = s.record["error"].as_str().unwrap_or_default().to_string();
        assert!(
            error.contains("no language client attached")
                || error.contains("the language server exited"),
            "{what} server: {}",
            s.seen()
        );
        let fixed = std::fs::read_to_string(book_copy(&run.join("again")).join(CHAPTER)).unwrap();
        assert!(
            std::panic::catch_unwind(|| check_session(&s.record, &fixed)).is_err(),
            "{what} server: the checks passed on {}",
            s.seen()
        );
    }
}

/// The guide's Neovim set-ups are the ones tested here, word for word.
#[test]
fn the_guide_quotes_the_tested_set_ups() {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/book/src/editors.md"))
            .unwrap();
    for file in ["init.lua", "init-0.11.lua"] {
        let init = std::fs::read_to_string(Path::new(HERE).join(file)).unwrap();
        assert!(
            guide.contains(&format!("```lua\n{init}```\n")),
            "book/src/editors.md must quote tests/neovim/{file} whole in a ```lua block"
        );
    }
}
