//! The server's state: one writer, many readers.
//!
//! - **Inputs** (`Inputs`): what notifications change: the editor's open texts and which
//!   files changed. Notifications update them under a short lock, synchronously, so they
//!   apply in the order they arrive; nothing is parsed there.
//! - **Analysis** (`Analysis`): the corpora, their indexes and cached findings, behind a
//!   read-write lock. Requests read it on the blocking pool, many at once (a `Snapshot` is
//!   the read guard: immutable while held). One writer at a time (`writer`) parses changed
//!   texts outside the lock and commits them under the write lock, which is short.
//! - Edits the editor made must be seen by the next request: `apply_edits` runs before each
//!   request and commits open documents' texts (and corpora found for files opened outside
//!   every corpus). Files changed on disk, and reloaded configurations, are committed in
//!   the background (`apply_disk_changes`, in chunks), so a branch switch of 5,000 files
//!   does not hold up a hover.
//! - A writer waits for readers to leave. Long requests check `Cancel`, which also fails
//!   with `ContentModified` once an edit arrived after their snapshot was taken.

use super::convert::Encoding;
use super::findings_cache::FindingsCache;
use crate::config;
use crate::corpus::{Affected, Corpus, LoadError};
use crate::discover;
use crate::document::{Document, DocumentKind};
use crate::slots::DocumentSlot;
use ropey::Rope;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use tower_lsp_server::ls_types::Uri;

/// How many changed files on disk one background commit takes: a request waits at most
/// for one such chunk.
const DISK_CHUNK: usize = 256;

pub struct OpenDocument {
    pub rope: Rope,
    pub version: i32,
}

/// What notifications change. Cheap operations only: this lock is taken on the runtime's threads.
#[derive(Default)]
pub struct Inputs {
    /// Open documents by absolute path.
    pub open: HashMap<PathBuf, OpenDocument>,
    /// Files whose text the next request must see: edited, opened or closed in the editor.
    edited: BTreeSet<PathBuf>,
    /// Files changed on disk while closed in the editor.
    on_disk: BTreeSet<PathBuf>,
    /// Corpus roots whose annals.toml changed.
    reload: BTreeSet<PathBuf>,
    /// Files opened in no loaded corpus: their corpus is looked for before the next request.
    orphans: BTreeSet<PathBuf>,
    /// Files just closed: their next workspace report is sent in full (see `FindingsCache::renew`).
    closed: BTreeSet<PathBuf>,
    /// Writers that took edits from here and have not committed them yet: a request must
    /// wait for them, or it would read the analysis from before those edits.
    in_flight: usize,
}

impl Inputs {
    pub fn open(&mut self, path: PathBuf, document: OpenDocument) {
        self.open.insert(path.clone(), document);
        self.orphans.insert(path.clone());
        self.edited.insert(path);
    }

    pub fn edited(&mut self, path: PathBuf) {
        self.edited.insert(path);
    }

    pub fn close(&mut self, path: PathBuf) {
        self.open.remove(&path);
        self.closed.insert(path.clone());
        self.edited.insert(path);
    }

    pub fn changed_on_disk(&mut self, path: PathBuf) {
        if path.file_name().is_some_and(|n| n == config::CONFIG_FILE) {
            if let Some(root) = path.parent() {
                self.reload.insert(root.to_path_buf());
            }
        } else if !self.open.contains_key(&path) {
            self.on_disk.insert(path);
        }
    }

    fn has_edits(&self) -> bool {
        !self.edited.is_empty() || !self.orphans.is_empty() || !self.closed.is_empty()
    }
}

/// One corpus as the server holds it.
pub struct CorpusState {
    pub root: PathBuf,
    pub corpus: Corpus,
    pub findings: FindingsCache,
    /// Documents whose findings may have changed since the last publication (push mode).
    pub stale: Mutex<Affected>,
    /// Stale documents left for the next publications, in order (`postpone`).
    backlog: Mutex<VecDeque<DocumentSlot>>,
    /// Each slot's URI, built once (a workspace pull compares thousands of them).
    uris: Vec<Option<Uri>>,
    /// The editor's version of each open document's committed text, by slot.
    versions: rustc_hash::FxHashMap<DocumentSlot, i32>,
}

impl CorpusState {
    fn new(corpus: Corpus) -> Self {
        let mut state = CorpusState {
            root: corpus.root.clone(),
            uris: Vec::new(),
            versions: Default::default(),
            findings: FindingsCache::default(),
            stale: Mutex::new(Affected::All),
            backlog: Mutex::default(),
            corpus,
        };
        state.findings.invalidate(&Affected::All, state.corpus.documents.len());
        state.uris = (0..state.corpus.documents.len())
            .map(|slot| state.make_uri(DocumentSlot::new(slot)))
            .collect();
        state
    }

    pub fn relative(&self, path: &Path) -> Option<String> {
        discover::relative_path(&self.root, path)
    }

    pub fn kind(&self, relative: &str) -> Option<DocumentKind> {
        self.corpus.kind_of(relative)
    }

    fn make_uri(&self, slot: DocumentSlot) -> Option<Uri> {
        if !self.corpus.is_live(slot) {
            return None;
        }
        Uri::from_file_path(self.root.join(&self.corpus.documents[slot.index()].path))
    }

    /// The URI of the document at `slot` (none for an empty slot).
    pub fn uri(&self, slot: DocumentSlot) -> Option<Uri> {
        self.uris.get(slot.index()).cloned().flatten()
    }

    pub fn uri_ref(&self, slot: DocumentSlot) -> Option<&Uri> {
        self.uris.get(slot.index())?.as_ref()
    }

    /// The editor's version of the open document at `slot`, as analysed (none when closed).
    pub fn version(&self, slot: DocumentSlot) -> Option<i32> {
        self.versions.get(&slot).copied()
    }

    /// Puts documents back among the stale ones, for the next publication.
    pub fn defer(&self, slots: Vec<DocumentSlot>) {
        lock(&self.stale).merge(Affected::Some(slots.into_iter().collect()));
    }

    /// Leaves stale documents for the next publications. Not put back among the stale:
    /// taking the next batch from there would cost the whole remainder every batch.
    pub fn postpone(&self, slots: Vec<DocumentSlot>) {
        lock(&self.backlog).extend(slots);
    }

    /// Up to `n` postponed documents, oldest first.
    pub fn take_postponed(&self, n: usize) -> Vec<DocumentSlot> {
        let mut backlog = lock(&self.backlog);
        let n = n.min(backlog.len());
        backlog.drain(..n).collect()
    }

    pub fn has_postponed(&self) -> bool {
        !lock(&self.backlog).is_empty()
    }

    pub fn take_stale(&self) -> Affected {
        std::mem::replace(&mut lock(&self.stale), Affected::Some(BTreeSet::new()))
    }

    /// Applies one document's new text (or its removal). A panic inside leaves the corpus
    /// consistent: its index is rebuilt from the documents, each of which is whole.
    fn commit(
        &mut self,
        relative: &str,
        document: Option<Document>,
        version: Option<i32>,
        test_panic: bool,
    ) -> Affected {
        let before = self.corpus.slot(relative);
        let corpus = &mut self.corpus;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if test_panic && let Some(slot) = corpus.slot(relative) {
                // The test hook: a bug between removing a document's entries and adding new ones.
                let doc = std::mem::replace(
                    &mut corpus.documents[slot.index()],
                    Document::new(String::new(), String::new(), DocumentKind::Article, String::new()),
                );
                corpus.index.remove_document(slot, &doc);
                corpus.documents[slot.index()] = doc;
                panic!("annals: test hook: a panic in the middle of a commit");
            }
            match document {
                Some(document) => corpus.replace_document(document),
                None => corpus.remove_document(relative),
            }
        }));
        let affected = match outcome {
            Ok(affected) => affected,
            Err(_) => {
                self.corpus.rebuild_index();
                Affected::All
            }
        };
        let slots = self.corpus.documents.len();
        self.findings.invalidate(&affected, slots);
        if self.uris.len() < slots {
            self.uris.resize(slots, None);
        }
        // The slot this path had and the one it has now (a removal empties one, an addition fills one).
        let after = self.corpus.slot(relative);
        let rebuilt = matches!(affected, Affected::All);
        let moved: Vec<DocumentSlot> = if rebuilt {
            (0..slots).map(DocumentSlot::new).collect()
        } else {
            before.into_iter().chain(after).collect()
        };
        for k in moved {
            self.uris[k.index()] = self.make_uri(k);
        }
        if let Some(slot) = before {
            self.versions.remove(&slot);
        }
        if let (Some(slot), Some(version)) = (after, version) {
            self.versions.insert(slot, version);
        }
        lock(&self.stale).merge(affected.clone());
        affected
    }
}

/// What requests read: the corpora and the encoding of positions.
#[derive(Default)]
pub struct Analysis {
    pub corpora: Vec<CorpusState>,
    pub encoding: Option<Encoding>,
}

pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let path = uri.to_file_path()?;
    Some(std::path::absolute(&path).unwrap_or_else(|_| path.into_owned()))
}

impl Analysis {
    pub fn encoding(&self) -> Encoding {
        self.encoding.unwrap_or(Encoding::Utf16)
    }

    /// The corpus whose root holds `path` (the deepest, when corpora nest).
    pub fn corpus_of(&self, path: &Path) -> Option<usize> {
        self.corpora
            .iter()
            .enumerate()
            .filter(|(_, c)| path.starts_with(&c.root))
            .max_by_key(|(_, c)| c.root.components().count())
            .map(|(k, _)| k)
    }

    /// The corpus and slot of the document at `uri`.
    pub fn locate(&self, uri: &Uri) -> Option<(usize, DocumentSlot)> {
        let path = path_of(uri)?;
        let k = self.corpus_of(&path)?;
        let c = &self.corpora[k];
        let slot = c.corpus.slot(&c.relative(&path)?)?;
        Some((k, slot))
    }

    /// Adds a loaded corpus, or puts it in place of the one with its root.
    fn add_corpus(&mut self, corpus: Corpus) -> usize {
        let state = CorpusState::new(corpus);
        if let Some(k) = self.corpora.iter().position(|c| c.root == state.root) {
            self.corpora[k] = state;
            return k;
        }
        self.corpora.push(state);
        self.corpora.len() - 1
    }
}

/// A read of the analysis: immutable while held; any number at once.
pub struct Snapshot<'a> {
    analysis: RwLockReadGuard<'a, Analysis>,
    /// The input generation it reflects.
    pub generation: u64,
}

impl std::ops::Deref for Snapshot<'_> {
    type Target = Analysis;
    fn deref(&self) -> &Analysis {
        &self.analysis
    }
}

/// How many cores a parse may take.
#[derive(Clone, Copy)]
enum Cores {
    All,
    One,
}

/// A document read or parsed outside the locks, ready to commit.
struct Prepared {
    corpus: PathBuf,
    relative: String,
    document: Option<Document>,
    version: Option<i32>,
}

#[derive(Default)]
pub struct GlobalState {
    inputs: Mutex<Inputs>,
    analysis: RwLock<Analysis>,
    /// One writer at a time: commits keep the order of the texts they read.
    writer: Mutex<()>,
    /// Bumped by every change of the inputs.
    generation: AtomicU64,
    /// Bumped by every commit; held workspace pulls and the diagnostics task wait on it.
    pub commits: tokio::sync::watch::Sender<u64>,
    /// Bumped by every change of the inputs; the diagnostics task waits on it.
    pub changes: tokio::sync::watch::Sender<u64>,
    /// A document whose path ends with this panics in the middle of its commit (tests only).
    pub test_panic_suffix: Option<String>,
    /// Set when the first indexing is done: until then, files opened outside the corpora
    /// wait (their corpus is most likely being loaded already).
    pub indexed: std::sync::atomic::AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic is caught where state changes; should one poison a lock, the state is still whole.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl GlobalState {
    pub fn new(test_panic_suffix: Option<String>) -> Self {
        GlobalState {
            test_panic_suffix,
            ..GlobalState::default()
        }
    }

    /// Changes the inputs (a notification). Cheap: runs on the runtime's threads.
    pub fn change(&self, f: impl FnOnce(&mut Inputs)) {
        f(&mut lock(&self.inputs));
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.changes.send_modify(|n| *n += 1);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn set_encoding(&self, encoding: Encoding) {
        self.write().encoding = Some(encoding);
    }

    fn write(&self) -> RwLockWriteGuard<'_, Analysis> {
        self.analysis.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The analysis as it stands, without applying anything (for work that may lag, such as
    /// the publication of a closed document's findings).
    pub fn read(&self) -> Snapshot<'_> {
        let generation = self.generation();
        Snapshot {
            analysis: self.analysis.read().unwrap_or_else(PoisonError::into_inner),
            generation,
        }
    }

    /// The analysis with every edit made in the editor so far. Blocking: call it on the pool.
    pub fn snapshot(&self) -> Snapshot<'_> {
        self.apply_edits();
        self.read()
    }

    /// Commits the open documents' edits, and loads the corpora of files opened outside
    /// every loaded corpus.
    pub fn apply_edits(&self) {
        {
            let inputs = lock(&self.inputs);
            if !inputs.has_edits() && inputs.in_flight == 0 {
                return;
            }
        }
        // Waits for a writer that took edits before us, then takes what is left.
        let _writer = lock(&self.writer);
        let indexed = self.indexed.load(Ordering::SeqCst);
        let (edited, orphans, closed) = {
            let mut inputs = lock(&self.inputs);
            if !inputs.has_edits() {
                return;
            }
            let orphans = if indexed {
                std::mem::take(&mut inputs.orphans)
            } else {
                BTreeSet::new()
            };
            inputs.in_flight += 1;
            (
                std::mem::take(&mut inputs.edited),
                orphans,
                std::mem::take(&mut inputs.closed),
            )
        };
        // Committed (or abandoned by a panic): readers need not wait any more.
        struct Done<'a>(&'a Mutex<Inputs>);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                lock(self.0).in_flight -= 1;
            }
        }
        let _done = Done(&self.inputs);
        // Corpora for files outside every loaded one (annals.toml upward), loaded outside the lock.
        let roots: BTreeSet<PathBuf> = {
            let analysis = self.read();
            orphans
                .iter()
                .filter(|p| analysis.corpus_of(p).is_none())
                .filter_map(|p| config::find_root(p.parent()?))
                .collect()
        };
        for root in roots {
            if let Ok(corpus) = Corpus::load(&root) {
                self.add_corpus(corpus);
            }
        }
        let prepared = self.prepare(edited.into_iter().collect(), Cores::All);
        self.commit(prepared, &closed);
    }

    /// Commits up to one chunk of files changed on disk, and reloads changed configurations.
    /// Returns whether more wait.
    pub fn apply_disk_changes(&self) -> bool {
        let _writer = lock(&self.writer);
        let (paths, reload, more) = {
            let mut inputs = lock(&self.inputs);
            let mut paths = Vec::new();
            while paths.len() < DISK_CHUNK {
                let Some(path) = inputs.on_disk.pop_first() else { break };
                if !inputs.open.contains_key(&path) {
                    paths.push(path);
                }
            }
            let reload = std::mem::take(&mut inputs.reload);
            (paths, reload, !inputs.on_disk.is_empty())
        };
        for root in reload {
            match Corpus::load(&root) {
                Ok(corpus) => {
                    self.add_corpus(corpus);
                }
                Err(LoadError::NoCorpus(_) | LoadError::ConfigUnreadable(..)) => {
                    self.write().corpora.retain(|c| c.root != root);
                    self.bump_commits();
                }
                // A configuration that does not parse: keep analysing with the last good one.
                Err(_) => {}
            }
        }
        if !paths.is_empty() {
            let prepared = self.prepare(paths, Cores::One);
            self.commit(prepared, &BTreeSet::new());
        }
        more
    }

    /// Puts a loaded corpus in place; its open documents take their editor text.
    pub fn add_corpus(&self, corpus: Corpus) {
        let root = corpus.root.clone();
        {
            let mut analysis = self.write();
            analysis.add_corpus(corpus);
        }
        // Open documents of this corpus: their editor text, not the disk's, is the document.
        let open: Vec<PathBuf> = lock(&self.inputs)
            .open
            .keys()
            .filter(|p| p.starts_with(&root))
            .cloned()
            .collect();
        let prepared = self.prepare(open, Cores::All);
        self.commit(prepared, &BTreeSet::new());
        self.bump_commits();
    }

    /// Reads (from the editor, else from disk) and parses the documents at `paths`, holding
    /// no lock of the analysis: on every core for edits a request waits for, on one core for
    /// files changed on disk, so that requests keep the other.
    fn prepare(&self, paths: Vec<PathBuf>, cores: Cores) -> Vec<Prepared> {
        struct Target {
            corpus: PathBuf,
            relative: String,
            path: PathBuf,
            kind: DocumentKind,
            limit: u64,
            outside: bool,
        }
        let targets: Vec<Target> = {
            let analysis = self.read();
            paths
                .into_iter()
                .filter_map(|path| {
                    let c = &analysis.corpora[analysis.corpus_of(&path)?];
                    let relative = c.relative(&path)?;
                    let kind = c.kind(&relative)?;
                    Some(Target {
                        corpus: c.root.clone(),
                        outside: discover::leads_outside(&c.root, &path),
                        limit: c.corpus.config.max_file_size,
                        relative,
                        path,
                        kind,
                    })
                })
                .collect()
        };
        // The editor's texts, copied out under the inputs lock (a rope copies fast).
        let texts: Vec<Option<(String, i32)>> = {
            let inputs = lock(&self.inputs);
            targets
                .iter()
                .map(|t| inputs.open.get(&t.path).map(|o| (o.rope.to_string(), o.version)))
                .collect()
        };
        use rayon::prelude::*;
        let min_len = match cores {
            Cores::All => 1,
            Cores::One => usize::MAX,
        };
        targets
            .into_par_iter()
            .zip(texts)
            .with_min_len(min_len)
            .map(|(t, text)| {
                let (document, version) = if t.outside {
                    (None, None)
                } else if let Some((text, version)) = text {
                    let size = text.len() as u64;
                    let doc = if size > t.limit {
                        crate::corpus::too_large_document(&t.relative, t.kind, size, t.limit)
                    } else {
                        Document::new(discover::document_id(&t.relative), t.relative.clone(), t.kind, text)
                    };
                    (Some(doc), Some(version))
                } else if t.path.exists() {
                    let file = discover::SourceFile {
                        path: t.path.clone(),
                        relative: t.relative.clone(),
                        kind: t.kind,
                    };
                    (Some(crate::corpus::read_document(&file, t.limit)), None)
                } else {
                    (None, None)
                };
                Prepared {
                    corpus: t.corpus,
                    relative: t.relative,
                    document,
                    version,
                }
            })
            .collect()
    }

    /// Commits prepared documents under the write lock.
    fn commit(&self, prepared: Vec<Prepared>, closed: &BTreeSet<PathBuf>) {
        if prepared.is_empty() && closed.is_empty() {
            return;
        }
        // One write lock per document: a reader waits for one document's index update, not
        // for a chunk of 256 (a hover after a branch switch).
        for p in prepared {
            let mut analysis = self.write();
            let Some(k) = analysis.corpora.iter().position(|c| c.root == p.corpus) else {
                continue;
            };
            let test_panic = self
                .test_panic_suffix
                .as_deref()
                .is_some_and(|s| p.relative.ends_with(s) && p.document.is_some());
            analysis.corpora[k].commit(&p.relative, p.document, p.version, test_panic);
        }
        let mut analysis = self.write();
        for path in closed {
            if let Some(k) = analysis.corpus_of(path) {
                let c = &mut analysis.corpora[k];
                if let Some(slot) = c.relative(path).and_then(|r| c.corpus.slot(&r)) {
                    c.findings.renew(slot);
                }
            }
        }
        drop(analysis);
        self.bump_commits();
    }

    /// Holds the writer for `time`, as a long commit would (a test hook).
    pub fn hold_writer(&self, time: std::time::Duration) {
        let _writer = lock(&self.writer);
        let _analysis = self.write();
        std::thread::sleep(time);
    }

    pub fn bump_commits(&self) {
        self.commits.send_modify(|n| *n += 1);
    }
}
