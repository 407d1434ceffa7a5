//! Files renamed, deleted or created in the editor (`workspace/will*Files`). A rename of a
//! document renames its id: the answer edits every reference before the editor moves the
//! file. A deletion cannot be refused in LSP, so the answer is an empty edit and the server
//! tells the user what will break (`window/showMessage`, with every place in
//! `window/logMessage`). A new file in an entity or article folder gets its template.

use crate::date::Date;
use crate::ide::SourceChange;
use crate::ide::file_operations as core;
use crate::lsp::dispatch::{Cancel, Cancelled};
use crate::lsp::global_state::{Analysis, path_of};
use crate::lsp::large_answer::{self, LargeAnswers, Prepared};
use crate::lsp::to_proto;
use std::collections::HashMap;
use tower_lsp_server::ls_types::*;

/// What the server tells the user beside its answer.
pub type Messages = Vec<(MessageType, String)>;

/// At most this many broken references are listed, one a line, in the log.
const LOGGED_REFERENCES: usize = 200;

/// The corpus and relative path of a file URI the client sent (files that are not yet, or no
/// longer, documents included).
fn place(ws: &Analysis, uri: &str) -> Option<(usize, String)> {
    let path = path_of(&uri.parse::<Uri>().ok()?)?;
    let k = ws.corpus_of(&path)?;
    Some((k, ws.corpora[k].relative(&path)?))
}

/// The reference edits for renamed files, in one edit across corpora; `None` when nothing
/// names them.
pub fn will_rename(
    ws: &Analysis,
    params: RenameFilesParams,
    large: Option<&LargeAnswers>,
    cancel: &Cancel,
) -> Result<(Option<Prepared<WorkspaceEdit>>, Messages), Cancelled> {
    let mut by_corpus: HashMap<usize, Vec<(String, Option<String>)>> = HashMap::new();
    for file in &params.files {
        let Some((k, old)) = place(ws, &file.old_uri) else {
            continue;
        };
        let new = place(ws, &file.new_uri).filter(|(to, _)| *to == k).map(|(_, p)| p);
        by_corpus.entry(k).or_default().push((old, new));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    let mut warnings = Vec::new();
    for (k, renames) in by_corpus {
        cancel.check()?;
        let outcome = core::will_rename(&ws.corpora[k].corpus, &renames);
        warnings.extend(outcome.warnings);
        let change = SourceChange {
            edits: outcome.edits,
            ..SourceChange::default()
        };
        if let Some(edit) = to_proto::workspace_edit(ws, k, change) {
            for (uri, edits) in edit.changes.into_iter().flatten() {
                changes.entry(uri).or_default().extend(edits);
            }
        }
    }
    cancel.check()?;
    let messages = if warnings.is_empty() {
        Vec::new()
    } else {
        vec![(MessageType::WARNING, warnings.join("\n"))]
    };
    if changes.values().all(Vec::is_empty) {
        return Ok((None, messages));
    }
    let edit = WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    };
    let hint = to_proto::workspace_edit_size_hint(&edit);
    Ok((Some(large_answer::prepare(large, edit, hint)), messages))
}

/// An empty edit, and what the deletion breaks: a warning with the summary, and the log with
/// every broken reference (up to `LOGGED_REFERENCES`). Nothing to say when nothing breaks.
pub fn will_delete(ws: &Analysis, params: DeleteFilesParams) -> (WorkspaceEdit, Messages) {
    let mut by_corpus: HashMap<usize, Vec<String>> = HashMap::new();
    for file in &params.files {
        if let Some((k, path)) = place(ws, &file.uri) {
            by_corpus.entry(k).or_default().push(path);
        }
    }
    let mut messages = Vec::new();
    let mut corpora: Vec<usize> = by_corpus.keys().copied().collect();
    corpora.sort();
    for k in corpora {
        let corpus = &ws.corpora[k].corpus;
        let breakage = core::will_delete(corpus, &by_corpus[&k]);
        if breakage.is_empty() {
            continue;
        }
        let summary = breakage.summary(corpus);
        let lines = core::reference_lines(corpus, &breakage, LOGGED_REFERENCES);
        messages.push((
            MessageType::WARNING,
            format!("{summary} The findings will show each one; the log lists them."),
        ));
        messages.push((MessageType::INFO, format!("{summary}\n{}", lines.join("\n"))));
    }
    (WorkspaceEdit::default(), messages)
}

/// The templates of new files under the entity and article globs; `None` for other files.
pub fn will_create(ws: &Analysis, params: CreateFilesParams) -> Option<WorkspaceEdit> {
    let today = today();
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for file in &params.files {
        let Some((k, path)) = place(ws, &file.uri) else {
            continue;
        };
        let Some(template) = core::new_file_template(&ws.corpora[k].corpus, &path, today) else {
            continue;
        };
        let Ok(uri) = file.uri.parse::<Uri>() else { continue };
        changes.entry(uri).or_default().push(TextEdit {
            range: Range::default(),
            new_text: template,
        });
    }
    (!changes.is_empty()).then(|| WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

/// Files just created: the templates of those under the entity and article globs that are
/// still blank, on disk and in the editor, as an edit to propose to the client. LSP forbids
/// a `willCreateFiles` edit to write into the file it creates, so this is how the template
/// gets there in editors that follow it (VS Code reports an error on such an edit).
pub fn did_create(ws: &Analysis, params: CreateFilesParams) -> Option<WorkspaceEdit> {
    // A file created with text of its own (a copy, a paste) is left alone.
    let blank_on_disk = |file: &FileCreate| {
        let Some(path) = file.uri.parse::<Uri>().ok().as_ref().and_then(path_of) else {
            return false;
        };
        crate::discover::read_source(&path, 64).is_ok_and(|bytes| bytes.iter().all(u8::is_ascii_whitespace))
    };
    let files: Vec<FileCreate> = params.files.into_iter().filter(|f| blank_on_disk(f)).collect();
    will_create(ws, CreateFilesParams { files })
}

/// Today's date (UTC), for a new article's `published`.
fn today() -> Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    let epoch = Date {
        year: 1970,
        month: Some(1),
        day: Some(1),
    };
    epoch.add_days(days as i64)
}
