//! Views over annotations that editors draw inline: inlay hints (the entity's name after an
//! id, the target claim's first words after a reference), code lenses (how a claim is
//! answered, repeated, contradicted, supported; how often an entity is mentioned), folding
//! ranges and document links.

use super::hover::entity_name;
use super::plain::{first_words, plain_text};
use crate::corpus::Corpus;
use crate::document::{EntityRefSite, RelationKind, Source};
use crate::index::Location;
use crate::slots::{ClaimIndex, DocumentSlot};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    pub is_entity: bool,
}

pub fn inlay_hints(
    corpus: &Corpus,
    slot: DocumentSlot,
    range: TextRange,
    entities: bool,
    claims: bool,
) -> Vec<InlayHint> {
    let Some(doc) = corpus.documents.get(slot.index()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if entities {
        for (id, r) in doc.entity_refs_with_ids() {
            // Front matter ids and speakers and mentions alike; not in the id's own range.
            if !range.contains_range(r.range) && !range.touches(r.range.start as usize) {
                continue;
            }
            if corpus.index.entity(&corpus.documents, id).is_some() {
                out.push(InlayHint {
                    offset: r.range.end as usize,
                    label: format!(": {}", entity_name(corpus, id)),
                    is_entity: true,
                });
            }
        }
    }
    if claims {
        for claim in &doc.claims {
            for relation in &claim.relations {
                if !range.touches(relation.target.range.start as usize) {
                    continue;
                }
                if let Some(target) = corpus.index.resolve_claim(&corpus.documents, slot, &relation.target) {
                    let tdoc = &corpus.documents[target.document.index()];
                    let text = plain_text(tdoc, tdoc.span(tdoc.claims[target.claim.index()].span).text_range());
                    out.push(InlayHint {
                        offset: relation.target.range.end as usize,
                        label: format!(": {}", first_words(&text, 5)),
                        is_entity: false,
                    });
                }
            }
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

/// A count of what points at a claim or an entity, shown above it. The places it counts
/// are listed by `lens_locations`, only when someone asks: an entity with 100,000 mentions
/// would otherwise carry megabytes of locations in every answer.
pub struct CodeLens {
    pub range: TextRange,
    pub title: String,
    pub target: LensTarget,
}

/// What a lens counts the references to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LensTarget {
    /// Claim `k` of the document.
    Claim(ClaimIndex),
    /// The document's entity.
    Entity,
}

/// "2 replies · 1 repeat": the non-zero counts only.
fn counts(parts: &[(usize, &str, &str)]) -> Option<String> {
    let shown: Vec<String> = parts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|&(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
    (!shown.is_empty()).then(|| shown.join(" · "))
}

/// Lenses of document `slot`: one per claim that something replies to, repeats, supports
/// or contradicts, and one on an entity page that is mentioned or speaks. None where there
/// is nothing to count.
pub fn code_lenses(corpus: &Corpus, slot: DocumentSlot) -> Vec<CodeLens> {
    let Some(doc) = corpus.documents.get(slot.index()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, claim) in doc.claims.iter().enumerate() {
        let Some(id) = &claim.id else { continue };
        let mut by_kind = [0usize; 4];
        for (_, link) in corpus.index.references_to_claim(&doc.id, &id.value) {
            let k = RelationKind::ALL.iter().position(|r| *r == link.kind).unwrap_or(0);
            by_kind[k] += 1;
        }
        let title = counts(&[
            (by_kind[0], "reply", "replies"),
            (by_kind[1], "repeat", "repeats"),
            (by_kind[2], "contradiction", "contradictions"),
            (by_kind[3], "support", "supports"),
        ]);
        if let Some(title) = title {
            out.push(CodeLens {
                range: doc.span(claim.span).range,
                title,
                target: LensTarget::Claim(ClaimIndex::new(k)),
            });
        }
    }
    if doc.entity.is_some() {
        let (mut mentions, mut claims) = (0, 0);
        for (_, site) in corpus.index.entity_reference_sites(&doc.id) {
            match site {
                EntityRefSite::Mention(_) => mentions += 1,
                EntityRefSite::Speaker(_) => claims += 1,
                _ => {}
            }
        }
        if let Some(title) = counts(&[(mentions, "mention", "mentions"), (claims, "claim", "claims")]) {
            out.push(CodeLens {
                range: doc.head_range(),
                title,
                target: LensTarget::Entity,
            });
        }
    }
    out
}

/// The places a lens of document `slot` counts: the referring claims, or every reference
/// to the entity.
pub fn lens_locations(corpus: &Corpus, slot: DocumentSlot, target: LensTarget) -> Vec<Location> {
    let Some(doc) = corpus.documents.get(slot.index()) else {
        return Vec::new();
    };
    match target {
        LensTarget::Claim(k) => {
            let Some(id) = doc.claims.get(k.index()).and_then(|c| c.id.as_ref()) else {
                return Vec::new();
            };
            corpus
                .index
                .references_to_claim(&doc.id, &id.value)
                .map(|(from, link)| {
                    let from_doc = &corpus.documents[from.index()];
                    let range = from_doc
                        .claims
                        .get(link.claim.index())
                        .map_or(link.range, |c| from_doc.span(c.span).range);
                    Location { document: from, range }
                })
                .collect()
        }
        LensTarget::Entity if doc.entity.is_some() => corpus
            .index
            .references_to_entity(&corpus.documents, &doc.id)
            .map(|(from, range, _)| Location { document: from, range })
            .collect(),
        LensTarget::Entity => Vec::new(),
    }
}

/// Ranges worth folding: the front matter, and claims or attribute blocks over several lines.
pub fn folding_ranges(corpus: &Corpus, slot: DocumentSlot) -> Vec<TextRange> {
    let Some(doc) = corpus.documents.get(slot.index()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let crate::syntax::Head::FrontMatter(fm) = &doc.syntax.head {
        out.push(fm.range);
    }
    for claim in &doc.claims {
        let span = doc.span(claim.span);
        out.push(span.range);
        out.push(span.attributes_range());
    }
    let multi_line = |r: &TextRange| doc.lines.line_of(r.start as usize) < doc.lines.line_of(r.end as usize);
    out.retain(multi_line);
    out
}

/// Addresses worth opening: `source="https://…"`, the article's `url`, an entity's Wikidata item.
pub fn document_links(corpus: &Corpus, slot: DocumentSlot) -> Vec<(TextRange, String)> {
    let Some(doc) = corpus.documents.get(slot.index()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for claim in &doc.claims {
        if let Some(Source::Address(a)) = claim.source.as_deref()
            && (a.value.starts_with("http://") || a.value.starts_with("https://"))
        {
            out.push((a.range, a.value.clone()));
        }
    }
    if let Some(url) = doc.article.as_ref().and_then(|a| a.url.as_ref())
        && (url.value.starts_with("http://") || url.value.starts_with("https://"))
    {
        out.push((url.range, url.value.clone()));
    }
    if let Some(q) = doc.entity.as_ref().and_then(|e| e.wikidata.as_ref()) {
        out.push((q.range, format!("https://www.wikidata.org/wiki/{}", q.value)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A lens's target goes to the client in its data and comes back as it always was.
    #[test]
    fn a_lens_target_keeps_its_wire_form() {
        let claim = LensTarget::Claim(ClaimIndex::new(3));
        assert_eq!(serde_json::to_value(claim).unwrap(), json!({ "claim": 3 }));
        assert_eq!(serde_json::to_value(LensTarget::Entity).unwrap(), json!("entity"));
        assert_eq!(
            serde_json::from_value::<LensTarget>(json!({ "claim": 3 })).unwrap(),
            claim
        );
        assert_eq!(
            serde_json::from_value::<LensTarget>(json!("entity")).unwrap(),
            LensTarget::Entity
        );
    }
}
