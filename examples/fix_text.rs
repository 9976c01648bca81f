//! Prints a file (or stdin, given `-`) with its mojibake repaired, line structure kept.
//!
//! Usage: `cargo run --example fix_text -- FILE`

use std::io::{Read, Write};

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: fix_text FILE|-");
        return std::process::ExitCode::from(2);
    };
    let mut raw = Vec::new();
    let read = if path == "-" {
        std::io::stdin().read_to_end(&mut raw).map(|_| ())
    } else {
        std::fs::File::open(&path).and_then(|mut f| f.read_to_end(&mut raw).map(|_| ()))
    };
    if let Err(e) = read {
        eprintln!("fix_text: {path}: {e}");
        return std::process::ExitCode::from(1);
    }
    let text = String::from_utf8_lossy(&raw);
    let fixed = mdbook_polish::encoding::repair_text(&text);
    let out = fixed.as_deref().unwrap_or(&text);
    if std::io::stdout().lock().write_all(out.as_bytes()).is_err() {
        return std::process::ExitCode::from(1);
    }
    std::process::ExitCode::SUCCESS
}
