//! The corpus as a graph in the editor's hierarchy views: the thread of a claim as a call
//! hierarchy (`callHierarchy/*`), and who belongs to whom as a type hierarchy
//! (`typeHierarchy/*`). Items go to the client and come back; the handlers find them again
//! from their URI, their focus and (for claims) their id in `data`.

use super::document;
use crate::ide::claim_hierarchy::{self, ClaimCall, ClaimItem};
use crate::ide::entity_hierarchy::{self, EntityItem};
use crate::index::ClaimKey;
use crate::lsp::convert;
use crate::lsp::global_state::Analysis;
use crate::slots::DocumentSlot;
use crate::text::TextRange;
use serde_json::json;
use tower_lsp_server::ls_types::*;

/// Two of a document's ranges in LSP terms.
fn ranges(
    ws: &Analysis,
    k: usize,
    slot: DocumentSlot,
    range: TextRange,
    focus: TextRange,
) -> Option<(Uri, Range, Range)> {
    let c = &ws.corpora[k];
    if !c.corpus.is_live(slot) {
        return None;
    }
    let doc = &c.corpus.documents[slot.index()];
    let enc = ws.encoding();
    Some((
        c.uri(slot)?,
        convert::range(&doc.text, &doc.lines, range, enc),
        convert::range(&doc.text, &doc.lines, focus, enc),
    ))
}

fn call_item(ws: &Analysis, k: usize, item: ClaimItem) -> Option<CallHierarchyItem> {
    let (uri, range, selection_range) = ranges(ws, k, item.claim.document, item.range, item.focus)?;
    Some(CallHierarchyItem {
        name: item.name,
        kind: SymbolKind::EVENT,
        tags: None,
        detail: Some(item.detail),
        uri,
        range,
        selection_range,
        data: item.id.map(|id| json!({ "claim": id })),
    })
}

/// The claim a call hierarchy item stands for.
fn claim_of(ws: &Analysis, item: &CallHierarchyItem) -> Option<(usize, ClaimKey)> {
    let (k, slot, doc) = document(ws, &item.uri)?;
    let focus = convert::offset(&doc.text, &doc.lines, item.selection_range.start, ws.encoding());
    let id = item.data.as_ref().and_then(|d| d["claim"].as_str());
    Some((k, claim_hierarchy::resolve(&ws.corpora[k].corpus, slot, id, focus)?))
}

/// The ranges of a call's relation attributes, in the calling claim's document.
fn from_ranges(ws: &Analysis, k: usize, caller: DocumentSlot, call: &ClaimCall) -> Vec<Range> {
    let doc = &ws.corpora[k].corpus.documents[caller.index()];
    call.ranges
        .iter()
        .map(|r| convert::range(&doc.text, &doc.lines, *r, ws.encoding()))
        .collect()
}

pub fn prepare_call_hierarchy(ws: &Analysis, p: TextDocumentPositionParams) -> Option<Vec<CallHierarchyItem>> {
    let (k, slot, _, offset) = super::at(ws, &p.text_document.uri, p.position)?;
    let item = claim_hierarchy::prepare(&ws.corpora[k].corpus, slot, offset)?;
    Some(vec![call_item(ws, k, item)?])
}

pub fn incoming_calls(ws: &Analysis, item: &CallHierarchyItem) -> Option<Vec<CallHierarchyIncomingCall>> {
    let (k, key) = claim_of(ws, item)?;
    let calls = claim_hierarchy::incoming(&ws.corpora[k].corpus, key);
    Some(
        calls
            .into_iter()
            .filter_map(|call| {
                let caller = call.item.claim.document;
                let from_ranges = from_ranges(ws, k, caller, &call);
                Some(CallHierarchyIncomingCall {
                    from: call_item(ws, k, call.item)?,
                    from_ranges,
                })
            })
            .collect(),
    )
}

pub fn outgoing_calls(ws: &Analysis, item: &CallHierarchyItem) -> Option<Vec<CallHierarchyOutgoingCall>> {
    let (k, key) = claim_of(ws, item)?;
    let calls = claim_hierarchy::outgoing(&ws.corpora[k].corpus, key);
    Some(
        calls
            .into_iter()
            .filter_map(|call| {
                // The caller is the item asked about: the ranges are in its document.
                let from_ranges = from_ranges(ws, k, key.document, &call);
                Some(CallHierarchyOutgoingCall {
                    to: call_item(ws, k, call.item)?,
                    from_ranges,
                })
            })
            .collect(),
    )
}

fn type_item(ws: &Analysis, k: usize, item: EntityItem) -> Option<TypeHierarchyItem> {
    let (uri, range, selection_range) = ranges(ws, k, item.document, item.range, item.focus)?;
    Some(TypeHierarchyItem {
        name: item.name,
        kind: SymbolKind::CLASS,
        tags: None,
        detail: Some(item.detail),
        uri,
        range,
        selection_range,
        data: None,
    })
}

/// The entity page a type hierarchy item stands for.
fn entity_of(ws: &Analysis, item: &TypeHierarchyItem) -> Option<(usize, DocumentSlot)> {
    let (k, slot, doc) = document(ws, &item.uri)?;
    doc.entity.is_some().then_some((k, slot))
}

pub fn prepare_type_hierarchy(ws: &Analysis, p: TextDocumentPositionParams) -> Option<Vec<TypeHierarchyItem>> {
    let (k, slot, _, offset) = super::at(ws, &p.text_document.uri, p.position)?;
    let item = entity_hierarchy::prepare(&ws.corpora[k].corpus, slot, offset)?;
    Some(vec![type_item(ws, k, item)?])
}

pub fn supertypes(ws: &Analysis, item: &TypeHierarchyItem) -> Option<Vec<TypeHierarchyItem>> {
    let (k, page) = entity_of(ws, item)?;
    let found = entity_hierarchy::supertypes(&ws.corpora[k].corpus, page);
    Some(found.into_iter().filter_map(|i| type_item(ws, k, i)).collect())
}

pub fn subtypes(ws: &Analysis, item: &TypeHierarchyItem) -> Option<Vec<TypeHierarchyItem>> {
    let (k, page) = entity_of(ws, item)?;
    let found = entity_hierarchy::subtypes(&ws.corpora[k].corpus, page);
    Some(found.into_iter().filter_map(|i| type_item(ws, k, i)).collect())
}
