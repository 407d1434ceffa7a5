//! Every rule of docs/format.md section 6: a fixture corpus that triggers it, and a clean
//! twin that does not. Fixtures live in tests/fixtures/rules/CODE.fixture.

mod support;

use annals::RuleCode;
use support::{findings, findings_with_messages, materialize, parse_fixture, repo_path};

fn check_rule(code: RuleCode) {
    let path = repo_path(&format!("tests/fixtures/rules/{code}.fixture"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fixture = parse_fixture(&text);
    assert!(
        fixture.expect.iter().any(|e| e.ends_with(&format!(" {code}"))),
        "{code}: the fixture expects no finding of its own rule"
    );
    let dir = materialize(&fixture);

    let bad = findings(&dir.path().join("bad"), "bad");
    let mut expected = fixture.expect.clone();
    expected.sort();
    assert_eq!(
        bad,
        expected,
        "{code}: findings of the bad corpus\n{:#?}",
        findings_with_messages(&dir.path().join("bad"))
    );

    let clean = findings(&dir.path().join("clean"), "clean");
    assert!(
        clean.is_empty(),
        "{code}: the clean twin has findings:\n{:#?}",
        findings_with_messages(&dir.path().join("clean"))
    );
}

macro_rules! rule_tests {
    ($($name:ident => $code:ident,)*) => {
        $( #[test] fn $name() { check_rule(RuleCode::$code); } )*

        #[test]
        fn every_rule_has_a_fixture() {
            let tested = [$(RuleCode::$code),*];
            for code in RuleCode::ALL {
                assert!(tested.contains(code), "no fixture test for {code}");
            }
        }
    };
}

rule_tests! {
    syntax_error => SyntaxError,
    invalid_front_matter => InvalidFrontMatter,
    missing_field => MissingField,
    invalid_id => InvalidId,
    duplicate_id => DuplicateId,
    unknown_entity => UnknownEntity,
    broken_reference => BrokenReference,
    invalid_date => InvalidDate,
    conflicting_annotation => ConflictingAnnotation,
    undated_claim => UndatedClaim,
    unsourced_claim => UnsourcedClaim,
    claim_after_publication => ClaimAfterPublication,
    reply_before_original => ReplyBeforeOriginal,
    self_reference => SelfReference,
    unknown_attribute => UnknownAttribute,
    unannotated_mention => UnannotatedMention,
    unannotated_quote => UnannotatedQuote,
    unused_entity => UnusedEntity,
    file_too_large => FileTooLarge,
}
