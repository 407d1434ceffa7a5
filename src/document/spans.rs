//! Lowering of the body's spans: each span becomes a mention (`e=`), a claim (`.claim`)
//! or neither, and its attribute values become ids, dates, sources and relations.
//!
//! A module of its own because it reads only the syntax tree's spans, in one pass in
//! document order (a span's parent comes before it), and nothing of the YAML.

use super::{
    Claim, Document, EntityRef, EntityRefSite, Located, Lowering, Mention, Relation, RelationKind, Source,
    invalid_entity_id,
};
use crate::date::Date;
use crate::finding::RuleCode;
use crate::ids::{self, Name};
use crate::slots::{ClaimIndex, EntityRefIndex, SpanIndex};
use crate::syntax::SpanRef;
use crate::text::TextRange;

impl Lowering {
    /// Reads the spans into `doc.mentions` and `doc.claims`.
    pub(super) fn spans(&mut self, doc: &mut Document) {
        // Sized from the spans up front: growth by doubling would leave up to half of each
        // vector empty, and trimming afterwards costs a copy on every edit of a large document.
        let text = doc.text.as_str();
        // Each span's kind, read once: (a mention, a claim).
        let kinds: Vec<(bool, bool)> = doc.syntax.annotated().map(|s| s.mention_or_claim(text)).collect();
        let mentions = kinds.iter().filter(|&&k| k == (true, false)).count();
        let claims = kinds.iter().filter(|&&k| k == (false, true)).count();
        doc.mentions.reserve_exact(mentions);
        doc.claims.reserve_exact(claims);
        // A reference per mention and about one per claim (`by=`): grown by doubling, the
        // references were 3 % of `annals check`'s time in copies.
        self.entity_refs.reserve(mentions + claims);
        // A span's claim index, so that nested spans find their enclosing claim.
        let mut claim_of_span: Vec<Option<ClaimIndex>> = vec![None; doc.syntax.spans.len()];
        for (k, span) in doc.syntax.annotated().enumerate() {
            let enclosing = span.parent().and_then(|p| claim_of_span[p.index()]);
            let (is_mention, is_claim) = kinds[k];
            if is_mention && is_claim {
                self.problem(
                    RuleCode::ConflictingAnnotation,
                    span.attributes_range(),
                    "a span is a mention (`e=`) or a claim (`.claim`), never both: nest the mention inside the claim, e.g. `[[Rogozin]{e=rogozin} said …]{.claim …}`".into(),
                );
                claim_of_span[k] = enclosing;
                continue;
            }
            if is_mention {
                let Some(e) = span.get("e") else { continue };
                let value = e.value(text);
                if ids::is_valid_id(&value) {
                    let mention = doc.mentions.len() as u32;
                    let entity_ref = EntityRefIndex::new(self.entity_refs.len());
                    self.entity_refs
                        .push(EntityRef::new(e.value_range, EntityRefSite::Mention(mention)));
                    doc.mentions.push(Mention {
                        span: SpanIndex::new(k),
                        entity_ref,
                        claim: enclosing,
                    });
                } else {
                    self.problem(RuleCode::InvalidId, e.value_range, invalid_entity_id(&value));
                }
                claim_of_span[k] = enclosing;
            } else if is_claim {
                let index = ClaimIndex::new(doc.claims.len());
                let claim = self.claim(text, span, SpanIndex::new(k), index, enclosing);
                doc.claims.push(claim);
                claim_of_span[k] = Some(index);
            } else {
                claim_of_span[k] = enclosing;
            }
        }
    }

    fn claim(
        &mut self,
        text: &str,
        span: SpanRef,
        k: SpanIndex,
        index: ClaimIndex,
        parent: Option<ClaimIndex>,
    ) -> Claim {
        let known = span.known();
        let id = span.id().and_then(|a| {
            let value = a.value(text);
            if ids::is_valid_id(&value) {
                Some(Located::new(Name::from(value), a.value_range))
            } else {
                self.problem(
                    RuleCode::InvalidId,
                    a.range(text),
                    format!("`#{value}` is not a valid claim id: use only letters, digits, `-` and `_`"),
                );
                None
            }
        });
        // Sized for one word per attribute, the usual (one speaker, at most one relation):
        // a default vector of four would waste three quarters of it on a million claims, and
        // counting the words first read each value twice. More words grow it, and boxing
        // drops what is unused.
        let mut by = Vec::new();
        if let Some(a) = known.get("by") {
            by.reserve_exact(1);
            let mut words = 0;
            // Each word's range is exact, escapes or not: a valid id's text is the id.
            for (word, range) in a.words(text) {
                words += 1;
                if ids::is_valid_id(&word) {
                    self.entity_refs
                        .push(EntityRef::new(range, EntityRefSite::Speaker(index)));
                    by.push(Located::new(Name::from(word), range));
                } else {
                    self.problem(RuleCode::InvalidId, range, invalid_entity_id(&word));
                }
            }
            if words == 0 {
                self.problem(
                    RuleCode::InvalidId,
                    a.range(text),
                    "`by=` names no one: give an entity id, or several in quotes".into(),
                );
            }
        }
        let (date_range, date) = match known.get("date") {
            Some(a) => {
                let value = a.value(text);
                let date = match Date::parse(&value) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        self.problem(RuleCode::InvalidDate, a.value_range, e.message(&value));
                        None
                    }
                };
                (Some(a.value_range), date)
            }
            None => (None, None),
        };
        let via = known
            .get("via")
            .map(|a| Located::new(Name::from(a.value(text)), a.value_range));
        let source = known.get("source").and_then(|a| {
            let written = a.value(text);
            let value = written.trim();
            if ids::is_address(value) {
                return Some(Source::Address(Located::new(value.to_string(), a.value_range)));
            }
            let (document, claim) = match value.split_once(':') {
                Some((d, c)) => (d, Some(c)),
                None => (value, None),
            };
            if !ids::is_valid_id(document) || claim.is_some_and(|c| !ids::is_valid_id(c)) {
                self.problem(
                    RuleCode::InvalidId,
                    a.value_range,
                    format!("`source={value}` is neither an address (`\"https://…\"`) nor a corpus reference (`DOC` or `DOC:ID`)"),
                );
                return None;
            }
            let doc_range = TextRange::new(a.value_range.start as usize, a.value_range.start as usize + document.len());
            Some(Source::Document {
                document: Located::new(document.to_string(), if written.len() == a.value_range.len() { doc_range } else { a.value_range }),
                claim: claim.map(|c| ids::ClaimRef {
                    document: Some(Name::from(document)),
                    claim: Name::from(c),
                    range: a.value_range,
                }),
            })
        });
        let relation_attributes = RelationKind::ALL
            .iter()
            .filter(|kind| known.get(kind.key()).is_some())
            .count();
        let mut relations = Vec::with_capacity(relation_attributes);
        for kind in RelationKind::ALL {
            if let Some(a) = known.get(kind.key()) {
                for (word, range) in a.words(text) {
                    match ids::parse_claim_ref(&word, range) {
                        Ok(target) => relations.push(Relation { kind, target }),
                        Err(message) => self.problem(RuleCode::InvalidId, range, message),
                    }
                }
            }
        }
        // Boxing drops their capacities: it copies only when an attribute held more or fewer
        // ids than one.
        Claim {
            span: k,
            id,
            by: by.into_boxed_slice(),
            date_range,
            date,
            via: via.map(Box::new),
            source: source.map(Box::new),
            relations: relations.into_boxed_slice(),
            parent,
        }
    }
}
