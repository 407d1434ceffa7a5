//! One document as every export format sees it: its plain text, and its mentions, claims and
//! relations, each with its place (source line and column, plain-text range and positions).
//!
//! The formats only lay these records out; what an annotation's text, position, id or
//! target is gets decided here once.

use super::iri::Iris;
use crate::date::Date;
use crate::document::{Document, DocumentKind, EntityMeta, Source};
use crate::plain_text::{PlainText, Unit};
use crate::rules::Context;
use crate::slots::ClaimIndex;
use crate::text::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;

/// Where an annotation stands: in the source (1-based line and column, columns in code points
/// as check reports them, at the span's `[`) and in the plain text (bytes, and positions in
/// the export's unit).
#[derive(Clone, Debug)]
pub struct Place {
    pub bytes: Range<usize>,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

/// What a mention names, as the export shows it.
#[derive(Clone, Copy, Debug)]
pub struct EntityInfo<'d> {
    pub id: &'d str,
    pub kind: Option<&'d str>,
    pub name: Option<&'d str>,
    pub wikidata: Option<&'d str>,
}

#[derive(Debug)]
pub struct MentionRecord<'d> {
    /// 1-based, in document order: the mention's id is `DOC@N`.
    pub number: usize,
    pub entity: EntityInfo<'d>,
    pub place: Place,
    /// The innermost claim whose text holds the mention.
    pub claim: Option<ClaimIndex>,
}

/// A claim's id within its document: its own, or its number among the document's claims when
/// it has none (or when an earlier claim has the same id, which then names that one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalId<'d> {
    Named(&'d str),
    Numbered(usize),
}

#[derive(Debug)]
pub struct ClaimRecord<'d> {
    pub local: LocalId<'d>,
    pub place: Place,
    pub by: Vec<&'d str>,
    /// The speakers as the corpus knows them (`by`, in order).
    pub speakers: Vec<EntityInfo<'d>>,
    pub date: Option<Date>,
    pub via: Option<&'d str>,
    pub source: Option<SourceRef<'d>>,
    /// Entity ids of the mentions in the claim's text (nested claims' too), each once, in order.
    pub mentions: Vec<&'d str>,
    pub parent: Option<ClaimIndex>,
}

#[derive(Clone, Copy, Debug)]
pub enum SourceRef<'d> {
    Address(&'d str),
    Document(&'d str),
    Claim { document: &'d str, claim: &'d str },
}

/// A relation kind as written (`replies-to`, …), or `source` for a `source=` corpus reference.
#[derive(Debug)]
pub struct RelationRecord<'d> {
    /// 1-based, in document order (the w3c annotation's id).
    pub number: usize,
    pub from: ClaimIndex,
    pub relation: &'static str,
    pub target: Target<'d>,
    /// Where the reference is written: 1-based line and column.
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'d> {
    Claim { document: &'d str, claim: &'d str },
    Document(&'d str),
}

/// A document's records.
pub struct Exported<'d> {
    pub doc: &'d Document,
    pub plain: PlainText,
    pub unit: Unit,
    pub mentions: Vec<MentionRecord<'d>>,
    pub claims: Vec<ClaimRecord<'d>>,
    pub relations: Vec<RelationRecord<'d>>,
}

impl<'d> Exported<'d> {
    /// The records of `cx.doc`; entities are looked up in `cx.documents` through `cx.index`.
    pub fn new(cx: &Context<'d>, unit: Unit) -> Exported<'d> {
        let doc = cx.doc;
        let plain = PlainText::of(doc);
        let place = |range: TextRange, text_range: TextRange| {
            let bytes = plain.range(text_range);
            let at = doc.lines.line_column(&doc.text, range.start as usize);
            Place {
                start: plain.count(bytes.start, unit),
                end: plain.count(bytes.end, unit),
                bytes,
                line: at.line + 1,
                column: at.column + 1,
            }
        };
        // A document names few entities many times: each is looked up once.
        let mut known: FxHashMap<&str, EntityInfo> = FxHashMap::default();
        let mut entity = |id: &'d str| *known.entry(id).or_insert_with(|| entity_info(cx, id));
        let mentions: Vec<MentionRecord> = doc
            .mentions
            .iter()
            .enumerate()
            .map(|(k, m)| {
                let span = doc.span(m.span);
                MentionRecord {
                    number: k + 1,
                    entity: entity(doc.mention_entity(m)),
                    place: place(span.range, span.text_range()),
                    claim: m.claim,
                }
            })
            .collect();
        let claims: Vec<ClaimRecord> = doc
            .claims
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let span = doc.span(c.span);
                let local = match &c.id {
                    Some(id) if doc.claim_by_id(&id.value).is_some_and(|(first, _)| first.index() == k) => {
                        LocalId::Named(id.value.as_str())
                    }
                    _ => LocalId::Numbered(k + 1),
                };
                let source = c.source.as_deref().map(|s| match s {
                    Source::Address(a) => SourceRef::Address(a.value.as_str()),
                    Source::Document { document, claim: None } => SourceRef::Document(document.value.as_str()),
                    Source::Document {
                        document,
                        claim: Some(claim),
                    } => SourceRef::Claim {
                        document: document.value.as_str(),
                        claim: claim.claim.as_str(),
                    },
                });
                ClaimRecord {
                    local,
                    place: place(span.range, span.text_range()),
                    by: c.by.iter().map(|b| b.value.as_str()).collect(),
                    speakers: c.by.iter().map(|b| entity(b.value.as_str())).collect(),
                    date: c.date,
                    via: c.via.as_ref().map(|v| v.value.as_str()),
                    source,
                    mentions: mentions_inside(doc, span.text_range()),
                    parent: c.parent,
                }
            })
            .collect();
        let mut relations = Vec::new();
        for (k, c) in doc.claims.iter().enumerate() {
            let from = ClaimIndex::new(k);
            for relation in &c.relations {
                let target = Target::Claim {
                    document: relation.target.document.as_deref().unwrap_or(&doc.id),
                    claim: relation.target.claim.as_str(),
                };
                relations.push((from, relation.kind.key(), target, relation.target.range));
            }
            if let Some(Source::Document { document, claim }) = c.source.as_deref() {
                let target = match claim {
                    Some(claim) => Target::Claim {
                        document: document.value.as_str(),
                        claim: claim.claim.as_str(),
                    },
                    None => Target::Document(document.value.as_str()),
                };
                relations.push((from, "source", target, document.range));
            }
        }
        let relations = relations
            .into_iter()
            .enumerate()
            .map(|(k, (from, relation, target, range))| {
                let at = doc.lines.line_column(&doc.text, range.start as usize);
                RelationRecord {
                    number: k + 1,
                    from,
                    relation,
                    target,
                    line: at.line + 1,
                    column: at.column + 1,
                }
            })
            .collect();
        Exported {
            doc,
            plain,
            unit,
            mentions,
            claims,
            relations,
        }
    }

    /// The plain text of an annotation.
    pub fn text(&self, place: &Place) -> &str {
        self.plain.text.get(place.bytes.clone()).unwrap_or("")
    }

    /// A claim's id in the corpus: `DOC:ID`, or `DOC:~N` for a claim without one.
    pub fn claim_id(&self, claim: ClaimIndex) -> String {
        match self.claims.get(claim.index()).map(|c| c.local) {
            Some(LocalId::Named(id)) => format!("{}:{id}", self.doc.id),
            Some(LocalId::Numbered(n)) => format!("{}:~{n}", self.doc.id),
            None => format!("{}:~{}", self.doc.id, claim.index() + 1),
        }
    }

    /// A mention's id in the corpus: `DOC@N`.
    pub fn mention_id(&self, mention: &MentionRecord) -> String {
        format!("{}@{}", self.doc.id, mention.number)
    }

    /// The IRI of one of this document's claims.
    /// The IRI of this document's `claim`, under `document`, this document's IRI.
    pub fn claim_iri(&self, document: &str, claim: ClaimIndex) -> String {
        match self.claims.get(claim.index()).map(|c| c.local) {
            Some(LocalId::Named(id)) => Iris::claim_in(document, id),
            Some(LocalId::Numbered(n)) => Iris::claim_in(document, &format!("~{n}")),
            None => Iris::claim_in(document, &format!("~{}", claim.index() + 1)),
        }
    }

    /// The claim a relation target names in this document, if it is here.
    pub fn local_claim(&self, target: &Target) -> Option<ClaimIndex> {
        match target {
            Target::Claim { document, claim } if *document == self.doc.id => {
                self.doc.claim_by_id(claim).map(|(k, _)| k)
            }
            _ => None,
        }
    }
}

/// The entity `id` names, as far as the corpus knows it.
pub fn entity_info<'d>(cx: &Context<'d>, id: &'d str) -> EntityInfo<'d> {
    let meta = cx
        .index
        .entity(cx.documents, id)
        .and_then(|slot| cx.documents.get(slot.index()))
        .and_then(|d| d.entity.as_ref());
    EntityInfo {
        id,
        kind: meta.and_then(|m| m.kind.as_ref()).map(|k| k.value.as_str()),
        name: meta.and_then(|m| m.name.as_ref()).map(|n| n.value.as_str()),
        wikidata: meta.and_then(|m| m.wikidata.as_ref()).map(|w| w.value.as_str()),
    }
}

/// The entity ids of the mentions whose spans lie in `range`, each once, in order. Mentions
/// are in span order, so those inside start at a binary search's place. The work is that of
/// the list it makes: a mention inside nested claims is listed by each of them.
fn mentions_inside(doc: &Document, range: TextRange) -> Vec<&str> {
    let first = doc
        .mentions
        .partition_point(|m| doc.span(m.span).range.start < range.start);
    let mut seen = FxHashSet::default();
    let mut out = Vec::new();
    for m in &doc.mentions[first..] {
        let span = doc.span(m.span);
        if span.range.start >= range.end {
            break;
        }
        let id = doc.mention_entity(m);
        if range.contains_range(span.range) && seen.insert(id) {
            out.push(id);
        }
    }
    out
}

/// An entity document's front matter, for the entities table.
pub fn entity_meta(doc: &Document) -> Option<&EntityMeta> {
    match doc.kind {
        DocumentKind::Entity => doc.entity.as_deref(),
        DocumentKind::Article => None,
    }
}
