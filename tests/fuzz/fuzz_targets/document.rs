//! Any bytes as a document (article and entity): parse, every rule and every query.
#![no_main]

#[path = "../../support/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Raw bytes (as check reads them) and the same bytes as annotation pieces.
    // Queries at 8 positions: each is linear in the text, and throughput finds more.
    properties::analyse_any_text_at(&String::from_utf8_lossy(data), 8);
    properties::analyse_any_text_at(&properties::text_from_bytes(data), 8);
});
