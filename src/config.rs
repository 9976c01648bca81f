//! config (in progress).

/// `[preprocessor.polish]`.
#[derive(Debug, Default)]
pub struct Config;
