//! References: entity references that name an entity, claim and corpus references
//! that resolve, relations that do not name their own claim, replies not dated
//! before what they answer.

use super::Context;
use crate::document::{DocumentKind, LinkedClaim, Links, RelationKind, Source};
use crate::finding::{Finding, RuleCode};
use crate::ids::ClaimRef;
use crate::index::ClaimKey;
use crate::slots::{ClaimIndex, EntityRefIndex};
use crate::suggest;

/// Relations and `source=` references of the document's claims.
pub fn claim_links<D: Links>(cx: &Context<D>, out: &mut Vec<Finding>) {
    for (k, claim) in cx.doc.claims().iter().enumerate() {
        let key = ClaimKey {
            document: cx.slot,
            claim: ClaimIndex::new(k),
        };
        for relation in claim.relations() {
            let Some(target) = resolve(cx, &relation.target, out) else {
                continue;
            };
            if target == key {
                out.push(Finding::new(
                    RuleCode::SelfReference,
                    relation.target.range,
                    format!(
                        "this claim's `{}=` names the claim itself: point it at the other statement",
                        relation.kind.key()
                    ),
                ));
                continue;
            }
            if relation.kind == RelationKind::RepliesTo {
                let original = &cx.documents[target.document.index()].claims()[target.claim.index()];
                if let (Some(reply), Some(first)) = (claim.date(), original.date())
                    && reply.is_before(first)
                {
                    out.push(Finding::new(
                            RuleCode::ReplyBeforeOriginal,
                            relation.target.range,
                            format!(
                                "this claim ({reply}) is dated before the claim it replies to ({first}): a reply cannot precede its original; check both date= values or the replies-to= target"
                            ),
                        ));
                }
            }
        }
        if let Some(Source::Document { document, claim }) = claim.source() {
            match claim {
                Some(reference) => {
                    resolve(cx, reference, out);
                }
                None if cx.index.document(&document.value).is_none() => {
                    out.push(missing_document(cx, &document.value, document.range));
                }
                None => {}
            }
        }
    }
}

/// Entity references that name no entity.
pub fn entity_references(cx: &Context, out: &mut Vec<Finding>) {
    for (k, (id, r)) in cx.doc.entity_refs_with_ids().enumerate() {
        if cx.referenced_entity(EntityRefIndex::new(k)).is_some() {
            continue;
        }
        let near = cx.index.entity_ids.closest(id, 3);
        let article = cx
            .index
            .document(id)
            .filter(|&s| cx.documents[s.index()].kind == DocumentKind::Article);
        let message = match article {
            Some(_) => format!(
                "`{}` is an article, not an entity: an entity reference names a file under the entities folder{}",
                id,
                suggest::did_you_mean(&near)
            ),
            None if near.is_empty() => format!(
                "no entity `{}` in the corpus: create `entities/{}.md` (kind, name) or use an existing id",
                id, id
            ),
            None => format!("no entity `{}` in the corpus{}", id, suggest::did_you_mean(&near)),
        };
        out.push(Finding::new(RuleCode::UnknownEntity, r.range, message).with_suggestion(near.into_iter().next()));
    }
}

fn missing_document<D>(cx: &Context<D>, id: &str, range: crate::text::TextRange) -> Finding {
    let near = cx.index.closest_documents(id, 3);
    Finding::new(
        RuleCode::BrokenReference,
        range,
        format!("no document `{id}` in the corpus{}", suggest::did_you_mean(&near)),
    )
    .with_suggestion(near.into_iter().next())
}

/// The claim a reference names, or a broken-reference finding saying what is missing.
fn resolve<D: Links>(cx: &Context<D>, reference: &ClaimRef, out: &mut Vec<Finding>) -> Option<ClaimKey> {
    if let Some(key) = cx.resolve_claim(reference) {
        return Some(key);
    }
    let slot = match &reference.document {
        Some(id) => match cx.index.document(id) {
            Some(slot) => slot,
            None => {
                let mut finding = missing_document(cx, id, reference.range);
                finding.suggestion = finding.suggestion.map(|d| format!("{d}:{}", reference.claim));
                out.push(finding);
                return None;
            }
        },
        None => cx.slot,
    };
    let target = &cx.documents[slot.index()];
    let candidates = target.claims().iter().filter_map(|c| c.id().map(|i| i.value.as_str()));
    let mut near = suggest::closest(&reference.claim, candidates, 3);
    if reference.document.is_none() {
        // The same id in other documents: the author probably meant `DOC:ID`.
        let elsewhere = cx
            .index
            .claims_by_id
            .get(reference.claim.as_str())
            .into_iter()
            .flatten();
        let qualified: Vec<String> = elsewhere
            .filter(|&&slot| slot != cx.slot)
            .map(|&slot| format!("{}:{}", cx.documents[slot.index()].id(), reference.claim))
            .take(3)
            .collect();
        near.splice(0..0, qualified);
        near.truncate(3);
    }
    let place = match &reference.document {
        Some(id) => format!("`{id}` has no claim `#{}`", reference.claim),
        None => format!(
            "this document has no claim `#{}` (for a claim of another document write `DOC:{}`)",
            reference.claim, reference.claim
        ),
    };
    let suggestion = near.first().map(|c| match &reference.document {
        Some(d) => format!("{d}:{c}"),
        None => c.clone(),
    });
    let place = if reference.document.is_none() && near.first().is_some_and(|n| n.contains(':')) {
        format!("this document has no claim `#{}`", reference.claim)
    } else {
        place
    };
    out.push(
        Finding::new(
            RuleCode::BrokenReference,
            reference.range,
            format!("{place}{}", suggest::did_you_mean(&near)),
        )
        .with_suggestion(suggestion),
    );
    None
}
