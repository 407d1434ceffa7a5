//! The corpus index: documents by id, and every reference in both directions.
//!
//! Each document's contributions are filed under its slot, so that an edit
//! removes and re-adds one document's entries (`remove_document`, `add_document`)
//! instead of rebuilding the index. Claim and corpus references are keyed by the
//! ids they are written with, so a reference that resolves to nothing today is
//! found again when its target appears.

use crate::config::Config;
use crate::document::{Document, DocumentKind, EntityRefSite, LinkedClaim, Links, PackedSite, RelationKind, Source};
use crate::finding::RuleCode;
use crate::ids::{ClaimRef, Name};
use crate::slots::{ClaimIndex, DocumentSlot, EntityRefIndex};
use crate::suggest::Vocabulary;
use crate::text::TextRange;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::sync::OnceLock;

// The matcher lives in `names`; `corpus.rs` and the editor face still import it from here.
pub use crate::names::{NameMatch, NameMatcher, entity_names};

/// A place in the corpus: a document slot and a byte range in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub document: DocumentSlot,
    pub range: TextRange,
}

/// An entity id's entry: the slot of its entity document, and where its own names lie in
/// `CorpusIndex::own_names`. One lookup gives unknown-entity, unused-entity and
/// unannotated-mention what each asks of a mention's entity: at 100,000 articles, three
/// lookups of 4.5 million mentions in tables of a few megabytes were a sixth of check's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntityEntry {
    pub slot: DocumentSlot,
    /// Its first own name (in the order of its document: the name, then the aliases) when
    /// it fits, held here: most mentions are written as it, and are then compared without a
    /// read of `own_names`, which was a cache miss per mention at 100,000 articles.
    first_name: [u8; INLINE_NAME],
    /// `first_name`'s length, or `NO_INLINE_NAME`.
    first_len: u8,
    /// The others.
    own_names: (u32, u32),
}

impl EntityEntry {
    /// The entry of the entity document at `slot`, before its own names are filed.
    fn without_names(slot: DocumentSlot) -> Self {
        EntityEntry {
            slot,
            first_name: [0; INLINE_NAME],
            first_len: NO_INLINE_NAME,
            own_names: (0, 0),
        }
    }
}

/// The longest own name held in an `EntityEntry`: with the id, an entry fills a cache line.
const INLINE_NAME: usize = 23;
const NO_INLINE_NAME: u8 = u8::MAX;

/// The own names filed for one entity at most: a mention is compared with each, and an
/// entity with thousands of aliases must not make that quadratic. Its other names are
/// searched as any text is.
const OWN_NAMES_PER_ENTITY: usize = 8;

/// A claim in the corpus: its document slot and its index in that document's claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClaimKey {
    pub document: DocumentSlot,
    pub claim: ClaimIndex,
}

/// A relation written in a claim of some document (the map key holds which document).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// The claim that holds the relation, in the referring document.
    pub claim: ClaimIndex,
    pub kind: RelationKind,
    /// The reference's range in the referring document.
    pub range: TextRange,
}

/// A `source=DOC` or `source=DOC:ID` in a claim of some document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLink {
    pub claim: ClaimIndex,
    pub range: TextRange,
    pub target_claim: Option<String>,
}

/// What referring documents contribute to one id, flat and tagged with their slots: building
/// allocates nothing per (id, document) pair, and an edit removes one document's entries with a
/// scan of this id's references.
#[derive(Clone, Debug)]
pub struct BySlot<T>(Vec<(DocumentSlot, T)>);

impl<T> Default for BySlot<T> {
    fn default() -> Self {
        BySlot(Vec::new())
    }
}

impl<T> BySlot<T> {
    fn push(&mut self, slot: DocumentSlot, value: T) {
        self.0.push((slot, value));
    }
    fn shrink(&mut self) {
        self.0.shrink_to_fit();
    }
    fn remove_slot(&mut self, slot: DocumentSlot) {
        self.0.retain(|(s, _)| *s != slot);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The referring slots, once per entry (a slot may repeat).
    pub fn slots(&self) -> impl Iterator<Item = DocumentSlot> + '_ {
        self.0.iter().map(|(s, _)| *s)
    }
    pub fn iter(&self) -> impl Iterator<Item = (DocumentSlot, &T)> + '_ {
        self.0.iter().map(|(s, t)| (*s, t))
    }
}

/// Claim and corpus references filed under what they name: from a document or a claim back
/// to the claims that name it. Queries (references, rename, hover) and edits (`Affected`)
/// read them; no rule does, so `annals check` builds an index without them.
#[derive(Debug, Default)]
pub struct Backlinks {
    /// Document id → claim id, as written → referring document → relations.
    pub claim_references: HashMap<String, HashMap<String, BySlot<Link>>>,
    /// Document id → referring document → its `source=` references.
    pub source_references: HashMap<String, BySlot<SourceLink>>,
    /// Document id → the documents whose claims or sources name it (claim or corpus references).
    pub referrers: HashMap<String, BySlot<()>>,
}

#[derive(Debug, Default)]
pub struct CorpusIndex {
    /// Document id → document slots; more than one is a duplicate id.
    pub documents: HashMap<String, Vec<DocumentSlot>>,
    /// How many ids of `documents` have more than one slot: while none has, duplicate-id
    /// need not look each document's id up (a cache miss per document at 100,000).
    shared_ids: usize,
    /// Entity id → referring document → (range, where it stands).
    pub entity_references: EntityReferences,
    pub backlinks: Backlinks,
    /// Claim id → the documents holding a claim with that id.
    pub claims_by_id: HashMap<String, BTreeSet<DocumentSlot>>,
    /// Entity ids, sorted: the candidates of "did you mean".
    pub entity_ids: Vocabulary,
    /// By slot: whether a document other than the entity at that slot references it. What
    /// the sweep gives the link rules instead of `entity_references` (only unused-entity asks,
    /// through `referenced_elsewhere`): found on both cores while each document is read, not
    /// filed reference by reference afterwards (3.6 million at 100,000 articles, a quarter to
    /// half a second on one core). `None` elsewhere.
    pub referenced_entities: Option<Vec<bool>>,
    /// Entity id → the slot of its entity document (the first, when the id is duplicated),
    /// made with `entity_ids`: `entity` then reads one small table instead of the documents
    /// by id and each document's kind (a third of the lookups' cache misses at 100,000
    /// articles). `None` in an index made without the entities (`build_references`).
    entity_slots: Option<HashMap<Name, EntityEntry>>,
    /// The entities' own names (`NameMatcher::own_names`), each after its length in two
    /// bytes, an entity's together: `EntityEntry::own_names` says where.
    own_names: Vec<u8>,
    /// Document ids as candidates of "did you mean", prepared at the first need after a change.
    document_ids: OnceLock<Vocabulary>,
    pub names: NameMatcher,
}

impl CorpusIndex {
    /// The whole index, with the name matcher of every rule on.
    pub fn build(documents: &[Document]) -> CorpusIndex {
        CorpusIndex::build_for(documents, &Config::default())
    }

    /// The whole index, without what only rules that `config` turns off would read.
    pub fn build_for(documents: &[Document], config: &Config) -> CorpusIndex {
        // The name matcher is built on one core while the references are filed on the other:
        // each took about 40 ms of 90 at 100,000 dense articles, one after the other.
        let (mut index, names) = rayon::join(
            || CorpusIndex::build_references(documents),
            || name_matcher(documents, config),
        );
        index.names = names;
        index.refresh_entity_ids(documents);
        index
    }

    /// The index without what depends on the set of entities (`entity_ids`, `names`): the
    /// caller has those already, or calls `refresh_entities`.
    pub fn build_references(documents: &[Document]) -> CorpusIndex {
        CorpusIndex::build_parts(documents)
    }

    /// What the rules over links read of `documents`, the documents `directory` was built of
    /// (`build_for`), shed since (a sweep): their claims by id, and the directory's documents
    /// by id and entities, the same for both; no backlinks (see `Backlinks`) nor entity
    /// references (the caller gives `referenced_entities`). Taken, the documents by id are
    /// neither filed again nor freed one by one on one core (24,000 allocations at 10,000
    /// articles).
    pub fn for_rules_of<D: Links + Sync>(directory: CorpusIndex, documents: &[D]) -> CorpusIndex {
        CorpusIndex {
            documents: directory.documents,
            shared_ids: directory.shared_ids,
            claims_by_id: claims_by_id_of(documents),
            entity_ids: directory.entity_ids,
            entity_slots: directory.entity_slots,
            own_names: directory.own_names,
            names: directory.names,
            ..CorpusIndex::default()
        }
    }

    /// Documents and claims by id, and nothing else: what following a reference needs (for
    /// `annals site` without its findings page, whose threads are resolved once), without
    /// the references, backlinks and name search that the rules and the editor read.
    pub fn build_ids<D: Links>(documents: &[D]) -> CorpusIndex {
        let mut index = CorpusIndex::default();
        for (slot, doc) in documents.iter().enumerate() {
            index.add_ids(DocumentSlot::new(slot), doc);
        }
        index
    }

    /// Documents, claims and entity references by id, and the backlinks.
    fn build_parts(documents: &[Document]) -> CorpusIndex {
        // Entity references and claim ids fill maps of their own, filed by other workers meanwhile.
        let ((entity_references, claims_by_id), mut index) = rayon::join(
            || {
                rayon::join(
                    || {
                        // Each id's references counted first, so that each list is allocated
                        // once at its size: grown by doubling, they held up to twice their
                        // size at the server's peak, and took a copy each to trim.
                        let mut counts: HashMap<&str, usize> = HashMap::default();
                        for doc in documents {
                            for (id, _) in doc.entity_refs_with_ids() {
                                *counts.entry(id).or_default() += 1;
                            }
                        }
                        let mut map: EntityReferences = counts
                            .into_iter()
                            .map(|(id, n)| (id.to_string(), BySlot(Vec::with_capacity(n))))
                            .collect();
                        for (slot, doc) in documents.iter().enumerate() {
                            file_entity_references(&mut map, DocumentSlot::new(slot), doc);
                        }
                        map
                    },
                    || claims_by_id_of(documents),
                )
            },
            || {
                let mut index = CorpusIndex::default();
                // Sized once, and each id filed with one lookup: ids are unique but for
                // duplicates (`bucket` looks a new key up three times).
                index.documents.reserve(documents.len());
                for (slot, doc) in documents.iter().enumerate() {
                    index
                        .documents
                        .entry(doc.id().to_string())
                        .or_default()
                        .push(DocumentSlot::new(slot));
                    index.backlinks.add(DocumentSlot::new(slot), doc);
                }
                index
            },
        );
        index.entity_references = entity_references;
        index.claims_by_id = claims_by_id;
        index.shared_ids = index.documents.values().filter(|slots| slots.len() > 1).count();
        // The referrers' lists grew by doubling (the entity references' were sized by their
        // count); a whole corpus's worth of slack is worth one pass to return.
        index.backlinks.referrers.values_mut().for_each(BySlot::shrink);
        index
    }

    /// Files one document's references. Call `refresh_entities` after the set of entities
    /// or their names changed.
    pub fn add_document(&mut self, slot: DocumentSlot, doc: &Document) {
        file_entity_references(&mut self.entity_references, slot, doc);
        self.add_ids(slot, doc);
        self.backlinks.add(slot, doc);
    }

    /// Files the document's id and its claims' ids.
    fn add_ids(&mut self, slot: DocumentSlot, doc: &impl Links) {
        self.document_ids = OnceLock::new();
        let slots = bucket(&mut self.documents, doc.id());
        slots.push(slot);
        if slots.len() == 2 {
            self.shared_ids += 1;
        }
        for claim in doc.claims() {
            if let Some(id) = claim.id() {
                bucket(&mut self.claims_by_id, &id.value).insert(slot);
            }
        }
    }

    /// Removes what `add_document(slot, doc)` filed. `doc` must be the document as it was added.
    pub fn remove_document(&mut self, slot: DocumentSlot, doc: &Document) {
        self.document_ids = OnceLock::new();
        fn drop_slot<T>(map: &mut HashMap<String, BySlot<T>>, key: &str, slot: DocumentSlot) {
            if let Some(by_slot) = map.get_mut(key) {
                by_slot.remove_slot(slot);
                if by_slot.is_empty() {
                    map.remove(key);
                }
            }
        }
        if let Some(slots) = self.documents.get_mut(&doc.id) {
            let shared = slots.len() > 1;
            slots.retain(|s| *s != slot);
            if shared && slots.len() == 1 {
                self.shared_ids -= 1;
            }
            if slots.is_empty() {
                self.documents.remove(&doc.id);
            }
        }
        // Once per distinct id: a document with 2,000 references to one entity scans that
        // entity's list once, not 2,000 times.
        let mut entity_ids: Vec<&str> = doc.entity_refs_with_ids().map(|(id, _)| id).collect();
        entity_ids.sort_unstable();
        entity_ids.dedup();
        for id in entity_ids {
            drop_slot(&mut self.entity_references, id, slot);
        }
        let mut claim_targets: Vec<(&str, &str)> = Vec::new();
        let mut referred: Vec<&str> = Vec::new();
        for claim in &doc.claims {
            if let Some(id) = &claim.id
                && let Some(set) = self.claims_by_id.get_mut(id.value.as_str())
            {
                set.remove(&slot);
                if set.is_empty() {
                    self.claims_by_id.remove(id.value.as_str());
                }
            }
            for relation in claim.relations() {
                let target_doc = relation.target.document.as_deref().unwrap_or(&doc.id);
                claim_targets.push((target_doc, &relation.target.claim));
                referred.push(target_doc);
            }
            if let Some(Source::Document { document, .. }) = claim.source.as_deref() {
                referred.push(&document.value);
            }
        }
        claim_targets.sort_unstable();
        claim_targets.dedup();
        let backlinks = &mut self.backlinks;
        for (target_doc, claim) in claim_targets {
            if let Some(by_claim) = backlinks.claim_references.get_mut(target_doc) {
                drop_slot(by_claim, claim, slot);
                if by_claim.is_empty() {
                    backlinks.claim_references.remove(target_doc);
                }
            }
        }
        referred.sort_unstable();
        referred.dedup();
        for target in referred {
            drop_slot(&mut backlinks.referrers, target, slot);
            drop_slot(&mut backlinks.source_references, target, slot);
        }
    }

    /// Recomputes what depends on the set of entities: their ids and the name matcher (only
    /// unannotated-mention reads it: with that rule off, it stays empty and costs nothing).
    pub fn refresh_entities(&mut self, documents: &[Document], config: &Config) {
        self.names = name_matcher(documents, config);
        self.refresh_entity_ids(documents);
    }

    /// `entity_ids`, `entity_slots` and `own_names`, from the documents and `names`.
    fn refresh_entity_ids(&mut self, documents: &[Document]) {
        let mut ids: Vec<String> = documents
            .iter()
            .filter(|d| d.kind == DocumentKind::Entity)
            .map(|d| d.id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        self.entity_ids = Vocabulary::new(ids);
        let mut own: HashMap<&str, Vec<&str>> = HashMap::default();
        for (entity, name) in self.names.own_names() {
            own.entry(entity).or_default().push(name);
        }
        let mut own_names = Vec::new();
        let mut slots: HashMap<Name, EntityEntry> = HashMap::default();
        for (slot, doc) in documents.iter().enumerate() {
            if doc.kind != DocumentKind::Entity || slots.contains_key(doc.id.as_str()) {
                continue;
            }
            let mut entry = EntityEntry::without_names(DocumentSlot::new(slot));
            let start = own_names.len() as u32;
            if let Some(names) = own.get_mut(doc.id.as_str()) {
                // In the document's order, each once.
                names.sort_unstable();
                let mut ordered: Vec<&str> = entity_names(doc)
                    .into_iter()
                    .filter(|n| names.binary_search(n).is_ok())
                    .collect();
                let mut seen = rustc_hash::FxHashSet::default();
                ordered.retain(|n| seen.insert(*n));
                let mut rest = &ordered[..ordered.len().min(OWN_NAMES_PER_ENTITY)];
                if let Some((first, others)) = rest.split_first()
                    && first.len() <= INLINE_NAME
                {
                    entry.first_name[..first.len()].copy_from_slice(first.as_bytes());
                    entry.first_len = first.len() as u8;
                    rest = others;
                }
                for name in rest {
                    own_names.extend_from_slice(&(name.len() as u16).to_le_bytes());
                    own_names.extend_from_slice(name.as_bytes());
                }
            }
            entry.own_names = (start, own_names.len() as u32);
            slots.insert(Name::from(doc.id.as_str()), entry);
        }
        own_names.shrink_to_fit();
        self.own_names = own_names;
        self.entity_slots = Some(slots);
    }

    /// Whether `text` is exactly one of the own names of `entity` (`NameMatcher::own_names`):
    /// a mention of it with this text need not be searched for names.
    pub fn is_own_name(&self, entity: EntityEntry, text: &str) -> bool {
        if entity.first_name.get(..entity.first_len as usize) == Some(text.as_bytes()) {
            return true;
        }
        let (mut at, end) = (entity.own_names.0 as usize, entity.own_names.1 as usize);
        let Some(names) = self.own_names.get(..end) else {
            return false;
        };
        while at + 2 <= end {
            let len = u16::from_le_bytes([names[at], names[at + 1]]) as usize;
            let name = names.get(at + 2..at + 2 + len).unwrap_or_default();
            if name == text.as_bytes() {
                return true;
            }
            at += 2 + len;
        }
        false
    }

    /// Up to `n` document ids closest to a misspelt one, best first.
    pub fn closest_documents(&self, id: &str, n: usize) -> Vec<String> {
        self.document_ids
            .get_or_init(|| Vocabulary::new(self.documents.keys().cloned()))
            .closest(id, n)
    }

    /// The slots of the documents with the id `id` when there is more than one.
    pub fn sharing_id(&self, id: &str) -> Option<&[DocumentSlot]> {
        if self.shared_ids == 0 {
            return None;
        }
        self.documents
            .get(id)
            .map(Vec::as_slice)
            .filter(|slots| slots.len() > 1)
    }

    /// The slot of the document with this id (the first, when the id is duplicated).
    pub fn document(&self, id: &str) -> Option<DocumentSlot> {
        self.documents.get(id).and_then(|slots| slots.iter().min().copied())
    }

    /// Whether a document other than `slot` references the entity `id` whose document is at
    /// `slot` (`entity(id)`).
    pub fn referenced_elsewhere(&self, id: &str, slot: DocumentSlot) -> bool {
        match &self.referenced_entities {
            Some(by_slot) => by_slot.get(slot.index()).copied().unwrap_or(false),
            None => self
                .entity_references
                .get(id)
                .is_some_and(|by_slot| by_slot.slots().any(|s| s != slot)),
        }
    }

    /// The slot of the entity document with this id.
    pub fn entity<D: Links>(&self, documents: &[D], id: &str) -> Option<DocumentSlot> {
        self.entity_entry(documents, id).map(|e| e.slot)
    }

    /// The entry of the entity with this id: its document's slot and its own names (none
    /// in an index made without the entities).
    pub fn entity_entry<D: Links>(&self, documents: &[D], id: &str) -> Option<EntityEntry> {
        if let Some(slots) = &self.entity_slots {
            return slots.get(id).copied();
        }
        let slot = self
            .documents
            .get(id)?
            .iter()
            .copied()
            .filter(|&slot| {
                documents
                    .get(slot.index())
                    .is_some_and(|d| d.kind() == DocumentKind::Entity)
            })
            .min()?;
        Some(EntityEntry::without_names(slot))
    }

    /// The claim a reference written in document `from` names.
    pub fn resolve_claim<D: Links>(
        &self,
        documents: &[D],
        from: DocumentSlot,
        reference: &ClaimRef,
    ) -> Option<ClaimKey> {
        let slot = match &reference.document {
            Some(id) => self.document(id)?,
            None => from,
        };
        let (claim, _) = Links::claim_by_id(documents.get(slot.index())?, &reference.claim)?;
        Some(ClaimKey { document: slot, claim })
    }

    /// Every reference to an entity: (document slot, range, site), its range read from
    /// `documents` (those this index was built from).
    pub fn references_to_entity<'a>(
        &'a self,
        documents: &'a [Document],
        id: &str,
    ) -> impl Iterator<Item = (DocumentSlot, TextRange, EntityRefSite)> + 'a {
        self.entity_references.get(id).into_iter().flat_map(move |by_slot| {
            by_slot.iter().filter_map(move |(slot, (k, site))| {
                let r = documents.get(slot.index())?.entity_refs.get(k.index())?;
                Some((slot, r.range, site.site()))
            })
        })
    }

    /// Where each reference to an entity stands: (document slot, site), without its range,
    /// so without a visit to each referring document (what counts and claims read).
    pub fn entity_reference_sites(&self, id: &str) -> impl Iterator<Item = (DocumentSlot, EntityRefSite)> + '_ {
        self.entity_references
            .get(id)
            .into_iter()
            .flat_map(|by_slot| by_slot.iter().map(|(slot, (_, site))| (slot, site.site())))
    }

    /// Every relation that names claim `claim_id` of document `doc_id`: (referring slot, link).
    pub fn references_to_claim(&self, doc_id: &str, claim_id: &str) -> impl Iterator<Item = (DocumentSlot, Link)> + '_ {
        self.backlinks
            .claim_references
            .get(doc_id)
            .and_then(|by_claim| by_claim.get(claim_id))
            .into_iter()
            .flat_map(|by_slot| by_slot.iter().map(|(slot, link)| (slot, *link)))
    }

    /// Every `source=` that names document `doc_id`: (referring slot, link).
    pub fn sources_naming(&self, doc_id: &str) -> impl Iterator<Item = (DocumentSlot, &SourceLink)> + '_ {
        self.backlinks
            .source_references
            .get(doc_id)
            .into_iter()
            .flat_map(|by_slot| by_slot.iter())
    }
}

impl Backlinks {
    /// Files the relations and `source=` references of one document's claims.
    fn add(&mut self, slot: DocumentSlot, doc: &impl Links) {
        for (k, claim) in doc.claims().iter().enumerate() {
            for relation in claim.relations() {
                let target_doc = relation.target.document.as_deref().unwrap_or(doc.id());
                bucket(&mut self.referrers, target_doc).push(slot, ());
                let link = Link {
                    claim: ClaimIndex::new(k),
                    kind: relation.kind,
                    range: relation.target.range,
                };
                let by_claim = bucket(&mut self.claim_references, target_doc);
                bucket(by_claim, &relation.target.claim).push(slot, link);
            }
            if let Some(Source::Document {
                document,
                claim: target,
            }) = claim.source()
            {
                bucket(&mut self.referrers, &document.value).push(slot, ());
                let link = SourceLink {
                    claim: ClaimIndex::new(k),
                    range: document.range,
                    target_claim: target.as_ref().map(|c| c.claim.to_string()),
                };
                bucket(&mut self.source_references, &document.value).push(slot, link);
            }
        }
    }
}

/// Entity id → referring document → the reference's index in its `entity_refs` and where it
/// stands: 12 bytes a reference, not 20 with its range copied too (half a million at 10,000
/// articles). The site stays: a hover counts an entity's mentions and claims by their sites,
/// and reading them from a million references' documents took it from 1 to 30 ms.
type EntityReferences = HashMap<String, BySlot<(EntityRefIndex, PackedSite)>>;

/// Claim id → the documents holding a claim with it, built at once: each list grows in slot
/// order and becomes a set in one pass (inserted one by one, each claim was a walk down a tree
/// of up to 100,000 slots: 700,000 claims at 100,000 articles share about 70 ids).
/// Keyed by the documents' own text while it is built: one lookup per claim, and an id copied
/// once at the end (`bucket` looked each claim up twice).
/// Each half of the documents is filed on its own core, and the sets are built on both: on one
/// core this was 3 ms of 10,000 dense articles' check with nothing else to do.
fn claims_by_id_of<D: Links + Sync>(documents: &[D]) -> HashMap<String, BTreeSet<DocumentSlot>> {
    let half = documents.len() / 2;
    let (mut lists, second) = rayon::join(
        || claim_ids_from(&documents[..half], 0),
        || claim_ids_from(&documents[half..], half),
    );
    for (id, slots) in second {
        // The second half's slots all come after the first's: the list stays in order.
        lists.entry(id).or_default().extend(slots);
    }
    let lists: Vec<(&str, Vec<DocumentSlot>)> = lists.into_iter().collect();
    let sets: Vec<(String, BTreeSet<DocumentSlot>)> = lists
        .into_par_iter()
        .map(|(id, slots)| (id.to_string(), slots.into_iter().collect()))
        .collect();
    sets.into_iter().collect()
}

/// The slots of `documents`' claims by id, the first document's slot being `first`.
fn claim_ids_from<D: Links>(documents: &[D], first: usize) -> HashMap<&str, Vec<DocumentSlot>> {
    let mut lists: HashMap<&str, Vec<DocumentSlot>> = HashMap::default();
    for (slot, doc) in documents.iter().enumerate() {
        let slot = DocumentSlot::new(first + slot);
        for id in doc.claims().iter().filter_map(|c| c.id()) {
            let list = lists.entry(id.value.as_str()).or_default();
            if list.last() != Some(&slot) {
                list.push(slot);
            }
        }
    }
    lists
}

fn file_entity_references(map: &mut EntityReferences, slot: DocumentSlot, doc: &Document) {
    for (k, (id, r)) in doc.entity_refs_with_ids().enumerate() {
        bucket(map, id).push(slot, (EntityRefIndex::new(k), r.packed_site()));
    }
}

/// The matcher of the entities' names, or an empty one when unannotated-mention is off (a
/// rule that is off costs nothing).
fn name_matcher(documents: &[Document], config: &Config) -> NameMatcher {
    match config.severity(RuleCode::UnannotatedMention) {
        Some(_) => NameMatcher::new(documents),
        None => NameMatcher::default(),
    }
}

/// The value filed under `key`, created empty if absent. Looks up by `&str` first, so the key
/// is copied once per distinct id, not once per reference.
fn bucket<'m, T: Default>(map: &'m mut HashMap<String, T>, key: &str) -> &'m mut T {
    if !map.contains_key(key) {
        map.insert(key.to_string(), T::default());
    }
    map.get_mut(key).expect("inserted above")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;

    fn entity(id: &str, names: &[&str]) -> Document {
        let name = serde_json::to_string(names[0]).unwrap();
        let aliases = serde_json::to_string(&names[1..]).unwrap();
        let text = format!("---\nkind: person\nname: {name}\naliases: {aliases}\n---\n");
        Document::new(id.into(), format!("entities/{id}.md"), DocumentKind::Entity, text)
    }

    /// An entity's entry carries its own names, and they follow an edit of its names: the
    /// skip in unannotated-mention reads them, and would silently stop (or skip a name the
    /// entity no longer has) if they did not.
    #[test]
    fn an_entity_entry_carries_its_own_names_through_edits() {
        let mut corpus = Corpus::from_documents(
            "/nowhere".into(),
            Config::default(),
            vec![
                entity("ullin", &["Ullin Dorpellin", "Dorpellin"]),
                entity("ann", &["Ann Vale"]),
                entity("vale", &["Vale"]),
                entity("long", &["Marethwen Solvarrin Quellenhaus", "Quellenhaus"]),
            ],
        );
        let own = |corpus: &Corpus, id: &str, text: &str| {
            let entry = corpus.index.entity_entry(&corpus.documents, id).expect("an entity");
            corpus.index.is_own_name(entry, text)
        };
        assert!(own(&corpus, "ullin", "Ullin Dorpellin"));
        assert!(own(&corpus, "ullin", "Dorpellin"));
        assert!(own(&corpus, "vale", "Vale"));
        assert!(
            own(&corpus, "long", "Marethwen Solvarrin Quellenhaus"),
            "too long to be held inline"
        );
        assert!(own(&corpus, "long", "Quellenhaus"));
        assert!(!own(&corpus, "ullin", "Ullin"), "a part of a name");
        assert!(!own(&corpus, "ann", "Ann Vale"), "it holds vale's name");
        assert!(!own(&corpus, "ann", "Vale"), "another entity's name");
        corpus.set_document_text(
            "entities/ullin.md",
            DocumentKind::Entity,
            "---\nkind: person\nname: Ullin Mareth\n---\n".into(),
        );
        assert!(own(&corpus, "ullin", "Ullin Mareth"));
        assert!(!own(&corpus, "ullin", "Dorpellin"), "a name it no longer has");
    }

    /// Duplicate ids are counted through edits: while none is left, no id is looked up.
    #[test]
    fn ids_shared_by_documents_are_counted_through_edits() {
        let article = |path: &str| Document::new("a".into(), path.into(), DocumentKind::Article, "x".into());
        let mut corpus = Corpus::from_documents(
            "/nowhere".into(),
            Config::default(),
            vec![article("articles/a.md"), article("more/a.md")],
        );
        assert_eq!(corpus.index.shared_ids, 1);
        assert_eq!(corpus.index.sharing_id("a").map(<[_]>::len), Some(2));
        corpus.remove_document("more/a.md");
        assert_eq!(corpus.index.shared_ids, 0);
        assert_eq!(corpus.index.sharing_id("a"), None);
        corpus.set_document_text("other/a.md", DocumentKind::Article, "y".into());
        assert_eq!(corpus.index.shared_ids, 1);
        assert_eq!(corpus.index.sharing_id("a").map(<[_]>::len), Some(2));
    }

    /// An entity with many aliases files `OWN_NAMES_PER_ENTITY` of them: each mention is
    /// compared with at most that many.
    #[test]
    fn an_entity_files_a_bounded_number_of_own_names() {
        let aliases: Vec<String> = (0..40).map(|k| format!("Alias{k:02}")).collect();
        let mut names = vec!["Wally"];
        names.extend(aliases.iter().map(String::as_str));
        let index = CorpusIndex::build(&[entity("w", &names)]);
        let entry = index.entity_entry::<Document>(&[], "w").expect("an entity");
        let filed = names.iter().filter(|n| index.is_own_name(entry, n)).count();
        assert_eq!(filed, OWN_NAMES_PER_ENTITY);
    }
}
