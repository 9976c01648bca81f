//! A do-nothing mdBook 0.5 preprocessor: reads the `[context, book]` JSON and writes the book
//! back unchanged. `scripts/bench-book` builds books with it to measure what any preprocessor
//! costs (the process, the JSON both ways) before mdbook-polish does any work.
//!
//! `book.toml`: `[preprocessor.passthrough]` with `command = "path/to/passthrough"`.

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("supports") {
        // Every renderer: the baseline must run wherever mdbook-polish runs.
        return ExitCode::SUCCESS;
    }
    let (_ctx, book) = match mdbook_preprocessor::parse_input(std::io::stdin().lock()) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("passthrough: {e:#}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(e) = serde_json::to_writer(&mut out, &book).map_err(std::io::Error::from) {
        eprintln!("passthrough: {e}");
        return ExitCode::from(1);
    }
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("passthrough: {e}");
            ExitCode::from(1)
        }
    }
}
