//! Mentions: names left unannotated in prose, and entities nothing references.

use super::Context;
use crate::document::{DocumentKind, Links};
use crate::finding::{Finding, RuleCode};
use crate::text::TextRange;
use rustc_hash::FxHashMap as HashMap;

/// The prose of `body`: what lies between the `excluded` ranges (sorted by start).
fn prose(body: TextRange, excluded: &[TextRange]) -> impl Iterator<Item = TextRange> + '_ {
    let mut at = body.start;
    excluded.iter().map(Some).chain([None]).filter_map(move |r| {
        let (gap_end, next) = match r {
            Some(r) => (r.start.min(body.end), r.end),
            None => (body.end, body.end),
        };
        let gap = (gap_end > at).then(|| TextRange::new(at as usize, gap_end as usize));
        at = at.max(next);
        gap
    })
}

/// Entity names in prose that no mention of that entity covers.
pub fn unannotated(cx: &Context, out: &mut Vec<Finding>) {
    let doc = cx.doc;
    // Not prose: code, comments and attribute blocks.
    let mut excluded: Vec<TextRange> = doc.syntax.masked.clone();
    excluded.extend(doc.syntax.spans.iter().map(|s| s.attributes_range()));
    excluded.sort_unstable();
    // Each entity's mention texts in this document. Mentions of one entity may nest, so keep all.
    let mut mentioned: HashMap<&str, Vec<TextRange>> = HashMap::default();
    for m in &doc.mentions {
        mentioned
            .entry(doc.mention_entity(m))
            .or_default()
            .push(doc.span(m.span).text_range());
    }
    for ranges in mentioned.values_mut() {
        ranges.sort();
    }
    let body = TextRange::new(doc.syntax.body_start, doc.text.len());
    // Only prose is searched: attribute blocks and code are a large share of an annotated text.
    for gap in prose(body, &excluded) {
        cx.index.names.each(&doc.text, gap, |found| {
            for entity in found.entities.iter() {
                if doc.kind == DocumentKind::Entity && entity == doc.id {
                    continue; // An entity's own page names it freely.
                }
                let covered = mentioned.get(entity).is_some_and(|ranges| {
                    // Mentions of one entity are disjoint in practice; walk back over any that start before.
                    let k = ranges.partition_point(|r| r.start <= found.range.start);
                    ranges[..k].iter().rev().take(4).any(|r| r.contains_range(found.range))
                });
                if covered {
                    continue;
                }
                let text = &doc.text[found.range.range()];
                out.push(
                    Finding::new(
                        RuleCode::UnannotatedMention,
                        found.range,
                        format!(
                            "`{text}` names the entity `{entity}` but is not annotated: write `[{text}]{{e={entity}}}`"
                        ),
                    )
                    .with_suggestion(Some(format!("[{text}]{{e={entity}}}"))),
                );
            }
        });
    }
}

/// An entity document that nothing else references.
pub fn unused<D: Links>(cx: &Context<D>, out: &mut Vec<Finding>) {
    let doc = cx.doc;
    if doc.kind() != DocumentKind::Entity || cx.entity(doc.id()) != Some(cx.slot) {
        return;
    }
    if cx.index.referenced_elsewhere(doc.id(), cx.slot) {
        return;
    }
    let range = doc
        .entity()
        .and_then(|e| e.name.as_ref())
        .map_or_else(|| doc.head_range(), |n| n.range);
    out.push(Finding::new(
        RuleCode::UnusedEntity,
        range,
        format!("nothing in the corpus references the entity `{}`: mention it (`[…]{{e={}}}`) somewhere, or remove the file", doc.id(), doc.id()),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_what_lies_between_exclusions() {
        let r = |a: usize, b: usize| TextRange::new(a, b);
        let gaps = |body, ex: &[TextRange]| prose(body, ex).collect::<Vec<_>>();
        assert_eq!(gaps(r(0, 10), &[]), [r(0, 10)]);
        assert_eq!(gaps(r(0, 10), &[r(2, 4), r(3, 6), r(8, 12)]), [r(0, 2), r(6, 8)]);
        assert_eq!(gaps(r(5, 10), &[r(0, 6), r(7, 7)]), [r(6, 7), r(7, 10)]);
        assert_eq!(gaps(r(0, 4), &[r(0, 4)]), Vec::<TextRange>::new());
    }
}
