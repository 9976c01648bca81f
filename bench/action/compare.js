#!/usr/bin/env node
// Compares per-file pass/fail between `mdbook-polish check --format json` and validate.js on a
// book made by scripts/gen-book, and explains every difference.
//
// Usage:
//   node compare.js --manifest BOOK/manifest.jsonl --check CHECK.json --action ACTION.jsonl
//                   [--faithful FAITHFUL.jsonl]
//
// Paths in all three inputs must be relative to the book root (`src/...`): run both tools with
// the book root as the current folder.
//
// A file passes `check` when it has no error-severity diagnostic; it passes the action when
// Ajv accepted its data (a YAML error is a failure, in compat mode). Each file's expected pair
// of outcomes comes from the mistake gen-book injected into it (manifest `kind`). A difference
// is EXPLAINED when it is the expected outcome for that kind and the kind is one of the
// deliberate, documented differences below. Anything else — a difference nobody predicted, or
// an agreement where a difference was predicted — is UNEXPECTED, and the exit code is 1.

'use strict';

const fs = require('fs');

// Deliberate differences between mdbook-polish check and the gray-matter + Ajv action.
const REASONS = {
  'yaml-1.2':
    'YAML 1.2 core schema (check) vs js-yaml 3 (action): `1:30` is base-60 90 and `2024-03-15` a Date ' +
    'in js-yaml 3, strings in YAML 1.2; `0o17` is an integer in YAML 1.2, a string in js-yaml 3',
  'duplicate-guid':
    'the same guid in two chapters is an error in check (PL210, both chapters); the action has no cross-file rule',
  'strict-fences':
    'check accepts only `---` ... `---`/`...` fences at byte 0 (PL101 `------` closer, PL102 unclosed, ' +
    'PL103 `---yaml`); gray-matter accepts a `------` closer and a language after `---`',
  'not-a-chapter':
    'SUMMARY.md is never a chapter for check (not required to have front matter); the action ' +
    'validates it as {} and fails `required`',
};

// kind -> allowed [checkPass, actionPass, reason-if-they-differ] outcomes.
const EXPECT = {
  clean: [[true, true]],
  'bad-enum': [[false, false]],
  'key-typo': [[false, false]],
  'wrong-type': [[false, false]],
  'yaml-colon': [[false, false]], // a YAML error in both (and an abort of the faithful action run)
  'duplicate-key': [[false, false]], // js-yaml 3 throws "duplicated mapping key"; check PL112
  'duplicate-guid': [[false, true, 'duplicate-guid']],
  'duplicate-guid-original': [[false, true, 'duplicate-guid']],
  'yaml11-sexagesimal': [[false, true, 'yaml-1.2']],
  'yaml11-timestamp': [[true, false, 'yaml-1.2']],
  'yaml11-bool': [[true, true]], // js-yaml 3 only types true/false: `yes`/`on` are strings in both
  'yaml11-octal': [[true, true]], // 10 vs 12: an integer either way
  'yaml12-octal': [[false, true, 'yaml-1.2']],
  bom: [[true, true]], // gray-matter strips the BOM; check accepts it
  crlf: [[true, true]],
  'long-fence': [[false, true, 'strict-fences']],
  'lang-fence': [[false, true, 'strict-fences']],
  // gray-matter reads up to the next `\n---` (often a YAML error, sometimes data that passes).
  'unclosed-fence': [[false, false], [false, true, 'strict-fences']],
  'leading-blank': [[false, false]], // no front matter for either; check says PL104
  // Under a schema with required keys both fail: the action on `required`, check with PL106.
  'no-front-matter': [[false, false]],
  'not-a-chapter': [[true, false, 'not-a-chapter']], // SUMMARY.md
};

function args(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) o[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['manifest', 'check', 'action']) {
    if (!o[k]) {
      process.stderr.write(`compare.js: --${k} is required\n`);
      process.exit(2);
    }
  }
  return o;
}

function readJsonLines(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

function pad(s, n) {
  s = String(s);
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function main() {
  const o = args(process.argv.slice(2));
  const manifest = new Map();
  for (const m of readJsonLines(o.manifest)) if (m.file) manifest.set(m.file, m);

  const check = JSON.parse(fs.readFileSync(o.check, 'utf8'));
  const codes = new Map(); // file -> error codes
  for (const d of check.diagnostics) {
    if (d.severity !== 'error') continue;
    if (!codes.has(d.file)) codes.set(d.file, new Set());
    codes.get(d.file).add(d.code);
  }

  const action = new Map();
  for (const r of readJsonLines(o.action)) if (r.file) action.set(r.file, r);

  const rows = [];
  for (const [file, a] of [...action.entries()].sort()) {
    const m = manifest.get(file);
    const kind = m ? m.kind || 'clean' : 'not-a-chapter';
    const checkPass = !codes.has(file);
    const actionPass = a.pass;
    const allowed = EXPECT[kind] || [];
    const hit = allowed.find((e) => e[0] === checkPass && e[1] === actionPass);
    const differ = checkPass !== actionPass;
    let verdict;
    if (hit && differ) verdict = hit[2];
    else if (hit) verdict = 'agree';
    else verdict = 'UNEXPECTED';
    rows.push({ file, kind, checkPass, actionPass, differ, verdict, codes: [...(codes.get(file) || [])].sort(), a });
  }
  // Files check reported on that the action never saw would be a file-set mismatch.
  const strays = [...codes.keys()].filter((f) => !action.has(f)).sort();

  // Table 1: per kind.
  const byKind = new Map();
  for (const r of rows) {
    if (!byKind.has(r.kind)) byKind.set(r.kind, { files: 0, checkFail: 0, actionFail: 0, differ: 0, unexpected: 0 });
    const k = byKind.get(r.kind);
    k.files++;
    if (!r.checkPass) k.checkFail++;
    if (!r.actionPass) k.actionFail++;
    if (r.differ) k.differ++;
    if (r.verdict === 'UNEXPECTED') k.unexpected++;
  }
  const out = [];
  out.push('Per mistake kind (a file fails check when it has an error diagnostic):');
  out.push(`  ${pad('kind', 26)}${pad('files', 7)}${pad('check✗', 8)}${pad('action✗', 9)}${pad('differ', 8)}${pad('unexpected', 11)}expected (check, action)`);
  for (const [kind, k] of [...byKind.entries()].sort()) {
    const exp = (EXPECT[kind] || []).map((e) => `(${e[0] ? 'pass' : 'FAIL'}, ${e[1] ? 'pass' : 'FAIL'})`).join(' or ');
    out.push(`  ${pad(kind, 26)}${pad(k.files, 7)}${pad(k.checkFail, 8)}${pad(k.actionFail, 9)}${pad(k.differ, 8)}${pad(k.unexpected, 11)}${exp}`);
  }

  // Table 2: every differing file, grouped by reason.
  const groups = new Map();
  for (const r of rows) {
    if (!r.differ && r.verdict !== 'UNEXPECTED') continue;
    const key = r.verdict;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  out.push('');
  out.push(`Files where check and the action differ (${rows.filter((r) => r.differ).length} of ${rows.length}), by reason:`);
  for (const [reason, list] of [...groups.entries()].sort()) {
    out.push('');
    out.push(`  [${reason}] ${list.length} file(s)${REASONS[reason] ? ': ' + REASONS[reason] : ''}`);
    for (const r of list) {
      const why = r.a.yaml_error ? `yaml error: ${r.a.yaml_error}` : r.a.pass ? 'ok' : `ajv: ${(r.a.keywords || []).join(',')}`;
      out.push(
        `    ${r.file}  kind=${r.kind}  check=${r.checkPass ? 'pass' : 'FAIL ' + r.codes.join(',')}  action=${r.actionPass ? 'pass' : 'FAIL (' + why + ')'}`
      );
    }
  }
  if (strays.length) {
    out.push('');
    out.push(`  [UNEXPECTED] ${strays.length} file(s) reported by check but not seen by the action:`);
    for (const f of strays) out.push(`    ${f}`);
  }

  // The faithful run: one YAML error stops everything.
  if (o.faithful) {
    const lines = readJsonLines(o.faithful);
    const abort = lines.find((l) => l.aborted);
    const yamlFiles = rows.filter((r) => r.a.yaml_error);
    out.push('');
    if (abort) {
      out.push(
        `Faithful action run: ABORTED (${abort.error}); no file name, no result for any of ${rows.length} files. ` +
          `check reported every one of the ${yamlFiles.length} file(s) with a YAML error and all other findings.`
      );
    } else {
      out.push(`Faithful action run: completed (no YAML error in the tree).`);
    }
  }

  const unexpected = rows.filter((r) => r.verdict === 'UNEXPECTED').length + strays.length;
  out.push('');
  out.push(unexpected ? `RESULT: ${unexpected} UNEXPLAINED difference(s)` : 'RESULT: every difference is a documented, deliberate one');
  process.stdout.write(out.join('\n') + '\n');
  process.exit(unexpected ? 1 : 0);
}

main();
