//! mdbook-polish: an [mdBook](https://rust-lang.github.io/mdBook/) preprocessor and a docs
//! checker for CI.
//!
//! It does four jobs on every chapter, each a pure function from text to edits and
//! diagnostics, so that the preprocessor, `mdbook-polish check` and `mdbook-polish fix` share
//! them:
//!
//! 1. [`frontmatter`]: find the YAML block at byte 0, parse it with spans, hide it, and
//!    render a metadata header ([`header`]).
//! 2. [`frontmatter::schema`]: validate it against a JSON Schema.
//! 3. [`compare`]: turn benefit/burden tables into comparison components.
//! 4. [`encoding`]: repair mojibake without touching correct text or code.
//!
//! [`pipeline`] runs them on one chapter; [`preprocessor::Polish`] plugs that into mdBook.

#![forbid(unsafe_code)]

pub mod baseline;
pub mod cli;
pub mod collection;
pub mod compare;
pub mod config;
pub mod diagnostic;
pub mod encoding;
pub mod frontmatter;
pub mod header;
pub mod include;
pub mod lsp;
pub mod markdown;
pub mod pipeline;
pub mod policy;
pub mod preprocessor;
pub mod report;
pub mod rules;
pub mod timings;
pub mod workspace;

pub use config::Config;
pub use diagnostic::{Diagnostic, Severity};
pub use preprocessor::Polish;

/// The version of this crate, written into the installed stylesheet.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
