// Loads the compiled extension, as packaged, with a stand-in for the `vscode` module (VS Code
// cannot run here) and checks what activate() asks of the language client: the command it
// runs, the files it serves and watches, its options, and the message when the binary is
// missing. (client.test.js runs the same extension with the real client and server.)
//
// EXTENSION_DIR: the extension's folder (default: this folder's parent; scripts/
// test-editors passes the `extension/` folder unpacked from the .vsix, so the
// dependencies it loads are the ones shipped).
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const { test, beforeEach, afterEach } = require("node:test");

const extensionDir = path.resolve(process.env.EXTENSION_DIR || path.join(__dirname, ".."));
const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8"));
const main = require.resolve(path.join(extensionDir, manifest.main));

// ---- the stand-in for VS Code's API: records what the extension asks of it ----

let settings;
let folders;
let recorded;

function fakeVscode() {
  const api = {
    workspace: {
      getConfiguration: (section) => ({
        get: (key) => settings[`${section}.${key}`],
      }),
      get workspaceFolders() {
        return folders.map((f) => ({ uri: { fsPath: f } }));
      },
      createFileSystemWatcher: (glob) => {
        const w = { glob, disposed: false, dispose() { w.disposed = true; } };
        recorded.watchers.push(w);
        return w;
      },
      onDidChangeConfiguration: (listener) => {
        recorded.configListeners.push(listener);
        return { dispose() {} };
      },
    },
    window: {
      createOutputChannel: (name) => ({ name, dispose() {} }),
      showErrorMessage: (message, ...items) => {
        recorded.errors.push({ message, items });
        return Promise.resolve(recorded.answer);
      },
    },
    commands: {
      registerCommand: (id, fn) => {
        recorded.commands.set(id, fn);
        return { dispose() {} };
      },
      executeCommand: (...args) => {
        recorded.executed.push(args);
        return Promise.resolve();
      },
    },
  };
  // vscode-languageclient, loaded for real, subclasses a few API classes when it loads; any
  // name the stand-in lacks is an empty class (nothing here calls into them).
  const classes = new Map();
  const stub = (name) => {
    if (!classes.has(name)) classes.set(name, class {});
    return classes.get(name);
  };
  return new Proxy(api, { get: (t, k) => (k in t ? t[k] : stub(k)) });
}

/** Records the client the extension builds instead of starting one. */
class RecordingClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, state: "new" });
    recorded.clients.push(this);
  }
  start() {
    this.state = "running";
    return Promise.resolve();
  }
  stop() {
    this.state = "stopped";
    return Promise.resolve();
  }
}

const vscode = fakeVscode();
let realClientModule;
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") return vscode;
  if (request === "vscode-languageclient/node" && parent && parent.filename === main) {
    // The real module, resolved from the extension's own folder: it must be shipped whole.
    realClientModule = load.call(this, request, parent, isMain);
    return { ...realClientModule, LanguageClient: RecordingClient };
  }
  return load.call(this, request, parent, isMain);
};

function freshExtension() {
  delete require.cache[main];
  return require(main);
}

const context = () => ({ subscriptions: [] });
const savedPath = process.env.PATH;
let tmp;

function executable(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  return file;
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "polish-vscode-"));
  settings = { "mdbookPolish.path": "mdbook-polish", "mdbookPolish.guideUrl": "" };
  folders = [path.join(tmp, "book")];
  fs.mkdirSync(folders[0]);
  recorded = {
    clients: [], watchers: [], errors: [], configListeners: [],
    commands: new Map(), executed: [], answer: undefined,
  };
});

afterEach(() => {
  process.env.PATH = savedPath;
  fs.rmSync(tmp, { recursive: true, force: true });
});

// ---- the tests ----

test("the shipped vscode-languageclient loads from the extension's folder", () => {
  freshExtension();
  assert.ok(realClientModule, "the extension did not load vscode-languageclient/node");
  assert.equal(typeof realClientModule.LanguageClient, "function");
  const where = require.resolve("vscode-languageclient/node", { paths: [path.dirname(main)] });
  assert.ok(where.startsWith(extensionDir + path.sep), `${where} is outside ${extensionDir}`);
});

test("activate starts `mdbook-polish lsp` from PATH for Markdown files on disk", async () => {
  const bin = executable(path.join(tmp, "bin", "mdbook-polish"));
  process.env.PATH = [path.join(tmp, "empty"), path.join(tmp, "bin")].join(path.delimiter);
  await freshExtension().activate(context());

  assert.deepEqual(recorded.errors, []);
  assert.equal(recorded.clients.length, 1);
  const c = recorded.clients[0];
  assert.equal(c.state, "running");
  assert.deepEqual(c.serverOptions, { command: bin, args: ["lsp"] });
  assert.deepEqual(c.clientOptions.documentSelector, [{ scheme: "file", language: "markdown" }]);
  // No guide address set: the server keeps its default.
  assert.deepEqual(c.clientOptions.initializationOptions, {});
  // The client reads `${id}.trace.server`: the setting the manifest declares must match.
  const props = manifest.contributes.configuration.properties;
  assert.ok(`${c.id}.trace.server` in props, `no ${c.id}.trace.server setting in package.json`);
  assert.ok(`${c.id}.path` in props && `${c.id}.guideUrl` in props);
});

test("the watched globs cover every file whose change re-checks a chapter, and no chapter", async () => {
  executable(path.join(tmp, "bin", "mdbook-polish"));
  process.env.PATH = path.join(tmp, "bin");
  await freshExtension().activate(context());
  const fileEvents = recorded.clients[0].clientOptions.synchronize.fileEvents;
  assert.deepEqual(fileEvents, recorded.watchers);
  // The shipped minimatch: VS Code's globs agree with it on these simple patterns.
  const mm = require(require.resolve("minimatch", { paths: [path.dirname(main)] }));
  const minimatch = typeof mm === "function" ? mm : mm.minimatch;
  const watched = (p) => fileEvents.some((w) => minimatch(p, w.glob, { dot: true }));
  for (const p of ["book.toml", "docs/book.toml", "polish.toml", "a/b/.polish.toml",
    "schemas/front-matter.schema.json", "meta.json"]) {
    assert.ok(watched(p), `${p} is not watched`);
  }
  for (const p of ["src/chapter.md", "Cargo.toml", "notes.txt"]) {
    assert.ok(!watched(p), `${p} should not be watched`);
  }
});

test("a guide address in the settings goes to the server as initializationOptions.guideUrl", async () => {
  executable(path.join(tmp, "bin", "mdbook-polish"));
  process.env.PATH = path.join(tmp, "bin");
  settings["mdbookPolish.guideUrl"] = " https://docs.example.org/polish/ ";
  await freshExtension().activate(context());
  assert.deepEqual(recorded.clients[0].clientOptions.initializationOptions, {
    guideUrl: "https://docs.example.org/polish/",
  });
});

test("a path setting: absolute, relative to the workspace folder, or not executable", async () => {
  process.env.PATH = "";
  const abs = executable(path.join(tmp, "tools", "polish"));
  settings["mdbookPolish.path"] = abs;
  await freshExtension().activate(context());
  assert.equal(recorded.clients.at(-1).serverOptions.command, abs);

  const rel = executable(path.join(folders[0], "bin", "mdbook-polish"));
  settings["mdbookPolish.path"] = "./bin/mdbook-polish";
  await freshExtension().activate(context());
  assert.equal(recorded.clients.at(-1).serverOptions.command, rel);
  assert.deepEqual(recorded.errors, []);

  if (process.platform !== "win32") {
    const plain = path.join(tmp, "tools", "not-executable");
    fs.writeFileSync(plain, "text", { mode: 0o644 });
    settings["mdbookPolish.path"] = plain;
    const before = recorded.clients.length;
    await freshExtension().activate(context());
    assert.equal(recorded.clients.length, before, "a client was built for a file that cannot run");
    assert.match(recorded.errors[0].message, /is not an executable file/);
    assert.ok(recorded.errors[0].message.includes(plain));
  }
});

test("a missing binary: no client, and a message that says how to install or set the path", async () => {
  process.env.PATH = path.join(tmp, "empty");
  recorded.answer = "Open Settings";
  await freshExtension().activate(context());
  assert.equal(recorded.clients.length, 0);
  assert.equal(recorded.errors.length, 1);
  const { message, items } = recorded.errors[0];
  assert.match(message, /`mdbook-polish` was not found on PATH/);
  assert.match(message, /cargo install mdbook-polish/);
  assert.match(message, /mdbookPolish\.path/);
  assert.deepEqual(items, ["Open Settings"]);
  // The button opens the setting (the answer is awaited after activate returns).
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(recorded.executed, [["workbench.action.openSettings", "mdbookPolish.path"]]);
});

test("changing the path restarts the server with the new binary; other settings do not", async () => {
  const first = executable(path.join(tmp, "a", "mdbook-polish"));
  const second = executable(path.join(tmp, "b", "mdbook-polish"));
  settings["mdbookPolish.path"] = first;
  const ext = freshExtension();
  await ext.activate(context());
  const [listener] = recorded.configListeners;
  const change = (key) => ({ affectsConfiguration: (s) => s === key || key.startsWith(`${s}.`) });

  listener(change("editor.fontSize"));
  await ext.deactivate(); // waits for anything queued, then stops
  assert.equal(recorded.clients.length, 1, "an unrelated setting restarted the server");
  assert.equal(recorded.clients[0].state, "stopped");
  assert.ok(recorded.watchers.every((w) => w.disposed));

  await ext.activate(context());
  settings["mdbookPolish.path"] = second;
  recorded.configListeners.at(-1)(change("mdbookPolish.path"));
  await ext.deactivate();
  const [, old, fresh] = recorded.clients;
  assert.equal(old.serverOptions.command, first);
  assert.equal(old.state, "stopped");
  assert.equal(fresh.serverOptions.command, second);
});
