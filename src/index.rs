//! The corpus index: documents by id, and every reference in both directions.
//!
//! Built in one pass over the documents' own reference lists, so its cost is
//! linear in the corpus. Queries (rules now, hover and references later) read it
//! instead of scanning documents.

use crate::document::{Document, DocumentKind, EntityRefSite, RelationKind, Source};
use crate::ids::ClaimRef;
use crate::text::TextRange;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// A place in the corpus: a document slot and a byte range in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub document: u32,
    pub range: TextRange,
}

/// A claim in the corpus: its document slot and its index in that document's claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClaimKey {
    pub document: u32,
    pub claim: u32,
}

/// A relation from one claim to another, as written in the `from` claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub from: ClaimKey,
    pub kind: RelationKind,
    /// The reference's range in `from`'s document.
    pub range: TextRange,
}

#[derive(Debug, Default)]
pub struct CorpusIndex {
    /// Document id → document slots; more than one is a duplicate id.
    pub documents: HashMap<String, Vec<u32>>,
    /// Entity id → every reference to it (document, range, where it stands).
    pub entity_references: HashMap<String, Vec<(Location, EntityRefSite)>>,
    /// Claim → every relation that points at it.
    pub claim_references: HashMap<ClaimKey, Vec<Link>>,
    /// Document slot → claims whose `source=` names it (alone or as `DOC:ID`).
    pub source_references: HashMap<u32, Vec<(ClaimKey, TextRange)>>,
    /// Claim id → every claim with that id, in any document (for "did you mean `DOC:ID`").
    pub claims_by_id: HashMap<String, Vec<ClaimKey>>,
    /// Entity ids, sorted: the candidates of "did you mean".
    pub entity_ids: Vec<String>,
    pub names: NameMatcher,
}

impl CorpusIndex {
    pub fn build(documents: &[Document]) -> CorpusIndex {
        let mut index = CorpusIndex::default();
        for (slot, doc) in documents.iter().enumerate() {
            index.documents.entry(doc.id.clone()).or_default().push(slot as u32);
        }
        for (slot, doc) in documents.iter().enumerate() {
            let slot = slot as u32;
            for r in &doc.entity_refs {
                index
                    .entity_references
                    .entry(r.id.clone())
                    .or_default()
                    .push((Location { document: slot, range: r.range }, r.site));
            }
            for (k, claim) in doc.claims.iter().enumerate() {
                let from = ClaimKey { document: slot, claim: k as u32 };
                if let Some(id) = &claim.id {
                    index.claims_by_id.entry(id.value.clone()).or_default().push(from);
                }
                for relation in &claim.relations {
                    if let Some(target) = index.resolve_claim(documents, slot, &relation.target) {
                        index.claim_references.entry(target).or_default().push(Link {
                            from,
                            kind: relation.kind,
                            range: relation.target.range,
                        });
                    }
                }
                if let Some(Source::Document { document, .. }) = &claim.source {
                    if let Some(target) = index.document(&document.value) {
                        index.source_references.entry(target).or_default().push((from, document.range));
                    }
                }
            }
        }
        index.entity_ids = documents
            .iter()
            .filter(|d| d.kind == DocumentKind::Entity)
            .map(|d| d.id.clone())
            .collect();
        index.entity_ids.sort();
        index.entity_ids.dedup();
        index.names = NameMatcher::new(documents);
        index
    }

    /// The slot of the document with this id (the first, when the id is duplicated).
    pub fn document(&self, id: &str) -> Option<u32> {
        self.documents.get(id).and_then(|slots| slots.first().copied())
    }

    /// The slot of the entity document with this id.
    pub fn entity(&self, documents: &[Document], id: &str) -> Option<u32> {
        self.documents
            .get(id)?
            .iter()
            .copied()
            .find(|&slot| documents[slot as usize].kind == DocumentKind::Entity)
    }

    /// The claim a reference written in document `from` names.
    pub fn resolve_claim(&self, documents: &[Document], from: u32, reference: &ClaimRef) -> Option<ClaimKey> {
        let slot = match &reference.document {
            Some(id) => self.document(id)?,
            None => from,
        };
        let (claim, _) = documents.get(slot as usize)?.claim_by_id(&reference.claim)?;
        Some(ClaimKey { document: slot, claim })
    }
}

/// Every entity name and alias, searched in one pass (Aho-Corasick) over a text.
#[derive(Debug, Default)]
pub struct NameMatcher {
    automaton: Option<AhoCorasick>,
    /// Per pattern: the entity ids that carry it as a name or an alias.
    owners: Vec<Vec<String>>,
}

/// One whole-word occurrence of an entity name in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameMatch<'m> {
    pub range: TextRange,
    pub entities: &'m [String],
}

impl NameMatcher {
    fn new(documents: &[Document]) -> NameMatcher {
        let mut by_name: HashMap<&str, Vec<String>> = HashMap::new();
        for doc in documents {
            let Some(entity) = &doc.entity else { continue };
            let names = entity.name.iter().chain(&entity.aliases);
            for name in names {
                let name = name.value.trim();
                if name.is_empty() {
                    continue;
                }
                let owners = by_name.entry(name).or_default();
                if !owners.contains(&doc.id) {
                    owners.push(doc.id.clone());
                }
            }
        }
        let mut entries: Vec<(&str, Vec<String>)> = by_name.into_iter().collect();
        entries.sort();
        let patterns: Vec<&str> = entries.iter().map(|(n, _)| *n).collect();
        let automaton = AhoCorasick::builder().match_kind(MatchKind::Standard).build(&patterns).ok();
        NameMatcher { automaton, owners: entries.into_iter().map(|(_, o)| o).collect() }
    }

    /// Whole-word occurrences of any name in `text[range]`, overlapping ones included
    /// ("International Space Station" and "Space Station" both count).
    pub fn find<'m>(&'m self, text: &str, range: TextRange) -> Vec<NameMatch<'m>> {
        let Some(automaton) = &self.automaton else { return Vec::new() };
        let Some(haystack) = text.get(range.range()) else { return Vec::new() };
        let base = range.start as usize;
        automaton
            .find_overlapping_iter(haystack)
            .filter(|m| is_whole_word(text, base + m.start(), base + m.end()))
            .map(|m| NameMatch {
                range: TextRange::new(base + m.start(), base + m.end()),
                entities: &self.owners[m.pattern().as_usize()],
            })
            .collect()
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else { return false };
    let first_inner = text[start..end].chars().next();
    let last_inner = text[start..end].chars().next_back();
    // A boundary is needed only where the name itself starts or ends with a word character ("U.S." ends with ".").
    let left_ok = !first_inner.is_some_and(is_word_char) || !before.chars().next_back().is_some_and(is_word_char);
    let right_ok = !last_inner.is_some_and(is_word_char) || !after.chars().next().is_some_and(is_word_char);
    left_ok && right_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words() {
        let text = "Russia’s Russian U.S. USA";
        assert!(is_whole_word(text, 0, 6));
        assert!(!is_whole_word(text, 11, 17), "Russia inside Russian");
        assert!(is_whole_word(text, 19, 23), "U.S.");
        assert!(!is_whole_word(text, 28, 30), "US inside USA");
    }
}
