//! A corpus: its root, configuration, documents and index, and the findings of all.
//!
//! This is the one value that both faces (`annals check`, `annals lsp`) analyse.

use crate::config::{self, Config, ConfigError};
use crate::discover::{self, DocumentGlobs, SourceFile};
use crate::document::{Document, DocumentKind};
use crate::finding::{Finding, RuleCode};
use crate::index::CorpusIndex;
use crate::rules;
use crate::slots::DocumentSlot;
use crate::text::{LineIndex, TextRange};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Corpus {
    pub root: PathBuf,
    pub config: Config,
    pub documents: Vec<Document>,
    pub index: CorpusIndex,
    /// Relative path → slot. A slot is the document's stable id for the corpus's life: a
    /// removed document leaves an empty slot (see `is_live`), reused by the next new one, so
    /// that no other document's slot, findings or index entries move.
    paths: HashMap<String, DocumentSlot>,
    /// Empty slots, for the next new documents.
    free: Vec<DocumentSlot>,
    /// The configuration's document globs, compiled once (None when they do not compile).
    globs: Option<DocumentGlobs>,
    /// While the editor's first look at the corpus stands (`first_look`): which
    /// slots hold an article that is only a stand-in. `None` once every document is read.
    stand_ins: Option<Vec<bool>>,
}

/// The documents whose findings may have changed after an edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Affected {
    Some(BTreeSet<DocumentSlot>),
    /// Every document: entity names changed, or slots moved.
    All,
}

impl Affected {
    pub fn contains(&self, slot: DocumentSlot) -> bool {
        match self {
            Affected::Some(set) => set.contains(&slot),
            Affected::All => true,
        }
    }

    pub fn merge(&mut self, other: Affected) {
        match (&mut *self, other) {
            (Affected::All, _) => {}
            (_, Affected::All) => *self = Affected::All,
            (Affected::Some(a), Affected::Some(b)) => a.extend(b),
        }
    }
}

/// Why a corpus could not be analysed at all (check's exit status 2).
#[derive(Debug)]
pub enum LoadError {
    NoCorpus(PathBuf),
    ConfigUnreadable(PathBuf, std::io::Error),
    Config(PathBuf, ConfigError),
    Globs(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NoCorpus(p) => write!(
                f,
                "no corpus found: neither {} nor any folder above it holds an {}; create one at the corpus root (see README, \"The corpus format\")",
                p.display(),
                config::CONFIG_FILE
            ),
            LoadError::ConfigUnreadable(p, e) => write!(f, "{}: cannot read: {e}", p.display()),
            LoadError::Config(p, e) => write!(f, "{}: {e}", p.display()),
            LoadError::Globs(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for LoadError {}

/// One document's findings.
pub struct DocumentFindings<'c> {
    pub document: &'c Document,
    pub findings: Vec<Finding>,
}

impl Corpus {
    /// Finds the corpus that holds `path` (annals.toml upward from it) and loads it.
    pub fn discover(path: &Path) -> Result<Corpus, LoadError> {
        let root = config::find_root(path).ok_or_else(|| LoadError::NoCorpus(path.to_path_buf()))?;
        Corpus::load(&root)
    }

    /// Loads the corpus whose `annals.toml` is in `root`. Files are read and parsed once, in parallel.
    pub fn load(root: &Path) -> Result<Corpus, LoadError> {
        let (config, files) = configured_files(root)?;
        Ok(Corpus::read(root, config, &files))
    }

    /// Reads and parses `files`, the documents of the corpus at `root` (`configured_files`):
    /// read on threads of their own, parsed on the pool (`read_ahead`).
    pub fn read(root: &Path, config: Config, files: &[SourceFile]) -> Corpus {
        let documents = crate::read_ahead::read_each(files, config.max_file_size, document_of);
        Corpus::from_documents(root.to_path_buf(), config, documents)
    }

    /// The editor's first look at the corpus at `root` (its `files`), while the whole of it
    /// loads: the entity documents read, and each article standing in as its
    /// id, path and kind (`Document::stand_in`) until it is opened in the editor (committed
    /// with `set_document_text`). That is all a document's own findings read of the rest of
    /// the corpus (as `annals check`'s sweep shows), so the server can publish them for the
    /// open documents at once, at the cost of reading the entities. `findings_of` gives a
    /// document's own findings only, and none for a stand-in: the findings that follow links
    /// wait for the whole corpus.
    pub fn first_look(root: &Path, config: Config, files: &[SourceFile]) -> Corpus {
        let documents: Vec<Document> = files
            .par_iter()
            .map(|file| match file.kind {
                DocumentKind::Entity => read_document(file, config.max_file_size),
                DocumentKind::Article => Document::stand_in(file),
            })
            .collect();
        let stand_ins = files.iter().map(|f| f.kind == DocumentKind::Article).collect();
        let mut corpus = Corpus::from_documents(root.to_path_buf(), config, documents);
        corpus.stand_ins = Some(stand_ins);
        corpus
    }

    /// The document at `slot` is read now, not a stand-in (an article opened in the editor
    /// during the first look, or a new document in a freed slot).
    fn read_at_last(&mut self, slot: DocumentSlot) {
        if let Some(stand_in) = self.stand_ins.as_mut().and_then(|s| s.get_mut(slot.index())) {
            *stand_in = false;
        }
    }

    /// Whether this is the editor's first look at the corpus (`first_look`).
    pub fn is_first_look(&self) -> bool {
        self.stand_ins.is_some()
    }

    pub fn from_documents(root: PathBuf, config: Config, documents: Vec<Document>) -> Corpus {
        Corpus::from_documents_and(root, config, documents, |_| ()).0
    }

    /// `from_documents`, and `also` of the documents, made beside the index (which leaves a
    /// core idle part of the time): what a face needs of every document before its work.
    pub fn from_documents_and<T: Send>(
        root: PathBuf,
        config: Config,
        documents: Vec<Document>,
        also: impl FnOnce(&[Document]) -> T + Send,
    ) -> (Corpus, T) {
        Corpus::indexed_and(root, config, documents, CorpusIndex::build_for, also)
    }

    /// `from_documents_and` with an index of ids alone (`CorpusIndex::build_ids`): for a face
    /// that follows references by id and runs no rule (`annals site` without its findings).
    pub fn with_ids_and<T: Send>(
        root: PathBuf,
        config: Config,
        documents: Vec<Document>,
        also: impl FnOnce(&[Document]) -> T + Send,
    ) -> (Corpus, T) {
        Corpus::indexed_and(root, config, documents, |d, _| CorpusIndex::build_ids(d), also)
    }

    fn indexed_and<T: Send>(
        root: PathBuf,
        config: Config,
        documents: Vec<Document>,
        index: impl FnOnce(&[Document], &Config) -> CorpusIndex + Send,
        also: impl FnOnce(&[Document]) -> T + Send,
    ) -> (Corpus, T) {
        let (index, also) = rayon::join(|| index(&documents, &config), || also(&documents));
        let paths = documents
            .iter()
            .enumerate()
            .map(|(k, d)| (d.path.clone(), DocumentSlot::new(k)))
            .collect();
        let globs = DocumentGlobs::new(&config).ok();
        let corpus = Corpus {
            root,
            config,
            documents,
            index,
            paths,
            free: Vec::new(),
            globs,
            stand_ins: None,
        };
        (corpus, also)
    }

    /// Whether `slot` holds a document (not the empty place of a removed one).
    pub fn is_live(&self, slot: DocumentSlot) -> bool {
        self.documents.get(slot.index()).is_some_and(|d| !is_vacant(d))
    }

    /// The documents and their slots, without the empty places of removed ones.
    pub fn live(&self) -> impl Iterator<Item = (DocumentSlot, &Document)> + '_ {
        live(&self.documents)
    }

    /// Rebuilds the index and the path table from the documents. Used after a mutation
    /// was interrupted (a caught panic): each document is whole, the index may not be.
    pub fn rebuild_index(&mut self) {
        self.index = CorpusIndex::build_for(&self.documents, &self.config);
        self.paths = self.live().map(|(k, d)| (d.path.clone(), k)).collect();
        self.free = (0..self.documents.len())
            .map(DocumentSlot::new)
            .filter(|&k| !self.is_live(k))
            .collect();
    }

    /// The slot of the document at `relative` (to the root, `/`-separated).
    pub fn slot(&self, relative: &str) -> Option<DocumentSlot> {
        self.paths.get(relative).copied()
    }

    /// Documents whose findings depend on `doc` (at `slot`): those whose references name it,
    /// and those sharing its id (duplicate-id).
    fn neighbours(&self, slot: DocumentSlot, doc: &Document, out: &mut BTreeSet<DocumentSlot>) {
        out.insert(slot);
        if let Some(referrers) = self.index.backlinks.referrers.get(&doc.id) {
            out.extend(referrers.slots());
        }
        if let Some(by_slot) = self.index.entity_references.get(&doc.id) {
            out.extend(by_slot.slots());
        }
        if let Some(same_id) = self.index.documents.get(&doc.id) {
            out.extend(same_id);
        }
    }

    /// The entities whose unused-entity finding may flip: those that `doc` references (all of
    /// them, when `before` is None), or only those it started or stopped referencing.
    fn entities_touched(&self, before: Option<&Document>, doc: &Document, out: &mut BTreeSet<DocumentSlot>) {
        let ids = |d: &Document| {
            d.entity_refs_with_ids()
                .map(|(id, _)| id.to_string())
                .collect::<BTreeSet<String>>()
        };
        let now = ids(doc);
        let changed: Vec<String> = match before {
            Some(old) => ids(old).symmetric_difference(&now).cloned().collect(),
            None => now.into_iter().collect(),
        };
        for id in changed {
            out.extend(self.index.entity(&self.documents, &id));
        }
    }

    /// Replaces (or adds) the document at `relative` with `text`. Costs one document's parse
    /// and index entries, unless entity names change (then every document is affected).
    pub fn set_document_text(&mut self, relative: &str, kind: DocumentKind, text: String) -> Affected {
        let id = discover::document_id(relative);
        let new = Document::new(id, relative.to_string(), kind, text);
        self.replace_document(new)
    }

    /// Puts a read document in place of the one at its path (or adds it).
    pub fn replace_document(&mut self, new: Document) -> Affected {
        let mut affected = BTreeSet::new();
        let Some(slot) = self.slot(&new.path) else {
            let slot = match self.free.pop() {
                Some(slot) => slot,
                None => {
                    self.documents.push(vacant());
                    DocumentSlot::new(self.documents.len() - 1)
                }
            };
            self.read_at_last(slot);
            self.paths.insert(new.path.clone(), slot);
            self.index.add_document(slot, &new);
            let (kind, names) = (new.kind, index_names(&new));
            self.documents[slot.index()] = new;
            let doc = &self.documents[slot.index()];
            self.neighbours(slot, doc, &mut affected);
            self.entities_touched(None, doc, &mut affected);
            // A new id: "did you mean" of references that resolve to nothing may now name it.
            self.unresolved_referrers(kind, &mut affected);
            if kind == DocumentKind::Entity {
                self.index.refresh_entities(&self.documents, &self.config);
                self.holding_names(&names, &mut affected);
            }
            return Affected::Some(affected);
        };
        self.read_at_last(slot);
        let old_names = index_names(&self.documents[slot.index()]);
        let new_names = index_names(&new);
        let kind_changed = self.documents[slot.index()].kind != new.kind;
        self.neighbours(slot, &self.documents[slot.index()], &mut affected);
        let old = std::mem::replace(&mut self.documents[slot.index()], new);
        self.index.remove_document(slot, &old);
        self.index.add_document(slot, &self.documents[slot.index()]);
        self.neighbours(slot, &self.documents[slot.index()], &mut affected);
        // Only the entities this edit started or stopped referencing may change their unused-entity
        // finding: a 1 MB article referencing 2,000 entities re-checks none of them for a typo fix.
        self.entities_touched(Some(&old), &self.documents[slot.index()], &mut affected);
        if kind_changed {
            self.unresolved_referrers(DocumentKind::Entity, &mut affected);
        }
        if kind_changed || old_names != new_names {
            self.index.refresh_entities(&self.documents, &self.config);
            // Only prose that holds a name that came or went can change its unannotated
            // mentions: an alias typed letter by letter re-checks a few documents, not all.
            let changed: Vec<String> = if kind_changed {
                old_names.into_iter().chain(new_names).collect()
            } else {
                let old: BTreeSet<String> = old_names.into_iter().collect();
                let new: BTreeSet<String> = new_names.into_iter().collect();
                old.symmetric_difference(&new).cloned().collect()
            };
            self.holding_names(&changed, &mut affected);
        }
        Affected::Some(affected)
    }

    /// Removes the document at `relative`. Its slot becomes empty; only the documents
    /// that referenced it, that it referenced, or that share its id are affected.
    pub fn remove_document(&mut self, relative: &str) -> Affected {
        let Some(slot) = self.paths.remove(relative) else {
            return Affected::Some(BTreeSet::new());
        };
        let mut affected = BTreeSet::new();
        let old = std::mem::replace(&mut self.documents[slot.index()], vacant());
        self.index.remove_document(slot, &old);
        self.free.push(slot);
        // The emptied slot itself stays in the set: what was shown for it must be cleared.
        self.neighbours(slot, &old, &mut affected);
        self.entities_touched(None, &old, &mut affected);
        self.unresolved_referrers(old.kind, &mut affected);
        if old.kind == DocumentKind::Entity {
            self.index.refresh_entities(&self.documents, &self.config);
            self.holding_names(&index_names(&old), &mut affected);
        }
        Affected::Some(affected)
    }

    /// Documents with a reference that resolves to nothing, of the kind whose set of ids
    /// changed: their "did you mean" suggestions read that set.
    fn unresolved_referrers(&self, kind: DocumentKind, out: &mut BTreeSet<DocumentSlot>) {
        if kind == DocumentKind::Entity {
            for (id, by_slot) in self.index.entity_references.iter() {
                if self.index.entity(&self.documents, id).is_none() {
                    out.extend(by_slot.slots());
                }
            }
        }
        for (id, by_slot) in self.index.backlinks.referrers.iter() {
            if !self.index.documents.contains_key(id) {
                out.extend(by_slot.slots());
            }
        }
    }

    /// Documents whose text holds one of `names` (where an unannotated mention may come or go).
    fn holding_names(&self, names: &[String], out: &mut BTreeSet<DocumentSlot>) {
        let names: Vec<&str> = names.iter().map(String::as_str).filter(|n| !n.is_empty()).collect();
        if names.is_empty() {
            return;
        }
        let Ok(search) = aho_corasick::AhoCorasick::new(&names) else {
            out.extend(self.live().map(|(k, _)| k));
            return;
        };
        let found: Vec<DocumentSlot> = self
            .documents
            .par_iter()
            .enumerate()
            .filter(|(_, d)| search.is_match(d.text.as_str()))
            .map(|(k, _)| DocumentSlot::new(k))
            .collect();
        out.extend(found);
    }

    /// What a file at `relative` is in this corpus, if it is a document.
    pub fn kind_of(&self, relative: &str) -> Option<DocumentKind> {
        self.globs.as_ref()?.kind(relative)
    }

    /// The findings of the document at `slot` (none for an empty slot).
    pub fn findings_of(&self, slot: DocumentSlot) -> Vec<Finding> {
        if !self.is_live(slot) {
            return Vec::new();
        }
        match &self.stand_ins {
            None => rules::document_findings(&self.documents, &self.index, &self.config, slot),
            Some(stand_ins) if stand_ins.get(slot.index()).copied().unwrap_or(false) => Vec::new(),
            Some(_) => rules::own_document_findings(&self.documents, &self.index, &self.config, slot),
        }
    }

    /// Findings of every document, in document order, computed in parallel.
    pub fn findings(&self) -> Vec<DocumentFindings<'_>> {
        (0..self.documents.len())
            .into_par_iter()
            .map(DocumentSlot::new)
            .filter(|&slot| self.is_live(slot))
            .map(|slot| DocumentFindings {
                document: &self.documents[slot.index()],
                findings: self.findings_of(slot),
            })
            .collect()
    }
}

/// The configuration of the corpus whose `annals.toml` is in `root`, and its document files.
pub fn configured_files(root: &Path) -> Result<(Config, Vec<SourceFile>), LoadError> {
    let config_path = root.join(config::CONFIG_FILE);
    let text =
        std::fs::read_to_string(&config_path).map_err(|e| LoadError::ConfigUnreadable(config_path.clone(), e))?;
    let config = Config::parse(&text).map_err(|e| LoadError::Config(config_path.clone(), e))?;
    let globs = DocumentGlobs::new(&config).map_err(LoadError::Globs)?;
    let files = discover::corpus_files(root, &globs);
    Ok((config, files))
}

/// The place of a removed document: no path, no id, no text, in no index.
fn vacant() -> Document {
    Document::new(String::new(), String::new(), DocumentKind::Article, String::new())
}

/// `documents` and their slots, without the empty places of removed ones (`Corpus::live`).
pub fn live(documents: &[Document]) -> impl Iterator<Item = (DocumentSlot, &Document)> + '_ {
    documents
        .iter()
        .enumerate()
        .filter(|(_, d)| !is_vacant(d))
        .map(|(k, d)| (DocumentSlot::new(k), d))
}

fn is_vacant(doc: &Document) -> bool {
    doc.path.is_empty()
}

fn index_names(doc: &Document) -> Vec<String> {
    crate::index::entity_names(doc)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// Sizes for messages: "52428800 bytes (50.0 MiB)".
fn size_text(bytes: u64) -> String {
    format!("{bytes} bytes ({:.1} MiB)", bytes as f64 / (1024.0 * 1024.0))
}

/// The document that stands for a file above the size limit: no text, one finding.
pub fn too_large_document(relative: &str, kind: DocumentKind, size: u64, limit: u64) -> Document {
    let finding = Finding::new(
        RuleCode::FileTooLarge,
        TextRange::empty(0),
        format!(
            "this file is {}, above the corpus's limit of {}: it was skipped, not checked; split it, or raise `max-file-size` in [corpus] of annals.toml",
            size_text(size),
            size_text(limit)
        ),
    );
    let id = discover::document_id(relative);
    Document::unreadable(id, relative.to_string(), kind, String::new(), finding)
}

/// Reads one file into a document; an unreadable, oversized or non-UTF-8 file becomes a
/// document with one finding.
/// The text `read_document` would give the document at `path`, without parsing it (a report
/// places findings in it): lossy for a file that is not UTF-8, empty for one that cannot be
/// read or is too large.
pub fn read_text(path: &Path, limit: u64) -> String {
    match discover::read_source(path, limit) {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(_) => String::new(),
    }
}

pub fn read_document(file: &SourceFile, limit: u64) -> Document {
    document_of(file, discover::read_source(&file.path, limit))
}

/// The document `file` is, from what reading it gave (`discover::read_source`).
pub fn document_of(file: &SourceFile, read: Result<Vec<u8>, discover::ReadError>) -> Document {
    let id = discover::document_id(&file.relative);
    let path = file.relative.clone();
    let bytes = match read {
        Ok(bytes) => Ok(bytes),
        Err(discover::ReadError::TooLarge { size, limit }) => {
            return too_large_document(&file.relative, file.kind, size, limit);
        }
        Err(discover::ReadError::NotAFile) => Err(std::io::Error::other("it is not a regular file")),
        Err(discover::ReadError::Io(e)) => Err(e),
    };
    match bytes {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Document::new(id, path, file.kind, text),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                // The lossy text keeps every valid byte before the first bad one, so `valid` is a position in it.
                let lines = LineIndex::new(&text);
                let at = lines.line_column(&text, valid);
                let range = TextRange::new(valid, valid + text[valid..].chars().next().map_or(0, char::len_utf8));
                let finding = Finding::new(
                    RuleCode::SyntaxError,
                    range,
                    format!(
                        "this file is not UTF-8 (first bad byte at line {}, column {}): save it as UTF-8; nothing in it was checked",
                        at.line + 1,
                        at.column + 1
                    ),
                );
                Document::unreadable(id, path, file.kind, text, finding)
            }
        },
        Err(e) => {
            let finding = Finding::new(
                RuleCode::SyntaxError,
                TextRange::empty(0),
                format!("cannot read this file: {e}"),
            );
            Document::unreadable(id, path, file.kind, String::new(), finding)
        }
    }
}
