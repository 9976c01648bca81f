//! The `mdbook-polish` binary: argument parsing and exit codes only; the work is in the library.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use mdbook_polish::cli::{self, Cli};

/// mimalloc instead of the system allocator: `check` and the preprocessor allocate many small
/// short-lived strings and trees per chapter on several threads, where glibc's malloc spent a
/// fifth of `check`'s time (bench/README.md has the figures). Only the binary sets it; the
/// library leaves the choice to its users.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if is_supports_probe(&args) {
        return ExitCode::SUCCESS;
    }
    let cli = Cli::parse_from(args);
    match cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mdbook-polish: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// mdBook appends `supports <renderer>` to the whole `command` of `book.toml`, so
/// `command = "mdbook-polish --foo"` is probed as `mdbook-polish --foo supports html`. Any
/// exit code but 0 makes mdBook skip the preprocessor *silently* for that renderer, which
/// would publish raw front matter; so answer yes whatever comes before, and let the real run
/// (`mdbook-polish --foo`, JSON on stdin) fail loudly on arguments it does not know.
fn is_supports_probe(args: &[OsString]) -> bool {
    const SUBCOMMANDS: [&str; 7] = [
        "check", "fix", "fix-text", "install", "schema", "help", "supports",
    ];
    let n = args.len();
    n >= 4
        && args.get(n - 2).is_some_and(|a| a == "supports")
        && args
            .get(1)
            .is_some_and(|first| !SUBCOMMANDS.iter().any(|s| first == s))
}
