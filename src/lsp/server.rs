//! The LSP handlers. Each one converts positions at the edge, asks the core, and
//! converts back; each runs behind a panic guard, so a bug answers one request with
//! an internal error and the server goes on.

use super::convert::{self, Encoding};
use super::diagnostics;
use super::large_answer::{self, LargeAnswers};
use super::state::{OpenDocument, Workspace, path_of};
use crate::config;
use crate::corpus::{Affected, Corpus};
use crate::ide;
use ropey::Rope;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::notification::Progress;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// The most completion items one answer carries.
const COMPLETION_LIMIT: usize = 100;

/// How long the server waits for the client's answer to a request of its own.
const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for the initial indexing before answering from what there is.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Registers `annals/crash`, a request that panics, so tests can prove the guard, and
    /// `annals/hold`, which holds the state's lock for a while.
    pub test_hooks: bool,
    /// Where large answers wait for the stdio writer (see `large_answer`); none in-process.
    pub large_answers: Option<LargeAnswers>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DiagnosticMode {
    Push,
    Pull,
}

/// What the client told us in `initialize`.
#[derive(Debug)]
struct Session {
    mode: DiagnosticMode,
    delay: Duration,
    progress: bool,
    watch_dynamic: bool,
    diagnostic_refresh: bool,
    folders: Vec<PathBuf>,
}

/// Settings the user may change while the server runs.
#[derive(Clone, Copy, Debug)]
struct Settings {
    /// The entity's name after an `e=`/`by=` id.
    entity_hints: bool,
    /// The first words of the target claim after a claim reference.
    claim_hints: bool,
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
    fn update(&mut self, value: &serde_json::Value) {
        let hints = &value["inlayHints"];
        if let Some(b) = hints["entityNames"].as_bool() {
            self.entity_hints = b;
        }
        if let Some(b) = hints["claimText"].as_bool() {
            self.claim_hints = b;
        }
    }
}

struct Shared {
    settings: Mutex<Settings>,
    shut_down: Arc<AtomicBool>,
    /// Wakes the diagnostics task after a change.
    kick: Notify,
    ready: watch::Sender<bool>,
    session: OnceLock<Session>,
    large_answers: Option<LargeAnswers>,
}

pub struct Server {
    client: Client,
    state: Arc<Mutex<Workspace>>,
    shared: Arc<Shared>,
}

/// Set when a long request's answer is no longer wanted: tower-lsp-server drops the request's
/// future on `$/cancelRequest`, and the work, running on a blocking thread, sees the flag at its
/// next check and stops instead of finishing for nobody.
#[derive(Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

/// A long request stopped by `Cancel`.
#[derive(Debug)]
pub struct Cancelled;

impl Cancel {
    pub fn check(&self) -> std::result::Result<(), Cancelled> {
        if self.0.load(Ordering::Relaxed) {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Sets the flag when the request's future is dropped (cancelled, or the session ended).
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.0.store(true, Ordering::Relaxed);
    }
}

fn panic_error(what: &str, panic: Box<dyn std::any::Any + Send>) -> Error {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let mut error = Error::internal_error();
    error.message = format!("annals: internal error in {what}: {detail}").into();
    error
}

fn lock(state: &Mutex<Workspace>) -> MutexGuard<'_, Workspace> {
    // A panic caught by the guard never poisons (it is caught while the lock is held);
    // should one slip through, the state is still the best we have.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits for a client's answer, at most `CLIENT_REQUEST_TIMEOUT`.
async fn bounded<T>(fut: impl std::future::Future<Output = Result<T>>) -> Option<T> {
    tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, fut).await.ok()?.ok()
}

impl Server {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>, large_answers: Option<LargeAnswers>) -> Self {
        let (ready, _) = watch::channel(false);
        Server {
            client,
            state: Arc::new(Mutex::new(Workspace::default())),
            shared: Arc::new(Shared {
                settings: Mutex::new(Settings::default()),
                shut_down,
                kick: Notify::new(),
                ready,
                session: OnceLock::new(),
                large_answers,
            }),
        }
    }

    /// Runs `f` on the state under the lock, turning a panic into an internal-error reply.
    fn guard<T>(&self, what: &str, f: impl FnOnce(&mut Workspace) -> T) -> Result<T> {
        let mut ws = lock(&self.state);
        catch_unwind(AssertUnwindSafe(|| f(&mut ws))).map_err(|panic| panic_error(what, panic))
    }

    /// Like `guard`, for requests whose answer can be large (references, rename, workspace
    /// symbols): the work runs on a blocking thread, so `$/cancelRequest` answers at once and
    /// the work stops at its next `Cancel::check`.
    async fn guard_cancellable<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce(&mut Workspace, &Cancel) -> std::result::Result<T, Cancelled> + Send + 'static,
    ) -> Result<T> {
        let cancel = Cancel::default();
        let _on_drop = CancelOnDrop(cancel.clone());
        let state = self.state.clone();
        let work = tokio::task::spawn_blocking(move || {
            // A panic ends this thread's task and comes back as the JoinError below; the
            // lock it poisons is recovered by `lock`.
            let mut ws = lock(&state);
            cancel.check()?; // Cancelled while it waited for the lock.
            f(&mut ws, &cancel)
        });
        match work.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(Cancelled)) => Err(Error::request_cancelled()),
            Err(join) if join.is_panic() => Err(panic_error(what, join.into_panic())),
            Err(_) => Err(Error::request_cancelled()),
        }
    }

    /// Applies a notification's change to the state under the lock. A panic here would end
    /// the serve loop, so it is caught, logged, and the notification is dropped.
    fn apply(&self, what: &str, f: impl FnOnce(&mut Workspace)) {
        if self.guard(what, f).is_err() {
            let client = self.client.clone();
            let what = what.to_string();
            tokio::spawn(async move {
                client
                    .log_message(
                        MessageType::ERROR,
                        format!("annals: internal error while applying {what}; the notification was dropped"),
                    )
                    .await;
            });
        }
        self.shared.kick.notify_one();
    }

    /// Waits until the initial indexing is done (bounded), so that the first requests see the corpus.
    async fn wait_ready(&self) {
        let mut ready = self.shared.ready.subscribe();
        let _ = tokio::time::timeout(READY_TIMEOUT, ready.wait_for(|r| *r)).await;
    }

    fn is_ready(&self) -> bool {
        *self.shared.ready.borrow()
    }

    fn settings(&self) -> MutexGuard<'_, Settings> {
        self.shared.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The test hook behind `annals/hold`: holds the state's lock for `{"ms": N}` milliseconds,
    /// so that tests can queue work behind it deterministically.
    pub async fn hold(&self, params: serde_json::Value) -> Result<()> {
        let ms = params["ms"].as_u64().unwrap_or(0).min(10_000);
        let state = self.state.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let _ws = lock(&state);
            std::thread::sleep(Duration::from_millis(ms));
        })
        .await;
        Ok(())
    }

    /// The test hook behind `annals/crash`.
    pub async fn crash(&self) -> Result<()> {
        self.guard("annals/crash", |_| panic!("annals/crash was asked to panic"))
    }

    /// Runs `f` with the document at `uri`, its corpus, and the offset of `pos`.
    fn at<T>(
        &self,
        what: &str,
        uri: &Uri,
        pos: Position,
        f: impl FnOnce(&Workspace, usize, u32, usize) -> Option<T>,
    ) -> Result<Option<T>> {
        self.guard(what, |ws| {
            let (k, slot) = ws.locate(uri)?;
            let doc = &ws.corpora[k].corpus.documents[slot as usize];
            let offset = convert::offset(&doc.text, &doc.lines, pos, ws.encoding());
            f(ws, k, slot, offset)
        })
    }
}

/// Many locations at once, each document's URI built once and shared: references to an
/// entity can number a hundred thousand, in a few thousand documents.
#[derive(Default)]
struct Locations {
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
    fn single(uri: Uri) -> Self {
        Locations {
            uris: vec![uri],
            items: vec![(0, Range::default())],
        }
    }

    /// About the bytes of its JSON.
    fn size_hint(&self) -> usize {
        // A range with two-digit lines and characters is about 70 bytes of JSON.
        let per_document: usize = self.uris.iter().map(|u| u.as_str().len()).sum::<usize>() / self.uris.len().max(1);
        self.items.len() * (per_document + 80)
    }

    fn into_vec(self) -> Vec<Location> {
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

fn locations(
    ws: &Workspace,
    k: usize,
    found: impl IntoIterator<Item = (u32, crate::text::TextRange)>,
    cancel: &Cancel,
) -> std::result::Result<Locations, Cancelled> {
    let c = &ws.corpora[k];
    // Index into `out.uris` by slot; None when the document has no file URI.
    let mut seen: rustc_hash::FxHashMap<u32, Option<u32>> = Default::default();
    let mut out = Locations::default();
    let mut keyed = Vec::new();
    for (n, (slot, range)) in found.into_iter().enumerate() {
        if n % 4096 == 0 {
            cancel.check()?;
        }
        if slot as usize >= c.corpus.documents.len() {
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
            let doc = &c.corpus.documents[slot as usize];
            (uri, convert::range(&doc.text, &doc.lines, range, encoding))
        })
        .collect();
    Ok(out)
}

/// Turns a location in some corpus into an LSP location.
fn location(ws: &Workspace, k: usize, slot: u32, range: crate::text::TextRange) -> Option<Location> {
    let c = &ws.corpora[k];
    let doc = c.corpus.documents.get(slot as usize)?;
    Some(Location {
        uri: c.uri(slot)?,
        range: convert::range(&doc.text, &doc.lines, range, ws.encoding()),
    })
}

/// The corpus roots of a workspace folder: annals.toml upward from it, else below it.
fn corpus_roots(folder: &Path) -> Vec<PathBuf> {
    if let Some(root) = config::find_root(folder) {
        return vec![root];
    }
    let mut roots: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .max_depth(4)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || name == "target" || name == "node_modules")
        })
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() == config::CONFIG_FILE)
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .collect();
    roots.sort();
    roots
}

impl Server {
    /// Indexes the workspace's corpora in the background, reporting `$/progress`.
    fn start_indexing(&self) {
        let client = self.client.clone();
        let state = self.state.clone();
        let shared = self.shared.clone();
        tokio::spawn(async move {
            let Some(session) = shared.session.get() else { return };
            let token = NumberOrString::String("annals/indexing".into());
            let progress = session.progress && bounded(client.create_work_done_progress(token.clone())).await.is_some();
            if progress {
                let begin = WorkDoneProgressBegin {
                    title: "annals: indexing the corpus".into(),
                    ..Default::default()
                };
                client
                    .send_notification::<Progress>(ProgressParams {
                        token: token.clone(),
                        value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(begin)),
                    })
                    .await;
            }
            let folders = session.folders.clone();
            let loaded = tokio::task::spawn_blocking(move || {
                let roots: Vec<PathBuf> = folders.iter().flat_map(|f| corpus_roots(f)).collect();
                roots
                    .into_iter()
                    .map(|r| (r.clone(), Corpus::load(&r)))
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default();
            let mut messages = Vec::new();
            let mut documents = 0;
            {
                let mut ws = lock(&state);
                for (root, result) in loaded {
                    match result {
                        Ok(corpus) => {
                            documents += corpus.documents.len();
                            ws.add_corpus(corpus);
                        }
                        Err(e) => messages.push(format!("annals: cannot load the corpus at {}: {e}", root.display())),
                    }
                }
            }
            for m in messages {
                client.show_message(MessageType::WARNING, m).await;
            }
            if progress {
                let end = WorkDoneProgressEnd {
                    message: Some(format!("{documents} documents")),
                };
                client
                    .send_notification::<Progress>(ProgressParams {
                        token,
                        value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(end)),
                    })
                    .await;
            }
            shared.ready.send_replace(true);
            shared.kick.notify_one();
        });
    }

    /// Publishes diagnostics after changes, debounced; in pull mode asks the client to pull again.
    fn start_diagnostics(&self) {
        let client = self.client.clone();
        let state = self.state.clone();
        let shared = self.shared.clone();
        tokio::spawn(async move {
            let Some(session) = shared.session.get() else { return };
            loop {
                shared.kick.notified().await;
                if !session.delay.is_zero() {
                    tokio::time::sleep(session.delay).await;
                }
                if session.mode == DiagnosticMode::Pull {
                    if session.diagnostic_refresh {
                        bounded(client.workspace_diagnostic_refresh()).await;
                    }
                    continue;
                }
                let batch = catch_unwind(AssertUnwindSafe(|| publications(&mut lock(&state)))).unwrap_or_default();
                for (uri, path, version, diagnostics) in batch {
                    // Drop results for a version the editor has moved past; a newer run follows.
                    let current = lock(&state).version(&path);
                    if version.is_some() && current != version {
                        continue;
                    }
                    client.publish_diagnostics(uri, diagnostics, version).await;
                }
            }
        });
    }

    async fn register_watchers(&self) {
        let Some(session) = self.shared.session.get() else {
            return;
        };
        if !session.watch_dynamic {
            return;
        }
        let watchers = ["**/*.md", "**/annals.toml"]
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g.into()),
                kind: None,
            })
            .to_vec();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "annals-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        bounded(self.client.register_capability(vec![registration])).await;
    }
}

type Publication = (Uri, PathBuf, Option<i32>, Vec<Diagnostic>);

/// The diagnostics to push: every stale document's findings, and empty lists for
/// documents that had findings and have none now.
fn publications(ws: &mut Workspace) -> Vec<Publication> {
    ws.refresh();
    let encoding = ws.encoding();
    let mut out = Vec::new();
    let open_versions: HashMap<PathBuf, i32> = ws.open.iter().map(|(p, d)| (p.clone(), d.version)).collect();
    for c in &mut ws.corpora {
        let stale = std::mem::replace(&mut c.stale, Affected::Some(Default::default()));
        let slots: Vec<u32> = match &stale {
            Affected::All => (0..c.corpus.documents.len() as u32).collect(),
            Affected::Some(set) => set
                .iter()
                .copied()
                .filter(|s| (*s as usize) < c.corpus.documents.len())
                .collect(),
        };
        use rayon::prelude::*;
        let corpus = &c.corpus;
        let computed: Vec<(u32, Vec<Diagnostic>)> = slots
            .par_iter()
            .map(|&slot| {
                let doc = &corpus.documents[slot as usize];
                (
                    slot,
                    corpus
                        .findings_of(slot)
                        .iter()
                        .map(|f| diagnostics::to_lsp(doc, f, encoding))
                        .collect(),
                )
            })
            .collect();
        let mut now_published = if matches!(stale, Affected::All) {
            Default::default()
        } else {
            c.published.clone()
        };
        for (slot, list) in computed {
            let doc = &c.corpus.documents[slot as usize];
            let path = c.root.join(&doc.path);
            let had = c.published.contains(&doc.path);
            if list.is_empty() {
                now_published.remove(&doc.path);
                if !had && !open_versions.contains_key(&path) {
                    continue; // Nothing shown before, nothing to show now.
                }
            } else {
                now_published.insert(doc.path.clone());
            }
            let Some(uri) = c.uri(slot) else { continue };
            out.push((uri, path.clone(), open_versions.get(&path).copied(), list));
        }
        // Documents that vanished (removed files) get an empty list.
        if matches!(stale, Affected::All) {
            for gone in c.published.difference(&now_published) {
                if c.corpus.slot(gone).is_none()
                    && let Some(uri) = Uri::from_file_path(c.root.join(gone))
                {
                    out.push((uri, c.root.join(gone), None, Vec::new()));
                }
            }
        }
        c.published = now_published;
    }
    out
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8));
        let encoding = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let options = params.initialization_options.clone().unwrap_or_default();
        let pull_supported = caps
            .text_document
            .as_ref()
            .and_then(|t| t.diagnostic.as_ref())
            .is_some();
        let mode = match options.get("diagnostics").and_then(|v| v.as_str()) {
            Some("push") => DiagnosticMode::Push,
            Some("pull") if pull_supported => DiagnosticMode::Pull,
            _ if pull_supported => DiagnosticMode::Pull,
            _ => DiagnosticMode::Push,
        };
        let delay = Duration::from_millis(options.get("diagnosticsDelay").and_then(|v| v.as_u64()).unwrap_or(30));
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
        let session = Session {
            mode,
            delay,
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
        };
        let _ = self.shared.session.set(session);
        self.settings().update(&options);
        lock(&self.state).encoding = Some(encoding);

        let capabilities = ServerCapabilities {
            position_encoding: Some(if utf8 {
                PositionEncodingKind::UTF8
            } else {
                PositionEncodingKind::UTF16
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
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
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
                    legend: super::features::legend(),
                    full: Some(SemanticTokensFullOptions::Bool(true)),
                    range: Some(true),
                    work_done_progress_options: Default::default(),
                },
            )),
            inlay_hint_provider: Some(OneOf::Left(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            document_link_provider: Some(DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            }),
            diagnostic_provider: (mode == DiagnosticMode::Pull).then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("annals".into()),
                    inter_file_dependencies: true,
                    workspace_diagnostics: true,
                    work_done_progress_options: Default::default(),
                })
            }),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: None,
                }),
                file_operations: None,
            }),
            ..Default::default()
        };
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "annals".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.start_diagnostics();
        self.start_indexing();
        self.register_watchers().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(path) = path_of(&doc.uri) else { return };
        let ready = self.is_ready();
        self.apply("didOpen", |ws| {
            ws.open.insert(
                path.clone(),
                OpenDocument {
                    rope: Rope::from_str(&doc.text),
                    version: doc.version,
                },
            );
            if ready && ws.corpus_of(&path).is_none() {
                // A file of a corpus outside the workspace folders: find its corpus and load it.
                ws.discover_for(&path);
            }
            ws.touch(&path);
        });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        self.apply("didChange", |ws| {
            let encoding = ws.encoding();
            let Some(open) = ws.open.get_mut(&path) else { return };
            for change in &params.content_changes {
                convert::apply_change(&mut open.rope, change.range, &change.text, encoding);
            }
            open.version = params.text_document.version;
            ws.touch(&path);
        });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        self.apply("didClose", |ws| {
            ws.open.remove(&path);
            // From now on the file on disk is the document.
            ws.touch(&path);
        });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.apply("didChangeWatchedFiles", |ws| {
            for change in params.changes {
                let Some(path) = path_of(&change.uri) else { continue };
                if path.file_name().is_some_and(|n| n == config::CONFIG_FILE) {
                    let Some(root) = path.parent() else { continue };
                    // A changed configuration: reload the corpus with it (or drop it, if the file is gone).
                    match Corpus::load(root) {
                        Ok(corpus) => {
                            ws.add_corpus(corpus);
                        }
                        Err(_) => ws.corpora.retain(|c| c.root != root),
                    }
                } else if !ws.open.contains_key(&path) {
                    ws.touch(&path);
                }
            }
        });
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.wait_ready().await;
        let p = params.text_document_position_params;
        self.at("hover", &p.text_document.uri, p.position, |ws, k, slot, offset| {
            let corpus = &ws.corpora[k].corpus;
            let h = ide::hover::hover(corpus, slot, offset)?;
            let doc = &corpus.documents[slot as usize];
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(convert::range(&doc.text, &doc.lines, h.range, ws.encoding())),
            })
        })
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        self.wait_ready().await;
        let p = params.text_document_position_params;
        self.at("definition", &p.text_document.uri, p.position, |ws, k, slot, offset| {
            let target = ide::definition::definition(&ws.corpora[k].corpus, slot, offset)?;
            location(ws, k, target.document, target.focus_range).map(GotoDefinitionResponse::Scalar)
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.wait_ready().await;
        let p = params.text_document_position;
        let include = params.context.include_declaration;
        let large = self.shared.large_answers.clone();
        let answer = self
            .guard_cancellable("references", move |ws, cancel| {
                let Some((k, slot)) = ws.locate(&p.text_document.uri) else {
                    return Ok(None);
                };
                let doc = &ws.corpora[k].corpus.documents[slot as usize];
                let offset = convert::offset(&doc.text, &doc.lines, p.position, ws.encoding());
                let found = ide::references::references(&ws.corpora[k].corpus, slot, offset, include);
                cancel.check()?;
                let found = locations(ws, k, found.into_iter().map(|l| (l.document, l.range)), cancel)?;
                cancel.check()?;
                let hint = found.size_hint();
                Ok(Some(large_answer::prepare(large.as_ref(), found, hint)))
            })
            .await?;
        // `None` only when the document is in no corpus; no location found is an empty list.
        Ok(answer.map(|found| found.finish(Locations::single).into_vec()))
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        self.wait_ready().await;
        let uri = params.text_document.uri;
        let previous = params.previous_result_id;
        let report = self.guard("diagnostic", |ws| {
            let encoding = ws.encoding();
            let Some((k, slot)) = ws.locate(&uri) else {
                return DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport::default());
            };
            let corpus = &ws.corpora[k].corpus;
            let findings = corpus.findings_of(slot);
            let id = diagnostics::result_id(&findings);
            if previous.as_deref() == Some(id.as_str()) {
                return DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id: id },
                });
            }
            let doc = &corpus.documents[slot as usize];
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: Some(id),
                    items: findings.iter().map(|f| diagnostics::to_lsp(doc, f, encoding)).collect(),
                },
            })
        })?;
        Ok(DocumentDiagnosticReportResult::Report(report))
    }

    async fn workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        self.wait_ready().await;
        let previous: HashMap<Uri, String> = params
            .previous_result_ids
            .into_iter()
            .map(|p| (p.uri, p.value))
            .collect();
        let items = self.guard("workspace/diagnostic", |ws| {
            ws.refresh();
            let encoding = ws.encoding();
            let mut items = Vec::new();
            for c in &ws.corpora {
                for df in c.corpus.findings() {
                    let Some(uri) = Uri::from_file_path(c.root.join(&df.document.path)) else {
                        continue;
                    };
                    let id = diagnostics::result_id(&df.findings);
                    let version = ws.version(&c.root.join(&df.document.path)).map(i64::from);
                    if previous.get(&uri) == Some(&id) {
                        items.push(WorkspaceDocumentDiagnosticReport::Unchanged(
                            WorkspaceUnchangedDocumentDiagnosticReport {
                                uri,
                                version,
                                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                                    result_id: id,
                                },
                            },
                        ));
                    } else {
                        let list = df
                            .findings
                            .iter()
                            .map(|f| diagnostics::to_lsp(df.document, f, encoding))
                            .collect();
                        items.push(WorkspaceDocumentDiagnosticReport::Full(
                            WorkspaceFullDocumentDiagnosticReport {
                                uri,
                                version,
                                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                                    result_id: Some(id),
                                    items: list,
                                },
                            },
                        ));
                    }
                }
            }
            items
        })?;
        Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport {
            items,
        }))
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // `{"annals": {...}}` as most clients send it, or the settings object itself.
        let settings = params.settings.get("annals").cloned().unwrap_or(params.settings);
        self.settings().update(&settings);
        // Only once initialized: before that the client has asked for no hints.
        if self.shared.session.get().is_some() {
            bounded(self.client.inlay_hint_refresh()).await;
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.wait_ready().await;
        let p = params.text_document_position;
        self.at("completion", &p.text_document.uri, p.position, |ws, k, slot, offset| {
            let corpus = &ws.corpora[k].corpus;
            let doc = &corpus.documents[slot as usize];
            let enc = ws.encoding();
            let items: Vec<CompletionItem> = ide::completion::completions(corpus, slot, offset)
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
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.wait_ready().await;
        let uri = params.text_document.uri;
        let range = params.range;
        self.guard("codeAction", |ws| {
            let (k, slot) = ws.locate(&uri)?;
            let enc = ws.encoding();
            let doc = &ws.corpora[k].corpus.documents[slot as usize];
            let range = convert::text_range(&doc.text, &doc.lines, range, enc);
            let assists = ide::assists::assists(&ws.corpora[k].corpus, slot, range);
            let actions = assists
                .into_iter()
                .filter_map(|a| {
                    let doc = &ws.corpora[k].corpus.documents[slot as usize];
                    let diagnostic = diagnostics::to_lsp(doc, &a.fixes, enc);
                    Some(CodeActionOrCommand::CodeAction(CodeAction {
                        title: a.label,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic]),
                        edit: Some(super::features::workspace_edit(ws, k, a.change)?),
                        is_preferred: Some(a.preferred),
                        ..Default::default()
                    }))
                })
                .collect();
            Some(actions)
        })
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        self.wait_ready().await;
        let result = self.guard("prepareRename", |ws| {
            let (k, slot) = ws
                .locate(&params.text_document.uri)
                .ok_or("this document is not part of a corpus")?;
            let doc = &ws.corpora[k].corpus.documents[slot as usize];
            let offset = convert::offset(&doc.text, &doc.lines, params.position, ws.encoding());
            let (range, placeholder) = ide::rename::prepare(&ws.corpora[k].corpus, slot, offset)?;
            Ok::<_, String>(PrepareRenameResponse::RangeWithPlaceholder {
                range: convert::range(&doc.text, &doc.lines, range, ws.encoding()),
                placeholder,
            })
        })?;
        result.map(Some).map_err(Error::invalid_params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.wait_ready().await;
        let p = params.text_document_position;
        let new_name = params.new_name;
        let large = self.shared.large_answers.clone();
        let result = self
            .guard_cancellable("rename", move |ws, cancel| {
                let Some((k, slot)) = ws.locate(&p.text_document.uri) else {
                    return Ok(Err("this document is not part of a corpus".to_string()));
                };
                let doc = &ws.corpora[k].corpus.documents[slot as usize];
                let offset = convert::offset(&doc.text, &doc.lines, p.position, ws.encoding());
                let change = match ide::rename::rename(&ws.corpora[k].corpus, slot, offset, &new_name) {
                    Ok(change) => change,
                    Err(e) => return Ok(Err(e)),
                };
                cancel.check()?;
                let Some(edit) = super::features::workspace_edit(ws, k, change) else {
                    return Ok(Err("the rename could not be expressed as an edit".to_string()));
                };
                cancel.check()?;
                let hint = super::features::workspace_edit_size_hint(&edit);
                Ok(Ok(large_answer::prepare(large.as_ref(), edit, hint)))
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
        self.wait_ready().await;
        self.guard("documentSymbol", |ws| {
            let (k, slot) = ws.locate(&params.text_document.uri)?;
            let doc = &ws.corpora[k].corpus.documents[slot as usize];
            let symbols = ide::symbols::document_symbols(doc);
            Some(DocumentSymbolResponse::Nested(
                symbols
                    .into_iter()
                    .map(|s| super::features::document_symbol(doc, s, ws.encoding()))
                    .collect(),
            ))
        })
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        self.wait_ready().await;
        self.guard_cancellable("workspace/symbol", move |ws, cancel| {
            ws.refresh();
            let mut found = Vec::new();
            for (k, c) in ws.corpora.iter().enumerate() {
                cancel.check()?;
                for s in ide::symbols::workspace_symbols(&c.corpus, &params.query, 256) {
                    let Some(location) = location(ws, k, s.document, s.range) else {
                        continue;
                    };
                    found.push((
                        s.score,
                        WorkspaceSymbol {
                            name: s.name,
                            kind: super::features::workspace_symbol_kind(s.kind),
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
        })
        .await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        self.wait_ready().await;
        self.guard("semanticTokens/full", |ws| {
            let (k, slot) = ws.locate(&params.text_document.uri)?;
            let doc = &ws.corpora[k].corpus.documents[slot as usize];
            let data = super::features::encode_tokens(doc, &ide::highlight::tokens(doc), None, ws.encoding());
            Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data }))
        })
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.wait_ready().await;
        self.guard("semanticTokens/range", |ws| {
            let (k, slot) = ws.locate(&params.text_document.uri)?;
            let doc = &ws.corpora[k].corpus.documents[slot as usize];
            let within = convert::text_range(&doc.text, &doc.lines, params.range, ws.encoding());
            let data = super::features::encode_tokens(doc, &ide::highlight::tokens(doc), Some(within), ws.encoding());
            Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            }))
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.wait_ready().await;
        let settings = *self.settings();
        self.guard("inlayHint", |ws| {
            let (k, slot) = ws.locate(&params.text_document.uri)?;
            let corpus = &ws.corpora[k].corpus;
            let doc = &corpus.documents[slot as usize];
            let range = convert::text_range(&doc.text, &doc.lines, params.range, ws.encoding());
            let hints =
                ide::annotations_view::inlay_hints(corpus, slot, range, settings.entity_hints, settings.claim_hints);
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
        })
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.wait_ready().await;
        self.guard("codeLens", |ws| {
            let (k, slot) = ws.locate(&params.text_document.uri)?;
            let corpus = &ws.corpora[k].corpus;
            let doc = &corpus.documents[slot as usize];
            let uri = ws.corpora[k].uri(slot)?;
            let lenses = ide::annotations_view::code_lenses(corpus, slot)
                .into_iter()
                .map(|lens| {
                    let range = convert::range(&doc.text, &doc.lines, lens.range, ws.encoding());
                    let locations = locations(
                        ws,
                        k,
                        lens.locations.iter().map(|l| (l.document, l.range)),
                        &Cancel::default(),
                    )
                    .unwrap_or_default();
                    CodeLens {
                        range,
                        // A click lists the referring places; editors map this command to their references view.
                        command: Some(Command {
                            title: lens.title,
                            command: "annals.showReferences".into(),
                            arguments: Some(vec![
                                serde_json::to_value(&uri).unwrap_or_default(),
                                serde_json::to_value(range.start).unwrap_or_default(),
                                serde_json::to_value(&locations).unwrap_or_default(),
                            ]),
                        }),
                        data: None,
                    }
                })
                .collect();
            Some(lenses)
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.wait_ready().await;
        self.guard("foldingRange", |ws| {
            let (k, slot) = ws.locate(&params.text_document.uri)?;
            let corpus = &ws.corpora[k].corpus;
            let doc = &corpus.documents[slot as usize];
            let mut ranges: Vec<FoldingRange> = ide::annotations_view::folding_ranges(corpus, slot)
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
        })
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.wait_ready().await;
        self.guard("documentLink", |ws| {
            let (k, slot) = ws.locate(&params.text_document.uri)?;
            let corpus = &ws.corpora[k].corpus;
            let doc = &corpus.documents[slot as usize];
            Some(
                ide::annotations_view::document_links(corpus, slot)
                    .into_iter()
                    .map(|(range, url)| DocumentLink {
                        range: convert::range(&doc.text, &doc.lines, range, ws.encoding()),
                        target: url.parse().ok(),
                        tooltip: None,
                        data: None,
                    })
                    .collect(),
            )
        })
    }
}
