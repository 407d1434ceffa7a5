//! The request handlers, by area. Each is a plain function over a snapshot of the analysis:
//! it converts positions at the edge (`convert`), asks the core (`ide`), and converts the
//! answer back (`to_proto`). None of them knows about locks, threads or the transport.

pub mod code_lens;
pub mod diagnostics;
pub mod editing;
pub mod file_operations;
pub mod hierarchy;
pub mod navigation;
pub mod view;

use super::convert;
use super::global_state::Analysis;
use crate::document::Document;
use crate::slots::DocumentSlot;
use tower_lsp_server::ls_types::{Position, Uri};

/// The document at `uri`: its corpus, its slot and the document itself.
pub fn document<'a>(ws: &'a Analysis, uri: &Uri) -> Option<(usize, DocumentSlot, &'a Document)> {
    let (k, slot) = ws.locate(uri)?;
    Some((k, slot, &ws.corpora[k].corpus.documents[slot.index()]))
}

/// The document at `uri` and the byte offset of `pos` in it.
pub fn at<'a>(ws: &'a Analysis, uri: &Uri, pos: Position) -> Option<(usize, DocumentSlot, &'a Document, usize)> {
    let (k, slot, doc) = document(ws, uri)?;
    let offset = convert::offset(&doc.text, &doc.lines, pos, ws.encoding());
    Some((k, slot, doc, offset))
}
