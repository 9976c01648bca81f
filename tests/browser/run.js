#!/usr/bin/env node
// Browser checks for the HTML and CSS that mdbook-polish adds to a built mdBook.
//
// Usage: node run.js --site NAME=DIR [--site NAME=DIR ...] [--manifest FILE]
//                    [--screenshots DIR] [--chromium PATH] [--themes a,b] [--widths 1280,375]
//
// Each DIR is a built book (the output of `mdbook build`). The books are served over http on
// 127.0.0.1 (file:// would change how mdBook's scripts and storage behave) and every expected
// page is loaded in headless Chromium once per theme and width. What a page must contain comes
// from expectations.json, so "the component is missing" is a failure where one is expected and
// never a silent pass. Exit status: 0 all checks passed, 1 some check failed, 2 the harness
// itself could not run.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const { performance } = require('perf_hooks');

// --- arguments ----------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {
    sites: [],
    manifest: path.join(__dirname, 'expectations.json'),
    screenshots: path.join(__dirname, 'screenshots'),
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    themes: null,
    widths: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--site') {
      const v = next();
      const eq = v.indexOf('=');
      if (eq < 1) throw new Error(`--site wants NAME=DIR, got ${v}`);
      opts.sites.push({ name: v.slice(0, eq), dir: path.resolve(v.slice(eq + 1)) });
    } else if (a === '--manifest') opts.manifest = path.resolve(next());
    else if (a === '--screenshots') opts.screenshots = path.resolve(next());
    else if (a === '--chromium') opts.chromium = next();
    else if (a === '--themes') opts.themes = next().split(',').filter(Boolean);
    else if (a === '--widths') opts.widths = next().split(',').map(Number).filter(Boolean);
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

// --- static server --------------------------------------------------------------------------

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves each site under /NAME/ from its directory; nothing outside those directories. */
function serve(sites) {
  const roots = new Map(sites.map((s) => [s.name, s.dir]));
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const [, site, ...rest] = pathname.split('/');
    const root = roots.get(site);
    if (!root) {
      res.writeHead(404).end();
      return;
    }
    let file = path.normalize(path.join(root, ...rest));
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) file = path.join(file, 'index.html');
      fs.readFile(file, (err2, body) => {
        if (err2) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// --- checks that run inside the page ------------------------------------------------------
//
// One function, serialised into the page by page.evaluate: it must not close over anything.
// It returns {failures: [string], notes: [string], counts: {...}}.

function inPageChecks(params) {
  const { expect, width, mode } = params;
  const failures = [];
  const notes = [];
  const fail = (msg) => failures.push(msg);

  // Colour parsing: rgb()/rgba() directly, anything else (color(srgb ...), oklch ...) through
  // a 1x1 canvas, which converts whatever the engine accepts to sRGB bytes.
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx2d = canvas.getContext('2d', { willReadFrequently: true });
  const parseColor = (s) => {
    const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(s);
    if (m) {
      let a = m[4] === undefined ? 1 : parseFloat(m[4]);
      if (m[4] && m[4].endsWith('%')) a /= 100;
      return [+m[1], +m[2], +m[3], a];
    }
    if (s === 'transparent') return [0, 0, 0, 0];
    ctx2d.clearRect(0, 0, 1, 1);
    ctx2d.fillStyle = 'rgba(0,0,0,0)';
    ctx2d.fillStyle = s;
    ctx2d.fillRect(0, 0, 1, 1);
    const d = ctx2d.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => {
    // Source-over compositing of `top` (may be translucent) on an opaque `bottom`.
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
  };
  const lum = (c) => {
    const ch = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const contrast = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const css = (c) => `rgb(${c.slice(0, 3).map((v) => Math.round(v)).join(',')})`;

  // The colour actually behind `el`: its own and its ancestors' background colours composited
  // from the first opaque one upwards. In print mode, browsers drop backgrounds unless the
  // element asks for exact colours, so only those count and the paper is white.
  const WHITE = [255, 255, 255, 1];
  const effectiveBackground = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (mode === 'print') {
        const adjust = cs.printColorAdjust || cs.webkitPrintColorAdjust;
        if (adjust !== 'exact') continue;
      }
      const bg = parseColor(cs.backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let base = WHITE;
    for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
    return base;
  };
  const opacityOf = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity) || 0;
    return o;
  };
  const describe = (el) => {
    const cls = [...el.classList].slice(0, 2).map((c) => '.' + c).join('');
    const text = (el.textContent || '').replace(/\s+/g, ' ').trim();
    return `<${el.tagName.toLowerCase()}${cls}> "${text.length > 40 ? text.slice(0, 37) + '...' : text}"`;
  };
  const visible = (el) => {
    if (!el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const hiddenFromAT = (el, root) => {
    for (let e = el; e && e !== root.parentElement; e = e.parentElement) {
      if (e.getAttribute('aria-hidden') === 'true') return true;
    }
    return false;
  };
  const ownText = (el) =>
    [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent)
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
  // A glyph used as an icon: a short run of symbol characters (✓ ✗ ↗ ★ ...), no letters.
  const isSymbolGlyph = (t) => t.length > 0 && t.length <= 3 && /^[\p{S}\s]+$/u.test(t);

  function checkContrast(root, where) {
    let checked = 0;
    let low = 0;
    let worst = Infinity;
    for (const el of [root, ...root.querySelectorAll('*')]) {
      const text = ownText(el);
      if (!text || !visible(el)) continue;
      const cs = getComputedStyle(el);
      const bg = effectiveBackground(el);
      let fg = parseColor(cs.color);
      fg = over(fg, bg);
      const op = opacityOf(el);
      if (op < 1) fg = over([...fg.slice(0, 3), op], bg);
      const ratio = contrast(fg, bg);
      // Icons hidden from assistive tech are graphics, not text: WCAG 1.4.11 asks 3:1.
      const icon = isSymbolGlyph(text) && hiddenFromAT(el, root);
      const need = icon ? 3 : 4.5;
      checked++;
      worst = Math.min(worst, ratio);
      if (ratio + 1e-9 < need && ++low > 3) continue;
      if (ratio + 1e-9 < need) {
        fail(
          `${where}: contrast ${ratio.toFixed(2)}:1 < ${need}:1 for ${describe(el)} ` +
            `(${css(fg)} on ${css(bg)})`,
        );
      }
      if (mode === 'print' && lum(fg) >= lum(bg)) {
        fail(`${where}: print text is not dark on light for ${describe(el)} (${css(fg)} on ${css(bg)})`);
      }
    }
    if (low > 3) fail(`${where}: ... and ${low - 3} more element(s) below the contrast minimum`);
    if (checked === 0) fail(`${where}: no visible text found to check contrast on`);
    return { checked, worst };
  }

  function checkOverflow(root, where, main) {
    const r = root.getBoundingClientRect();
    if (root.scrollWidth > root.clientWidth + 1) {
      fail(`${where}: content overflows horizontally (scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth})`);
    }
    if (main) {
      const m = main.getBoundingClientRect();
      if (r.width > m.width + 1) fail(`${where}: ${r.width.toFixed(0)}px wide, wider than <main> (${m.width.toFixed(0)}px)`);
      if (r.left < m.left - 1 || r.right > m.right + 1) {
        fail(`${where}: sticks out of <main> (box ${r.left.toFixed(0)}..${r.right.toFixed(0)}, main ${m.left.toFixed(0)}..${m.right.toFixed(0)})`);
      }
    }
    if (r.right > window.innerWidth + 1) fail(`${where}: right edge ${r.right.toFixed(0)}px is past the viewport (${window.innerWidth}px)`);
    let reported = 0;
    for (const el of root.querySelectorAll('*')) {
      if (!visible(el) || reported >= 5) continue;
      const display = getComputedStyle(el).display;
      if (el.clientWidth > 0 && display !== 'inline' && el.scrollWidth > el.clientWidth + 1) {
        fail(`${where}: ${describe(el)} overflows its box (scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth})`);
        reported++;
        continue;
      }
      for (const b of el.getClientRects()) {
        if (b.width === 0) continue;
        if (b.left < r.left - 1 || b.right > r.right + 1) {
          fail(`${where}: ${describe(el)} extends outside the component (${b.left.toFixed(0)}..${b.right.toFixed(0)} vs ${r.left.toFixed(0)}..${r.right.toFixed(0)})`);
          reported++;
          break;
        }
      }
    }
  }

  function checkIcons(root, where) {
    for (const el of root.querySelectorAll('*')) {
      if (el.parentElement && el.parentElement.closest('svg')) continue; // judged at its <svg>
      const isIcon =
        el.matches('svg, [class*="icon"]') ||
        (el.matches('img') && el.getAttribute('alt') !== '' && /icon/i.test(el.className + el.getAttribute('src'))) ||
        (el.children.length === 0 && isSymbolGlyph(ownText(el)));
      if (isIcon && !hiddenFromAT(el, root)) {
        fail(`${where}: icon ${describe(el)} is not aria-hidden`);
      }
    }
    // Generated content is read by screen readers too; only flag symbol glyphs.
    for (const el of root.querySelectorAll('*')) {
      for (const pseudo of ['::before', '::after']) {
        const c = getComputedStyle(el, pseudo).content;
        if (c && c !== 'none' && c !== 'normal') {
          const m = /^"(.*)"$/.exec(c);
          if (m && isSymbolGlyph(m[1]) && !hiddenFromAT(el, root)) {
            notes.push(`${where}: ${describe(el)}${pseudo} shows ${c} as CSS content (announced by some screen readers)`);
          }
        }
      }
    }
  }

  const main = document.querySelector('main');
  if (!main) fail('page has no <main>');
  const counts = { headers: 0, chips: 0, components: 0, sides: 0, pairs: 0, indexes: 0, related: 0 };

  // --- metadata header ---
  const headers = [...document.querySelectorAll('.polish-meta')];
  counts.headers = headers.length;
  if (expect.header === true && headers.length === 0) fail('no metadata header (.polish-meta) found, but this page must have one');
  if (expect.header === false && headers.length > 0) fail(`found ${headers.length} metadata header(s), but this page must have none`);
  if (expect.minHeaders && headers.length < expect.minHeaders) fail(`found ${headers.length} metadata headers, expected at least ${expect.minHeaders}`);
  headers.forEach((h, i) => {
    const where = `header #${i + 1}${h.id ? ' (#' + h.id + ')' : ''}`;
    if (mode !== 'print') {
      checkOverflow(h, where, main);
      // Placement: right under the chapter's first heading, or first in its container.
      const prev = h.previousElementSibling;
      if (prev && !/^H[1-6]$/.test(prev.tagName)) fail(`${where}: follows <${prev.tagName.toLowerCase()}>, not a heading`);
      if (h.getAttribute('role') !== 'note' || !(h.getAttribute('aria-label') || '').trim()) {
        fail(`${where}: wants role="note" and a non-empty aria-label`);
      }
      for (const row of h.querySelectorAll('.polish-meta-fields > div')) {
        const dt = row.querySelector('dt');
        const dd = row.querySelector('dd');
        if (!dt || !dt.textContent.trim() || !dd || !dd.textContent.trim()) fail(`${where}: row ${describe(row)} lacks a labelled value`);
      }
      const chips = h.querySelectorAll('.polish-meta-fields li');
      counts.chips += chips.length;
      for (const b of h.querySelectorAll('a.polish-button')) {
        if (!/^https?:\/\//i.test(b.getAttribute('href') || '')) fail(`${where}: button href ${b.getAttribute('href')} is not http(s)`);
      }
      if (expect.button && i === 0 && !h.querySelector('a.polish-button')) fail(`${where}: no .polish-button link, but the page's front matter has one`);
      checkIcons(h, where);
    }
    checkContrast(h, where);
  });
  if (expect.minChips && counts.chips < expect.minChips && mode !== 'print') {
    fail(`found ${counts.chips} chips, expected at least ${expect.minChips}`);
  }

  // --- comparison components ---
  // The text of a side's ::before (its quoted strings before any `/ alt` part).
  function generatedText(el) {
    const style = getComputedStyle(el, '::before');
    if (style.display === 'none') return '';
    const content = style.content || '';
    if (content === 'none' || content === 'normal') return '';
    const main = content.split(/\s\/\s/)[0];
    return [...main.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('').trim();
  }
  // What a side shows to name itself: generated text, else a label element inside it.
  function shownSideText(el) {
    const g = generatedText(el);
    if (g) return g.replace(/\s+/g, ' ');
    const label = el.querySelector('[class*="label"]');
    return label ? label.textContent.replace(/[\u2713\u2717]/g, '').replace(/\s+/g, ' ').trim() : '';
  }
  // A side's accessible name from aria-labelledby (or aria-label), icons left out.
  function sideName(el) {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    let name = ids.map((id) => (document.getElementById(id) || {}).textContent || '').join(' ');
    if (!ids.length) name = el.getAttribute('aria-label') || '';
    return name.replace(/[\u2713\u2717]/g, '').replace(/\s+/g, ' ').trim();
  }

  // Generic: the outermost elements whose class mentions polish-compare; sides are
  // role="group" elements inside them; two sides with the same parent form a pair.
  const roots = [...document.querySelectorAll('[class*="polish-compare"]')].filter(
    (el) => !el.parentElement || !el.parentElement.closest('[class*="polish-compare"]'),
  );
  counts.components = roots.length;
  if (expect.compare === true && roots.length === 0) fail('no comparison components found, but this page must have one');
  if (expect.compare === false && roots.length > 0) fail(`found ${roots.length} comparison component(s), but this page must have none`);
  roots.forEach((root, i) => {
    const where = `comparison #${i + 1}${root.id ? ' (#' + root.id + ')' : ''}`;
    if (mode === 'print') {
      checkContrast(root, where);
      return;
    }
    checkOverflow(root, where, main);
    checkContrast(root, where);
    checkIcons(root, where);
    const sides = [...root.querySelectorAll('[role="group"]')];
    counts.sides += sides.length;
    if (sides.length < 2) fail(`${where}: has ${sides.length} side(s) (role="group"), wants at least 2`);
    sides.forEach((s, j) => {
      const sw = `${where} side ${j + 1}`;
      const ids = (s.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
      let name = '';
      for (const id of ids) {
        const t = document.getElementById(id);
        if (!t) fail(`${sw}: aria-labelledby points at missing id "${id}"`);
        else name += ' ' + t.textContent;
      }
      if (!ids.length) name = s.getAttribute('aria-label') || '';
      if (!name.trim()) fail(`${sw}: has no accessible name (aria-labelledby/aria-label resolve to no text)`);
      const list = s.querySelector('ul, ol, [role="list"]');
      if (!list || !list.querySelector('li, [role="listitem"]')) fail(`${sw}: contains no list of items`);
    });
    const byParent = new Map();
    for (const s of sides) {
      if (!byParent.has(s.parentElement)) byParent.set(s.parentElement, []);
      byParent.get(s.parentElement).push(s);
    }
    let pairNo = 0;
    for (const group of byParent.values()) {
      if (group.length % 2) fail(`${where}: ${group.length} side(s) share a parent; sides come in pairs`);
      for (let k = 0; k + 1 < group.length; k += 2) {
        counts.pairs++;
        pairNo++;
        const a = group[k].getBoundingClientRect();
        const b = group[k + 1].getBoundingClientRect();
        const pw = `${where} pair ${pairNo}`;
        if (width >= 1000) {
          if (Math.abs(a.top - b.top) > 8 || Math.abs(a.left - b.left) < 10) {
            fail(`${pw}: sides are not side by side at ${width}px (tops ${a.top.toFixed(0)}/${b.top.toFixed(0)}, lefts ${a.left.toFixed(0)}/${b.left.toFixed(0)})`);
          }
        } else if (width <= 480) {
          if (b.top < a.bottom - 1) {
            fail(`${pw}: sides are not stacked at ${width}px (second top ${b.top.toFixed(0)} < first bottom ${a.bottom.toFixed(0)})`);
          }
          // Stacked, a side must say in text which side it is (issue 16): colour and icon
          // shape are not enough, and the header row may be screens away. Either generated
          // text before the side or a label inside it, naming the side as its group name does.
          for (const s of [group[k], group[k + 1]]) {
            const name = sideName(s).toLowerCase();
            const shown = shownSideText(s).toLowerCase();
            if (!shown) fail(`${pw}: a stacked side shows no text naming its side at ${width}px`);
            else if (!name.includes(shown)) fail(`${pw}: a stacked side shows "${shown}", which is not its name "${name}"`);
          }
        }
        if (width >= 1000) {
          // Side by side, the header row names both columns: no repeated name.
          for (const s of [group[k], group[k + 1]]) {
            if (generatedText(s)) fail(`${pw}: a side repeats its name at ${width}px, where the header row is beside it`);
          }
        }
      }
    }
  });

  // --- index pages and related pages (issue 21) ---
  const lists = [...document.querySelectorAll('.polish-index, .polish-related')];
  counts.indexes = document.querySelectorAll('.polish-index').length;
  counts.related = document.querySelectorAll('.polish-related').length;
  if (expect.index === true && counts.indexes === 0) fail('no index (.polish-index) found, but this page must have one');
  if (expect.related === true && counts.related === 0) fail('no related pages (.polish-related) found, but this page must have them');
  lists.forEach((el, i) => {
    const where = `${el.className} #${i + 1}`;
    if (mode !== 'print') checkOverflow(el, where, main);
    checkContrast(el, where);
    for (const a of el.querySelectorAll('a')) {
      const href = a.getAttribute('href') || '';
      if (!href) fail(`${where}: a link without href: ${describe(a)}`);
      // In-page anchors (the values row, the print page) must land on an element.
      if (href.startsWith('#') && !document.getElementById(decodeURIComponent(href.slice(1)))) {
        fail(`${where}: ${href} points at no element on the page`);
      }
      // Links are told from text by more than colour (the text is --fg): an underline.
      if (mode !== 'print' && !getComputedStyle(a).textDecorationLine.includes('underline')) {
        fail(`${where}: link ${describe(a)} is not underlined`);
      }
    }
  });
  // A chip that links is a tap target: at least 24 px high (WCAG 2.5.8), the whole chip.
  if (mode !== 'print') {
    for (const a of document.querySelectorAll('.polish-meta-fields li > a')) {
      const r = a.getBoundingClientRect();
      const chip = a.parentElement.getBoundingClientRect();
      if (r.height < 24) fail(`chip link ${describe(a)} is ${r.height.toFixed(0)} px high, under 24 px`);
      if (r.width + 2 < chip.width - 2) fail(`chip link ${describe(a)} does not fill its chip (${r.width.toFixed(0)} of ${chip.width.toFixed(0)} px)`);
      if (!getComputedStyle(a).textDecorationLine.includes('underline')) fail(`chip link ${describe(a)} is not underlined`);
    }
  }

  // Ids inside our components must be unique: mdBook's print page merges every chapter.
  const seen = new Set();
  for (const el of document.querySelectorAll('.polish-meta [id], .polish-meta[id], [class*="polish-compare"][id], [class*="polish-compare"] [id], .polish-index [id]')) {
    if (seen.has(el.id)) continue;
    seen.add(el.id);
    const n = document.querySelectorAll(`[id="${CSS.escape(el.id)}"]`).length;
    if (n > 1) fail(`id "${el.id}" is used ${n} times on the page`);
  }

  return { failures, notes, counts };
}

// --- driver ---------------------------------------------------------------------------------

function listPages(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .map((p) => p.split(path.sep).join('/'))
    .filter((p) => p.endsWith('.html') && !/(^|\/)(404|toc)\.html$/.test(p));
}

function planPages(manifest, sites) {
  const plan = [];
  const problems = [];
  for (const [name, spec] of Object.entries(manifest.sites)) {
    const site = sites.find((s) => s.name === name);
    if (!site || !fs.existsSync(site.dir)) {
      if (spec.required) problems.push(`site "${name}" is required but was not given or not built (${site ? site.dir : 'no --site'})`);
      else console.log(`notice: site "${name}" not built; skipping it`);
      continue;
    }
    const pages = new Map(Object.entries(spec.pages || {}));
    if (spec.discover) {
      for (const p of listPages(site.dir)) if (!pages.has(p)) pages.set(p, { header: 'any', compare: 'any' });
    }
    for (const [page, expect] of pages) {
      if (!fs.existsSync(path.join(site.dir, page))) {
        problems.push(`${name}/${page}: expected page does not exist in ${site.dir}`);
        continue;
      }
      plan.push({ site: name, page, expect });
    }
  }
  for (const s of sites) if (!manifest.sites[s.name]) problems.push(`site "${s.name}" is not in the manifest`);
  return { plan, problems };
}

async function main() {
  const t0 = performance.now();
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`run.js: ${e.message}`);
    return 2;
  }
  const manifest = JSON.parse(fs.readFileSync(opts.manifest, 'utf8'));
  const themes = opts.themes || manifest.themes;
  const widths = opts.widths || manifest.widths;
  const { plan, problems } = planPages(manifest, opts.sites);
  const failures = problems.map((p) => ({ key: 'setup', msg: p }));
  if (!plan.length) {
    console.error('run.js: nothing to test');
    for (const f of failures) console.error(`FAIL ${f.msg}`);
    return 2;
  }
  if (!fs.existsSync(opts.chromium)) {
    console.error(`run.js: no Chromium at ${opts.chromium} (set CHROMIUM or --chromium)`);
    return 2;
  }
  fs.rmSync(opts.screenshots, { recursive: true, force: true });
  fs.mkdirSync(opts.screenshots, { recursive: true });

  const { chromium } = require('playwright-core');
  const server = await serve(opts.sites);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const tLaunch = performance.now();

  const results = new Map(); // "site/page" -> Map("theme@width" -> failure count)
  const notes = new Set();
  let loads = 0;
  let shots = 0;
  const record = (key, col, msgs) => {
    if (!results.has(key)) results.set(key, new Map());
    const row = results.get(key);
    row.set(col, (row.get(col) || 0) + msgs.length);
    for (const m of msgs) failures.push({ key: `${key} [${col}]`, msg: m });
  };

  try {
    for (const theme of themes) {
      for (const width of widths) {
        const context = await browser.newContext({
          viewport: { width, height: manifest.height || 900 },
          deviceScaleFactor: 1,
          colorScheme: 'light',
          reducedMotion: 'reduce',
        });
        // mdBook 0.5 reads the theme from localStorage['mdbook-theme'] in an inline script in
        // <head> and puts it as a class on <html>; print.html calls window.print() on load.
        await context.addInitScript((t) => {
          try {
            localStorage.setItem('mdbook-theme', t);
          } catch {}
          window.print = () => {};
        }, theme);
        const page = await context.newPage();
        const pageErrors = [];
        page.on('pageerror', (e) => pageErrors.push(e.message));
        for (const item of plan) {
          const key = `${item.site}/${item.page}`;
          const col = `${theme}@${width}`;
          const msgs = [];
          pageErrors.length = 0;
          const resp = await page.goto(`${base}/${item.site}/${item.page}`, { waitUntil: 'load' });
          loads++;
          if (!resp || !resp.ok()) msgs.push(`http ${resp ? resp.status() : 'no response'} for ${item.page}`);
          await page.evaluate(() => document.fonts.ready);
          const applied = await page.evaluate((t) => document.documentElement.classList.contains(t), theme);
          if (!applied) msgs.push(`theme "${theme}" was not applied (<html class="${await page.evaluate(() => document.documentElement.className)}">)`);
          const r = await page.evaluate(inPageChecks, { expect: item.expect, width, mode: 'screen' });
          msgs.push(...r.failures);
          r.notes.forEach((n) => notes.add(`${key}: ${n}`));
          for (const e of pageErrors) notes.add(`${key} [${col}]: page script error: ${e}`);
          if (item.expect.screenshot) {
            const file = path.join(opts.screenshots, `${item.site}-${item.page.replace(/[\/.]/g, '_')}-${theme}-${width}.png`);
            await page.screenshot({ path: file, fullPage: true });
            shots++;
          }
          // Print: every theme at the first width; the header (and any comparison) must be
          // dark text on light paper whatever theme the reader had picked.
          if (width === widths[0] && item.expect.header !== false && r.counts.headers + r.counts.components > 0) {
            await page.emulateMedia({ media: 'print' });
            const p = await page.evaluate(inPageChecks, { expect: { header: 'any', compare: 'any' }, width, mode: 'print' });
            // Only the header promises print colours; a comparison that prints light text is
            // reported as a note (browsers darken light text when they drop backgrounds).
            const advisory = new Map();
            for (const f of p.failures) {
              if (f.startsWith('header')) msgs.push(`print: ${f}`);
              else {
                const comp = f.split(':')[0];
                if (!advisory.has(comp)) advisory.set(comp, []);
                advisory.get(comp).push(f.slice(comp.length + 2));
              }
            }
            for (const [comp, list] of advisory) {
              notes.add(`${key} [${col}] print (advisory): ${comp}: ${list.length} problem(s), first: ${list[0]}`);
            }
            if (item.expect.screenshot && theme === 'coal') {
              await page.screenshot({ path: path.join(opts.screenshots, `${item.site}-${item.page.replace(/[\/.]/g, '_')}-${theme}-print.png`), fullPage: true });
              shots++;
            }
            await page.emulateMedia({ media: 'screen' });
          }
          record(key, col, msgs);
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const tDone = performance.now();

  // Summary table: one row per page, one column per theme@width.
  const cols = [];
  for (const t of themes) for (const w of widths) cols.push(`${t}@${w}`);
  const keyWidth = Math.max(4, ...[...results.keys()].map((k) => k.length));
  const colWidth = Math.max(...cols.map((c) => c.length), 6);
  const line = (first, cells) => first.padEnd(keyWidth) + ' | ' + cells.map((c) => c.padEnd(colWidth)).join(' | ');
  console.log('\n' + line('page', cols));
  console.log('-'.repeat(keyWidth) + '-+-' + cols.map(() => '-'.repeat(colWidth)).join('-+-'));
  for (const [key, row] of results) {
    console.log(line(key, cols.map((c) => (!row.has(c) ? '-' : row.get(c) ? `FAIL ${row.get(c)}` : 'ok'))));
  }
  if (notes.size) {
    console.log('\nnotes:');
    for (const n of notes) console.log(`  ${n}`);
  }
  if (failures.length) {
    // The same message in several themes/widths is printed once with every column listed.
    const grouped = new Map();
    for (const f of failures) {
      const m = /^(.*) \[(.*)\]$/.exec(f.key);
      const id = `${m ? m[1] : f.key}\u0000${f.msg}`;
      if (!grouped.has(id)) grouped.set(id, { key: m ? m[1] : f.key, msg: f.msg, cols: [] });
      if (m && !grouped.get(id).cols.includes(m[2])) grouped.get(id).cols.push(m[2]);
    }
    console.log(`\n${failures.length} failure(s):`);
    for (const g of grouped.values()) {
      console.log(`FAIL ${g.key}${g.cols.length ? ' [' + g.cols.join(', ') + ']' : ''}: ${g.msg}`);
    }
  }
  const secs = (ms) => (ms / 1000).toFixed(1) + 's';
  console.log(
    `\n${plan.length} page(s) x ${themes.length} theme(s) x ${widths.length} width(s): ${loads} loads, ${shots} screenshots in ${path.relative(process.cwd(), opts.screenshots) || '.'}; ` +
      `browser start ${secs(tLaunch - t0)}, checks ${secs(tDone - tLaunch)}`,
  );
  console.log(failures.length ? 'browser checks: FAILED' : 'browser checks: passed');
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`run.js: ${e && e.stack ? e.stack : e}`);
    process.exit(2);
  },
);
