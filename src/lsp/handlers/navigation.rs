//! Moving through the corpus: hover, definition, references, rename and symbols.

use super::{at, document};
use crate::ide;
use crate::lsp::convert;
use crate::lsp::dispatch::{Cancel, Cancelled};
use crate::lsp::global_state::Analysis;
use crate::lsp::large_answer::{self, LargeAnswers, Prepared};
use crate::lsp::to_proto::{self, Locations};
use tower_lsp_server::ls_types::*;

pub fn hover(ws: &Analysis, p: TextDocumentPositionParams) -> Option<Hover> {
    let (k, slot, doc, offset) = at(ws, &p.text_document.uri, p.position)?;
    // A place in the corpus as a link editors open: `file:///…#L12,5` (VS Code reads the line
    // and column from the fragment).
    let links = |target: crate::slots::DocumentSlot, range: crate::text::TextRange| {
        let c = &ws.corpora[k];
        let uri = c.uri_ref(target)?;
        let target_doc = c.corpus.documents.get(target.index())?;
        let at = convert::position(&target_doc.text, &target_doc.lines, range.start as usize, ws.encoding());
        Some(format!("{}#L{},{}", uri.as_str(), at.line + 1, at.character + 1))
    };
    let h = ide::hover::hover_with_links(&ws.corpora[k].corpus, slot, offset, &links)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(convert::range(&doc.text, &doc.lines, h.range, ws.encoding())),
    })
}

pub fn definition(ws: &Analysis, p: TextDocumentPositionParams) -> Option<GotoDefinitionResponse> {
    let (k, slot, _, offset) = at(ws, &p.text_document.uri, p.position)?;
    let target = ide::definition::definition(&ws.corpora[k].corpus, slot, offset)?;
    to_proto::location(ws, k, target.document, target.focus_range).map(GotoDefinitionResponse::Scalar)
}

/// `None` only when the document is in no corpus; no location found is an empty list.
pub fn references(
    ws: &Analysis,
    params: ReferenceParams,
    large: Option<&LargeAnswers>,
    cancel: &Cancel,
) -> Result<Option<Prepared<Locations>>, Cancelled> {
    let p = params.text_document_position;
    let Some((k, slot, _, offset)) = at(ws, &p.text_document.uri, p.position) else {
        return Ok(None);
    };
    let include = params.context.include_declaration;
    let found = ide::references::references(&ws.corpora[k].corpus, slot, offset, include);
    cancel.check()?;
    let found = to_proto::locations(ws, k, found.into_iter().map(|l| (l.document, l.range)), cancel)?;
    cancel.check()?;
    let hint = found.size_hint();
    Ok(Some(large_answer::prepare(large, found, hint)))
}

pub fn prepare_rename(ws: &Analysis, p: TextDocumentPositionParams) -> Result<PrepareRenameResponse, String> {
    let (k, slot, doc, offset) =
        at(ws, &p.text_document.uri, p.position).ok_or("this document is not part of a corpus")?;
    let (range, placeholder) = ide::rename::prepare(&ws.corpora[k].corpus, slot, offset)?;
    Ok(PrepareRenameResponse::RangeWithPlaceholder {
        range: convert::range(&doc.text, &doc.lines, range, ws.encoding()),
        placeholder,
    })
}

pub fn rename(
    ws: &Analysis,
    params: RenameParams,
    large: Option<&LargeAnswers>,
    cancel: &Cancel,
) -> Result<Result<Prepared<WorkspaceEdit>, String>, Cancelled> {
    let p = params.text_document_position;
    let Some((k, slot, _, offset)) = at(ws, &p.text_document.uri, p.position) else {
        return Ok(Err("this document is not part of a corpus".to_string()));
    };
    let change = match ide::rename::rename(&ws.corpora[k].corpus, slot, offset, &params.new_name) {
        Ok(change) => change,
        Err(e) => return Ok(Err(e)),
    };
    cancel.check()?;
    let Some(edit) = to_proto::workspace_edit(ws, k, change) else {
        return Ok(Err("the rename could not be expressed as an edit".to_string()));
    };
    cancel.check()?;
    let hint = to_proto::workspace_edit_size_hint(&edit);
    Ok(Ok(large_answer::prepare(large, edit, hint)))
}

pub fn document_symbols(ws: &Analysis, uri: &Uri) -> Option<DocumentSymbolResponse> {
    let (_, _, doc) = document(ws, uri)?;
    let symbols = ide::symbols::document_symbols(doc);
    Some(DocumentSymbolResponse::Nested(
        symbols
            .into_iter()
            .map(|s| to_proto::document_symbol(doc, s, ws.encoding()))
            .collect(),
    ))
}

/// The best 256 symbols of every corpus for `query`.
pub fn workspace_symbols(
    ws: &Analysis,
    query: &str,
    cancel: &Cancel,
) -> Result<Option<WorkspaceSymbolResponse>, Cancelled> {
    let mut found = Vec::new();
    for (k, c) in ws.corpora.iter().enumerate() {
        cancel.check()?;
        for s in ide::symbols::workspace_symbols(&c.corpus, query, 256) {
            let Some(location) = to_proto::location(ws, k, s.document, s.range) else {
                continue;
            };
            found.push((
                s.score,
                WorkspaceSymbol {
                    name: s.name,
                    kind: to_proto::workspace_symbol_kind(s.kind),
                    tags: None,
                    container_name: s.container,
                    location: OneOf::Left(location),
                    data: None,
                },
            ));
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    Ok(Some(WorkspaceSymbolResponse::Nested(
        found.into_iter().map(|(_, s)| s).take(256).collect(),
    )))
}

/// Every occurrence in the document of what the cursor is on.
pub fn document_highlight(ws: &Analysis, p: TextDocumentPositionParams) -> Option<Vec<DocumentHighlight>> {
    let (k, slot, doc, offset) = at(ws, &p.text_document.uri, p.position)?;
    use ide::highlight_related::HighlightKind as K;
    let found = ide::highlight_related::highlight_related(&ws.corpora[k].corpus, slot, offset);
    Some(
        found
            .into_iter()
            .map(|h| DocumentHighlight {
                range: convert::range(&doc.text, &doc.lines, h.range, ws.encoding()),
                kind: Some(match h.kind {
                    K::Text => DocumentHighlightKind::TEXT,
                    K::Read => DocumentHighlightKind::READ,
                    K::Write => DocumentHighlightKind::WRITE,
                }),
            })
            .collect(),
    )
}

/// One chain of ranges per position, innermost first, each the parent of the one before.
pub fn selection_ranges(ws: &Analysis, params: SelectionRangeParams) -> Option<Vec<SelectionRange>> {
    let (_, _, doc) = document(ws, &params.text_document.uri)?;
    let enc = ws.encoding();
    let offsets: Vec<usize> = params
        .positions
        .iter()
        .map(|p| convert::offset(&doc.text, &doc.lines, *p, enc))
        .collect();
    let chains = ide::selection::selection_ranges(doc, &offsets);
    Some(
        chains
            .into_iter()
            .map(|chain| {
                let mut outer: Option<SelectionRange> = None;
                for range in chain.into_iter().rev() {
                    outer = Some(SelectionRange {
                        range: convert::range(&doc.text, &doc.lines, range, enc),
                        parent: outer.map(Box::new),
                    });
                }
                // A chain always ends with the whole document; an empty text still has its start.
                outer.unwrap_or(SelectionRange {
                    range: Range::default(),
                    parent: None,
                })
            })
            .collect(),
    )
}
