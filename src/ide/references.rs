//! Find references: every reference to an entity, a claim or a document across the
//! corpus, opened or not, optionally with the declaration.

use super::cursor::{self, Item};
use super::definition;
use crate::corpus::Corpus;
use crate::index::Location;
use crate::slots::DocumentSlot;

pub fn references(corpus: &Corpus, slot: DocumentSlot, offset: usize, include_declaration: bool) -> Vec<Location> {
    let Some(found) = cursor::at(corpus, slot, offset) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match found.item {
        Item::Entity { id } => {
            if include_declaration && let Some(t) = definition::entity_target(corpus, &id) {
                out.push(Location {
                    document: t.document,
                    range: t.focus_range,
                });
            }
            out.extend(
                corpus
                    .index
                    .references_to_entity(&corpus.documents, &id)
                    .map(|(document, range, _)| Location { document, range }),
            );
        }
        Item::Claim { target: Some(key), .. } => {
            let doc = &corpus.documents[key.document.index()];
            let claim = &doc.claims[key.claim.index()];
            if let Some(id) = &claim.id {
                if include_declaration {
                    out.push(Location {
                        document: key.document,
                        range: id.range,
                    });
                }
                out.extend(
                    corpus
                        .index
                        .references_to_claim(&doc.id, &id.value)
                        .map(|(document, link)| Location {
                            document,
                            range: link.range,
                        }),
                );
                out.extend(
                    corpus
                        .index
                        .sources_naming(&doc.id)
                        .filter(|(_, link)| link.target_claim.as_deref() == Some(id.value.as_str()))
                        .map(|(document, link)| Location {
                            document,
                            range: link.range,
                        }),
                );
            }
        }
        Item::Document { id } => {
            if let (true, Some(target)) = (
                include_declaration,
                corpus
                    .index
                    .document(&id)
                    .and_then(|s| definition::document_target(corpus, s)),
            ) {
                out.push(Location {
                    document: target.document,
                    range: target.focus_range,
                });
            }
            out.extend(corpus.index.sources_naming(&id).map(|(document, link)| Location {
                document,
                range: link.range,
            }));
        }
        Item::Claim { target: None, .. } | Item::Date { .. } => {}
    }
    out.sort();
    out.dedup();
    out
}
