//! Go to definition: an entity reference to the entity's page, a claim reference to
//! the claim, `source=DOC` to the document.

use super::NavigationTarget;
use super::cursor::{self, Item};
use crate::corpus::Corpus;
use crate::slots::DocumentSlot;
use crate::text::TextRange;

pub fn definition(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Option<NavigationTarget> {
    let found = cursor::at(corpus, slot, offset)?;
    match found.item {
        Item::Entity { id } => entity_target(corpus, &id),
        Item::Claim { target: Some(key), .. } => {
            let doc = &corpus.documents[key.document.index()];
            let claim = &doc.claims[key.claim.index()];
            let span = doc.span(claim.span);
            let focus = claim.id.as_ref().map_or(span.text_range(), |i| i.range);
            Some(NavigationTarget {
                document: key.document,
                full_range: span.range,
                focus_range: focus,
            })
        }
        Item::Claim { target: None, .. } | Item::Date { .. } => None,
        Item::Document { id } => document_target(corpus, corpus.index.document(&id)?),
    }
}

/// An entity's page, focused on its name.
pub fn entity_target(corpus: &Corpus, id: &str) -> Option<NavigationTarget> {
    let slot = corpus.index.entity(&corpus.documents, id)?;
    let doc = &corpus.documents[slot.index()];
    let focus = doc
        .entity
        .as_ref()
        .and_then(|e| e.name.as_ref())
        .map_or_else(|| doc.head_range(), |n| n.range);
    Some(NavigationTarget {
        document: slot,
        full_range: TextRange::new(0, doc.text.len()),
        focus_range: focus,
    })
}

/// A document, focused on its first line.
pub fn document_target(corpus: &Corpus, slot: DocumentSlot) -> Option<NavigationTarget> {
    let doc = corpus.documents.get(slot.index())?;
    let focus = doc
        .article
        .as_ref()
        .and_then(|a| a.title.as_ref())
        .map_or_else(|| doc.head_range(), |t| t.range);
    Some(NavigationTarget {
        document: slot,
        full_range: TextRange::new(0, doc.text.len()),
        focus_range: focus,
    })
}
