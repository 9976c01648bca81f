#!/usr/bin/env node
// An action-equivalent front matter validator, written for this benchmark.
//
// It reproduces the *stack* of the GitHub Action teams use today (fast-glob over a
// comma-separated `paths` input, gray-matter 4 for front matter — js-yaml 3, YAML 1.1 — and one
// Ajv 8 validator compiled once with `{ allErrors: true }`, draft-07) so that mdbook-polish
// `check` can be timed and compared against it file by file. It is our own code, not the
// action's.
//
// Usage:
//   node validate.js --schema FILE [--mode compat|faithful] [--no-formats] [--errors]
//                    PATHS...
//
// PATHS are globs; each argument may itself be a comma-separated list, as in the action's
// `paths` input. Output: one JSON line per file, in the order fast-glob returns them,
//   {"file":"src/a.md","pass":true}
//   {"file":"src/b.md","pass":false,"errors":[...]}          (with --errors, else a count)
//   {"file":"src/c.md","pass":false,"yaml_error":"..."}      (compat mode only)
// then one summary line {"summary":{...}}. Exit code: 0 all pass, 1 some file fails or the run
// aborted, 2 usage or schema error.
//
// Modes:
//   compat   (default) a YAML error (any exception from gray-matter) fails that file only.
//   faithful a YAML error aborts the whole run, as in the action, whose loop lets the exception
//            escape: no per-file line is printed for any file, only
//            {"aborted":true,"error":"..."} with no file name (the action shows none either).
//
// Formats: the embedded mdbook-polish schema uses `"format": "uuid"`. Ajv 8 in its default
// strict mode refuses to compile a schema with an unknown format, so we register ajv-formats
// (which the action lists as a dependency) by default. `--no-formats` skips that, to show what
// Ajv does without it.
//
// One deliberate departure: gray-matter evaluates `---js` front matter with `eval`. A benchmark
// runner must not run code found in files, so that engine is replaced by one that throws (a
// failure in compat mode, an abort in faithful mode); the real action would execute it.

'use strict';

const fs = require('fs');
const fg = require('fast-glob');
const matter = require('gray-matter');
const Ajv = require('ajv');

function usage(message) {
  if (message) process.stderr.write(`validate.js: ${message}\n`);
  process.stderr.write(
    'usage: node validate.js --schema FILE [--mode compat|faithful] [--no-formats] [--errors] PATHS...\n'
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { schema: null, mode: 'compat', formats: true, errors: false, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--schema') opts.schema = argv[++i];
    else if (a === '--mode') opts.mode = argv[++i];
    else if (a === '--no-formats') opts.formats = false;
    else if (a === '--errors') opts.errors = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else opts.paths.push(...a.split(','));
  }
  if (!opts.schema) usage('--schema is required');
  if (opts.mode !== 'compat' && opts.mode !== 'faithful') usage(`unknown mode ${opts.mode}`);
  if (opts.paths.length === 0) usage('no PATHS given');
  return opts;
}

function compile(opts) {
  let schema;
  try {
    schema = JSON.parse(fs.readFileSync(opts.schema, 'utf8'));
  } catch (e) {
    usage(`cannot read schema ${opts.schema}: ${e.message}`);
  }
  const ajv = new Ajv({ allErrors: true });
  if (opts.formats) require('ajv-formats')(ajv);
  try {
    return ajv.compile(schema);
  } catch (e) {
    process.stderr.write(`validate.js: schema does not compile: ${e.message}\n`);
    process.exit(2);
  }
}

// Refuse to evaluate `---js` blocks (see the header comment).
matter.engines.javascript = {
  parse() {
    throw new Error('refusing to evaluate JavaScript front matter');
  },
};

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const validate = compile(opts);
  const files = fg.sync(opts.paths);
  if (files.length === 0) {
    process.stderr.write(`validate.js: no files match ${opts.paths.join(', ')}\n`);
    process.exit(2);
  }

  const lines = [];
  const summary = { files: files.length, passed: 0, failed: 0, yaml_errors: 0 };
  for (const file of files) {
    // Read one file at a time and hand gray-matter the Buffer, as the action does.
    const bytes = await fs.promises.readFile(file);
    let data;
    try {
      data = matter(bytes).data;
    } catch (e) {
      if (opts.mode === 'faithful') {
        process.stdout.write(
          JSON.stringify({ aborted: true, error: String(e.message || e).split('\n')[0] }) + '\n'
        );
        process.exit(1);
      }
      summary.failed++;
      summary.yaml_errors++;
      lines.push(
        JSON.stringify({ file, pass: false, yaml_error: String(e.message || e).split('\n')[0] })
      );
      continue;
    }
    if (validate(data)) {
      summary.passed++;
      lines.push(JSON.stringify({ file, pass: true }));
    } else {
      summary.failed++;
      const errs = validate.errors || [];
      const rec = { file, pass: false };
      if (opts.errors) {
        rec.errors = errs.map((e) => ({
          keyword: e.keyword,
          instancePath: e.instancePath,
          message: e.message,
          params: e.params,
        }));
      } else {
        rec.error_count = errs.length;
        rec.keywords = [...new Set(errs.map((e) => e.keyword))];
      }
      lines.push(JSON.stringify(rec));
    }
  }
  lines.push(JSON.stringify({ summary }));
  process.stdout.write(lines.join('\n') + '\n');
  process.exitCode = summary.failed > 0 ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`validate.js: ${e.stack || e}\n`);
  process.exit(2);
});
