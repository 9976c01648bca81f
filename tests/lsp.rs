//! The language server, driven over stdio as an editor drives it: the real binary, framed
//! JSON-RPC messages, and a client-side copy of the document that the server's edits are
//! applied to (with UTF-16 positions computed here, independently of the server's code).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

const POLISH: &str = env!("CARGO_BIN_EXE_mdbook-polish");

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    /// Notifications and server requests seen while waiting for something else.
    seen: Vec<Value>,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(POLISH)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            seen: Vec::new(),
        }
    }

    fn raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, v: Value) {
        self.raw(&v.to_string());
    }

    fn next(&mut self) -> Value {
        self.rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    /// Sends a request and returns its response, keeping whatever came before it.
    fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(json!(id))
    }

    fn response(&mut self, id: Value) -> Value {
        loop {
            let m = self.next();
            if m.get("method").is_none() && m["id"] == id {
                return m;
            }
            self.seen.push(m);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message with this method (from the ones already seen first).
    fn wait(&mut self, method: &str) -> Value {
        if let Some(i) = self.seen.iter().position(|m| m["method"] == method) {
            return self.seen.remove(i);
        }
        loop {
            let m = self.next();
            if m["method"] == method {
                return m;
            }
            self.seen.push(m);
        }
    }

    /// The next diagnostics published for a document version.
    fn diagnostics(&mut self, version: i64) -> Vec<Value> {
        loop {
            let m = self.wait("textDocument/publishDiagnostics");
            if m["params"]["version"] == version {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }
}

/// A byte offset from an LSP position, counted here in UTF-16 units (lines end at `\n`).
fn offset(text: &str, pos: &Value) -> usize {
    let (line, ch) = (
        pos["line"].as_u64().unwrap() as usize,
        pos["character"].as_u64().unwrap() as usize,
    );
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= ch || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies the edits of a WorkspaceEdit for `uri` to `text`, last first.
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (a, b, t) in edits {
        out.replace_range(a..b, &t);
    }
    out
}

fn pos(line: u64, character: u64) -> Value {
    json!({"line": line, "character": character})
}

fn range(a: (u64, u64), b: (u64, u64)) -> Value {
    json!({"start": pos(a.0, a.1), "end": pos(b.0, b.1)})
}

fn codes(diags: &[Value]) -> Vec<&str> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect()
}

fn find<'a>(diags: &'a [Value], code: &str) -> &'a Value {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diags:#?}"))
}

const SCHEMA: &str = r#"{
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "title": { "type": "string", "description": "The page title." },
    "audience": { "type": "array", "items": { "enum": ["architects", "developers"] } },
    "draft": { "type": "boolean", "description": "Left out of the published book." },
    "guid": { "type": "string", "format": "uuid" },
    "level": { "enum": ["intro", "advanced"] }
  }
}"#;

const CHAPTER: &str = "---\n\
title: 发布 🚀 notes\n\
audiance:\n\
\x20 - architects\n\
draft: yes\n\
---\n\
\n\
# Release notes\n\
\n\
😀 Letâ€™s see what changed.\n";

fn book() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"t\"\n\n[preprocessor.polish]\nschema = \"schema.json\"\n",
    )
    .unwrap();
    std::fs::write(root.join("schema.json"), SCHEMA).unwrap();
    std::fs::create_dir(root.join("src")).unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [Notes](notes.md)\n",
    )
    .unwrap();
    std::fs::write(root.join("src/notes.md"), CHAPTER).unwrap();
    dir
}

fn uri_of(p: &std::path::Path) -> String {
    format!("file://{}", p.to_str().unwrap())
}

fn initialize(c: &mut Client, root: &std::path::Path) -> Value {
    let r = c.request(
        1,
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
            "workspaceFolders": [{"uri": uri_of(root), "name": "book"}],
        }),
    );
    c.notify("initialized", json!({}));
    r
}

#[test]
fn a_writing_session_over_stdio() {
    let dir = book();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut c = Client::start();
    let init = initialize(&mut c, &root);
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental: {init}");
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["hoverProvider"], true);
    // The server asks to be told about configuration files; answer it as a client does.
    let reg = c.wait("client/registerCapability");
    let globs = reg["params"]["registrations"][0]["registerOptions"]["watchers"].to_string();
    assert!(
        globs.contains("**/book.toml") && globs.contains("**/polish.toml"),
        "{reg}"
    );
    c.send(json!({"jsonrpc": "2.0", "id": reg["id"], "result": null}));

    let path = root.join("src/notes.md");
    let uri = uri_of(&path);
    let mut text = CHAPTER.to_string();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diags = c.diagnostics(1);
    assert_eq!(codes(&diags), ["PL203", "PL201", "PL401"], "{diags:#?}");
    let unknown = find(&diags, "PL203");
    assert_eq!(unknown["range"], range((2, 0), (2, 8)));
    assert_eq!(unknown["severity"], 1);
    assert_eq!(unknown["source"], "mdbook-polish");
    assert!(
        unknown["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("rules.html#PL203")
    );
    assert!(unknown["message"].as_str().unwrap().contains("`audience`"));
    assert_eq!(find(&diags, "PL201")["range"], range((4, 7), (4, 10)));
    // After an emoji (2 UTF-16 units, 4 bytes), a space and `Let`: column 6, not byte 8.
    let moji = find(&diags, "PL401");
    assert_eq!(moji["range"]["start"], pos(9, 6), "{moji}");
    assert_eq!(moji["severity"], 2);

    // Incremental change: rename the key by hand; the unknown key is gone.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": range((2, 0), (2, 8)), "text": "audience"}]}),
    );
    text = text.replacen("audiance", "audience", 1);
    let diags = c.diagnostics(2);
    assert_eq!(codes(&diags), ["PL201", "PL401"], "{diags:#?}");

    // Hover on a key: the schema's description and type.
    let h = c.request(
        2,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(4, 2)}),
    );
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("Left out of the published book.") && md.contains("`boolean`"),
        "{md}"
    );
    assert_eq!(h["result"]["range"], range((4, 0), (4, 5)));

    // Completion of a value: the booleans; of a list item: the enum.
    let labels = |r: &Value| -> Vec<String> {
        r["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    let r = c.request(
        3,
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(4, 8)}),
    );
    assert_eq!(labels(&r), ["true", "false"]);
    let r = c.request(
        4,
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(3, 6)}),
    );
    assert_eq!(labels(&r), ["architects", "developers"]);

    // Type a new key's first letters: the unused keys are offered, with a text edit.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3},
               "contentChanges": [{"range": range((5, 0), (5, 0)), "text": "gu\n"}]}),
    );
    text = text.replacen("draft: yes\n", "draft: yes\ngu\n", 1);
    c.diagnostics(3);
    let r = c.request(
        5,
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(5, 2)}),
    );
    let mut got = labels(&r);
    got.sort();
    assert_eq!(got, ["guid", "level"], "used keys are not offered again");
    let item = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "guid")
        .unwrap();
    assert_eq!(item["textEdit"]["newText"], "guid: ");
    assert_eq!(item["textEdit"]["range"], range((5, 0), (5, 2)));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4},
               "contentChanges": [{"range": item["textEdit"]["range"], "text": "guid: "}]}),
    );
    text = text.replacen("\ngu\n", "\nguid: \n", 1);
    let at_v4 = c.diagnostics(4);
    let r = c.request(
        6,
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(5, 6)}),
    );
    let guid = labels(&r);
    assert_eq!(guid.len(), 1);
    assert!(
        guid[0].len() == 36 && guid[0].as_bytes()[14] == b'4',
        "{guid:?}"
    );

    // Code actions on the boolean's line: fix's edit, applied here, then sent as a change.
    let diags_now = vec![find(&at_v4, "PL201").clone()];
    let r = c.request(
        7,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range((4, 7), (4, 7)),
               "context": {"diagnostics": diags_now}}),
    );
    let actions = r["result"].as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Fix PL201"))
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["diagnostics"][0]["code"], "PL201");
    let fixed = apply(&text, &fix["edit"], &uri);
    assert!(fixed.contains("\ndraft: true\n"), "{fixed}");
    let sup = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress PL201"))
        .unwrap();
    let suppressed = apply(&text, &sup["edit"], &uri);
    assert!(
        suppressed.contains("\n# polish-disable-next-line PL201\ndraft: yes\n"),
        "{suppressed}"
    );

    // The mojibake line: the repair fix makes.
    let r = c.request(
        8,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range((10, 3), (10, 3)),
               "context": {"diagnostics": []}}),
    );
    let repair = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Repair"))
        .unwrap_or_else(|| panic!("{r:#}"));
    let repaired = apply(&fixed, &repair["edit"], &uri);
    let repaired = repaired.replacen("guid: \n", &format!("guid: {}\n", guid[0]), 1);
    assert!(
        repaired.ends_with("\n😀 Let’s see what changed.\n"),
        "{repaired}"
    );

    // Send the fixed text as one full change: nothing left to report.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": repaired}]}),
    );
    assert_eq!(c.diagnostics(5), Vec::<Value>::new());

    // A schema change on disk, announced by the client: the open file is checked again.
    std::fs::write(
        root.join("schema.json"),
        SCHEMA.replacen(
            "\"type\": \"object\",",
            "\"type\": \"object\", \"required\": [\"level\"],",
            1,
        ),
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri_of(&root.join("schema.json")), "type": 2}]}),
    );
    let diags = c.diagnostics(5);
    assert_eq!(codes(&diags), ["PL204"], "{diags:#?}");

    // A malformed message and an unknown method: errors, and the server goes on.
    c.raw("{not json");
    let e = c.response(Value::Null);
    assert_eq!(e["error"]["code"], -32700, "{e}");
    let e = c.request(9, "mdbook/nothing", json!({}));
    assert_eq!(e["error"]["code"], -32601, "{e}");
    let e = c.request(10, "textDocument/hover", json!({"nonsense": true}));
    assert_eq!(e["error"]["code"], -32602, "{e}");
    c.notify("$/unknownNotification", json!({"x": 1}));
    let h = c.request(
        11,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(1, 1)}),
    );
    assert!(
        h["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("The page title.")
    );

    let r = c.request(12, "shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    assert!(r.get("error").is_none());
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let dir = book();
    let mut c = Client::start();
    initialize(&mut c, dir.path());
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
}

#[test]
fn requests_before_initialize_are_refused_and_garbage_headers_survived() {
    let mut c = Client::start();
    let r = c.request(1, "textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    // A header line that is no header, then a good frame.
    write!(c.stdin, "Nonsense\r\n\r\n").unwrap();
    c.stdin.flush().unwrap();
    let e = c.response(Value::Null);
    assert_eq!(e["error"]["code"], -32600, "{e}");
    let dir = book();
    let init = initialize(&mut c, dir.path());
    assert!(init["result"]["capabilities"].is_object());
    let r = c.request(2, "shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_guid_shared_with_another_chapter_is_found_off_the_loop() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let g = "0f8fad5b-d9cb-469f-a165-70867728950e";
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"t\"\n").unwrap();
    std::fs::create_dir(root.join("src")).unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [A](a.md)\n- [B](b.md)\n",
    )
    .unwrap();
    let a = format!("---\ntitle: 雪 🚀\nguid: {g}\n---\n\n# A\n");
    let b = format!("---\ntitle: B\n\nguid: {}\n---\n\n# B\n", g.to_uppercase());
    std::fs::write(root.join("src/a.md"), &a).unwrap();
    std::fs::write(root.join("src/b.md"), &b).unwrap();

    let mut c = Client::start();
    initialize(&mut c, &root);
    let uri = uri_of(&root.join("src/a.md"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": a}}),
    );
    // Published at once without the book-wide rule, then again when the scan is back.
    let first = c.diagnostics(1);
    assert_eq!(codes(&first), Vec::<&str>::new());
    let second = c.diagnostics(1);
    assert_eq!(codes(&second), ["PL210"], "{second:#?}");
    let d = &second[0];
    assert_eq!(d["range"], range((2, 6), (2, 42)));
    let rel = &d["relatedInformation"][0]["location"];
    assert_eq!(rel["uri"], uri_of(&root.join("src/b.md")));
    assert_eq!(rel["range"], range((3, 6), (3, 42)));

    // The writer gives this chapter a new guid: the finding goes at once.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": range((2, 6), (2, 14)), "text": "1f8fad5b"}]}),
    );
    assert_eq!(codes(&c.diagnostics(2)), Vec::<&str>::new());
    let r = c.request(2, "shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}

impl Client {
    /// Waits for the answer to a harmless request: the server answers in order, so every
    /// publication caused by the messages sent before it has arrived by then.
    fn sync(&mut self, id: i64) {
        let r = self.request(id, "shutdown-is-not-this", Value::Null);
        assert_eq!(r["error"]["code"], -32601, "{r}");
    }

    /// The last diagnostics published for `uri` among the messages seen so far (which are
    /// dropped), or `None` when it was not published.
    fn last_published(&mut self, uri: &str) -> Option<Vec<Value>> {
        let mut last = None;
        self.seen.retain(|m| {
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                last = Some(m["params"]["diagnostics"].as_array().unwrap().clone());
                false
            } else {
                true
            }
        });
        last
    }
}

/// Issue 20: a guid shared by two open chapters is reported in both; when one of them gets a
/// new guid, the other's finding goes too, without a save or a scan.
#[test]
fn two_open_chapters_sharing_a_guid_clear_together() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let g = "6c1e0a52-3d4f-4b8e-9a71-2f5d8c0b9e13";
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"t\"\n").unwrap();
    std::fs::create_dir(root.join("src")).unwrap();
    std::fs::write(
        root.join("src/SUMMARY.md"),
        "# Summary\n\n- [A](a.md)\n- [B](b.md)\n- [C](c.md)\n",
    )
    .unwrap();
    // On disk, only `a.md` has the guid; `b.md` gets it in the editor, unsaved.
    let a = format!("---\ntitle: Ä 🚀\nguid: {g}\n---\n\n# A\n");
    let b_disk = "---\ntitle: B\n---\n\n# B\n".to_string();
    let b = format!("---\ntitle: B\nguid: {g}\n---\n\n# B\n");
    let c_text = "---\ntitle: C\nguid: 11111111-2222-4333-8444-555555555555\n---\n\n# C\n";
    std::fs::write(root.join("src/a.md"), &a).unwrap();
    std::fs::write(root.join("src/b.md"), &b_disk).unwrap();
    std::fs::write(root.join("src/c.md"), c_text).unwrap();
    let (ua, ub, uc) = (
        uri_of(&root.join("src/a.md")),
        uri_of(&root.join("src/b.md")),
        uri_of(&root.join("src/c.md")),
    );

    let mut c = Client::start();
    initialize(&mut c, &root);
    let open = |c: &mut Client, uri: &str, text: &str| {
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    };
    // A unrelated chapter, open throughout: never published again by the others' changes.
    open(&mut c, &uc, c_text);
    open(&mut c, &ua, &a);
    // `a.md` alone (the disk has no other use): clean, before and after the scan.
    assert_eq!(codes(&c.diagnostics(1)), Vec::<&str>::new());
    c.sync(100);
    c.seen.clear();

    // `b.md` opens with the guid in its unsaved text: both chapters report it.
    open(&mut c, &ub, &b);
    // The scan may still be running; once it is back, both are published with the rule.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let (mut got_a, mut got_b) = (None, None);
    while got_a.is_none() || got_b.is_none() {
        assert!(std::time::Instant::now() < deadline, "{:#?}", c.seen);
        c.sync(101);
        if let Some(d) = c.last_published(&ua) {
            got_a = Some(d);
        }
        if let Some(d) = c.last_published(&ub) {
            got_b = Some(d);
        }
        if got_b.as_ref().is_some_and(|d| d.is_empty()) {
            // Published before the scan was back: wait for the next one.
            got_b = None;
        }
        if got_a.as_ref().is_some_and(|d| d.is_empty()) {
            got_a = None;
        }
    }
    let (da, db) = (got_a.unwrap(), got_b.unwrap());
    assert_eq!(codes(&da), ["PL210"], "{da:#?}");
    assert_eq!(codes(&db), ["PL210"], "{db:#?}");
    assert_eq!(da[0]["range"], range((2, 6), (2, 42)));
    // Each names the other, at the place in the editor's text.
    assert_eq!(da[0]["relatedInformation"][0]["location"]["uri"], ub);
    assert_eq!(db[0]["relatedInformation"][0]["location"]["uri"], ua);
    assert_eq!(
        db[0]["relatedInformation"][0]["location"]["range"],
        range((2, 6), (2, 42))
    );

    // A new guid in `b.md`, typed, not saved: both findings go at once.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ub, "version": 2},
               "contentChanges": [{"range": range((2, 6), (2, 14)), "text": "7d2f1b63"}]}),
    );
    c.sync(102);
    assert_eq!(c.last_published(&ub), Some(Vec::new()));
    assert_eq!(
        c.last_published(&ua),
        Some(Vec::new()),
        "a.md is published again"
    );
    assert_eq!(c.last_published(&uc), None, "c.md is not concerned");

    // Typed back: both report it again.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ub, "version": 3},
               "contentChanges": [{"range": range((2, 6), (2, 14)), "text": "6c1e0a52"}]}),
    );
    c.sync(103);
    assert_eq!(codes(&c.last_published(&ub).unwrap()), ["PL210"]);
    assert_eq!(codes(&c.last_published(&ua).unwrap()), ["PL210"]);

    // `b.md` is closed unsaved: the disk's copy has no guid, so `a.md` is clean again.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": ub}}),
    );
    c.sync(104);
    assert_eq!(c.last_published(&ub), Some(Vec::new()));
    assert_eq!(c.last_published(&ua), Some(Vec::new()));

    let r = c.request(105, "shutdown", Value::Null);
    assert_eq!(r["result"], Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Issue 20: a diagnostic's `codeDescription` link lands on its rule. The guide is built as
/// `scripts/build-guide` builds it (the real mdbook running the real binary), every rule of
/// the catalogue must have exactly one element with its id in `rules.html`, and the link the
/// server publishes, with `guideUrl` pointing at the built guide, names an existing file and
/// one of those ids.
#[test]
fn rule_links_land_on_their_rule_in_the_built_guide() {
    let dir = tempfile::tempdir().unwrap();
    let guide = dir.path().join("guide");
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&manifest.join("book/src"), &guide.join("src"));
    std::fs::copy(manifest.join("book/book.toml"), guide.join("book.toml")).unwrap();
    let bin_dir = std::path::Path::new(POLISH).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let install = Command::new(POLISH)
        .args(["install"])
        .arg(&guide)
        .output()
        .unwrap();
    assert!(install.status.success(), "{install:?}");
    let out = dir.path().join("html");
    let build = Command::new(common::mdbook())
        .arg("build")
        .arg(&guide)
        .arg("-d")
        .arg(&out)
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let html = std::fs::read_to_string(out.join("rules.html")).unwrap();
    for r in mdbook_polish::rules::RULES {
        let id = format!("id=\"{}\"", r.code);
        assert_eq!(html.matches(&id).count(), 1, "{} in rules.html", r.code);
    }

    // The server's link, with the guide's address given by the client.
    let guide_url = format!("file://{}/", std::fs::canonicalize(&out).unwrap().display());
    let mut c = Client::start();
    c.request(
        1,
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {},
               "initializationOptions": {"guideUrl": guide_url.trim_end_matches('/')}}),
    );
    c.notify("initialized", json!({}));
    let uri = uri_of(&dir.path().join("loose.md"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
               "text": "---\ntilte: x\n---\n\n# Loose\n"}}),
    );
    let diags = c.diagnostics(1);
    let href = diags[0]["codeDescription"]["href"].as_str().unwrap();
    let (file, fragment) = href
        .strip_prefix("file://")
        .and_then(|h| h.split_once('#'))
        .unwrap_or_else(|| panic!("{href}"));
    assert_eq!(fragment, diags[0]["code"].as_str().unwrap());
    let page = std::fs::read_to_string(file).unwrap();
    assert!(page.contains(&format!("id=\"{fragment}\"")), "{href}");
    c.request(2, "shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}

/// A team schema with an object property behind a `$ref`, a nested enum and a list of
/// mappings.
const NESTED_SCHEMA: &str = r##"{
  "type": "object",
  "$defs": {
    "design": {
      "type": "object",
      "description": "The design behind the page.",
      "properties": {
        "url": { "type": "string", "description": "Link to the design file." },
        "stage": { "enum": ["sketch", "final"], "description": "How far the design is." }
      }
    }
  },
  "properties": {
    "title": { "type": "string" },
    "figma": { "$ref": "#/$defs/design" },
    "links": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": { "href": { "type": "string" }, "kind": { "enum": ["video", "sample"] } }
      }
    }
  }
}"##;

/// Issue 20: hover and completion inside nested mappings, through the real binary.
#[test]
fn nested_mappings_get_their_sub_schema_over_stdio() {
    let dir = book();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(root.join("schema.json"), NESTED_SCHEMA).unwrap();
    let text = "---\ntitle: 雪 🚀\nfigma:\n  url: https://example.com/d\n  stage: \nlinks:\n  - href: a\n    \n---\n\n# N\n";
    let uri = uri_of(&root.join("src/notes.md"));
    let mut c = Client::start();
    initialize(&mut c, &root);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    c.diagnostics(1);
    let labels = |r: &Value| -> Vec<String> {
        r["result"]
            .as_array()
            .unwrap_or_else(|| panic!("{r}"))
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    // The nested enum's values at `  stage: |`.
    let r = c.request(
        2,
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(4, 9)}),
    );
    assert_eq!(labels(&r), ["sketch", "final"]);
    // The item mapping's unused key at the indented empty line below `- href: a`.
    let r = c.request(
        3,
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": pos(7, 4)}),
    );
    assert_eq!(labels(&r), ["kind"]);
    assert_eq!(r["result"][0]["textEdit"]["newText"], "kind: ");
    assert_eq!(r["result"][0]["textEdit"]["range"], range((7, 4), (7, 4)));
    // Hover on the nested key: its own description, not the top level's.
    let h = c.request(
        4,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(3, 3)}),
    );
    let md = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(md.contains("Link to the design file."), "{md}");
    assert_eq!(h["result"]["range"], range((3, 2), (3, 5)));
    c.request(5, "shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}

/// Issue 20: "add missing required keys with placeholders", through the real binary: the
/// keys go at the end of the block (an empty value for the writer to fill, which is then
/// reported on its own line; a fresh UUID for the guid), and a chapter with no front matter
/// gets one.
#[test]
fn missing_required_keys_are_added_with_placeholders() {
    let dir = book();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(
        root.join("schema.json"),
        SCHEMA.replacen(
            "\"type\": \"object\",",
            "\"type\": \"object\", \"required\": [\"title\", \"level\", \"guid\"],",
            1,
        ),
    )
    .unwrap();
    let mut c = Client::start();
    initialize(&mut c, &root);
    let uri = uri_of(&root.join("src/notes.md"));
    let text = "---\r\ntitle: 雪 🚀 notes\r\ndraft: false\r\n---\r\n\r\n# Notes\r\n".to_string();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diags = c.diagnostics(1);
    assert_eq!(codes(&diags), ["PL204"], "{diags:#?}");
    // Anywhere in the front matter (here: the value of `draft`).
    let r = c.request(
        2,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range((2, 8), (2, 8)),
               "context": {"diagnostics": diags}}),
    );
    let action = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Add the missing"))
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(
        action["title"],
        "Add the missing required keys `level`, `guid` (to fill in)"
    );
    assert_eq!(action["diagnostics"][0]["code"], "PL204");
    let added = apply(&text, &action["edit"], &uri);
    let guid = added
        .split("guid: ")
        .nth(1)
        .and_then(|g| g.split("\r\n").next())
        .unwrap()
        .to_string();
    assert!(guid.len() == 36 && guid.as_bytes()[14] == b'4', "{added}");
    assert_eq!(
        added,
        format!(
            "---\r\ntitle: 雪 🚀 notes\r\ndraft: false\r\nlevel:\r\nguid: {guid}\r\n---\r\n\r\n# Notes\r\n"
        )
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": added}]}),
    );
    // The key is there; its empty value is reported where the writer fills it in.
    let diags = c.diagnostics(2);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], 3, "{diags:#?}");
    assert_ne!(diags[0]["code"], "PL204");
    // No action is offered again.
    let r = c.request(
        3,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range((1, 0), (1, 0)),
               "context": {"diagnostics": []}}),
    );
    assert!(
        r["result"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| !a["title"].as_str().unwrap().starts_with("Add")),
        "{r:#}"
    );

    // A chapter with no front matter, where the schema requires keys: one is created.
    let bare_uri = uri_of(&root.join("src/bare.md"));
    let bare = "# Bare\n\nText.\n";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": bare_uri, "languageId": "markdown", "version": 1, "text": bare}}),
    );
    let d = loop {
        let m = c.wait("textDocument/publishDiagnostics");
        if m["params"]["uri"] == bare_uri {
            break m["params"]["diagnostics"].as_array().unwrap().clone();
        }
    };
    assert_eq!(codes(&d), ["PL106"], "{d:#?}");
    let r = c.request(
        4,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": bare_uri}, "range": range((0, 2), (0, 2)),
               "context": {"diagnostics": d}}),
    );
    let create = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Add front matter"))
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(create["diagnostics"][0]["code"], "PL106");
    let made = apply(bare, &create["edit"], &bare_uri);
    assert!(
        made.starts_with("---\ntitle:\nlevel:\nguid: ")
            && made.ends_with("\n---\n\n# Bare\n\nText.\n"),
        "{made}"
    );
    c.request(5, "shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(0));
}
