//! `check --baseline` and `--write-baseline`: the command-line side of [`crate::baseline`].
//!
//! Owns the two flags, turning the paths `check` displays (relative to the folder it runs
//! in) into keys relative to the baseline file's folder, and what is said on stderr. Matching
//! and the file format are the library's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::baseline::{self, Baseline};
use crate::report::FileReport;

/// How many stale entries are listed one by one before the rest are only counted.
const STALE_LISTED: usize = 20;

/// The baseline flags of `check`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct BaselineArgs {
    /// Report only findings that are not in this baseline file, written earlier with
    /// `--write-baseline`. Entries are keyed on file, rule and text, not line numbers, so they
    /// survive lines moving. Entries that no longer occur are listed on stderr so the baseline
    /// can shrink. A missing or malformed file is an error (exit 2).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE (sorted JSON, paths relative to FILE's folder)
    /// and exit 0. With `--baseline`, write only the entries that still occur instead: the
    /// baseline shrinks and nothing new is accepted.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

/// Applies the flags to the final reports: writes a baseline, or drops the findings one
/// accepts (or both). Call it after every rule has run and before the report is rendered.
pub fn apply(args: &BaselineArgs, files: &mut [FileReport]) -> anyhow::Result<()> {
    let Some(input) = &args.baseline else {
        if let Some(out) = &args.write_baseline {
            let mut keys = Keys::new(out)?;
            let written = Baseline::from_reports(files, |p| keys.key(p));
            baseline::save(&written, out)?;
            eprintln!(
                "mdbook-polish: wrote {} to {} ({} finding(s)); `check --baseline {}` reports only new findings",
                entries(written.entries().len()),
                out.display(),
                written.findings(),
                out.display()
            );
            // Every finding is in the baseline now: the report is what a run with it shows.
            for f in files {
                f.diagnostics.clear();
            }
        }
        return Ok(());
    };
    let old = baseline::load(input)?;
    let mut keys = Keys::new(input)?;
    let base = keys.base.clone();
    let outcome = old.filter(files, |p| keys.key(p), |k| base.join(k).exists());
    eprintln!(
        "mdbook-polish: baseline {}: {} known finding(s) not reported",
        input.display(),
        outcome.baselined
    );
    for e in outcome.stale.iter().take(STALE_LISTED) {
        let times = if e.count > 1 {
            format!(" (×{})", e.count)
        } else {
            String::new()
        };
        eprintln!(
            "mdbook-polish: baseline entry no longer found: {} {} `{}`{times}",
            e.file, e.rule, e.text
        );
    }
    let stale = outcome.stale.len();
    if stale > STALE_LISTED {
        eprintln!(
            "mdbook-polish: … and {} more baseline entries no longer found",
            stale - STALE_LISTED
        );
    }
    match &args.write_baseline {
        Some(out) => {
            let to = Keys::new(out)?.base;
            let kept = outcome.still.rebase(|k| baseline::rekey(k, &base, &to));
            baseline::save(&kept, out)?;
            eprintln!(
                "mdbook-polish: wrote {} to {} (dropped {} no longer found; new findings are not added)",
                entries(kept.entries().len()),
                out.display(),
                stale
            );
        }
        None if stale > 0 => eprintln!(
            "mdbook-polish: {} no longer found; drop them with `--baseline {} --write-baseline {}`",
            entries(stale),
            input.display(),
            input.display()
        ),
        None => {}
    }
    Ok(())
}

fn entries(n: usize) -> String {
    format!("{n} baseline {}", if n == 1 { "entry" } else { "entries" })
}

/// Keys for displayed paths, relative to one baseline file's folder.
struct Keys {
    /// Where relative displayed paths start.
    cwd: PathBuf,
    /// The baseline file's folder, canonical.
    base: PathBuf,
    /// Canonical forms of the folders seen so far: a book has few folders and many files.
    dirs: HashMap<PathBuf, PathBuf>,
}

impl Keys {
    fn new(baseline_file: &Path) -> anyhow::Result<Self> {
        let cwd = std::env::current_dir().context("could not read the current folder")?;
        let abs = cwd.join(baseline_file);
        let dir = abs.parent().map_or_else(|| cwd.clone(), Path::to_path_buf);
        let base = std::fs::canonicalize(&dir).unwrap_or(dir);
        Ok(Keys {
            cwd,
            base,
            dirs: HashMap::new(),
        })
    }

    /// The key of a file shown as `display`. Its folder is made canonical like the baseline's
    /// (a symlinked folder, `..` in a path), so both ends of the relative path agree.
    fn key(&mut self, display: &str) -> String {
        let abs = self.cwd.join(display);
        let abs = match (abs.parent(), abs.file_name()) {
            (Some(dir), Some(name)) => self
                .dirs
                .entry(dir.to_path_buf())
                .or_insert_with(|| std::fs::canonicalize(dir).unwrap_or_else(|_| dir.into()))
                .join(name),
            _ => abs,
        };
        baseline::relative_key(&abs, &self.base)
    }
}
