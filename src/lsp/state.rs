//! The server's state: the corpora of the workspace and the documents the editor has open.
//!
//! Notifications change this state synchronously, under one lock, before any `.await`,
//! so edits apply in the order they arrive. Open documents are ropes; the corpus sees
//! their text when it is refreshed (lazily, before a request or a diagnostics run), and
//! only the documents edited since the last refresh are parsed again.

use super::convert::Encoding;
use crate::config;
use crate::corpus::{Affected, Corpus};
use crate::discover;
use crate::document::{Document, DocumentKind};
use ropey::Rope;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::Uri;

pub struct OpenDocument {
    pub rope: Rope,
    pub version: i32,
}

pub struct CorpusState {
    pub root: PathBuf,
    pub corpus: Corpus,

    /// Relative paths whose text changed since the last refresh (open edits, files on disk).
    dirty: BTreeSet<String>,
    /// Documents whose findings may have changed since diagnostics were last published.
    pub stale: Affected,
    /// Documents with findings in the last publication, so that cleared ones get an empty list.
    pub published: HashSet<String>,
}

impl CorpusState {
    pub fn new(corpus: Corpus) -> Self {
        CorpusState {
            root: corpus.root.clone(),
            corpus,

            dirty: BTreeSet::new(),
            stale: Affected::All,
            published: HashSet::new(),
        }
    }

    pub fn relative(&self, path: &Path) -> Option<String> {
        discover::relative_path(&self.root, path)
    }

    pub fn kind(&self, relative: &str) -> Option<DocumentKind> {
        self.corpus.kind_of(relative)
    }

    pub fn uri(&self, slot: u32) -> Option<Uri> {
        let doc = self.corpus.documents.get(slot as usize)?;
        Uri::from_file_path(self.root.join(&doc.path))
    }
}

#[derive(Default)]
pub struct Workspace {
    pub corpora: Vec<CorpusState>,
    /// Open documents by absolute path.
    pub open: HashMap<PathBuf, OpenDocument>,
    pub encoding: Option<Encoding>,
}

pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let path = uri.to_file_path()?;
    Some(std::path::absolute(&path).unwrap_or_else(|_| path.into_owned()))
}

impl Workspace {
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

    /// Marks an open or changed file as needing a new parse.
    pub fn touch(&mut self, path: &Path) {
        if let Some(k) = self.corpus_of(path) {
            let c = &mut self.corpora[k];
            if let Some(rel) = c.relative(path)
                && c.kind(&rel).is_some()
            {
                c.dirty.insert(rel);
            }
        }
    }

    /// Brings every corpus up to date with the open documents and changed files:
    /// each dirty document is parsed again from its rope (or from disk when closed).
    /// The rules of `annals check` hold here too: a file above the size limit is not
    /// analysed, and a link out of the corpus root is not followed.
    pub fn refresh(&mut self) {
        for k in 0..self.corpora.len() {
            let dirty = std::mem::take(&mut self.corpora[k].dirty);
            for rel in dirty {
                let c = &self.corpora[k];
                let abs = c.root.join(&rel);
                let Some(kind) = c.kind(&rel) else { continue };
                let limit = c.corpus.config.max_file_size;
                let document = if discover::leads_outside(&c.root, &abs) {
                    None
                } else if let Some(open) = self.open.get(&abs) {
                    let size = open.rope.len_bytes() as u64;
                    Some(if size > limit {
                        crate::corpus::too_large_document(&rel, kind, size, limit)
                    } else {
                        Document::new(discover::document_id(&rel), rel.clone(), kind, open.rope.to_string())
                    })
                } else if abs.exists() {
                    let file = discover::SourceFile {
                        path: abs,
                        relative: rel.clone(),
                        kind,
                    };
                    Some(crate::corpus::read_document(&file, limit))
                } else {
                    None
                };
                let c = &mut self.corpora[k];
                let affected = match document {
                    Some(document) => c.corpus.replace_document(document),
                    None => c.corpus.remove_document(&rel),
                };
                c.stale.merge(affected);
            }
        }
    }

    /// Loads the corpus at `root` unless it is loaded already; returns its index.
    pub fn ensure_corpus(&mut self, root: &Path) -> Result<usize, crate::corpus::LoadError> {
        if let Some(k) = self.corpora.iter().position(|c| c.root == root) {
            return Ok(k);
        }
        let corpus = Corpus::load(root)?;
        Ok(self.add_corpus(corpus))
    }

    /// Adds a loaded corpus; documents already open in it take their editor text.
    pub fn add_corpus(&mut self, corpus: Corpus) -> usize {
        if let Some(k) = self.corpora.iter().position(|c| c.root == corpus.root) {
            self.corpora[k] = CorpusState::new(corpus);
            self.mark_open_dirty(k);
            return k;
        }
        self.corpora.push(CorpusState::new(corpus));
        let k = self.corpora.len() - 1;
        self.mark_open_dirty(k);
        k
    }

    fn mark_open_dirty(&mut self, k: usize) {
        let open: Vec<PathBuf> = self.open.keys().cloned().collect();
        for path in open {
            if self.corpus_of(&path) == Some(k) {
                self.touch(&path);
            }
        }
    }

    /// Finds the corpus of a file that belongs to none loaded yet (annals.toml upward) and loads it.
    pub fn discover_for(&mut self, path: &Path) -> Option<usize> {
        if let Some(k) = self.corpus_of(path) {
            return Some(k);
        }
        let root = config::find_root(path.parent()?)?;
        self.ensure_corpus(&root).ok()
    }

    /// The corpus index and slot of the document at `uri`, after a refresh.
    pub fn locate(&mut self, uri: &Uri) -> Option<(usize, u32)> {
        let path = path_of(uri)?;
        let k = self.corpus_of(&path)?;
        self.refresh();
        let c = &self.corpora[k];
        let slot = c.corpus.slot(&c.relative(&path)?)?;
        Some((k, slot))
    }

    /// The editor's version of an open document.
    pub fn version(&self, path: &Path) -> Option<i32> {
        self.open.get(path).map(|d| d.version)
    }
}
