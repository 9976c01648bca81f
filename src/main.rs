//! The `mdbook-polish` binary: a thin shell over the library.

fn main() {}
