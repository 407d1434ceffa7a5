//! Any bytes as a document (article and entity): parse, every rule and every query.
#![no_main]

#[path = "../../support/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Raw bytes (as check reads them) and the same bytes as annotation pieces.
    properties::analyse_any_text(&String::from_utf8_lossy(data));
    properties::analyse_any_text(&properties::text_from_bytes(data));
});
