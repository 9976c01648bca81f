//! Turning `PATH...` arguments into a sorted list of Markdown files to read.
//!
//! A PATH is an mdBook root (it has `book.toml`: chapters come from `SUMMARY.md` and settings
//! from `[preprocessor.polish]`), a directory (every `.md` below it), a file, or a glob.
//! `--exclude` globs drop files by their displayed path.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use globset::{GlobSet, GlobSetBuilder};

use crate::config::Config;

/// A book found among the PATHs.
pub struct BookCtx {
    /// Its root folder.
    pub root: PathBuf,
    /// `[preprocessor.polish]`.
    pub config: Config,
    /// The whole `book.toml`.
    pub book_config: mdbook_preprocessor::config::Config,
}

/// One file to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// Path shown in messages (as the user would type it from the current folder).
    pub display: String,
    /// Where to read it.
    pub path: PathBuf,
    /// Path relative to the book's `src` (or the folder given), for `require-front-matter` globs.
    pub rel: String,
    /// Index into [`Inputs::books`] when the file is a chapter of a book.
    pub book: Option<usize>,
}

/// Everything the PATHs named.
#[derive(Default)]
pub struct Inputs {
    /// Books, in argument order.
    pub books: Vec<BookCtx>,
    /// Files, sorted by displayed path, without duplicates.
    pub targets: Vec<Target>,
}

fn display(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Folders never worth walking into.
fn skip_dir(name: &str) -> bool {
    name.starts_with('.') && name.len() > 1 || name == "node_modules" || name == "target"
}

/// Every `.md` file below `dir`, sorted; `links` is set when one of them is a symbolic link
/// (the only way a single walk can list one file twice).
fn walk_md<'a>(dir: &Path, links: &'a mut bool) -> impl Iterator<Item = PathBuf> + 'a {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir() && skip_dir(&e.file_name().to_string_lossy()))
        })
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| {
            *links |= e.path_is_symlink();
            e.into_path()
        })
}

fn globset(globs: &[String]) -> anyhow::Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(
            globset::GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .with_context(|| format!("invalid glob `{g}`"))?,
        );
    }
    Ok(b.build()?)
}

/// What makes two paths the same file, for de-duplication across PATHs (`src` and
/// `src/a.md`, a symlink and its target).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum FileKey {
    /// Device and inode: one `stat` per file. `canonicalize` (one `readlink` per path
    /// component) was a tenth of `check`'s time on a 5,000-chapter book.
    #[cfg(unix)]
    Inode(u64, u64),
    /// Elsewhere, or when the file cannot be read: the canonical (or given) path.
    Path(PathBuf),
}

fn file_key(path: &Path) -> FileKey {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if let Ok(m) = std::fs::metadata(path) {
            return FileKey::Inode(m.dev(), m.ino());
        }
    }
    FileKey::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Resolves PATH arguments. Errors are usage errors (exit 2): a missing path, a bad glob, an
/// unreadable `book.toml`.
pub fn collect(paths: &[String], excludes: &[String]) -> anyhow::Result<Inputs> {
    let exclude = globset(excludes)?;
    let mut inputs = Inputs::default();
    let mut links = false;
    let paths: Vec<String> = if paths.is_empty() {
        vec![".".into()]
    } else {
        paths.to_vec()
    };
    let push = |inputs: &mut Inputs, t: Target| {
        if exclude.is_match(&t.display) || exclude.is_match(&t.rel) {
            return;
        }
        inputs.targets.push(t);
    };
    for arg in &paths {
        if is_glob(arg) {
            let base: PathBuf = {
                let cut = arg.find(['*', '?', '[', '{']).unwrap_or(arg.len());
                let prefix = &arg[..cut];
                match prefix.rfind('/') {
                    Some(i) => PathBuf::from(&prefix[..=i]),
                    None => PathBuf::from("."),
                }
            };
            // `*` stays within a folder and `**` crosses folders, as in the action's fast-glob.
            let pattern = globset::GlobBuilder::new(arg.strip_prefix("./").unwrap_or(arg))
                .literal_separator(true)
                .build()
                .with_context(|| format!("invalid glob `{arg}`"))?
                .compile_matcher();
            let mut any = false;
            for p in walk_md(&base, &mut links) {
                let d = display(&p);
                if pattern.is_match(&d) {
                    any = true;
                    push(
                        &mut inputs,
                        Target {
                            rel: d.clone(),
                            display: d,
                            path: p,
                            book: None,
                        },
                    );
                }
            }
            if !any {
                eprintln!("mdbook-polish: warning: `{arg}` matches no Markdown file");
            }
            continue;
        }
        let path = PathBuf::from(arg);
        let meta =
            std::fs::metadata(&path).with_context(|| format!("`{arg}`: no such file or folder"))?;
        if meta.is_dir() && path.join("book.toml").is_file() {
            let book_index = inputs.books.len();
            let book = load_book(&path)?;
            let src = path.join(&book.book_config.book.src);
            for rel in summary_chapters(&src)? {
                let p = src.join(&rel);
                let rel_s = display(&rel);
                if p.is_file() {
                    push(
                        &mut inputs,
                        Target {
                            display: display(&p),
                            path: p,
                            rel: rel_s,
                            book: Some(book_index),
                        },
                    );
                }
            }
            inputs.books.push(book);
        } else if meta.is_dir() {
            for p in walk_md(&path, &mut links) {
                let rel = p
                    .strip_prefix(&path)
                    .map(display)
                    .unwrap_or_else(|_| display(&p));
                push(
                    &mut inputs,
                    Target {
                        display: display(&p),
                        path: p,
                        rel,
                        book: None,
                    },
                );
            }
        } else {
            let d = display(&path);
            push(
                &mut inputs,
                Target {
                    rel: d.clone(),
                    display: d,
                    path,
                    book: None,
                },
            );
        }
    }
    // One folder or glob walked without links lists each file once, by one path: the usual
    // CI call (`check src`) needs no `stat` per file. Several PATHs can overlap, and a
    // SUMMARY.md can name a file twice, so those are de-duplicated.
    if paths.len() > 1 || !inputs.books.is_empty() || links {
        inputs.targets = dedupe(std::mem::take(&mut inputs.targets));
    }
    inputs.targets.sort();
    Ok(inputs)
}

/// Drops every target that names a file already listed (first one wins, in argument order).
/// The keys need a `stat` each: on a 5,000-file book that is worth doing on every core.
fn dedupe(targets: Vec<Target>) -> Vec<Target> {
    use rayon::prelude::*;
    let keys: Vec<FileKey> = targets.par_iter().map(|t| file_key(&t.path)).collect();
    let mut seen = BTreeSet::new();
    targets
        .into_iter()
        .zip(keys)
        .filter_map(|(t, k)| seen.insert(k).then_some(t))
        .collect()
}

/// Reads a book's `book.toml` (with mdBook's environment overrides).
pub fn load_book(root: &Path) -> anyhow::Result<BookCtx> {
    let toml_path = root.join("book.toml");
    let mut book_config = mdbook_preprocessor::config::Config::from_disk(&toml_path)
        .with_context(|| format!("could not read {}", toml_path.display()))?;
    book_config.update_from_env()?;
    let config = Config::from_book_config(&book_config)?;
    Ok(BookCtx {
        root: root.to_path_buf(),
        config,
        book_config,
    })
}

/// The chapter files `SUMMARY.md` links to, relative to `src`, in book order.
fn summary_chapters(src: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let summary_path = src.join("SUMMARY.md");
    let text = std::fs::read_to_string(&summary_path)
        .with_context(|| format!("could not read {}", summary_path.display()))?;
    let summary = mdbook_summary::parse_summary(&text)
        .with_context(|| format!("could not parse {}", summary_path.display()))?;
    let mut out = Vec::new();
    fn walk(items: &[mdbook_summary::SummaryItem], out: &mut Vec<PathBuf>) {
        for item in items {
            if let mdbook_summary::SummaryItem::Link(link) = item {
                if let Some(loc) = &link.location {
                    out.push(loc.clone());
                }
                walk(&link.nested_items, out);
            }
        }
    }
    walk(&summary.prefix_chapters, &mut out);
    walk(&summary.numbered_chapters, &mut out);
    walk(&summary.suffix_chapters, &mut out);
    if out.is_empty() {
        bail!("{} lists no chapters", summary_path.display());
    }
    Ok(out)
}
