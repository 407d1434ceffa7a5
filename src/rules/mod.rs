//! Rules: the findings of docs/format.md section 6 for one document, given the corpus.
//!
//! Each family is a module of plain functions over a `Context`. Problems of form
//! (syntax, front matter types, ids, dates) were already found while reading the
//! document; the rules here add what needs meaning or the rest of the corpus.

mod attributes;
mod claims;
mod documents;
mod mentions;
pub mod quotes;
mod references;

use crate::config::Config;
use crate::document::{Document, Links};
use crate::finding::{Finding, RuleCode};
use crate::ids::ClaimRef;
use crate::index::{ClaimKey, CorpusIndex, EntityEntry};
use crate::slots::{DocumentSlot, EntityRefIndex};
use std::cell::OnceCell;

/// What a rule sees: the corpus, the configuration and the one document it judges. The
/// rules over links take any documents with `Links`, so that `annals check` runs them on
/// `ShedDocument`s; the others take full `Document`s.
pub struct Context<'c, D = Document> {
    pub documents: &'c [D],
    pub index: &'c CorpusIndex,
    pub config: &'c Config,
    pub slot: DocumentSlot,
    pub doc: &'c D,
    /// Each entity reference's entity, looked up at the first rule that asks and then shared
    /// (`referenced_entity`).
    referenced: OnceCell<Box<[Option<EntityEntry>]>>,
}

impl<'c, D> Context<'c, D> {
    pub fn new(documents: &'c [D], index: &'c CorpusIndex, config: &'c Config, slot: DocumentSlot, doc: &'c D) -> Self {
        Context {
            documents,
            index,
            config,
            slot,
            doc,
            referenced: OnceCell::new(),
        }
    }

    /// Whether findings of `code` are wanted: a rule that is off is not run, and a family of
    /// rules skips the work of the ones that are off.
    pub fn on(&self, code: RuleCode) -> bool {
        self.config.severity(code).is_some()
    }
}

impl<D: Links> Context<'_, D> {
    /// The slot of the entity document with this id.
    fn entity(&self, id: &str) -> Option<DocumentSlot> {
        self.index.entity(self.documents, id)
    }

    /// The claim a reference written in this document names.
    fn resolve_claim(&self, reference: &ClaimRef) -> Option<ClaimKey> {
        self.index.resolve_claim(self.documents, self.slot, reference)
    }
}

impl Context<'_, Document> {
    /// The entity that the document's entity reference `k` names, if there is one.
    pub fn referenced_entity(&self, k: EntityRefIndex) -> Option<EntityEntry> {
        let referenced = self.referenced.get_or_init(|| {
            self.doc
                .entity_refs_with_ids()
                .map(|(id, _)| self.index.entity_entry(self.documents, id))
                .collect()
        });
        referenced.get(k.index()).copied().flatten()
    }
}

/// A family of rules: the codes it can report, and the function that finds them.
type Family<D = Document> = (&'static [RuleCode], fn(&Context<D>, &mut Vec<Finding>));

/// The rules that read the document's text and syntax (see `own_findings`).
const OWN: [Family; 6] = [
    (&[RuleCode::InvalidId, RuleCode::DuplicateId], documents::check),
    (&[RuleCode::UnknownAttribute], attributes::check),
    (
        &[
            RuleCode::DuplicateId,
            RuleCode::UndatedClaim,
            RuleCode::UnsourcedClaim,
            RuleCode::ClaimAfterPublication,
        ],
        claims::check,
    ),
    (&[RuleCode::UnknownEntity], references::entity_references),
    (&[RuleCode::UnannotatedMention], mentions::unannotated),
    (&[RuleCode::UnannotatedQuote], quotes::unannotated),
];

/// The rules that follow links (see `link_findings`), for documents of type `D`.
fn links<D: Links>() -> [Family<D>; 2] {
    [
        (
            &[
                RuleCode::BrokenReference,
                RuleCode::SelfReference,
                RuleCode::ReplyBeforeOriginal,
            ],
            references::claim_links,
        ),
        (&[RuleCode::UnusedEntity], mentions::unused),
    ]
}

/// Runs each family that has a code that is on.
fn run<D>(cx: &Context<D>, families: &[Family<D>], out: &mut Vec<Finding>) {
    for (codes, family) in families {
        if codes.iter().any(|&code| cx.on(code)) {
            family(cx, out);
        }
    }
}

/// Every finding of document `slot`, with the configured severities, rules that are off
/// left out, sorted by position and code.
pub fn document_findings(
    documents: &[Document],
    index: &CorpusIndex,
    config: &Config,
    slot: DocumentSlot,
) -> Vec<Finding> {
    findings_of(documents, index, config, slot, true)
}

/// `document_findings` without the findings that follow links: what the server publishes
/// for an open document while the corpus's articles are still being read.
pub fn own_document_findings(
    documents: &[Document],
    index: &CorpusIndex,
    config: &Config,
    slot: DocumentSlot,
) -> Vec<Finding> {
    findings_of(documents, index, config, slot, false)
}

fn findings_of(
    documents: &[Document],
    index: &CorpusIndex,
    config: &Config,
    slot: DocumentSlot,
    links: bool,
) -> Vec<Finding> {
    let Some(doc) = documents.get(slot.index()) else {
        return Vec::new();
    };
    let cx = Context::new(documents, index, config, slot, doc);
    let mut out = own_findings(&cx);
    if links {
        link_findings(&cx, &mut out);
    }
    settle(config, out)
}

/// The findings that need the document's text and syntax. Of the rest of the corpus they
/// read only which documents exist (id, path, kind) and the entity documents, so that
/// `annals check` can judge a document as soon as it is read and the entities are (see sweep.rs).
pub fn own_findings(cx: &Context) -> Vec<Finding> {
    let mut out = cx.doc.problems.clone();
    run(cx, &OWN, &mut out);
    out
}

/// The findings that follow links between documents: claim and corpus references, and
/// entities nothing references. They read the documents' `Links` (claims and front matter),
/// never text or syntax tree, and need the whole corpus's index: `annals check` runs them
/// on `ShedDocument`s, the corpus on `Document`s.
pub fn link_findings<D: Links>(cx: &Context<D>, out: &mut Vec<Finding>) {
    run(cx, &links(), out);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    fn never(_: &Context, _: &mut Vec<Finding>) {
        panic!("a family whose rules are all off was run");
    }
    fn always(_: &Context, out: &mut Vec<Finding>) {
        out.push(Finding::new(RuleCode::UndatedClaim, Default::default(), "ran"));
    }

    /// A rule that is off is never called, so its cost goes with it; a family runs while
    /// one of its codes is on.
    #[test]
    fn a_family_whose_rules_are_off_is_not_run() {
        let config = Config::parse("[rules]\nunannotated-mention = \"off\"\nunused-entity = \"off\"\n").unwrap();
        let doc = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, String::new());
        let documents = [doc];
        let index = CorpusIndex::build_for(&documents, &config);
        let cx = Context::new(&documents, &index, &config, DocumentSlot::new(0), &documents[0]);
        let mut out = Vec::new();
        run(
            &cx,
            &[
                (&[RuleCode::UnannotatedMention], never),
                (&[RuleCode::UnusedEntity, RuleCode::UnannotatedMention], never),
                (&[RuleCode::UnannotatedMention, RuleCode::UndatedClaim], always),
            ],
            &mut out,
        );
        assert_eq!(out.len(), 1);
        // The real tables: every family that reports only unannotated-mention is skipped,
        // and the name matcher it alone reads is never built.
        for (codes, _) in OWN.iter().chain(&links::<Document>()) {
            assert!(!codes.is_empty());
        }
        assert!(OWN.iter().any(|(codes, _)| codes == &[RuleCode::UnannotatedMention]));
        // unannotated-quote's pass over the prose is a family of its own: off, it is not run.
        assert!(OWN.iter().any(|(codes, _)| codes == &[RuleCode::UnannotatedQuote]));
        assert!(index.names.is_empty());
        let on = CorpusIndex::build_for(
            &[Document::new(
                "w".into(),
                "entities/w.md".into(),
                DocumentKind::Entity,
                "---\nkind: person\nname: Wally\n---\n".into(),
            )],
            &Config::default(),
        );
        assert_eq!(on.names.len(), 1);
    }
}
