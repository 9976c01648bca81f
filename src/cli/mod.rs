//! The command-line drivers: check, fix, install. (In progress.)
