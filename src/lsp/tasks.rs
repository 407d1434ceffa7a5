//! The server's background work: the first indexing, the commit of files changed on disk,
//! and the publication of diagnostics. Heavy parts run on the blocking pool.

use super::capabilities::{DiagnosticMode, Session};
use super::global_state::GlobalState;
use super::handlers::diagnostics::{Published, publications};
use crate::config;
use crate::corpus::{Corpus, configured_files};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::notification::Progress;
use tower_lsp_server::ls_types::*;

/// How long the server waits for the client's answer to a request of its own.
const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Waits for a client's answer, at most `CLIENT_REQUEST_TIMEOUT`.
pub async fn bounded<T>(fut: impl std::future::Future<Output = tower_lsp_server::jsonrpc::Result<T>>) -> Option<T> {
    tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, fut).await.ok()?.ok()
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

/// Documents from which a corpus is first added as its entities alone (`Corpus::first_look`):
/// below it, the whole corpus loads in about the time the entities take.
const FIRST_LOOK_FROM: usize = 5_000;

/// Indexes the workspace's corpora, reporting `$/progress`, then marks the server ready.
pub fn start_indexing(client: Client, state: Arc<GlobalState>, session: Arc<Session>, ready: watch::Sender<bool>) {
    tokio::spawn(async move {
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
        let indexing = state.clone();
        let (documents, messages) = tokio::task::spawn_blocking(move || {
            let roots: Vec<PathBuf> = folders.iter().flat_map(|f| corpus_roots(f)).collect();
            let mut messages = Vec::new();
            let mut documents = 0;
            for root in roots {
                let (config, files) = match configured_files(&root) {
                    Ok(found) => found,
                    Err(e) => {
                        messages.push(format!("annals: cannot load the corpus at {}: {e}", root.display()));
                        continue;
                    }
                };
                // A large corpus is first added as its entities and the documents open in
                // the editor, whose own findings are published while the rest is read.
                if files.len() >= FIRST_LOOK_FROM {
                    indexing.add_corpus(Corpus::first_look(&root, config.clone(), &files));
                }
                let corpus = Corpus::read(&root, config, &files);
                documents += corpus.live().count();
                indexing.add_corpus(corpus);
            }
            (documents, messages)
        })
        .await
        .unwrap_or_default();
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
        state.indexed.store(true, std::sync::atomic::Ordering::SeqCst);
        ready.send_replace(true);
        // Files opened outside the corpora just loaded: look for theirs now.
        state.change(|_| {});
    });
}

/// Commits files changed on disk, a chunk at a time, whenever `kick` says some changed.
pub fn start_disk_changes(state: Arc<GlobalState>, kick: Arc<Notify>) {
    tokio::spawn(async move {
        loop {
            kick.notified().await;
            loop {
                let state = state.clone();
                let more = tokio::task::spawn_blocking(move || state.apply_disk_changes())
                    .await
                    .unwrap_or(false);
                if !more {
                    break;
                }
            }
        }
    });
}

/// After each commit (debounced): in push mode, publishes what changed; in pull mode, asks
/// the client to pull again.
pub fn start_diagnostics(client: Client, state: Arc<GlobalState>, session: Arc<Session>) {
    tokio::spawn(async move {
        let mut commits = state.commits.subscribe();
        let mut changes = state.changes.subscribe();
        let mut published = Published::default();
        loop {
            // An edit (applied by the snapshot below) or a commit from disk or indexing.
            let woke = tokio::select! {
                c = commits.changed() => c,
                c = changes.changed() => c,
            };
            if woke.is_err() {
                return;
            }
            if !session.delay.is_zero() {
                tokio::time::sleep(session.delay).await;
            }
            commits.mark_unchanged();
            changes.mark_unchanged();
            if session.mode == DiagnosticMode::Pull {
                if session.diagnostic_refresh {
                    bounded(client.workspace_diagnostic_refresh()).await;
                }
                continue;
            }
            // Open documents first, then (if they were deferred) the rest. The next batch is
            // computed on the pool while this one is sent (100,000 dense articles: 100,001
            // reports sent in 2.14-2.68 s, 2.72-2.84 s one step after the other).
            let compute = |state: Arc<GlobalState>, mut published: Published| {
                tokio::task::spawn_blocking(move || {
                    let snapshot = state.snapshot();
                    let (batch, more) = publications(&snapshot, &mut published);
                    (batch, more, published)
                })
            };
            let mut next = Some(compute(state.clone(), std::mem::take(&mut published)));
            while let Some(computing) = next.take() {
                let (batch, more, kept) = computing.await.unwrap_or_default();
                if more {
                    next = Some(compute(state.clone(), kept));
                } else {
                    published = kept;
                }
                for (uri, version, diagnostics) in batch {
                    client.publish_diagnostics(uri, diagnostics, version).await;
                }
            }
        }
    });
}

/// Asks the client to watch the corpus's files, when it can register watchers itself.
pub async fn register_watchers(client: &Client, session: &Session) {
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
    bounded(client.register_capability(vec![registration])).await;
}
