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

    // Book-level front matter (index pages, related pages, drafts): read the pages these need
    // before the chapters are processed, leave the drafts out. See `collection`.
    let copts = collection::Options::from_config(
        &cfg,
        ctx.config.book.language.clone(),
        profiles.list[base].settings.parse,
    );
    let mut book_level = BookLevel::prepare(&mut book, &cfg, &copts, &profiles.list[base].settings);
    let mut fronts = std::mem::take(&mut book_level.fronts).into_iter();

    // Chapters are independent until the cross-file rules, so they are processed in
    // parallel. Three passes keep everything in book order whatever the scheduling: take each
    // chapter's text out (in `for_each_chapter_mut` order), process the list in parallel
    // (`collect` keeps its order), then walk the book in the same order to put results back.
    let mut jobs: Vec<Job> = Vec::new();
    let mut failed = None;
    book.for_each_chapter_mut(|ch| {
        if let Some(source_path) = &ch.source_path {
            let rel = source_path.to_string_lossy().replace('\\', "/");
            let out = out_path(ch);
            let front_matter = fronts.next().flatten();
            match profiles.index(&scope, Some(0), &rel) {
                Ok(p) => jobs.push(Job {
                    source_path: source_path.clone(),
                    out,
                    content: std::mem::take(&mut ch.content),
                    profile: p,
                    front_matter,
                }),
                Err(e) => failed = Some(e),
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let base_limits = profiles.list[base].settings.limits;
    if let Some(links) = &book_level.links {
        for p in &mut profiles.list {
            p.settings.links = Some(links.clone());
        }
    }
    let results: Vec<Done> = jobs
        .into_par_iter()
        .enumerate()
        .map(|(i, job)| {
            let Job {
                source_path,
                out,
                content,
                profile: p,
                front_matter,
            } = job;
            let rel = source_path.to_string_lossy().replace('\\', "/");
            let prefix = header::id_prefix(&rel);
            let workspace::Profile { config, settings } = &profiles.list[p];
            let input = ChapterInput {
                source: &content,
                id_prefix: &prefix,
                html,
                require_front_matter: config
                    .require_front_matter
                    .applies_to(&rel, settings.schema_requires_keys()),
            };
            // The front matter read for the book-level jobs was parsed with the book's limits.
            let front_matter = front_matter.filter(|_| settings.limits == base_limits);
            let mut result = pipeline::process_at(input, &out, settings, front_matter);
            book_level.finish(i, &out, &content, &mut result, settings, html, &copts);
            Done::new(
                p,
                display_path(&src_dir, &source_path),
                content,
                result,
                &src_root,
                &source_path,
            )
        })
        .collect();
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
        let source = SparseSource::for_report(&text, &mut diagnostics, None);
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

/// One chapter to process: where it is, its text, its settings (an index into the run's
/// profiles), and its front matter when the book-level jobs already read it.
struct Job {
    source_path: PathBuf,
    out: String,
    content: String,
    profile: usize,
    front_matter: Option<frontmatter::Extracted>,
}

/// The book-level jobs of one run: the catalogue of pages (when an index or related pages
/// need it), the chips' links, and the drafts left out.
#[derive(Default)]
struct BookLevel {
    /// Pages in the order the chapters are processed (`for_each_chapter_mut` order, chapters
    /// with a file only), when the catalogue is needed.
    catalog: Option<Catalog>,
    links: Option<std::sync::Arc<collection::ChipLinks>>,
    /// Output paths (and source paths) of the drafts left out, links to which are reported.
    left_out: HashSet<String>,
    /// Each chapter's front matter as read here, in processing order (empty when nothing was
    /// read): its own run uses it instead of parsing it again.
    fronts: Vec<Option<frontmatter::Extracted>>,
}

impl BookLevel {
    /// Reads what the book-level jobs need and leaves the drafts out of `book`. Costs a
    /// byte search per chapter when the book uses none of them.
    fn prepare(
        book: &mut Book,
        cfg: &Config,
        opts: &collection::Options,
        settings: &pipeline::Settings,
    ) -> BookLevel {
        let mut chapters: Vec<(String, String, &str)> = Vec::new();
        let mut wanted = opts.related > 0;
        let mut drafts_possible = false;
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
        let mut markers: Vec<(usize, Vec<collection::Marker>, Vec<Diagnostic>)> = Vec::new();
        visit(&book.items, &mut |ch| {
            if ch.source_path.is_some() {
                if collection::may_have_marker(&ch.content) {
                    let (m, f) = collection::find_markers(&ch.content, settings.parse);
                    if !m.is_empty() || !f.is_empty() {
                        markers.push((chapters.len(), m, f));
                    }
                }
                drafts_possible |= collection::may_be_draft(&ch.content);
                chapters.push((out_path(ch), ch.name.clone(), ch.content.as_str()));
            }
        });
        wanted |= !markers.is_empty();
        if !wanted && !drafts_possible {
            return BookLevel::default();
        }
        let keys = collection::needed_keys(markers.iter().flat_map(|(_, m, _)| m), opts);
        let read: Vec<(collection::Page, Option<frontmatter::Extracted>)> = chapters
            .par_iter()
            .map(|(path, name, content)| {
                if wanted || collection::may_be_draft(content) {
                    let (page, fm) =
                        collection::Page::read(path, name, content, &settings.limits, &keys);
                    (page, Some(fm))
                } else {
                    let page = collection::Page {
                        path: path.clone(),
                        title: name.clone(),
                        ..collection::Page::default()
                    };
                    (page, None)
                }
            })
            .collect();
        let (mut pages, mut fronts): (Vec<_>, Vec<_>) = read.into_iter().unzip();
        for (i, m, f) in markers {
            pages[i].markers = m;
            pages[i].marker_findings = f;
        }
        let mut level = BookLevel::default();
        if cfg.drafts == Drafts::Hide && pages.iter().any(|p| p.draft) {
            let drafts: HashSet<String> = pages
                .iter()
                .filter(|p| p.draft)
                .map(|p| p.path.clone())
                .collect();
            let mut removed = Vec::new();
            remove_drafts(&mut book.items, &drafts, &mut removed);
            renumber(&mut book.items, &[]);
            let gone: HashSet<&String> = removed.iter().map(|(out, _)| out).collect();
            let kept: Vec<bool> = pages.iter().map(|p| !gone.contains(&p.path)).collect();
            let mut k = kept.iter();
            pages.retain(|_| *k.next().unwrap_or(&true));
            let mut k = kept.iter();
            fronts.retain(|_| *k.next().unwrap_or(&true));
            for (out, source) in removed {
                level.left_out.insert(out);
                level.left_out.extend(source);
            }
        }
        if wanted {
            let keys_in_use = || {
                fronts
                    .iter()
                    .flatten()
                    .filter_map(|fm| fm.data.as_ref())
                    .flat_map(collection::keys_of)
                    .collect()
            };
            let catalog = Catalog::build(pages, opts, &keys_in_use);
            if !catalog.indexes.is_empty() {
                level.links = Some(std::sync::Arc::new(catalog.chip_links()));
            }
            level.catalog = Some(catalog);
        }
        level.fronts = fronts;
        level
    }

    /// The book-level part of chapter `i` (in processing order) at output path `out`: its
    /// findings, the index that replaces its markers, its related pages, its links to
    /// left-out drafts turned into text.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        i: usize,
        out: &str,
        source: &str,
        result: &mut pipeline::ChapterResult,
        settings: &pipeline::Settings,
        html: bool,
        opts: &collection::Options,
    ) {
        let mut extra: Vec<Diagnostic> = Vec::new();
        let mut drafts_linked = false;
        if !self.left_out.is_empty() {
            let links = collection::links_to_drafts(source, out, &self.left_out, settings.parse);
            drafts_linked = !links.is_empty();
            extra.extend(links.iter().map(collection::draft_link_finding));
        }
        let catalog = self.catalog.as_ref();
        if let Some(found) = catalog.and_then(|c| c.findings.get(&i)) {
            extra.extend(found.iter().cloned());
        }
        if !extra.is_empty() {
            settings.levels.apply(&mut extra);
            result.diagnostics.extend(extra);
            result.diagnostics.sort_by(|a, b| {
                (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code))
            });
        }
        let has_markers =
            catalog.is_some_and(|c| c.pages.get(i).is_some_and(|p| !p.markers.is_empty()));
        let related = catalog.and_then(|c| c.render_related(i, opts, html));
        if !drafts_linked && !has_markers && related.is_none() {
            return;
        }
        let mut text = result.content.take().unwrap_or_else(|| source.to_string());
        if drafts_linked {
            let links = collection::links_to_drafts(&text, out, &self.left_out, settings.parse);
            text = collection::unlink(&text, &links);
        }
        if let (true, Some(c)) = (has_markers, catalog) {
            text = collection::replace_markers(&text, settings.parse, |m| {
                c.render_index(m, opts, html)
            });
        }
        if let Some(related) = related {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push('\n');
            text.push_str(&related);
        }
        result.content = (text != source).then_some(text);
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
    /// file under `src_root`.
    fn new(
        profile: usize,
        path: String,
        source: String,
        mut result: pipeline::ChapterResult,
        src_root: &Path,
        source_path: &Path,
    ) -> Done {
        let mut guid = result
            .front_matter
            .as_ref()
            .and_then(|fm| fm.get("guid"))
            .cloned();
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
                guid.as_mut().map(|g| &mut g.span),
                &mut read,
            ) {
                written = Some(placed.source);
                included = placed.included;
            }
        }
        // Only the lines a report can point at are kept, see `SparseSource`.
        let report_source = (!result.diagnostics.is_empty() || guid.is_some()).then(|| {
            SparseSource::for_report(
                written.as_deref().unwrap_or(&source),
                &mut result.diagnostics,
                guid.as_mut().map(|g| &mut g.span),
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
