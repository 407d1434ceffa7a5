//! Conversions of the core's results into LSP values, in one place: diagnostics, locations,
//! workspace edits, semantic tokens and symbols. Positions convert through `convert` (the
//! document's line index); the other direction (`from_proto`) is `convert::offset` and
//! `convert::text_range`.

use super::convert::{self, Encoding};
use super::dispatch::{Cancel, Cancelled};
use super::global_state::Analysis;
use crate::document::Document;
use crate::finding::{Finding, RuleCode, Severity};
use crate::ide::SourceChange;
use crate::ide::highlight::TokenKind;
use crate::ide::symbols::{Symbol, SymbolKind as CoreKind};
use crate::slots::DocumentSlot;
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
pub fn workspace_edit(ws: &Analysis, k: usize, change: SourceChange) -> Option<WorkspaceEdit> {
    let c = &ws.corpora[k];
    let enc = ws.encoding();
    let mut by_doc: HashMap<DocumentSlot, Vec<TextEdit>> = HashMap::new();
    for e in &change.edits {
        let doc = c.corpus.documents.get(e.document.index())?;
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
    let mut slots: Vec<DocumentSlot> = by_doc.keys().copied().collect();
    slots.sort();
    for slot in slots {
        let uri = c.uri(slot)?;
        let version = c.version(slot);
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

pub fn diagnostic(doc: &Document, finding: &Finding, encoding: Encoding) -> Diagnostic {
    let severity = match finding.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    };
    Diagnostic {
        range: convert::range(&doc.text, &doc.lines, finding.range, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.code.as_str().to_string())),
        // The rule's page, which editors open from the code.
        code_description: code_description(finding.code),
        source: Some("annals".into()),
        message: finding.message.to_string(),
        // The suggested replacement travels with the diagnostic, for quick fixes.
        data: finding
            .suggestion
            .as_ref()
            .map(|s| serde_json::json!({ "replacement": s })),
        ..Diagnostic::default()
    }
}

/// The link to the rule's page, parsed once per code (a corpus can have many thousands of findings).
fn code_description(code: RuleCode) -> Option<CodeDescription> {
    static PAGES: std::sync::OnceLock<Vec<Option<Uri>>> = std::sync::OnceLock::new();
    let pages = PAGES.get_or_init(|| RuleCode::ALL.iter().map(|c| c.help_url().parse::<Uri>().ok()).collect());
    let k = RuleCode::ALL.iter().position(|c| *c == code)?;
    pages.get(k)?.clone().map(|href| CodeDescription { href })
}

/// Many locations at once, each document's URI built once and shared: references to an
/// entity can number a hundred thousand, in a few thousand documents.
#[derive(Default)]
pub struct Locations {
    uris: Vec<Uri>,
    /// Index into `uris`, and the range.
    items: Vec<(u32, Range)>,
}

/// Serializes exactly as `Vec<Location>` does, without a URI per location.
impl serde::Serialize for Locations {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Item<'a> {
            uri: &'a Uri,
            range: &'a Range,
        }
        s.collect_seq(self.items.iter().filter_map(|(u, range)| {
            Some(Item {
                uri: self.uris.get(*u as usize)?,
                range,
            })
        }))
    }
}

impl Locations {
    pub fn single(uri: Uri) -> Self {
        Locations {
            uris: vec![uri],
            items: vec![(0, Range::default())],
        }
    }

    /// About the bytes of its JSON.
    pub fn size_hint(&self) -> usize {
        // A range with two-digit lines and characters is about 70 bytes of JSON.
        let per_document: usize = self.uris.iter().map(|u| u.as_str().len()).sum::<usize>() / self.uris.len().max(1);
        self.items.len() * (per_document + 80)
    }

    pub fn into_vec(self) -> Vec<Location> {
        let uris = self.uris;
        self.items
            .into_iter()
            .filter_map(|(u, range)| {
                Some(Location {
                    uri: uris.get(u as usize)?.clone(),
                    range,
                })
            })
            .collect()
    }
}

/// Places in corpus `k` as LSP locations, converted on both cores.
pub fn locations(
    ws: &Analysis,
    k: usize,
    found: impl IntoIterator<Item = (DocumentSlot, TextRange)>,
    cancel: &Cancel,
) -> std::result::Result<Locations, Cancelled> {
    let c = &ws.corpora[k];
    // Index into `out.uris` by slot; None when the document has no file URI.
    let mut seen: rustc_hash::FxHashMap<DocumentSlot, Option<u32>> = Default::default();
    let mut out = Locations::default();
    let mut keyed = Vec::new();
    for (n, (slot, range)) in found.into_iter().enumerate() {
        if n % 4096 == 0 {
            cancel.check()?;
        }
        if !c.corpus.is_live(slot) {
            continue;
        }
        let uri = *seen.entry(slot).or_insert_with(|| {
            let uri = c.uri(slot)?;
            out.uris.push(uri);
            Some(out.uris.len() as u32 - 1)
        });
        if let Some(uri) = uri {
            keyed.push((uri, slot, range));
        }
    }
    cancel.check()?;
    // Converting a range reads its document's text, mostly not in cache: on both cores, 100,000
    // references convert in half the time.
    use rayon::prelude::*;
    let encoding = ws.encoding();
    out.items = keyed
        .par_iter()
        .with_min_len(4096)
        .map(|&(uri, slot, range)| {
            let doc = &c.corpus.documents[slot.index()];
            (uri, convert::range(&doc.text, &doc.lines, range, encoding))
        })
        .collect();
    Ok(out)
}

/// One place in corpus `k` as an LSP location.
pub fn location(ws: &Analysis, k: usize, slot: DocumentSlot, range: TextRange) -> Option<Location> {
    let c = &ws.corpora[k];
    if !c.corpus.is_live(slot) {
        return None;
    }
    let doc = &c.corpus.documents[slot.index()];
    Some(Location {
        uri: c.uri(slot)?,
        range: convert::range(&doc.text, &doc.lines, range, ws.encoding()),
    })
}

#[cfg(test)]
mod diagnostic_tests {
    use super::*;
    use crate::document::DocumentKind;

    #[test]
    fn every_diagnostic_links_to_its_rule_page() {
        let text = "---\ntitle: T\n---\n".to_string();
        let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text);
        for &code in RuleCode::ALL {
            let finding = Finding::new(code, TextRange::empty(0), "m");
            let d = diagnostic(&doc, &finding, Encoding::Utf16);
            let href = d.code_description.map(|d| d.href.as_str().to_string());
            assert_eq!(href.as_deref(), Some(code.help_url().as_str()));
            assert!(code.help_url().ends_with(&format!("/docs/rules/{code}.md")));
        }
    }
}
