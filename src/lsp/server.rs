//! The `LanguageServer` implementation: thin. Notifications change the inputs in arrival
//! order (`GlobalState::change`); requests run a handler over a snapshot on the blocking
//! pool (`dispatch::read`); background work lives in `tasks`.

use super::capabilities::{self, Session, Settings};
use super::convert;
use super::dispatch::{self, Cancelled, OnEdit};
use super::findings_cache::ResultId;
use super::global_state::{GlobalState, OpenDocument, path_of};
use super::handlers::{self, diagnostics::Cursor};
use super::large_answer::LargeAnswers;
use super::large_request::{PreviousResults, PullIds};
use super::tasks;
use super::to_proto::Locations;
use ropey::Rope;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// How long a request waits for the initial indexing before answering from what there is.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Documents per step of a workspace pull: between steps, edits can be committed.
const WORKSPACE_PULL_CHUNK: usize = 2048;

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Registers `annals/crash` (panics), `annals/hold` (a long request, or a long write), and
    /// makes a document whose path ends with `panic-in-commit.md` panic in the middle of its
    /// commit, so that tests can prove the guards.
    pub test_hooks: bool,
    /// Where large answers wait for the stdio writer (see `large_answer`); none in-process.
    pub large_answers: Option<LargeAnswers>,
    /// Where large workspace pulls' result ids wait for their handler (see `large_request`).
    pub pull_ids: Option<PullIds>,
}

struct Shared {
    settings: Mutex<Settings>,
    shut_down: Arc<AtomicBool>,
    /// Wakes the commit of files changed on disk.
    disk: Arc<Notify>,
    ready: watch::Sender<bool>,
    session: OnceLock<Arc<Session>>,
    large_answers: Option<LargeAnswers>,
    pull_ids: Option<PullIds>,
}

pub struct Server {
    client: Client,
    state: Arc<GlobalState>,
    shared: Arc<Shared>,
}

impl Server {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>, options: &Options) -> Self {
        let (ready, _) = watch::channel(false);
        let test_panic = options.test_hooks.then(|| "panic-in-commit.md".to_string());
        Server {
            client,
            state: Arc::new(GlobalState::new(test_panic)),
            shared: Arc::new(Shared {
                settings: Mutex::new(Settings::default()),
                shut_down,
                disk: Arc::new(Notify::new()),
                ready,
                session: OnceLock::new(),
                large_answers: options.large_answers.clone(),
                pull_ids: options.pull_ids.clone(),
            }),
        }
    }

    /// Waits until the initial indexing is done (bounded), so that the first requests see the corpus.
    async fn wait_ready(&self) {
        let mut ready = self.shared.ready.subscribe();
        let _ = tokio::time::timeout(READY_TIMEOUT, ready.wait_for(|r| *r)).await;
    }

    fn settings(&self) -> MutexGuard<'_, Settings> {
        self.shared.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A short request: its handler over a snapshot, on the pool.
    async fn read<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&super::global_state::Analysis) -> T + Send + 'static,
    ) -> Result<T> {
        self.wait_ready().await;
        dispatch::read(&self.state, what, OnEdit::Finish, move |snapshot, _| Ok(f(snapshot))).await
    }

    /// A long request (references, rename, workspace symbols): like `read`, and it stops with
    /// `ContentModified` when an edit arrives while it runs.
    async fn read_long<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&super::global_state::Analysis, &dispatch::Cancel) -> std::result::Result<T, Cancelled>
        + Send
        + 'static,
    ) -> Result<T> {
        self.wait_ready().await;
        dispatch::read(&self.state, what, OnEdit::Stop, move |snapshot, cancel| {
            f(snapshot, cancel)
        })
        .await
    }

    /// The test hook behind `annals/hold`: `{"ms": N}` holds a snapshot for N milliseconds, as
    /// a long request does (it stops early when an edit arrives); `{"ms": N, "write": true}`
    /// holds the writer instead, as a long commit does.
    pub async fn hold(&self, params: serde_json::Value) -> Result<()> {
        let ms = params["ms"].as_u64().unwrap_or(0).min(10_000);
        if params["write"].as_bool() == Some(true) {
            let state = self.state.clone();
            let _ = tokio::task::spawn_blocking(move || state.hold_writer(Duration::from_millis(ms))).await;
            return Ok(());
        }
        dispatch::read(&self.state, "annals/hold", OnEdit::Stop, move |_, cancel| {
            let until = std::time::Instant::now() + Duration::from_millis(ms);
            while std::time::Instant::now() < until {
                cancel.check()?;
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(())
        })
        .await
    }

    /// `annals/render`: the reading view of an open document (the page `annals site` makes of
    /// it, from its current text), for the editor's preview; null outside any corpus.
    pub async fn render(&self, params: handlers::view::RenderParams) -> Result<Option<handlers::view::RenderResult>> {
        let uri = params.text_document.uri;
        self.read("annals/render", move |ws| handlers::view::render(ws, &uri))
            .await
    }

    /// The test hook behind `annals/crash`.
    pub async fn crash(&self) -> Result<()> {
        dispatch::read(
            &self.state,
            "annals/crash",
            OnEdit::Finish,
            |_, _| -> std::result::Result<(), Cancelled> { panic!("annals/crash was asked to panic") },
        )
        .await
    }

    /// Tells the user what a handler found to say (`window/showMessage`, `window/logMessage`).
    async fn tell(&self, messages: handlers::file_operations::Messages) {
        for (kind, text) in messages {
            if kind == MessageType::INFO || kind == MessageType::LOG {
                self.client.log_message(kind, text).await;
            } else {
                self.client.show_message(kind, text).await;
            }
        }
    }

    /// Applies a notification's change to the inputs, in arrival order.
    fn change(&self, f: impl FnOnce(&mut super::global_state::Inputs)) {
        self.state.change(f);
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let session = Arc::new(Session::from_params(&params));
        let _ = self.shared.session.set(session.clone());
        self.settings()
            .update(&params.initialization_options.clone().unwrap_or_default());
        self.state.set_encoding(session.encoding);
        Ok(InitializeResult {
            capabilities: capabilities::server_capabilities(&session),
            server_info: Some(ServerInfo {
                name: "annals".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let Some(session) = self.shared.session.get().cloned() else {
            return;
        };
        tasks::start_diagnostics(self.client.clone(), self.state.clone(), session.clone());
        tasks::start_disk_changes(self.state.clone(), self.shared.disk.clone());
        tasks::start_indexing(
            self.client.clone(),
            self.state.clone(),
            session.clone(),
            self.shared.ready.clone(),
        );
        tasks::register_watchers(&self.client, &session).await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shut_down.store(true, Ordering::SeqCst);
        // Held workspace pulls answer now.
        self.state.bump_commits();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(path) = path_of(&doc.uri) else { return };
        self.change(|inputs| {
            let rope = Rope::from_str(&doc.text);
            inputs.open(
                path,
                OpenDocument {
                    rope,
                    version: doc.version,
                },
            )
        });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        let encoding = self
            .shared
            .session
            .get()
            .map_or(convert::Encoding::Utf16, |s| s.encoding);
        self.change(|inputs| {
            let Some(open) = inputs.open.get_mut(&path) else { return };
            for change in &params.content_changes {
                convert::apply_change(&mut open.rope, change.range, &change.text, encoding);
            }
            open.version = params.text_document.version;
            inputs.edited(path);
        });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        // From now on the file on disk is the document.
        self.change(|inputs| inputs.close(path));
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.change(|inputs| {
            for change in params.changes {
                if let Some(path) = path_of(&change.uri) {
                    inputs.changed_on_disk(path);
                }
            }
        });
        self.shared.disk.notify_one();
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.read("hover", move |ws| handlers::navigation::hover(ws, p)).await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.read("definition", move |ws| handlers::navigation::definition(ws, p))
            .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let large = self.shared.large_answers.clone();
        let answer = self
            .read_long("references", move |ws, cancel| {
                handlers::navigation::references(ws, params, large.as_ref(), cancel)
            })
            .await?;
        Ok(answer.map(|found| found.finish(Locations::single).into_vec()))
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let previous = params.previous_result_id;
        // During the first look at a large corpus, an open document's own findings are there
        // already: answered at once, and pulled again when the whole corpus is read (refresh).
        let (state, asked) = (self.state.clone(), uri.clone());
        let ready = *self.shared.ready.borrow();
        let first_look = !ready
            && tokio::task::spawn_blocking(move || {
                let ws = state.read();
                ws.locate(&asked)
                    .is_some_and(|(k, _)| ws.corpora[k].corpus.is_first_look())
            })
            .await
            .unwrap_or(false);
        if !first_look {
            self.wait_ready().await;
        }
        let report = dispatch::read(&self.state, "diagnostic", OnEdit::Finish, move |ws, _| {
            Ok(handlers::diagnostics::document_report(ws, &uri, previous.as_deref()))
        })
        .await?;
        Ok(DocumentDiagnosticReportResult::Report(report))
    }

    async fn workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        self.wait_ready().await;
        // A large pull's ids were read by the frame reader; its one previous result names them.
        let stashed = match (&self.shared.pull_ids, params.previous_result_ids.as_slice()) {
            (Some(stash), [one]) => stash.claim(one.uri.as_str()),
            _ => None,
        };
        let previous: Arc<PreviousResults> = stashed.unwrap_or_else(|| {
            Arc::new(
                params
                    .previous_result_ids
                    .into_iter()
                    .filter_map(|p| Some((Box::from(p.uri.as_str()), ResultId::from_wire(&p.value)?)))
                    .collect(),
            )
        });
        let hold = self.shared.session.get().map_or(Duration::ZERO, |s| s.hold);
        let deadline = tokio::time::Instant::now() + hold;
        let mut commits = self.state.commits.subscribe();
        loop {
            commits.mark_unchanged();
            // In steps, each over a fresh snapshot: a first pull of a large corpus runs for
            // seconds, and edits must not wait for all of it.
            let mut items = Vec::new();
            let mut cursor = Some(Cursor::default());
            while let Some(at) = cursor {
                let previous = previous.clone();
                let (mut found, next) = dispatch::read(
                    &self.state,
                    "workspace/diagnostic",
                    OnEdit::Finish,
                    move |ws, cancel| {
                        handlers::diagnostics::workspace_reports(ws, &previous, at, WORKSPACE_PULL_CHUNK, cancel)
                    },
                )
                .await?;
                items.append(&mut found);
                cursor = next;
            }
            // Something to say, a first pull, or no more waiting: answer. Else the pull is held
            // until something changes (LSP 3.17 allows it), so an idle client costs nothing.
            let shut_down = self.shared.shut_down.load(Ordering::SeqCst);
            if !items.is_empty() || previous.is_empty() || shut_down || tokio::time::Instant::now() >= deadline {
                return Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport {
                    items,
                }));
            }
            if tokio::time::timeout_at(deadline, commits.changed()).await.is_err() {
                return Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport {
                    items,
                }));
            }
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // `{"annals": {...}}` as most clients send it, or the settings object itself.
        let settings = params.settings.get("annals").cloned().unwrap_or(params.settings);
        self.settings().update(&settings);
        // Only once initialized: before that the client has asked for no hints.
        if self.shared.session.get().is_some() {
            tasks::bounded(self.client.inlay_hint_refresh()).await;
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        self.read("completion", move |ws| handlers::editing::completion(ws, p))
            .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.read("codeAction", move |ws| handlers::editing::code_actions(ws, params))
            .await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        let result = self
            .read("prepareRename", move |ws| {
                handlers::navigation::prepare_rename(ws, params)
            })
            .await?;
        result.map(Some).map_err(Error::invalid_params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let large = self.shared.large_answers.clone();
        let result = self
            .read_long("rename", move |ws, cancel| {
                handlers::navigation::rename(ws, params, large.as_ref(), cancel)
            })
            .await?;
        let placeholder = |uri| WorkspaceEdit {
            changes: Some(HashMap::from([(uri, Vec::new())])),
            ..WorkspaceEdit::default()
        };
        result
            .map(|edit| Some(edit.finish(placeholder)))
            .map_err(Error::invalid_params)
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        self.read("documentSymbol", move |ws| {
            handlers::navigation::document_symbols(ws, &uri)
        })
        .await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        self.read_long("workspace/symbol", move |ws, cancel| {
            handlers::navigation::workspace_symbols(ws, &params.query, cancel)
        })
        .await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let tokens = self
            .read("semanticTokens/full", move |ws| {
                handlers::view::semantic_tokens(ws, &uri, None)
            })
            .await?;
        Ok(tokens.map(SemanticTokensResult::Tokens))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let uri = params.text_document.uri;
        let range = params.range;
        let tokens = self
            .read("semanticTokens/range", move |ws| {
                handlers::view::semantic_tokens(ws, &uri, Some(range))
            })
            .await?;
        Ok(tokens.map(SemanticTokensRangeResult::Tokens))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let settings = *self.settings();
        self.read("inlayHint", move |ws| handlers::view::inlay_hints(ws, params, settings))
            .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        self.read("codeLens", move |ws| handlers::code_lens::code_lenses(ws, &uri))
            .await
    }

    async fn code_lens_resolve(&self, lens: CodeLens) -> Result<CodeLens> {
        self.read("codeLens/resolve", move |ws| handlers::code_lens::resolve(ws, lens))
            .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let uri = params.text_document.uri;
        self.read("foldingRange", move |ws| handlers::view::folding_ranges(ws, &uri))
            .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let uri = params.text_document.uri;
        self.read("documentLink", move |ws| handlers::view::document_links(ws, &uri))
            .await
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        self.read("documentHighlight", move |ws| {
            handlers::navigation::document_highlight(ws, p)
        })
        .await
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        self.read("selectionRange", move |ws| {
            handlers::navigation::selection_ranges(ws, params)
        })
        .await
    }

    async fn prepare_call_hierarchy(
        &self,
        params: CallHierarchyPrepareParams,
    ) -> Result<Option<Vec<CallHierarchyItem>>> {
        let p = params.text_document_position_params;
        self.read("prepareCallHierarchy", move |ws| {
            handlers::hierarchy::prepare_call_hierarchy(ws, p)
        })
        .await
    }

    async fn incoming_calls(
        &self,
        params: CallHierarchyIncomingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyIncomingCall>>> {
        self.read("callHierarchy/incomingCalls", move |ws| {
            handlers::hierarchy::incoming_calls(ws, &params.item)
        })
        .await
    }

    async fn outgoing_calls(
        &self,
        params: CallHierarchyOutgoingCallsParams,
    ) -> Result<Option<Vec<CallHierarchyOutgoingCall>>> {
        self.read("callHierarchy/outgoingCalls", move |ws| {
            handlers::hierarchy::outgoing_calls(ws, &params.item)
        })
        .await
    }

    async fn prepare_type_hierarchy(
        &self,
        params: TypeHierarchyPrepareParams,
    ) -> Result<Option<Vec<TypeHierarchyItem>>> {
        let p = params.text_document_position_params;
        self.read("prepareTypeHierarchy", move |ws| {
            handlers::hierarchy::prepare_type_hierarchy(ws, p)
        })
        .await
    }

    async fn supertypes(&self, params: TypeHierarchySupertypesParams) -> Result<Option<Vec<TypeHierarchyItem>>> {
        self.read("typeHierarchy/supertypes", move |ws| {
            handlers::hierarchy::supertypes(ws, &params.item)
        })
        .await
    }

    async fn subtypes(&self, params: TypeHierarchySubtypesParams) -> Result<Option<Vec<TypeHierarchyItem>>> {
        self.read("typeHierarchy/subtypes", move |ws| {
            handlers::hierarchy::subtypes(ws, &params.item)
        })
        .await
    }

    async fn will_rename_files(&self, params: RenameFilesParams) -> Result<Option<WorkspaceEdit>> {
        let large = self.shared.large_answers.clone();
        let (edit, messages) = self
            .read_long("workspace/willRenameFiles", move |ws, cancel| {
                handlers::file_operations::will_rename(ws, params, large.as_ref(), cancel)
            })
            .await?;
        self.tell(messages).await;
        // No await between `finish` and the answer (see `large_answer`).
        let placeholder = |uri| WorkspaceEdit {
            changes: Some(HashMap::from([(uri, Vec::new())])),
            ..WorkspaceEdit::default()
        };
        Ok(edit.map(|edit| edit.finish(placeholder)))
    }

    async fn will_delete_files(&self, params: DeleteFilesParams) -> Result<Option<WorkspaceEdit>> {
        let (edit, messages) = self
            .read("workspace/willDeleteFiles", move |ws| {
                handlers::file_operations::will_delete(ws, params)
            })
            .await?;
        self.tell(messages).await;
        Ok(Some(edit))
    }

    async fn will_create_files(&self, params: CreateFilesParams) -> Result<Option<WorkspaceEdit>> {
        self.read("workspace/willCreateFiles", move |ws| {
            handlers::file_operations::will_create(ws, params)
        })
        .await
    }

    async fn did_create_files(&self, params: CreateFilesParams) {
        let Ok(Some(edit)) = self
            .read("workspace/didCreateFiles", move |ws| {
                handlers::file_operations::did_create(ws, params)
            })
            .await
        else {
            return;
        };
        tasks::bounded(self.client.apply_edit(edit)).await;
    }

    /// annals offers no commands: `annals.showReferences`, the code lenses' command, is the
    /// editor's to run (see `handlers::code_lens`). A client that sends it here anyway is told so.
    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        let mut error = Error::method_not_found();
        error.message = format!(
            "annals runs no commands: `{}` is run by the editor (the annals extension for VS Code, or the Neovim plugin)",
            params.command
        )
        .into();
        Err(error)
    }
}
