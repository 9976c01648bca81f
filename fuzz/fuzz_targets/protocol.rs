//! The preprocessor's JSON input: arbitrary bytes through the version gate, the typed parse
//! and a quiet run over the book. Errors are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_polish::preprocessor;
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if preprocessor::version_gate(&raw).is_err() {
        return;
    }
    let Ok((ctx, book)) = serde_json::from_value::<(PreprocessorContext, Book)>(raw) else {
        return;
    };
    if let Ok((out, _)) = preprocessor::run_book(&ctx, book) {
        // Whatever we return must serialise: it goes to mdBook on stdout.
        serde_json::to_vec(&out).expect("book serialises");
    }
});
