//! The mdBook side: the `Preprocessor` impl, the version gate, and the JSON protocol.
//!
//! mdBook runs `mdbook-polish supports <renderer>` and then pipes `[context, book]` JSON in;
//! only the book JSON may go to stdout. Diagnostics for the whole book are collected and printed
//! once per build (mdBook runs a preprocessor once per renderer, so only the run for the first
//! renderer prints), and fail the build only under `on-failure = "error"`.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use rayon::prelude::*;

use crate::config::{self, Config, OnFailure};
use crate::diagnostic::{Diagnostic, Location};
use crate::frontmatter::Node;
use crate::frontmatter::schema::Schema;
use crate::header;
use crate::pipeline::{self, ChapterInput, Settings};
use crate::report::{self, Counts, FileReport, Format};

/// The mdBook version this binary was built against.
pub const BUILT_FOR: &str = mdbook_preprocessor::MDBOOK_VERSION;

/// Rule: the same guid in two chapters.
pub const DUPLICATE_GUID: &str = "PL210";
/// Rule: the book's stylesheet is missing or older than the binary.
pub const STALE_STYLESHEET: &str = "PL601";

/// The file name `install` gives the stylesheet.
pub const STYLESHEET: &str = "polish.css";

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

/// Builds the per-chapter settings from a book's config. Shared with `check`.
pub fn settings_for(
    cfg: &Config,
    book_cfg: &mdbook_preprocessor::config::Config,
    root: &Path,
) -> anyhow::Result<Settings> {
    let parse = config::parse_options(book_cfg);
    let schema = if cfg.validate {
        Some(Arc::new(match &cfg.schema {
            Some(path) => {
                let full = root.join(path);
                Schema::from_file(&full).map_err(|e| anyhow::anyhow!("{e}"))?
            }
            None => Schema::embedded(),
        }))
    } else {
        None
    };
    Ok(Settings {
        repair: cfg.repair_options(parse),
        limits: Default::default(),
        schema,
        header: cfg.header_config(),
        compare: cfg.compare_options(parse),
        parse,
        diagnostics_only: false,
    })
}

/// Runs polish over a whole book without printing.
pub fn run_book(ctx: &PreprocessorContext, mut book: Book) -> anyhow::Result<(Book, Outcome)> {
    let cfg = Config::from_book_config(&ctx.config)?;
    let mut outcome = Outcome {
        warnings: cfg.unknown_keys(),
        ..Outcome::default()
    };
    let settings = settings_for(&cfg, &ctx.config, &ctx.root)?;
    let html = ctx.renderer == "html";
    if html {
        outcome.warnings.extend(stylesheet_warning(ctx));
    }
    let src_dir = ctx.config.book.src.clone();

    // Chapters are independent until the cross-file rules, so they are processed in
    // parallel. Three passes keep everything in book order whatever the scheduling: take each
    // chapter's text out (in `for_each_chapter_mut` order), process the list in parallel
    // (`collect` keeps its order), then walk the book in the same order to put results back.
    let mut jobs: Vec<(PathBuf, String)> = Vec::new();
    book.for_each_chapter_mut(|ch| {
        if let Some(source_path) = &ch.source_path {
            jobs.push((source_path.clone(), std::mem::take(&mut ch.content)));
        }
    });
    let results: Vec<(String, String, pipeline::ChapterResult)> = jobs
        .into_par_iter()
        .map(|(source_path, content)| {
            let rel = source_path.to_string_lossy().replace('\\', "/");
            let prefix = header::id_prefix(&rel);
            let input = ChapterInput {
                source: &content,
                id_prefix: &prefix,
                html,
                require_front_matter: cfg.require_front_matter.applies_to(&rel),
            };
            let result = pipeline::process(input, &settings);
            (display_path(&src_dir, &source_path), content, result)
        })
        .collect();
    let mut guids: Vec<(usize, Node)> = Vec::new();
    let mut results = results.into_iter();
    book.for_each_chapter_mut(|ch| {
        if ch.source_path.is_none() {
            return;
        }
        let Some((path, source, mut result)) = results.next() else {
            return;
        };
        if let Some(title) = result.title.take() {
            ch.name = title;
        }
        let index = outcome.files.len();
        if let Some(g) = result.front_matter.as_ref().and_then(|fm| fm.get("guid")) {
            guids.push((index, g.clone()));
        }
        ch.content = match result.content.take() {
            Some(new) => new,
            None => source.clone(),
        };
        outcome.files.push(FileReport {
            path,
            source,
            diagnostics: std::mem::take(&mut result.diagnostics),
        });
    });
    add_duplicate_guids(&mut outcome.files, &guids);
    outcome.files.retain(|f| !f.diagnostics.is_empty());
    for f in &mut outcome.files {
        f.sort();
    }
    outcome.counts = Counts::of(&outcome.files);
    outcome.print = ctx.renderer == first_renderer(&ctx.config);
    outcome.fail = cfg.on_failure == OnFailure::Error && outcome.counts.errors > 0;
    Ok((book, outcome))
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

/// Reports every guid used by more than one chapter, at each use, naming the other place.
/// `guids` holds (index into `files`, the guid node).
pub fn add_duplicate_guids(files: &mut [FileReport], guids: &[(usize, Node)]) {
    let mut by_value: HashMap<String, Vec<&(usize, Node)>> = HashMap::new();
    for g in guids {
        if let Some(v) = g.1.scalar_text() {
            by_value
                .entry(v.trim().to_ascii_lowercase())
                .or_default()
                .push(g);
        }
    }
    let mut values: Vec<_> = by_value.into_iter().filter(|(_, v)| v.len() > 1).collect();
    values.sort_by(|a, b| a.0.cmp(&b.0));
    for (value, uses) in values {
        let places: Vec<Location> = uses
            .iter()
            .map(|(i, node)| {
                let f = &files[*i];
                let (line, col) =
                    crate::diagnostic::LineIndex::new(&f.source).line_col(node.span.start);
                Location {
                    path: f.path.clone(),
                    line,
                    col,
                }
            })
            .collect();
        for (k, (i, node)) in uses.iter().enumerate() {
            let mut d = Diagnostic::error(
                DUPLICATE_GUID,
                node.span.clone(),
                format!(
                    "guid `{value}` is also used by {} other chapter(s)",
                    uses.len() - 1
                ),
            )
            .with_help(
                "every chapter needs its own guid; generate a new one (e.g. with `uuidgen`)",
            );
            for (j, loc) in places.iter().enumerate() {
                if j != k {
                    d.related.push(crate::diagnostic::Related {
                        span: 0..0,
                        message: "also used here".into(),
                        file: Some(loc.clone()),
                    });
                }
            }
            files[*i].diagnostics.push(d);
        }
    }
}

/// A warning when the html output does not load our stylesheet, or loads an older one.
fn stylesheet_warning(ctx: &PreprocessorContext) -> Option<String> {
    let css: Vec<PathBuf> = ctx
        .config
        .html_config()
        .map(|h| h.additional_css)
        .unwrap_or_default();
    let Some(entry) = css
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n == STYLESHEET))
    else {
        return Some(format!(
            "[{STALE_STYLESHEET}] output.html.additional-css does not list {STYLESHEET}, so headers and comparisons are unstyled; run `mdbook-polish install`"
        ));
    };
    let path = ctx.root.join(entry);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    match stylesheet_version(&text) {
        Some(v) if v == crate::VERSION => None,
        found => Some(format!(
            "[{STALE_STYLESHEET}] {} is from mdbook-polish {} but this is {}; run `mdbook-polish install` again to update it",
            path.display(),
            found.unwrap_or("(unknown)"),
            crate::VERSION
        )),
    }
}

/// The version in the stylesheet's first line (`/* mdbook-polish 0.1.0 ... */`).
pub fn stylesheet_version(css: &str) -> Option<&str> {
    let first = css.lines().next()?;
    let rest = first.split("mdbook-polish ").nth(1)?;
    rest.split_whitespace().next()
}

/// The stylesheet `install` writes: a version banner, then the header and comparison styles.
pub fn stylesheet() -> String {
    format!(
        "/* mdbook-polish {} stylesheet. Written by `mdbook-polish install`; run it again after upgrading. */\n{}\n{}",
        crate::VERSION,
        include_str!("../assets/header.css"),
        crate::compare::CSS
    )
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

/// The preprocessor protocol on stdin/stdout.
pub fn run_protocol(mut input: impl Read, mut output: impl Write) -> anyhow::Result<()> {
    // Hidden: `MDBOOK_POLISH_TIMINGS=1` prints each phase's time to stderr (scripts/bench-book).
    let timings = std::env::var_os("MDBOOK_POLISH_TIMINGS").is_some();
    let start = std::time::Instant::now();
    let lap = |what: &str| {
        if timings {
            eprintln!(
                "mdbook-polish: timing: {what} at {:.1} ms",
                start.elapsed().as_secs_f64() * 1e3
            );
        }
    };
    let mut buf = Vec::new();
    input
        .read_to_end(&mut buf)
        .context("could not read mdBook's input on stdin")?;
    if buf.iter().all(u8::is_ascii_whitespace) {
        bail!(
            "no input on stdin: mdbook-polish is an mdBook preprocessor; add it to book.toml and run `mdbook build` (or use `mdbook-polish check`)"
        );
    }
    // The version gate reads only the context's `mdbook_version` (the book is skipped, not
    // built): a whole `serde_json::Value` of a large book costs several times its size in
    // memory and a second pass to convert it.
    // Any other shape takes the general path, which gives the same errors as before.
    let raw = match serde_json::from_slice::<(serde_json::Value, serde::de::IgnoredAny)>(&buf) {
        Ok((context, _)) => serde_json::Value::Array(vec![context]),
        Err(_) => {
            serde_json::from_slice(&buf).context("mdBook's input is not valid JSON (truncated?)")?
        }
    };
    if let Some(warning) = version_gate(&raw)? {
        eprintln!("mdbook-polish: warning: {warning}");
    }
    drop(raw);
    let (ctx, book): (PreprocessorContext, Book) = serde_json::from_slice(&buf)
        .context("mdBook's input does not have the shape mdBook 0.5 sends")?;
    drop(buf);
    lap("parsed");
    let book = Polish::new().run(&ctx, book)?;
    lap("processed");
    // One large write instead of many small ones (stdout is line-buffered).
    let mut output = std::io::BufWriter::with_capacity(1 << 16, &mut output);
    serde_json::to_writer(&mut output, &book)?;
    output.flush()?;
    lap("written");
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
    fn stylesheet_missing_stale_and_current() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let linked = "[output.html]\nadditional-css = [\"polish.css\"]\n";
        let none = stylesheet_warning(&ctx(root, "[output.html]\n", "html")).unwrap();
        assert!(none.contains("does not list polish.css"), "{none}");
        std::fs::write(
            root.join(STYLESHEET),
            "/* mdbook-polish 0.0.1 stylesheet */\n",
        )
        .unwrap();
        let old = stylesheet_warning(&ctx(root, linked, "html")).unwrap();
        assert!(
            old.contains("is from mdbook-polish 0.0.1") && old.contains("install"),
            "{old}"
        );
        std::fs::write(root.join(STYLESHEET), stylesheet()).unwrap();
        assert_eq!(stylesheet_warning(&ctx(root, linked, "html")), None);
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
