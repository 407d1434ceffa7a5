//! Edit sequences through the LSP edge (UTF-8 or UTF-16, positions anywhere): the server's
//! rope equals a String model after every step, and the incremental analysis equals a
//! from-scratch one.
#![no_main]

#[path = "../../support/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (encoding, initial, edits) = properties::edits_from_bytes(data);
    properties::edits_keep_rope_and_model_equal(&initial, &edits, encoding);
    properties::edited_corpus_matches_scratch(&initial, &edits, encoding);
});
