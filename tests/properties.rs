//! Properties over generated input (proptest): any text through parse, rules and queries
//! never panics; edit sequences keep the server's rope and a String model equal, in UTF-8
//! and UTF-16, with positions in range, out of range and inside characters; and the
//! incremental analysis equals a from-scratch one after every edit. The fuzz targets in
//! tests/fuzz check the same properties (tests/support/properties.rs) for longer.

#[path = "support/properties.rs"]
mod properties;

use annals::lsp::convert::Encoding;
use properties::{Edit, PIECES};
use proptest::prelude::*;

use tower_lsp_server::ls_types::{Position, Range};

/// Texts made of annotation pieces, or of arbitrary characters.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|p| p.concat()),
        prop::collection::vec(any::<u8>(), 0..300).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        any::<String>(),
    ]
}

/// Positions mostly near the text (lines 0..6, characters 0..20, so inside characters and
/// past line ends), sometimes far beyond it.
fn position() -> impl Strategy<Value = Position> {
    prop_oneof![
        8 => (0u32..6, 0u32..20).prop_map(|(l, c)| Position::new(l, c)),
        1 => (any::<u32>(), any::<u32>()).prop_map(|(l, c)| Position::new(l, c)),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let small_text = prop::collection::vec(prop::sample::select(PIECES), 0..4).prop_map(|p| p.concat());
    prop_oneof![
        12 => (position(), position(), small_text.clone()).prop_map(|(a, b, text)| Edit { range: Some(Range::new(a, b)), text }),
        1 => small_text.prop_map(|text| Edit { range: None, text }),
    ]
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_text_goes_through_parse_rules_and_queries(text in text()) {
        properties::analyse_any_text(&text);
    }

    #[test]
    fn any_bytes_read_from_disk_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        // What `check` does with a file that is not UTF-8: the lossy text plus a finding.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("annals.toml"), "").unwrap();
        std::fs::create_dir(dir.path().join("articles")).unwrap();
        std::fs::write(dir.path().join("articles/a.md"), &bytes).unwrap();
        let corpus = annals::Corpus::load(dir.path()).unwrap();
        let findings = corpus.findings();
        prop_assert_eq!(findings.len(), 1);
        if std::str::from_utf8(&bytes).is_err() {
            prop_assert!(findings[0].findings.iter().any(|f| f.message.contains("not UTF-8")));
        }
    }

    #[test]
    fn edits_keep_the_servers_text_equal_to_a_string_model(
        initial in text(),
        edits in prop::collection::vec(edit(), 1..30),
        encoding in encoding(),
    ) {
        properties::edits_keep_rope_and_model_equal(&initial, &edits, encoding);
    }
}

proptest! {
    // Each case analyses a small corpus from scratch after every edit: fewer, longer cases.
    #![proptest_config(ProptestConfig { cases: 80, ..ProptestConfig::default() })]

    #[test]
    fn incremental_analysis_equals_a_fresh_one_after_every_edit(
        initial in prop_oneof![
            Just(properties::ARTICLE.to_string()),
            prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat()),
        ],
        edits in prop::collection::vec(edit(), 1..12),
        encoding in encoding(),
    ) {
        properties::edited_corpus_matches_scratch(&initial, &edits, encoding);
    }
}

/// The model itself, on cases worked out by hand: a property test is only as good as it.
#[test]
fn the_string_model_clamps_like_the_protocol_says() {
    let text = "a😀b\r\nёж\rx";
    let at = |l, c, e| properties::model_offset(text, Position::new(l, c), e);
    assert_eq!(at(0, 1, Encoding::Utf16), 1);
    assert_eq!(
        at(0, 2, Encoding::Utf16),
        1,
        "inside the surrogate pair: the emoji's start"
    );
    assert_eq!(at(0, 3, Encoding::Utf16), 5);
    assert_eq!(
        at(0, 3, Encoding::Utf8),
        1,
        "inside the UTF-8 sequence: the emoji's start"
    );
    assert_eq!(at(0, 99, Encoding::Utf8), 6, "past the line's end: before \\r\\n");
    assert_eq!(at(1, 2, Encoding::Utf8), 10);
    assert_eq!(at(1, 1, Encoding::Utf16), 10);
    assert_eq!(at(2, 0, Encoding::Utf8), 13, "after a lone \\r");
    assert_eq!(at(3, 0, Encoding::Utf8), text.len(), "a line past the end");
}
