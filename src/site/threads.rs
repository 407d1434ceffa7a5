//! Every claim's relations resolved once, both ways, for a whole site.
//!
//! A claim's thread is written on its article's page and again on each of its speakers'
//! pages. Asked of the corpus index each time, every relation cost lookups by id in maps of
//! strings, scattered through memory (a fifth of the site's time went to links to claims). Here
//! they are resolved once, on every core, into arrays indexed by claim. The editor's preview,
//! which renders one page, asks the index instead.

use crate::Corpus;
use crate::document::RelationKind;
use crate::index::ClaimKey;
use crate::slots::{ClaimIndex, DocumentSlot};
use rayon::prelude::*;

pub struct Threads {
    /// Per slot, the number of claims in the slots before it (a claim's number is its
    /// document's base plus its index), and the total at the end.
    base: Vec<u32>,
    /// Per claim, where its relations' targets start in `targets`; the total at the end.
    target_starts: Vec<u32>,
    /// Each relation's target, in the order the claim writes them: `None` when it is not in
    /// the corpus.
    targets: Vec<Option<ClaimKey>>,
    /// Per claim, where the relations to it start in `incoming`; the total at the end.
    incoming_starts: Vec<u32>,
    /// The relations to each claim: the claim that holds one, and its kind; in the order of
    /// the index's `references_to_claim` (by document, then claim, then relation).
    incoming: Vec<(ClaimKey, RelationKind)>,
}

/// A number that fits: the corpus's claims and relations are counted in `u32`, and a corpus
/// with 4 billion of them does not fit in memory anyway.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Threads {
    pub fn new(corpus: &Corpus) -> Threads {
        let documents = &corpus.documents;
        let index = &corpus.index;
        let mut base = Vec::with_capacity(documents.len() + 1);
        let mut claims = 0;
        for doc in documents {
            base.push(count(claims));
            claims += doc.claims.len();
        }
        base.push(count(claims));
        // Each relation resolved twice over, on every core: its target as written from its
        // document (what the claim's own list links to), and the claim its ids name, the
        // first document with that id and its first claim with that id (what lists it among
        // the relations to a claim, as the index files them).
        let resolved: Vec<Vec<(Option<ClaimKey>, Option<ClaimKey>)>> = documents
            .par_iter()
            .enumerate()
            .map(|(k, doc)| {
                let slot = DocumentSlot::new(k);
                // The two differ only for a reference that names no document, in a document
                // whose id another document holds first: only then is it resolved twice.
                let first_with_its_id = index.document(&doc.id) == Some(slot);
                doc.claims
                    .iter()
                    .flat_map(|c| &c.relations)
                    .map(|r| {
                        let written = index.resolve_claim(documents, slot, &r.target);
                        if r.target.document.is_some() || first_with_its_id {
                            return (written, written);
                        }
                        let named = index.document(&doc.id).and_then(|to| {
                            let (claim, _) = documents.get(to.index())?.claim_by_id(&r.target.claim)?;
                            Some(ClaimKey { document: to, claim })
                        });
                        (written, named)
                    })
                    .collect()
            })
            .collect();
        let number = |key: ClaimKey| base[key.document.index()] as usize + key.claim.index();
        let mut target_starts = Vec::with_capacity(claims + 1);
        let mut targets = Vec::with_capacity(resolved.iter().map(Vec::len).sum());
        let mut incoming_counts = vec![0u32; claims + 1];
        for (doc, resolved) in documents.iter().zip(&resolved) {
            let mut at = 0;
            for c in &doc.claims {
                target_starts.push(count(targets.len()));
                for &(written, named) in &resolved[at..at + c.relations.len()] {
                    targets.push(written);
                    if let Some(to) = named {
                        incoming_counts[number(to)] += 1;
                    }
                }
                at += c.relations.len();
            }
        }
        target_starts.push(count(targets.len()));
        // A counting sort by target: each claim's incoming relations stay in corpus order.
        let mut incoming_starts = Vec::with_capacity(claims + 1);
        let mut total = 0u32;
        for n in &incoming_counts[..claims] {
            incoming_starts.push(total);
            total += n;
        }
        incoming_starts.push(total);
        let mut next: Vec<u32> = incoming_starts.clone();
        let placeholder = (
            ClaimKey {
                document: DocumentSlot::new(0),
                claim: ClaimIndex::new(0),
            },
            RelationKind::RepliesTo,
        );
        let mut incoming = vec![placeholder; total as usize];
        for (k, (doc, resolved)) in documents.iter().zip(&resolved).enumerate() {
            let mut at = 0;
            for (j, c) in doc.claims.iter().enumerate() {
                let from = ClaimKey {
                    document: DocumentSlot::new(k),
                    claim: ClaimIndex::new(j),
                };
                for (r, &(_, named)) in c.relations.iter().zip(&resolved[at..]) {
                    if let Some(to) = named {
                        let place = &mut next[number(to)];
                        incoming[*place as usize] = (from, r.kind);
                        *place += 1;
                    }
                }
                at += c.relations.len();
            }
        }
        Threads {
            base,
            target_starts,
            targets,
            incoming_starts,
            incoming,
        }
    }

    fn number(&self, slot: DocumentSlot, claim: ClaimIndex) -> Option<usize> {
        let base = *self.base.get(slot.index())? as usize;
        let next = *self.base.get(slot.index() + 1)? as usize;
        let n = base + claim.index();
        (n < next).then_some(n)
    }

    /// The targets of a claim's relations, in its order (`None`: not in the corpus).
    pub fn targets(&self, slot: DocumentSlot, claim: ClaimIndex) -> &[Option<ClaimKey>] {
        self.number(slot, claim)
            .and_then(|n| {
                let (start, end) = (self.target_starts[n] as usize, self.target_starts[n + 1] as usize);
                self.targets.get(start..end)
            })
            .unwrap_or(&[])
    }

    /// The relations to a claim: which claim holds each, and its kind.
    pub fn incoming(&self, slot: DocumentSlot, claim: ClaimIndex) -> &[(ClaimKey, RelationKind)] {
        self.number(slot, claim)
            .and_then(|n| {
                let (start, end) = (self.incoming_starts[n] as usize, self.incoming_starts[n + 1] as usize);
                self.incoming.get(start..end)
            })
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::tests::article;
    use super::super::{Site, claims};
    use crate::Corpus;
    use crate::config::Config;
    use crate::slots::{ClaimIndex, DocumentSlot};

    /// Each claim's thread from the arrays is the one the index answers, on a corpus that has
    /// what resolution must get right: two documents with one id (references by id reach the
    /// first), a claim id used twice in one document (the first), references within a document
    /// and across, to documents and claims that are not there, and a claim with no id.
    #[test]
    fn every_thread_is_the_one_the_index_answers() {
        let documents = vec![
            article(
                "articles/one/a.md",
                "[First]{.claim #c1 by=x} [Again]{.claim #c1 by=x replies-to=c2} \
                 [Second]{.claim #c2 replies-to=c1 repeats=b:c1}",
            ),
            article(
                "articles/two/a.md",
                "[Shadow]{.claim #c1 replies-to=c1 supports=a:c2} [x]{.claim #c2}",
            ),
            article(
                "articles/b.md",
                "[Other]{.claim #c1 replies-to=a:c1 contradicts=a:c2 repeats=gone:c1 supports=a:none} \
                 [No id]{.claim replies-to=c1}",
            ),
        ];
        let corpus = Corpus::from_documents("/c".into(), Config::default(), documents);
        assert_eq!(
            corpus.documents[0].id, corpus.documents[1].id,
            "two documents share an id"
        );
        let with = Site::with_words(&corpus, Vec::new());
        let without = Site::new(&corpus);
        assert!(with.threads.is_some() && without.threads.is_none());
        let mut incoming = 0;
        for (k, doc) in corpus.documents.iter().enumerate() {
            let slot = DocumentSlot::new(k);
            for j in 0..doc.claims.len() {
                let claim = ClaimIndex::new(j);
                for here in [slot, DocumentSlot::new(2)] {
                    let (mut a, mut b) = (String::new(), String::new());
                    claims::relations(&with, &mut a, slot, claim, here);
                    claims::relations(&without, &mut b, slot, claim, here);
                    assert_eq!(a, b, "claim {j} of {}", doc.path);
                }
                incoming += with.threads.as_ref().unwrap().incoming(slot, claim).len();
            }
        }
        // Every reference that names a claim there is listed once, on that claim.
        assert_eq!(incoming, 8);
    }
}
