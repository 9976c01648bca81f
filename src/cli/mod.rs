//! The command line: argument types and dispatch to the drivers in [`check`], [`fix`],
//! [`install`] and [`schema`] ([`baseline`] holds `check`'s baseline flags), and to the editor
//! server ([`crate::lsp`]). `main.rs` only parses and maps the result to an exit code.
//!
//! Exit codes: 0 clean, 1 findings (check) or changes (fix `--check`), 2 usage, config or
//! schema errors.

pub mod baseline;
pub mod check;
pub mod fix;
pub mod install;
pub mod schema;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::diagnostic::Severity;
use crate::report::Format;

/// mdBook preprocessor and docs checker: front matter headers and schema validation,
/// comparison tables, mojibake repair.
///
/// Without a subcommand it speaks mdBook's preprocessor protocol on stdin/stdout.
#[derive(Debug, Parser)]
#[command(name = "mdbook-polish", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Used by mdBook: exits 0 for every renderer.
    Supports {
        /// Renderer name.
        renderer: String,
    },
    /// Check front matter, tables and encoding in an mdBook, a folder or files (for CI).
    Check(check::CheckArgs),
    /// Repair mojibake and make the safe front matter fixes in source files, in place.
    Fix(fix::FixArgs),
    /// Print a file (or stdin) with mojibake repaired, same line structure. Markdown-aware like
    /// `fix` (code spans, code blocks and HTML attribute values are left alone).
    FixText {
        /// A file, or `-` for stdin.
        #[arg(default_value = "-")]
        file: PathBuf,
        /// Plain text, not Markdown: repair every line, code included.
        #[arg(long)]
        plain: bool,
    },
    /// Add mdbook-polish to a book: book.toml entries and the stylesheet.
    Install {
        /// The book's root (where book.toml is).
        #[arg(default_value = ".")]
        book_dir: PathBuf,
        /// Replace a polish.css you edited (your copy is kept as polish.css.bak).
        #[arg(long)]
        force: bool,
    },
    /// Print the embedded default front matter schema, or draft one from a tree (`--infer`).
    Schema(schema::SchemaArgs),
    /// Run the language server for editors (LSP over stdin and stdout): diagnostics as you
    /// type, hover and completion in front matter, code actions.
    Lsp,
}

/// `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl Color {
    /// Whether to colour output going to stdout.
    pub fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => {
            let protocol = || {
                crate::preprocessor::run_protocol(std::io::stdin().lock(), std::io::stdout().lock())
            };
            // The main thread joins the chapters' worker pool instead of only waiting for it:
            // the chapter sources it read are then partly freed on their own thread, where the
            // allocator reuses their memory at once (peak RSS of a long-chapter html book 3.22
            // → 2.90 × its JSON; bench/README.md). Here, not in the library: such a pool binds
            // its thread for the rest of the process, which only the binary may decide.
            match rayon::ThreadPoolBuilder::new().use_current_thread().build() {
                Ok(pool) => pool.install(protocol)?,
                Err(_) => protocol()?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Supports { .. }) => Ok(ExitCode::SUCCESS),
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Fix(args)) => fix::run(&args),
        Some(Command::FixText { file, plain }) => {
            let bytes = if file.as_os_str() == "-" {
                let mut b = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut b)
                    .context("reading stdin")?;
                b
            } else {
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?
            };
            let text = String::from_utf8(bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{} is not valid UTF-8 (first bad byte at offset {}); nothing was changed",
                    file.display(),
                    e.utf8_error().valid_up_to()
                )
            })?;
            let fixed = if plain {
                crate::encoding::repair_text(&text)
            } else {
                // The repair `fix` makes on a file outside a book: same function, same
                // defaults, so the two never disagree about what is code.
                match fix::fix_source(&text, &crate::config::Config::default(), Default::default())
                    .0
                {
                    fix::FixOutcome::Changed(new) => Some(new),
                    fix::FixOutcome::Clean => None,
                }
            };
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            out.write_all(fixed.as_deref().unwrap_or(&text).as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Install { book_dir, force }) => {
            let msg = install::install(&book_dir, force)?;
            println!("{msg}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Schema(args)) => schema::run(&args),
        // The server lives in the library (`crate::lsp`); the protocol's exit code is 0 only
        // after `shutdown`.
        Some(Command::Lsp) => Ok(ExitCode::from(
            u8::try_from(crate::lsp::run()?).unwrap_or(1),
        )),
    }
}

/// Shared `--format`/`--deny` handling for commands that report diagnostics.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Lowest severity that makes the exit code 1: error, warning or note.
    #[arg(long, default_value = "error", value_parser = parse_severity)]
    pub deny: Severity,
    /// Colour for the human format.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}
