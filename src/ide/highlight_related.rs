//! Document highlights: every occurrence, in one document, of what the cursor is on. For an
//! entity: its name on its own page (the declaration), each `e=`/`by=`/front-matter id (a
//! reference) and each mention's text (a textual occurrence). For a claim: its `#id` and each
//! relation or `source=` in the document that names it. For `source=DOC`: each `source=`
//! naming that document. For a date: each place the same date is written.
//!
//! One pass over the document's references and claims: linear in the document, whatever the
//! cursor is on (texlab and rust-analyzer answer the same request the same way).

use super::cursor::{self, Item};
use crate::corpus::Corpus;
use crate::date::Date;
use crate::document::{Document, DocumentKind, EntityRefSite, Source};
use crate::ids::ClaimRef;
use crate::index::ClaimKey;
use crate::slots::DocumentSlot;
use crate::text::TextRange;

/// What an occurrence is (LSP's DocumentHighlightKind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HighlightKind {
    /// A textual occurrence: a mention's text, a date.
    Text,
    /// A reference: an id in `e=`, `by=`, front matter, a claim reference.
    Read,
    /// The declaration: an entity's `name` on its page, a claim's `#id`.
    Write,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Highlight {
    pub range: TextRange,
    pub kind: HighlightKind,
}

/// Every occurrence in document `slot` of the entity, claim, document or date at `offset`,
/// sorted by position; empty when the cursor is on none of them.
pub fn highlight_related(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Vec<Highlight> {
    let (Some(doc), Some(found)) = (corpus.documents.get(slot.index()), cursor::at(corpus, slot, offset)) else {
        return Vec::new();
    };
    let mut out = match &found.item {
        Item::Entity { id } => entity(doc, id),
        Item::Claim { target: Some(key), .. } => claim(corpus, slot, doc, *key),
        Item::Claim {
            target: None,
            reference: Some(reference),
        } => unresolved(doc, reference),
        Item::Claim {
            target: None,
            reference: None,
        } => Vec::new(),
        Item::Document { id } => document(doc, id),
        Item::Date { date } => dates(doc, *date),
    };
    out.sort();
    out.dedup();
    out
}

fn entity(doc: &Document, id: &str) -> Vec<Highlight> {
    let mut out = Vec::new();
    if doc.kind == DocumentKind::Entity
        && doc.id == id
        && let Some(name) = doc.entity.as_ref().and_then(|e| e.name.as_ref())
    {
        out.push(Highlight {
            range: name.range,
            kind: HighlightKind::Write,
        });
    }
    for (_, r) in doc.entity_refs_with_ids().filter(|(r_id, _)| *r_id == id) {
        out.push(Highlight {
            range: r.range,
            kind: HighlightKind::Read,
        });
        if let EntityRefSite::Mention(m) = r.site()
            && let Some(mention) = doc.mentions.get(m as usize)
        {
            out.push(Highlight {
                range: doc.span(mention.span).text_range(),
                kind: HighlightKind::Text,
            });
        }
    }
    out
}

fn claim(corpus: &Corpus, slot: DocumentSlot, doc: &Document, key: ClaimKey) -> Vec<Highlight> {
    let mut out = Vec::new();
    if key.document == slot
        && let Some(claim) = doc.claims.get(key.claim.index())
    {
        out.push(match &claim.id {
            Some(id) => Highlight {
                range: id.range,
                kind: HighlightKind::Write,
            },
            // Nothing can name a claim without an id: its text is all there is to show.
            None => Highlight {
                range: doc.span(claim.span).text_range(),
                kind: HighlightKind::Text,
            },
        });
    }
    let names = |reference: &ClaimRef| corpus.index.resolve_claim(&corpus.documents, slot, reference) == Some(key);
    for claim in &doc.claims {
        for relation in claim.relations.iter().filter(|r| names(&r.target)) {
            out.push(Highlight {
                range: relation.target.range,
                kind: HighlightKind::Read,
            });
        }
        if let Some(Source::Document {
            claim: Some(reference), ..
        }) = claim.source.as_deref()
            && names(reference)
        {
            out.push(Highlight {
                range: reference.range,
                kind: HighlightKind::Read,
            });
        }
    }
    out
}

/// A reference that names no claim: the other places that write the same reference.
fn unresolved(doc: &Document, reference: &ClaimRef) -> Vec<Highlight> {
    let same = |r: &ClaimRef| r.document == reference.document && r.claim == reference.claim;
    let mut out = Vec::new();
    for claim in &doc.claims {
        for relation in claim.relations.iter().filter(|r| same(&r.target)) {
            out.push(Highlight {
                range: relation.target.range,
                kind: HighlightKind::Read,
            });
        }
        if let Some(Source::Document { claim: Some(r), .. }) = claim.source.as_deref()
            && same(r)
        {
            out.push(Highlight {
                range: r.range,
                kind: HighlightKind::Read,
            });
        }
    }
    out
}

fn document(doc: &Document, id: &str) -> Vec<Highlight> {
    doc.claims
        .iter()
        .filter_map(|claim| match claim.source.as_deref() {
            Some(Source::Document { document, claim: None }) if document.value == id => Some(Highlight {
                range: document.range,
                kind: HighlightKind::Read,
            }),
            _ => None,
        })
        .collect()
}

fn dates(doc: &Document, date: Date) -> Vec<Highlight> {
    let text = |range| Highlight {
        range,
        kind: HighlightKind::Text,
    };
    let mut out: Vec<Highlight> = doc
        .claims
        .iter()
        .filter(|c| c.date == Some(date))
        .filter_map(|c| c.date_range.map(text))
        .collect();
    if let Some(published) = doc.article.as_ref().and_then(|a| a.published.as_ref())
        && published.value == date
    {
        out.push(text(published.range));
    }
    for role in doc.entity.iter().flat_map(|e| &e.roles) {
        for d in role.from.iter().chain(role.to.iter()) {
            if d.value == date {
                out.push(text(d.range));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn corpus(files: &[(&str, DocumentKind, &str)]) -> Corpus {
        let documents = files
            .iter()
            .map(|(path, kind, text)| {
                let id = crate::discover::document_id(path);
                Document::new(id, path.to_string(), *kind, text.to_string())
            })
            .collect();
        Corpus::from_documents(std::path::PathBuf::from("/c"), Config::default(), documents)
    }

    fn shown(text: &str, found: &[Highlight]) -> Vec<(String, HighlightKind)> {
        found
            .iter()
            .map(|h| (text[h.range.range()].to_string(), h.kind))
            .collect()
    }

    const ARTICLE: &str = "---\ntitle: T\npublished: 2022-02-25\n---\n[Rogozin]{e=rogozin} said [\"x\"]{.claim #a by=rogozin date=2022-02-25}\n\n[NASA]{e=nasa} replied [\"y\"]{.claim #b by=nasa date=2022-02-24 replies-to=a supports=\"a c\"}\n";

    #[test]
    fn an_entity_is_highlighted_where_it_is_named_and_referenced() {
        let c = corpus(&[
            ("articles/x.md", DocumentKind::Article, ARTICLE),
            (
                "entities/rogozin.md",
                DocumentKind::Entity,
                "---\nkind: person\nname: Dmitry Rogozin\n---\n",
            ),
        ]);
        let at = ARTICLE.find("by=rogozin").unwrap() + 4;
        let found = highlight_related(&c, DocumentSlot::new(0), at);
        use HighlightKind::*;
        assert_eq!(
            shown(ARTICLE, &found),
            [
                ("Rogozin".into(), Text),
                ("rogozin".into(), Read),
                ("rogozin".into(), Read)
            ]
        );
    }

    #[test]
    fn a_claim_is_highlighted_at_its_id_and_every_reference() {
        let c = corpus(&[("articles/x.md", DocumentKind::Article, ARTICLE)]);
        let at = ARTICLE.find("replies-to=a").unwrap() + 11;
        let found = highlight_related(&c, DocumentSlot::new(0), at);
        use HighlightKind::*;
        assert_eq!(
            shown(ARTICLE, &found),
            [("a".into(), Write), ("a".into(), Read), ("a".into(), Read)]
        );
        // The unresolved `c` highlights itself only.
        let at = ARTICLE.find("a c\"").unwrap() + 2;
        let found = highlight_related(&c, DocumentSlot::new(0), at);
        assert_eq!(shown(ARTICLE, &found), [("c".into(), Read)]);
        // A date: each place it is written.
        let at = ARTICLE.find("date=2022-02-25").unwrap() + 6;
        let found = highlight_related(&c, DocumentSlot::new(0), at);
        assert_eq!(found.len(), 2, "the claim's date and the publication date");
    }
}
