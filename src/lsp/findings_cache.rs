//! Each document's findings, computed once per change and shared by every request that
//! reads them: pull diagnostics, workspace pulls, publications and code actions.
//!
//! A cell is emptied exactly when an edit's `Affected` set names its document. The result
//! id a client sees is a number handed out when a document's findings differ from the ones
//! it had before, so a document that is re-checked and found the same keeps its id, and an
//! unchanged workspace costs a comparison per document, not a rule run.

use crate::corpus::{Affected, Corpus};
use crate::finding::Finding;
use crate::slots::DocumentSlot;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// One document's findings and the result id they were given.
#[derive(Debug)]
pub struct DocumentFindings {
    pub findings: Vec<Finding>,
    pub result_id: ResultId,
    hash: u64,
}

/// A result id for pull diagnostics: unique in this process, and prefixed with the
/// process's start so that ids from an earlier server never match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResultId(u64);

impl ResultId {
    fn next() -> ResultId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        ResultId(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    #[cfg(test)]
    pub fn for_test(n: u64) -> ResultId {
        ResultId(n)
    }

    pub fn to_wire(self) -> String {
        format!("{}{}", prefix(), self.0)
    }

    /// The id a client sent back, if this process handed it out.
    pub fn from_wire(wire: &str) -> Option<ResultId> {
        // A workspace pull sends back thousands: compare the process's prefix as bytes.
        let n = wire.strip_prefix(prefix())?;
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        n.parse().ok().map(ResultId)
    }
}

/// This process's start, in nanoseconds since 1970, in hexadecimal, and a dash.
fn prefix() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        format!("{epoch:x}-")
    })
}

#[derive(Debug, Default)]
struct Cell {
    now: OnceLock<Arc<DocumentFindings>>,
    /// The findings' hash and id before the last invalidation, to keep the id when they are the same.
    before: Option<(u64, ResultId)>,
}

/// The findings of every slot of one corpus, filled on demand.
#[derive(Debug, Default)]
pub struct FindingsCache {
    cells: Vec<Cell>,
}

fn hash_of(findings: &[Finding]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    for f in findings {
        f.code.as_str().hash(&mut hasher);
        f.severity.hash(&mut hasher);
        f.range.hash(&mut hasher);
        f.message.hash(&mut hasher);
        f.suggestion.hash(&mut hasher);
    }
    hasher.finish()
}

impl FindingsCache {
    /// The findings of `slot`, computed now if no request computed them since the last change.
    pub fn get(&self, corpus: &Corpus, slot: DocumentSlot) -> Arc<DocumentFindings> {
        let Some(cell) = self.cells.get(slot.index()) else {
            // A slot the cache has not heard of yet (it grows at commit): compute, keep nothing.
            return Arc::new(fresh(corpus.findings_of(slot), None));
        };
        cell.now
            .get_or_init(|| Arc::new(fresh(corpus.findings_of(slot), cell.before)))
            .clone()
    }

    /// The findings of `slot` if they are computed already.
    pub fn peek(&self, slot: DocumentSlot) -> Option<&Arc<DocumentFindings>> {
        self.cells.get(slot.index())?.now.get()
    }

    /// Forgets the findings of the affected documents (of every one for `Affected::All`).
    pub fn invalidate(&mut self, affected: &Affected, slots: usize) {
        if self.cells.len() < slots {
            self.cells.resize_with(slots, Cell::default);
        }
        match affected {
            Affected::All => self.cells.iter_mut().for_each(Cell::forget),
            Affected::Some(set) => {
                for &slot in set {
                    if let Some(cell) = self.cells.get_mut(slot.index()) {
                        cell.forget();
                    }
                }
            }
        }
    }

    /// Forgets `slot`'s findings and its result id: the next ones get a new id even if they
    /// are the same (a closed document must be reported again in full, see `Analysis`).
    pub fn renew(&mut self, slot: DocumentSlot) {
        if let Some(cell) = self.cells.get_mut(slot.index()) {
            *cell = Cell::default();
        }
    }
}

impl Cell {
    fn forget(&mut self) {
        if let Some(now) = self.now.take() {
            self.before = Some((now.hash, now.result_id));
        }
    }
}

fn fresh(mut findings: Vec<Finding>, before: Option<(u64, ResultId)>) -> DocumentFindings {
    // Kept until the document changes, for every document: without the room the rules grew
    // them with (10,000 articles, dense shape: 14.8 MB of findings, 11.6 MB trimmed).
    findings.shrink_to_fit();
    for f in &mut findings {
        if let std::borrow::Cow::Owned(message) = &mut f.message {
            message.shrink_to_fit();
        }
    }
    let hash = hash_of(&findings);
    let result_id = match before {
        Some((h, id)) if h == hash => id,
        _ => ResultId::next(),
    };
    DocumentFindings {
        findings,
        result_id,
        hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::document::{Document, DocumentKind};
    use std::collections::BTreeSet;

    fn corpus(body: &str) -> Corpus {
        let text = format!("---\ntitle: T\npublished: 2022-04-02\n---\n{body}\n");
        let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text);
        Corpus::from_documents("/c".into(), Config::default(), vec![doc])
    }

    #[test]
    fn the_same_findings_keep_their_id_and_new_ones_get_another() {
        let (c, a) = (corpus("[x]{e=nobody}"), DocumentSlot::new(0));
        let mut cache = FindingsCache::default();
        cache.invalidate(&Affected::All, 1);
        let first = cache.get(&c, a);
        assert!(!first.findings.is_empty());
        assert!(Arc::ptr_eq(&first, &cache.get(&c, a)), "computed once");
        cache.invalidate(&Affected::Some(BTreeSet::from([a])), 1);
        let again = cache.get(&c, a);
        assert!(!Arc::ptr_eq(&first, &again), "recomputed after invalidation");
        assert_eq!(first.result_id, again.result_id, "same findings, same id");
        let other = corpus("[x]{e=somebody}");
        cache.invalidate(&Affected::All, 1);
        assert_ne!(cache.get(&other, a).result_id, first.result_id);
        cache.renew(a);
        assert_ne!(cache.get(&other, a).result_id, first.result_id);
        let wire = first.result_id.to_wire();
        assert_eq!(ResultId::from_wire(&wire), Some(first.result_id));
        assert_eq!(ResultId::from_wire("1-1"), None, "an id of another process");
        assert_eq!(ResultId::from_wire(&format!("{wire}x")), None);
        assert_eq!(ResultId::from_wire(prefix()), None);
    }
}
