// A stand-in for the part of VS Code's `vscode` module that vscode-languageclient uses to
// start a server, sync documents and show diagnostics, so that the real client library can
// run here against the real server. It keeps what the client hands to VS Code (diagnostics,
// file watchers, messages, log lines) for the tests to read. Anything it does not model is an
// inert placeholder: a callable that returns a disposable placeholder, recorded in `unknown`.
"use strict";

const { fileURLToPath, pathToFileURL } = require("node:url");

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}

class Range {
  constructor(a, b, c, d) {
    if (typeof a === "number") {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}

class Uri {
  static parse(value) {
    return new Uri(value);
  }
  static file(path) {
    return new Uri(pathToFileURL(path).href);
  }
  constructor(value) {
    const url = new URL(value);
    this.value = url.href;
    this.scheme = url.protocol.slice(0, -1);
    this.path = decodeURIComponent(url.pathname);
    this.fsPath = this.scheme === "file" ? fileURLToPath(url) : this.path;
  }
  toString() {
    return this.value;
  }
  toJSON() {
    return this.value;
  }
}

class Disposable {
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d && d.dispose && d.dispose()));
  }
  constructor(onDispose) {
    this.onDispose = onDispose;
  }
  dispose() {
    if (this.onDispose) this.onDispose();
    this.onDispose = undefined;
  }
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const bound = listener.bind(thisArg);
      this.listeners.add(bound);
      const d = new Disposable(() => this.listeners.delete(bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) {
    for (const l of [...this.listeners]) l(value);
  }
  dispose() {
    this.listeners.clear();
  }
}

class CancellationTokenSource {
  constructor() {
    const cancelled = new EventEmitter();
    this.token = { isCancellationRequested: false, onCancellationRequested: cancelled.event };
    this.cancel = () => {
      if (!this.token.isCancellationRequested) {
        this.token.isCancellationRequested = true;
        cancelled.fire(undefined);
      }
    };
  }
  dispose() {}
}

class Diagnostic {
  constructor(range, message, severity) {
    Object.assign(this, { range, message, severity });
  }
}

/** One document as VS Code would hand it to the client. */
function textDocument(uri, languageId, text, version = 1) {
  return {
    uri, languageId, version, isClosed: false, isUntitled: false, isDirty: false,
    fileName: uri.fsPath, eol: 1, lineCount: text.split("\n").length,
    getText: () => text,
  };
}

/** How VS Code scores a document against a selector, for the filters used here. */
function match(selector, doc) {
  const filters = Array.isArray(selector) ? selector : [selector];
  const hit = filters.some((f) =>
    typeof f === "string"
      ? f === doc.languageId
      : (!f.language || f.language === doc.languageId) && (!f.scheme || f.scheme === doc.uri.scheme)
      && !f.pattern && !f.notebookType);
  return hit ? 10 : 0;
}

function createFake({ settings, folders }) {
  const state = {
    unknown: new Set(),
    log: [],
    messages: [],
    watchers: [],
    diagnostics: new Map(), // uri -> the last diagnostics set
    onDiagnostics: new EventEmitter(),
  };
  const events = {
    open: new EventEmitter(), close: new EventEmitter(), change: new EventEmitter(),
    save: new EventEmitter(), config: new EventEmitter(),
  };
  const placeholder = (name) => new Proxy(function () {}, {
    get(_t, k) {
      if (k === "then") return undefined; // not a promise
      if (k === "dispose") return () => {};
      if (k === Symbol.toPrimitive || k === "toString") return () => `<${name}>`;
      return placeholder(`${name}.${String(k)}`);
    },
    apply() {
      state.unknown.add(name);
      return placeholder(`${name}()`);
    },
    construct() {
      state.unknown.add(`new ${name}`);
      return placeholder(`new ${name}`);
    },
  });
  const withPlaceholders = (name, known) =>
    new Proxy(known, { get: (t, k) => (k in t ? t[k] : placeholder(`${name}.${String(k)}`)) });
  const message = (level) => (text, ...items) => {
    state.messages.push({ level, text, items });
    return Promise.resolve(undefined);
  };
  const workspaceFolders = folders.map((f, index) => ({ uri: Uri.file(f), name: `folder${index}`, index }));

  const api = {
    version: "1.82.0",
    Position, Range, Uri, Disposable, EventEmitter, Diagnostic, CancellationTokenSource,
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
    env: withPlaceholders("env", {
      appName: "Visual Studio Code", language: "en", machineId: "test", sessionId: "test",
      uriScheme: "vscode", appRoot: "",
    }),
    workspace: withPlaceholders("workspace", {
      workspaceFolders,
      textDocuments: [],
      getWorkspaceFolder: (uri) => workspaceFolders.find((f) => uri.fsPath.startsWith(f.uri.fsPath)),
      getConfiguration: (section) => ({
        get: (key, fallback) => {
          const v = settings[section ? `${section}.${key}` : key];
          return v === undefined ? fallback : v;
        },
        has: (key) => `${section}.${key}` in settings,
      }),
      createFileSystemWatcher: (glob) => {
        const w = {
          glob, created: new EventEmitter(), changed: new EventEmitter(), deleted: new EventEmitter(),
          disposed: false,
          dispose() { w.disposed = true; },
        };
        w.onDidCreate = w.created.event;
        w.onDidChange = w.changed.event;
        w.onDidDelete = w.deleted.event;
        state.watchers.push(w);
        return w;
      },
      onDidOpenTextDocument: events.open.event,
      onDidCloseTextDocument: events.close.event,
      onDidChangeTextDocument: events.change.event,
      onDidSaveTextDocument: events.save.event,
      onDidChangeConfiguration: events.config.event,
    }),
    languages: withPlaceholders("languages", {
      match,
      createDiagnosticCollection: (name) => {
        const c = {
          name,
          set(uri, diagnostics) {
            state.diagnostics.set(uri.toString(), diagnostics);
            state.onDiagnostics.fire({ uri: uri.toString(), diagnostics });
          },
          get: (uri) => state.diagnostics.get(uri.toString()),
          has: (uri) => state.diagnostics.has(uri.toString()),
          delete: (uri) => state.diagnostics.delete(uri.toString()),
          clear: () => state.diagnostics.clear(),
          forEach: (f) => state.diagnostics.forEach((d, u) => f(Uri.parse(u), d, c)),
          dispose() {},
        };
        return c;
      },
    }),
    window: withPlaceholders("window", {
      activeTextEditor: undefined,
      visibleTextEditors: [],
      createOutputChannel: (name) => ({
        name,
        append: (s) => state.log.push(s),
        appendLine: (s) => state.log.push(`${s}\n`),
        replace() {}, clear() {}, show() {}, hide() {}, dispose() {},
      }),
      showErrorMessage: message("error"),
      showWarningMessage: message("warning"),
      showInformationMessage: message("information"),
    }),
    commands: withPlaceholders("commands", {
      registerCommand: () => new Disposable(),
      executeCommand: () => Promise.resolve(undefined),
    }),
  };
  const vscode = withPlaceholders("vscode", api);

  /** Opens a document as VS Code does: it joins `textDocuments`, then listeners hear of it. */
  function openDocument(doc) {
    api.workspace.textDocuments.push(doc);
    events.open.fire(doc);
  }

  /** The next diagnostics set for a URI that pass `pred`, or the last ones if already there. */
  function diagnosticsFor(uri, pred, timeoutMs = 20000) {
    return new Promise((resolve, reject) => {
      const now = state.diagnostics.get(uri);
      if (now && pred(now)) return resolve(now);
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`no matching diagnostics for ${uri}; log:\n${state.log.join("").slice(-4000)}`));
      }, timeoutMs);
      const sub = state.onDiagnostics.event((e) => {
        if (e.uri === uri && pred(e.diagnostics)) {
          clearTimeout(timer);
          sub.dispose();
          resolve(e.diagnostics);
        }
      });
    });
  }

  return { vscode, state, openDocument, diagnosticsFor, textDocument, Uri };
}

module.exports = { createFake };
