//! What is at an offset: an entity, a claim, a document or a date, and the date that
//! gives it context (the enclosing claim's date, else the article's publication).

use crate::corpus::Corpus;
use crate::date::Date;
use crate::document::{Claim, Document, EntityRefSite, Source};
use crate::ids::ClaimRef;
use crate::index::ClaimKey;
use crate::slots::{ClaimIndex, DocumentSlot, SpanIndex};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// An entity, named by a reference, a mention's text, or its own page's `name`.
    Entity {
        id: String,
    },
    /// A claim: a reference to one (resolved or not), its `#id`, or its text.
    Claim {
        target: Option<ClaimKey>,
        reference: Option<ClaimRef>,
    },
    /// A whole document, named by `source=DOC`.
    Document {
        id: String,
    },
    Date {
        date: Date,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub item: Item,
    /// The range of what the cursor is on.
    pub range: TextRange,
    /// The date that matters for who someone was: the enclosing claim's, else publication.
    pub context_date: Option<Date>,
}

/// The date of the claim at `index` in `doc`, or of the nearest enclosing claim that has one.
pub fn claim_date(doc: &Document, mut index: Option<ClaimIndex>) -> Option<Date> {
    while let Some(k) = index {
        let claim: &Claim = doc.claims.get(k.index())?;
        if claim.date.is_some() {
            return claim.date;
        }
        index = claim.parent;
    }
    None
}

/// Claim `k` of document `slot`, under the cursor itself (not through a reference).
fn own_claim(slot: DocumentSlot, k: usize) -> Item {
    Item::Claim {
        target: Some(ClaimKey {
            document: slot,
            claim: ClaimIndex::new(k),
        }),
        reference: None,
    }
}

pub fn at(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Option<Found> {
    let doc = corpus.documents.get(slot.index())?;
    let published = doc.published();
    let found = |item, range, context: Option<Date>| {
        Some(Found {
            item,
            range,
            context_date: context.or(published),
        })
    };

    for (id, r) in doc.entity_refs_with_ids() {
        if r.range.touches(offset) {
            let claim = match r.site() {
                EntityRefSite::Speaker(k) => Some(k),
                EntityRefSite::Mention(m) => doc.mentions.get(m as usize).and_then(|m| m.claim),
                _ => None,
            };
            return found(Item::Entity { id: id.to_string() }, r.range, claim_date(doc, claim));
        }
    }
    for (k, claim) in doc.claims.iter().enumerate() {
        let context = claim_date(doc, Some(ClaimIndex::new(k)));
        for relation in &claim.relations {
            if relation.target.range.touches(offset) {
                let target = corpus.index.resolve_claim(&corpus.documents, slot, &relation.target);
                return found(
                    Item::Claim {
                        target,
                        reference: Some(relation.target.clone()),
                    },
                    relation.target.range,
                    context,
                );
            }
        }
        if let Some(Source::Document {
            document,
            claim: target_claim,
        }) = claim.source.as_deref()
        {
            let whole = target_claim.as_ref().map_or(document.range, |c| c.range);
            if whole.touches(offset) {
                return match target_claim {
                    Some(reference) => {
                        let target = corpus.index.resolve_claim(&corpus.documents, slot, reference);
                        found(
                            Item::Claim {
                                target,
                                reference: Some(reference.clone()),
                            },
                            whole,
                            context,
                        )
                    }
                    None => found(
                        Item::Document {
                            id: document.value.clone(),
                        },
                        document.range,
                        context,
                    ),
                };
            }
        }
        if let Some(id) = &claim.id
            && id.range.touches(offset)
        {
            return found(own_claim(slot, k), id.range, context);
        }
        if let (Some(date), Some(range)) = (claim.date, claim.date_range)
            && range.touches(offset)
        {
            return found(Item::Date { date }, range, None);
        }
    }
    if let Some(found_date) = front_matter_date(doc, offset) {
        return Some(found_date);
    }
    // The innermost mention or claim whose span holds the offset.
    let innermost = doc
        .syntax
        .spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.range.contains(offset))
        .min_by_key(|(_, s)| s.range.len())
        .map(|(k, _)| SpanIndex::new(k));
    if let Some(span) = innermost {
        if let Some(m) = doc.mentions.iter().find(|m| m.span == span) {
            let range = doc.span(span).text_range();
            return found(
                Item::Entity {
                    id: doc.mention_entity(m).to_string(),
                },
                range,
                claim_date(doc, m.claim),
            );
        }
        if let Some(k) = doc.claims.iter().position(|c| c.span == span) {
            return found(
                own_claim(slot, k),
                doc.span(span).text_range(),
                claim_date(doc, Some(ClaimIndex::new(k))),
            );
        }
    }
    // An entity's own name on its page stands for the entity.
    let name = doc.entity.as_ref()?.name.as_ref()?;
    name.range.touches(offset).then(|| Found {
        item: Item::Entity { id: doc.id.clone() },
        range: name.range,
        context_date: None,
    })
}

fn front_matter_date(doc: &Document, offset: usize) -> Option<Found> {
    let mut dates = Vec::new();
    if let Some(article) = &doc.article {
        dates.extend(article.published.iter());
    }
    if let Some(entity) = &doc.entity {
        for role in &entity.roles {
            dates.extend(role.from.iter().chain(role.to.iter()));
        }
    }
    let published = doc.published();
    dates.into_iter().find(|d| d.range.touches(offset)).map(|d| Found {
        item: Item::Date { date: d.value },
        range: d.range,
        context_date: published,
    })
}

/// The innermost span whose range holds `offset`, by binary search: spans are sorted by
/// their `[`, so it is the last one starting at or before `offset`, or one of its ancestors.
pub fn innermost_span(doc: &Document, offset: usize) -> Option<SpanIndex> {
    let spans = &doc.syntax.spans;
    let mut at = spans
        .partition_point(|s| (s.range.start as usize) <= offset)
        .checked_sub(1)
        .map(SpanIndex::new);
    while let Some(k) = at {
        let span = doc.span(k);
        if span.range.contains(offset) {
            return Some(k);
        }
        at = span.parent();
    }
    None
}

/// The innermost claim whose span holds `offset`.
pub fn innermost_claim(doc: &Document, offset: usize) -> Option<ClaimIndex> {
    let mut at = innermost_span(doc, offset);
    while let Some(k) = at {
        // Claims are lowered in span order: a binary search finds a span's claim.
        if let Ok(claim) = doc.claims.binary_search_by_key(&k, |c| c.span) {
            return Some(ClaimIndex::new(claim));
        }
        at = doc.span(k).parent();
    }
    None
}
