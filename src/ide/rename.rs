//! Rename a claim id (its `#id` and every reference to it) or an entity id (its file and
//! every reference to it), from the declaration or from any reference.

use super::cursor::{self, Item};
use super::{SourceChange, TextEdit};
use crate::corpus::Corpus;
use crate::document::DocumentKind;
use crate::ids::is_valid_id;
use crate::index::ClaimKey;
use crate::slots::DocumentSlot;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Claim(ClaimKey),
    Entity(String),
}

const WHERE: &str =
    "rename works on an entity id (e=, by=, outlet, authors, org, parent) or a claim id (#id or a claim reference)";

/// What would be renamed at `offset`: the range of the id under the cursor and the target.
fn target(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Result<(TextRange, Target), String> {
    let doc = corpus.documents.get(slot.index()).ok_or("no such document")?;
    let found = cursor::at(corpus, slot, offset).ok_or(WHERE)?;
    match found.item {
        Item::Entity { id } => {
            // Only the id itself is renamed in place; a mention's text is not an id.
            let on_id = doc.entity_refs.iter().any(|r| r.range == found.range);
            if !on_id {
                return Err(WHERE.into());
            }
            if corpus.index.entity(&corpus.documents, &id).is_none() {
                return Err(format!("no entity `{id}` to rename"));
            }
            Ok((found.range, Target::Entity(id)))
        }
        Item::Claim {
            target: Some(key),
            reference,
        } => {
            let text = &doc.text[found.range.range()];
            // In `DOC:ID`, only the ID part.
            let range = match (&reference, text.find(':')) {
                (Some(_), Some(colon)) => {
                    TextRange::new(found.range.start as usize + colon + 1, found.range.end as usize)
                }
                _ => found.range,
            };
            let is_text = doc
                .claims
                .get(key.claim.index())
                .is_some_and(|c| doc.span(c.span).text_range() == found.range);
            if is_text && key.document == slot {
                return Err(WHERE.into());
            }
            Ok((range, Target::Claim(key)))
        }
        Item::Claim { target: None, .. } => Err("this reference names no claim; fix it before renaming".into()),
        _ => Err(WHERE.into()),
    }
}

/// The range to rename and its current text, or why renaming is not possible here.
pub fn prepare(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Result<(TextRange, String), String> {
    let (range, _) = target(corpus, slot, offset)?;
    Ok((range, corpus.documents[slot.index()].text[range.range()].to_string()))
}

pub fn rename(corpus: &Corpus, slot: DocumentSlot, offset: usize, new_id: &str) -> Result<SourceChange, String> {
    let (_, target) = target(corpus, slot, offset)?;
    if !is_valid_id(new_id) {
        return Err(format!(
            "`{new_id}` is not a valid id: use only letters, digits, `-` and `_`"
        ));
    }
    match target {
        Target::Claim(key) => rename_claim(corpus, key, new_id),
        Target::Entity(id) => rename_entity(corpus, &id, new_id),
    }
}

fn rename_claim(corpus: &Corpus, key: ClaimKey, new_id: &str) -> Result<SourceChange, String> {
    let doc = &corpus.documents[key.document.index()];
    let claim = &doc.claims[key.claim.index()];
    let old = claim.id.as_ref().ok_or("this claim has no id to rename")?;
    if doc.claim_by_id(new_id).is_some() {
        return Err(format!("`{}` has a claim `#{new_id}` already", doc.id));
    }
    let mut edits = vec![TextEdit {
        document: key.document,
        range: old.range,
        insert: new_id.to_string(),
    }];
    for (slot, link) in corpus.index.references_to_claim(&doc.id, &old.value) {
        let text = &corpus.documents[slot.index()].text[link.range.range()];
        let start = link.range.start as usize + text.find(':').map_or(0, |c| c + 1);
        edits.push(TextEdit {
            document: slot,
            range: TextRange::new(start, link.range.end as usize),
            insert: new_id.to_string(),
        });
    }
    for (slot, link) in corpus.index.sources_naming(&doc.id) {
        if link.target_claim.as_deref() == Some(old.value.as_str()) {
            // `source=DOC:ID`: the link's range is DOC; the id follows the colon.
            let start = link.range.end as usize + 1;
            let range = TextRange::new(start, start + old.value.len());
            if corpus.documents[slot.index()].text.get(range.range()) == Some(old.value.as_str()) {
                edits.push(TextEdit {
                    document: slot,
                    range,
                    insert: new_id.to_string(),
                });
            }
        }
    }
    Ok(SourceChange {
        edits,
        ..Default::default()
    })
}

fn rename_entity(corpus: &Corpus, old: &str, new_id: &str) -> Result<SourceChange, String> {
    if let Some(existing) = corpus.index.document(new_id) {
        return Err(format!(
            "a document with the id `{new_id}` exists already: {}",
            corpus.documents[existing.index()].path
        ));
    }
    let slot = corpus
        .index
        .entity(&corpus.documents, old)
        .ok_or_else(|| format!("no entity `{old}`"))?;
    let edits = id_edits(corpus, slot, new_id);
    let doc = &corpus.documents[slot.index()];
    debug_assert_eq!(doc.kind, DocumentKind::Entity);
    let folder = doc
        .path
        .rsplit_once('/')
        .map(|(f, _)| format!("{f}/"))
        .unwrap_or_default();
    Ok(SourceChange {
        edits,
        create: Vec::new(),
        rename: vec![(slot, format!("{folder}{new_id}.md"))],
    })
}

/// Edits that make every reference to the document at `slot` name `new_id` instead of its
/// id: entity references (`e=`, `by=`, `outlet`, `authors`, `org`, `parent`) when it is an
/// entity, `DOC:ID` claim references and `source=DOC`. Found through the index's backlinks,
/// so the cost is that of the references, not of the corpus.
pub fn id_edits(corpus: &Corpus, slot: DocumentSlot, new_id: &str) -> Vec<TextEdit> {
    let Some(doc) = corpus.documents.get(slot.index()) else {
        return Vec::new();
    };
    let old = doc.id.as_str();
    let mut edits: Vec<TextEdit> = Vec::new();
    if doc.kind == DocumentKind::Entity && corpus.index.entity(&corpus.documents, old) == Some(slot) {
        edits.extend(
            corpus
                .index
                .references_to_entity(&corpus.documents, old)
                .map(|(document, range, _)| TextEdit {
                    document,
                    range,
                    insert: new_id.to_string(),
                }),
        );
    }
    // `old:claim` anywhere; a claim reference without `old:` is written in the document itself.
    let prefix = format!("{old}:");
    let by_claim = corpus.index.backlinks.claim_references.get(old);
    for (document, link) in by_claim
        .into_iter()
        .flat_map(|m| m.values())
        .flat_map(|by_slot| by_slot.iter())
    {
        let text = &corpus.documents[document.index()].text;
        if text.get(link.range.range()).is_some_and(|t| t.starts_with(&prefix)) {
            let start = link.range.start as usize;
            edits.push(TextEdit {
                document,
                range: TextRange::new(start, start + old.len()),
                insert: new_id.to_string(),
            });
        }
    }
    for (document, link) in corpus.index.sources_naming(old) {
        edits.push(TextEdit {
            document,
            range: link.range,
            insert: new_id.to_string(),
        });
    }
    edits.sort_by_key(|e| (e.document, e.range));
    edits.dedup();
    edits
}
