//! `mdbook-polish fix`: repair mojibake in source files, in place.
//!
//! Only the encoding repair rewrites sources (front matter and tables are rendered, never
//! rewritten). Writes are atomic (a temporary file in the same folder, renamed over the
//! original), keep permissions, and change nothing but the repaired runs: line endings and
//! any BOM stay byte-for-byte. A symlink is followed and its target rewritten; the link stays.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::check::{included_targets, read_source};
use crate::config::Config;
use crate::encoding;
use crate::include;
use crate::report::{self, FileReport, Format};
use crate::workspace::{self, Target};

/// Arguments of `fix`.
#[derive(Debug, Clone, clap::Args)]
pub struct FixArgs {
    /// mdBook roots, folders, Markdown files or globs (default: the current folder).
    pub paths: Vec<String>,
    /// Skip files whose path matches this glob (repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Exit 0 when the PATHs hold nothing to check (by default that is an error, exit 2: a
    /// CI gate that checked nothing must not pass).
    #[arg(long)]
    pub allow_empty: bool,
    /// Print a unified diff instead of writing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write nothing; exit 1 when a file would change (for CI).
    #[arg(long)]
    pub check: bool,
}

/// What happened to one file.
#[derive(Debug, PartialEq, Eq)]
pub enum FixOutcome {
    /// Nothing to repair.
    Clean,
    /// Repaired text (written unless dry-run/check).
    Changed(String),
}

/// Repairs `source` with the encoding settings of `cfg`.
pub fn fix_source(
    source: &str,
    cfg: &Config,
    parse: crate::markdown::ParseOptions,
) -> (FixOutcome, FileReport) {
    let mut report = FileReport {
        path: String::new(),
        source: source.to_string(),
        diagnostics: Vec::new(),
    };
    let Some(opts) = cfg.repair_options(parse) else {
        return (FixOutcome::Clean, report);
    };
    if !encoding::has_suspects(source) {
        return (FixOutcome::Clean, report);
    }
    let (edits, diags) = encoding::repair_markdown(source, &opts);
    report.diagnostics = diags;
    match crate::markdown::apply_edits(source, &edits) {
        Some(new) => (FixOutcome::Changed(new), report),
        None => (FixOutcome::Clean, report),
    }
}

/// Replaces `path`'s content atomically, keeping its permissions. Refuses read-only files.
pub fn write_atomically(path: &Path, content: &str) -> anyhow::Result<()> {
    // Follow a symlink to the file it names, so the link itself survives.
    let real: PathBuf = std::fs::canonicalize(path)
        .with_context(|| format!("{}: cannot resolve", path.display()))?;
    let meta = std::fs::metadata(&real)?;
    if meta.permissions().readonly() {
        anyhow::bail!("{} is read-only; not changed", path.display());
    }
    let dir = real.parent().context("file has no parent folder")?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".mdbook-polish-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(content.as_bytes())?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), meta.permissions())?;
    tmp.persist(&real)
        .map_err(|e| anyhow::anyhow!("cannot replace {}: {}", path.display(), e.error))?;
    Ok(())
}

/// A unified diff of one file.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Runs `fix`.
pub fn run(args: &FixArgs) -> anyhow::Result<ExitCode> {
    let inputs = workspace::collect(&args.paths, &args.exclude, args.allow_empty)?;
    // Each file's settings: its book's or `polish.toml`'s, with the overrides that match it.
    let mut profiles = workspace::Profiles::new(|_: &mut crate::pipeline::Settings| {});
    let mut changed = 0usize;
    let mut failed = 0usize;
    let mut reports = Vec::new();
    // Chapters first, then what they pull in with `{{#include}}` outside code (the build
    // repairs that text too, so `fix` must be able to), then what those include.
    let mut includes: Vec<Vec<PathBuf>> = Vec::with_capacity(inputs.targets.len());
    let mut round = inputs.targets.clone();
    let mut done: Vec<Target> = Vec::new();
    while !round.is_empty() {
        for t in &round {
            let p = profiles.index(&inputs.books, t.book, &t.rel)?;
            let (cfg, parse) = (&profiles.list[p].config, profiles.list[p].settings.parse);
            let source = match read_source(&t.path) {
                Ok(s) => s,
                Err(bad) => {
                    let (source, d) = *bad;
                    failed += 1;
                    reports.push(FileReport {
                        path: t.display.clone(),
                        source,
                        diagnostics: vec![d],
                    });
                    includes.push(Vec::new());
                    continue;
                }
            };
            includes.push(if inputs.in_book(t) {
                include::included_files(&t.path, &source, parse, &mut |p| {
                    std::fs::read_to_string(p).ok()
                })
            } else {
                Vec::new()
            });
            let (outcome, mut report) = fix_source(&source, cfg, parse);
            report.path = t.display.clone();
            let FixOutcome::Changed(new) = outcome else {
                continue;
            };
            changed += 1;
            if args.dry_run {
                print!("{}", unified_diff(&t.display, &source, &new));
            } else if args.check {
                reports.push(report);
            } else {
                match write_atomically(&t.path, &new) {
                    Ok(()) => eprintln!(
                        "mdbook-polish: fixed {} ({} repair(s))",
                        t.display,
                        report.diagnostics.len()
                    ),
                    Err(e) => {
                        failed += 1;
                        eprintln!("mdbook-polish: error: {e:#}");
                    }
                }
            }
        }
        done.extend(std::mem::take(&mut round));
        // Files already fixed are never listed again, so this ends (each file once).
        round = included_targets(&done, &includes);
    }
    if !reports.is_empty() {
        eprint!("{}", report::render(Format::Human, &reports, false));
    }
    let verb = if args.dry_run || args.check {
        "would change"
    } else {
        "changed"
    };
    eprintln!("mdbook-polish: {verb} {changed} of {} file(s)", done.len());
    Ok(if failed > 0 || (args.check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
