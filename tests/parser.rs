//! The parser on hard input: deep nesting, code and comments, line endings,
//! byte-order marks, quoting, and recovery after an error.

use annals::document::{Document, DocumentKind};
use annals::slots::SpanIndex;
use annals::syntax::{self, AttributeKind};

fn article(body: &str) -> String {
    format!("---\ntitle: T\npublished: 2022-04-02\n---\n{body}")
}

fn span_texts(text: &str) -> Vec<String> {
    let tree = syntax::parse(text);
    tree.spans
        .iter()
        .map(|s| text[s.text_range().range()].to_string())
        .collect()
}

#[test]
fn ten_thousand_nested_brackets_neither_overflow_nor_go_quadratic() {
    let open = "[".repeat(10_000);
    let close = "]{e=x}".repeat(10_000);
    let text = article(&format!("{open}core{close}\n"));
    let tree = syntax::parse(&text);
    assert_eq!(tree.spans.len(), 10_000);
    // The innermost span's parent chain is 9,999 long and every parent encloses its child.
    let inner = tree
        .spans
        .iter()
        .position(|s| &text[s.text_range().range()] == "core")
        .unwrap();
    let mut depth = 0;
    let mut k = inner;
    while let Some(p) = tree.spans[k].parent() {
        assert!(tree.spans[p.index()].range.contains_range(tree.spans[k].range));
        k = p.index();
        depth += 1;
    }
    assert_eq!(depth, 9_999);

    // Unclosed, with no attributes anywhere: plain text, no error, no annotation.
    let text = article(&"[".repeat(10_000));
    let tree = syntax::parse(&text);
    assert!(tree.spans.is_empty() && tree.errors.is_empty());
}

#[test]
fn code_comments_and_front_matter_hold_no_annotations() {
    let text = "---\ntitle: \"[a]{e=x}\"\npublished: 2022-04-02\n---\n\
        `[b]{e=x}` and ``[c]{e=x} ` still code`` \n\n\
        ```\n[d]{e=x}\n```\n\n\
        ~~~~md\n[e]{e=x}\n~~~~\n\n\
        \x20   [f]{e=x} indented code\n\n\
        <!-- [g]{e=x}\n\n spans blank lines [h]{e=x} -->\n\n\
        [kept]{e=x} and \\[escaped]{e=x} and [link](https://example.org)\n";
    assert_eq!(span_texts(text), ["kept"]);
}

#[test]
fn unclosed_backticks_are_literal() {
    let text = article("`not code [m]{e=x}\n");
    assert_eq!(span_texts(&text), ["m"]);
}

#[test]
fn crlf_lone_cr_and_byte_order_mark() {
    let text = "\u{feff}---\r\ntitle: T\r\npublished: 2022-04-02\r\n---\r\n[a\r\nb]{e=x\r\n  #m}\r\n\r\n[c]{e=y}\rnext";
    let doc = Document::new("d".into(), "articles/d.md".into(), DocumentKind::Article, text.into());
    assert!(doc.problems.is_empty(), "{:?}", doc.problems);
    assert_eq!(
        doc.article
            .as_ref()
            .unwrap()
            .published
            .as_ref()
            .unwrap()
            .value
            .to_string(),
        "2022-04-02"
    );
    assert_eq!(span_texts(text), ["a\r\nb", "c"]);
    // The lone CR ends a line for positions too.
    let at = doc.lines.line_column(text, text.find("next").unwrap());
    assert_eq!((at.line, at.column), (9, 0));
}

#[test]
fn attributes_quotes_escapes_and_ranges() {
    let text = article("[x]{.claim #id-1 by=\"nasa  nelson\" note=\"say \\\"hi\\\" \\\\ }\" date=2022}\n");
    let tree = syntax::parse(&text);
    assert!(tree.errors.is_empty(), "{:?}", tree.errors);
    let span = tree.span(SpanIndex::new(0));
    let kinds: Vec<_> = span.attributes.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AttributeKind::Class,
            AttributeKind::Id,
            AttributeKind::KeyValue,
            AttributeKind::KeyValue,
            AttributeKind::KeyValue
        ]
    );
    assert_eq!(span.id().unwrap().value(&text), "id-1");
    assert_eq!(&text[span.id().unwrap().value_range.range()], "id-1");
    let by = span.get("by").unwrap();
    assert_eq!(by.value(&text), "nasa  nelson");
    assert_eq!(&text[by.value_range.range()], "nasa  nelson");
    // Not one of the format's keys: found by its text, and `get` (for known keys) does not see it.
    let note = span.key_values().find(|a| a.key(&text) == "note").unwrap();
    assert_eq!(note.value(&text), "say \"hi\" \\ }");
    // Each token whole, as written: the value is read from the text, so the ranges are all
    // there is of it.
    let tokens: Vec<&str> = span.attributes.iter().map(|a| &text[a.range(&text).range()]).collect();
    assert_eq!(
        tokens,
        [
            ".claim",
            "#id-1",
            "by=\"nasa  nelson\"",
            "note=\"say \\\"hi\\\" \\\\ }\"",
            "date=2022"
        ]
    );
    assert!(note.known_key.is_none() && span.get("note").is_none());
    assert_eq!(span.get("by").unwrap().known_key.map(|k| k.as_str()), Some("by"));
    assert_eq!(&text[span.get("date").unwrap().key_range(&text).range()], "date");
    assert_eq!(
        &text[span.attributes_range().range()],
        &text[text.find('{').unwrap()..text.rfind('}').unwrap() + 1]
    );
}

#[test]
fn recovery_after_each_kind_of_error() {
    let body = "x]{e=x}\n\n[a]{e=x \"stray}\n\n[b]{e=\"open}\n\n[c]{e=x =y}\n\n[d{e=x}\n\nd]{e=x}\n\n[ok]{e=x}\n";
    let text = article(body);
    let tree = syntax::parse(&text);
    assert_eq!(span_texts(&text).last().map(String::as_str), Some("ok"));
    let messages: Vec<&str> = tree.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(tree.errors.len(), 6, "{messages:#?}");
    assert!(
        messages.iter().any(|m| m.contains("from an earlier paragraph")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("malformed attribute `=y`")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("unterminated quote")),
        "{messages:#?}"
    );
    assert!(messages.iter().any(|m| m.contains("never closed")), "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("no opening `[`")), "{messages:#?}");
    assert!(messages.iter().all(|m| !m.is_empty()));
}

#[test]
fn nested_claims_and_mentions_lower_with_their_claim() {
    let text = article(
        "[[Rogozin]{e=rogozin} said [\"x\"]{.claim #inner by=rogozin date=2022}]{.claim #outer by=nasa date=2022}\n",
    );
    let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text);
    assert!(doc.problems.is_empty(), "{:?}", doc.problems);
    assert_eq!(doc.claims.len(), 2);
    let outer = doc.claim_by_id("outer").unwrap().0;
    let (_, inner) = doc.claim_by_id("inner").unwrap();
    assert_eq!(inner.parent, Some(outer));
    assert_eq!(doc.mentions[0].claim, Some(outer));
}

#[test]
fn a_key_is_read_back_from_its_value_wherever_its_token_starts() {
    // After `{`, after white space, and right after a closing quote: none is a key byte.
    let text = article("[a]{x-1=\"v w\"y.z:2=b\tlast=\"q\\\"\"}\n");
    let tree = syntax::parse(&text);
    assert!(tree.errors.is_empty(), "{:?}", tree.errors);
    let attributes = tree.span(SpanIndex::new(0)).attributes;
    let keys: Vec<&str> = attributes.iter().map(|a| a.key(&text)).collect();
    assert_eq!(keys, ["x-1", "y.z:2", "last"]);
    let tokens: Vec<&str> = attributes.iter().map(|a| &text[a.range(&text).range()]).collect();
    assert_eq!(tokens, ["x-1=\"v w\"", "y.z:2=b", "last=\"q\\\"\""]);
}

#[test]
fn each_word_of_a_value_has_its_own_range_escapes_or_not() {
    // `\"` before the ids: the value as meant is shorter than as written, and each id still
    // gets its own range, whose text is the id.
    let text = article("[“x”]{.claim by=\"\\\"nasa\\\" rogozin  nelson\" supports=\"a \\\\ b\"}\n");
    let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text);
    let speakers: Vec<(&str, &str)> = doc
        .entity_refs_with_ids()
        .map(|(id, r)| (id, &doc.text[r.range.range()]))
        .collect();
    assert_eq!(speakers, [("rogozin", "rogozin"), ("nelson", "nelson")]);
    // The word that is not an id is reported at its own range, unescaped in the message.
    let bad = doc.problems.iter().find(|p| p.message.contains("nasa")).unwrap();
    assert_eq!(&doc.text[bad.range.range()], "\\\"nasa\\\"");
    assert!(bad.message.starts_with("`\"nasa\"`"), "{}", bad.message);
    let targets: Vec<&str> = doc.claims[0]
        .relations
        .iter()
        .map(|r| r.target.claim.as_str())
        .collect();
    assert_eq!(targets, ["a", "b"]);
}

#[test]
fn front_matter_references_name_their_values_quoted_or_not() {
    let text = "---\ntitle: T\npublished: 2022-04-02\noutlet: \"tass\"\nauthors: [ann, 'bob', \"c\\x2dd\", not valid]\n---\n[Ann]{e=ann}\n";
    let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text.into());
    let ids: Vec<&str> = doc.entity_refs_with_ids().map(|(id, _)| id).collect();
    assert_eq!(ids, ["tass", "ann", "bob", "c-d", "ann"]);
    let mut lean = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text.into());
    lean.drop_text();
    let kept: Vec<&str> = lean.entity_refs_with_ids().map(|(id, _)| id).collect();
    assert_eq!(kept, ids, "the ids outlive the text");
    assert_eq!(lean.mention_entity(&lean.mentions[0]), "ann");
}
