//! Views over annotations that editors draw inline: inlay hints (the entity's name after an
//! id, the target claim's first words after a reference), code lenses (how a claim is
//! answered, repeated, contradicted, supported; how often an entity is mentioned), folding
//! ranges and document links.

use super::hover::entity_name;
use super::plain::{first_words, plain_text};
use crate::corpus::Corpus;
use crate::document::{EntityRefSite, RelationKind, Source};
use crate::index::Location;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    pub is_entity: bool,
}

pub fn inlay_hints(corpus: &Corpus, slot: u32, range: TextRange, entities: bool, claims: bool) -> Vec<InlayHint> {
    let Some(doc) = corpus.documents.get(slot as usize) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if entities {
        for r in &doc.entity_refs {
            // Front matter ids and speakers and mentions alike; not in the id's own range.
            if !range.contains_range(r.range) && !range.touches(r.range.start as usize) {
                continue;
            }
            if corpus.index.entity(&corpus.documents, &r.id).is_some() {
                out.push(InlayHint {
                    offset: r.range.end as usize,
                    label: format!(": {}", entity_name(corpus, &r.id)),
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
                    let tdoc = &corpus.documents[target.document as usize];
                    let text = plain_text(tdoc, tdoc.span(tdoc.claims[target.claim as usize].span).text_range);
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    pub range: TextRange,
    pub title: String,
    /// Where a click leads: the referring places.
    pub locations: Vec<Location>,
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn code_lenses(corpus: &Corpus, slot: u32) -> Vec<CodeLens> {
    let Some(doc) = corpus.documents.get(slot as usize) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for claim in &doc.claims {
        let Some(id) = &claim.id else { continue };
        let mut by_kind = [0usize; 4];
        let mut locations = Vec::new();
        for (from, link) in corpus.index.references_to_claim(&doc.id, &id.value) {
            let k = RelationKind::ALL.iter().position(|r| *r == link.kind).unwrap_or(0);
            by_kind[k] += 1;
            let from_doc = &corpus.documents[from as usize];
            let claim_range = from_doc
                .claims
                .get(link.claim as usize)
                .map_or(link.range, |c| from_doc.span(c.span).range);
            locations.push(Location {
                document: from,
                range: claim_range,
            });
        }
        let title = format!(
            "{} · {} · {} · {}",
            count(by_kind[0], "reply", "replies"),
            count(by_kind[1], "repeat", "repeats"),
            count(by_kind[2], "contradiction", "contradictions"),
            count(by_kind[3], "support", "supports"),
        );
        out.push(CodeLens {
            range: doc.span(claim.span).range,
            title,
            locations,
        });
    }
    if doc.entity.is_some() {
        let (mut mentions, mut claims) = (0, 0);
        let mut locations = Vec::new();
        for (from, range, site) in corpus.index.references_to_entity(&doc.id) {
            match site {
                EntityRefSite::Mention(_) => mentions += 1,
                EntityRefSite::Speaker(_) => claims += 1,
                _ => {}
            }
            locations.push(Location { document: from, range });
        }
        out.push(CodeLens {
            range: doc.head_range(),
            title: format!(
                "{} · {}",
                count(mentions, "mention", "mentions"),
                count(claims, "claim", "claims")
            ),
            locations,
        });
    }
    out
}

/// Ranges worth folding: the front matter, and claims or attribute blocks over several lines.
pub fn folding_ranges(corpus: &Corpus, slot: u32) -> Vec<TextRange> {
    let Some(doc) = corpus.documents.get(slot as usize) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let crate::syntax::Head::FrontMatter(fm) = &doc.syntax.head {
        out.push(fm.range);
    }
    for claim in &doc.claims {
        let span = doc.span(claim.span);
        out.push(span.range);
        out.push(span.attributes_range);
    }
    let multi_line = |r: &TextRange| doc.lines.line_of(r.start as usize) < doc.lines.line_of(r.end as usize);
    out.retain(multi_line);
    out
}

/// Addresses worth opening: `source="https://…"`, the article's `url`, an entity's Wikidata item.
pub fn document_links(corpus: &Corpus, slot: u32) -> Vec<(TextRange, String)> {
    let Some(doc) = corpus.documents.get(slot as usize) else {
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
