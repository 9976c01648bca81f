//! `mdbook-polish check`: the preprocessor's checks, read-only, over any tree of Markdown.
//!
//! One bad file never hides the others: unreadable or non-UTF-8 files become findings, and
//! every file is reported in a deterministic order.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use rayon::prelude::*;

use crate::cli::ReportArgs;
use crate::collection;
use crate::diagnostic::Diagnostic;
use crate::frontmatter::Node;
use crate::frontmatter::schema::Schema;
use crate::include;
use crate::pipeline::{self, ChapterInput, Settings};
use crate::report::{self, Counts, FileReport, Format, SparseSource};
use crate::timings::Laps;
use crate::workspace::add_duplicate_guids;
use crate::workspace::{self, Profile, Profiles, Target};

/// Rule: a file that is not UTF-8 text.
pub const NOT_UTF8: &str = "PL001";
/// Rule: a file that could not be read.
pub const UNREADABLE: &str = "PL002";

/// Arguments of `check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// mdBook roots, folders, Markdown files or globs (default: the current folder).
    pub paths: Vec<String>,
    /// Skip files whose path matches this glob (repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Exit 0 when the PATHs hold nothing to check (by default that is an error, exit 2: a
    /// CI gate that checked nothing must not pass).
    #[arg(long)]
    pub allow_empty: bool,
    /// Validate against this JSON Schema instead of the book's or the embedded one.
    #[arg(long)]
    pub schema: Option<PathBuf>,
    /// Write the report in `--format` to FILE, and print the human report for people (one run
    /// for both a CI server's report and the log).
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Baseline options.
    #[command(flatten)]
    pub baseline: crate::cli::baseline::BaselineArgs,
    /// Report options.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// A file that cannot be checked: what to show of it (lossy text, possibly empty) and why.
pub type Unreadable = Box<(String, Diagnostic)>;

/// Reads a source file as UTF-8, or explains in one finding why it cannot be. For a file that
/// is not UTF-8 the finding points at the first bad byte in a lossy copy of the text, so the
/// usual `file:line:col` and snippet show where it is.
pub fn read_source(path: &std::path::Path) -> Result<String, Unreadable> {
    let bytes = read_bytes(path).map_err(|e| {
        Box::new((
            String::new(),
            Diagnostic::error(UNREADABLE, 0..0, format!("could not read this file: {e}")),
        ))
    })?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Box::new((
            String::new(),
            Diagnostic::error(NOT_UTF8, 0..0, "this file is UTF-16; mdBook reads UTF-8")
                .with_help("re-save it as UTF-8 (without changing anything else)"),
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let byte = e.as_bytes()[at];
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        // Everything before `at` is valid, so the replacement character starts at `at` too.
        let span = at..at + '\u{fffd}'.len_utf8();
        let d = Diagnostic::error(
            NOT_UTF8,
            span,
            format!("this file is not valid UTF-8: byte {at} is {byte:#04x}"),
        )
        .with_help("it was probably saved as Windows-1252 or Latin-1; re-save it as UTF-8");
        Box::new((lossy, d))
    })
}

/// A whole file's bytes. `fs::read` first asks the file system for the size (a `statx` per
/// file, a few percent of `check` on a large book), and reading through a plain `Read` makes
/// the standard library zero its whole spare buffer first. So each worker thread reads into
/// one buffer of its own, zeroed once, and the file's bytes are copied out at their size.
fn read_bytes(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut file = std::fs::File::open(path)?;
    BUF.with_borrow_mut(|buf| {
        if buf.is_empty() {
            buf.resize(64 * 1024, 0);
        }
        let mut len = 0;
        while let Some(spare) = buf.get_mut(len..).filter(|s| !s.is_empty()) {
            match file.read(spare) {
                Ok(0) => return Ok(buf.get(..len).unwrap_or_default().to_vec()),
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        // Larger than the buffer (rare for a chapter): the rest goes straight into the result,
        // so the thread's buffer never grows.
        let mut bytes = buf.get(..len).unwrap_or_default().to_vec();
        file.read_to_end(&mut bytes)?;
        Ok(bytes)
    })
}

/// One checked file, before cross-file rules.
struct Checked {
    report: FileReport,
    /// The `guid` value, for the cross-file duplicate rule. Only this node is kept: the rest
    /// of the front matter tree is freed on the worker thread, not serially afterwards.
    guid: Option<Node>,
    /// Files a book chapter pulls in with `{{#include}}` outside code.
    includes: Vec<std::path::PathBuf>,
    /// What the book-level rules need of a book's chapter (its values, markers, draft flag).
    page: Option<collection::Page>,
}

/// Checks one file. `require` says whether it must have front matter; `in_book`, whether it
/// is an mdBook chapter (whose `{{#include}}`s are checked too). `extra` holds book-level
/// findings about it (see [`book_level`]), reported with its own.
fn check_file(
    t: &Target,
    settings: &Settings,
    require: bool,
    in_book: bool,
    mut extra: Vec<Diagnostic>,
) -> Checked {
    let source = match read_source(&t.path) {
        Ok(s) => s,
        Err(bad) => {
            let (source, d) = *bad;
            return Checked {
                report: FileReport {
                    path: t.display.clone(),
                    source,
                    diagnostics: vec![d],
                },
                guid: None,
                includes: Vec::new(),
                page: None,
            };
        }
    };
    let input = ChapterInput {
        source: &source,
        // `check` runs with `diagnostics_only`, which builds no HTML and so needs no ids.
        id_prefix: "",
        html: true,
        require_front_matter: require,
    };
    let mut result = pipeline::process(input, settings);
    // What the build puts into this chapter with `{{#include}}` is checked too, so that every
    // finding the build prints can be found and fixed from the command line.
    let includes = if in_book {
        include::included_files(&t.path, &source, settings.parse, &mut |p| {
            std::fs::read_to_string(p).ok()
        })
    } else {
        Vec::new()
    };
    if !extra.is_empty() {
        settings.levels.apply(&mut extra);
        result.diagnostics.extend(extra);
    }
    let page = in_book.then(|| {
        let mut page = collection::Page {
            path: t.rel.clone(),
            ..collection::Page::default()
        };
        // Only what every book needs (drafts): the values are read again in `book_level`
        // for the books with an index or related pages, so other books pay nothing.
        page.draft = result
            .front_matter
            .as_ref()
            .is_some_and(collection::is_draft);
        if collection::may_have_marker(&source) {
            (page.markers, page.marker_findings) =
                collection::find_markers(&source, settings.parse);
        }
        page
    });
    let mut guid = result.front_matter.and_then(|fm| fm.get("guid").cloned());
    // The report keeps only the lines its findings and the guid are on (a shared guid, PL210,
    // is found after every file is read): a 5,000-chapter book is held in a few MB instead
    // of its full size, and the memory freed on this worker is reused for the next file.
    let source = SparseSource::for_report(
        &source,
        &mut result.diagnostics,
        &mut guid
            .as_mut()
            .map(|g| &mut g.span)
            .into_iter()
            .collect::<Vec<_>>(),
    );
    Checked {
        report: FileReport {
            path: t.display.clone(),
            source,
            diagnostics: result.diagnostics,
        },
        guid,
        includes,
        page,
    }
}

/// The book-level rules of `collection` over each book's chapters: index markers (PL701,
/// PL702), one value spelt two ways (PL703), links to drafts the build leaves out (PL704).
/// Returns the findings by index into `targets`, spans in each file's source.
fn book_level(
    inputs: &workspace::Inputs,
    checked: &[Checked],
    profiles: &[Profile],
    of: &[usize],
) -> Vec<(usize, Vec<Diagnostic>)> {
    let mut found: std::collections::BTreeMap<usize, Vec<Diagnostic>> = Default::default();
    for (b, book) in inputs.books.iter().enumerate() {
        if !book.is_book {
            continue;
        }
        let members: Vec<usize> = inputs
            .targets
            .iter()
            .enumerate()
            .filter(|(i, t)| t.book == Some(b) && checked.get(*i).is_some_and(|c| c.page.is_some()))
            .map(|(i, _)| i)
            .collect();
        let page = |i: usize| checked[i].page.as_ref();
        let opts = collection::Options::from_config(
            &book.config,
            book.book_config.book.language.clone(),
            crate::config::parse_options(&book.book_config),
        );
        let hidden = book.config.drafts == crate::config::Drafts::Hide;
        let drafts: std::collections::HashSet<String> = members
            .iter()
            .filter_map(|&i| page(i))
            .filter(|p| hidden && p.draft)
            .map(|p| p.path.clone())
            .collect();
        if !drafts.is_empty() {
            let linking: Vec<(usize, Vec<Diagnostic>)> = members
                .par_iter()
                .filter(|&&i| page(i).is_some_and(|p| !p.draft))
                .filter_map(|&i| {
                    let t = &inputs.targets[i];
                    let text = read_source(&t.path).ok()?;
                    let parse = profiles[of[i]].settings.parse;
                    let links = collection::links_to_drafts(&text, &t.rel, &drafts, parse);
                    (!links.is_empty()).then(|| {
                        (
                            i,
                            links.iter().map(collection::draft_link_finding).collect(),
                        )
                    })
                })
                .collect();
            for (i, d) in linking {
                found.entry(i).or_default().extend(d);
            }
        }
        let wanted = opts.related > 0
            || members.iter().any(|&i| {
                page(i).is_some_and(|p| !p.markers.is_empty() || !p.marker_findings.is_empty())
            });
        if !wanted {
            continue;
        }
        let listed: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| page(i).is_some_and(|p| !drafts.contains(&p.path)))
            .collect();
        let keys = collection::needed_keys(
            members
                .iter()
                .filter_map(|&i| page(i))
                .flat_map(|p| &p.markers),
            &opts,
        );
        // The values of the keys the indexes and related pages need, read again (few books
        // use them), and every page's keys for the did-you-mean of an empty index.
        let read: Vec<(collection::Page, Vec<String>)> = listed
            .par_iter()
            .map(|&i| {
                // `listed` holds only members with a page, so the default is never used; it
                // keeps `pages` aligned with `listed` whatever happens.
                let mut p = page(i).cloned().unwrap_or_default();
                let t = &inputs.targets[i];
                let settings = &profiles[of[i]].settings;
                let text = read_source(&t.path).ok().unwrap_or_default();
                let fm = crate::frontmatter::extract(&text, &settings.limits);
                let mut keys_used = Vec::new();
                if let Some(data) = &fm.data {
                    p.fill(data, Some(&keys));
                    keys_used = collection::keys_of(data);
                }
                (p, keys_used)
            })
            .collect();
        let (pages, keys_used): (Vec<_>, Vec<_>) = read.into_iter().unzip();
        let keys_in_use = || keys_used.iter().flatten().cloned().collect();
        let catalog = collection::Catalog::build(pages, &opts, &keys_in_use);
        for (local, d) in catalog.findings {
            if let Some(&i) = listed.get(local) {
                found.entry(i).or_default().extend(d);
            }
        }
    }
    found.into_iter().collect()
}

/// The files that the checked chapters include and that are not targets themselves, each
/// once, as targets of the including chapter's book, in a stable order.
pub(crate) fn included_targets<T>(targets: &[Target], checked: &[T]) -> Vec<Target>
where
    T: AsRef<[std::path::PathBuf]>,
{
    let mut seen: std::collections::HashSet<std::path::PathBuf> = targets
        .iter()
        .map(|t| include::normalize(&t.path))
        .collect();
    let mut out = Vec::new();
    for (t, c) in targets.iter().zip(checked) {
        for p in c.as_ref() {
            let p = include::normalize(p);
            if seen.insert(p.clone()) {
                let display = p.to_string_lossy().replace('\\', "/");
                out.push(Target {
                    rel: display.clone(),
                    display,
                    path: p,
                    book: t.book,
                });
            }
        }
    }
    out.sort();
    out
}

impl AsRef<[std::path::PathBuf]> for Checked {
    fn as_ref(&self) -> &[std::path::PathBuf] {
        &self.includes
    }
}

/// Writes the report to stdout in one call. A closed pipe (`check … | head`) is not an error:
/// the reader has all it wanted, and `print!` would panic there.
fn write_report(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Runs `check`. Returns exit code 1 when findings reach `--deny`.
pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let laps = Laps::start();
    let inputs = workspace::collect(&args.paths, &args.exclude, args.allow_empty)?;
    laps.lap("collected");
    let override_schema = match &args.schema {
        Some(p) => Some(Arc::new(
            Schema::from_file(p).map_err(|e| anyhow::anyhow!("{e}"))?,
        )),
        None => None,
    };
    let mut profiles = Profiles::new(|s: &mut Settings| {
        s.diagnostics_only = true;
        if override_schema.is_some() {
            s.schema.clone_from(&override_schema);
        }
    });
    for (i, b) in inputs.books.iter().enumerate() {
        let base = profiles.index(&inputs.books, Some(i), "")?;
        for w in workspace::scope_warnings(b, &profiles.list[base].settings) {
            eprintln!("mdbook-polish: warning: {w}");
        }
    }
    // Each file's settings: its scope's, with the overrides that match it. Resolved before
    // the parallel part, which only reads them.
    let of: Vec<usize> = inputs
        .targets
        .iter()
        .map(|t| profiles.index(&inputs.books, t.book, &t.rel))
        .collect::<anyhow::Result<_>>()?;

    // Files are independent until the cross-file rules: check them in parallel. `collect`
    // keeps the targets' (sorted) order, so the report does not depend on scheduling.
    let checked: Vec<Checked> = inputs
        .targets
        .par_iter()
        .zip(&of)
        .map(|(t, &p)| {
            let Profile {
                config, settings, ..
            } = &profiles.list[p];
            let require = config
                .require_front_matter
                .applies_to(&t.rel, settings.schema_requires_keys());
            check_file(t, settings, require, inputs.in_book(t), Vec::new())
        })
        .collect();
    // Book-level rules; a file they find something in is checked again with those findings,
    // so that its report holds the lines they point at (see `SparseSource`). Few files are.
    let again = book_level(&inputs, &checked, &profiles.list, &of);
    let mut checked = checked;
    let redone: Vec<(usize, Checked)> = again
        .into_par_iter()
        .map(|(i, extra)| {
            let t = &inputs.targets[i];
            let Profile {
                config, settings, ..
            } = &profiles.list[of[i]];
            let require = config
                .require_front_matter
                .applies_to(&t.rel, settings.schema_requires_keys());
            (i, check_file(t, settings, require, true, extra))
        })
        .collect();
    for (i, c) in redone {
        checked[i] = c;
    }
    let snippets = included_targets(&inputs.targets, &checked);
    // An included file is not a chapter: no front matter is required of it or validated in
    // it (the build never sees front matter there); repairs and table notes apply as in the
    // chapter that includes it.
    let mut of_snippets = Vec::with_capacity(snippets.len());
    for t in &snippets {
        of_snippets.push(profiles.index(&inputs.books, t.book, &t.rel)?);
    }
    let snippet_settings: Vec<Settings> = profiles
        .list
        .iter()
        .map(|p| Settings {
            schema: None,
            ..p.settings.clone()
        })
        .collect();
    checked.extend(
        snippets
            .par_iter()
            .zip(&of_snippets)
            .map(|(t, &p)| check_file(t, &snippet_settings[p], false, false, Vec::new()))
            .collect::<Vec<_>>(),
    );
    let of: Vec<usize> = of.into_iter().chain(of_snippets).collect();
    laps.lap("checked");
    let mut files = Vec::with_capacity(checked.len());
    let mut guids = Vec::new();
    for c in checked {
        if let Some(g) = c.guid {
            guids.push((files.len(), g));
        }
        files.push(c.report);
    }
    add_duplicate_guids(&mut files, &guids);
    for (f, p) in files.iter_mut().zip(&of) {
        // The cross-file findings get the file's rule levels too.
        profiles.list[*p].settings.levels.apply(&mut f.diagnostics);
        f.sort();
    }
    // Issue 18: a baseline drops the findings it accepts before the report and exit code.
    crate::cli::baseline::apply(&args.baseline, &mut files)?;
    let checked = files.len();
    let counts = Counts::of(&files);
    laps.lap("cross-file rules");
    let color = args.report.color.enabled();
    let machine = report::render_with_deny(args.report.format, &files, color, args.report.deny);
    match &args.output_file {
        Some(path) => {
            std::fs::write(path, &machine)
                .with_context(|| format!("could not write the report to {}", path.display()))?;
            write_report(&report::render(Format::Human, &files, color))?;
        }
        None => write_report(&machine)?,
    }
    laps.lap("written");
    if args.report.format == Format::Human || args.output_file.is_some() {
        eprintln!(
            "mdbook-polish: checked {checked} file(s): {}",
            counts.sentence()
        );
    }
    Ok(if counts.at_least(args.report.deny) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
