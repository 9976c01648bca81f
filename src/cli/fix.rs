//! `mdbook-polish fix`: repair mojibake and make the safe front matter fixes in source
//! files, in place.
//!
//! Two jobs rewrite sources: the encoding repair (`PL401`), then, on the repaired text of a
//! chapter, the front matter fixes of [`crate::frontmatter::fixes`] (`PL110`, `PL201`,
//! `PL202`, `PL203`, each only when certain). Tables and headers are rendered, never
//! rewritten. `--only` picks among these rules. Every change is listed on stderr with its
//! place and rule, whether it is written, shown as a diff or only checked. Writes are atomic
//! (a temporary file in the same folder, renamed over the original), keep permissions, and
//! change nothing but the fixed bytes: line endings and any BOM stay byte-for-byte. A symlink
//! is followed and its target rewritten; the link stays.

use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::check::{included_targets, read_source};
use crate::config::Config;
use crate::diagnostic::LineIndex;
use crate::encoding;
use crate::frontmatter::fixes::{self, FixSettings};
use crate::include;
use crate::markdown::{OffsetMap, apply_edits};
use crate::pipeline::Settings;
use crate::policy::Suppressions;
use crate::report::{self, FileReport, Format};
use crate::workspace::{self, Target};

/// The rules `fix` can fix: the encoding repair and the front matter fixes.
pub const FIXABLE: [&str; 5] = ["PL110", "PL201", "PL202", "PL203", encoding::CODE_REPAIRED];

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
    /// Only these fixes: rule ids, repeatable or comma-separated (`--only PL203,PL202`).
    /// PL401 mojibake, PL203 unknown key, PL202 value not allowed, PL201 yes/no for a
    /// boolean, PL110 unquoted `: ` in a value. Default: all of them.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = parse_rule)]
    pub only: Vec<&'static str>,
}

/// A `--only` value: a fixable rule id (any case) or its name (`unknown-key`).
fn parse_rule(s: &str) -> Result<&'static str, String> {
    let wanted = s.trim();
    let fixable = || {
        FIXABLE
            .iter()
            .map(|c| format!("{c} ({})", crate::rules::name(c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let found = crate::rules::RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(wanted) || r.name.eq_ignore_ascii_case(wanted));
    match found {
        Some(r) if FIXABLE.contains(&r.code) => Ok(r.code),
        Some(r) => Err(format!(
            "{} ({}) has no automatic fix; rules `fix` can fix: {}",
            r.code,
            r.name,
            fixable()
        )),
        None => {
            let names = FIXABLE
                .iter()
                .copied()
                .chain(FIXABLE.iter().map(|c| crate::rules::name(c)));
            let hint = crate::frontmatter::suggest::did_you_mean(wanted, names)
                .map(|h| format!("{h} "))
                .unwrap_or_default();
            Err(format!(
                "unknown rule `{wanted}`; {hint}(rules `fix` can fix: {})",
                fixable()
            ))
        }
    }
}

/// One change `fix` makes, for the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The rule whose finding it resolves.
    pub rule: &'static str,
    /// Where, in the file as it was read.
    pub span: Range<usize>,
    /// What it did.
    pub description: String,
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

/// Everything `fix` does to one file: the encoding repair, then (for a chapter, when
/// `front_matter`) the front matter fixes computed on the repaired text. `only` limits the
/// rules (a subset of [`FIXABLE`]; `None` for all). Changes are listed with spans in
/// `source`, in position order.
pub fn fix_chapter(
    source: &str,
    settings: &Settings,
    front_matter: bool,
    only: Option<&[&'static str]>,
) -> (FixOutcome, Vec<Change>) {
    let wants = |rule: &str| only.is_none_or(|o| o.contains(&rule));
    // Text a suppression comment covers is left as written: a page that shows mojibake on
    // purpose says so with `polish-disable-next-line PL401`, and `fix` must not "repair" it.
    let (suppressions, _) = Suppressions::parse(source, settings.parse);
    let index = LineIndex::new(source);
    let kept = |rule: &str, at: usize| !suppressions.covers(rule, index.line_col(at).0);
    let (mut repair_edits, mut repair_diags) = match &settings.repair {
        Some(opts) if wants(encoding::CODE_REPAIRED) && encoding::has_suspects(source) => {
            encoding::repair_markdown(source, opts)
        }
        _ => (Vec::new(), Vec::new()),
    };
    if !suppressions.is_empty() {
        repair_edits.retain(|e| kept(encoding::CODE_REPAIRED, e.range.start));
        repair_diags.retain(|d| kept(d.code, d.span.start));
    }
    let repaired = apply_edits(source, &repair_edits);
    let text = repaired.as_deref().unwrap_or(source);
    let mut changes: Vec<Change> = repair_diags
        .into_iter()
        .map(|d| Change {
            rule: d.code,
            span: d.span,
            description: d.message,
        })
        .collect();
    let found = if front_matter {
        let fm_only: Option<Vec<&str>> = only.map(|o| {
            o.iter()
                .copied()
                .filter(|r| fixes::RULES.contains(r))
                .collect()
        });
        let settings = FixSettings {
            schema: settings.schema.as_deref(),
            limits: settings.limits,
            only: fm_only.as_deref(),
        };
        fixes::fixes(text, &settings)
    } else {
        Vec::new()
    };
    // Back to the file as read, so `line:col` points at what the author wrote.
    let map = OffsetMap::new(&repair_edits);
    let found: Vec<_> = found
        .into_iter()
        .filter(|f| kept(f.rule, map.range_to_original(f.edit.range.clone()).start))
        .collect();
    changes.extend(found.iter().map(|f| Change {
        rule: f.rule,
        span: map.range_to_original(f.edit.range.clone()),
        description: f.description.clone(),
    }));
    changes.sort_by_key(|c| (c.span.start, c.span.end));
    let edits: Vec<_> = found.into_iter().map(|f| f.edit).collect();
    let new = match apply_edits(text, &edits) {
        Some(new) => Some(new),
        None => repaired,
    };
    match new {
        Some(new) if new != source => (FixOutcome::Changed(new), changes),
        _ => (FixOutcome::Clean, Vec::new()),
    }
}

/// `file:line:col: RULE: what it did`, one line per change.
fn list_changes(display: &str, source: &str, changes: &[Change]) {
    let index = LineIndex::new(source);
    let mut err = std::io::stderr().lock();
    for c in changes {
        let (line, col) = index.line_col(c.span.start);
        // A closed stderr is no reason to stop fixing files.
        let _ = writeln!(err, "{display}:{line}:{col}: {}: {}", c.rule, c.description);
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
    let only = (!args.only.is_empty()).then_some(args.only.as_slice());
    // Without a schema fix to make, no schema is loaded: `fix --only PL401` works on a book
    // whose schema is broken, as the repair always did.
    let schema_fixes =
        only.is_none_or(|o| o.iter().any(|r| matches!(*r, "PL201" | "PL202" | "PL203")));
    // Each file's settings: its book's or `polish.toml`'s, with the overrides that match it.
    let mut profiles = workspace::Profiles::new(|_: &mut Settings| {});
    if !schema_fixes {
        profiles = profiles.without_schema();
    }
    // The first round holds the chapters (and files) named; later rounds hold what they
    // include, which is not a chapter: no front matter there.
    let mut chapters = true;
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
            let settings = &profiles.list[p].settings;
            let parse = settings.parse;
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
            let (outcome, changes) = fix_chapter(&source, settings, chapters, only);
            let FixOutcome::Changed(new) = outcome else {
                continue;
            };
            changed += 1;
            list_changes(&t.display, &source, &changes);
            if args.dry_run {
                print!("{}", unified_diff(&t.display, &source, &new));
            } else if !args.check {
                match write_atomically(&t.path, &new) {
                    Ok(()) => eprintln!(
                        "mdbook-polish: fixed {} ({} change(s))",
                        t.display,
                        changes.len()
                    ),
                    Err(e) => {
                        failed += 1;
                        eprintln!("mdbook-polish: error: {e:#}");
                    }
                }
            }
        }
        done.extend(std::mem::take(&mut round));
        chapters = false;
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
