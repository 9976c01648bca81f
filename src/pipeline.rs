//! One chapter through every job: encoding repair, front matter, schema, header, comparisons.
//!
//! The preprocessor, `check` and `fix` are three drivers of [`process`]. Encoding repair runs
//! first on the whole source (so a broken `summary` is repaired before it is validated); later
//! jobs work on the repaired text and their diagnostic spans are mapped back to the source
//! with an [`OffsetMap`], so `file:line:col` always points at what the author wrote.

use std::ops::Range;
use std::sync::Arc;

use crate::collection::{ChipLinks, ChipSlot, SlotKeys};
use crate::compare::{self, CompareOptions};
use crate::diagnostic::Diagnostic;
use crate::encoding::{self, RepairOptions};
use crate::frontmatter::{self, Limits, Node, schema::Schema};
use crate::header::{self, HeaderConfig};
use crate::markdown::pulldown_cmark::{Event, Tag};
use crate::markdown::{Edit, OffsetMap, ParseOptions, apply_edits, apply_edits_with_room};
use crate::policy::{Levels, Suppressions};

/// Rule: a chapter that must have front matter has none.
pub const MISSING_FRONT_MATTER: &str = "PL106";

/// What to run on a chapter. Build it once per book; it is cheap to share across threads.
#[derive(Clone, Default)]
pub struct Settings {
    /// Mojibake repair, or `None` to skip it.
    pub repair: Option<RepairOptions>,
    /// Front matter bounds.
    pub limits: Limits,
    /// Schema to validate against, or `None` to skip validation.
    pub schema: Option<Arc<Schema>>,
    /// Metadata header (html only), or `None` for none.
    pub header: Option<HeaderConfig>,
    /// Comparison components (html only), or `None` for none.
    pub compare: Option<CompareOptions>,
    /// mdBook's parser flags.
    pub parse: ParseOptions,
    /// Rule levels (`[rules]`).
    pub levels: Levels,
    /// The book's index pages, for the header's chips to link to (set by the preprocessor
    /// when the book has an index marker).
    pub links: Option<Arc<ChipLinks>>,
    /// The keys whose chips are left as slots for links filled in later (set by the
    /// preprocessor while it reads the book; see [`crate::header::Chips::Slots`]). Wins over
    /// `links`.
    pub chip_slots: Option<Arc<SlotKeys>>,
    /// Only the findings are wanted (`check`): every job still runs its checks, but no header
    /// or comparison HTML is built and [`ChapterResult::content`] stays `None`.
    pub diagnostics_only: bool,
}

impl Settings {
    /// Whether the schema in use has required keys (then, by default, every chapter must
    /// have front matter: see [`crate::config::Require`]).
    pub fn schema_requires_keys(&self) -> bool {
        self.schema
            .as_ref()
            .is_some_and(|s| !s.required_keys().is_empty())
    }

    /// Every job on with its default options: repair, the embedded schema, the header and
    /// comparison components, mdBook's default parser flags. What `book.toml` gives with no
    /// `[preprocessor.polish]` options; the shared setting of the hostile-input tests, the
    /// property tests, the benchmarks and the fuzz targets, so they all exercise the same
    /// pipeline.
    pub fn all_jobs() -> Settings {
        Settings {
            repair: Some(RepairOptions::default()),
            schema: Some(Arc::new(Schema::embedded())),
            header: Some(HeaderConfig::default()),
            compare: Some(CompareOptions::default()),
            ..Settings::default()
        }
    }
}

/// What one chapter's run produced.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ChapterResult {
    /// The new chapter text, or `None` when it is byte-identical to the input (always `None`
    /// under [`Settings::diagnostics_only`]).
    pub content: Option<String>,
    /// The source with only encoding repairs applied (what `fix` writes), or `None`.
    pub repaired: Option<String>,
    /// Every finding, with spans in the original source.
    pub diagnostics: Vec<Diagnostic>,
    /// The parsed front matter, when there was some, with spans in the original source.
    pub front_matter: Option<Node>,
    /// A `title:` from the front matter, for the chapter's name.
    pub title: Option<String>,
    /// The header's chip slots, in order (with [`Settings::chip_slots`]).
    pub chip_slots: Vec<ChipSlot>,
    /// The header's summary as HTML (with [`Settings::chip_slots`]): an index lists the page
    /// with it, and need not make it again.
    pub summary_html: Option<String>,
}

/// Per-chapter inputs that vary between chapters.
#[derive(Debug, Clone, Copy)]
pub struct ChapterInput<'a> {
    /// The chapter's Markdown.
    pub source: &'a str,
    /// Prefix for element ids (see [`header::id_prefix`]).
    pub id_prefix: &'a str,
    /// Render html-only parts (header, comparison components).
    pub html: bool,
    /// The chapter must have front matter.
    pub require_front_matter: bool,
}

/// Runs every enabled job on one chapter.
pub fn process(input: ChapterInput<'_>, settings: &Settings) -> ChapterResult {
    process_inner(input, "", settings, true, None).0
}

/// [`process`] for a chapter of a book at `path` (its output path relative to `src`,
/// `guide/intro.md`), which the header's links to index pages start from. `front_matter`, when
/// given, is [`frontmatter::extract`] of this source with `settings.limits`, already made for
/// the book-level jobs: it is used instead of parsing again unless the repair changed the text.
pub fn process_at(
    input: ChapterInput<'_>,
    path: &str,
    settings: &Settings,
    front_matter: Option<frontmatter::Extracted>,
) -> ChapterResult {
    process_inner(input, path, settings, true, front_matter).0
}

/// [`process`]; with `share`, one parse may serve the repair and the comparison job (see
/// [`Shared`]). Also says whether it did: the tests run both ways and compare.
fn process_inner(
    input: ChapterInput<'_>,
    path: &str,
    settings: &Settings,
    share: bool,
    front_matter: Option<frontmatter::Extracted>,
) -> (ChapterResult, bool) {
    let src = input.source;
    let mut out = ChapterResult::default();

    // 1. Encoding repair on the raw source.
    let tables_wanted = settings
        .compare
        .as_ref()
        .filter(|_| input.html && share)
        .map(|opts| (opts, settings.diagnostics_only));
    let (repair_edits, repair_diags, repaired, shared) = match &settings.repair {
        Some(opts) if encoding::has_suspects(src) => repair(src, opts, tables_wanted),
        _ => (Vec::new(), Vec::new(), None, None),
    };
    out.diagnostics.extend(repair_diags);
    out.repaired = repaired;
    let text: &str = out.repaired.as_deref().unwrap_or(src);
    let map = OffsetMap::new(&repair_edits);
    let mut later: Vec<Diagnostic> = Vec::new();

    // 2. Front matter: find, parse, validate; hide it for every renderer.
    let mut edits: Vec<Edit> = Vec::new();
    let fm = match front_matter {
        // Parsed from the source: the same text unless the repair changed it.
        Some(fm) if out.repaired.is_none() => fm,
        _ if might_have_front_matter_or_near_miss(text) => {
            frontmatter::extract(text, &settings.limits)
        }
        _ => frontmatter::Extracted::default(),
    };
    let near_miss = fm.block.is_none() && !fm.diagnostics.is_empty();
    later.extend(fm.diagnostics);
    let body_start = match &fm.block {
        Some(block) => {
            let end = head_end(text, block);
            edits.push(Edit::replace(block.range.start..end, ""));
            end
        }
        None => 0,
    };
    // A fence near miss (PL101-PL107) already says why no block was read: one report.
    if fm.block.is_none() && !near_miss && input.require_front_matter {
        later.push(missing_front_matter(settings.schema.as_deref()));
    }
    if let Some(data) = &fm.data {
        if let Some(schema) = &settings.schema {
            later.extend(schema.validate(data, text));
        }
        out.title = data
            .get("title")
            .and_then(Node::scalar_text)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
    }
    let body = &text[body_start..];
    // The repair's parse of the body, when it also found the tables and the repair changed
    // nothing that decides them.
    let tables = shared.and_then(|shared| shared.into_tables(src, &repair_edits, &map, body_start));
    let shared_used = tables.is_some();

    // 3. Html-only parts. With `diagnostics_only`, the same checks without the HTML.
    if input.html && settings.diagnostics_only {
        if let (Some(cfg), Some(data)) = (&settings.header, &fm.data) {
            let diags = header::diagnostics(data, cfg);
            later.extend(not_reported_yet(diags, &later));
        }
        if let Some(opts) = &settings.compare {
            let notes = match tables {
                Some(tables) if compare::might_act(body, opts, true) => {
                    compare::notes_of_tables(&tables, opts)
                }
                Some(_) => Vec::new(),
                None => compare::notes(body, opts),
            };
            later.extend(notes.into_iter().map(|d| d.shifted(body_start)));
        }
    } else if input.html {
        if let (Some(cfg), Some(data)) = (&settings.header, &fm.data) {
            let chips = match (&settings.chip_slots, &settings.links) {
                (Some(slots), _) => header::Chips::Slots {
                    keys: &slots.keys,
                    slots: &mut out.chip_slots,
                    summary: &mut out.summary_html,
                },
                (None, Some(links)) => header::Chips::Linked(links, path),
                (None, None) => header::Chips::Plain,
            };
            let (html, diags) = header::render(data, cfg, input.id_prefix, settings.parse, chips);
            later.extend(not_reported_yet(diags, &later));
            if let Some(html) = html {
                let place = header::insertion_point(body, settings.parse);
                edits.push(Edit::insert(
                    body_start + place.at,
                    header::splice_text(&html, body, place),
                ));
            }
        }
        if let Some(opts) = &settings.compare {
            let (cmp_edits, diags) = match tables {
                Some(tables) if compare::might_act(body, opts, false) => {
                    compare::transform_tables(body, &tables, opts, input.id_prefix)
                }
                Some(_) => (Vec::new(), Vec::new()),
                None => compare::transform(body, opts, input.id_prefix),
            };
            edits.extend(cmp_edits.into_iter().map(|e| e.shifted(body_start)));
            later.extend(diags.into_iter().map(|d| d.shifted(body_start)));
        }
    }

    out.diagnostics
        .extend(later.into_iter().map(|d| map_back(d, &map)));
    // What the author said about these findings, in comments of the source they wrote, and
    // what the team said in `[rules]`.
    let (mut suppressions, bad) = Suppressions::parse(src, settings.parse);
    suppressions.apply(&mut out.diagnostics, src);
    out.diagnostics.extend(bad);
    out.diagnostics.extend(suppressions.unused());
    settings.levels.apply(&mut out.diagnostics);
    // Position order, so every driver reports a chapter's findings the same way.
    out.diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code))
    });
    out.content = if settings.diagnostics_only {
        None
    } else {
        if uses_crlf(text) {
            for e in &mut edits {
                crlf_line_ends(&mut e.replacement);
            }
        }
        // Room for the chips' links, filled in place once the book is read.
        let room = match &settings.chip_slots {
            Some(slots) if !out.chip_slots.is_empty() => slots.room(path, &out.chip_slots),
            _ => 0,
        };
        match apply_edits_with_room(text, &edits, room) {
            Some(new) => Some(new),
            None => out.repaired.clone(),
        }
    };
    out.front_matter = fm.data.map(|mut data| {
        if !repair_edits.is_empty() {
            spans_to_original(&mut data, &map);
        }
        data
    });
    (out, shared_used)
}

/// PL106, naming the keys the schema requires, when it does.
fn missing_front_matter(schema: Option<&Schema>) -> Diagnostic {
    let keys: Vec<String> = schema
        .map(Schema::required_keys)
        .unwrap_or_default()
        .iter()
        .map(|k| format!("`{k}`"))
        .collect();
    let message = if keys.is_empty() {
        "this chapter has no front matter".to_string()
    } else {
        let shown = keys.iter().take(6).cloned().collect::<Vec<_>>().join(", ");
        let more = if keys.len() > 6 { ", ..." } else { "" };
        format!("this chapter has no front matter, and the schema requires {shown}{more}")
    };
    Diagnostic::error(MISSING_FRONT_MATTER, 0..0, message).with_help(
        "start the file with a `---` line, the YAML fields, and a closing `---` line; if this page needs none, exclude it in book.toml: `require-front-matter = [\"!path/of/page.md\"]`",
    )
}

/// The header's findings on values the schema already reported: one mistake, one report (a
/// `javascript:` figma link is a schema error; its header warning would say the same again).
fn not_reported_yet(header: Vec<Diagnostic>, earlier: &[Diagnostic]) -> Vec<Diagnostic> {
    header
        .into_iter()
        .filter(|d| {
            !earlier
                .iter()
                .any(|e| e.span == d.span && e.code.starts_with("PL2"))
        })
        .collect()
}

/// Whether the chapter ends its lines with CRLF (judged by its first line break): what we
/// insert (the header, a component's markup) then ends its lines the same way, so the page's
/// Markdown never mixes the two (mdBook's markdown renderer writes it out as it is).
fn uses_crlf(text: &str) -> bool {
    memchr::memchr(b'\n', text.as_bytes())
        .is_some_and(|i| i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r'))
}

/// Turns every bare `\n` of `s` into `\r\n`; text copied from a CRLF chapter (a cell's
/// Markdown) already has `\r\n` and is left as it is.
fn crlf_line_ends(s: &mut String) {
    let bare = s
        .bytes()
        .enumerate()
        .filter(|&(i, b)| b == b'\n' && (i == 0 || s.as_bytes().get(i - 1) != Some(&b'\r')))
        .count();
    if bare == 0 {
        return;
    }
    let mut out = String::with_capacity(s.len() + bare);
    let mut prev = '\0';
    for c in s.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    *s = out;
}

/// Moves every span of a front matter tree from the repaired text back to the source, as
/// [`map_back`] does for findings: a driver that points at a node later (the cross-file
/// duplicate-guid rule) points into the source. The tree's depth is bounded by
/// [`Limits`], so the recursion is too.
fn spans_to_original(node: &mut Node, map: &OffsetMap) {
    node.span = map.range_to_original(node.span.clone());
    match &mut node.value {
        frontmatter::Value::Seq(items) => {
            for item in items {
                spans_to_original(item, map);
            }
        }
        frontmatter::Value::Map(entries) => {
            for e in entries {
                spans_to_original(&mut e.key, map);
                spans_to_original(&mut e.value, map);
            }
        }
        _ => {}
    }
}

/// Encoding repair of a whole chapter: the edits, their findings, and the repaired text
/// (`None` when nothing changed).
///
/// Repair skips code, and what is code depends on the Markdown around it. The front matter is
/// cut before the page is rendered, so a stray fence inside the YAML (a value with
/// ```` ``` ```` in it and no closing fence) must not make the whole body "code" for the
/// repair: the next run over the output, which no longer has that YAML in front of the body,
/// would repair the `Letâ€™s` this run left. So the head (front matter and the blank lines
/// after it) and the body are repaired as two separate documents, split where the body will
/// start. That point is found on the raw source and checked against the repaired text (a
/// repair can, in theory, move it: a lost NBSP turns `foo:Â ` into a `foo:` entry line); on a
/// mismatch the split is redone once at the repaired text's boundary.
///
/// With `tables` (the comparison job's options, and whether only its notes are wanted), the
/// body's parse also collects the tables when that job will need them: see [`Shared`].
fn repair<'s>(
    src: &'s str,
    opts: &RepairOptions,
    tables: Option<(&CompareOptions, bool)>,
) -> (
    Vec<Edit>,
    Vec<Diagnostic>,
    Option<String>,
    Option<Shared<'s>>,
) {
    let mut split_at = head_len(src);
    let mut attempt = 0;
    loop {
        let (mut edits, mut diags) = src
            .get(..split_at)
            .map(|head| encoding::repair_markdown(head, opts))
            .unwrap_or_default();
        let mut shared = None;
        if let Some(body) = src.get(split_at..) {
            let (body_edits, body_diags) = match tables {
                Some((copts, notes_only))
                    if copts.parse == opts.parse
                        && encoding::has_suspects(body)
                        && compare::might_act(body, copts, notes_only) =>
                {
                    let (repair, found) = Shared::parse(body, split_at, opts);
                    shared = Some(found);
                    repair
                }
                _ => encoding::repair_markdown(body, opts),
            };
            edits.extend(body_edits.into_iter().map(|e| e.shifted(split_at)));
            diags.extend(body_diags.into_iter().map(|d| d.shifted(split_at)));
        }
        let repaired = apply_edits(src, &edits);
        let text = repaired.as_deref().unwrap_or(src);
        let at = OffsetMap::new(&edits).to_original(head_len(text));
        attempt += 1;
        if at == split_at || attempt == 2 {
            return (edits, diags, repaired, shared);
        }
        split_at = at;
    }
}

/// One parse of a chapter's body for two jobs. A chapter with both mojibake and comparison
/// tables was parsed twice: once by the repair (which must know what is code) on the source,
/// once by the comparison job on the repaired text; on a book of long chapters the second
/// parse was a seventh of an html build's work. Here the repair's parse also collects the
/// tables, and they are used for the repaired text when the repair changed nothing that could
/// make that text's parse differ where it matters:
///
/// - every repair replaces non-ASCII text with non-ASCII text (Markdown's block structure is
///   spelled in ASCII: markers, indentation, pipes, fences, blank lines; a repair that drops an
///   ASCII space, as for a lost NBSP, does not count);
/// - no repair falls inside a table, the line after it, or the HTML block right before it (a
///   marker): what the comparison job reads of the text;
/// - no repair falls inside a link reference or footnote definition, whose label may decide
///   what a reference in a cell is.
///
/// Otherwise the comparison job parses the repaired body itself, as it always did; the
/// tests compare both ways on every shape.
struct Shared<'s> {
    /// Where the body starts in the source.
    body_at: usize,
    /// The body's tables, in source-body offsets.
    tables: Vec<compare::Table<'s>>,
    /// Link reference and footnote definitions, in source-body offsets.
    definitions: Vec<Range<usize>>,
}

impl<'s> Shared<'s> {
    /// Parses `body` (at `body_at` in the source) once: the repair's edits and findings, and
    /// what the comparison job needs.
    fn parse(
        body: &'s str,
        body_at: usize,
        opts: &RepairOptions,
    ) -> ((Vec<Edit>, Vec<Diagnostic>), Shared<'s>) {
        let mut protected = encoding::Protected::new(body, opts);
        let mut finder = compare::TableFinder::new(body);
        let mut definitions = Vec::new();
        let mut events = crate::markdown::parser(body, opts.parse).into_offset_iter();
        for (event, range) in &mut events {
            protected.observe(&event, &range);
            if matches!(event, Event::Start(Tag::FootnoteDefinition(_))) {
                definitions.push(range.clone());
            }
            finder.observe(event, range);
        }
        definitions.extend(
            events
                .reference_definitions()
                .iter()
                .map(|(_, def)| def.span.clone()),
        );
        let repair = encoding::repair_outside(body, &protected.finish());
        let shared = Shared {
            body_at,
            tables: finder.finish(),
            definitions,
        };
        (repair, shared)
    }

    /// The tables in offsets of the repaired body (which starts at `body_start` of the
    /// repaired text), or `None` when the repair `edits` of `src` (whose offset map is `map`)
    /// rule that out.
    fn into_tables(
        self,
        src: &str,
        edits: &[Edit],
        map: &OffsetMap,
        body_start: usize,
    ) -> Option<Vec<compare::Table<'s>>> {
        if map.to_edited(self.body_at) != Some(body_start) {
            return None;
        }
        let at = self.body_at;
        let mut zones: Vec<Range<usize>> = self
            .definitions
            .iter()
            .map(|d| at + d.start..at + d.end)
            .collect();
        zones.extend(
            self.tables
                .iter()
                .map(|t| at + t.context_start..end_of_next_line(src, at + t.range.end)),
        );
        // Sorted and merged (touching counts), so each edit is looked up, not compared with
        // every zone: a long chapter can have thousands of both.
        zones.sort_by_key(|z| z.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(zones.len());
        for z in zones {
            match merged.last_mut() {
                Some(last) if z.start <= last.end => last.end = last.end.max(z.end),
                _ => merged.push(z),
            }
        }
        let in_a_zone = |r: &Range<usize>| {
            let i = merged.partition_point(|z| z.end < r.start);
            merged.get(i).is_some_and(|z| z.start <= r.end)
        };
        let has_ascii = |s: &str| s.bytes().any(|b| b.is_ascii());
        let harmless = |e: &Edit| {
            let removed = src.get(e.range.clone()).unwrap_or("");
            !removed.is_empty()
                && !e.replacement.is_empty()
                && !has_ascii(removed)
                && !has_ascii(&e.replacement)
                && !in_a_zone(&e.range)
        };
        if !edits.iter().filter(|e| e.range.start >= at).all(harmless) {
            return None;
        }
        let mut tables = self.tables;
        for t in &mut tables {
            let new = map
                .to_edited(at + t.context_start)?
                .checked_sub(body_start)?;
            t.shift(new as isize - t.context_start as isize);
        }
        Some(tables)
    }
}

/// The end of the line after the one that `pos` ends (`pos` at a line's end, before its line
/// ending), line ending included; the text's end when there is none.
fn end_of_next_line(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let after = |from: usize| {
        memchr::memchr(b'\n', bytes.get(from..).unwrap_or_default())
            .map_or(text.len(), |i| from + i + 1)
    };
    after(after(pos))
}

/// Where the body of `text` starts: past the front matter and the blank lines after it, or 0.
/// The same rule as [`process`] uses to cut the head (the front matter's fences only).
fn head_len(text: &str) -> usize {
    if !might_have_front_matter(text) {
        return 0;
    }
    match frontmatter::split::split(text).0 {
        Some(block) => head_end(text, &block),
        None => 0,
    }
}

/// End of the part of `text` that is cut with the front matter `block`: the block and the
/// blank lines after it, so the page starts at its content.
fn head_end(text: &str, block: &frontmatter::Block) -> usize {
    let rest = text.get(block.range.end..).unwrap_or("");
    block.range.end + leading_blank_lines(rest)
}

/// Cheap pre-check: only a chapter that starts (after an optional BOM and blank lines or a
/// comment) with `-` can have front matter worth parsing.
fn might_have_front_matter(text: &str) -> bool {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let t = t.trim_start_matches(['\n', '\r', ' ', '\t']);
    t.starts_with("---") || t.starts_with("<!--")
}

/// [`might_have_front_matter`], or a `---` line near the top that could open a block placed
/// below a heading or text (PL104): the chapters worth looking at for front matter findings.
fn might_have_front_matter_or_near_miss(text: &str) -> bool {
    might_have_front_matter(text) || frontmatter::split::might_be_misplaced(text)
}

/// Length of the blank lines at the start of `text`.
fn leading_blank_lines(text: &str) -> usize {
    let mut len = 0;
    for line in text.split_inclusive('\n') {
        if !line.ends_with('\n') || !line.trim().is_empty() {
            break;
        }
        len += line.len();
    }
    len
}

fn map_back(mut d: Diagnostic, map: &OffsetMap) -> Diagnostic {
    d.span = map.range_to_original(d.span.clone());
    for r in &mut d.related {
        if r.file.is_none() {
            r.span = map.range_to_original(r.span.clone());
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(src: &str) -> ChapterInput<'_> {
        ChapterInput {
            source: src,
            id_prefix: "polish-t",
            html: true,
            require_front_matter: false,
        }
    }

    /// The shared parse ([`Shared`]) must give exactly what two parses give: every pair of
    /// shapes below (mojibake next to, inside and around tables, markers, definitions, code,
    /// containers, a lost NBSP), with and without front matter, for the html build and for
    /// `check`. Both ways of the test must be exercised: the shared tables used, and refused.
    #[test]
    fn one_shared_parse_gives_what_two_parses_give() {
        let pieces = [
            "Letâ€™s look at the cafÃ© here.\n",
            "| Pros | Cons |\n|---|---|\n| **Fast**<br/>It is quick. | **Slow**<br/>It is not. |\n",
            "| Benefits | Burdens |\n|---|---|\n| **Cafâ€™e**<br/>itâ€™s ok | x |\n",
            "| PrÃ³s | Cons |\n|-|-|\n| a | b |\n",
            "<!-- polish: compare Â\u{a0}-->\n| Key | Value |\n|-|-|\n| a | b |\n",
            "<!-- polish: compare -->\n| Key | Value |\n|-|-|\n| a | b |\n",
            "| Pros | Cons |\n|-|-|\n| a | b |\nLetâ€™s go on.\n",
            "| Pros | Cons |\n|-|-|\n| [x][cafÃ©] | [y][café] |\n",
            "[cafÃ©]: https://example.com/a\n",
            "[café]: https://example.com/b\n",
            "| Pros | Cons |\n|-|-|\n| [**A**<br/>b][naïve] | c |\n",
            "[naÃ¯ve]: https://example.com/c\n",
            "- item\n\n  | Pros | Cons |\n  |-|-|\n  | a | b |\nÂ\u{a0}\n",
            "- item\n\n  | Pros | Cons |\n  |-|-|\n  | a | b |\nâ€ƒ\n",
            "| Pros | Cons |\n|-|-|\n| note[^nï] | b |\n",
            "[^nÃ¯]: A footnote.\n",
            "```\nLetâ€™s keep this.\n```\n",
            "Price:Â 10 and more, Ã  la carte.\n",
            "- Itemâ€™s text\n\n  | Pros | Cons |\n  |-|-|\n  | a | b |\n",
            "> Quoteâ€™s text\n>\n> | Pros | Cons |\n> |-|-|\n> | a | b |\n",
            "# Cafâ€™e title\n",
            "<div title=\"cafÃ©\">\n\nx\n</div>\n",
            "Emphasis *Ã©* and `codeâ€™s` here.\n",
            "| Step one | |\n|-|-|\n| Text Ã© | ![x](x.png) |\n",
            "| Name | Type |\n|-|-|\n| cafÃ© | b |\n",
        ];
        let heads = ["", "---\nsummary: Letâ€™s see.\ntags: [a]\n---\n\n"];
        let full = Settings::all_jobs();
        let check = Settings {
            diagnostics_only: true,
            ..Settings::all_jobs()
        };
        let (mut used, mut refused) = (0, 0);
        for head in heads {
            for a in pieces {
                for b in pieces {
                    for sep in ["\n", ""] {
                        let src = format!("{head}{a}{sep}{b}");
                        for settings in [&full, &check] {
                            let (shared, was_used) =
                                process_inner(input(&src), "", settings, true, None);
                            let (reference, _) =
                                process_inner(input(&src), "", settings, false, None);
                            assert_eq!(format!("{shared:?}"), format!("{reference:?}"), "{src:?}");
                            if was_used {
                                used += 1;
                            } else if encoding::has_suspects(&src)
                                && compare::might_act(&src, &CompareOptions::default(), false)
                            {
                                refused += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(
            used > 300 && refused > 300,
            "used {used}, refused {refused}"
        );
    }

    #[test]
    fn untouched_chapter_is_byte_identical() {
        let settings = Settings {
            header: Some(HeaderConfig::default()),
            ..Settings::default()
        };
        let src = "# Plain\n\nNothing to do | here.\n";
        let r = process(input(src), &settings);
        assert!(r.content.is_none());
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn diagnostics_only_reports_the_same_findings() {
        let full = Settings {
            header: Some(HeaderConfig::default()),
            compare: Some(CompareOptions::default()),
            repair: Some(RepairOptions::default()),
            ..Settings::default()
        };
        let lean = Settings {
            diagnostics_only: true,
            ..full.clone()
        };
        let chapters = [
            "---\nsummary: Let\u{e2}\u{80}\u{99}s go\nfigma: javascript:x\n---\n\n# T\n\n| Pros | Value |\n|-|-|\n|a|b|\n",
            "---\ntitle: x\n---\n# T\n\n| Pros | Cons | Notes |\n|-|-|-|\n|a|b|c|\n\n| Pros | Cons |\n|-|-|\n|a|b|\n",
            "# No front matter\n\ncaf\u{c3}\u{a9} | x\n",
            "",
        ];
        let mut codes = Vec::new();
        for src in chapters {
            let a = process(input(src), &full);
            codes.extend(a.diagnostics.iter().map(|d| d.code));
            let b = process(input(src), &lean);
            assert_eq!(a.diagnostics, b.diagnostics, "{src:?}");
            assert!(b.content.is_none());
            assert_eq!(a.repaired, b.repaired);
        }
        for code in ["PL501", "PL302"] {
            assert!(codes.contains(&code), "{code} exercised: {codes:?}");
        }
    }

    /// One mistake, one report: a `javascript:` figma link breaks the schema; the header's
    /// own warning about it (PL501) would say the same again, in html builds and in `check`.
    #[test]
    fn an_unsafe_link_the_schema_rejects_is_reported_once() {
        let codes = |settings: Settings| -> Vec<&'static str> {
            let input = ChapterInput {
                source: "---\nfigma: javascript:alert(1)\n---\n# T\n",
                id_prefix: "p",
                html: true,
                require_front_matter: false,
            };
            process(input, &settings)
                .diagnostics
                .iter()
                .map(|d| d.code)
                .collect()
        };
        for diagnostics_only in [false, true] {
            let settings = Settings {
                diagnostics_only,
                ..Settings::all_jobs()
            };
            assert_eq!(codes(settings), ["PL206"]);
        }
        // Without a schema the header's warning is the one report.
        let settings = Settings {
            schema: None,
            ..Settings::all_jobs()
        };
        assert_eq!(codes(settings), ["PL501"]);
    }

    #[test]
    fn missing_front_matter_is_reported_when_required() {
        let r = process(
            ChapterInput {
                require_front_matter: true,
                ..input("# T\n")
            },
            &Settings::default(),
        );
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].code, MISSING_FRONT_MATTER);
        assert_eq!(r.diagnostics[0].message, "this chapter has no front matter");
    }

    /// A misplaced or mis-fenced block is reported as itself (found past the pre-check, in
    /// `check` and in a build alike), and not a second time as missing front matter; an
    /// empty file lacks front matter and names what the schema requires.
    #[test]
    fn fence_near_misses_are_found_and_reported_once() {
        let schema = Schema::from_str(r#"{"required": ["summary", "guid"]}"#, "s.json").unwrap();
        let settings = Settings {
            schema: Some(Arc::new(schema)),
            ..Settings::default()
        };
        assert!(settings.schema_requires_keys());
        for (src, code) in [
            (
                "# Title\n\n---\nsummary: s\nguid: g\n---\n\nBody.\n",
                "PL104",
            ),
            ("----\nsummary: s\nguid: g\n----\n\n# Title\n", "PL107"),
            ("", MISSING_FRONT_MATTER),
        ] {
            for diagnostics_only in [false, true] {
                let settings = Settings {
                    diagnostics_only,
                    ..settings.clone()
                };
                let r = process(
                    ChapterInput {
                        require_front_matter: true,
                        ..input(src)
                    },
                    &settings,
                );
                let codes: Vec<&str> = r.diagnostics.iter().map(|d| d.code).collect();
                assert_eq!(codes, [code], "{src:?}");
            }
        }
        let r = process(
            ChapterInput {
                require_front_matter: true,
                ..input("")
            },
            &settings,
        );
        assert_eq!(
            r.diagnostics[0].message,
            "this chapter has no front matter, and the schema requires `summary`, `guid`"
        );
        assert!(
            r.diagnostics[0]
                .help
                .as_deref()
                .unwrap()
                .contains("require-front-matter")
        );
    }
}

#[cfg(test)]
mod idempotence_tests {
    use super::*;

    fn run(src: &str) -> Option<String> {
        let input = ChapterInput {
            source: src,
            id_prefix: "p",
            html: true,
            require_front_matter: false,
        };
        process(input, &Settings::all_jobs()).content
    }

    #[test]
    fn crlf_chapters_get_crlf_markup() {
        let lf = "---\naudience: [architects]\nsummary: s\n---\n# Title\n\nText.\n\n| Benefits | Burdens |\n|-|-|\n| **Fast**<br/>It is. | **Slow**<br/>It is not. |\n\nEnd.\n";
        let crlf = lf.replace('\n', "\r\n");
        let out_lf = run(lf).expect("header and component");
        let out_crlf = run(&crlf).expect("header and component");
        assert!(
            out_lf.contains("polish-compare") && !out_lf.contains('\r'),
            "{out_lf}"
        );
        // The same page, line ends aside: no bare `\n`, no doubled `\r`.
        assert_eq!(out_crlf, out_lf.replace('\n', "\r\n"), "{out_crlf:?}");
        // Only the first line break decides: a LF chapter with a stray CRLF stays LF.
        let mixed = lf.replacen("Text.\n", "Text.\r\n", 1);
        let out = run(&mixed).expect("changed");
        assert_eq!(out.matches('\r').count(), 1, "{out:?}");
    }

    /// A code fence opened inside the YAML (here a block scalar holding ```` ``` ````) runs to
    /// the end of the file when the whole chapter is parsed as Markdown. The body must still be
    /// repaired: the page has no front matter in front of it, and a second run would repair it.
    #[test]
    fn code_fence_opened_in_front_matter_does_not_shield_the_body_from_repair() {
        let src = "---\nnotes: |\n  ```\n---\n\nLet\u{e2}\u{20ac}\u{2122}s go.\n";
        let once = run(src).expect("front matter cut, text repaired");
        assert!(once.contains("Let\u{2019}s go."), "{once:?}");
        assert_eq!(run(&once), None);
    }

    /// A real code block in the body stays unrepaired, in both runs.
    #[test]
    fn code_in_the_body_is_still_left_alone() {
        let src = "---\ntitle: T\n---\n\n```\nLet\u{e2}\u{20ac}\u{2122}s\n```\n";
        let once = run(src).expect("front matter cut");
        assert!(once.contains("Let\u{e2}\u{20ac}\u{2122}s"), "{once:?}");
        assert_eq!(run(&once), None);
    }
}

#[cfg(test)]
mod repair_first_tests {
    use super::*;
    use crate::diagnostic::LineIndex;

    /// The front matter tree points into the source, like the findings: the cross-file
    /// duplicate-guid rule reports at a guid's span after the run, and a repair earlier in
    /// the block (here three characters shorter) must not move it onto the line above.
    #[test]
    fn front_matter_spans_point_into_the_source_after_a_repair() {
        let src = "---\nsummary: Letâ€™s go â€” now\nguid: 0b6c2d4e-1f3a-4b5c-8d7e-9f0a1b2c3d4e\n---\n\n# T\n";
        let r = process(
            ChapterInput {
                source: src,
                id_prefix: "p",
                html: false,
                require_front_matter: false,
            },
            &Settings::all_jobs(),
        );
        assert!(r.repaired.is_some());
        let fm = r.front_matter.expect("front matter");
        let guid = fm.get("guid").expect("guid");
        assert_eq!(
            src.get(guid.span.clone()),
            Some("0b6c2d4e-1f3a-4b5c-8d7e-9f0a1b2c3d4e")
        );
        let summary = fm.get("summary").expect("summary");
        assert_eq!(src.get(summary.span.clone()), Some("Letâ€™s go â€” now"));
        assert_eq!(LineIndex::new(src).line_col(guid.span.start), (3, 7));
    }

    /// A broken `summary` is repaired before it is shown and validated, and the repair is
    /// reported at the author's line and column.
    #[test]
    fn front_matter_values_are_repaired_then_validated() {
        let src = "---\nsummary: Letâ€™s talk\nplatform-version: o11\n---\n\n# T\n";
        let settings = Settings {
            repair: Some(RepairOptions::default()),
            schema: Some(Arc::new(
                Schema::from_str(r#"{"required": ["guid"]}"#, "needs-guid.json").unwrap(),
            )),
            header: Some(HeaderConfig::default()),
            ..Settings::default()
        };
        let r = process(
            ChapterInput {
                source: src,
                id_prefix: "p",
                html: true,
                require_front_matter: false,
            },
            &settings,
        );
        let out = r.content.unwrap();
        assert!(out.contains("Let’s talk"), "{out}");
        assert_eq!(
            r.front_matter.unwrap().get("summary").unwrap().as_str(),
            Some("Let’s talk")
        );
        let repair = r
            .diagnostics
            .iter()
            .find(|d| d.code == "PL401")
            .expect("repair reported");
        assert_eq!(LineIndex::new(src).line_col(repair.span.start), (2, 13));
        // The schema requires a guid: validation ran on the repaired block.
        assert!(
            r.diagnostics.iter().any(|d| d.code == "PL204"),
            "{:?}",
            r.diagnostics
        );
    }
}

#[cfg(test)]
mod reuse_front_matter {
    use super::*;

    /// A chapter run with the front matter the book-level jobs already parsed gives exactly
    /// what a run that parses it gives: on every fixture chapter (mojibake, YAML errors, a
    /// near-miss fence, CRLF and BOM, none at all) and one with mojibake inside its front
    /// matter, where the repair changes the text and the given parse must not be used.
    #[test]
    fn a_given_parse_changes_nothing() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chapters");
        let mut sources: Vec<String> = std::fs::read_dir(&dir)
            .expect("fixtures")
            .filter_map(Result::ok)
            .map(|e| std::fs::read_to_string(e.path()).expect("a fixture"))
            .collect();
        sources.push("---\ntitle: Itâ€™s here\ntags: [a]\n---\n# T\n\nItâ€™s body.\n".into());
        assert!(sources.len() >= 9);
        let settings = Settings::all_jobs();
        for src in &sources {
            let input = ChapterInput {
                source: src,
                id_prefix: "p",
                html: true,
                require_front_matter: true,
            };
            let given = frontmatter::extract(src, &settings.limits);
            let a = process(input, &settings);
            let b = process_at(input, "", &settings, Some(given));
            assert_eq!(a.content, b.content, "{src}");
            assert_eq!(
                format!("{:?}", a.diagnostics),
                format!("{:?}", b.diagnostics),
                "{src}"
            );
            assert_eq!(a.front_matter, b.front_matter, "{src}");
        }
        // The given parse is what is used (a wrong one shows), except after a repair.
        let clean = "---\ntitle: T\n---\n# T\n";
        let input = |source| ChapterInput {
            source,
            id_prefix: "p",
            html: true,
            require_front_matter: false,
        };
        let wrong = Some(frontmatter::Extracted::default());
        assert!(
            process_at(input(clean), "", &settings, wrong.clone())
                .front_matter
                .is_none()
        );
        let repaired = sources.last().expect("the mojibake chapter");
        assert!(
            process_at(input(repaired), "", &settings, wrong)
                .front_matter
                .is_some()
        );
    }
}
