//! `mdbook-polish lsp`: a language server for docs, over stdio.
//!
//! It puts `check`'s findings where the writer types: diagnostics for each open Markdown file
//! (the same settings and pipeline run as `check` of that file, on the editor's text), hover
//! and completion inside front matter from the schema in force, and code actions that make
//! `fix`'s edits or suppress a finding. The protocol types are `lsp-types`'; the messages and
//! their framing `lsp-server`'s, read by our own loop so that a malformed message is answered
//! with an error instead of ending the server (`lsp-server`'s reader stops at the first one).
//!
//! Owns: the transport ([`read_frame`]), the request loop and its state ([`Server`]). The
//! parts: [`position`] (UTF-16), [`document`] (text sync), [`diagnostics`], [`frontmatter`]
//! (hover, completion), [`actions`] (with [`required`]), [`guids`] (the shared-guid rule, from a book scan on
//! another thread).
//!
//! The loop is synchronous: one chapter's check costs about what `check` of that file does
//! (`benches/lsp.rs`), well under a keystroke's interval, so nothing is queued behind it. Only
//! a book scan runs elsewhere; its result comes back through the loop's channel ([`Event`]).

pub mod actions;
pub mod diagnostics;
pub mod document;
pub mod frontmatter;
pub mod guids;
pub mod position;
pub mod required;

use std::collections::HashMap;
use std::io::{BufRead, Read as _, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::sync::Arc;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, Hover,
    HoverContents, HoverProviderCapability, InitializeParams, InitializeResult, MarkupContent,
    MarkupKind, PositionEncodingKind, PublishDiagnosticsParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};
use serde_json::Value as Json;

use self::diagnostics::{DEFAULT_GUIDE_URL, Scope};
use self::document::Document;
use self::position::LineMap;

/// Largest message body accepted (a whole chapter is far smaller); a larger one is skipped.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// What the request loop waits for.
#[derive(Debug)]
pub enum Event {
    /// A frame from the client.
    Frame(Frame),
    /// A book's chapters and their guids, from a scan off the loop.
    Scan(PathBuf, guids::Book),
    /// The client's input ended (or could not be read).
    End(Option<std::io::Error>),
}

/// One framed message as read from the client.
#[derive(Debug)]
pub enum Frame {
    /// A well-formed message.
    Message(Message),
    /// A frame that is not one: what is wrong, and the request id if one could be read.
    Malformed(String, Option<Json>),
}

/// Reads one `Content-Length`-framed message. `Ok(None)` at the end of the input. A frame
/// with a bad header or a body that is not a JSON-RPC message is `Frame::Malformed` (its
/// bytes are consumed, so the next frame can be read); only an I/O error is `Err`.
pub fn read_frame(r: &mut impl BufRead) -> std::io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut bad_header: Option<String> = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are skipped.
            continue;
        }
        saw_header = true;
        match l.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length `{}`", value.trim())),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("malformed header line `{l}`")),
        }
    }
    let Some(length) = length else {
        return Ok(Some(Frame::Malformed(
            bad_header.unwrap_or_else(|| "no Content-Length header".into()),
            None,
        )));
    };
    if length > MAX_BODY {
        std::io::copy(&mut r.by_ref().take(length as u64), &mut std::io::sink())?;
        return Ok(Some(Frame::Malformed(
            format!("a message of {length} bytes is too large"),
            None,
        )));
    }
    let mut body = vec![0u8; length];
    if let Err(e) = r.read_exact(&mut body) {
        return match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Ok(None),
            _ => Err(e),
        };
    }
    let Ok(text) = String::from_utf8(body) else {
        return Ok(Some(Frame::Malformed("the body is not UTF-8".into(), None)));
    };
    let value: Json = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Ok(Some(Frame::Malformed(format!("invalid JSON: {e}"), None))),
    };
    let id = value.get("id").cloned();
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Ok(Some(Frame::Message(m))),
        Err(e) => Ok(Some(Frame::Malformed(
            format!("not a JSON-RPC message: {e}"),
            id,
        ))),
    }
}

/// Whether a change to the file at `path` can change what open documents are checked with.
fn is_config_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name == "book.toml" || crate::workspace::CONFIG_FILES.contains(&name) || name.ends_with(".json")
}

/// Whether the server checks this document: Markdown, by language or by name.
fn is_markdown(uri: &Uri, language: &str) -> bool {
    language == "markdown"
        || [".md", ".markdown"]
            .iter()
            .any(|x| uri.as_str().to_ascii_lowercase().ends_with(x))
}

/// The local path of a `file:` URI.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file:///home/x` (empty authority) or `file://localhost/home/x`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    #[cfg(windows)]
    {
        // `/C:/docs/a.md` → `C:/docs/a.md`.
        let d = decoded.strip_prefix('/').unwrap_or(&decoded);
        Some(PathBuf::from(d))
    }
    #[cfg(not(windows))]
    Some(PathBuf::from(decoded.into_owned()))
}

/// The server's state between messages.
pub struct Server<W: Write> {
    out: W,
    docs: HashMap<String, (Uri, Document)>,
    /// Each file's settings, resolved once; dropped when a configuration file changes.
    scopes: HashMap<PathBuf, Arc<Scope>>,
    /// Settings for documents with no local path (`untitled:`).
    defaults: Option<Arc<Scope>>,
    folders: Vec<PathBuf>,
    guide_url: String,
    initialized: bool,
    shutdown: bool,
    watch_dynamic: bool,
    next_id: i32,
    /// Where finished book scans are sent (none: no book-wide rule).
    events: Option<std::sync::mpsc::Sender<Event>>,
    /// Each book's chapters and guids: `None` while its scan runs.
    scans: HashMap<PathBuf, Option<guids::Book>>,
    /// The documents last published with a shared guid (they are published again when a
    /// scan says otherwise).
    shared_guid: std::collections::HashSet<String>,
    /// The guid each open chapter of a book had when it was last published: when it
    /// changes, the other open chapters that shared (or now share) it are published again.
    open_guid: HashMap<String, Option<String>>,
}

impl<W: Write> Server<W> {
    /// A server that writes its messages to `out`.
    pub fn new(out: W) -> Self {
        Server {
            out,
            docs: HashMap::new(),
            scopes: HashMap::new(),
            defaults: None,
            folders: Vec::new(),
            guide_url: DEFAULT_GUIDE_URL.to_string(),
            initialized: false,
            shutdown: false,
            watch_dynamic: false,
            next_id: 0,
            events: None,
            scans: HashMap::new(),
            shared_guid: std::collections::HashSet::new(),
            open_guid: HashMap::new(),
        }
    }

    /// Lets the server scan books on other threads and hear back through `events`.
    #[must_use]
    pub fn with_events(mut self, events: std::sync::mpsc::Sender<Event>) -> Self {
        self.events = Some(events);
        self
    }

    /// A book's scan is back: the documents of that book whose shared-guid finding changed
    /// are published again.
    pub fn scanned(&mut self, root: PathBuf, found: guids::Book) {
        self.scans.insert(root.clone(), Some(found));
        let keys: Vec<String> = self.docs.keys().cloned().collect();
        for k in keys {
            let Some((uri, doc)) = self.docs.get(&k) else {
                continue;
            };
            let in_book = uri_to_path(uri)
                .and_then(|p| self.scopes.get(&p))
                .is_some_and(|s| s.book_root.as_ref() == Some(&root));
            if !in_book {
                continue;
            }
            let now = self.shared(uri, &doc.text).is_some();
            if now || self.shared_guid.contains(&k) {
                self.publish(&k);
            }
        }
    }

    /// The canonical path of each open document with its text (for the book-wide rule).
    fn open_guids(&self, limits: &crate::frontmatter::Limits) -> Vec<guids::Guid> {
        self.docs
            .values()
            .filter_map(|(uri, doc)| {
                let path = uri_to_path(uri)?;
                let path = std::fs::canonicalize(&path).unwrap_or(path);
                let (value, range, _) = guids::guid_of(&doc.text, limits)?;
                Some(guids::Guid { path, value, range })
            })
            .collect()
    }

    /// The shared-guid finding of the open document `uri` holding `text`, when its book's scan is back.
    fn shared(
        &self,
        uri: &Uri,
        text: &str,
    ) -> Option<(
        crate::diagnostic::Diagnostic,
        Vec<lsp_types::DiagnosticRelatedInformation>,
    )> {
        let path = uri_to_path(uri)?;
        let scope = self.scopes.get(&path)?;
        let root = scope.book_root.as_ref()?;
        let scanned = self.scans.get(root)?.as_ref()?;
        let limits = scope.settings.limits;
        let open = self.open_guids(&limits);
        // The chapters on disk, each replaced by its editor text when it is open.
        let mut others: Vec<guids::Guid> = scanned
            .guids
            .iter()
            .filter(|g| !open.iter().any(|o| o.path == g.path))
            .cloned()
            .collect();
        others.extend(
            open.into_iter()
                .filter(|o| scanned.chapters.contains(&o.path)),
        );
        let me = std::fs::canonicalize(&path).unwrap_or(path);
        guids::duplicate(&me, text, &limits, &others)
    }

    /// Starts the scan of the book at `root` unless one is running or done.
    fn scan_book(&mut self, root: &Path) {
        let Some(events) = &self.events else {
            return;
        };
        if self.scans.contains_key(root) {
            return;
        }
        self.scans.insert(root.to_path_buf(), None);
        let events = events.clone();
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            let found = guids::scan(&root);
            let _ = events.send(Event::Scan(root, found));
        });
    }

    fn send(&mut self, m: Message) {
        // A client that closed its end gets nothing more; the read loop then ends too.
        let _ = m.write(&mut self.out);
    }

    fn send_raw_error(&mut self, id: Option<Json>, code: ErrorCode, message: &str) {
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "id": id.unwrap_or(Json::Null),
            "error": { "code": code as i32, "message": message },
        })
        .to_string();
        let _ = write!(self.out, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = self.out.flush();
    }

    fn reply_err(&mut self, id: RequestId, code: ErrorCode, message: impl Into<String>) {
        self.send(Message::Response(Response::new_err(
            id,
            code as i32,
            message.into(),
        )));
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    /// Handles one frame. Returns `Some(exit code)` when the client said `exit`.
    pub fn handle(&mut self, frame: Frame) -> Option<i32> {
        match frame {
            Frame::Malformed(why, id) => {
                eprintln!("mdbook-polish lsp: ignored a malformed message: {why}");
                let code = if why.starts_with("invalid JSON") {
                    ErrorCode::ParseError
                } else {
                    ErrorCode::InvalidRequest
                };
                self.send_raw_error(id, code, &why);
                None
            }
            Frame::Message(Message::Request(r)) => {
                let id = r.id.clone();
                let method = r.method.clone();
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.request(r);
                }));
                if outcome.is_err() {
                    self.reply_err(
                        id,
                        ErrorCode::InternalError,
                        format!("mdbook-polish failed on `{method}` (a bug: please report it)"),
                    );
                }
                None
            }
            Frame::Message(Message::Notification(n)) => {
                if n.method == note::Exit::METHOD {
                    return Some(if self.shutdown { 0 } else { 1 });
                }
                let method = n.method.clone();
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.notification(n);
                }));
                if outcome.is_err() {
                    eprintln!("mdbook-polish lsp: failed on `{method}` (a bug: please report it)");
                }
                None
            }
            // Answers to our own requests (watcher registration): nothing to do.
            Frame::Message(Message::Response(_)) => None,
        }
    }

    fn request(&mut self, r: Request) {
        if r.method == req::Initialize::METHOD {
            return self.initialize(r);
        }
        if !self.initialized {
            return self.reply_err(r.id, ErrorCode::ServerNotInitialized, "not initialized");
        }
        if self.shutdown {
            return self.reply_err(
                r.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down",
            );
        }
        let id = r.id.clone();
        let result: Result<Json, String> = match r.method.as_str() {
            req::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Json::Null)
            }
            req::HoverRequest::METHOD => params(r).map(|p| to_json(self.hover(p))),
            req::Completion::METHOD => params(r).map(|p| to_json(self.completion(p))),
            req::CodeActionRequest::METHOD => params(r).map(|p| to_json(self.code_action(p))),
            other => {
                return self.reply_err(
                    id,
                    ErrorCode::MethodNotFound,
                    format!("unknown method `{other}`"),
                );
            }
        };
        match result {
            Ok(v) => self.send(Message::Response(Response::new_ok(id, v))),
            Err(e) => self.reply_err(id, ErrorCode::InvalidParams, e),
        }
    }

    fn initialize(&mut self, r: Request) {
        if self.initialized {
            return self.reply_err(r.id, ErrorCode::InvalidRequest, "already initialized");
        }
        let p: InitializeParams = match serde_json::from_value(r.params) {
            Ok(p) => p,
            Err(e) => return self.reply_err(r.id, ErrorCode::InvalidParams, e.to_string()),
        };
        #[allow(deprecated)] // `rootUri` is how older clients name the one folder.
        let folders: Vec<Uri> = match (&p.workspace_folders, &p.root_uri) {
            (Some(f), _) => f.iter().map(|f| f.uri.clone()).collect(),
            (None, Some(root)) => vec![root.clone()],
            _ => Vec::new(),
        };
        self.folders = folders.iter().filter_map(uri_to_path).collect();
        if let Some(url) = p
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("guideUrl"))
            .and_then(Json::as_str)
        {
            self.guide_url = if url.ends_with('/') {
                url.to_string()
            } else {
                format!("{url}/")
            };
        }
        self.watch_dynamic = p
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let caps = ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..Default::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![":".into(), " ".into(), "-".into()]),
                ..Default::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..Default::default()
            })),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp_types::OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..Default::default()
        };
        let result = InitializeResult {
            capabilities: caps,
            server_info: Some(ServerInfo {
                name: "mdbook-polish".into(),
                version: Some(crate::VERSION.into()),
            }),
        };
        self.initialized = true;
        self.send(Message::Response(Response::new_ok(r.id, result)));
    }

    /// Asks the client to tell us about configuration files, when it can be asked.
    fn register_watchers(&mut self) {
        if !self.watch_dynamic {
            return;
        }
        let watchers: Vec<lsp_types::FileSystemWatcher> = [
            "**/book.toml",
            "**/polish.toml",
            "**/.polish.toml",
            "**/*.json",
        ]
        .into_iter()
        .map(|g| lsp_types::FileSystemWatcher {
            glob_pattern: lsp_types::GlobPattern::String(g.into()),
            kind: None,
        })
        .collect();
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "mdbook-polish-config".into(),
                method: note::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        let id = RequestId::from(format!("mdbook-polish-{}", self.next_id));
        self.send(Message::Request(Request::new(
            id,
            req::RegisterCapability::METHOD.into(),
            params,
        )));
    }

    fn notification(&mut self, n: Notification) {
        if !self.initialized {
            // Before `initialize`, notifications other than `exit` are dropped (the spec).
            return;
        }
        match n.method.as_str() {
            note::Initialized::METHOD => self.register_watchers(),
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = notification_params::<lsp_types::DidOpenTextDocumentParams>(n) {
                    let d = p.text_document;
                    let key = d.uri.as_str().to_string();
                    self.docs.insert(
                        key.clone(),
                        (
                            d.uri,
                            Document {
                                text: d.text,
                                version: d.version,
                                language: d.language_id,
                            },
                        ),
                    );
                    self.publish(&key);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = notification_params::<lsp_types::DidChangeTextDocumentParams>(n) {
                    let key = p.text_document.uri.as_str().to_string();
                    if let Some((_, doc)) = self.docs.get_mut(&key) {
                        doc.apply(p.content_changes, p.text_document.version);
                        self.publish(&key);
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = notification_params::<lsp_types::DidCloseTextDocumentParams>(n)
                    && let Some((uri, _)) = self.docs.remove(p.text_document.uri.as_str())
                {
                    // Its unsaved text no longer counts: the disk's copy does again.
                    let key = uri.as_str().to_string();
                    self.shared_guid.remove(&key);
                    if let Some(old) = self.open_guid.remove(&key)
                        && let Some(root) = uri_to_path(&uri)
                            .and_then(|path| self.scopes.get(&path))
                            .and_then(|s| s.book_root.clone())
                    {
                        self.refresh_shared(&key, &root, None, old.as_deref());
                    }
                    // The editor forgets a closed file's findings only when told to.
                    self.notify(
                        note::PublishDiagnostics::METHOD,
                        PublishDiagnosticsParams::new(uri, Vec::new(), None),
                    );
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = notification_params::<lsp_types::DidSaveTextDocumentParams>(n) {
                    if is_config_file(p.text_document.uri.as_str()) {
                        self.config_changed();
                    } else if let Some(root) = uri_to_path(&p.text_document.uri)
                        .and_then(|path| self.scopes.get(&path))
                        .and_then(|s| s.book_root.clone())
                    {
                        // A saved chapter may have changed its guid on disk: scan again.
                        if matches!(self.scans.get(&root), Some(Some(_))) {
                            self.scans.remove(&root);
                            self.scan_book(&root);
                        }
                    }
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = notification_params::<lsp_types::DidChangeWatchedFilesParams>(n)
                    && p.changes.iter().any(|c| is_config_file(c.uri.as_str()))
                {
                    self.config_changed();
                }
            }
            note::DidChangeWorkspaceFolders::METHOD => {
                if let Ok(p) = notification_params::<lsp_types::DidChangeWorkspaceFoldersParams>(n)
                {
                    let removed: Vec<PathBuf> = p
                        .event
                        .removed
                        .iter()
                        .filter_map(|f| uri_to_path(&f.uri))
                        .collect();
                    self.folders.retain(|f| !removed.contains(f));
                    self.folders
                        .extend(p.event.added.iter().filter_map(|f| uri_to_path(&f.uri)));
                }
            }
            // `$/cancelRequest`, `$/setTrace`, and anything unknown: nothing to do. Requests are
            // answered in order, so there is never one to cancel.
            _ => {}
        }
    }

    /// Drops every file's settings and checks the open documents again.
    fn config_changed(&mut self) {
        self.scopes.clear();
        self.scans.clear();
        self.defaults = None;
        let keys: Vec<String> = self.docs.keys().cloned().collect();
        for k in keys {
            self.publish(&k);
        }
    }

    /// The settings of the document `uri`.
    fn scope(&mut self, uri: &Uri) -> Arc<Scope> {
        match uri_to_path(uri) {
            Some(path) => self
                .scopes
                .entry(path.clone())
                .or_insert_with(|| Arc::new(Scope::for_file(&path)))
                .clone(),
            None => self
                .defaults
                .get_or_insert_with(|| Arc::new(Scope::defaults()))
                .clone(),
        }
    }

    /// Checks the open document `key` and publishes its findings.
    fn publish(&mut self, key: &str) {
        let Some((uri, doc)) = self.docs.get(key) else {
            return;
        };
        if !is_markdown(uri, &doc.language) {
            return;
        }
        let (uri, text, version) = (uri.clone(), doc.text.clone(), doc.version);
        // A change of this chapter's guid, for the other open chapters of its book.
        let mut changed = None;
        // `SUMMARY.md` is mdBook's table of contents, never a chapter: `check` skips it.
        let diagnostics = if uri.as_str().ends_with("/SUMMARY.md") {
            Vec::new()
        } else {
            let scope = self.scope(&uri);
            let mut diagnostics = document_diagnostics(&uri, &text, &scope, &self.guide_url);
            if let Some(root) = &scope.book_root {
                self.scan_book(root);
            }
            match self.shared(&uri, &text) {
                Some((d, related)) => {
                    self.shared_guid.insert(key.to_string());
                    // The rule levels apply to it as in `check`; comments do not.
                    let mut one = vec![d];
                    scope.settings.levels.apply(&mut one);
                    let map = LineMap::new(&text);
                    for d in one {
                        let mut l = diagnostics::to_lsp(&d, &uri, &text, &map, &self.guide_url);
                        l.related_information = Some(related.clone());
                        diagnostics.push(l);
                    }
                }
                None => {
                    self.shared_guid.remove(key);
                }
            }
            changed = scope.book_root.as_ref().and_then(|root| {
                let now = guids::guid_of(&text, &scope.settings.limits).map(|g| g.0);
                let before = self.open_guid.insert(key.to_string(), now.clone());
                (before.as_ref() != Some(&now)).then(|| (root.clone(), before.flatten(), now))
            });
            diagnostics
        };
        self.notify(
            note::PublishDiagnostics::METHOD,
            PublishDiagnosticsParams::new(uri, diagnostics, Some(version)),
        );
        if let Some((root, before, now)) = changed {
            self.refresh_shared(key, &root, before.as_deref(), now.as_deref());
        }
    }

    /// The open chapter `key` of the book at `root` changed its guid from `before` to `now`
    /// (or was closed, `now` = `None`): the other open chapters of that book whose shared-guid
    /// finding appears or goes are published again, and so are those that share either value
    /// (their list of other uses changed). Their own guids did not change, so this does not
    /// recurse further.
    fn refresh_shared(&mut self, key: &str, root: &Path, before: Option<&str>, now: Option<&str>) {
        if !matches!(self.scans.get(root), Some(Some(_))) {
            // The scan is not back: nothing was published with the rule yet, and `scanned`
            // publishes every chapter of the book when it is.
            return;
        }
        let others: Vec<String> = self
            .docs
            .iter()
            .filter(|(k, (uri, _))| {
                k.as_str() != key
                    && uri_to_path(uri)
                        .and_then(|p| self.scopes.get(&p))
                        .is_some_and(|s| s.book_root.as_deref() == Some(root))
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in others {
            let Some((uri, doc)) = self.docs.get(&k) else {
                continue;
            };
            let is = self.shared(uri, &doc.text).is_some();
            let was = self.shared_guid.contains(&k);
            let theirs = self.open_guid.get(&k).cloned().flatten();
            let touched =
                theirs.is_some() && (theirs.as_deref() == before || theirs.as_deref() == now);
            if is != was || (is && touched) {
                self.publish(&k);
            }
        }
    }

    /// An open Markdown document (hover, completion and code actions are for those only).
    fn doc(&self, uri: &Uri) -> Option<&Document> {
        self.docs
            .get(uri.as_str())
            .map(|(_, d)| d)
            .filter(|d| is_markdown(uri, &d.language))
    }

    fn hover(&mut self, p: lsp_types::HoverParams) -> Option<Hover> {
        let uri = p.text_document_position_params.text_document.uri;
        self.doc(&uri)?;
        let scope = self.scope(&uri);
        let schema = scope.settings.schema.as_deref()?;
        let text = &self.doc(&uri)?.text;
        let map = LineMap::new(text);
        let offset = map.offset(text, p.text_document_position_params.position);
        let (md, range) = frontmatter::hover(text, &map, offset, schema)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: md,
            }),
            range: Some(map.range(text, range)),
        })
    }

    fn completion(
        &mut self,
        p: lsp_types::CompletionParams,
    ) -> Option<Vec<lsp_types::CompletionItem>> {
        let uri = p.text_document_position.text_document.uri;
        self.doc(&uri)?;
        let scope = self.scope(&uri);
        let schema = scope.settings.schema.as_deref()?;
        let text = &self.doc(&uri)?.text;
        let map = LineMap::new(text);
        let offset = map.offset(text, p.text_document_position.position);
        Some(frontmatter::completions(text, &map, offset, schema))
    }

    fn code_action(&mut self, p: lsp_types::CodeActionParams) -> Vec<lsp_types::CodeAction> {
        let uri = p.text_document.uri;
        if self.doc(&uri).is_none() {
            return Vec::new();
        }
        let scope = self.scope(&uri);
        let Some(doc) = self.doc(&uri) else {
            return Vec::new();
        };
        let text = &doc.text;
        let map = LineMap::new(text);
        let range = map.byte_range(text, p.range);
        actions::code_actions(&uri, text, range, &p.context.diagnostics, &scope)
    }
}

/// The published findings of a document: `check`'s, in LSP form, and the reason its settings
/// could not be read, if so. The benchmark measures this function.
pub fn document_diagnostics(
    uri: &Uri,
    text: &str,
    scope: &Scope,
    guide_url: &str,
) -> Vec<lsp_types::Diagnostic> {
    let map = LineMap::new(text);
    let mut out: Vec<lsp_types::Diagnostic> = diagnostics::check_text(text, scope)
        .iter()
        .map(|d| diagnostics::to_lsp(d, uri, text, &map, guide_url))
        .collect();
    if let Some(e) = &scope.error {
        out.insert(0, diagnostics::config_error(e));
    }
    out
}

fn params<P: serde::de::DeserializeOwned>(r: Request) -> Result<P, String> {
    serde_json::from_value(r.params).map_err(|e| format!("invalid params: {e}"))
}

fn notification_params<P: serde::de::DeserializeOwned>(n: Notification) -> Result<P, ()> {
    serde_json::from_value(n.params).map_err(|e| {
        eprintln!(
            "mdbook-polish lsp: ignored `{}` with invalid params: {e}",
            n.method
        );
    })
}

fn to_json(v: impl serde::Serialize) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

/// Runs the server on `input` and `output` until `exit` or the end of the input. Returns
/// the process exit code: 0 after `shutdown` then `exit`, 1 otherwise (the protocol's rule).
/// The input is read on a thread of its own, so that a book scan's result and the client's
/// messages reach the loop through one channel, in the order they arrive.
pub fn serve(mut input: impl BufRead + Send + 'static, output: impl Write) -> std::io::Result<i32> {
    let (tx, rx) = std::sync::mpsc::channel::<Event>();
    let reader_tx = tx.clone();
    std::thread::spawn(move || {
        let end = loop {
            match read_frame(&mut input) {
                Ok(Some(frame)) => {
                    let exit = matches!(&frame,
                        Frame::Message(Message::Notification(n)) if n.method == note::Exit::METHOD);
                    if reader_tx.send(Event::Frame(frame)).is_err() || exit {
                        return;
                    }
                }
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        let _ = reader_tx.send(Event::End(end));
    });
    let mut server = Server::new(output).with_events(tx);
    for event in rx {
        match event {
            Event::Frame(frame) => {
                if let Some(code) = server.handle(frame) {
                    return Ok(code);
                }
            }
            Event::Scan(root, found) => server.scanned(root, found),
            Event::End(None) => return Ok(1),
            Event::End(Some(e)) => return Err(e),
        }
    }
    Ok(1)
}

/// `mdbook-polish lsp`: serves on stdin and stdout.
pub fn run() -> anyhow::Result<i32> {
    let stdout = std::io::stdout();
    Ok(serve(
        std::io::BufReader::new(std::io::stdin()),
        stdout.lock(),
    )?)
}

/// `file://` URI of a local absolute path (for tests and clients of the library).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let s = path.to_str()?.replace('\\', "/");
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    const SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'[')
        .add(b']')
        .add(b'^')
        .add(b'|');
    let enc = percent_encoding::utf8_percent_encode(&s, SET).to_string();
    Uri::from_str(&format!("file://{enc}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_malformed_and_good() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "Content-Length: 5\r\n\r\n{{bad}}Garbage\r\n\r\nContent-Length: 7\r\n\r\n{{\"a\":1}}\r\nContent-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let mut r = std::io::Cursor::new(input.into_bytes());
        assert!(
            matches!(read_frame(&mut r), Ok(Some(Frame::Malformed(w, None))) if w.starts_with("invalid JSON"))
        );
        assert!(
            matches!(read_frame(&mut r), Ok(Some(Frame::Malformed(w, None))) if w.starts_with("malformed header"))
        );
        assert!(
            matches!(read_frame(&mut r), Ok(Some(Frame::Malformed(w, None))) if w.starts_with("not a JSON-RPC"))
        );
        assert!(
            matches!(read_frame(&mut r), Ok(Some(Frame::Message(Message::Request(q)))) if q.method == "shutdown")
        );
        assert!(matches!(read_frame(&mut r), Ok(None)));
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let p = Path::new("/tmp/my docs/a#1.md");
        let u = path_to_uri(p).unwrap();
        assert_eq!(u.as_str(), "file:///tmp/my%20docs/a%231.md");
        #[cfg(not(windows))]
        assert_eq!(uri_to_path(&u).unwrap(), p);
        assert!(uri_to_path(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
        assert!(is_config_file("file:///b/book.toml"));
        assert!(is_config_file("file:///b/.polish.toml"));
        assert!(!is_config_file("file:///b/a.md"));
    }
}
