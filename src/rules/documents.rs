//! Document ids: of the allowed form, and unique in the corpus.

use super::Context;
use crate::finding::{Finding, RuleCode};
use crate::ids::is_valid_id;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let doc = cx.doc;
    if !is_valid_id(&doc.id) {
        out.push(Finding::new(
            RuleCode::InvalidId,
            doc.head_range(),
            format!(
                "the file name gives this document the id `{}`, which is not allowed: rename the file using only letters, digits, `-` and `_` (plus `.md`)",
                doc.id
            ),
        ));
    }
    if let Some(slots) = cx.index.sharing_id(&doc.id) {
        let others: Vec<&str> = slots
            .iter()
            .filter(|&&s| s != cx.slot)
            .map(|&s| cx.documents[s.index()].path.as_str())
            .collect();
        if !others.is_empty() {
            out.push(Finding::new(
                RuleCode::DuplicateId,
                doc.head_range(),
                format!(
                    "another document has the id `{}` too ({}): ids are file names without `.md` and must be unique in the corpus; rename one of the files",
                    doc.id,
                    others.join(", ")
                ),
            ));
        }
    }
}
