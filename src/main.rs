//! The `mdbook-polish` binary: argument parsing and exit codes only; the work is in the library.

use std::process::ExitCode;

use clap::Parser;
use mdbook_polish::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mdbook-polish: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
