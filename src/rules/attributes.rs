//! unknown-attribute: keys on mentions and claims that the format does not define.

use super::Context;
use crate::document::ATTRIBUTE_KEYS;
use crate::finding::{Finding, RuleCode};
use crate::suggest;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for span in cx.doc.syntax.annotated() {
        // Unknown keys first: nearly every span has none, and the class is read only then.
        if span.key_values().all(|a| a.known_key.is_some()) {
            continue;
        }
        if span.mention_or_claim(&cx.doc.text) == (false, false) {
            continue; // Plain Pandoc spans are not ours to judge.
        }
        for attribute in span.key_values() {
            if attribute.known_key.is_some() {
                continue;
            }
            let written = attribute.key(&cx.doc.text);
            let near = suggest::closest(written, ATTRIBUTE_KEYS, 1);
            let message = match near.first() {
                Some(key) => format!("unknown attribute `{written}=`; did you mean `{key}=`?"),
                None => format!(
                    "unknown attribute `{written}=`: mentions and claims take {}",
                    ATTRIBUTE_KEYS.map(|k| format!("`{k}=`")).join(", ")
                ),
            };
            out.push(
                Finding::new(RuleCode::UnknownAttribute, attribute.key_range(&cx.doc.text), message)
                    .with_suggestion(near.into_iter().next()),
            );
        }
    }
}
