//! A corpus: its root, configuration, documents and index, and the findings of all.
//!
//! This is the one value that both faces (`annals check`, `annals lsp`) analyse.

use crate::config::{self, Config, ConfigError};
use crate::discover::{self, DocumentGlobs, SourceFile};
use crate::document::Document;
use crate::finding::{Finding, RuleCode};
use crate::index::CorpusIndex;
use crate::rules;
use crate::text::{LineIndex, TextRange};
use rayon::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Corpus {
    pub root: PathBuf,
    pub config: Config,
    pub documents: Vec<Document>,
    pub index: CorpusIndex,
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
        let config_path = root.join(config::CONFIG_FILE);
        let text = std::fs::read_to_string(&config_path).map_err(|e| LoadError::ConfigUnreadable(config_path.clone(), e))?;
        let config = Config::parse(&text).map_err(|e| LoadError::Config(config_path.clone(), e))?;
        let globs = DocumentGlobs::new(&config).map_err(LoadError::Globs)?;
        let files = discover::corpus_files(root, &globs);
        let documents: Vec<Document> = files.par_iter().map(read_document).collect();
        Ok(Corpus::from_documents(root.to_path_buf(), config, documents))
    }

    pub fn from_documents(root: PathBuf, config: Config, documents: Vec<Document>) -> Corpus {
        let index = CorpusIndex::build(&documents);
        Corpus { root, config, documents, index }
    }

    pub fn findings_of(&self, slot: u32) -> Vec<Finding> {
        rules::document_findings(&self.documents, &self.index, &self.config, slot)
    }

    /// Findings of every document, in document order, computed in parallel.
    pub fn findings(&self) -> Vec<DocumentFindings<'_>> {
        (0..self.documents.len() as u32)
            .into_par_iter()
            .map(|slot| DocumentFindings { document: &self.documents[slot as usize], findings: self.findings_of(slot) })
            .collect()
    }
}

/// Reads one file into a document; an unreadable or non-UTF-8 file becomes a document with one finding.
pub fn read_document(file: &SourceFile) -> Document {
    let id = discover::document_id(&file.relative);
    let path = file.relative.clone();
    match std::fs::read(&file.path) {
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
            let finding = Finding::new(RuleCode::SyntaxError, TextRange::empty(0), format!("cannot read this file: {e}"));
            Document::unreadable(id, path, file.kind, String::new(), finding)
        }
    }
}
