//! Conversions of the assist features' core results into LSP values.

use super::convert::{self, Encoding};
use super::state::Workspace;
use crate::ide::SourceChange;
use crate::ide::highlight::TokenKind;
use crate::ide::symbols::{Symbol, SymbolKind as CoreKind};
use crate::text::TextRange;
use std::collections::HashMap;
use tower_lsp_server::ls_types::*;

/// The semantic token legend: our kinds mapped onto standard types, so every theme colours them.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TokenKind::ALL.iter().map(|k| token_type(*k)).collect(),
        token_modifiers: Vec::new(),
    }
}

fn token_type(kind: TokenKind) -> SemanticTokenType {
    match kind {
        TokenKind::MentionText => SemanticTokenType::VARIABLE,
        TokenKind::ClaimText => SemanticTokenType::STRING,
        TokenKind::AttributeKey => SemanticTokenType::PROPERTY,
        TokenKind::Id => SemanticTokenType::ENUM_MEMBER,
        TokenKind::EntityReference => SemanticTokenType::CLASS,
        TokenKind::ClaimReference => SemanticTokenType::EVENT,
        TokenKind::Date => SemanticTokenType::NUMBER,
        TokenKind::Class => SemanticTokenType::KEYWORD,
    }
}

/// Encodes tokens relative to each other, one per line piece (clients need not support
/// multi-line tokens), keeping those that touch `within`.
pub fn encode_tokens(
    doc: &crate::document::Document,
    tokens: &[(TextRange, TokenKind)],
    within: Option<TextRange>,
    enc: Encoding,
) -> Vec<SemanticToken> {
    let mut out = Vec::new();
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for (range, kind) in tokens {
        if within.is_some_and(|w| range.end < w.start || range.start > w.end) {
            continue;
        }
        let type_index = TokenKind::ALL.iter().position(|k| k == kind).unwrap_or(0) as u32;
        let first = doc.lines.line_of(range.start as usize);
        let last = doc.lines.line_of(range.end as usize);
        for line in first..=last {
            let content = doc.lines.line_range(&doc.text, line);
            let start = (range.start.max(content.start)) as usize;
            let end = (range.end.min(content.end)) as usize;
            if start >= end {
                continue;
            }
            let a = convert::position(&doc.text, &doc.lines, start, enc);
            let b = convert::position(&doc.text, &doc.lines, end, enc);
            let delta_line = a.line - prev_line;
            let delta_start = if delta_line == 0 {
                a.character - prev_start
            } else {
                a.character
            };
            out.push(SemanticToken {
                delta_line,
                delta_start,
                length: b.character - a.character,
                token_type: type_index,
                token_modifiers_bitset: 0,
            });
            prev_line = a.line;
            prev_start = a.character;
        }
    }
    out
}

fn symbol_kind(kind: CoreKind) -> SymbolKind {
    match kind {
        CoreKind::Heading => SymbolKind::NAMESPACE,
        CoreKind::Claim => SymbolKind::EVENT,
        CoreKind::Mention => SymbolKind::OBJECT,
        CoreKind::Entity => SymbolKind::CLASS,
        CoreKind::Document => SymbolKind::FILE,
    }
}

pub fn workspace_symbol_kind(kind: CoreKind) -> SymbolKind {
    symbol_kind(kind)
}

#[allow(deprecated)]
pub fn document_symbol(doc: &crate::document::Document, s: Symbol, enc: Encoding) -> DocumentSymbol {
    DocumentSymbol {
        name: if s.name.is_empty() { "(empty)".into() } else { s.name },
        detail: s.detail,
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: convert::range(&doc.text, &doc.lines, s.range, enc),
        selection_range: convert::range(&doc.text, &doc.lines, s.selection, enc),
        children: Some(s.children.into_iter().map(|c| document_symbol(doc, c, enc)).collect()),
    }
}

/// About the bytes of an edit's JSON (for `large_answer`): a text edit's range and keys are
/// about 80 bytes besides its text.
pub fn workspace_edit_size_hint(edit: &WorkspaceEdit) -> usize {
    let text_edit = |e: &TextEdit| 80 + e.new_text.len();
    let edits = |edits: &[TextEdit]| edits.iter().map(text_edit).sum::<usize>();
    let changes: usize = edit
        .changes
        .iter()
        .flatten()
        .map(|(uri, e)| uri.as_str().len() + 8 + edits(e))
        .sum();
    let operations: usize = match &edit.document_changes {
        Some(DocumentChanges::Operations(ops)) => ops
            .iter()
            .map(|op| match op {
                DocumentChangeOperation::Edit(e) => {
                    e.text_document.uri.as_str().len()
                        + 48
                        + e.edits
                            .iter()
                            .map(|e| match e {
                                OneOf::Left(e) => text_edit(e),
                                // An annotated edit also carries its annotation id.
                                OneOf::Right(e) => 40 + text_edit(&e.text_edit),
                            })
                            .sum::<usize>()
                }
                DocumentChangeOperation::Op(_) => 256,
            })
            .sum(),
        Some(DocumentChanges::Edits(docs)) => docs
            .iter()
            .map(|d| d.text_document.uri.as_str().len() + 48 + d.edits.len() * 80)
            .sum(),
        None => 0,
    };
    changes + operations
}

/// A core change as a WorkspaceEdit: plain `changes` when it only edits text, else
/// `documentChanges` with the file operations (text edits first, then creations, then renames).
pub fn workspace_edit(ws: &Workspace, k: usize, change: SourceChange) -> Option<WorkspaceEdit> {
    let c = &ws.corpora[k];
    let enc = ws.encoding();
    let mut by_doc: HashMap<u32, Vec<TextEdit>> = HashMap::new();
    for e in &change.edits {
        let doc = c.corpus.documents.get(e.document as usize)?;
        by_doc.entry(e.document).or_default().push(TextEdit {
            range: convert::range(&doc.text, &doc.lines, e.range, enc),
            new_text: e.insert.clone(),
        });
    }
    if change.create.is_empty() && change.rename.is_empty() {
        let changes = by_doc
            .into_iter()
            .filter_map(|(slot, edits)| Some((c.uri(slot)?, edits)))
            .collect();
        return Some(WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        });
    }
    let mut operations = Vec::new();
    let mut slots: Vec<u32> = by_doc.keys().copied().collect();
    slots.sort();
    for slot in slots {
        let uri = c.uri(slot)?;
        let version = super::state::path_of(&uri).and_then(|p| ws.version(&p));
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
            edits: by_doc.remove(&slot)?.into_iter().map(OneOf::Left).collect(),
        }));
    }
    for (path, text) in change.create {
        let uri = Uri::from_file_path(c.root.join(&path))?;
        operations.push(DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
            uri: uri.clone(),
            options: Some(CreateFileOptions {
                overwrite: Some(false),
                ignore_if_exists: Some(false),
            }),
            annotation_id: None,
        })));
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![OneOf::Left(TextEdit {
                range: Range::default(),
                new_text: text,
            })],
        }));
    }
    for (slot, path) in change.rename {
        operations.push(DocumentChangeOperation::Op(ResourceOp::Rename(RenameFile {
            old_uri: c.uri(slot)?,
            new_uri: Uri::from_file_path(c.root.join(&path))?,
            options: Some(RenameFileOptions {
                overwrite: Some(false),
                ignore_if_exists: Some(false),
            }),
            annotation_id: None,
        })));
    }
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(operations)),
        ..Default::default()
    })
}
