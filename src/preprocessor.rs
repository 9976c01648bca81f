//! preprocessor (in progress).

/// The mdBook preprocessor.
#[derive(Debug, Default)]
pub struct Polish;
