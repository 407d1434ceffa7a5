//! Semantic tokens: mention text, claim text, attribute keys, ids, references, dates and
//! classes, as non-overlapping ranges (nested spans cut holes in their parents' text).

use crate::document::Document;
use crate::slots::SpanIndex;
use crate::syntax::AttributeKind;
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TokenKind {
    MentionText,
    ClaimText,
    AttributeKey,
    Id,
    EntityReference,
    ClaimReference,
    Date,
    Class,
}

impl TokenKind {
    pub const ALL: [TokenKind; 8] = [
        TokenKind::MentionText,
        TokenKind::ClaimText,
        TokenKind::AttributeKey,
        TokenKind::Id,
        TokenKind::EntityReference,
        TokenKind::ClaimReference,
        TokenKind::Date,
        TokenKind::Class,
    ];
}

pub fn tokens(doc: &Document) -> Vec<(TextRange, TokenKind)> {
    let mut out = Vec::new();
    let mention_spans: std::collections::HashSet<SpanIndex> = doc.mentions.iter().map(|m| m.span).collect();
    let claim_spans: std::collections::HashSet<SpanIndex> = doc.claims.iter().map(|c| c.span).collect();
    // Each span's direct children, grouped by parent in one sort: a forward cursor then
    // hands each span its own, instead of a pass over every span per span.
    let mut children_by_parent: Vec<(SpanIndex, TextRange)> = doc
        .syntax
        .spans
        .iter()
        .filter_map(|c| Some((c.parent()?, c.range)))
        .collect();
    children_by_parent.sort_unstable();
    let mut cursor = 0;
    for (k, span) in doc.syntax.annotated().enumerate() {
        let k = SpanIndex::new(k);
        while children_by_parent.get(cursor).is_some_and(|&(p, _)| p < k) {
            cursor += 1;
        }
        let first_child = cursor;
        while children_by_parent.get(cursor).is_some_and(|&(p, _)| p == k) {
            cursor += 1;
        }
        let children = &children_by_parent[first_child..cursor];
        let text_kind = if mention_spans.contains(&k) {
            Some(TokenKind::MentionText)
        } else if claim_spans.contains(&k) {
            Some(TokenKind::ClaimText)
        } else {
            None
        };
        if let Some(kind) = text_kind {
            // The text minus the direct children's whole spans.
            let mut at = span.text_range().start as usize;
            for &(_, child) in children {
                if (child.start as usize) > at {
                    out.push((TextRange::new(at, child.start as usize), kind));
                }
                at = at.max(child.end as usize);
            }
            if at < span.text_range().end as usize {
                out.push((TextRange::new(at, span.text_range().end as usize), kind));
            }
        }
        if text_kind.is_none() {
            continue; // Plain Pandoc spans keep the Markdown colours.
        }
        for a in span.attributes {
            match a.kind {
                AttributeKind::Id => out.push((a.range(&doc.text), TokenKind::Id)),
                AttributeKind::Class => out.push((a.range(&doc.text), TokenKind::Class)),
                AttributeKind::KeyValue => {
                    out.push((a.key_range(&doc.text), TokenKind::AttributeKey));
                    let value_kind = match a.known_key.map_or("", |k| k.as_str()) {
                        "e" | "by" => Some(TokenKind::EntityReference),
                        "date" => Some(TokenKind::Date),
                        "replies-to" | "repeats" | "contradicts" | "supports" | "source" => {
                            Some(TokenKind::ClaimReference)
                        }
                        _ => None,
                    };
                    if let Some(kind) = value_kind {
                        out.push((a.value_range, kind));
                    }
                }
            }
        }
    }
    out.retain(|(r, _)| !r.is_empty());
    out.sort();
    out
}
