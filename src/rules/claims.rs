//! Claims on their own: ids unique in the document, dated, sourced, not after publication.

use super::Context;
use crate::finding::{Finding, RuleCode};
use rustc_hash::FxHashMap as HashMap;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let doc = cx.doc;
    let published = doc.published();
    // Sized up front: grown from empty, its rehashes were a tenth of this rule.
    let mut first_ids: HashMap<&str, usize> = HashMap::with_capacity_and_hasher(doc.claims.len(), Default::default());
    for claim in &doc.claims {
        let span = doc.span(claim.span);
        if let Some(id) = &claim.id {
            match first_ids.get(id.value.as_str()) {
                Some(&first) => out.push(Finding::new(
                    RuleCode::DuplicateId,
                    id.range,
                    format!(
                        "the claim id `{}` is used already on line {}: claim ids are unique in a document; rename this one",
                        id.value,
                        doc.lines.line_of(first) + 1
                    ),
                )),
                None => {
                    first_ids.insert(&id.value, id.range.start as usize);
                }
            }
        }
        let known = span.known();
        if known.get("date").is_none() {
            out.push(Finding::new(
                RuleCode::UndatedClaim,
                span.attributes_range(),
                "claim has no date= attribute: add `date=YYYY-MM-DD`, the day the statement was made (not the day it was reported)",
            ));
        }
        if known.get("by").is_none() && known.get("source").is_none() {
            out.push(Finding::new(
                RuleCode::UnsourcedClaim,
                span.attributes_range(),
                "claim has neither by= nor source=: say who made the statement (`by=ENTITY`) or where it can be checked (`source=\"https://…\"` or `source=DOC`)",
            ));
        }
        if let (Some(date), Some(published), Some(range)) = (claim.date, published, claim.date_range)
            && date.is_after(published)
        {
            out.push(Finding::new(
                    RuleCode::ClaimAfterPublication,
                    range,
                    format!(
                        "claim is dated {date}, after the article was published ({published}): a statement cannot be reported before it is made; check date= or the article's published date"
                    ),
                ));
        }
    }
}
