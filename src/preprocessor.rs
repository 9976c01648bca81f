//! The mdBook side: the `Preprocessor` impl, the version gate, and the JSON protocol.
//!
//! mdBook runs `mdbook-polish supports <renderer>` and then pipes `[context, book]` JSON in;
//! only the book JSON may go to stdout. Diagnostics for the whole book are collected and printed
//! once per build (mdBook runs a preprocessor once per renderer, so only the run for the first
//! renderer prints), and fail the build only under `on-failure = "error"`.

use std::collections::HashSet;
use std::io::{BufRead as _, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use mdbook_preprocessor::book::{Book, BookItem, SectionNumber};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use rayon::prelude::*;

use crate::collection::{self, Catalog};
use crate::config::{Config, Drafts, OnFailure};
use crate::diagnostic::Diagnostic;
use crate::frontmatter::{self, Node};
use crate::header;
use crate::pipeline::{self, ChapterInput};
use crate::report::{self, Counts, FileReport, Format, SparseSource};
use crate::timings::Laps;
use crate::workspace::{self, add_duplicate_guids};

/// The mdBook version this binary was built against.
pub const BUILT_FOR: &str = mdbook_preprocessor::MDBOOK_VERSION;

/// The mdBook preprocessor. Add `[preprocessor.polish]` to `book.toml`, or in Rust:
/// `MDBook::load(dir)?.with_preprocessor(Polish::new())`.
#[derive(Debug, Default, Clone)]
#[non_exhaustive]
pub struct Polish {
    /// Print diagnostics to stderr (tests turn this off and read [`Polish::run_book`]).
    pub print: bool,
}

impl Polish {
    /// A preprocessor that prints its diagnostics.
    pub fn new() -> Self {
        Polish { print: true }
    }

    /// A preprocessor that does not print (for tests that inspect [`run_book`] themselves).
    pub fn quiet() -> Self {
        Polish { print: false }
    }
}

impl Preprocessor for Polish {
    fn name(&self) -> &str {
        "polish"
    }

    fn run(
        &self,
        ctx: &PreprocessorContext,
        book: Book,
    ) -> mdbook_preprocessor::errors::Result<Book> {
        let (book, outcome) = run_book(ctx, book)?;
        if self.print && outcome.print {
            for w in &outcome.warnings {
                eprintln!("mdbook-polish: warning: {w}");
            }
            let text = report::render(Format::Human, &outcome.files, false);
            if !text.is_empty() {
                eprint!("{text}");
            }
            if outcome.counts != Counts::default() {
                eprintln!("mdbook-polish: {}", outcome.counts.sentence());
            }
        }
        if outcome.fail {
            bail!(
                "mdbook-polish found {} (on-failure = \"error\" in [preprocessor.polish])",
                outcome.counts.sentence()
            );
        }
        Ok(book)
    }

    fn supports_renderer(&self, _renderer: &str) -> mdbook_preprocessor::errors::Result<bool> {
        // Front matter must be hidden from every renderer; html-only parts check the renderer.
        Ok(true)
    }
}

/// What a run found, for printing and for tests.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Outcome {
    /// Findings per chapter file, in book order.
    pub files: Vec<FileReport>,
    /// Configuration warnings (unknown keys, stale stylesheet).
    pub warnings: Vec<String>,
    /// Totals.
    pub counts: Counts,
    /// Whether this run is the one that should print (first renderer).
    pub print: bool,
    /// Whether the build must fail.
    pub fail: bool,
}

/// Runs polish over a whole book without printing.
pub fn run_book(ctx: &PreprocessorContext, mut book: Book) -> anyhow::Result<(Book, Outcome)> {
    let laps = Laps::start();
    let cfg = Config::from_book_config(&ctx.config)?;
    // The book as a scope, like `check` sees it, so that overrides and rule levels resolve
    // the same way in both.
    let scope = [workspace::BookCtx {
        root: ctx.root.clone(),
        config: cfg.clone(),
        book_config: ctx.config.clone(),
        config_file: ctx.root.join("book.toml"),
        is_book: true,
    }];
    let mut profiles = workspace::Profiles::new(|_: &mut pipeline::Settings| {});
    let base = profiles.index(&scope, Some(0), "")?;
    let mut outcome = Outcome {
        warnings: workspace::scope_warnings(&scope[0], &profiles.list[base].settings),
        ..Outcome::default()
    };
    let html = ctx.renderer == "html";
    if html {
        outcome
            .warnings
            .extend(workspace::stylesheet_warning(&ctx.config, &ctx.root));
    }
    let src_dir = ctx.config.book.src.clone();
    let src_root = ctx.root.join(&src_dir);

    // Book-level front matter (index pages, related pages, drafts): find the index markers and
    // leave the drafts out before the chapters are processed. See `collection`.
    let copts = collection::Options::from_config(
        &cfg,
        ctx.config.book.language.clone(),
        profiles.list[base].settings.parse,
    );
    let mut book_level = BookLevel::prepare(&mut book, &cfg, &copts, &profiles.list[base].settings);
    let mut fronts = std::mem::take(&mut book_level.fronts).into_iter();
    let mut marks = std::mem::take(&mut book_level.markers).into_iter();

    // Chapters are independent until the cross-file rules, so they are processed in
    // parallel. Three passes keep everything in book order whatever the scheduling: take each
    // chapter's text out (in `for_each_chapter_mut` order), process the list in parallel
    // (`collect` keeps its order), then walk the book in the same order to put results back.
    let mut jobs: Vec<Job> = Vec::new();
    let mut failed = None;
    let catalog_wanted = book_level.catalog_wanted;
    book.for_each_chapter_mut(|ch| {
        if let Some(source_path) = &ch.source_path {
            let rel = source_path.to_string_lossy().replace('\\', "/");
            let out = out_path(ch);
            let front_matter = fronts.next().flatten();
            let markers = marks.next().flatten();
            match profiles.index(&scope, Some(0), &rel) {
                Ok(p) => jobs.push(Job {
                    ran: Ran {
                        source_path: source_path.clone(),
                        out,
                        content: std::mem::take(&mut ch.content),
                        profile: p,
                    },
                    name: if catalog_wanted {
                        ch.name.clone()
                    } else {
                        String::new()
                    },
                    front_matter,
                    markers,
                }),
                Err(e) => failed = Some(e),
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let base_limits = profiles.list[base].settings.limits;
    // Only html chapters of a book with an index leave chip slots to fill.
    let slotted = html && book_level.slot_keys.is_some();
    if let (true, Some(keys)) = (slotted, &book_level.slot_keys) {
        for p in &mut profiles.list {
            p.settings.chip_slots = Some(keys.clone());
        }
    }
    // A chapter's own run: the pipeline, then the links to left-out drafts.
    let run = |ran: &Ran, settings: &pipeline::Settings, front_matter, level: &BookLevel| {
        let config = &profiles.list[ran.profile].config;
        let mut result = process(ran, config, settings, html, front_matter);
        level.unlink_drafts(&ran.out, &ran.content, &mut result, settings);
        result
    };
    let report = |ran: Ran, result, later: &mut [&mut std::ops::Range<usize>]| {
        Done::new(
            ran.profile,
            display_path(&src_dir, &ran.source_path),
            ran.content,
            result,
            &src_root,
            &ran.source_path,
            later,
        )
    };
    let (steps, pages): (Vec<Step>, Vec<Option<collection::Page>>) = jobs
        .into_par_iter()
        .map(|job| {
            let settings = &profiles.list[job.ran.profile].settings;
            // The front matter read for the drafts was parsed with the book's limits.
            let front_matter = job.front_matter.filter(|_| settings.limits == base_limits);
            let mut result = run(&job.ran, settings, front_matter, &book_level);
            if !book_level.catalog_wanted {
                return (Step::Done(report(job.ran, result, &mut [])), None);
            }
            let mut page =
                book_level.page(&job.ran, job.name, &mut result, job.markers, settings, html);
            let slots = std::mem::take(&mut result.chip_slots);
            // The other renderers' chapters are not searched for the slot character.
            if slotted && !collection::slots_fit(result.content.as_deref(), &slots) {
                // The chapter's own text holds the slot character: it runs again once the
                // links are known.
                return (Step::Rerun(job.ran), Some(page));
            }
            // The spans that the book-level findings may point at move with the report's,
            // so that the findings can be added once the catalogue is built.
            let done = report(job.ran, result, &mut page.spans_mut());
            (Step::Later(done, slots), Some(page))
        })
        .unzip();
    laps.lap("chapters run");
    let results: Vec<Done> = if book_level.catalog_wanted {
        // Every chapter's front matter is read: the catalogue, then each chapter's
        // book-level part (its chips' links, its index, its related pages, its findings).
        book_level.build(pages.into_iter().flatten().collect(), &copts);
        laps.lap("catalogue built");
        let level = &book_level;
        steps
            .into_par_iter()
            .enumerate()
            .map(|(i, step)| match step {
                Step::Later(mut done, slots) => {
                    let settings = &profiles.list[done.profile].settings;
                    // The report is made: its spans (and the page's) are the report's.
                    if done.report_source.is_some() {
                        level.add_findings(i, &mut done.diagnostics, settings);
                    }
                    level.finish(i, &mut done, &slots, settings, html, &copts);
                    done
                }
                Step::Rerun(ran) => {
                    let mut linked = profiles.list[ran.profile].settings.clone();
                    linked.chip_slots = None;
                    linked.links = level.links.clone();
                    let mut result = run(&ran, &linked, None, level);
                    // Its book-level findings go in before the report is made: their spans
                    // are still the source's.
                    level.add_findings(i, &mut result.diagnostics, &linked);
                    let mut done = report(ran, result, &mut []);
                    level.finish(i, &mut done, &[], &linked, html, &copts);
                    done
                }
                Step::Done(done) => done,
            })
            .collect()
    } else {
        steps
            .into_iter()
            .filter_map(|s| match s {
                Step::Done(d) => Some(d),
                _ => None,
            })
            .collect()
    };
    if book_level.catalog_wanted {
        laps.lap("book-level parts done");
    }
    // The catalogue is freed on the pool while the results go back into the book (about
    // 5 ms of frees on 10,000 pages, on the one thread that is busy).
    rayon::spawn(move || drop(book_level));
    let mut guids: Vec<(usize, Node)> = Vec::new();
    let mut of: Vec<usize> = Vec::new();
    // Findings in included files, by file: several chapters may include one snippet, and its
    // findings are reported once.
    let mut included: std::collections::BTreeMap<PathBuf, (String, Vec<Diagnostic>)> =
        Default::default();
    let mut results = results.into_iter();
    book.for_each_chapter_mut(|ch| {
        if ch.source_path.is_none() {
            return;
        }
        let Some(mut done) = results.next() else {
            return;
        };
        for (file, text, diags) in std::mem::take(&mut done.included) {
            let entry = included.entry(file).or_insert_with(|| (text, Vec::new()));
            for d in diags {
                if !entry.1.contains(&d) {
                    entry.1.push(d);
                }
            }
        }
        if let Some(title) = done.title {
            ch.name = title;
        }
        ch.content = done.content;
        let Some(source) = done.report_source else {
            return;
        };
        if let Some(g) = done.guid {
            guids.push((outcome.files.len(), g));
        }
        of.push(done.profile);
        outcome.files.push(FileReport {
            path: done.path,
            source,
            diagnostics: done.diagnostics,
        });
    });
    add_duplicate_guids(&mut outcome.files, &guids);
    // The cross-file findings get the chapter's rule levels too.
    for (f, p) in outcome.files.iter_mut().zip(&of) {
        profiles.list[*p].settings.levels.apply(&mut f.diagnostics);
    }
    for (file, (text, mut diagnostics)) in included {
        let source = SparseSource::for_report(&text, &mut diagnostics, &mut []);
        outcome.files.push(FileReport {
            path: display_path(&src_dir, &crate::include::normalize(&file)),
            source,
            diagnostics,
        });
    }
    outcome.files.retain(|f| !f.diagnostics.is_empty());
    for f in &mut outcome.files {
        f.sort();
    }
    outcome.counts = Counts::of(&outcome.files);
    outcome.print = ctx.renderer == first_renderer(&ctx.config);
    outcome.fail = cfg.on_failure == OnFailure::Error && outcome.counts.errors > 0;
    Ok((book, outcome))
}

/// One chapter to process, with its front matter when the drafts' read already parsed it,
/// and its index markers.
struct Job {
    ran: Ran,
    /// Its name in `SUMMARY.md`, when the catalogue is wanted (a page's title without one in
    /// front matter).
    name: String,
    front_matter: Option<frontmatter::Extracted>,
    markers: Option<(Vec<collection::Marker>, Vec<Diagnostic>)>,
}

/// A chapter: where it is, its text as mdBook handed it over, its settings (an index into
/// the run's profiles).
struct Ran {
    source_path: PathBuf,
    out: String,
    content: String,
    profile: usize,
}

/// What the parallel pass gives for a chapter (beside its page in the catalogue, when the
/// book has an index or related pages): done; or done but for the book-level part (with its
/// chip slots); or, rarely, to run again once the chips' links are known.
enum Step {
    Done(Done),
    Later(Done, Vec<collection::ChipSlot>),
    Rerun(Ran),
}

/// The chapter's own run, as the pipeline sees it.
fn process(
    ran: &Ran,
    config: &Config,
    settings: &pipeline::Settings,
    html: bool,
    front_matter: Option<frontmatter::Extracted>,
) -> pipeline::ChapterResult {
    let rel = ran.source_path.to_string_lossy().replace('\\', "/");
    let prefix = header::id_prefix(&rel);
    let input = ChapterInput {
        source: &ran.content,
        id_prefix: &prefix,
        html,
        require_front_matter: config
            .require_front_matter
            .applies_to(&rel, settings.schema_requires_keys()),
    };
    pipeline::process_at(input, &ran.out, settings, front_matter)
}

/// The book-level jobs of one run: which chapters hold index markers, the drafts left out,
/// then (once every chapter has run) the catalogue of pages and the chips' links.
#[derive(Default)]
struct BookLevel {
    /// An index marker or related pages: every chapter's page goes into a catalogue.
    catalog_wanted: bool,
    /// The keys whose values the catalogue keeps.
    keys: Vec<String>,
    /// The keys that have an index marker: their chips are slots until the catalogue is
    /// built.
    slot_keys: Option<std::sync::Arc<collection::SlotKeys>>,
    /// Every front matter key the chapters use, when the book has an index marker (the
    /// did-you-mean of an index no page fills).
    keys_used: std::sync::Mutex<HashSet<String>>,
    /// Pages in the order the chapters are processed (`for_each_chapter_mut` order, chapters
    /// with a file only), when the catalogue is wanted.
    catalog: Option<Catalog>,
    links: Option<std::sync::Arc<collection::ChipLinks>>,
    /// Output paths (and source paths) of the drafts left out, links to which are reported.
    left_out: HashSet<String>,
    /// The front matter of the chapters that may be drafts, in processing order (empty when
    /// none was read): their own runs use it instead of parsing it again.
    fronts: Vec<Option<frontmatter::Extracted>>,
    /// Each chapter's index markers and the findings about them, in processing order (empty
    /// when the book has none).
    markers: Vec<Option<(Vec<collection::Marker>, Vec<Diagnostic>)>>,
}

impl BookLevel {
    /// Finds the index markers and leaves the drafts out of `book`: a byte search per
    /// chapter, and a front matter read of the chapters that may be drafts.
    fn prepare(
        book: &mut Book,
        cfg: &Config,
        opts: &collection::Options,
        settings: &pipeline::Settings,
    ) -> BookLevel {
        let mut chapters: Vec<(String, &str)> = Vec::new();
        let mut candidates = 0usize;
        // `for_each_chapter_mut`'s order (children before their parent), so that page `i` is
        // the `i`th chapter processed.
        fn visit<'b>(
            items: &'b [BookItem],
            f: &mut impl FnMut(&'b mdbook_preprocessor::book::Chapter),
        ) {
            for item in items {
                if let BookItem::Chapter(ch) = item {
                    visit(&ch.sub_items, f);
                    f(ch);
                }
            }
        }
        let mut markers: Vec<Option<(Vec<collection::Marker>, Vec<Diagnostic>)>> = Vec::new();
        let mut any_marker = false;
        visit(&book.items, &mut |ch| {
            if ch.source_path.is_some() {
                let mut found = None;
                if collection::may_have_marker(&ch.content) {
                    let (m, f) = collection::find_markers(&ch.content, settings.parse);
                    if !m.is_empty() || !f.is_empty() {
                        any_marker = true;
                        found = Some((m, f));
                    }
                }
                markers.push(found);
                candidates += usize::from(collection::may_be_draft(&ch.content));
                chapters.push((out_path(ch), ch.content.as_str()));
            }
        });
        let mut level = BookLevel {
            catalog_wanted: any_marker || opts.related > 0,
            ..BookLevel::default()
        };
        if level.catalog_wanted {
            level.keys =
                collection::needed_keys(markers.iter().flatten().flat_map(|(m, _)| m), opts);
            let mut slots = collection::SlotKeys::default();
            for ((path, _), found) in chapters.iter().zip(&markers) {
                for m in found.iter().flat_map(|(m, _)| m) {
                    if !slots.keys.contains(&m.key) {
                        slots.keys.push(m.key.clone());
                    }
                    if !slots.index_paths.contains(path) {
                        slots.index_paths.push(path.clone());
                    }
                }
            }
            level.slot_keys = (!slots.keys.is_empty()).then(|| std::sync::Arc::new(slots));
        }
        if candidates > 0 {
            // Only the chapters whose front matter may say `draft` are read ahead.
            let fronts: Vec<Option<frontmatter::Extracted>> = chapters
                .par_iter()
                .map(|(_, content)| {
                    collection::may_be_draft(content)
                        .then(|| frontmatter::extract(content, &settings.limits))
                })
                .collect();
            let drafts: HashSet<String> = chapters
                .iter()
                .zip(&fronts)
                .filter(|(_, fm)| {
                    fm.as_ref()
                        .and_then(|fm| fm.data.as_ref())
                        .is_some_and(collection::is_draft)
                })
                .map(|((path, _), _)| path.clone())
                .collect();
            let paths: Vec<String> = chapters.into_iter().map(|(p, _)| p).collect();
            level.fronts = fronts;
            if cfg.drafts == Drafts::Hide && !drafts.is_empty() {
                let mut removed = Vec::new();
                remove_drafts(&mut book.items, &drafts, &mut removed);
                renumber(&mut book.items, &[]);
                let gone: HashSet<&String> = removed.iter().map(|(out, _)| out).collect();
                let kept: Vec<bool> = paths.iter().map(|p| !gone.contains(p)).collect();
                let mut k = kept.iter();
                level.fronts.retain(|_| *k.next().unwrap_or(&true));
                let mut k = kept.iter();
                markers.retain(|_| *k.next().unwrap_or(&true));
                for (out, source) in removed {
                    level.left_out.insert(out);
                    level.left_out.extend(source);
                }
            }
        }
        if any_marker {
            level.markers = markers;
        }
        level
    }

    /// The chapter's page in the catalogue, from its own run's front matter (taken out of
    /// `result`, keeping the guid for the cross-file rule). The findings about its markers
    /// go to `result`.
    fn page(
        &self,
        ran: &Ran,
        name: String,
        result: &mut pipeline::ChapterResult,
        markers: Option<(Vec<collection::Marker>, Vec<Diagnostic>)>,
        settings: &pipeline::Settings,
        html: bool,
    ) -> collection::Page {
        let mut page = collection::Page {
            path: ran.out.clone(),
            title: name,
            ..collection::Page::default()
        };
        if let Some((m, mut f)) = markers {
            page.markers = m;
            settings.levels.apply(&mut f);
            result.diagnostics.extend(f);
        }
        if let Some(data) = &result.front_matter {
            page.fill(data, Some(&self.keys));
            // A page an index lists: its item's summary is made here, in parallel.
            if let (Some(summary), Some(slots)) = (&page.summary, &self.slot_keys)
                && slots.keys.iter().any(|k| page.values.contains_key(k))
            {
                // The header made it from the same text unless the page's copy was repaired.
                let as_written = || {
                    data.get("summary")
                        .and_then(|n| n.scalar_text())
                        .is_some_and(|t| t.trim() == summary)
                };
                // (Only an html header with slots hands its summary back.)
                let made = result.summary_html.take().filter(|_| as_written());
                page.summary_text =
                    Some(made.unwrap_or_else(|| {
                        collection::summary_text(summary, html, settings.parse)
                    }));
            }
            // The keys are only wanted for an index no listed page fills, so a page that
            // fills every index (nearly all of them) need not give its keys.
            let fills_all = |s: &collection::SlotKeys| {
                !page.draft && s.keys.iter().all(|k| page.values.contains_key(k))
            };
            if self.slot_keys.as_deref().is_some_and(|s| !fills_all(s))
                && let frontmatter::Value::Map(entries) = &data.value
                && let Ok(mut used) = self.keys_used.lock()
            {
                for key in entries.iter().filter_map(|e| e.key.as_str()) {
                    if !used.contains(key) {
                        used.insert(key.to_string());
                    }
                }
            }
        }
        page
    }

    /// Builds the catalogue once every chapter's page is read.
    fn build(&mut self, pages: Vec<collection::Page>, opts: &collection::Options) {
        let keys_used = std::mem::take(&mut self.keys_used);
        let keys_in_use = || {
            keys_used
                .lock()
                .map(|k| k.iter().cloned().collect())
                .unwrap_or_default()
        };
        let catalog = Catalog::build(pages, opts, &keys_in_use);
        if !catalog.indexes.is_empty() {
            self.links = Some(std::sync::Arc::new(catalog.chip_links()));
        }
        self.catalog = Some(catalog);
    }

    /// The chapter's links to left-out drafts: reported, and turned into text.
    fn unlink_drafts(
        &self,
        out: &str,
        source: &str,
        result: &mut pipeline::ChapterResult,
        settings: &pipeline::Settings,
    ) {
        if self.left_out.is_empty() {
            return;
        }
        let links = collection::links_to_drafts(source, out, &self.left_out, settings.parse);
        if links.is_empty() {
            return;
        }
        let mut found: Vec<Diagnostic> = links.iter().map(collection::draft_link_finding).collect();
        settings.levels.apply(&mut found);
        result.diagnostics.extend(found);
        let text = result.content.as_deref().unwrap_or(source);
        let links = collection::links_to_drafts(text, out, &self.left_out, settings.parse);
        result.content = Some(collection::unlink(text, &links));
    }

    /// The catalogue's findings on chapter `i` (in processing order), added to `to`.
    fn add_findings(&self, i: usize, to: &mut Vec<Diagnostic>, settings: &pipeline::Settings) {
        if let Some(found) = self.catalog.as_ref().and_then(|c| c.findings.get(&i)) {
            let mut found = found.clone();
            settings.levels.apply(&mut found);
            to.extend(found);
        }
    }

    /// The book-level part of chapter `i` (in processing order), once the catalogue is
    /// built: its chips' links (`slots`), the index that replaces its markers, its related
    /// pages. (Its findings are added by the caller: before or after the report is made.)
    fn finish(
        &self,
        i: usize,
        done: &mut Done,
        slots: &[collection::ChipSlot],
        settings: &pipeline::Settings,
        html: bool,
        opts: &collection::Options,
    ) {
        let Some(catalog) = &self.catalog else {
            return;
        };
        let Some(page) = catalog.pages.get(i) else {
            return;
        };
        if let (false, Some(links)) = (slots.is_empty(), &self.links) {
            // `slots_fit` held after the chapter's run, so this cannot refuse.
            collection::fill_chip_slots(&mut done.content, slots, links, &page.path);
        }
        if !page.markers.is_empty() {
            done.content =
                collection::replace_markers(&done.content, settings.parse, |m, out, after| {
                    catalog.render_index_into(m, opts, html, out, after)
                });
        }
        if let Some(related) = catalog.render_related(i, opts, html) {
            let text = &mut done.content;
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push('\n');
            text.push_str(&related);
        }
    }
}

/// A chapter's output path relative to `src`, `/`-separated (`README.md` is `index.md` by
/// now: mdBook's own `index` preprocessor ran first).
fn out_path(ch: &mdbook_preprocessor::book::Chapter) -> String {
    ch.path
        .as_ref()
        .or(ch.source_path.as_ref())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

/// Takes the chapters whose output path is in `drafts` out of `items`, with the chapters
/// nested under them (a draft section is a draft), and lists (output path, source path) of
/// each removed chapter.
fn remove_drafts(
    items: &mut Vec<BookItem>,
    drafts: &HashSet<String>,
    removed: &mut Vec<(String, Option<String>)>,
) {
    fn all(item: &BookItem, removed: &mut Vec<(String, Option<String>)>) {
        if let BookItem::Chapter(ch) = item {
            if ch.path.is_some() {
                removed.push((
                    out_path(ch),
                    ch.source_path
                        .as_ref()
                        .map(|p| p.to_string_lossy().replace('\\', "/")),
                ));
            }
            for sub in &ch.sub_items {
                all(sub, removed);
            }
        }
    }
    items.retain(|item| match item {
        BookItem::Chapter(ch) if ch.path.is_some() && drafts.contains(&out_path(ch)) => {
            all(item, removed);
            false
        }
        _ => true,
    });
    for item in items.iter_mut() {
        if let BookItem::Chapter(ch) = item {
            remove_drafts(&mut ch.sub_items, drafts, removed);
        }
    }
}

/// Numbers the numbered chapters again after drafts left gaps (`1. 3.` becomes `1. 2.`),
/// nested numbers under their parent's new number.
fn renumber(items: &mut [BookItem], parent: &[u32]) {
    let mut n = 0;
    for item in items {
        if let BookItem::Chapter(ch) = item {
            let mine: Vec<u32> = match &ch.number {
                Some(_) => {
                    n += 1;
                    let mut v = parent.to_vec();
                    v.push(n);
                    ch.number = Some(SectionNumber::new(v.clone()));
                    v
                }
                None => parent.to_vec(),
            };
            renumber(&mut ch.sub_items, &mine);
        }
    }
}

/// One processed chapter, reduced to what the rest of the run needs. The book's memory matters
/// here (issue 6: peak ≤ 3 × the book JSON): a report keeps only the lines of the source that
/// its findings and the `guid` are on (a cross-file duplicate-guid finding, found after every
/// chapter is done, points at the guid), with spans moved to match.
struct Done {
    /// The chapter's settings (an index into the run's profiles).
    profile: usize,
    path: String,
    /// What goes back into the book.
    content: String,
    /// The text the report's spans refer to, or `None` when nothing can be reported.
    report_source: Option<String>,
    title: Option<String>,
    guid: Option<Node>,
    diagnostics: Vec<Diagnostic>,
    /// Findings in text that `{{#include}}` brought in: the file (relative to `src`), its
    /// text, the findings there.
    included: Vec<(PathBuf, String, Vec<Diagnostic>)>,
}

impl Done {
    /// `source` is the chapter as mdBook handed it over (links expanded); `source_path`, its
    /// file under `src_root`. `later`: spans in `source` that findings made after every
    /// chapter is read may point at (moved with the report's, like the guid).
    fn new(
        profile: usize,
        path: String,
        source: String,
        mut result: pipeline::ChapterResult,
        src_root: &Path,
        source_path: &Path,
        later: &mut [&mut std::ops::Range<usize>],
    ) -> Done {
        let mut guid = result
            .front_matter
            .take()
            .and_then(|fm| fm.get("guid").cloned());
        let mut spans: Vec<&mut std::ops::Range<usize>> =
            guid.as_mut().map(|g| &mut g.span).into_iter().collect();
        spans.extend(later.iter_mut().map(|r| &mut **r));
        // A chapter with findings is read from disk to report them where they were written:
        // with `{{#include}}` links, the expanded chapter's lines are not the source's (see
        // `include`). Chapters without findings, nearly all of them, cost no read.
        let mut written = None;
        let mut included = Vec::new();
        if !result.diagnostics.is_empty()
            && let Ok(disk) = std::fs::read_to_string(src_root.join(source_path))
        {
            let mut read = |p: &Path| std::fs::read_to_string(src_root.join(p)).ok();
            if let Some(placed) = crate::include::place(
                source_path,
                disk,
                &source,
                &mut result.diagnostics,
                &mut spans,
                &mut read,
            ) {
                written = Some(placed.source);
                included = placed.included;
            }
        }
        // Only the lines a report can point at are kept, see `SparseSource`.
        let report_source = (!result.diagnostics.is_empty() || !spans.is_empty()).then(|| {
            SparseSource::for_report(
                written.as_deref().unwrap_or(&source),
                &mut result.diagnostics,
                &mut spans,
            )
        });
        let content = match result.content.take() {
            Some(new) if new.len() <= source.capacity() => reuse(source, &new),
            // A chapter that grew (an html page with a header or components): `push_str` into
            // the old buffer would double its capacity; the new text is already the right size.
            Some(new) => new,
            None => source,
        };
        Done {
            profile,
            path,
            content,
            report_source,
            title: result.title.take(),
            guid,
            diagnostics: result.diagnostics,
            included,
        }
    }
}

/// `new` written into `old`'s allocation. The sources were allocated by the thread that read
/// the book, the new texts by rayon's workers; with a per-thread allocator arena (glibc) the
/// freed sources could not hold the new texts and the process would keep both (issue 6 bounds
/// peak memory at 3 × the book JSON). Copying into the old buffer costs one memcpy of the book.
fn reuse(mut old: String, new: &str) -> String {
    old.clear();
    old.push_str(new);
    old
}

/// `src/guide/intro.md`-style path for messages.
fn display_path(src_dir: &Path, source_path: &Path) -> String {
    src_dir
        .join(source_path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// mdBook runs renderers in the order of the `[output]` table's keys (sorted), html when none.
fn first_renderer(cfg: &mdbook_preprocessor::config::Config) -> String {
    cfg.outputs::<serde::de::IgnoredAny>()
        .ok()
        .and_then(|m| m.keys().next().cloned())
        .unwrap_or_else(|| "html".to_string())
}

/// Checks the mdBook version in the raw JSON before typed parsing, so a 0.4 mdBook gets one
/// clear sentence instead of a serde error. Returns a warning for a newer 0.5.
pub fn version_gate(input: &serde_json::Value) -> anyhow::Result<Option<String>> {
    let version = input
        .get(0)
        .and_then(|ctx| ctx.get("mdbook_version"))
        .and_then(|v| v.as_str())
        .context("the input is not an mdBook preprocessor context (no `mdbook_version`)")?;
    let ours = semver::Version::parse(BUILT_FOR)?;
    let theirs = semver::Version::parse(version)
        .with_context(|| format!("mdBook sent an unreadable version `{version}`"))?;
    if theirs.major != ours.major || theirs.minor < ours.minor {
        bail!(
            "mdbook-polish {} needs mdBook {}.{}; you have {version}. Install a newer mdBook (`cargo install mdbook --version ^{}.{}`).",
            crate::VERSION,
            ours.major,
            ours.minor,
            ours.major,
            ours.minor
        );
    }
    Ok((theirs > ours).then(|| {
        format!("mdbook-polish was built for mdBook {BUILT_FOR} and is running under {version}; please report any problem")
    }))
}

/// Reads mdBook's `[context, book]` in one streaming pass. The input is never held whole: a
/// buffer of it next to the parsed book would double the peak memory (issue 6 bounds it at
/// 3 × the book JSON). The version gate runs on the context before the book is read, so a
/// 0.4 mdBook (whose book has another shape) gets one clear sentence, not a serde error.
fn read_input(input: impl Read) -> anyhow::Result<(PreprocessorContext, Book)> {
    let mut reader = std::io::BufReader::with_capacity(1 << 16, input);
    loop {
        let chunk = reader
            .fill_buf()
            .context("could not read mdBook's input on stdin")?;
        if chunk.is_empty() {
            bail!(
                "no input on stdin: mdbook-polish is an mdBook preprocessor; add it to book.toml and run `mdbook build` (or use `mdbook-polish check`)"
            );
        }
        if chunk.iter().any(|b| !b.is_ascii_whitespace()) {
            break;
        }
        let n = chunk.len();
        reader.consume(n);
    }
    let gate = std::cell::RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let parsed = serde::de::DeserializeSeed::deserialize(InputSeed { gate: &gate }, &mut de)
        .and_then(|input| de.end().map(|()| input));
    match (parsed, gate.into_inner()) {
        (_, Some(Err(refused))) => Err(refused),
        (Ok(input), Some(Ok(warning))) => {
            if let Some(warning) = warning {
                eprintln!("mdbook-polish: warning: {warning}");
            }
            Ok(input)
        }
        (Err(e), _) if e.is_io() => Err(e).context("could not read mdBook's input on stdin"),
        (Err(e), _) if e.is_syntax() || e.is_eof() => {
            Err(e).context("mdBook's input is not valid JSON (truncated?)")
        }
        (Err(e), None) => {
            Err(e).context("the input is not an mdBook preprocessor context ([context, book])")
        }
        (Err(e), Some(Ok(_))) => {
            Err(e).context("mdBook's input does not have the shape mdBook 0.5 sends")
        }
        (Ok(_), None) => bail!("mdBook's input was read without its context"),
    }
}

/// Deserialises `[context, book]`, running [`version_gate`] between the two; the gate's verdict
/// goes to `gate` (a refusal also stops the parse).
struct InputSeed<'a> {
    gate: &'a std::cell::RefCell<Option<anyhow::Result<Option<String>>>>,
}

impl<'de> serde::de::DeserializeSeed<'de> for InputSeed<'_> {
    type Value = (PreprocessorContext, Book);

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for InputSeed<'_> {
    type Value = (PreprocessorContext, Book);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array [context, book]")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error as _;
        let context: serde_json::Value = seq
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(0, &self))?;
        let input = serde_json::Value::Array(vec![context]);
        let verdict = version_gate(&input);
        let refused = verdict.is_err();
        *self.gate.borrow_mut() = Some(verdict);
        if refused {
            return Err(A::Error::custom("mdBook version refused"));
        }
        let context = match input {
            serde_json::Value::Array(mut items) => items.pop().unwrap_or_default(),
            other => other,
        };
        let ctx: PreprocessorContext = serde_json::from_value(context).map_err(A::Error::custom)?;
        let book: Book = seq
            .next_element()?
            .ok_or_else(|| A::Error::invalid_length(1, &self))?;
        Ok((ctx, book))
    }
}

/// The preprocessor protocol on stdin/stdout.
pub fn run_protocol(mut input: impl Read, mut output: impl Write) -> anyhow::Result<()> {
    let laps = Laps::start();
    let (ctx, book) = read_input(&mut input)?;
    laps.lap("parsed");
    let book = Polish::new().run(&ctx, book)?;
    laps.lap("processed");
    // One large write instead of many small ones (stdout is line-buffered).
    let mut output = std::io::BufWriter::with_capacity(1 << 16, &mut output);
    serde_json::to_writer(&mut output, &book)?;
    output.flush()?;
    laps.lap("written");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdbook_preprocessor::config::Config as BookConfig;

    fn ctx(root: &Path, toml: &str, renderer: &str) -> PreprocessorContext {
        let cfg: BookConfig = toml.parse().expect("valid book.toml");
        PreprocessorContext::new(root.to_path_buf(), cfg, renderer.into())
    }

    #[test]
    fn duplicate_guid_in_otherwise_clean_chapters_is_reported_with_its_line() {
        use mdbook_preprocessor::book::Chapter;
        let dir = tempfile::tempdir().unwrap();
        let fm = |guid: &str| {
            format!(
                "---\nsummary: A short page.\nguid: {guid}\nlocale: en-us\n---\n\n# Title\n\nBody text.\n"
            )
        };
        let same = "0b6c2d4e-1f3a-4b5c-8d7e-9f0a1b2c3d4e";
        let plain = "# Plain\n\nNothing to do here.\n";
        let mut book = Book::new();
        book.push_item(Chapter::new("a", fm(same), "a.md", vec![]));
        book.push_item(Chapter::new("b", plain.to_string(), "b.md", vec![]));
        book.push_item(Chapter::new("c", fm(same), "c.md", vec![]));
        let ctx = ctx(dir.path(), "[preprocessor.polish]\n", "markdown");
        let (book, outcome) = run_book(&ctx, book).unwrap();
        let contents: Vec<String> = book
            .iter()
            .filter_map(|item| match item {
                mdbook_preprocessor::book::BookItem::Chapter(ch) => Some(ch.content.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(contents[1], plain);
        assert!(!contents[0].contains("guid"), "{}", contents[0]);
        let paths: Vec<&str> = outcome.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["src/a.md", "src/c.md"]);
        let text = report::render(Format::Human, &outcome.files, false);
        assert_eq!(text.matches("PL210").count(), 2, "{text}");
        assert!(text.contains(&format!("3 | guid: {same}")), "{text}");
        assert!(
            text.contains("src/a.md:3:7") && text.contains("src/c.md:3:7"),
            "{text}"
        );
    }

    /// A report keeps only the lines its findings are on (memory, issue 6): positions and
    /// snippets must still be those of the full chapter, far down a long one too.
    #[test]
    fn findings_deep_in_long_chapters_keep_their_lines_and_snippets() {
        use mdbook_preprocessor::book::Chapter;
        let dir = tempfile::tempdir().unwrap();
        let guid = "0b6c2d4e-1f3a-4b5c-8d7e-9f0a1b2c3d4e";
        let mut body = String::new();
        for i in 0..300 {
            body.push_str(&format!(
                "Paragraph {i}, plain text and nothing to fix.\r\n\r\n"
            ));
        }
        let long = format!(
            "---\nguid: {guid}\nlocale: en-us\nfigma: javascript:go()\n---\n\n# Title\n\n{body}Ça dit: Letâ€™s end here.\n"
        );
        let short = format!("---\nguid: {guid}\n---\n\n# Short\n");
        let mut book = Book::new();
        book.push_item(Chapter::new("a", long.clone(), "a.md", vec![]));
        book.push_item(Chapter::new("b", short, "b.md", vec![]));
        let ctx = ctx(dir.path(), "[preprocessor.polish]\n", "markdown");
        let (_, outcome) = run_book(&ctx, book).unwrap();
        let a = &outcome.files[0];
        assert_eq!(a.path, "src/a.md");
        assert!(
            a.source.len() < long.len() / 10,
            "kept {} bytes",
            a.source.len()
        );

        let json: serde_json::Value =
            serde_json::from_str(&report::render(Format::Json, &outcome.files, false)).unwrap();
        let at = |code: &str| -> Vec<(String, u64, u64)> {
            json["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["code"] == code)
                .map(|d| {
                    let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
                    let n = |k: &str| d[k].as_u64().unwrap_or_default();
                    (s("file"), n("line"), n("column"))
                })
                .collect()
        };
        // The finding points at the broken characters; their place in the full chapter is
        // the reference.
        let (line, col) =
            crate::diagnostic::LineIndex::new(&long).line_col(long.find("â€™").unwrap());
        let mojibake_line = line as u64;
        assert!(mojibake_line > 600 && col == 12, "{line}:{col}");
        assert_eq!(at("PL401"), [("src/a.md".to_string(), mojibake_line, 12)]);
        assert_eq!(
            at("PL210"),
            [
                ("src/a.md".to_string(), 2, 7),
                ("src/b.md".to_string(), 2, 7)
            ]
        );
        let unknown: Vec<_> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                d["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("`figma`")
            })
            .map(|d| (d["line"].as_u64(), d["column"].as_u64()))
            .collect();
        assert_eq!(unknown, [(Some(4), Some(8))]);
        let human = report::render(Format::Human, &outcome.files, false);
        assert!(
            human.contains(&format!("{mojibake_line} | Ça dit: Letâ€™s end here.")),
            "{human}"
        );
    }

    #[test]
    fn prints_once_per_build_in_the_first_renderer() {
        let two = "[output.html]\n[output.markdown]\n";
        assert_eq!(first_renderer(&two.parse().unwrap()), "html");
        let md_only = "[output.markdown]\n[output.zzz]\n";
        assert_eq!(first_renderer(&md_only.parse().unwrap()), "markdown");
        assert_eq!(first_renderer(&"[book]\n".parse().unwrap()), "html");
    }

    #[test]
    fn version_gate_accepts_ours_warns_on_newer_refuses_older() {
        let v = |s: &str| serde_json::json!([{ "mdbook_version": s }, {}]);
        assert_eq!(version_gate(&v(BUILT_FOR)).unwrap(), None);
        assert!(version_gate(&v("0.5.999")).unwrap().is_some());
        let e = version_gate(&v("0.4.52")).unwrap_err().to_string();
        assert!(e.contains("needs mdBook 0.5; you have 0.4.52"), "{e}");
        assert!(version_gate(&v("1.0.0")).is_err());
        assert!(version_gate(&serde_json::json!({})).is_err());
    }
}
