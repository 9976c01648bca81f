//! Front matter for readers, across a whole book: index pages, chips that link to them,
//! related pages, and drafts left out of the build.
//!
//! Owns everything that needs more than one chapter's front matter: the catalogue of pages
//! ([`Page`], read once per chapter), the index of a key (`<!-- polish: index KEY -->` in a
//! chapter, replaced by every value of KEY with its pages), the anchors of its values (the
//! header's chips link to them), related pages, which pages are drafts, and the book-level
//! findings about them (PL701-PL704). The preprocessor drives it; each function here is pure.
//!
//! Links are relative between the chapters' output paths (mdBook's `path`, where `README.md`
//! has already become `index.md`), so they work from nested chapters and on the print page
//! (mdBook rewrites chapter links there). Everything from front matter is HTML-escaped.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::frontmatter::{Node, Value};
use crate::header::escape_html_into;
use crate::markdown::pulldown_cmark::{Event, Tag, TagEnd};
use crate::markdown::{ParseOptions, parser};

/// Rule: an index marker that cannot be used (no key, a key not in `index-keys`, a word
/// we do not know, a second index of the same key).
pub const INDEX_MARKER: &str = "PL701";
/// Rule: an index of a key that no page uses.
pub const INDEX_EMPTY: &str = "PL702";
/// Rule: one value spelt two ways across pages (`Front-end`, `frontend`), which splits it
/// on the index.
pub const VALUE_VARIANTS: &str = "PL703";
/// Rule: a link to a draft page that the build leaves out.
pub const DRAFT_LINK: &str = "PL704";

/// From this many listed pages on, a value on more than half of them does not make pages
/// related (see [`Catalog::build`]).
pub const COMMON_VALUE_MIN_PAGES: usize = 8;

/// What a marker looks for, cheaply, before any parse.
const MARKER_NEEDLE: &str = "polish: index";

/// The book-level settings of this module (from [`crate::Config`]).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Keys an index may list; empty: any.
    pub index_keys: Vec<String>,
    /// Display labels by key, then value.
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
    /// List drafts that are in the book on indexes and among related pages.
    pub list_drafts: bool,
    /// How many related pages per chapter (0: none).
    pub related: usize,
    /// Keys whose shared values relate pages.
    pub related_keys: Vec<String>,
    /// Heading over the related pages.
    pub related_title: String,
    /// The book's language (`book.language`), for the order of values.
    pub language: Option<String>,
    /// mdBook's parser flags, for a summary's inline Markdown.
    pub parse: ParseOptions,
}

impl Options {
    /// The options of a book's settings.
    pub fn from_config(
        cfg: &crate::Config,
        language: Option<String>,
        parse: ParseOptions,
    ) -> Options {
        Options {
            index_keys: cfg.index_keys.clone(),
            labels: cfg.index_labels.clone(),
            list_drafts: cfg.index_drafts,
            related: cfg.related,
            related_keys: cfg.related_keys.clone(),
            related_title: cfg.related_title.clone(),
            language,
            parse,
        }
    }

    fn label<'a>(&'a self, key: &str, value: &'a str) -> &'a str {
        self.labels
            .get(key)
            .and_then(|m| m.get(value))
            .map_or(value, String::as_str)
    }
}

/// One value of a key on a page, and where it is written (for findings).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueAt {
    /// The value as shown (trimmed).
    pub text: String,
    /// Its span in the chapter's source.
    pub span: Range<usize>,
}

/// An index marker in a chapter.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// The key to index.
    pub key: String,
    /// A second key to group each value's pages by (`by audience`).
    pub by: Option<String>,
    /// The marker's span in the chapter's source (the whole comment).
    pub span: Range<usize>,
}

/// A page's values by key. A list: a page keeps the few keys the book's indexes need, and
/// a `BTreeMap`'s first node alone is ~0.5 KB, a large part of a page on a 10,000-page book
/// (every fresh page of memory is a page fault).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(Vec<(String, Vec<ValueAt>)>);

impl Values {
    /// The values of `key`.
    pub fn get(&self, key: &str) -> Option<&Vec<ValueAt>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether the page has values of `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets the values of `key` (a key written twice keeps its last values, as YAML reads it).
    pub fn insert(&mut self, key: String, values: Vec<ValueAt>) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = values,
            None => self.0.push((key, values)),
        }
    }

    /// Every key's values.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Vec<ValueAt>> {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

/// What the book-level jobs need to know of one chapter.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The output path relative to `src`, `/`-separated (`guide/intro.md`).
    pub path: String,
    /// The chapter's title (front matter `title`, else its name in `SUMMARY.md`).
    pub title: String,
    /// The front matter `summary`.
    pub summary: Option<String>,
    /// The summary as an index item shows it ([`summary_text`]), when the chapter's own run
    /// made it: the parallel pass does this work, not the index page's.
    pub summary_text: Option<String>,
    /// Values of every key with scalar or list values (or of the keys the book's indexes and
    /// related pages need), in source order.
    pub values: Values,
    /// `draft: true`.
    pub draft: bool,
    /// Index markers in the chapter.
    pub markers: Vec<Marker>,
    /// Findings about the markers themselves (no key, unknown words).
    pub marker_findings: Vec<Diagnostic>,
}

/// Whether a chapter may hold an index marker (a byte search; most chapters have none).
pub fn may_have_marker(source: &str) -> bool {
    memchr::memmem::find(source.as_bytes(), MARKER_NEEDLE.as_bytes()).is_some()
}

/// Whether a chapter may be a draft: its front matter mentions `draft` (a byte search over
/// the opening lines; the parse decides).
pub fn may_be_draft(source: &str) -> bool {
    let head = source.get(..source.len().min(64 * 1024)).unwrap_or(source);
    let head = head.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&head[from..], b"draft") {
        let at = from + i;
        if at == 0 || head[at - 1] == b'\n' {
            return true;
        }
        from = at + 5;
    }
    false
}

impl Page {
    /// The spans the catalogue's findings on this page may point at: its values and its
    /// markers.
    pub fn spans_mut(&mut self) -> Vec<&mut Range<usize>> {
        self.values
            .values_mut()
            .flatten()
            .map(|v| &mut v.span)
            .chain(self.markers.iter_mut().map(|m| &mut m.span))
            .collect()
    }

    /// Takes the title, summary, draft flag and values out of parsed front matter: the
    /// values of `keys`, or of every key when `None`.
    pub fn fill(&mut self, data: &Node, keys: Option<&[String]>) {
        let text = |n: &Node| {
            n.scalar_text()
                .map(|t| repaired(t.trim()))
                .filter(|t| !t.is_empty())
        };
        if let Some(t) = data.get("title").and_then(text) {
            self.title = t;
        }
        self.summary = data.get("summary").and_then(text);
        self.draft = is_draft(data);
        let Value::Map(entries) = &data.value else {
            return;
        };
        for e in entries {
            let Value::Str(key) = &e.key.value else {
                continue;
            };
            if keys.is_some_and(|k| !k.iter().any(|k| k == key)) {
                continue;
            }
            let vals: Vec<ValueAt> = match &e.value.value {
                Value::Seq(items) => items
                    .iter()
                    .filter_map(|n| {
                        text(n).map(|t| ValueAt {
                            text: t,
                            span: n.span.clone(),
                        })
                    })
                    .collect(),
                Value::Map(_) | Value::Null => Vec::new(),
                _ => e
                    .value
                    .string_list()
                    .into_iter()
                    .map(|t| ValueAt {
                        text: repaired(&t),
                        span: e.value.span.clone(),
                    })
                    .collect(),
            };
            if !vals.is_empty() {
                self.values.insert(key.clone(), vals);
            }
        }
    }
}

/// The keys whose values the book-level jobs need: each marker's key and `by` key, and the
/// related keys when related pages are on. A sorted list: a few keys, looked up for every key
/// of every page, where comparing beats hashing.
pub fn needed_keys<'a>(
    markers: impl IntoIterator<Item = &'a Marker>,
    opts: &Options,
) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for m in markers {
        keys.push(m.key.clone());
        keys.extend(m.by.clone());
    }
    if opts.related > 0 {
        keys.extend(opts.related_keys.iter().cloned());
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Whether parsed front matter says `draft: true` (the YAML boolean).
pub fn is_draft(data: &Node) -> bool {
    matches!(data.get("draft").map(|n| &n.value), Some(Value::Bool(true)))
}

/// The keys of parsed front matter, for [`Catalog::build`]'s did-you-mean.
pub fn keys_of(data: &Node) -> Vec<String> {
    match &data.value {
        Value::Map(entries) => entries
            .iter()
            .filter_map(|e| e.key.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A value as the header shows it: mojibake repaired (the header is rendered from the
/// repaired text, so an index must agree with it).
fn repaired(s: &str) -> String {
    crate::encoding::repair_text(s).unwrap_or_else(|| s.to_string())
}

/// The index markers of a chapter: HTML comments `<!-- polish: index KEY [by KEY2] -->`
/// outside code, with findings for the ones that cannot be used.
pub fn find_markers(source: &str, parse: ParseOptions) -> (Vec<Marker>, Vec<Diagnostic>) {
    let mut markers = Vec::new();
    let mut findings = Vec::new();
    for (event, range) in parser(source, parse).into_offset_iter() {
        let (Event::Html(text) | Event::InlineHtml(text)) = event else {
            continue;
        };
        let Some(inner) = text
            .trim()
            .strip_prefix("<!--")
            .and_then(|t| t.strip_suffix("-->"))
        else {
            continue;
        };
        let Some(words) = inner.trim().strip_prefix("polish:") else {
            continue;
        };
        let words: Vec<&str> = words.split_whitespace().collect();
        if words.first() != Some(&"index") {
            continue;
        }
        let span = range.start..range.start + text.trim_end().len();
        match words.as_slice() {
            [_, key] => markers.push(Marker {
                key: (*key).to_string(),
                by: None,
                span,
            }),
            [_, key, "by", by] => markers.push(Marker {
                key: (*key).to_string(),
                by: Some((*by).to_string()),
                span,
            }),
            [_] => findings.push(
                Diagnostic::warning(INDEX_MARKER, span, "this index marker names no key")
                    .with_help("write the front matter key to index: `<!-- polish: index tags -->`"),
            ),
            _ => findings.push(
                Diagnostic::warning(
                    INDEX_MARKER,
                    span,
                    format!("this index marker is not `index KEY` or `index KEY by KEY`: `{}`", words.join(" ")),
                )
                .with_help("for example `<!-- polish: index topic -->` or `<!-- polish: index topic by audience -->`"),
            ),
        }
    }
    (markers, findings)
}

/// A lower-case, dash-separated form of `s` for an element id: letters and digits of any
/// script are kept (as mdBook keeps them in heading ids), anything else becomes one `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The form two spellings of one value share: letters and digits only, lower case
/// (`Front-end`, `front end`, `frontend` → `frontend`).
fn variant_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// One value on an index page.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The value as written in front matter.
    pub value: String,
    /// The element id of its section on the index page.
    pub anchor: String,
    /// The pages that carry it (indexes into the catalogue), in book order.
    pub pages: Vec<usize>,
}

/// The index of one key.
#[derive(Debug, Clone)]
pub struct Index {
    /// The page that holds the marker.
    pub page: usize,
    /// The key.
    pub key: String,
    /// Every value, in the book language's alphabetical order.
    pub entries: Vec<Entry>,
}

/// Every page, the indexes, and the book-level findings, per page.
#[derive(Debug, Default)]
pub struct Catalog {
    /// The pages, in book order.
    pub pages: Vec<Page>,
    /// The first index of each key.
    pub indexes: BTreeMap<String, Index>,
    /// Findings by page index (spans in that page's source).
    pub findings: BTreeMap<usize, Vec<Diagnostic>>,
    /// For related pages: (key, value) → the listed pages carrying it, each once, in book
    /// order. Empty unless `related` is on.
    postings: HashMap<(String, String), Vec<usize>>,
}

impl Catalog {
    /// Builds the indexes of the markers in `pages`, and the findings about them.
    /// `keys_in_use` lists the front matter keys the pages use, for the did-you-mean of an
    /// index no page fills (called only then: the pages keep the values of some keys only).
    pub fn build(
        pages: Vec<Page>,
        opts: &Options,
        keys_in_use: &dyn Fn() -> Vec<String>,
    ) -> Catalog {
        let mut cat = Catalog {
            pages,
            ..Catalog::default()
        };
        let collator = collator(opts.language.as_deref());
        let listed = |p: &Page| !p.draft || opts.list_drafts;
        let mut markers: Vec<(usize, Marker)> = Vec::new();
        for (i, p) in cat.pages.iter_mut().enumerate() {
            let found = std::mem::take(&mut p.marker_findings);
            if !found.is_empty() {
                cat.findings.entry(i).or_default().extend(found);
            }
            markers.extend(p.markers.iter().cloned().map(|m| (i, m)));
        }
        // Each key's spellings, read once for its index and for its PL703 findings.
        let pages = &cat.pages;
        let mut scans: HashMap<&str, Vec<(&str, Vec<usize>)>> = HashMap::new();
        for (i, m) in &markers {
            if !opts.index_keys.is_empty() && !opts.index_keys.contains(&m.key) {
                let mut d = Diagnostic::warning(
                    INDEX_MARKER,
                    m.span.clone(),
                    format!(
                        "`{}` is not one of the keys an index may list (`index-keys`)",
                        m.key
                    ),
                );
                d = match crate::frontmatter::suggest::did_you_mean(
                    &m.key,
                    opts.index_keys.iter().map(String::as_str),
                ) {
                    Some(s) => d.with_help(s),
                    None => d.with_help(format!(
                        "add `{}` to `index-keys` in the book's settings, or index one of: {}",
                        m.key,
                        opts.index_keys.join(", ")
                    )),
                };
                cat.findings.entry(*i).or_default().push(d);
                continue;
            }
            if let Some(first) = cat.indexes.get(&m.key) {
                let d = Diagnostic::warning(
                    INDEX_MARKER,
                    m.span.clone(),
                    format!(
                        "`{}` already has an index on `{}`; chips link there, and this one is a copy",
                        m.key, pages[first.page].path
                    ),
                );
                cat.findings.entry(*i).or_default().push(d);
                continue;
            }
            let spelt = scans
                .entry(m.key.as_str())
                .or_insert_with(|| spellings(pages, &m.key));
            let mut entries: Vec<Entry> = spelt
                .iter()
                .filter_map(|(value, on)| {
                    let on: Vec<usize> =
                        on.iter().copied().filter(|&j| listed(&pages[j])).collect();
                    (!on.is_empty()).then(|| Entry {
                        value: value.to_string(),
                        anchor: String::new(),
                        pages: on,
                    })
                })
                .collect();
            if entries.is_empty() {
                let mut keys = keys_in_use();
                keys.sort_unstable();
                keys.dedup();
                let mut d = Diagnostic::warning(
                    INDEX_EMPTY,
                    m.span.clone(),
                    format!("no page has a `{}` value, so this index is empty", m.key),
                );
                if let Some(s) = crate::frontmatter::suggest::did_you_mean(
                    &m.key,
                    keys.iter().map(String::as_str),
                ) {
                    d = d.with_help(s);
                }
                cat.findings.entry(*i).or_default().push(d);
            }
            // The book's alphabetical order; byte order breaks ties so that the order (and
            // the anchors given in it) is the same on every run.
            entries.sort_by(|a, b| {
                let la = opts.label(&m.key, &a.value);
                let lb = opts.label(&m.key, &b.value);
                collator
                    .as_ref()
                    .map_or(std::cmp::Ordering::Equal, |c| c.compare(la, lb))
                    .then_with(|| la.cmp(lb))
                    .then_with(|| a.value.cmp(&b.value))
            });
            assign_anchors(&m.key, &mut entries);
            cat.indexes.insert(
                m.key.clone(),
                Index {
                    page: *i,
                    key: m.key.clone(),
                    entries,
                },
            );
        }
        // PL703 on each indexed or related key.
        let mut keys: Vec<&str> = cat.indexes.keys().map(String::as_str).collect();
        if opts.related > 0 {
            keys.extend(opts.related_keys.iter().map(String::as_str));
        }
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let spelt = scans.entry(key).or_insert_with(|| spellings(pages, key));
            for (i, d) in variant_findings(pages, key, spelt) {
                cat.findings.entry(i).or_default().push(d);
            }
        }
        if opts.related > 0 {
            let mut count = 0;
            for (j, p) in cat.pages.iter().enumerate() {
                if !listed(p) {
                    continue;
                }
                count += 1;
                for k in &opts.related_keys {
                    for v in p.values.get(k).into_iter().flatten() {
                        let list = cat.postings.entry((k.clone(), v.text.clone())).or_default();
                        if list.last() != Some(&j) {
                            list.push(j);
                        }
                    }
                }
            }
            // A value on more than half the pages (`docs` on every page) relates everything to
            // everything: by itself it would list the first pages of the book on every page.
            // It is left out of the scores, like a stop word. Small books keep every value.
            if count >= COMMON_VALUE_MIN_PAGES {
                cat.postings.retain(|_, pages| pages.len() * 2 <= count);
            }
        }
        cat
    }

    /// The chip links for the header: key → (index page path, value → anchor).
    pub fn chip_links(&self) -> ChipLinks {
        let mut links = ChipLinks::default();
        for (key, index) in &self.indexes {
            let anchors = index
                .entries
                .iter()
                .map(|e| (e.value.clone(), e.anchor.clone()))
                .collect();
            links
                .keys
                .insert(key.clone(), (self.pages[index.page].path.clone(), anchors));
        }
        links
    }

    /// The index of `key` as the text that replaces its marker on `page`. `html` gets the
    /// styled list; other renderers plain Markdown.
    pub fn render_index(&self, marker: &Marker, opts: &Options, html: bool) -> String {
        let mut out = String::new();
        self.render_index_into(marker, opts, html, &mut out, 0);
        out
    }

    /// [`Catalog::render_index`] appended to `out`, which is sized for the index and `after`
    /// more bytes (what the caller appends next): an index lists a large book several times
    /// over (an 8 MB page on 10,000 chapters) and is written once, into its chapter
    /// ([`replace_markers`]). Its values' sections are made in parallel, a few at a time.
    pub fn render_index_into(
        &self,
        marker: &Marker,
        opts: &Options,
        html: bool,
        out: &mut String,
        after: usize,
    ) {
        let Some(index) = self.indexes.get(&marker.key) else {
            return;
        };
        let from = &self.pages[index.page].path;
        let by = marker.by.as_deref();
        if html {
            self.index_html(index, by, from, opts, out, after);
        } else {
            self.index_markdown(index, by, from, opts, out, after);
        }
    }

    /// Each value's section of `index`, in order, appended to `out`: a window of sections is
    /// made in parallel, then copied, so that no more than a window is held besides the page
    /// (each fresh page of memory is a page fault: holding the whole index twice cost more
    /// time than copying it).
    fn sections(index: &Index, out: &mut String, section: impl Fn(&Entry, &mut String) + Sync) {
        use rayon::prelude::*;
        let window = 4 * rayon::current_num_threads().max(1);
        for entries in index.entries.chunks(window) {
            let made: Vec<String> = entries
                .par_iter()
                .map(|e| {
                    let mut part = String::new();
                    section(e, &mut part);
                    part
                })
                .collect();
            for part in made {
                out.push_str(&part);
            }
        }
    }

    /// About the length of `index`'s sections: each page's item as many times as it is
    /// listed (under each group it falls in, with `by`), and `extra` bytes per value and a
    /// quarter of that per listing. A hint: a longer index only grows its buffer.
    fn index_len(&self, index: &Index, by: Option<&str>, items: &[String], extra: usize) -> usize {
        let listed = |j: usize| {
            let groups = by.map_or(1, |by| {
                self.pages[j].values.get(by).map_or(1, |v| v.len().max(1))
            });
            groups * (items[j].len() + extra / 4)
        };
        index
            .entries
            .iter()
            .map(|e| extra + e.pages.iter().map(|&j| listed(j)).sum::<usize>())
            .sum()
    }

    fn index_html(
        &self,
        index: &Index,
        by: Option<&str>,
        from: &str,
        opts: &Options,
        out: &mut String,
        after: usize,
    ) {
        let key = &index.key;
        out.push_str("<div class=\"polish-index\">");
        if index.entries.is_empty() {
            out.push_str("<p class=\"polish-index-empty\">No page has a value here yet.</p></div>");
            return;
        }
        out.push_str("<nav class=\"polish-index-values\" aria-label=\"");
        escape_html_into(out, &format!("Values of {key}"));
        out.push_str("\"><ul>");
        for e in &index.entries {
            let _ = write!(out, "<li><a href=\"#{}\">", e.anchor);
            escape_html_into(out, opts.label(key, &e.value));
            let _ = write!(
                out,
                "</a> <span class=\"polish-index-count\">{}</span></li>",
                e.pages.len()
            );
        }
        out.push_str("</ul></nav>");
        let items = self.items(index, |p| Self::item_html(p, from, opts));
        out.reserve(self.index_len(index, by, &items, 256) + after);
        Self::sections(index, out, |e, out| {
            out.reserve(Self::listed_len(&e.pages, &items, 256));
            let _ = write!(
                out,
                "<section class=\"polish-index-entry\"><h2 id=\"{}\">",
                e.anchor
            );
            escape_html_into(out, opts.label(key, &e.value));
            let _ = write!(
                out,
                "</h2><p class=\"polish-index-count\">{}</p>",
                pages_word(e.pages.len())
            );
            match by {
                None => Self::pages_html(&e.pages, &items, out),
                Some(by) => {
                    for (group, pages) in self.groups(&e.pages, by) {
                        out.push_str("<h3>");
                        match group {
                            Some(g) => escape_html_into(out, opts.label(by, g)),
                            None => escape_html_into(out, &format!("No {by}")),
                        }
                        out.push_str("</h3>");
                        Self::pages_html(&pages, &items, out);
                    }
                }
            }
            out.push_str("</section>");
        });
        out.push_str("</div>");
    }

    /// The item of each page listed on `index` (empty for the others), by page: a page is
    /// listed under each of its values, so its item is made once and copied. Made in
    /// parallel: on a large book this is most of an index page's cost, and the page is one
    /// chapter of the run.
    fn items(&self, index: &Index, item: impl Fn(&Page) -> String + Sync) -> Vec<String> {
        use rayon::prelude::*;
        let mut listed = vec![false; self.pages.len()];
        for e in &index.entries {
            for &j in &e.pages {
                listed[j] = true;
            }
        }
        self.pages
            .par_iter()
            .zip(listed)
            .map(|(p, on)| if on { item(p) } else { String::new() })
            .collect()
    }

    /// About the length of one value's part of an index: the items of its `pages`, and
    /// `extra` bytes (a large part is not grown by doubling).
    fn listed_len(pages: &[usize], items: &[String], extra: usize) -> usize {
        extra + pages.iter().map(|&j| items[j].len()).sum::<usize>()
    }

    /// A page's item on an html index: its link, and its summary as the header shows it
    /// (inline Markdown, escaped, safe links).
    fn item_html(p: &Page, from: &str, opts: &Options) -> String {
        let mut item = String::from("<li><a href=\"");
        escape_html_into(&mut item, &relative_link(from, &p.path, true));
        item.push_str("\">");
        escape_html_into(&mut item, &p.title);
        item.push_str("</a>");
        if let Some(s) = &p.summary {
            item.push_str("<p>");
            match &p.summary_text {
                Some(made) => item.push_str(made),
                None => item.push_str(&summary_text(s, true, opts.parse)),
            }
            item.push_str("</p>");
        }
        item.push_str("</li>");
        item
    }

    /// The list of `pages`, from their `items`.
    fn pages_html(pages: &[usize], items: &[String], out: &mut String) {
        out.push_str("<ul class=\"polish-index-pages\">");
        for &j in pages {
            out.push_str(&items[j]);
        }
        out.push_str("</ul>");
    }

    fn index_markdown(
        &self,
        index: &Index,
        by: Option<&str>,
        from: &str,
        opts: &Options,
        out: &mut String,
        after: usize,
    ) {
        let key = &index.key;
        let items = self.items(index, |p| Self::item_markdown(p, from));
        out.reserve(self.index_len(index, by, &items, 64) + after);
        Self::sections(index, out, |e, out| {
            out.reserve(Self::listed_len(&e.pages, &items, 64));
            let _ = write!(
                out,
                "## {}\n\n{}\n\n",
                markdown_text(opts.label(key, &e.value)),
                pages_word(e.pages.len())
            );
            match by {
                None => Self::pages_markdown(&e.pages, &items, out),
                Some(by) => {
                    for (group, pages) in self.groups(&e.pages, by) {
                        let g = group
                            .map_or_else(|| format!("No {by}"), |g| opts.label(by, g).to_string());
                        let _ = write!(out, "### {}\n\n", markdown_text(&g));
                        Self::pages_markdown(&pages, &items, out);
                    }
                }
            }
        });
    }

    /// A page's item on a Markdown index: its link, and its summary on a line below.
    fn item_markdown(p: &Page, from: &str) -> String {
        let mut item = format!(
            "- [{}]({})",
            markdown_text(&p.title),
            relative_link(from, &p.path, false)
        );
        if let Some(s) = &p.summary {
            item.push_str("\\\n  ");
            match &p.summary_text {
                Some(made) => item.push_str(made),
                None => item.push_str(&markdown_text(s)),
            }
        }
        item.push('\n');
        item
    }

    /// The list of `pages` in Markdown, from their `items`.
    fn pages_markdown(pages: &[usize], items: &[String], out: &mut String) {
        for &j in pages {
            out.push_str(&items[j]);
        }
        out.push('\n');
    }

    /// `pages` grouped by their values of `by`, groups in alphabetical order and pages
    /// without a value last; a page with two values is in both groups.
    fn groups<'a>(&'a self, pages: &[usize], by: &str) -> Vec<(Option<&'a str>, Vec<usize>)> {
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut none = Vec::new();
        for &j in pages {
            match self.pages[j].values.get(by) {
                Some(vals) => {
                    for v in vals {
                        let g = groups.entry(v.text.as_str()).or_default();
                        if g.last() != Some(&j) {
                            g.push(j);
                        }
                    }
                }
                None => none.push(j),
            }
        }
        let mut out: Vec<(Option<&str>, Vec<usize>)> =
            groups.into_iter().map(|(g, p)| (Some(g), p)).collect();
        if !none.is_empty() {
            out.push((None, none));
        }
        out
    }

    /// The related pages of page `i`: up to `opts.related` listed pages sharing the most
    /// values of the related keys; ties go to the page earlier in the book. Only the pages
    /// that share a value are looked at (through [`Catalog::postings`]), so a book where
    /// pages share little costs little; a value every page carries makes each page look at
    /// every other one.
    pub fn related(&self, i: usize, opts: &Options) -> Vec<usize> {
        if opts.related == 0 {
            return Vec::new();
        }
        let me = &self.pages[i];
        // Shared values per page, counted in an array (a value on every page makes this the
        // hot loop of a large book: an increment, no hashing), and the pages touched.
        let mut scores = vec![0u32; self.pages.len()];
        let mut touched: Vec<usize> = Vec::new();
        for k in &opts.related_keys {
            let mut seen = HashSet::new();
            for v in me.values.get(k).into_iter().flatten() {
                if !seen.insert(v.text.as_str()) {
                    continue;
                }
                let key = (k.clone(), v.text.clone());
                for &j in self.postings.get(&key).into_iter().flatten() {
                    if j != i {
                        if scores[j] == 0 {
                            touched.push(j);
                        }
                        scores[j] += 1;
                    }
                }
            }
        }
        let mut scored: Vec<(usize, u32)> = touched.into_iter().map(|j| (j, scores[j])).collect();
        // Most shared first, then book order: the first `related` picked in linear time
        // (a full sort per page would be quadratic-times-log on a book sharing one tag).
        let order = |a: &(usize, u32), b: &(usize, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if scored.len() > opts.related {
            scored.select_nth_unstable_by(opts.related, order);
            scored.truncate(opts.related);
        }
        scored.sort_by(order);
        scored.into_iter().map(|(j, _)| j).collect()
    }

    /// The related pages of page `i` as the text appended to the chapter, or `None`.
    pub fn render_related(&self, i: usize, opts: &Options, html: bool) -> Option<String> {
        let related = self.related(i, opts);
        if related.is_empty() {
            return None;
        }
        let from = &self.pages[i].path;
        let mut out = String::new();
        if html {
            out.push_str("<nav class=\"polish-related\" aria-label=\"");
            escape_html_into(&mut out, &opts.related_title);
            out.push_str("\"><h2>");
            escape_html_into(&mut out, &opts.related_title);
            out.push_str("</h2><ul>");
            for j in related {
                out.push_str("<li><a href=\"");
                escape_html_into(&mut out, &relative_link(from, &self.pages[j].path, true));
                out.push_str("\">");
                escape_html_into(&mut out, &self.pages[j].title);
                out.push_str("</a></li>");
            }
            out.push_str("</ul></nav>\n");
        } else {
            let _ = write!(out, "## {}\n\n", markdown_text(&opts.related_title));
            for j in related {
                let p = &self.pages[j];
                let _ = writeln!(
                    out,
                    "- [{}]({})",
                    markdown_text(&p.title),
                    relative_link(from, &p.path, false)
                );
            }
        }
        Some(out)
    }
}

fn pages_word(n: usize) -> String {
    if n == 1 {
        "1 page".to_string()
    } else {
        format!("{n} pages")
    }
}

/// Each value of `key` as written, with the pages that carry it (drafts too; each page once,
/// in book order), in byte order of the values. Read in parallel over runs of pages: on a
/// large book the catalogue is built on one thread between the two parallel passes.
fn spellings<'p>(pages: &'p [Page], key: &str) -> Vec<(&'p str, Vec<usize>)> {
    use rayon::prelude::*;
    const RUN: usize = 1024;
    let runs: Vec<HashMap<&str, Vec<usize>>> = pages
        .par_chunks(RUN)
        .enumerate()
        .map(|(r, run)| {
            let mut seen: HashMap<&str, Vec<usize>> = HashMap::new();
            for (k, p) in run.iter().enumerate() {
                let j = r * RUN + k;
                for v in p.values.get(key).into_iter().flatten() {
                    let on = seen.entry(v.text.as_str()).or_default();
                    // A value written twice on a page lists the page once.
                    if on.last() != Some(&j) {
                        on.push(j);
                    }
                }
            }
            seen
        })
        .collect();
    // Runs in book order: each value's pages stay in book order.
    let mut all: HashMap<&str, Vec<usize>> = HashMap::new();
    for run in runs {
        for (value, on) in run {
            all.entry(value).or_default().extend(on);
        }
    }
    let mut spelt: Vec<(&str, Vec<usize>)> = all.into_iter().collect();
    spelt.sort_unstable_by(|a, b| a.0.cmp(b.0));
    spelt
}

/// PL703 on `key`: a value also written another way on other pages (`spelt`: see
/// [`spellings`]). The finding goes on the less used spellings, suggesting the most used one;
/// findings come in page order, then source order.
fn variant_findings(
    pages: &[Page],
    key: &str,
    spelt: &[(&str, Vec<usize>)],
) -> Vec<(usize, Diagnostic)> {
    // variant form -> spellings: the form is made once per spelling, not once per page.
    let mut forms: HashMap<String, BTreeMap<&str, &[usize]>> = HashMap::new();
    for (spelling, on) in spelt {
        forms
            .entry(variant_key(spelling))
            .or_default()
            .insert(spelling, on);
    }
    let mut found: Vec<(usize, Diagnostic)> = Vec::new();
    for spellings in forms.values() {
        if spellings.len() < 2 {
            continue;
        }
        // The most used spelling wins; ties go to the first in byte order.
        let Some((best, best_pages)) = spellings
            .iter()
            .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| b.0.cmp(a.0)))
        else {
            continue;
        };
        for (spelling, on) in spellings {
            if spelling == best {
                continue;
            }
            for &i in *on {
                for v in pages[i].values.get(key).into_iter().flatten() {
                    if v.text != *spelling {
                        continue;
                    }
                    found.push((
                        i,
                        Diagnostic::warning(
                            VALUE_VARIANTS,
                            v.span.clone(),
                            format!(
                                "`{key}` value `{spelling}` is written `{best}` on {} other page(s)",
                                best_pages.len()
                            ),
                        )
                        .with_help(format!(
                            "did you mean `{best}`? One spelling keeps the pages together on the index"
                        )),
                    ));
                }
            }
        }
    }
    found.sort_by_key(|(i, d)| (*i, d.span.start));
    found
}

/// Gives each entry an id: `key-value` slugs, and on a collision (`C++` and `C` both slug
/// to `c`) a number after the later ones in the index's order (`tags-c-2`). An id is kept
/// clear of every other id the index hands out.
fn assign_anchors(key: &str, entries: &mut [Entry]) {
    let base = match slug(key) {
        s if s.is_empty() => "value".to_string(),
        s => s,
    };
    let mut used: HashSet<String> = HashSet::new();
    for e in entries.iter_mut() {
        let s = slug(&e.value);
        let first = if s.is_empty() {
            base.clone()
        } else {
            format!("{base}-{s}")
        };
        let mut anchor = first.clone();
        let mut n = 2;
        while used.contains(&anchor) {
            anchor = format!("{first}-{n}");
            n += 1;
        }
        used.insert(anchor.clone());
        e.anchor = anchor;
    }
}

/// A page's summary as an index item shows it: html as the header shows it (inline
/// Markdown, escaped, safe links), or escaped Markdown on one line.
pub fn summary_text(summary: &str, html: bool, parse: ParseOptions) -> String {
    if html {
        let mut out = String::with_capacity(summary.len() + 16);
        crate::header::summary_html(&mut out, summary, parse);
        out
    } else {
        markdown_text(summary)
    }
}

/// Front matter text placed in generated Markdown: characters Markdown would read as syntax
/// are escaped, and line breaks become spaces (one line per item).
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        // All of these are ASCII, so every cut is on a character boundary.
        let escaped = match b {
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'#' | b'!' | b'|' | b'&' => {
                true
            }
            b'\n' | b'\r' => false,
            _ => continue,
        };
        out.push_str(&s[from..i]);
        if escaped {
            out.push('\\');
            out.push(char::from(b));
        } else {
            out.push(' ');
        }
        from = i + 1;
    }
    out.push_str(&s[from..]);
    out
}

/// The bytes a link keeps as they are (unreserved, sub-delims, `/`, `:` and `@`); every
/// other byte is percent-encoded. A table: a link is made for every item of an index.
const KEPT_IN_LINK: [bool; 256] = {
    let mut kept = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        kept[b] = c.is_ascii_alphanumeric();
        b += 1;
    }
    let others = b"-._~/!$'()*+,;=:@";
    let mut i = 0;
    while i < others.len() {
        kept[others[i] as usize] = true;
        i += 1;
    }
    kept
};

/// The link from the chapter at `from` to the chapter at `to` (both output paths relative
/// to `src`, `/`-separated): relative, `.md` turned into `.html` for html, and percent-encoded
/// where a URL needs it.
pub fn relative_link(from: &str, to: &str, html: bool) -> String {
    // The folders both paths start with, whole components only (a link is made for every
    // page an index lists: no allocation but the link).
    let from_dir = &from[..from.rfind('/').map_or(0, |i| i + 1)];
    let to_dir = &to[..to.rfind('/').map_or(0, |i| i + 1)];
    let mut common = 0;
    for (i, (a, b)) in from_dir.bytes().zip(to_dir.bytes()).enumerate() {
        if a != b {
            break;
        }
        if a == b'/' {
            common = i + 1;
        }
    }
    let ups = from_dir[common..].bytes().filter(|&b| b == b'/').count();
    let rest = &to[common..];
    let (stem, suffix) = match (html, rest.strip_suffix(".md")) {
        (true, Some(stem)) => (stem, ".html"),
        _ => (rest, ""),
    };
    let mut link = String::with_capacity(3 * ups + stem.len() + suffix.len() + 8);
    for _ in 0..ups {
        link.push_str("../");
    }
    let mut run = 0;
    for (i, b) in stem.bytes().enumerate() {
        if KEPT_IN_LINK[usize::from(b)] {
            continue;
        }
        // A run of bytes left as is holds only ASCII, so a non-empty one starts and ends on
        // character boundaries.
        if run < i {
            link.push_str(&stem[run..i]);
        }
        let _ = write!(link, "%{b:02X}");
        run = i + 1;
    }
    if run < stem.len() {
        link.push_str(&stem[run..]);
    }
    link.push_str(suffix);
    link
}

/// The character a header leaves for a chip whose link is not known yet (see
/// [`crate::header::Chips::Slots`]). A control character: Markdown text does not carry it, and
/// [`fill_chip_slots`] refuses a chapter whose count of it does not match its slots.
pub const SLOT: char = '\u{1}';

/// A chip left as a [`SLOT`]: its key, and its value as written (the link looks it up
/// trimmed, as the index lists it).
#[derive(Debug, Clone, PartialEq)]
pub struct ChipSlot {
    /// The indexed key.
    pub key: String,
    /// The value, as the chip shows it.
    pub value: String,
}

/// The keys whose chips are slots while the chapters run, and the pages their links may
/// point to (so that a chapter's buffer is made big enough for them up front, and no bigger:
/// on 10,000 chapters a loose bound kept ~10 MB that nothing filled).
#[derive(Debug, Clone, Default)]
pub struct SlotKeys {
    /// The keys that have an index marker (a few: a list).
    pub keys: Vec<String>,
    /// The output paths of the chapters holding an index marker of one of them.
    pub index_paths: Vec<String>,
}

impl SlotKeys {
    /// An upper bound of the bytes that filling `slots` adds to the chapter at `from`: per
    /// chip, the link markup, the longest link from `from` to an index page (escaped as the
    /// chip writes it), an anchor (the key's slug, the value's, a collision number) and the
    /// escaped value.
    pub fn room(&self, from: &str, slots: &[ChipSlot]) -> usize {
        if slots.is_empty() {
            return 0;
        }
        let link = self
            .index_paths
            .iter()
            .map(|to| escaped_len(&relative_link(from, to, true)))
            .max()
            .unwrap_or(0);
        // A slug is no longer than an ASCII text; lower-casing may lengthen other text.
        let slug_bound = |t: &str| if t.is_ascii() { t.len() } else { 3 * t.len() };
        slots
            .iter()
            .map(|s| {
                // `value` when the key has no slug; `-N` for the N-th colliding value.
                let anchor = slug_bound(&s.key).max(5) + 1 + slug_bound(&s.value) + 21;
                "<a href=\"#\"></a>".len() + link + anchor + escaped_len(&s.value)
            })
            .sum()
    }
}

/// The length of `s` once [`escape_html_into`] has escaped it.
fn escaped_len(s: &str) -> usize {
    s.bytes()
        .map(|b| crate::header::html_escape_of(b).map_or(1, str::len))
        .sum()
}

/// Whether `content` (a chapter's run, `None` when unchanged) holds exactly one [`SLOT`] per
/// chip in `slots`, so that [`fill_chip_slots`] can fill them.
pub fn slots_fit(content: Option<&str>, slots: &[ChipSlot]) -> bool {
    match content {
        Some(text) => memchr::memchr_iter(SLOT as u8, text.as_bytes()).count() == slots.len(),
        None => slots.is_empty(),
    }
}

/// Fills the chip slots of a chapter at output path `from`: each [`SLOT`] in `content`
/// becomes its chip, linked to its value's anchor when the index lists the value. Returns
/// `false`, changing nothing, when the content does not hold exactly one slot per chip (a
/// chapter whose own text has the character): the caller renders that chapter again with
/// the links known.
pub fn fill_chip_slots(
    content: &mut String,
    slots: &[ChipSlot],
    links: &ChipLinks,
    from: &str,
) -> bool {
    let at: Vec<usize> = memchr::memchr_iter(SLOT as u8, content.as_bytes()).collect();
    if at.len() != slots.len() {
        return false;
    }
    let (Some(&first), Some(&last)) = (at.first(), at.last()) else {
        return true;
    };
    // One link per index page from this chapter, not one per chip.
    let mut to_index: Vec<(&str, String)> = Vec::new();
    let mut filled = String::with_capacity(last + 1 - first + 64 * slots.len());
    let mut prev = first;
    for (&i, slot) in at.iter().zip(slots) {
        filled.push_str(&content[prev..i]);
        let href = links.keys.get(&slot.key).and_then(|(page, anchors)| {
            let anchor = anchors.get(slot.value.trim())?;
            let base = match to_index.iter().position(|(p, _)| p == page) {
                Some(k) => k,
                None => {
                    let base = if page == from {
                        String::new()
                    } else {
                        relative_link(from, page, true)
                    };
                    to_index.push((page, base));
                    to_index.len() - 1
                }
            };
            Some((base, anchor))
        });
        let href = href.map(|(base, anchor)| [to_index[base].1.as_str(), "#", anchor]);
        crate::header::chip_into(&mut filled, &slot.value, href.as_ref().map(|h| &h[..]));
        prev = i + 1;
    }
    // Two moves of the text after the header, in the room the chapter's run left
    // (`String::replace_range` splices byte by byte).
    content.drain(first..=last);
    content.insert_str(first, &filled);
    true
}

/// Per indexed key, where its index is and each value's anchor: what the header needs to
/// turn chips into links.
#[derive(Debug, Clone, Default)]
pub struct ChipLinks {
    /// key → (index page output path, value → anchor)
    pub keys: BTreeMap<String, (String, HashMap<String, String>)>,
}

impl ChipLinks {
    /// The href of `value`'s chip of `key` on the page at `from`, when `key` has an index.
    pub fn href(&self, from: &str, key: &str, value: &str) -> Option<String> {
        let (page, anchors) = self.keys.get(key)?;
        let anchor = anchors.get(value)?;
        let mut link = if page == from {
            String::new()
        } else {
            relative_link(from, page, true)
        };
        link.push('#');
        link.push_str(anchor);
        Some(link)
    }
}

/// The locale-aware order of the book's language, or `None` when the language is unknown to
/// ICU (values are then in code point order).
fn collator(language: Option<&str>) -> Option<icu_collator::CollatorBorrowed<'static>> {
    // No language, or one ICU cannot read: the root order (Unicode's default collation).
    let locale = language
        .and_then(|l| icu_locale_core::Locale::try_from_str(l).ok())
        .unwrap_or(icu_locale_core::Locale::UNKNOWN);
    icu_collator::Collator::try_new(
        locale.into(),
        icu_collator::options::CollatorOptions::default(),
    )
    .ok()
}

/// A link in a chapter to a left-out draft page.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftLink {
    /// The whole link.
    pub span: Range<usize>,
    /// Its text, which stays on the page.
    pub text: Range<usize>,
    /// The draft's path.
    pub target: String,
}

/// The links in `text` (a chapter at `from`) to any of the `drafts` (paths relative to
/// `src`, source or output). Images and links in code are not links.
pub fn links_to_drafts(
    text: &str,
    from: &str,
    drafts: &HashSet<String>,
    parse: ParseOptions,
) -> Vec<DraftLink> {
    // A cheap look for a file name first: most chapters link to no draft.
    let mentions = drafts.iter().any(|d| {
        let name = d.rsplit('/').next().unwrap_or(d);
        let stem = name.strip_suffix(".md").unwrap_or(name);
        memchr::memmem::find(text.as_bytes(), stem.as_bytes()).is_some()
    });
    if !mentions {
        return Vec::new();
    }
    /// A link being read: its span, the draft it names, the span of its text so far.
    struct Open {
        span: Range<usize>,
        target: Option<String>,
        text: Option<Range<usize>>,
    }
    let mut out = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    for (event, range) in parser(text, parse).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let target = resolve(from, &dest_url).filter(|t| drafts.contains(t));
                open.push(Open {
                    span: range,
                    target,
                    text: None,
                });
            }
            Event::End(TagEnd::Link) => {
                if let Some(Open {
                    span,
                    target: Some(target),
                    text,
                }) = open.pop()
                {
                    out.push(DraftLink {
                        text: text.unwrap_or(span.start..span.start),
                        span,
                        target,
                    });
                }
            }
            _ => {
                if let Some(top) = open.last_mut() {
                    let t = top.text.get_or_insert(range.clone());
                    t.end = t.end.max(range.end);
                }
            }
        }
    }
    out
}

/// The page a link's destination names, relative to `src`, when it is a relative link to a
/// Markdown or html page.
fn resolve(from: &str, dest: &str) -> Option<String> {
    if dest.contains("://") || dest.starts_with('#') || dest.starts_with("mailto:") {
        return None;
    }
    let path = dest.split(['#', '?']).next()?;
    if path.is_empty() {
        return None;
    }
    let path = percent_decode(path);
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut d: Vec<&str> = from.split('/').collect();
        d.pop();
        d
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match joined.strip_suffix(".html") {
        Some(stem) => Some(format!("{stem}.md")),
        None => Some(joined),
    }
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The finding for a link to a left-out draft.
pub fn draft_link_finding(link: &DraftLink) -> Diagnostic {
    Diagnostic::warning(
        DRAFT_LINK,
        link.span.clone(),
        format!(
            "this links to `{}`, a draft the build leaves out; the link is shown as text",
            link.target
        ),
    )
    .with_help(
        "publish the page (remove `draft: true`), remove the link, or build with drafts shown (`drafts = \"show\"`)",
    )
}

/// `text` with each of `links` replaced by its text. Links are in text order and do not
/// overlap (a Markdown link cannot hold another).
pub fn unlink(text: &str, links: &[DraftLink]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for l in links {
        if l.span.start < at {
            continue;
        }
        out.push_str(&text[at..l.span.start]);
        out.push_str(&text[l.text.clone()]);
        at = l.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The markers of `text` (a processed chapter) replaced by what `render(marker, out, after)`
/// appends to `out` (`after`: the bytes of `text` still to come, for sizing `out` once).
/// Markers are found again in the processed text: what the other jobs inserted moved them.
pub fn replace_markers(
    text: &str,
    parse: ParseOptions,
    mut render: impl FnMut(&Marker, &mut String, usize),
) -> String {
    let (markers, _) = find_markers(text, parse);
    if markers.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in &markers {
        out.push_str(&text[at..m.span.start]);
        render(m, &mut out, text.len() - m.span.end);
        at = m.span.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::{self, Limits};

    fn index_marker(key: &str) -> Marker {
        Marker {
            key: key.into(),
            by: None,
            span: 0..0,
        }
    }

    fn page(path: &str, yaml: &str) -> Page {
        let src = format!("---\n{yaml}\n---\n\n# T\n");
        let fm = frontmatter::extract(&src, &Limits::default());
        let mut page = Page {
            path: path.into(),
            title: "Name".into(),
            ..Page::default()
        };
        if let Some(data) = &fm.data {
            page.fill(data, None);
        }
        page
    }

    /// The first, plainer version of [`relative_link`], kept as the reference.
    fn relative_link_reference(from: &str, to: &str, html: bool) -> String {
        let from_dirs: Vec<&str> = from.split('/').collect();
        let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
        let to_parts: Vec<&str> = to.split('/').collect();
        let common = from_dirs
            .iter()
            .zip(&to_parts)
            .take_while(|(a, b)| a == b)
            .count()
            .min(to_parts.len().saturating_sub(1));
        let mut link = "../".repeat(from_dirs.len() - common);
        let rest = to_parts[common..].join("/");
        let rest = match (html, rest.strip_suffix(".md")) {
            (true, Some(stem)) => format!("{stem}.html"),
            _ => rest,
        };
        for b in rest.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~/!$'()*+,;=:@".contains(&b) {
                link.push(char::from(b));
            } else {
                let _ = write!(link, "%{b:02X}");
            }
        }
        link
    }

    #[test]
    fn relative_links_match_the_reference() {
        let paths = [
            "a.md",
            "b.md",
            "index.md",
            "guide/a.md",
            "guide/b.md",
            "gu/a.md",
            "guide/x/a.md",
            "guide/x/y/z.md",
            "guidex/a.md",
            "ref/tags.md",
            "ü ber/ä%b.md",
            "a.md.md",
            "x/.md",
            "guide/",
            "a/b/c",
            "",
        ];
        for from in paths {
            for to in paths {
                for html in [true, false] {
                    assert_eq!(
                        relative_link(from, to, html),
                        relative_link_reference(from, to, html),
                        "{from} -> {to} (html {html})"
                    );
                }
            }
        }
    }

    #[test]
    fn relative_links_between_chapters() {
        assert_eq!(relative_link("a.md", "b.md", true), "b.html");
        assert_eq!(
            relative_link("guide/a.md", "ref/tags.md", true),
            "../ref/tags.html"
        );
        assert_eq!(
            relative_link("guide/x/a.md", "guide/b.md", false),
            "../b.md"
        );
        assert_eq!(
            relative_link("a.md", "guide/b c.md", true),
            "guide/b%20c.html"
        );
        assert_eq!(relative_link("guide/a.md", "guide/b.md", true), "b.html");
    }

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slug("Front-end  Devs!"), "front-end-devs");
        assert_eq!(slug("Économie"), "économie");
        assert_eq!(slug("日本語"), "日本語");
        assert_eq!(slug("++"), "");
    }

    /// The room a chapter's run leaves is enough for its filled chips, whatever the values
    /// (colliding, escaped, non-ASCII, long) and however deep the chapter and the index are.
    #[test]
    fn slot_room_bounds_what_filling_adds() {
        let values = [
            "C++",
            "C",
            "c#",
            "c",
            "<b>&\"'",
            "Économie",
            "ẞtraße",
            "日本語",
            "a b  c",
            "x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x",
        ];
        let yaml = format!("tags: [{}]", values.map(|v| format!("{v:?}")).join(", "));
        let index_path = "réf/ü ber/tags index.md";
        let mut pages = vec![page("a.md", &yaml), page(index_path, "title: Index")];
        pages[1].markers.push(index_marker("tags"));
        let cat = Catalog::build(pages, &Options::default(), &Vec::new);
        let links = cat.chip_links();
        let keys = SlotKeys {
            keys: ["tags".to_string()].into(),
            index_paths: vec!["a.md".into(), index_path.into()],
        };
        for from in ["a.md", "deep/er/still/page.md", index_path] {
            let slots: Vec<ChipSlot> = values
                .iter()
                .map(|v| ChipSlot {
                    key: "tags".into(),
                    value: v.to_string(),
                })
                .collect();
            let mut text = format!("<ul>{}</ul>", "<li>\u{1}</li>".repeat(slots.len()));
            let before = text.len();
            assert!(fill_chip_slots(&mut text, &slots, &links, from));
            assert!(text.matches("<a href=").count() == values.len(), "{text}");
            assert!(
                text.len() - before <= keys.room(from, &slots),
                "from {from}: added {}, room {}",
                text.len() - before,
                keys.room(from, &slots)
            );
        }
    }

    #[test]
    fn slot_room_is_close_for_plain_values() {
        // The room a chapter keeps is spent, but for the collision number's digits and the
        // slot character itself: nothing like the old bound's ~300 bytes a chip.
        let mut pages = vec![
            page("guide/deep/page.md", "tags: [alpha, beta-gamma]"),
            page("ref/tags.md", "title: Index"),
        ];
        pages[1].markers.push(index_marker("tags"));
        let cat = Catalog::build(pages, &Options::default(), &Vec::new);
        let keys = SlotKeys {
            keys: vec!["tags".into()],
            index_paths: vec!["ref/tags.md".into()],
        };
        let slots: Vec<ChipSlot> = ["alpha", "beta-gamma"]
            .iter()
            .map(|v| ChipSlot {
                key: "tags".into(),
                value: v.to_string(),
            })
            .collect();
        let mut text = "<li>\u{1}</li><li>\u{1}</li>".to_string();
        let before = text.len();
        assert!(fill_chip_slots(
            &mut text,
            &slots,
            &cat.chip_links(),
            "guide/deep/page.md"
        ));
        assert!(
            text.contains("href=\"../../ref/tags.html#tags-beta-gamma\""),
            "{text}"
        );
        let added = text.len() - before;
        let room = keys.room("guide/deep/page.md", &slots);
        assert!(
            added <= room && room - added <= 24 * slots.len(),
            "added {added}, room {room}"
        );
    }

    #[test]
    fn colliding_values_get_distinct_anchors() {
        let pages = vec![
            page("a.md", "tags: [C++, C, c#]"),
            page("idx.md", "title: Index"),
        ];
        let mut pages = pages;
        pages[1].markers.push(index_marker("tags"));
        let cat = Catalog::build(pages, &Options::default(), &Vec::new);
        let anchors: Vec<&str> = cat.indexes["tags"]
            .entries
            .iter()
            .map(|e| e.anchor.as_str())
            .collect();
        let unique: HashSet<&&str> = anchors.iter().collect();
        assert_eq!(unique.len(), 3, "{anchors:?}");
        assert!(anchors.contains(&"tags-c"));
    }

    #[test]
    fn locale_aware_order() {
        // The values of `tags` on an index, in the order `language` gives them.
        let order = |yaml: &str, language: &str| -> Vec<String> {
            let mut pages = vec![page("a.md", yaml)];
            pages[0].markers.push(index_marker("tags"));
            let opts = Options {
                language: Some(language.into()),
                ..Options::default()
            };
            let cat = Catalog::build(pages, &opts, &Vec::new);
            cat.indexes["tags"]
                .entries
                .iter()
                .map(|e| e.value.clone())
                .collect()
        };
        // Code point order would give `Affe, Zoo, zebra, Ähre`.
        assert_eq!(
            order("tags: [Zoo, zebra, Ähre, Affe]", "de"),
            ["Affe", "Ähre", "zebra", "Zoo"]
        );
        // Swedish sorts Ä after Z.
        assert_eq!(
            order("tags: [zebra, Ähre, Affe]", "sv"),
            ["Affe", "zebra", "Ähre"]
        );
    }

    #[test]
    fn markers_in_code_are_examples() {
        let src = "# T\n\n<!-- polish: index tags -->\n\n```md\n<!-- polish: index topic -->\n```\n\n`<!-- polish: index audience -->`\n";
        let (m, f) = find_markers(src, ParseOptions::default());
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].key, "tags");
        assert_eq!(&src[m[0].span.clone()], "<!-- polish: index tags -->");
        assert!(f.is_empty());
        let (_, f) = find_markers(
            "<!-- polish: index -->\n\n<!-- polish: index a b c -->\n",
            ParseOptions::default(),
        );
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|d| d.code == INDEX_MARKER));
    }

    #[test]
    fn variants_are_reported_on_the_less_used_spelling() {
        let mut pages = vec![
            page("a.md", "tags: [Front-end]"),
            page("b.md", "tags: [frontend]"),
            page("c.md", "tags: [frontend, Back end]"),
            page("d.md", "tags: [back-end]"),
        ];
        pages[0].markers.push(index_marker("tags"));
        let cat = Catalog::build(pages, &Options::default(), &Vec::new);
        let f: Vec<(usize, String)> = cat
            .findings
            .iter()
            .flat_map(|(i, ds)| ds.iter().map(move |d| (*i, d.message.clone())))
            .collect();
        assert!(
            f.iter()
                .any(|(i, m)| *i == 0 && m.contains("`Front-end` is written `frontend` on 2")),
            "{f:?}"
        );
        // A tie goes to the first spelling in byte order (`Back end` < `back-end`).
        assert!(
            f.iter()
                .any(|(i, m)| *i == 3 && m.contains("`back-end` is written `Back end`")),
            "{f:?}"
        );
        assert_eq!(f.len(), 2, "{f:?}");
    }

    #[test]
    fn related_pages_by_shared_values_with_stable_ties() {
        let pages = vec![
            page("a.md", "tags: [x, y]\ntopic: t"),
            page("b.md", "tags: [x]"),
            page("c.md", "tags: [x, y]"),
            page("d.md", "tags: [y]"),
            page("e.md", "tags: [z]\ndraft: true"),
            page("f.md", "tags: [x, y]\ntopic: t\ndraft: true"),
        ];
        let opts = Options {
            related: 3,
            related_keys: vec!["tags".into(), "topic".into()],
            ..Options::default()
        };
        let cat = Catalog::build(pages.clone(), &opts, &Vec::new);
        assert_eq!(cat.related(0, &opts), [2, 1, 3]);
        assert!(cat.related(4, &opts).is_empty());
        let shown = Options {
            list_drafts: true,
            ..opts.clone()
        };
        let cat = Catalog::build(pages, &shown, &Vec::new);
        assert_eq!(cat.related(0, &shown), [5, 2, 1]);
    }

    #[test]
    fn a_value_on_most_pages_relates_nothing() {
        let mut pages: Vec<Page> = (0..10)
            .map(|i| page(&format!("p{i}.md"), "tags: [docs]"))
            .collect();
        pages[3] = page("p3.md", "tags: [docs, cache]");
        pages[7] = page("p7.md", "tags: [docs, cache]");
        let opts = Options {
            related: 3,
            related_keys: vec!["tags".into()],
            ..Options::default()
        };
        let cat = Catalog::build(pages.clone(), &opts, &Vec::new);
        // `docs` is on every page: only `cache` relates, and only p3 and p7.
        assert_eq!(cat.related(3, &opts), [7]);
        assert!(cat.related(0, &opts).is_empty());
        // In a small book every value counts.
        let cat = Catalog::build(pages[..4].to_vec(), &opts, &Vec::new);
        assert_eq!(cat.related(0, &opts), [1, 2, 3]);
    }

    /// A large book at the limits: 5,000 pages, each with values of their own and one that
    /// every page shares, one value 10,000 characters long, and anchors that all collide. The
    /// index lists every value once, the shared value relates nothing, nothing panics.
    #[test]
    fn a_large_book_with_colliding_and_huge_values() {
        let n = 5_000;
        let long = "x".repeat(10_000);
        let mut pages: Vec<Page> = (0..n)
            .map(|i| {
                // `C+1`, `C-1`... all slug to `c-1`-like forms; `c#i` and `c i` collide.
                let yaml = format!("tags: [\"c#{i}\", \"c {i}\", shared]");
                page(&format!("d{}/p{i}.md", i % 50), &yaml)
            })
            .collect();
        pages[0] = page("d0/p0.md", &format!("tags: [{long}, shared]"));
        pages[1].markers.push(index_marker("tags"));
        let opts = Options {
            related: 3,
            related_keys: vec!["tags".into()],
            ..Options::default()
        };
        let cat = Catalog::build(pages, &opts, &Vec::new);
        let index = &cat.indexes["tags"];
        assert_eq!(index.entries.len(), 2 * (n - 1) + 2);
        let anchors: HashSet<&str> = index.entries.iter().map(|e| e.anchor.as_str()).collect();
        assert_eq!(anchors.len(), index.entries.len(), "anchors are unique");
        assert!(
            cat.related(5, &opts).is_empty(),
            "only `shared` links pages"
        );
        let html = cat.render_index(&cat.pages[1].markers[0], &opts, true);
        assert!(!html.contains('\n'));
        assert_eq!(html.matches("<section").count(), index.entries.len());
    }

    #[test]
    fn draft_links_are_found_and_unlinked() {
        let drafts: HashSet<String> = ["guide/wip.md".to_string()].into();
        let src = "See [the plan](wip.md#top) and [other](../x.md) and `[c](wip.md)`.\n";
        let links = links_to_drafts(src, "guide/a.md", &drafts, ParseOptions::default());
        assert_eq!(links.len(), 1);
        assert_eq!(&src[links[0].span.clone()], "[the plan](wip.md#top)");
        assert_eq!(
            unlink(src, &links),
            "See the plan and [other](../x.md) and `[c](wip.md)`.\n"
        );
        let html = links_to_drafts(
            "[a](../guide/wip.html)",
            "ref/b.md",
            &drafts,
            ParseOptions::default(),
        );
        assert_eq!(html.len(), 1);
    }

    #[test]
    fn may_be_draft_looks_at_line_starts() {
        assert!(may_be_draft("---\ndraft: true\n---\n"));
        assert!(!may_be_draft("---\ntitle: a draft\n---\n"));
    }

    #[test]
    fn everything_from_front_matter_is_escaped() {
        let mut pages = vec![page(
            "a.md",
            "title: \"<script>x</script>\"\nsummary: \"a & <b>\"\ntags: [\"<i>\"]",
        )];
        pages[0].markers.push(index_marker("tags"));
        let cat = Catalog::build(pages, &Options::default(), &Vec::new);
        let m = cat.pages[0].markers[0].clone();
        let html = cat.render_index(&m, &Options::default(), true);
        assert!(
            !html.contains("<script>") && !html.contains("<i>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;") && html.contains("a &amp; &lt;b&gt;"));
        assert!(!html.contains('\n'), "one raw HTML line: {html}");
        let md = cat.render_index(&m, &Options::default(), false);
        assert!(md.contains("\\<script\\>"), "{md}");
    }
}
