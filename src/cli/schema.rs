//! `mdbook-polish schema`: print the embedded schema, or draft one from a tree (`--infer`).
//!
//! Inference reads front matter exactly as `check` does: the same PATH rules (an mdBook's
//! chapters come from its `SUMMARY.md`, folders are walked, globs matched), the same
//! encoding repair before the block is read, the same YAML parser. What it learns from the
//! values is [`crate::frontmatter::infer`]'s business; this driver only feeds it pages.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use rayon::prelude::*;

use crate::cli::check::read_source;
use crate::frontmatter::infer::{Inference, Page};
use crate::frontmatter::schema::EMBEDDED_SCHEMA;
use crate::pipeline::{self, ChapterInput, Settings};
use crate::workspace::settings_for;
use crate::workspace::{self, Target};

/// Arguments of `schema`.
#[derive(Debug, Clone, clap::Args)]
pub struct SchemaArgs {
    /// Draft a schema from the front matter of PATHs instead of printing the default one.
    #[arg(long)]
    pub infer: bool,
    /// With `--infer`: mdBook roots, folders, Markdown files or globs (default: the current
    /// folder), found as `check` finds them.
    pub paths: Vec<String>,
    /// With `--infer`: skip files whose path matches this glob (repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Write the schema to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Runs `schema`.
pub fn run(args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    if !args.infer && (!args.paths.is_empty() || !args.exclude.is_empty()) {
        anyhow::bail!("PATHs and `--exclude` are read only with `--infer`");
    }
    let text = if args.infer {
        let inference = infer(&args.paths, &args.exclude)?;
        summarise(&inference);
        let mut s = serde_json::to_string_pretty(&inference.schema())?;
        s.push('\n');
        s
    } else {
        format!("{}\n", EMBEDDED_SCHEMA.trim_end())
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("could not write {}", path.display()))?,
        None => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
                _ => {}
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads every page's front matter into an [`Inference`].
pub fn infer(paths: &[String], exclude: &[String]) -> anyhow::Result<Inference> {
    let inputs = workspace::collect(paths, exclude, false)?;
    let only_front_matter = |mut s: Settings| {
        // The block is read after encoding repair, as in `check`; nothing else is needed.
        s.schema = None;
        s.header = None;
        s.compare = None;
        s.diagnostics_only = true;
        s
    };
    let loose = only_front_matter(settings_for(
        &Default::default(),
        &Default::default(),
        std::path::Path::new("."),
    )?);
    let per_book = inputs
        .books
        .iter()
        .map(|b| settings_for(&b.config, &b.book_config, &b.root).map(only_front_matter))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let pages: Vec<Option<Page>> = inputs
        .targets
        .par_iter()
        .map(|t| {
            let settings = t.book.and_then(|i| per_book.get(i)).unwrap_or(&loose);
            read_page(t, settings)
        })
        .collect();
    let mut inference = Inference::new();
    for page in pages.into_iter().flatten() {
        inference.add(page);
    }
    Ok(inference)
}

/// One file as a page, or `None` for `SUMMARY.md`, which is never a chapter.
fn read_page(t: &Target, settings: &Settings) -> Option<Page> {
    if t.path.file_name().is_some_and(|n| n == "SUMMARY.md") {
        return None;
    }
    let Ok(source) = read_source(&t.path) else {
        return Some(Page::Unreadable(t.display.clone()));
    };
    let input = ChapterInput {
        source: &source,
        id_prefix: "",
        html: false,
        require_front_matter: false,
    };
    let result = pipeline::process(input, settings);
    Some(match result.front_matter {
        Some(node) => Page::FrontMatter(node.to_json()),
        // A fence near miss or a YAML error: the block exists but could not be read.
        None if result.diagnostics.iter().any(|d| d.code.starts_with("PL1")) => {
            Page::Unreadable(t.display.clone())
        }
        // The path `require-front-matter` globs match, so the hint can be pasted as it is.
        None => Page::Without(t.rel.clone()),
    })
}

/// One paragraph on stderr: what was read, and what the user should look at.
fn summarise(inference: &Inference) {
    eprintln!(
        "mdbook-polish: inferred from {} page(s) with front matter; {} without, {} left out (unreadable front matter)",
        inference.pages(),
        inference.without().len(),
        inference.unreadable().len()
    );
    if !inference.without().is_empty() && !inference.required().is_empty() {
        let globs: Vec<String> = inference
            .without()
            .iter()
            .take(20)
            .map(|p| format!("\"!{p}\""))
            .collect();
        eprintln!(
            "mdbook-polish: note: with this schema, pages without front matter are errors (PL106); \
             if that is fine for them, add to [preprocessor.polish]: require-front-matter = [{}{}]",
            globs.join(", "),
            if inference.without().len() > 20 {
                ", ..."
            } else {
                ""
            }
        );
    }
}
