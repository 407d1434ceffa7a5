//! What the client told us in `initialize`, the settings it may change later, and what
//! the server offers in return.

use super::convert::Encoding;
use super::global_state::path_of;
use std::path::PathBuf;
use std::time::Duration;
use tower_lsp_server::ls_types::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagnosticMode {
    Push,
    Pull,
}

/// What the client told us in `initialize`.
#[derive(Debug)]
pub struct Session {
    pub mode: DiagnosticMode,
    pub encoding: Encoding,
    /// How long the server waits after a change before publishing (push) or asking for a pull.
    pub delay: Duration,
    /// How long a workspace pull that finds nothing new waits for a change before answering.
    pub hold: Duration,
    pub progress: bool,
    pub watch_dynamic: bool,
    pub diagnostic_refresh: bool,
    pub folders: Vec<PathBuf>,
}

impl Session {
    pub fn from_params(params: &InitializeParams) -> Session {
        let caps = &params.capabilities;
        let utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8));
        let options = params.initialization_options.clone().unwrap_or_default();
        let pull_supported = caps
            .text_document
            .as_ref()
            .and_then(|t| t.diagnostic.as_ref())
            .is_some();
        let mode = match options.get("diagnostics").and_then(|v| v.as_str()) {
            Some("push") => DiagnosticMode::Push,
            _ if pull_supported => DiagnosticMode::Pull,
            _ => DiagnosticMode::Push,
        };
        let millis = |key: &str, default: u64| {
            Duration::from_millis(options.get(key).and_then(|v| v.as_u64()).unwrap_or(default))
        };
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| path_of(&f.uri))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            folders.extend(params.root_uri.as_ref().and_then(path_of));
        }
        Session {
            mode,
            encoding: if utf8 { Encoding::Utf8 } else { Encoding::Utf16 },
            delay: millis("diagnosticsDelay", 30),
            // VS Code asks again two seconds after each answer: held, an idle corpus costs nothing.
            hold: millis("workspaceDiagnosticsHold", 120_000),
            progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
            watch_dynamic: caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            diagnostic_refresh: caps
                .workspace
                .as_ref()
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            folders,
        }
    }
}

/// Settings the user may change while the server runs.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The entity's name after an `e=`/`by=` id.
    pub entity_hints: bool,
    /// The first words of the target claim after a claim reference.
    pub claim_hints: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            entity_hints: true,
            claim_hints: true,
        }
    }
}

impl Settings {
    /// Reads `{"inlayHints": {"entityNames": bool, "claimText": bool}}`, keeping what is absent.
    pub fn update(&mut self, value: &serde_json::Value) {
        let hints = &value["inlayHints"];
        if let Some(b) = hints["entityNames"].as_bool() {
            self.entity_hints = b;
        }
        if let Some(b) = hints["claimText"].as_bool() {
            self.claim_hints = b;
        }
    }
}

pub fn server_capabilities(session: &Session) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match session.encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["=", ":", "\"", " ", "{", "."].map(String::from).to_vec()),
            ..Default::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR_REWRITE]),
            ..Default::default()
        })),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: super::to_proto::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: Some(true),
                work_done_progress_options: Default::default(),
            },
        )),
        inlay_hint_provider: Some(OneOf::Left(true)),
        // Counts at once; the places they count only when a lens is clicked.
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(true),
        }),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        diagnostic_provider: (session.mode == DiagnosticMode::Pull).then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("annals".into()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: Default::default(),
            })
        }),
        document_highlight_provider: Some(OneOf::Left(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        call_hierarchy_provider: Some(CallHierarchyServerCapability::Simple(true)),
        // The type hierarchy (entities) is offered by `complete_initialize_result`.
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: None,
            }),
            file_operations: Some(file_operations()),
        }),
        ..Default::default()
    }
}

/// The file operations the server wants to hear of before they happen: Markdown files (every
/// document is one), and folders for renames and deletions (a folder of documents moves or
/// goes as a whole); and creations after they happened. Files outside a corpus are ignored
/// when they come.
fn file_operations() -> WorkspaceFileOperationsServerCapabilities {
    let filter = |glob: &str, matches| FileOperationFilter {
        scheme: Some("file".into()),
        pattern: FileOperationPattern {
            glob: glob.into(),
            matches,
            options: None,
        },
    };
    let documents = || filter("**/*.md", Some(FileOperationPatternKind::File));
    let folders = || filter("**", Some(FileOperationPatternKind::Folder));
    // A file about to be created cannot be asked whether it is a file: vscode-languageclient
    // reports "Failed to determine file type" for `matches` there. `*.md` says it already.
    let new_documents = || filter("**/*.md", None);
    WorkspaceFileOperationsServerCapabilities {
        will_rename: Some(FileOperationRegistrationOptions {
            filters: vec![documents(), folders()],
        }),
        will_delete: Some(FileOperationRegistrationOptions {
            filters: vec![documents(), folders()],
        }),
        will_create: Some(FileOperationRegistrationOptions {
            filters: vec![new_documents()],
        }),
        // LSP lets no `willCreateFiles` edit write into the file being created (VS Code fails
        // on it): once the file exists, the server proposes its template (`workspace/applyEdit`).
        did_create: Some(FileOperationRegistrationOptions {
            filters: vec![new_documents()],
        }),
        ..Default::default()
    }
}

/// Completes the JSON of the `initialize` answer with what ls-types' `ServerCapabilities`
/// has no field for: `typeHierarchyProvider` (LSP 3.17), for the entity hierarchy.
pub fn complete_initialize_result(result: &mut serde_json::Value) {
    if let Some(capabilities) = result.get_mut("capabilities").and_then(|c| c.as_object_mut()) {
        capabilities.insert("typeHierarchyProvider".into(), serde_json::Value::Bool(true));
    }
}
