//! What every driver (the preprocessor, `check`, `fix`, `schema --infer`, and the editor
//! server, `lsp`) shares about books: finding them at, under or above a path, which files
//! are their chapters, their settings, the book-level rules (a guid shared by two chapters)
//! and the stylesheet a book must load. No driver imports another for any of this.
//!
//! A PATH is a folder (every book whose `book.toml` is in it or below it, each with its own
//! settings, and the Markdown outside those books with the defaults), a folder or file inside
//! a book (found by walking up to the nearest `book.toml`: checked with that book's
//! settings), a file, or a glob. `--exclude` globs drop files by their displayed path.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use globset::{GlobSet, GlobSetBuilder};

use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, Location};
use crate::frontmatter::Node;
use crate::frontmatter::schema::Schema;
use crate::pipeline::Settings;
use crate::report::FileReport;

/// A book found among the PATHs, or a folder whose `polish.toml` holds the settings of the
/// Markdown below it that is in no book.
pub struct BookCtx {
    /// Its root folder (the book's, or the one holding `polish.toml`).
    pub root: PathBuf,
    /// `[preprocessor.polish]`, or the whole `polish.toml`.
    pub config: Config,
    /// The whole `book.toml` (mdBook's defaults for a `polish.toml`).
    pub book_config: mdbook_preprocessor::config::Config,
    /// The file the settings were read from, for messages.
    pub config_file: PathBuf,
    /// Whether this is an mdBook (its chapters can `{{#include}}` other files).
    pub is_book: bool,
}

/// The names a configuration file outside a book may have, in the order they are looked for.
pub const CONFIG_FILES: [&str; 2] = ["polish.toml", ".polish.toml"];

/// One file to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// Path shown in messages (as the user would type it from the current folder).
    pub display: String,
    /// Where to read it.
    pub path: PathBuf,
    /// Path relative to the book's `src` (or the folder given), for `require-front-matter` globs.
    pub rel: String,
    /// Index into [`Inputs::books`] when the file is a chapter of a book or under a
    /// `polish.toml`.
    pub book: Option<usize>,
}

/// Everything the PATHs named.
#[derive(Default)]
pub struct Inputs {
    /// Books, in argument order, and the `polish.toml` folders found for files in no book.
    pub books: Vec<BookCtx>,
    /// Files, sorted by displayed path, without duplicates.
    pub targets: Vec<Target>,
}

impl Inputs {
    /// Whether `t` is a chapter of an mdBook (not a file under a `polish.toml`).
    pub fn in_book(&self, t: &Target) -> bool {
        t.book
            .is_some_and(|i| self.books.get(i).is_some_and(|b| b.is_book))
    }
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

/// Every entry below `dir`, sorted by name, without the folders never worth walking into.
fn walk(dir: &Path) -> impl Iterator<Item = walkdir::DirEntry> + use<> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_dir() && skip_dir(&e.file_name().to_string_lossy()))
        })
        .filter_map(Result::ok)
}

/// Every `.md` file below `dir`, sorted; `links` is set when one of them is a symbolic link
/// (the only way a single walk can list one file twice).
fn walk_md<'a>(dir: &Path, links: &'a mut bool) -> impl Iterator<Item = PathBuf> + 'a {
    walk(dir)
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

/// The nearest folder at or above `path` (a file or a folder) that holds a `book.toml`, as a
/// canonical path. The walk stops at the top of a git work tree, so a stray `book.toml` above
/// the repository is never taken for the repository's book.
pub fn book_above(path: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(path).ok()?;
    let start = if abs.is_dir() {
        abs.as_path()
    } else {
        abs.parent()?
    };
    for dir in start.ancestors() {
        if dir.join("book.toml").is_file() {
            return Some(dir.to_path_buf());
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// `SUMMARY.md` is mdBook's table of contents, never a chapter.
fn is_summary(p: &Path) -> bool {
    p.file_name().is_some_and(|n| n == "SUMMARY.md")
}

/// Collects targets and the books they belong to.
struct Collector {
    inputs: Inputs,
    exclude: GlobSet,
    /// Canonical root and canonical `src` of each book in `inputs.books` (no `src` for a
    /// `polish.toml` folder).
    roots: Vec<(PathBuf, Option<PathBuf>)>,
    /// For each folder looked at: the `polish.toml` at or above it (index into
    /// `inputs.books`), found once per folder.
    config_dirs: HashMap<PathBuf, Option<usize>>,
    links: bool,
    /// For each folder a named file or glob match is in: its canonical path (a glob over a
    /// large tree must not cost a `canonicalize` and a walk up per file).
    folders: HashMap<PathBuf, PathBuf>,
}

impl Collector {
    /// A file named by the user or matched by a glob: with the book above it, if any.
    fn named_file(&mut self, p: PathBuf) -> anyhow::Result<()> {
        let parent = p.parent().unwrap_or(Path::new("")).to_path_buf();
        let dir = match self.folders.get(&parent) {
            Some(d) => d.clone(),
            None => {
                let shown = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent.as_path()
                };
                let d = std::fs::canonicalize(shown).unwrap_or_else(|_| shown.to_path_buf());
                if let Some(root) = book_above(shown) {
                    self.book(&root, &root)?;
                }
                self.folders.insert(parent, d.clone());
                d
            }
        };
        let abs = match p.file_name() {
            Some(name) => dir.join(name),
            None => p.clone(),
        };
        let d = display(&p);
        self.file(p, &abs, d)
    }

    fn push(&mut self, t: Target) {
        if self.exclude.is_match(&t.display) || self.exclude.is_match(&t.rel) {
            return;
        }
        self.inputs.targets.push(t);
    }

    /// The index of the book at `root` (canonical), loading it the first time.
    fn book(&mut self, root: &Path, shown: &Path) -> anyhow::Result<usize> {
        if let Some(i) = self
            .roots
            .iter()
            .position(|(r, src)| r == root && src.is_some())
        {
            return Ok(i);
        }
        let mut book = load_book(root)?;
        book.root = shown.to_path_buf();
        let src = root.join(&book.book_config.book.src);
        let src = std::fs::canonicalize(&src).unwrap_or(src);
        self.roots.push((root.to_path_buf(), Some(src)));
        self.inputs.books.push(book);
        Ok(self.inputs.books.len() - 1)
    }

    /// Every chapter `SUMMARY.md` lists, with the book's settings.
    fn chapters(&mut self, root: &Path, shown: &Path) -> anyhow::Result<()> {
        let i = self.book(root, shown)?;
        let src = shown.join(&self.inputs.books[i].book_config.book.src);
        for rel in summary_chapters(&src)? {
            let p = src.join(&rel);
            if p.is_file() {
                self.push(Target {
                    display: display(&p),
                    path: p,
                    rel: display(&rel),
                    book: Some(i),
                });
            }
        }
        Ok(())
    }

    /// One Markdown file: with the settings of the book whose `src` holds it (`abs` is its
    /// canonical path, or a path under a canonical folder), else with those of the nearest
    /// `polish.toml` above it, else with the defaults.
    fn file(&mut self, p: PathBuf, abs: &Path, loose_rel: String) -> anyhow::Result<()> {
        if is_summary(&p) {
            return Ok(());
        }
        let owner = self.roots.iter().enumerate().find_map(|(i, (_, src))| {
            let rel = abs.strip_prefix(src.as_ref()?).ok()?;
            Some((i, display(rel)))
        });
        let (book, rel) = match owner {
            Some((i, rel)) => (Some(i), rel),
            None => match abs
                .parent()
                .map(|d| self.config_above(d))
                .transpose()?
                .flatten()
            {
                Some(i) => {
                    let rel = abs
                        .strip_prefix(&self.roots[i].0)
                        .map(display)
                        .unwrap_or(loose_rel);
                    (Some(i), rel)
                }
                None => (None, loose_rel),
            },
        };
        self.push(Target {
            display: display(&p),
            path: p,
            rel,
            book,
        });
        Ok(())
    }

    /// The `polish.toml` (or `.polish.toml`) in `dir` (canonical) or the nearest folder above
    /// it, loaded once. The walk stops at the top of a git work tree, as [`book_above`] does.
    fn config_above(&mut self, dir: &Path) -> anyhow::Result<Option<usize>> {
        let mut visited = Vec::new();
        let mut found = None;
        for d in dir.ancestors() {
            if let Some(known) = self.config_dirs.get(d) {
                found = *known;
                break;
            }
            visited.push(d.to_path_buf());
            if let Some(file) = CONFIG_FILES.iter().map(|n| d.join(n)).find(|f| f.is_file()) {
                let ctx = load_config_file(&file)?;
                self.roots.push((d.to_path_buf(), None));
                self.inputs.books.push(ctx);
                found = Some(self.inputs.books.len() - 1);
                break;
            }
            if d.join(".git").exists() {
                break;
            }
        }
        for d in visited {
            self.config_dirs.insert(d, found);
        }
        Ok(found)
    }
}

/// Resolves PATH arguments, finding the book each file belongs to:
///
/// - a folder holding `book.toml` is a book: its chapters (from `SUMMARY.md`) with its settings;
/// - a folder inside a book (`check src`, `check docs/src/guide`): every Markdown file in it,
///   with the settings of the nearest book above;
/// - any other folder: every book found below it, each with its own settings, and the
///   Markdown outside those books' `src` with the defaults;
/// - a file or a glob's matches: with the settings of the book whose `src` holds it, if any.
///
/// `SUMMARY.md` is never a file to check. Finding nothing to check is an error (exit 2)
/// unless `allow_empty`: a CI gate that checked nothing must not pass. Other errors are usage
/// errors too: a missing path, a bad glob, an unreadable `book.toml` or `SUMMARY.md`.
pub fn collect(paths: &[String], excludes: &[String], allow_empty: bool) -> anyhow::Result<Inputs> {
    let mut c = Collector {
        inputs: Inputs::default(),
        exclude: globset(excludes)?,
        roots: Vec::new(),
        config_dirs: HashMap::new(),
        links: false,
        folders: HashMap::new(),
    };
    let paths: Vec<String> = if paths.is_empty() {
        vec![".".into()]
    } else {
        paths.to_vec()
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
            let before = c.inputs.targets.len();
            let mut links = false;
            let matched: Vec<PathBuf> = walk_md(&base, &mut links)
                .filter(|p| pattern.is_match(display(p)))
                .collect();
            c.links |= links;
            for p in matched {
                c.named_file(p)?;
            }
            if c.inputs.targets.len() == before {
                let msg = format!(
                    "`{arg}` matches no Markdown file (looked for *.md under `{}`, SUMMARY.md and --exclude left out)",
                    display(&base)
                );
                if !allow_empty {
                    bail!("{msg}; pass --allow-empty if that is expected");
                }
                eprintln!("mdbook-polish: warning: {msg}");
            }
            continue;
        }
        let path = PathBuf::from(arg);
        let meta =
            std::fs::metadata(&path).with_context(|| format!("`{arg}`: no such file or folder"))?;
        if !meta.is_dir() {
            c.named_file(path)?;
            continue;
        }
        if path.join("book.toml").is_file() {
            let root = std::fs::canonicalize(&path)?;
            c.chapters(&root, &path)?;
            continue;
        }
        let abs_dir = std::fs::canonicalize(&path)?;
        if let Some(root) = book_above(&path) {
            c.book(&root, &root)?;
        }
        // One walk finds both the Markdown files and the books below the folder.
        let mut files = Vec::new();
        let mut books = Vec::new();
        for e in walk(&path) {
            if e.file_type().is_dir() {
                continue;
            }
            let name = e.file_name();
            if name == "book.toml" {
                books.push(e.path().parent().unwrap_or(Path::new(".")).to_path_buf());
            } else if e.path().extension().is_some_and(|x| x == "md") {
                c.links |= e.path_is_symlink();
                files.push(e.into_path());
            }
        }
        for shown in &books {
            let root = std::fs::canonicalize(shown)?;
            c.chapters(&root, shown)?;
        }
        // A book found below holds its chapters already; its other files under `src` are not
        // part of the book. Everything else is checked where it stands.
        let below: Vec<PathBuf> = books
            .iter()
            .filter_map(|b| {
                let i = c
                    .roots
                    .iter()
                    .position(|(r, _)| std::fs::canonicalize(b).is_ok_and(|cb| &cb == r))?;
                c.roots[i].1.clone()
            })
            .collect();
        for p in files {
            let abs = p
                .strip_prefix(&path)
                .map_or_else(|_| p.clone(), |r| abs_dir.join(r));
            if below.iter().any(|src| abs.starts_with(src)) {
                continue;
            }
            let rel = p
                .strip_prefix(&path)
                .map(display)
                .unwrap_or_else(|_| display(&p));
            c.file(p, &abs, rel)?;
        }
    }
    let Collector {
        mut inputs, links, ..
    } = c;
    // One folder or glob walked without links lists each file once, by one path: the usual
    // CI call (`check src`) needs no `stat` per file. Several PATHs can overlap, and a
    // SUMMARY.md can name a file twice, so those are de-duplicated.
    if paths.len() > 1 || !inputs.books.is_empty() || links {
        inputs.targets = dedupe(std::mem::take(&mut inputs.targets));
    }
    inputs.targets.sort();
    if inputs.targets.is_empty() && !allow_empty {
        bail!(
            "nothing to check in {}: no Markdown file (*.md, SUMMARY.md left out{}) and no mdBook chapter was found; pass --allow-empty if that is expected",
            paths
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if excludes.is_empty() {
                ""
            } else {
                ", after --exclude"
            }
        );
    }
    Ok(inputs)
}

/// The settings scope of one Markdown file, as [`collect`] would find it when the file is
/// named as a PATH: the book whose `src` holds it, else the nearest `polish.toml` above it,
/// else none (the defaults). The file need not exist (an editor's unsaved new file), and its
/// name is never read as a glob. For the editor server, which checks one file at a time.
pub fn collect_file(path: &Path) -> anyhow::Result<Inputs> {
    let mut c = Collector {
        inputs: Inputs::default(),
        exclude: GlobSet::empty(),
        roots: Vec::new(),
        config_dirs: HashMap::new(),
        links: false,
        folders: HashMap::new(),
    };
    c.named_file(path.to_path_buf())?;
    Ok(c.inputs)
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
    let config = Config::from_book_config(&book_config)
        .with_context(|| format!("in {}", toml_path.display()))?;
    Ok(BookCtx {
        root: root.to_path_buf(),
        config,
        book_config,
        config_file: toml_path,
        is_book: true,
    })
}

/// Reads a `polish.toml`: the keys of `[preprocessor.polish]`, at the top level.
pub fn load_config_file(path: &Path) -> anyhow::Result<BookCtx> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let value: serde_json::Value = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{} is not valid TOML: {e}", path.display()))?;
    let config = Config::from_json_in(value, &display(path))?;
    Ok(BookCtx {
        root: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
        config,
        book_config: Default::default(),
        config_file: path.to_path_buf(),
        is_book: false,
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

/// Warnings about a book's `[preprocessor.polish]`: keys that are neither ours nor mdBook's,
/// and `header-fields` entries the book's schema does not describe (a typo there silently
/// drops a row from every page's header), each with a did-you-mean.
pub fn config_warnings(cfg: &Config, settings: &Settings) -> Vec<String> {
    let mut out = cfg.unknown_keys();
    let listed = settings
        .schema
        .as_deref()
        .and_then(|s| s.json().get("properties"))
        .and_then(|p| p.as_object());
    if let (Some(props), Some(_)) = (listed, &settings.header) {
        for field in &cfg.header_fields {
            if props.contains_key(field) {
                continue;
            }
            let hint =
                crate::frontmatter::suggest::closest(field, props.keys().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
            out.push(format!(
                "`header-fields` lists `{field}`, which the schema does not describe{hint}"
            ));
        }
    }
    out
}

/// The settings one checked file gets: its scope's configuration with the overrides that match
/// it laid over, and what the jobs run with (rule levels included).
#[derive(Clone)]
pub struct Profile {
    /// The configuration in force.
    pub config: Config,
    /// What the pipeline runs with.
    pub settings: Settings,
}

/// The profiles of a run, built once per distinct (scope, matching overrides): a book of 5,000
/// chapters with two overrides loads its schema at most three times.
pub struct Profiles<F> {
    /// Every profile built so far.
    pub list: Vec<Profile>,
    index: HashMap<(Option<usize>, Vec<usize>), usize>,
    /// What the driver changes in every profile's settings (`check`: findings only; a schema
    /// given on the command line).
    tweak: F,
    /// Load no schema (a driver that needs none must not fail on a broken one).
    no_schema: bool,
}

impl<F: Fn(&mut Settings)> Profiles<F> {
    /// No profiles yet; `tweak` is applied to each one built.
    pub fn new(tweak: F) -> Self {
        Profiles {
            list: Vec::new(),
            index: HashMap::new(),
            tweak,
            no_schema: false,
        }
    }

    /// Profiles that never load a schema: validation is off in all of them.
    #[must_use]
    pub fn without_schema(mut self) -> Self {
        self.no_schema = true;
        self
    }

    /// The index of the profile for a file at `rel` in the scope `book` (an index into
    /// `books`; `None` for the defaults), building it the first time.
    pub fn index(
        &mut self,
        books: &[BookCtx],
        book: Option<usize>,
        rel: &str,
    ) -> anyhow::Result<usize> {
        let scope = book.and_then(|i| books.get(i));
        let matched = scope.map_or_else(Vec::new, |b| b.config.overrides_for(rel));
        let key = (book, matched);
        if let Some(&i) = self.index.get(&key) {
            return Ok(i);
        }
        let profile = match scope {
            Some(b) => {
                let mut config = b
                    .config
                    .with_overrides(&key.1)
                    .with_context(|| format!("in {}", b.config_file.display()))?;
                config.validate &= !self.no_schema;
                let settings = settings_for(&config, &b.book_config, &b.root)
                    .with_context(|| format!("in {}", b.config_file.display()))?;
                Profile { config, settings }
            }
            None => {
                let mut config = Config::default();
                config.validate &= !self.no_schema;
                let settings = settings_for(&config, &Default::default(), Path::new("."))?;
                Profile { config, settings }
            }
        };
        let mut profile = profile;
        (self.tweak)(&mut profile.settings);
        self.list.push(profile);
        self.index.insert(key, self.list.len() - 1);
        Ok(self.list.len() - 1)
    }
}

/// Every warning about a scope's settings, each naming the file they are in: unknown keys
/// (also inside overrides), `[rules]` keys that are no rule, and `header-fields` the schema
/// does not describe.
pub fn scope_warnings(b: &BookCtx, settings: &Settings) -> Vec<String> {
    let mut out = config_warnings(&b.config, settings);
    out.extend(b.config.levels().1);
    for (i, o) in b.config.overrides.iter().enumerate() {
        for k in o.settings.keys() {
            if !config::KNOWN_KEYS.contains(&k.as_str()) {
                let hint =
                    crate::frontmatter::suggest::closest(k, config::KNOWN_KEYS.iter().copied())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                out.push(format!(
                    "unknown key `{k}` in overrides[{i}] is ignored{hint}"
                ));
            }
        }
    }
    // A `polish.toml` in a book's folder or its `src` would be read for loose Markdown but
    // never for the book's chapters: say so, rather than let it look as if it applied.
    if b.is_book {
        let src = b.root.join(&b.book_config.book.src);
        for dir in [&b.root, &src] {
            for name in CONFIG_FILES {
                if dir.join(name).is_file() {
                    out.push(format!(
                        "{} is ignored for this book's chapters: a book's settings are [preprocessor.polish] in book.toml",
                        dir.join(name).display()
                    ));
                }
            }
        }
    }
    let place = if b.is_book {
        format!("{} [preprocessor.polish]", b.config_file.display())
    } else {
        b.config_file.display().to_string()
    };
    out.into_iter().map(|w| format!("{place}: {w}")).collect()
}

/// Rule: the same guid in two chapters.
pub const DUPLICATE_GUID: &str = "PL210";
/// Rule: the book's stylesheet is missing or older than the binary.
pub const STALE_STYLESHEET: &str = "PL601";

/// The file name `install` gives the stylesheet.
pub const STYLESHEET: &str = "polish.css";

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
        levels: cfg.levels().0,
        links: None,
        chip_slots: None,
        diagnostics_only: false,
    })
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

/// A warning when the html output of the book at `root` does not load our stylesheet, or
/// loads an older one.
pub fn stylesheet_warning(
    book_cfg: &mdbook_preprocessor::config::Config,
    root: &Path,
) -> Option<String> {
    let css: Vec<PathBuf> = book_cfg
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
    let path = root.join(entry);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Some(format!(
            "[{STALE_STYLESHEET}] {} is listed in output.html.additional-css but is missing, so headers and comparisons are unstyled; run `mdbook-polish install`",
            path.display()
        ));
    };
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

/// The stylesheet `install` writes: a version banner, then the header, comparison, index and
/// related-page styles.
/// The banner also records a digest of what follows it, so `install` can tell a copy it wrote
/// from one the user edited (which it must not overwrite silently).
pub fn stylesheet() -> String {
    let body = format!(
        "{}\n{}\n{}",
        include_str!("../assets/header.css"),
        crate::compare::CSS,
        include_str!("../assets/collection.css")
    );
    format!(
        "/* mdbook-polish {} stylesheet. Written by `mdbook-polish install`; run it again after upgrading. body-sha256:{} */\n{body}",
        crate::VERSION,
        body_digest(&body)
    )
}

/// The first 16 hex digits of the SHA-256 of `body`.
fn body_digest(body: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(body.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a `polish.css` is exactly as some mdbook-polish `install` wrote it: its banner's
/// digest matches the text after the banner. A copy without a digest (written before it
/// existed) or with changes is treated as the user's own.
pub fn stylesheet_is_pristine(css: &str) -> bool {
    let Some((banner, body)) = css.split_once('\n') else {
        return false;
    };
    banner
        .split("body-sha256:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .is_some_and(|claimed| claimed == body_digest(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book_cfg(toml: &str) -> mdbook_preprocessor::config::Config {
        toml.parse().expect("valid book.toml")
    }

    #[test]
    fn header_fields_the_schema_does_not_know_are_warned_about() {
        let toml = "[preprocessor.polish]\nheader-fields = [\"summary\", \"audiance\", \"tags\"]\n";
        let book = book_cfg(toml);
        let cfg = Config::from_book_config(&book).unwrap();
        let settings = settings_for(&cfg, &book, Path::new(".")).unwrap();
        let w = config_warnings(&cfg, &settings);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("`audiance`") && w[0].contains("did you mean `audience`?"),
            "{w:?}"
        );
        // No schema (validation off): nothing to compare with, no warning.
        let off = book_cfg(&format!("{toml}validate = false\n"));
        let cfg = Config::from_book_config(&off).unwrap();
        let settings = settings_for(&cfg, &off, Path::new(".")).unwrap();
        assert!(config_warnings(&cfg, &settings).is_empty());
    }

    #[test]
    fn stylesheet_missing_stale_and_current() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let linked = "[output.html]\nadditional-css = [\"polish.css\"]\n";
        let none = stylesheet_warning(&book_cfg("[output.html]\n"), root).unwrap();
        assert!(none.contains("does not list polish.css"), "{none}");
        std::fs::write(
            root.join(STYLESHEET),
            "/* mdbook-polish 0.0.1 stylesheet */\n",
        )
        .unwrap();
        let old = stylesheet_warning(&book_cfg(linked), root).unwrap();
        assert!(
            old.contains("is from mdbook-polish 0.0.1") && old.contains("install"),
            "{old}"
        );
        std::fs::write(root.join(STYLESHEET), stylesheet()).unwrap();
        assert_eq!(stylesheet_warning(&book_cfg(linked), root), None);
        std::fs::remove_file(root.join(STYLESHEET)).unwrap();
        let missing = stylesheet_warning(&book_cfg(linked), root).unwrap();
        assert!(missing.contains("is missing"), "{missing}");
        assert!(!missing.contains("unknown"), "{missing}");
    }
}
