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

/// Pieces of names and texts: word and non-word characters, one- and two-byte ones, so
/// that names nest, overlap and share openings.
const NAME_PIECES: &[&str] = &["a", "b", "B", "é", ".", " ", "-", "ab", "Ba"];

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(NAME_PIECES), 1..5).prop_map(|p| p.concat())
}

/// Entities named `names` (one alias each: the next name); the name matcher finds in `text`
/// exactly the whole-word occurrences that trying every name at every place finds.
fn names_match_a_naive_search(names: &[String], text: &str) {
    use annals::document::{Document, DocumentKind};
    use annals::text::TextRange;
    let docs: Vec<Document> = names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let alias = &names[(k + 1) % names.len()];
            let front = format!(
                "---\nkind: person\nname: {}\naliases: [{}]\n---\n",
                serde_json::to_string(name).unwrap(),
                serde_json::to_string(alias).unwrap()
            );
            Document::new(
                format!("e{k}"),
                format!("entities/e{k}.md"),
                DocumentKind::Entity,
                front,
            )
        })
        .collect();
    let index = annals::index::CorpusIndex::build(&docs);
    let found: Vec<(usize, usize, Vec<String>)> = index
        .names
        .find(text, TextRange::new(0, text.len()))
        .into_iter()
        .map(|m| {
            (
                m.range.start as usize,
                m.range.end as usize,
                m.entities.iter().map(String::from).collect(),
            )
        })
        .collect();

    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut owners: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (k, doc) in docs.iter().enumerate() {
        for n in [&names[k], &names[(k + 1) % names.len()]] {
            let n = n.trim();
            let list = owners.entry(n).or_default();
            if !n.is_empty() && !list.contains(&doc.id) {
                list.push(doc.id.clone());
            }
        }
    }
    let mut expected = Vec::new();
    for (name, ids) in owners.iter().filter(|(n, _)| !n.is_empty()) {
        for start in (0..=text.len()).filter(|&s| text.is_char_boundary(s) && text[s..].starts_with(name)) {
            let end = start + name.len();
            let left = !word(name.chars().next()) || !word(text[..start].chars().next_back());
            let right = !word(name.chars().next_back()) || !word(text[end..].chars().next());
            if left && right {
                expected.push((start, end, ids.clone()));
            }
        }
    }
    expected.sort();
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "names {names:?} in {text:?}");
    assert_eq!(found, sorted, "matches come by start, then end");
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

/// Texts of quotation marks, attributions, names and dates among the annotation pieces.
fn quoted_text() -> impl Strategy<Value = String> {
    const QUOTE_PIECES: &[&str] = &[
        "“",
        "”",
        "«",
        "»",
        "„",
        "\"",
        " said",
        " Rogozin",
        "[Rogozin]{e=rogozin}",
        ". ",
        " he added",
        " on April 2",
        "According to ",
        " told ",
        "a b c d e",
        "[“x”]{.claim #c1}",
        "\n\n",
        "[",
        "]{",
        "}",
        "Feb. ",
        ",",
    ];
    let pieces: Vec<&'static str> = QUOTE_PIECES.iter().chain(PIECES).copied().collect();
    prop::collection::vec(prop::sample::select(pieces), 0..60).prop_map(|p| p.concat())
}

/// `annals fix`'s plan on any text: no panic, and the fixed text has no error of form that
/// the original had not.
fn fix_keeps_the_text_whole(text: &str) {
    use annals::RuleCode;
    let corpus = properties::corpus_with(text);
    let rules: Vec<RuleCode> = annals::fix::FIXABLE.iter().map(|(c, _)| *c).collect();
    for (slot, doc) in corpus.live() {
        let before: Vec<(RuleCode, String)> = corpus
            .findings_of(slot)
            .into_iter()
            .filter(|f| f.severity == annals::Severity::Error)
            .map(|f| (f.code, f.message.into_owned()))
            .collect();
        let fixed = annals::fix::fix_document(&corpus, slot, &rules);
        if fixed.applied.is_empty() {
            assert!(fixed.text.is_empty());
            continue;
        }
        let again = annals::Document::new(doc.id.clone(), doc.path.clone(), doc.kind, fixed.text.clone());
        let mut left = before.clone();
        for p in again.problems.iter().filter(|p| p.severity == annals::Severity::Error) {
            let k = left.iter().position(|(c, m)| *c == p.code && *m == p.message);
            assert!(
                k.is_some(),
                "fix made a new error {p:?} in {:?} from {text:?}",
                fixed.text
            );
            left.swap_remove(k.unwrap_or_default());
        }
        // A selection anywhere becomes a claim draft, or nothing; never a panic.
        for (a, b) in [(0, text.len()), (text.len() / 3, text.len() / 2)] {
            let (a, b) = (
                annals::text::floor_char_boundary(&doc.text, a),
                annals::text::floor_char_boundary(&doc.text, b),
            );
            let _ = annals::ide::assists::claim_for_selection(&corpus, slot, annals::text::TextRange::new(a, b));
        }
    }
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
    fn fix_never_panics_and_makes_no_error(text in prop_oneof![text(), quoted_text()]) {
        fix_keeps_the_text_whole(&text);
    }

    #[test]
    fn check_s_sweep_gives_the_corpus_findings(text in text()) {
        properties::sweep_equals_corpus(&properties::corpus_with(&text));
    }

    #[test]
    fn entity_names_are_found_where_a_naive_search_finds_them(
        names in prop::collection::vec(name(), 1..6),
        text in prop::collection::vec(prop::sample::select(NAME_PIECES), 0..40).prop_map(|p| p.concat()),
    ) {
        names_match_a_naive_search(&names, &text);
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

    #[test]
    fn incremental_analysis_equals_a_fresh_one_after_file_creation_deletion_and_rename(
        operations in prop::collection::vec(file_operation(), 1..10),
    ) {
        properties::file_operations_match_scratch(properties::ARTICLE, &operations);
    }
}

fn file_operation() -> impl Strategy<Value = properties::FileOperation> {
    use properties::FileOperation as Op;
    let path = 0..properties::PATHS.len();
    let text = prop_oneof![
        3 => prop::sample::select(properties::FILE_TEXTS).prop_map(str::to_string),
        1 => prop::collection::vec(prop::sample::select(PIECES), 0..30).prop_map(|p| p.concat()),
    ];
    prop_oneof![
        3 => (path.clone(), text).prop_map(|(p, t)| Op::Write(p, t)),
        1 => path.clone().prop_map(Op::Delete),
        1 => (path.clone(), path).prop_map(|(a, b)| Op::Rename(a, b)),
    ]
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
