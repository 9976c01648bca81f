// The extension with the real vscode-languageclient and the real server: only VS Code is a
// stand-in (fake-vscode.js). Opening a chapter must bring the server's diagnostics into the
// diagnostic collection, as VS Code would show them, with rule links to the configured guide;
// a new polish.toml, seen by the extension's own file watcher, must re-check the chapter.
//
// EXTENSION_DIR as for extension.test.js; MDBOOK_POLISH: the mdbook-polish binary to run.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const { test } = require("node:test");
const { createFake } = require("./fake-vscode");

const extensionDir = path.resolve(process.env.EXTENSION_DIR || path.join(__dirname, ".."));
const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8"));
const main = require.resolve(path.join(extensionDir, manifest.main));

test("a chapter opened in the editor gets the server's diagnostics, re-checked when polish.toml appears", async (t) => {
  const bin = process.env.MDBOOK_POLISH;
  assert.ok(bin, "set MDBOOK_POLISH to the mdbook-polish binary for this test");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "polish-vscode-client-"));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const folder = path.join(tmp, "docs");
  fs.mkdirSync(folder);
  const chapter = path.join(folder, "setup.md");
  const text = "# Setup\n\nLetâ€™s start.\n";
  fs.writeFileSync(chapter, text);

  const fake = createFake({
    folders: [folder],
    settings: {
      "mdbookPolish.path": path.resolve(bin),
      "mdbookPolish.guideUrl": "https://docs.example.org/polish/",
      // The client logs each message with its parameters: the test reads what was sent.
      "mdbookPolish.trace.server": "verbose",
    },
  });
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    return request === "vscode" ? fake.vscode : load.call(this, request, parent, isMain);
  };
  t.after(() => { Module._load = load; });
  const extension = require(main);

  // activate() resolves once the client has started: initialize answered.
  await extension.activate({ subscriptions: [] });
  t.after(() => extension.deactivate());
  assert.deepEqual(fake.state.messages, [], fake.state.log.join(""));

  const uri = fake.Uri.file(chapter);
  fake.openDocument(fake.textDocument(uri, "markdown", text));
  const found = await fake.diagnosticsFor(uri.toString(), (d) => d.length > 0);
  assert.equal(found.length, 1, JSON.stringify(found));
  const [d] = found;
  assert.equal(d.code.value, "PL401");
  assert.equal(d.code.target.toString(), "https://docs.example.org/polish/rules.html#PL401");
  assert.deepEqual([d.range.start.line, d.range.start.character], [2, 3]);
  assert.equal(d.severity, fake.vscode.DiagnosticSeverity.Warning);
  assert.match(d.message, /Let’s/);

  // A polish.toml that makes mojibake an error: the extension's watcher for it reports the
  // new file, the client tells the server, and the chapter comes back with the new level.
  const config = path.join(folder, "polish.toml");
  fs.writeFileSync(config, '[rules]\nPL401 = "error"\n');
  // The first watcher for it is the extension's (the server registers its own later).
  const watcher = fake.state.watchers.find((w) => w.glob === "**/polish.toml");
  assert.ok(watcher, `no watcher for polish.toml: ${fake.state.watchers.map((w) => w.glob)}`);
  watcher.created.fire(fake.Uri.file(config));
  const again = await fake.diagnosticsFor(uri.toString(),
    (ds) => ds.length === 1 && ds[0].severity === fake.vscode.DiagnosticSeverity.Error);
  assert.equal(again[0].code.value, "PL401");

  // A Markdown file that is not on disk (an unsaved new file) is not sent to the server. The
  // messages go in order: once a later file's diagnostics are back, an earlier didOpen would
  // be in the log.
  const untitled = fake.Uri.parse("untitled:Untitled-1");
  fake.openDocument(fake.textDocument(untitled, "markdown", text));
  const later = fake.Uri.file(path.join(folder, "later.md"));
  fake.openDocument(fake.textDocument(later, "markdown", text));
  await fake.diagnosticsFor(later.toString(), (ds) => ds.length === 1);
  const log = fake.state.log.join("");
  assert.ok(log.includes(`"uri": "${later}"`), "the trace does not show the documents sent");
  assert.ok(!log.includes("untitled:Untitled-1"), "an unsaved file was sent to the server");

  await extension.deactivate();
  assert.ok(fake.state.watchers.filter((w) => w.glob === "**/polish.toml").every((w) => w.disposed));
});
