//! Any bytes as the YAML front matter of an article and an entity, with a body that uses it.
#![no_main]

#[path = "../../support/properties.rs"]
mod properties;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let yaml = String::from_utf8_lossy(data);
    properties::analyse_any_text_at(
        &format!("---\n{yaml}\n---\n[Rogozin]{{e=rogozin}} said [\"q\"]{{.claim #c1}}.\n"),
        8,
    );
});
