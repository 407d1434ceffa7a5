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

/// `parts` one after the other, in a string of their length.
fn joined(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| out.push_str(p));
    out
}

/// `ranges` put in order, which they usually are already.
fn put_in_order(ranges: &mut [TextRange]) {
    if !ranges.is_sorted() {
        ranges.sort_unstable();
    }
}

/// The ranges of two sorted lists, in order, into `out`.
fn merge_into(a: &[TextRange], b: &[TextRange], out: &mut Vec<TextRange>) {
    out.clear();
    out.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if b[j] < a[i] {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// The rule's lists of ranges, kept by each thread from one document to the next: made anew
/// and grown in every document, they cost 1 % of `annals check`'s instructions at 1,000 dense
/// articles (238.9 to 236.5 million).
#[derive(Default)]
struct Ranges {
    attributes: Vec<TextRange>,
    own_names: Vec<TextRange>,
    prose_and_code: Vec<TextRange>,
    excluded: Vec<TextRange>,
}

thread_local! {
    static RANGES: std::cell::RefCell<Ranges> = std::cell::RefCell::default();
}

impl Ranges {
    /// Emptied for the next document; a huge document's are not kept for the thread's life.
    fn clear(&mut self) {
        for list in [
            &mut self.attributes,
            &mut self.own_names,
            &mut self.prose_and_code,
            &mut self.excluded,
        ] {
            crate::scratch::reuse(list);
        }
    }
}

/// Entity names in prose that no mention of that entity covers.
pub fn unannotated(cx: &Context, out: &mut Vec<Finding>) {
    unannotated_skipping(cx, out, true);
}

/// `unannotated`, which need not search the text of a mention that is its entity's own name
/// (`NameMatcher::own_names`): the mention covers all the search would find there. Most of
/// what the search found in an annotated article was its mentions' texts (70 of 75 names an
/// article at 10,000 dense articles). The tests compare it with the search of every text.
fn unannotated_skipping(cx: &Context, out: &mut Vec<Finding>, skip_own_names: bool) {
    let doc = cx.doc;
    // Taken, not borrowed: nothing below runs this rule again, and a panic leaves empty lists.
    let mut ranges = RANGES.with_borrow_mut(std::mem::take);
    let Ranges {
        attributes,
        own_names,
        prose_and_code,
        excluded,
    } = &mut ranges;
    // Not prose: code, comments and attribute blocks.
    attributes.extend(doc.syntax.spans.iter().map(|s| s.attributes_range()));
    // Each entity's mentions in this document, by start, with the furthest end so far: a name
    // is covered when one of them starts before it and ends after it. A mention whose text
    // is left out of the prose cannot cover a name found in the prose, so it is not filed.
    let mut mentioned: Vec<(&str, TextRange)> = Vec::new();
    for m in &doc.mentions {
        let range = doc.span(m.span).text_range();
        let own = skip_own_names
            && cx.referenced_entity(m.entity_ref).is_some_and(|entity| {
                doc.text
                    .get(range.range())
                    .is_some_and(|text| cx.index.is_own_name(entity, text))
            });
        match own {
            true => own_names.push(range),
            false => mentioned.push((doc.mention_entity(m), range)),
        }
    }
    // Each list is in order already but for nested spans: merged, not sorted together
    // (sorting them was a tenth of this rule's instructions at 10,000 dense articles).
    put_in_order(attributes);
    put_in_order(own_names);
    merge_into(&doc.syntax.masked, attributes, prose_and_code);
    merge_into(prose_and_code, own_names, excluded);
    // Stable: the mentions of one entity are in order already, and only runs are merged.
    mentioned.sort();
    let mut reach = 0;
    let mentioned: Vec<(&str, TextRange, u32)> = mentioned
        .iter()
        .enumerate()
        .map(|(k, &(entity, range))| {
            reach = match k > 0 && mentioned[k - 1].0 == entity {
                true => reach.max(range.end),
                false => range.end,
            };
            (entity, range, reach)
        })
        .collect();
    let body = TextRange::new(doc.syntax.body_start, doc.text.len());
    // Every mention's text and entity by start, made at the first name that many entities carry.
    let mut by_start: Option<Vec<(TextRange, &str)>> = None;
    // Per entity, its last finding here (where it is in `out`, where it starts) and how far its
    // findings reach: a name inside a longer unannotated name of the same entity ("Dorpellin"
    // in "Ullin Dorpellin") is that name's finding already, not a second one. Names come by
    // start, so an earlier finding that reaches as far contains the new name, and a longer
    // name at the same start replaces the shorter one found first.
    let mut reported: HashMap<&str, (usize, u32, u32)> = HashMap::default();
    // Only prose is searched: attribute blocks and code are a large share of an annotated text.
    for gap in prose(body, excluded) {
        cx.index.names.each(&doc.text, gap, |found| {
            if found.entities.iter().nth(MANY).is_some() {
                let mentions = by_start.get_or_insert_with(|| doc.mentions_by_start());
                if let Some(finding) = ambiguous(cx, mentions, found.range, found.entities.iter()) {
                    out.push(finding);
                }
                return;
            }
            for entity in found.entities.iter() {
                if doc.kind == DocumentKind::Entity && entity == doc.id {
                    continue; // An entity's own page names it freely.
                }
                // The entity's mentions that start at or before the name: covered when the
                // furthest of their ends reaches past it.
                let k = mentioned.partition_point(|&(e, r, _)| (e, r.start) <= (entity, found.range.start));
                let covered = k > 0 && mentioned[k - 1].0 == entity && mentioned[k - 1].2 >= found.range.end;
                if covered {
                    continue;
                }
                let earlier = reported.get(entity).copied();
                let replaces = match earlier {
                    Some((_, _, reach)) if found.range.end <= reach => continue,
                    Some((at, start, _)) if start == found.range.start => Some(at),
                    _ => None,
                };
                let text = &doc.text[found.range.range()];
                // Joined, not formatted: the most frequent finding of a corpus under
                // annotation, and `format!` was a tenth of this rule's instructions.
                let suggestion = joined(&["[", text, "]{e=", entity, "}"]);
                let message = joined(&[
                    "`",
                    text,
                    "` names the entity `",
                    entity,
                    "` but is not annotated: write `",
                    &suggestion,
                    "`",
                ]);
                let finding =
                    Finding::new(RuleCode::UnannotatedMention, found.range, message).with_suggestion(Some(suggestion));
                let at = match replaces {
                    Some(at) => {
                        out[at] = finding;
                        at
                    }
                    None => {
                        out.push(finding);
                        out.len() - 1
                    }
                };
                let reach = earlier.map_or(0, |(_, _, reach)| reach).max(found.range.end);
                reported.insert(entity, (at, found.range.start, reach));
            }
        });
    }
    ranges.clear();
    RANGES.with_borrow_mut(|kept| *kept = ranges);
}

/// Owners of one name past which an unannotated occurrence is one finding, not one per
/// entity: a name that 2,000 entities carry, written 4,000 times, gave 8 million findings.
const MANY: usize = 8;

/// The one finding of a name that more than `MANY` entities carry, at `range`, unless a mention
/// of one of them covers it (a mention whose entity has this name or alias: each covering
/// mention is asked, not each owner).
fn ambiguous<'a>(
    cx: &Context,
    mentions: &[(TextRange, &str)],
    range: TextRange,
    mut owners: impl Iterator<Item = &'a str>,
) -> Option<Finding> {
    let text = &cx.doc.text[range.range()];
    // An entity's own page names it freely.
    if cx.doc.kind == DocumentKind::Entity && crate::names::entity_names(cx.doc).contains(&text) {
        return None;
    }
    let k = mentions.partition_point(|(r, _)| r.start <= range.start);
    let covered = mentions[..k].iter().rev().take(4).any(|(r, entity)| {
        r.contains_range(range)
            && cx
                .index
                .entity(cx.documents, entity)
                .and_then(|slot| cx.documents.get(slot.index()))
                .is_some_and(|d| crate::names::entity_names(d).contains(&text))
    });
    if covered {
        return None;
    }
    let some: Vec<&str> = owners.by_ref().take(3).collect();
    Some(Finding::new(
        RuleCode::UnannotatedMention,
        range,
        format!(
            "`{text}` names more than {MANY} entities ({}, …) but is not annotated: write `[{text}]{{e=ID}}` with the one it means",
            some.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ")
        ),
    ))
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
    use proptest::prelude::*;

    /// The unannotated-mention findings of the last document of `documents` (an article),
    /// with or without skipping the mentions that are their entity's own name.
    fn unannotated_of(documents: Vec<crate::document::Document>, skip: bool) -> Vec<(TextRange, String)> {
        let corpus = crate::corpus::Corpus::from_documents("/nowhere".into(), Default::default(), documents);
        let slot = corpus.documents.len() - 1;
        let cx = Context::new(
            &corpus.documents,
            &corpus.index,
            &corpus.config,
            crate::slots::DocumentSlot::new(slot),
            &corpus.documents[slot],
        );
        let mut out = Vec::new();
        unannotated_skipping(&cx, &mut out, skip);
        out.into_iter().map(|f| (f.range, f.message.into_owned())).collect()
    }

    fn entity(k: usize, names: &[impl AsRef<str>]) -> crate::document::Document {
        let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
        let name = serde_json::to_string(&names[0]).unwrap();
        let aliases = serde_json::to_string(&names[1..]).unwrap();
        let text = format!("---\nkind: person\nname: {name}\naliases: {aliases}\n---\n");
        crate::document::Document::new(format!("e{k}"), format!("entities/e{k}.md"), DocumentKind::Entity, text)
    }

    /// Entities `e0`, `e1`, … with these names (the first each one's name, the rest its
    /// aliases), then the article `a` with this body: `unannotated_of` judges the last.
    fn entities_and_article<N: AsRef<str>>(entities: &[impl AsRef<[N]>], body: &str) -> Vec<crate::document::Document> {
        let mut documents: Vec<_> = entities
            .iter()
            .enumerate()
            .map(|(k, names)| entity(k, names.as_ref()))
            .collect();
        documents.push(crate::document::Document::new(
            "a".into(),
            "articles/a.md".into(),
            DocumentKind::Article,
            format!("---\ntitle: T\n---\n{body}\n"),
        ));
        documents
    }

    /// A name inside a mention of its entity is covered however many other mentions of that
    /// entity start between the two (the cover was once sought among the last four only).
    #[test]
    fn a_name_is_covered_by_an_enclosing_mention_past_many_inner_ones() {
        let documents = |body: &str| entities_and_article(&[["Ann Vale"]], body);
        let inner = "[she]{e=e0} ".repeat(6);
        let covered = format!("[{inner}said Ann Vale]{{e=e0}}");
        assert_eq!(unannotated_of(documents(&covered), true), []);
        assert_eq!(unannotated_of(documents(&covered), false), []);
        let outside = format!("{inner}said Ann Vale");
        assert_eq!(unannotated_of(documents(&outside), true).len(), 1);
    }

    /// A name inside a longer unannotated name of the same entity is that name's finding, not
    /// a second one, whichever the search meets first; another entity's name inside it is its own.
    #[test]
    fn a_name_inside_a_longer_name_of_its_entity_is_one_finding() {
        let body = "Ullin Dorpellin spoke; Dorpellin left. Ann Vale came.";
        let texts = |entities: &[&[&str]], skip: bool| -> Vec<String> {
            let documents = entities_and_article(entities, body);
            let found = unannotated_of(documents, skip);
            let head = "---\ntitle: T\n---\n".len();
            let text = |r: &TextRange| body[r.start as usize - head..r.end as usize - head].to_string();
            found.iter().map(|(r, _)| text(r)).collect()
        };
        for skip in [true, false] {
            // The alias inside the name (found after it), and the name's first word (found before it).
            let one: [&[&str]; 2] = [&["Ullin Dorpellin", "Dorpellin"], &["Ann Vale", "Ann"]];
            assert_eq!(texts(&one, skip), ["Ullin Dorpellin", "Dorpellin", "Ann Vale"]);
            // Two entities: each is named, once.
            let two: [&[&str]; 2] = [&["Ullin Dorpellin"], &["Dorpellin"]];
            assert_eq!(texts(&two, skip), ["Ullin Dorpellin", "Dorpellin", "Dorpellin"]);
        }
    }

    /// Both the skip's cases: a mention whose text is its entity's own name is not searched;
    /// one whose text holds another entity's name, or is a name of another entity, is.
    #[test]
    fn a_mention_that_is_its_own_name_hides_only_what_it_covers() {
        let entities: [&[&str]; 3] = [&["Ullin Dorpellin", "Dorpellin"], &["Ann Vale"], &["Vale"]];
        let documents = |body: &str| entities_and_article(&entities, body);
        let body = "[Ullin Dorpellin]{e=e0} met [Ann Vale]{e=e1} and [Ullin Dorpellin]{e=e1}; Vale.";
        let found = unannotated_of(documents(body), true);
        assert_eq!(found, unannotated_of(documents(body), false));
        let head = "---\ntitle: T\n---\n".len();
        let texts: Vec<&str> = found
            .iter()
            .map(|(r, _)| &body[r.start as usize - head..r.end as usize - head])
            .collect();
        // "Vale" in Ann Vale's mention is e2's; the second mention is e1's with e0's name (and
        // its alias "Dorpellin" inside it, which that name's finding covers).
        assert_eq!(texts, ["Vale", "Ullin Dorpellin", "Vale"], "{found:?}");
    }

    proptest! {
        /// Skipping the mentions that are their entity's own name finds exactly what
        /// searching every text finds, on entities whose names share words and articles
        /// whose mentions have names, parts of names and other words as texts.
        #[test]
        fn skipping_own_names_finds_what_the_whole_search_finds(
            entities in proptest::collection::vec(proptest::collection::vec("(Ab|Cd|Ef|Ab Cd|Cd Ef|Ab Cd Ef|Ab.|Ab-Cd|Cd]|Ab ]Cd)", 1..3), 1..5),
            pieces in proptest::collection::vec(("(Ab|Cd|Ef|Ab Cd|Cd Ef|Ab Cd Ef|Ab.|x|Ab-Cd|Ab  Cd|Cd]|Ab ]Cd)", 0usize..6, proptest::bool::ANY), 0..12),
        ) {
            let body: Vec<String> = pieces
                .iter()
                .map(|(text, e, mentioned)| match mentioned {
                    true => format!("[{text}]{{e=e{e}}}"),
                    false => text.clone(),
                })
                .collect();
            let documents = || entities_and_article(&entities, &body.join(" "));
            prop_assert_eq!(unannotated_of(documents(), true), unannotated_of(documents(), false));
        }
    }

    /// Merging two lists, each put in order first if need be, is sorting both together.
    #[test]
    fn exclusions_merged_are_exclusions_sorted() {
        let r = |a: usize, b: usize| TextRange::new(a, b);
        let lists = [
            vec![],
            vec![r(3, 5)],
            vec![r(0, 1), r(3, 4), r(3, 9), r(10, 12)],
            vec![r(8, 9), r(2, 3), r(2, 2)],
            vec![r(3, 5), r(3, 5), r(11, 20)],
        ];
        for a in &lists {
            for b in &lists {
                let mut both = [a.clone(), b.clone()].concat();
                both.sort();
                let (mut a, mut b) = (a.clone(), b.clone());
                put_in_order(&mut a);
                put_in_order(&mut b);
                let mut merged = vec![r(99, 99)];
                merge_into(&a, &b, &mut merged);
                assert_eq!(merged, both);
            }
        }
    }

    #[test]
    fn prose_is_what_lies_between_exclusions() {
        let r = |a: usize, b: usize| TextRange::new(a, b);
        let gaps = |body, ex: &[TextRange]| prose(body, ex).collect::<Vec<_>>();
        assert_eq!(gaps(r(0, 10), &[]), [r(0, 10)]);
        assert_eq!(gaps(r(0, 10), &[r(2, 4), r(3, 6), r(8, 12)]), [r(0, 2), r(6, 8)]);
        assert_eq!(gaps(r(5, 10), &[r(0, 6), r(7, 7)]), [r(6, 7), r(7, 10)]);
        assert_eq!(gaps(r(0, 4), &[r(0, 4)]), Vec::<TextRange>::new());
    }

    /// A name that many entities carry is one finding per place, not one per entity, and a
    /// mention of any of them covers it; with few, each entity not mentioned has its own.
    #[test]
    fn a_name_many_entities_carry_is_one_finding_per_place() {
        use crate::corpus::Corpus;
        use crate::document::Document;
        let findings = |owners: usize| {
            let mut documents: Vec<Document> = (0..owners)
                .map(|k| {
                    let text = format!("---\nkind: person\nname: Person {k}\naliases: [Shared Name]\n---\n");
                    Document::new(format!("p{k}"), format!("entities/p{k}.md"), DocumentKind::Entity, text)
                })
                .collect();
            let body = "---\ntitle: T\npublished: 2022-01-01\n---\nShared Name spoke, and [Shared Name]{e=p1} too.\n";
            documents.push(Document::new(
                "a".into(),
                "articles/a.md".into(),
                DocumentKind::Article,
                body.into(),
            ));
            let corpus = Corpus::from_documents("/nowhere".into(), crate::config::Config::default(), documents);
            let all = corpus.findings();
            let article = all.iter().find(|d| d.document.id == "a").expect("the article");
            article
                .findings
                .iter()
                .filter(|f| f.code == RuleCode::UnannotatedMention)
                .map(|f| (f.range.start, f.message.clone()))
                .collect::<Vec<_>>()
        };
        // 2,000 entities: the unannotated place once, the mentioned one not at all.
        let many = findings(2000);
        assert_eq!(many.len(), 1, "{many:?}");
        assert!(many[0].1.contains("more than 8 entities"), "{}", many[0].1);
        // Three: each entity at the unannotated place, and the two not mentioned at the other.
        let few = findings(3);
        assert_eq!(few.len(), 3 + 2, "{few:?}");
    }
}
