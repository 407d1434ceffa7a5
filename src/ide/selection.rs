//! Selection ranges ("expand selection"): from the word at the cursor outwards, each range
//! holding the one before. In the body: word → annotation text → the whole span with its
//! attributes → each enclosing span (the claim around a mention) → sentence → paragraph →
//! body → document. In an attribute block: word → reference → value → `key=value` → `{…}` →
//! span. In the front matter: word → value → role → line → front matter → document.
//!
//! Words and sentences are Unicode's (UAX #29, the unicode-segmentation crate). A sentence ends
//! only outside annotations, so a sentence always holds the whole spans in it, and a claim of
//! several sentences grows into the sentences around it.

use crate::document::{Document, Located};
use crate::syntax::Head;
use crate::syntax::blocks;
use crate::text::{TextRange, floor_char_boundary};
use unicode_segmentation::UnicodeSegmentation;

/// How far on each side of the cursor a word is looked for: a "word" of megabytes (a file
/// without spaces) costs a bounded amount.
const WORD_WINDOW: usize = 256;

/// For each offset, its ranges from the innermost outwards, each holding the one before.
pub fn selection_ranges(doc: &Document, offsets: &[usize]) -> Vec<Vec<TextRange>> {
    // The paragraphs once per request, not once per offset.
    let paragraphs: Vec<TextRange> = blocks::scan(&doc.text, doc.syntax.body_start)
        .paragraphs
        .iter()
        .map(|p| p.range)
        .collect();
    offsets
        .iter()
        .map(|&offset| chain(doc, &paragraphs, floor_char_boundary(&doc.text, offset)))
        .collect()
}

fn chain(doc: &Document, paragraphs: &[TextRange], offset: usize) -> Vec<TextRange> {
    let mut out = Chain {
        offset,
        ranges: Vec::new(),
    };
    out.push(word_at(&doc.text, offset));
    match &doc.syntax.head {
        Head::FrontMatter(fm) if offset <= fm.range.end as usize => {
            for value in front_matter_values(doc, offset) {
                out.push(Some(value));
            }
            out.push(Some(doc.lines.line_range(&doc.text, doc.lines.line_of(offset))));
            out.push(Some(fm.content));
            out.push(Some(fm.range));
        }
        _ => {
            spans(doc, offset, &mut out);
            // The first paragraph that ends at or after the offset, if it holds it.
            let paragraph = paragraphs
                .get(paragraphs.partition_point(|p| (p.end as usize) < offset))
                .copied()
                .filter(|p| p.touches(offset));
            if let Some(paragraph) = paragraph {
                out.push(sentence(doc, paragraph, offset, out.last()));
                out.push(Some(paragraph));
            }
            let body = TextRange::new(
                doc.syntax.body_start,
                doc.text.trim_end().len().max(doc.syntax.body_start),
            );
            out.push(Some(body));
        }
    }
    out.push(Some(TextRange::new(0, doc.text.len())));
    out.ranges
}

/// Ranges from the innermost outwards: a range is kept only when it touches the cursor,
/// holds the last one kept and is larger, so the chain is always strictly nested.
struct Chain {
    offset: usize,
    ranges: Vec<TextRange>,
}

impl Chain {
    fn push(&mut self, range: Option<TextRange>) {
        let Some(range) = range.filter(|r| r.touches(self.offset)) else {
            return;
        };
        match self.ranges.last() {
            Some(last) if !range.contains_range(*last) || range == *last => {}
            _ => self.ranges.push(range),
        }
    }
    fn last(&self) -> Option<TextRange> {
        self.ranges.last().copied()
    }
}

/// The word at `offset`, or the one that ends there (a cursor right after a word).
fn word_at(text: &str, offset: usize) -> Option<TextRange> {
    let from = floor_char_boundary(text, offset.saturating_sub(WORD_WINDOW));
    let to = floor_char_boundary(text, offset.saturating_add(WORD_WINDOW));
    // Words never cross a line break.
    let from = text[from..offset].rfind(['\n', '\r']).map_or(from, |k| from + k + 1);
    let to = text[offset..to].find(['\n', '\r']).map_or(to, |k| offset + k);
    let mut ending_here = None;
    for (k, word) in text[from..to].split_word_bound_indices() {
        let range = TextRange::new(from + k, from + k + word.len());
        if !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        if range.contains(offset) {
            return Some(range);
        }
        if range.end as usize == offset {
            ending_here = Some(range);
        }
        if range.start as usize > offset {
            break;
        }
    }
    ending_here
}

/// The spans around `offset`, innermost first: within an attribute block the attribute's
/// pieces and the block, then each span's text and whole range.
fn spans(doc: &Document, offset: usize, out: &mut Chain) {
    let mut at = crate::ide::cursor::innermost_span(doc, offset);
    while let Some(k) = at {
        let span = doc.span(k);
        if span.attributes_range().contains(offset) {
            if let Some(a) = span.attributes.iter().find(|a| a.range(&doc.text).touches(offset)) {
                if a.value_range.touches(offset) {
                    // One reference among several (`by="nasa nelson"`, `supports="a b"`).
                    out.push(a.words(&doc.text).find(|(_, r)| r.touches(offset)).map(|(_, r)| r));
                    out.push(Some(a.value_range));
                }
                out.push(Some(a.range(&doc.text)));
            }
            out.push(Some(span.attributes_range()));
        } else if span.text_range().touches(offset) {
            out.push(Some(span.text_range()));
        }
        out.push(Some(span.range));
        at = span.parent();
    }
}

/// The sentence of `paragraph` that holds `inner` (the last range of the chain so far, or
/// the cursor): sentence boundaries (UAX #29) count only outside every annotation.
fn sentence(doc: &Document, paragraph: TextRange, offset: usize, inner: Option<TextRange>) -> Option<TextRange> {
    let start = paragraph.start as usize;
    // A line break inside a paragraph is a soft wrap, not the end of a sentence (UAX #29 breaks
    // after every one): segment a copy with spaces instead, byte for byte the same length.
    let text: String = doc
        .text
        .get(paragraph.range())?
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    // The paragraph's top-level spans, in order (a span never leaves its paragraph).
    let spans = &doc.syntax.spans;
    let first = spans.partition_point(|s| s.range.start < paragraph.start);
    let top: Vec<TextRange> = spans[first..]
        .iter()
        .take_while(|s| s.range.start < paragraph.end)
        .filter(|s| s.parent().is_none())
        .map(|s| s.range)
        .collect();
    let inner = inner.unwrap_or(TextRange::empty(offset));
    let (mut from, mut to) = (start, paragraph.end as usize);
    let mut next_span = 0;
    for (k, piece) in text.split_sentence_bound_indices() {
        let boundary = start + k + piece.len();
        while top.get(next_span).is_some_and(|r| (r.end as usize) <= boundary) {
            next_span += 1;
        }
        if top.get(next_span).is_some_and(|r| (r.start as usize) < boundary) {
            continue; // Inside an annotation.
        }
        if boundary <= inner.start as usize {
            from = boundary;
        } else if boundary >= inner.end as usize {
            to = boundary;
            break;
        }
    }
    let trimmed = from + doc.text.get(from..to)?.trim_end().len();
    Some(TextRange::new(from, trimmed.max(inner.end as usize)))
}

/// The front-matter values around `offset`, innermost first: a value, then the role it is part of.
fn front_matter_values(doc: &Document, offset: usize) -> Vec<TextRange> {
    let mut found: Vec<TextRange> = Vec::new();
    let mut add = |range: TextRange| {
        if range.touches(offset) {
            found.push(range);
        }
    };
    fn each<T>(items: impl IntoIterator<Item = impl std::borrow::Borrow<Located<T>>>, add: &mut impl FnMut(TextRange)) {
        for item in items {
            add(item.borrow().range);
        }
    }
    if let Some(a) = &doc.article {
        each(a.title.iter(), &mut add);
        each(a.published.iter(), &mut add);
        each(a.outlet.iter(), &mut add);
        each(a.authors.iter(), &mut add);
        each(a.url.iter(), &mut add);
        each(a.lang.iter(), &mut add);
    }
    if let Some(e) = &doc.entity {
        each(e.kind.iter(), &mut add);
        each(e.name.iter(), &mut add);
        each(e.aliases.iter(), &mut add);
        each(e.description.iter(), &mut add);
        each(e.country.iter(), &mut add);
        each(e.parent.iter(), &mut add);
        each(e.wikidata.iter(), &mut add);
        for role in &e.roles {
            each(role.title.iter(), &mut add);
            each(role.org.iter(), &mut add);
            each(role.from.iter(), &mut add);
            each(role.to.iter(), &mut add);
            add(role.range);
        }
    }
    found.sort_by_key(|r| r.len());
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    fn shown(text: &str, at: &str, delta: usize) -> Vec<String> {
        let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text.into());
        let offset = text.find(at).unwrap() + delta;
        selection_ranges(&doc, &[offset])
            .remove(0)
            .iter()
            .map(|r| text[r.range()].to_string())
            .collect()
    }

    const TEXT: &str = "---\ntitle: T\npublished: 2022-04-02\n---\nFirst one. Then [[Dmitry Rogozin]{e=rogozin} wrote \"no. never.\" twice]{.claim #c by=\"rogozin nasa\"} in the U.S. today. Last one.\n\nNext paragraph.\n";

    #[test]
    fn a_word_grows_through_mention_claim_sentence_and_paragraph() {
        let ranges = shown(TEXT, "Rogozin]", 2);
        let paragraph = TEXT.lines().nth(4).unwrap();
        assert_eq!(
            ranges,
            [
                "Rogozin",
                "Dmitry Rogozin",
                "[Dmitry Rogozin]{e=rogozin}",
                "[Dmitry Rogozin]{e=rogozin} wrote \"no. never.\" twice",
                "[[Dmitry Rogozin]{e=rogozin} wrote \"no. never.\" twice]{.claim #c by=\"rogozin nasa\"}",
                // The periods inside the claim end no sentence; "U.S." before a lower-case word
                // ends none either (UAX #29).
                "Then [[Dmitry Rogozin]{e=rogozin} wrote \"no. never.\" twice]{.claim #c by=\"rogozin nasa\"} in the U.S. today.",
                paragraph,
                &TEXT[TEXT.find("First").unwrap()..TEXT.trim_end().len()],
                TEXT,
            ]
        );
    }

    #[test]
    fn an_attribute_grows_through_reference_value_token_and_block() {
        let ranges = shown(TEXT, "nasa\"}", 1);
        assert_eq!(
            &ranges[..5],
            [
                "nasa",
                "rogozin nasa",
                "by=\"rogozin nasa\"",
                "{.claim #c by=\"rogozin nasa\"}",
                "[[Dmitry Rogozin]{e=rogozin} wrote \"no. never.\" twice]{.claim #c by=\"rogozin nasa\"}",
            ]
        );
    }

    #[test]
    fn the_front_matter_grows_through_value_line_and_block() {
        let ranges = shown(TEXT, "2022-04-02", 3);
        assert_eq!(
            ranges,
            [
                "2022",
                "2022-04-02",
                "published: 2022-04-02",
                "title: T\npublished: 2022-04-02\n",
                "---\ntitle: T\npublished: 2022-04-02\n---",
                TEXT
            ]
        );
    }

    #[test]
    fn every_offset_gives_a_nested_chain() {
        let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, TEXT.into());
        let offsets: Vec<usize> = (0..=TEXT.len() + 3).collect();
        for (offset, chain) in offsets.iter().zip(selection_ranges(&doc, &offsets)) {
            assert!(!chain.is_empty(), "{offset}");
            for pair in chain.windows(2) {
                assert!(
                    pair[1].contains_range(pair[0]) && pair[1] != pair[0],
                    "{offset}: {chain:?}"
                );
            }
            assert!(chain[0].touches((*offset).min(TEXT.len())), "{offset}: {chain:?}");
        }
    }
}
