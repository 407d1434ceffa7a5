//! Rules: the findings of FORMAT.md section 6 for one document, given the corpus.
//!
//! Each family is a module of plain functions over a `Context`. Problems of form
//! (syntax, front matter types, ids, dates) were already found while reading the
//! document; the rules here add what needs meaning or the rest of the corpus.

mod attributes;
mod claims;
mod documents;
mod mentions;
mod references;

use crate::config::Config;
use crate::document::Document;
use crate::finding::Finding;
use crate::index::CorpusIndex;

/// What a rule sees: the corpus and the one document it judges.
pub struct Context<'c> {
    pub documents: &'c [Document],
    pub index: &'c CorpusIndex,
    pub slot: u32,
    pub doc: &'c Document,
}

/// Every finding of document `slot`, with the configured severities, rules that are off
/// left out, sorted by position and code.
pub fn document_findings(documents: &[Document], index: &CorpusIndex, config: &Config, slot: u32) -> Vec<Finding> {
    let Some(doc) = documents.get(slot as usize) else {
        return Vec::new();
    };
    let cx = Context {
        documents,
        index,
        slot,
        doc,
    };
    let mut out = own_findings(&cx);
    link_findings(&cx, &mut out);
    settle(config, out)
}

/// The findings that need the document's text and syntax. Of the rest of the corpus they
/// read only which documents exist (id, path, kind) and the entity documents, so that
/// `annals check` can judge a document as soon as it is read and the entities are (see sweep.rs).
pub fn own_findings(cx: &Context) -> Vec<Finding> {
    let mut out = cx.doc.problems.clone();
    documents::check(cx, &mut out);
    attributes::check(cx, &mut out);
    claims::check(cx, &mut out);
    references::entity_references(cx, &mut out);
    mentions::unannotated(cx, &mut out);
    out
}

/// The findings that follow links between documents: claim and corpus references, and
/// entities nothing references. They read the document's claims, entity references and
/// front matter, never its text or syntax tree, and need the whole corpus's index.
pub fn link_findings(cx: &Context, out: &mut Vec<Finding>) {
    references::claim_links(cx, out);
    mentions::unused(cx, out);
}

/// Findings as reported: configured severities, rules that are off left out, sorted by
/// position and code.
pub fn settle(config: &Config, mut out: Vec<Finding>) -> Vec<Finding> {
    out.retain_mut(|f| match config.severity(f.code) {
        Some(severity) => {
            f.severity = severity;
            true
        }
        None => false,
    });
    out.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(a.code.cmp(&b.code))
            .then(a.range.end.cmp(&b.range.end))
    });
    out
}
