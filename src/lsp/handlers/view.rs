//! How a document looks in the editor: semantic tokens, inlay hints, folding and links.

use super::document;
use crate::ide;
use crate::lsp::capabilities::Settings;
use crate::lsp::convert;
use crate::lsp::global_state::Analysis;
use crate::lsp::to_proto;
use tower_lsp_server::ls_types::*;

pub fn semantic_tokens(ws: &Analysis, uri: &Uri, within: Option<Range>) -> Option<SemanticTokens> {
    let (_, _, doc) = document(ws, uri)?;
    let within = within.map(|r| convert::text_range(&doc.text, &doc.lines, r, ws.encoding()));
    let data = to_proto::encode_tokens(doc, &ide::highlight::tokens(doc), within, ws.encoding());
    Some(SemanticTokens { result_id: None, data })
}

pub fn inlay_hints(ws: &Analysis, params: InlayHintParams, settings: Settings) -> Option<Vec<InlayHint>> {
    let (k, slot, doc) = document(ws, &params.text_document.uri)?;
    let range = convert::text_range(&doc.text, &doc.lines, params.range, ws.encoding());
    let hints = ide::annotations_view::inlay_hints(
        &ws.corpora[k].corpus,
        slot,
        range,
        settings.entity_hints,
        settings.claim_hints,
    );
    Some(
        hints
            .into_iter()
            .map(|h| InlayHint {
                position: convert::position(&doc.text, &doc.lines, h.offset, ws.encoding()),
                label: InlayHintLabel::String(h.label),
                kind: Some(if h.is_entity {
                    InlayHintKind::TYPE
                } else {
                    InlayHintKind::PARAMETER
                }),
                text_edits: None,
                tooltip: None,
                padding_left: Some(false),
                padding_right: Some(false),
                data: None,
            })
            .collect(),
    )
}

pub fn folding_ranges(ws: &Analysis, uri: &Uri) -> Option<Vec<FoldingRange>> {
    let (k, slot, doc) = document(ws, uri)?;
    let mut ranges: Vec<FoldingRange> = ide::annotations_view::folding_ranges(&ws.corpora[k].corpus, slot)
        .into_iter()
        .map(|r| FoldingRange {
            start_line: doc.lines.line_of(r.start as usize) as u32,
            end_line: doc.lines.line_of(r.end as usize) as u32,
            kind: Some(FoldingRangeKind::Region),
            ..Default::default()
        })
        .collect();
    ranges.sort_by_key(|r| (r.start_line, r.end_line));
    ranges.dedup_by_key(|r| (r.start_line, r.end_line));
    Some(ranges)
}

pub fn document_links(ws: &Analysis, uri: &Uri) -> Option<Vec<DocumentLink>> {
    let (k, slot, doc) = document(ws, uri)?;
    Some(
        ide::annotations_view::document_links(&ws.corpora[k].corpus, slot)
            .into_iter()
            .map(|(range, url)| DocumentLink {
                range: convert::range(&doc.text, &doc.lines, range, ws.encoding()),
                target: url.parse().ok(),
                tooltip: None,
                data: None,
            })
            .collect(),
    )
}

/// `annals/render`'s params: the document to render.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderParams {
    pub text_document: TextDocumentIdentifier,
}

/// `annals/render`'s result: the page of the document, from its current text.
#[derive(Debug, serde::Serialize)]
pub struct RenderResult {
    pub html: String,
}

/// The reading view of one document (`annals site`'s page of it), for the editor's preview.
pub fn render(ws: &Analysis, uri: &Uri) -> Option<RenderResult> {
    let (k, slot) = ws.locate(uri)?;
    let c = &ws.corpora[k];
    if !c.corpus.is_live(slot) {
        return None;
    }
    let uri = |s| c.uri_ref(s).map(|u| u.as_str().to_string()).unwrap_or_default();
    Some(RenderResult {
        html: crate::site::render_document(&c.corpus, slot, uri),
    })
}
