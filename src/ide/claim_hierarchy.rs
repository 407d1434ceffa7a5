//! The thread of a statement through the corpus, as a call hierarchy: a claim "calls" the
//! claims it replies to, repeats, supports or contradicts (its outgoing calls), and is called
//! by the claims that reply to it, repeat it, support or contradict it, in any document (its
//! incoming calls). Editors show it with the views they have for calls (VS Code's "Show Call
//! Hierarchy", Neovim's `vim.lsp.buf.incoming_calls`).
//!
//! An item is named by its speakers and date, and described by its first words; the
//! relation names the edge. Each call's ranges are the relation attributes (`replies-to=…`)
//! in the claim that holds them.

use super::cursor::{self, Item, claim_date};
use super::hover::entity_name;
use super::plain::{first_words, plain_text};
use crate::corpus::Corpus;
use crate::document::{Document, RelationKind};
use crate::index::ClaimKey;
use crate::slots::{ClaimIndex, DocumentSlot};
use crate::text::TextRange;

/// Words of a claim's text in an item's description.
const FIRST_WORDS: usize = 8;

/// A claim as the hierarchy shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimItem {
    pub claim: ClaimKey,
    /// Its speakers' names and its date: "Dmitry Rogozin, 2022-02-24".
    pub name: String,
    /// Its first words, quoted; in a call, after the relations.
    pub detail: String,
    /// The whole claim, `[` to `}`.
    pub range: TextRange,
    /// Its `#id`, else its attribute block: what the editor selects.
    pub focus: TextRange,
    /// Its id, when it has one (to find it again after edits).
    pub id: Option<String>,
}

/// One edge of the thread: the claim at the other end, how it is linked, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimCall {
    pub item: ClaimItem,
    /// The relations between the two claims, in the format's order.
    pub relations: Vec<RelationKind>,
    /// The relation attributes, in the claim that holds them: the caller's (the item's own
    /// document for outgoing calls, the other claim's for incoming ones).
    pub ranges: Vec<TextRange>,
}

/// The claim at `offset`: the one a claim reference names, else the innermost claim that
/// holds the offset (on its text, a mention in it, or its attributes).
pub fn claim_at(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Option<ClaimKey> {
    let doc = corpus.documents.get(slot.index())?;
    if let Some(cursor::Found {
        item: Item::Claim { target: Some(key), .. },
        ..
    }) = cursor::at(corpus, slot, offset)
    {
        return Some(key);
    }
    let claim = cursor::innermost_claim(doc, offset)?;
    Some(ClaimKey { document: slot, claim })
}

/// The item for the claim at `offset`, if there is one.
pub fn prepare(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Option<ClaimItem> {
    item(corpus, claim_at(corpus, slot, offset)?)
}

/// The claim an item stands for, after the client sends it back: by its id when it has one
/// (ids survive edits), else by the position of its focus.
pub fn resolve(corpus: &Corpus, slot: DocumentSlot, id: Option<&str>, focus: usize) -> Option<ClaimKey> {
    let doc = corpus.documents.get(slot.index())?;
    if let Some((claim, _)) = id.and_then(|id| doc.claim_by_id(id)) {
        return Some(ClaimKey { document: slot, claim });
    }
    claim_at(corpus, slot, focus)
}

pub fn item(corpus: &Corpus, key: ClaimKey) -> Option<ClaimItem> {
    let doc = corpus.documents.get(key.document.index())?;
    let claim = doc.claims.get(key.claim.index())?;
    let span = doc.span(claim.span);
    let mut speakers: Vec<String> = claim.by.iter().map(|b| entity_name(corpus, &b.value)).collect();
    if speakers.is_empty() {
        // An assertion of the article itself.
        let outlet = doc.article.as_ref().and_then(|a| a.outlet.as_ref());
        speakers.push(outlet.map_or_else(
            || "the article".to_string(),
            |o| format!("the article ({})", entity_name(corpus, &o.value)),
        ));
    }
    let date = claim_date(doc, Some(key.claim)).map_or_else(|| "undated".to_string(), |d| d.to_string());
    Some(ClaimItem {
        claim: key,
        name: format!("{}, {date}", speakers.join(", ")),
        detail: quoted_start(doc, span.text_range()),
        range: span.range,
        focus: claim.id.as_ref().map_or(span.attributes_range(), |i| i.range),
        id: claim.id.as_ref().map(|i| i.value.to_string()),
    })
}

/// “The first words …” of a claim's text, without the quotes it may carry.
fn quoted_start(doc: &Document, text: TextRange) -> String {
    let text = plain_text(doc, text);
    let text = text.trim_matches(|c| matches!(c, '"' | '“' | '”' | '«' | '»' | '„'));
    format!("“{}”", first_words(text, FIRST_WORDS))
}

/// The item of a call: the relations, then the first words.
fn call_item(mut item: ClaimItem, relations: &[RelationKind]) -> ClaimItem {
    let names: Vec<&str> = relations.iter().map(|r| r.key()).collect();
    item.detail = format!("{} · {}", names.join(", "), item.detail);
    item
}

/// The relations of claim `from` (in its document) that name `to`, and their attributes' ranges.
fn edges(corpus: &Corpus, from: ClaimKey, to: ClaimKey) -> (Vec<RelationKind>, Vec<TextRange>) {
    let doc = &corpus.documents[from.document.index()];
    let claim = &doc.claims[from.claim.index()];
    let span = doc.span(claim.span);
    let mut relations: Vec<RelationKind> = claim
        .relations
        .iter()
        .filter(|r| corpus.index.resolve_claim(&corpus.documents, from.document, &r.target) == Some(to))
        .map(|r| r.kind)
        .collect();
    relations.sort_by_key(|k| RelationKind::ALL.iter().position(|r| r == k));
    relations.dedup();
    // One attribute per relation kind: found once per kind, not once per reference.
    let ranges = relations
        .iter()
        .filter_map(|kind| span.get(kind.key()).map(|a| a.range(&doc.text)))
        .collect();
    (relations, ranges)
}

/// The claims that reply to, repeat, support or contradict `key`, across the corpus,
/// oldest first.
pub fn incoming(corpus: &Corpus, key: ClaimKey) -> Vec<ClaimCall> {
    let Some(doc) = corpus.documents.get(key.document.index()) else {
        return Vec::new();
    };
    let Some(id) = doc.claims.get(key.claim.index()).and_then(|c| c.id.as_ref()) else {
        return Vec::new(); // Nothing can name a claim without an id.
    };
    let mut callers: Vec<ClaimKey> = corpus
        .index
        .references_to_claim(&doc.id, &id.value)
        .map(|(slot, link)| ClaimKey {
            document: slot,
            claim: link.claim,
        })
        .collect();
    callers.sort();
    callers.dedup();
    let mut calls: Vec<ClaimCall> = callers
        .into_iter()
        .filter_map(|from| {
            // A reference filed under this id may name another document's claim of the same
            // id (a duplicate document id): only those that resolve here count.
            let (relations, ranges) = edges(corpus, from, key);
            if relations.is_empty() {
                return None;
            }
            Some(ClaimCall {
                item: call_item(item(corpus, from)?, &relations),
                relations,
                ranges,
            })
        })
        .collect();
    calls.sort_by_key(|c| chronological(corpus, c.item.claim));
    calls
}

/// The claims `key` replies to, repeats, supports or contradicts, in the order it names them.
pub fn outgoing(corpus: &Corpus, key: ClaimKey) -> Vec<ClaimCall> {
    let Some(claim) = corpus
        .documents
        .get(key.document.index())
        .and_then(|d| d.claims.get(key.claim.index()))
    else {
        return Vec::new();
    };
    let mut targets: Vec<ClaimKey> = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for relation in &claim.relations {
        if let Some(target) = corpus
            .index
            .resolve_claim(&corpus.documents, key.document, &relation.target)
            && seen.insert(target)
        {
            targets.push(target);
        }
    }
    targets
        .into_iter()
        .filter_map(|to| {
            let (relations, ranges) = edges(corpus, key, to);
            Some(ClaimCall {
                item: call_item(item(corpus, to)?, &relations),
                relations,
                ranges,
            })
        })
        .collect()
}

/// Undated claims last; then by document and position.
fn chronological(corpus: &Corpus, key: ClaimKey) -> (bool, i64, DocumentSlot, ClaimIndex) {
    let date = corpus
        .documents
        .get(key.document.index())
        .and_then(|d| claim_date(d, Some(key.claim)));
    (
        date.is_none(),
        date.map_or(0, |d| d.first_day()),
        key.document,
        key.claim,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::document::DocumentKind;

    fn corpus() -> Corpus {
        let files = [
            (
                "articles/a.md",
                DocumentKind::Article,
                "---\ntitle: A\npublished: 2022-02-25\n---\n[\"who will save the ISS from an uncontrolled deorbit\"]{.claim #deorbit by=rogozin date=2022-02-24}\n\n[\"we continue\"]{.claim #nasa by=nasa date=2022-02-24 replies-to=deorbit}\n",
            ),
            (
                "articles/b.md",
                DocumentKind::Article,
                "---\ntitle: B\npublished: 2022-04-02\noutlet: nasa\n---\n[\"save the ISS\"]{.claim #again by=rogozin date=2022-04-02 repeats=a:deorbit supports=\"a:deorbit a:nasa\"} [\"SpaceX\"]{.claim replies-to=a:deorbit date=2022-02}\n",
            ),
            (
                "entities/rogozin.md",
                DocumentKind::Entity,
                "---\nkind: person\nname: Dmitry Rogozin\n---\n",
            ),
            (
                "entities/nasa.md",
                DocumentKind::Entity,
                "---\nkind: agency\nname: NASA\n---\n",
            ),
        ];
        let documents = files
            .iter()
            .map(|(path, kind, text)| {
                Document::new(
                    crate::discover::document_id(path),
                    path.to_string(),
                    *kind,
                    text.to_string(),
                )
            })
            .collect();
        Corpus::from_documents("/c".into(), Config::default(), documents)
    }

    #[test]
    fn a_claim_is_called_by_its_replies_and_repeats_across_documents() {
        let c = corpus();
        let a = &c.documents[0].text;
        let item = prepare(&c, DocumentSlot::new(0), a.find("uncontrolled").unwrap()).unwrap();
        assert_eq!(item.name, "Dmitry Rogozin, 2022-02-24");
        assert_eq!(item.detail, "“who will save the ISS from an uncontrolled …”");
        assert_eq!(&a[item.focus.range()], "deorbit");
        let calls = incoming(&c, item.claim);
        let shown: Vec<(&str, &str)> = calls
            .iter()
            .map(|c| (c.item.name.as_str(), c.item.detail.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("the article (NASA), 2022-02", "replies-to · “SpaceX”"),
                ("NASA, 2022-02-24", "replies-to · “we continue”"),
                ("Dmitry Rogozin, 2022-04-02", "repeats, supports · “save the ISS”"),
            ]
        );
        // The ranges are the relation attributes, in the calling claim's document.
        let b = &c.documents[1].text;
        let ranges: Vec<&str> = calls[2].ranges.iter().map(|r| &b[r.range()]).collect();
        assert_eq!(ranges, ["repeats=a:deorbit", "supports=\"a:deorbit a:nasa\""]);
    }

    #[test]
    fn a_claim_calls_what_it_answers() {
        let c = corpus();
        let b = &c.documents[1].text;
        let again = claim_at(&c, DocumentSlot::new(1), b.find("#again").unwrap() + 1).unwrap();
        let calls = outgoing(&c, again);
        let shown: Vec<&str> = calls.iter().map(|c| c.item.name.as_str()).collect();
        assert_eq!(shown, ["Dmitry Rogozin, 2022-02-24", "NASA, 2022-02-24"]);
        assert_eq!(calls[0].relations, [RelationKind::Repeats, RelationKind::Supports]);
        // A claim reference stands for the claim it names.
        let on_reference = prepare(&c, DocumentSlot::new(1), b.find("a:nasa").unwrap() + 3).unwrap();
        assert_eq!(on_reference.claim.document, DocumentSlot::new(0));
        // An id-less claim is focused on its attributes and found again from there.
        let spacex = claim_at(&c, DocumentSlot::new(1), b.find("SpaceX").unwrap()).unwrap();
        let item = item(&c, spacex).unwrap();
        assert!(b[item.focus.range()].starts_with("{.claim"));
        assert_eq!(
            resolve(&c, DocumentSlot::new(1), None, item.focus.start as usize),
            Some(spacex)
        );
        assert_eq!(
            item.name, "the article (NASA), 2022-02",
            "no speaker: the article, by its outlet"
        );
    }
}
