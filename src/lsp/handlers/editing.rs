//! Writing annotations: completion and code actions.

use super::{at, document};
use crate::ide;
use crate::lsp::convert;
use crate::lsp::global_state::Analysis;
use crate::lsp::to_proto;
use tower_lsp_server::ls_types::*;

/// The most completion items one answer carries.
const COMPLETION_LIMIT: usize = 100;

pub fn completion(ws: &Analysis, p: TextDocumentPositionParams) -> Option<CompletionResponse> {
    let (k, slot, doc, offset) = at(ws, &p.text_document.uri, p.position)?;
    let enc = ws.encoding();
    let items: Vec<CompletionItem> = ide::completion::completions(&ws.corpora[k].corpus, slot, offset)
        .into_iter()
        .map(|item| {
            use ide::completion::CompletionKind as K;
            let kind = match item.kind {
                K::Entity => CompletionItemKind::CLASS,
                K::Document => CompletionItemKind::FILE,
                K::Claim => CompletionItemKind::EVENT,
                K::Key => CompletionItemKind::PROPERTY,
                K::Class => CompletionItemKind::KEYWORD,
                K::Value => CompletionItemKind::VALUE,
                K::Date => CompletionItemKind::CONSTANT,
            };
            CompletionItem {
                label: item.label.clone(),
                kind: Some(kind),
                detail: item.detail,
                sort_text: Some(format!("{:05}", item.rank)),
                filter_text: Some(item.label),
                preselect: Some(item.rank == 0),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: convert::range(&doc.text, &doc.lines, item.range, enc),
                    new_text: item.insert,
                })),
                command: item.retrigger.then(|| Command {
                    title: "suggest".into(),
                    command: "editor.action.triggerSuggest".into(),
                    arguments: None,
                }),
                ..Default::default()
            }
        })
        .collect();
    // The best 100: a list of thousands of entities costs more to send than to rank. When
    // cut, the client asks again as the user types, and the ranking narrows.
    let is_incomplete = items.len() > COMPLETION_LIMIT;
    let items = items.into_iter().take(COMPLETION_LIMIT).collect();
    Some(CompletionResponse::List(CompletionList { is_incomplete, items }))
}

pub fn code_actions(ws: &Analysis, params: CodeActionParams) -> Option<CodeActionResponse> {
    let (k, slot, doc) = document(ws, &params.text_document.uri)?;
    let enc = ws.encoding();
    let range = convert::text_range(&doc.text, &doc.lines, params.range, enc);
    let c = &ws.corpora[k];
    // The document's findings come from the cache: VS Code asks at every cursor move.
    let findings = c.findings.get(&c.corpus, slot);
    let assists = ide::assists::assists_with(&c.corpus, slot, range, &findings.findings);
    let selection = ide::assists::claim_for_selection(&c.corpus, slot, range);
    let actions = assists
        .into_iter()
        .filter_map(|a| {
            let diagnostic = to_proto::diagnostic(doc, &a.fixes, enc);
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: a.label,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(to_proto::workspace_edit(ws, k, a.change)?),
                is_preferred: Some(a.preferred),
                ..Default::default()
            }))
        })
        .chain(selection.and_then(|s| {
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: s.label,
                kind: Some(CodeActionKind::REFACTOR_REWRITE),
                edit: Some(to_proto::workspace_edit(ws, k, s.change)?),
                ..Default::default()
            }))
        }))
        .collect();
    Some(actions)
}
