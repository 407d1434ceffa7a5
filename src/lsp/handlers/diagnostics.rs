//! Findings as diagnostics: pulled for one document, pulled for the workspace, and the
//! publications of push mode. All read the findings cache, so an unchanged document costs
//! a comparison of result ids.

use super::document;
use crate::corpus::Affected;
use crate::lsp::dispatch::{Cancel, Cancelled};
use crate::lsp::findings_cache::ResultId;
use crate::lsp::global_state::Analysis;
use crate::lsp::large_request::PreviousResults;
use crate::lsp::to_proto;
use crate::slots::DocumentSlot;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use tower_lsp_server::ls_types::*;

pub fn document_report(ws: &Analysis, uri: &Uri, previous: Option<&str>) -> DocumentDiagnosticReport {
    let Some((k, slot, doc)) = document(ws, uri) else {
        return DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport::default());
    };
    let c = &ws.corpora[k];
    let found = c.findings.get(&c.corpus, slot);
    if previous.and_then(ResultId::from_wire) == Some(found.result_id) {
        return DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                result_id: found.result_id.to_wire(),
            },
        });
    }
    DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport {
            result_id: Some(found.result_id.to_wire()),
            items: found
                .findings
                .iter()
                .map(|f| to_proto::diagnostic(doc, f, ws.encoding()))
                .collect(),
        },
    })
}

/// Where a workspace pull goes on: the corpus and the first slot not reported yet.
#[derive(Clone, Copy, Debug)]
pub struct Cursor {
    pub corpus: usize,
    pub slot: DocumentSlot,
}

impl Default for Cursor {
    /// The first slot of the first corpus.
    fn default() -> Self {
        Cursor {
            corpus: 0,
            slot: DocumentSlot::new(0),
        }
    }
}

/// Reports for up to `chunk` documents from `cursor` on: in full for each document whose
/// findings differ from the client's `previous` result, nothing for the others (the client
/// keeps what it has, as for a document not mentioned). Returns where to go on, if anywhere.
pub fn workspace_reports(
    ws: &Analysis,
    previous: &PreviousResults,
    cursor: Cursor,
    chunk: usize,
    cancel: &Cancel,
) -> Result<(Vec<WorkspaceDocumentDiagnosticReport>, Option<Cursor>), Cancelled> {
    let Some(c) = ws.corpora.get(cursor.corpus) else {
        return Ok((Vec::new(), None));
    };
    let end = (cursor.slot.index() + chunk).min(c.corpus.documents.len());
    let next = if end < c.corpus.documents.len() {
        Some(Cursor {
            corpus: cursor.corpus,
            slot: DocumentSlot::new(end),
        })
    } else if cursor.corpus + 1 < ws.corpora.len() {
        Some(Cursor {
            corpus: cursor.corpus + 1,
            slot: DocumentSlot::new(0),
        })
    } else {
        None
    };
    let encoding = ws.encoding();
    // Cheap first, in this thread: a document computed already and unchanged needs no rule
    // run, and a pull with nothing new wakes no other thread.
    let todo: Vec<(DocumentSlot, &Uri)> = (cursor.slot.index()..end)
        .map(DocumentSlot::new)
        .filter_map(|slot| {
            let uri = c.uri_ref(slot)?;
            let unchanged = c
                .findings
                .peek(slot)
                .is_some_and(|found| previous.get(uri.as_str()) == Some(&found.result_id));
            (!unchanged).then_some((slot, uri))
        })
        .collect();
    let reports: Vec<Option<WorkspaceDocumentDiagnosticReport>> = todo
        .into_par_iter()
        .map(|(slot, uri)| {
            if cancel.check().is_err() {
                return None;
            }
            let found = c.findings.get(&c.corpus, slot);
            if previous.get(uri.as_str()) == Some(&found.result_id) {
                return None;
            }
            let doc = &c.corpus.documents[slot.index()];
            let version = c.version(slot).map(i64::from);
            Some(WorkspaceDocumentDiagnosticReport::Full(
                WorkspaceFullDocumentDiagnosticReport {
                    uri: uri.clone(),
                    version,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: Some(found.result_id.to_wire()),
                        items: found
                            .findings
                            .iter()
                            .map(|f| to_proto::diagnostic(doc, f, encoding))
                            .collect(),
                    },
                },
            ))
        })
        .collect();
    cancel.check()?;
    Ok((reports.into_iter().flatten().collect(), next))
}

/// What push mode last sent for a slot: to which URI, with which findings.
pub type Published = HashMap<PathBuf, HashMap<DocumentSlot, (Uri, Option<ResultId>)>>;

pub type Publication = (Uri, Option<i32>, Vec<Diagnostic>);

/// Documents whose diagnostics one call of `publications` converts: a first indexing's
/// 10,000 (54,953 diagnostics) at once held 37 MB of them, and the server's memory never
/// went below that peak again; a thousand at a time hold a tenth.
const PUBLICATION_BATCH: usize = 1_000;

/// The diagnostics to push: for every stale document whose findings changed since they
/// were last sent (or that is open, whose version moved), and empty lists for documents
/// removed or cleared. Open documents go first: when closed ones are stale too, they stay
/// stale for the next call, and the second value says so (a first indexing computes the
/// open article's findings, and sends them, before those of the other 12,000). During the
/// first look at a large corpus (`Corpus::first_look`), only open documents are sent. At
/// most `PUBLICATION_BATCH` documents go at a time; the rest wait in order (`postpone`).
pub fn publications(ws: &Analysis, published: &mut Published) -> (Vec<Publication>, bool) {
    let encoding = ws.encoding();
    let mut out = Vec::new();
    let mut deferred = false;
    for c in &ws.corpora {
        let stale = c.take_stale();
        let all: Vec<DocumentSlot> = match &stale {
            Affected::All => (0..c.corpus.documents.len()).map(DocumentSlot::new).collect(),
            Affected::Some(set) => set
                .iter()
                .copied()
                .filter(|s| s.index() < c.corpus.documents.len())
                .collect(),
        };
        let (open, closed): (Vec<DocumentSlot>, Vec<DocumentSlot>) =
            all.iter().partition(|&&slot| c.version(slot).is_some());
        let any_open = !open.is_empty();
        let mut slots = if c.corpus.is_first_look() {
            // Only the open documents have findings yet; the rest wait for the whole corpus.
            open
        } else if open.is_empty() || closed.is_empty() {
            all
        } else {
            c.defer(closed);
            deferred = true;
            open
        };
        if !c.corpus.is_first_look() {
            // An open document's diagnostics wait for no closed one's: the backlog fills
            // only batches without an open document.
            if !any_open && slots.len() < PUBLICATION_BATCH {
                let live = c.corpus.documents.len();
                let postponed = c.take_postponed(PUBLICATION_BATCH - slots.len());
                slots.extend(postponed.into_iter().filter(|s| s.index() < live));
            }
            if slots.len() > PUBLICATION_BATCH {
                c.postpone(slots.split_off(PUBLICATION_BATCH));
            }
            deferred |= c.has_postponed();
        }
        // Findings, and the diagnostics of those that will be sent, on the pool: converting
        // a batch's 5,500 findings on one thread left the other core idle.
        let sent = published.entry(c.root.clone()).or_default();
        let shown = &*sent;
        let computed: Vec<_> = slots
            .par_iter()
            .map(|&slot| {
                let found = c.corpus.is_live(slot).then(|| c.findings.get(&c.corpus, slot));
                let list = found.as_ref().and_then(|found| {
                    let id = (!found.findings.is_empty()).then_some(found.result_id);
                    let shown_id = c
                        .uri_ref(slot)
                        .and_then(|uri| shown.get(&slot).filter(|(u, _)| u == uri))
                        .and_then(|(_, id)| *id);
                    // An open document hears about each version.
                    let version = c.version(slot);
                    if shown_id == id && version.is_none() {
                        return None;
                    }
                    let doc = &c.corpus.documents[slot.index()];
                    Some((
                        id,
                        version,
                        found
                            .findings
                            .iter()
                            .map(|f| to_proto::diagnostic(doc, f, encoding))
                            .collect(),
                    ))
                });
                (slot, list)
            })
            .collect();
        for (slot, list) in computed {
            // Borrowed: most slots of a later publication send nothing, and a copy of each
            // one's URI was an allocation per document on this one thread.
            let now_uri = c.uri_ref(slot);
            // A removed document, or a slot now holding another: clear what was shown there.
            if let Some((old_uri, Some(_))) = sent.get(&slot)
                && now_uri != Some(old_uri)
            {
                out.push((old_uri.clone(), None, Vec::new()));
                sent.remove(&slot);
            }
            // Not live, or unchanged and closed: nothing to send.
            let (Some(uri), Some((id, version, list))) = (now_uri, list) else {
                continue;
            };
            sent.insert(slot, (uri.clone(), id));
            out.push((uri.clone(), version, list));
        }
    }
    (out, deferred)
}
