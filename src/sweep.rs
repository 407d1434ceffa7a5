//! A sweep: every document of a corpus judged once, for `annals check`.
//!
//! The language server keeps the whole corpus (`Corpus`) to answer queries; a check only
//! needs each document's findings. Most of a document's memory is its syntax tree, and
//! every byte of it is a page the kernel must zero, so a sweep judges each document as
//! soon as it is read and drops its syntax before the next ones are read:
//!
//! 1. Entity documents are read first (in parallel): other documents' rules need their
//!    names and aliases. Articles stand in as empty documents that carry only id, path and
//!    kind, which is all of another document that `rules::own_findings` reads.
//! 2. Every article is read, gets its own findings, and becomes a `ShedDocument` at once (in
//!    parallel): a rule that reads spans cannot be given a document without them.
//! 3. The index of links is built over the shed documents, and each document gets the
//!    findings that follow links (`rules::link_findings`).
//!
//! Both faces run the same rule functions: a sweep's findings equal `Corpus::findings`
//! (tests/sweep.rs). `annals export` sweeps the same way, with a `Visitor` that turns each
//! document into its export while stage 2 holds its syntax (`sweep_visiting`).

use crate::config::Config;
use crate::discover::SourceFile;
use crate::document::{Document, DocumentKind, ShedDocument};
use crate::finding::{Finding, RuleCode};
use crate::index::CorpusIndex;
use crate::rules::{self, Context};
use crate::slots::{DocumentSlot, EntityRefIndex};
use crate::text::LineIndex;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// The outcome of a sweep, in the order of the files swept.
pub struct Swept {
    /// Each document with its syntax shed (`Document::shed`): front matter and claims
    /// remain, and the text and lines of entities. Its entity references are dropped too: the
    /// rules over links read which entities are referenced from `index.referenced_entities`. An article's text is
    /// dropped as soon as its own rules ran, so that memory does not grow with the findings:
    /// a visitor takes what it needs of the text meanwhile (`check::Places`), and a report
    /// places a link finding from the lines kept of an ASCII text (`lines_of_dropped_text`), or
    /// reads the text again (`check::report`); a file changed meanwhile is then reported as it
    /// reads (line and column conversions clamp, so nothing fails).
    pub documents: Vec<ShedDocument>,
    /// Each document's findings as `Corpus::findings` gives them, or `None` for a document
    /// outside the wanted part.
    pub findings: Vec<Option<Vec<Finding>>>,
    /// The index the links were followed in. Returned rather than dropped: freeing its
    /// hundreds of thousands of entries is the caller's choice of time.
    pub index: CorpusIndex,
}

/// Sweeps the documents of `files`, read with `read`. Findings are computed only for the
/// files that `wanted` selects, though every file is read: references cross the corpus.
pub fn sweep(
    config: &Config,
    files: &[SourceFile],
    read: impl Fn(&SourceFile) -> Document + Sync,
    wanted: impl Fn(&SourceFile) -> bool + Sync,
) -> Swept {
    sweep_visiting(config, files, read, wanted, &Unvisited)
}

/// What a sweep hands each document while its syntax is there (`annals export`, and
/// `annals check`, which places a document's own findings while its text is at hand): `visit`
/// runs in parallel on each document, entities included, with the entity documents and
/// their index (`Context::documents` and `index`: the articles there are stand-ins) and the
/// document's own findings when they were wanted; `take` then gets the visits of a batch of
/// documents in file order, on the sweeping thread, so that what it writes comes out in
/// order while only a batch is held at a time.
pub trait Visitor: Sync {
    type Visit: Send;
    fn visit(&self, cx: &Context, own: Option<&[Finding]>) -> Self::Visit;
    fn take(&self, batch: Vec<Self::Visit>);
    /// Documents per batch: `usize::MAX` for one batch (the plain sweep's, which keeps nothing).
    fn batch(&self) -> usize;
}

/// The sweep of `annals check`: nothing visited, one batch.
struct Unvisited;

impl Visitor for Unvisited {
    type Visit = ();
    fn visit(&self, _: &Context, _: Option<&[Finding]>) {}
    fn take(&self, _: Vec<()>) {}
    fn batch(&self) -> usize {
        usize::MAX
    }
}

/// `sweep`, with each document visited (see `Visitor`).
pub fn sweep_visiting<V: Visitor>(
    config: &Config,
    files: &[SourceFile],
    read: impl Fn(&SourceFile) -> Document + Sync,
    wanted: impl Fn(&SourceFile) -> bool + Sync,
    visitor: &V,
) -> Swept {
    // Stage 1: entities in full, articles as stand-ins.
    let documents: Vec<Document> = files
        .par_iter()
        .map(|file| match file.kind {
            DocumentKind::Entity => read(file),
            DocumentKind::Article => Document::stand_in(file),
        })
        .collect();
    let directory = CorpusIndex::build_for(&documents, config);

    // Stage 2: each article read, judged on its own and shed at once; entities judged in place.
    // What each document leaves is written into its own slot, from every core: gathered per
    // document and then moved into place, it was copied twice more, and the entities it
    // references merged on one core.
    let n = files.len();
    let mut articles: Vec<Option<ShedDocument>> = (0..n).map(|_| None).collect();
    let mut own: Vec<Option<Vec<Finding>>> = (0..n).map(|_| None).collect();
    let unused_on = config.severity(RuleCode::UnusedEntity).is_some();
    let referenced: Vec<AtomicBool> = (0..if unused_on { n } else { 0 })
        .map(|_| AtomicBool::new(false))
        .collect();
    let batch = visitor.batch().max(1);
    let slots = files
        .chunks(batch)
        .zip(articles.chunks_mut(batch))
        .zip(own.chunks_mut(batch));
    for (k, ((chunk, articles), own)) in slots.enumerate() {
        let entities = &documents;
        let directory = &directory;
        let referenced = &referenced;
        let visits: Vec<V::Visit> = chunk
            .par_iter()
            .zip(articles.par_iter_mut())
            .zip(own.par_iter_mut())
            .enumerate()
            .map(|(at, ((file, article), own))| {
                let slot = k * batch + at;
                let read_now = match file.kind {
                    DocumentKind::Article => Some(read(file)),
                    DocumentKind::Entity => None,
                };
                let doc = read_now.as_ref().unwrap_or(&entities[slot]);
                let cx = Context::new(entities, directory, config, DocumentSlot::new(slot), doc);
                let findings = wanted(file).then(|| rules::own_findings(&cx));
                let visit = visitor.visit(&cx, findings.as_deref());
                if unused_on {
                    mark_referenced(&cx, referenced);
                }
                *own = findings;
                // An article's text goes: it is most of what a shed document holds. The visit
                // took what the report needs of it for the findings known now.
                *article = read_now.map(shed_text);
                visit
            })
            .collect();
        visitor.take(visits);
    }

    // Stage 3: links, over the whole corpus, with the index the rules read (no backlinks:
    // they serve queries). The entities are those of stage 1, shed now, in their slots among
    // the articles; the articles' stand-ins go.
    // Mapped in place: the slots' memory is reused (collected anew, 3 MB of fresh pages).
    let documents: Vec<ShedDocument> = articles
        .into_iter()
        .zip(documents)
        .map(|(article, entity_or_stand_in)| article.unwrap_or_else(|| entity_or_stand_in.shed()))
        .collect();
    let mut index = CorpusIndex::for_rules_of(directory, &documents);
    index.referenced_entities = unused_on.then(|| referenced.into_iter().map(AtomicBool::into_inner).collect());
    let findings: Vec<Option<Vec<Finding>>> = own
        .into_par_iter()
        .enumerate()
        .map(|(slot, own)| {
            let mut out = own?;
            rules::link_findings(
                &Context::new(&documents, &index, config, DocumentSlot::new(slot), &documents[slot]),
                &mut out,
            );
            Some(rules::settle(config, out))
        })
        .collect();
    Swept {
        documents,
        findings,
        index,
    }
}

/// Marks the entity documents that `cx.doc` references, other than itself. A mark already
/// set is only read: a hub that every article names stays in both cores' caches.
fn mark_referenced(cx: &Context, referenced: &[AtomicBool]) {
    for k in 0..cx.doc.entity_refs.len() {
        if let Some(entity) = cx.referenced_entity(EntityRefIndex::new(k))
            && entity.slot != cx.slot
            && let Some(mark) = referenced.get(entity.slot.index())
            && !mark.load(Ordering::Relaxed)
        {
            mark.store(true, Ordering::Relaxed);
        }
    }
}

/// An article whose own rules ran: its syntax and its text dropped. The lines of an ASCII
/// text stay (4 bytes a line): they place a finding that follows links without reading the
/// text again (a twentieth of 10,000 dense articles were read twice).
fn shed_text(doc: Document) -> ShedDocument {
    let mut doc = doc.shed();
    doc.text = String::new();
    if doc.lines.is_ascii() {
        doc.lines_of_dropped_text = true;
    } else {
        doc.lines = LineIndex::new("");
    }
    doc
}
