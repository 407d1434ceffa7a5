//! What `annals check` keeps of a document once its own rules ran, and what the rules over
//! links read of any document.
//!
//! The sweep drops a document's syntax tree as soon as its own findings are known (it is most
//! of the document's memory). What is left is a type of its own, without `span` nor mentions,
//! so that a rule that reads spans cannot be handed a shed document: it would not compile,
//! where with an emptied `Document` it would panic in `check` only.

use super::{Claim, Document, DocumentKind, EntityMeta, Located, Relation, Source, claim_by_id, head_range};
use crate::date::Date;
use crate::ids::Name;
use crate::slots::ClaimIndex;
use crate::syntax::Head;
use crate::text::{LineIndex, TextRange};

/// A document without its syntax tree, mentions and problems (`Document::shed`): what the
/// rules over links read (`Links`) and what a report shows. The text and lines are the
/// document's own, moved, not copied; the sweep empties them for articles without findings.
///
/// It has no `span`, so a rule that reads spans does not compile on it:
///
/// ```compile_fail
/// use annals::document::{Document, DocumentKind};
/// let text = "---\ntitle: T\n---\n[x]{.claim}\n".to_string();
/// let shed = Document::new("a".into(), "articles/a.md".into(), DocumentKind::Article, text).shed();
/// shed.span(shed.claims[0].span);
/// ```
#[derive(Debug)]
pub struct ShedDocument {
    pub id: String,
    /// Relative to the corpus root, with `/` separators.
    pub path: String,
    pub kind: DocumentKind,
    pub text: String,
    pub lines: LineIndex,
    /// The text was dropped, and was ASCII: `lines` are still its lines, and place any offset
    /// alone (`LineIndex::ascii_line_column`), so that a report need not read it again for a
    /// finding found after it went.
    pub lines_of_dropped_text: bool,
    /// Kept for `head_range`; its YAML tree was taken while lowering.
    head: Head,
    /// An article's front matter is not kept: no rule over links reads it (2.3 MB of titles
    /// and outlets at 10,000 dense articles).
    pub entity: Option<Box<EntityMeta>>,
    /// What the rules over links read of each claim (`ShedClaim`).
    pub claims: Vec<ShedClaim>,
    /// As `Document::claims_by_id`.
    claims_by_id: Vec<ClaimIndex>,
}

/// A claim as a shed document keeps it: what the rules over links read (`LinkedClaim`). Its
/// span is gone, and its speakers, `via`, date range and enclosing claim go with it: 64
/// bytes instead of a claim's 112, and claims were the most of what a sweep kept of each
/// article (17 MB at 10,000 dense articles; the next article's allocations take the place
/// of what is freed, instead of fresh pages).
#[derive(Debug)]
pub struct ShedClaim {
    pub id: Option<Located<Name>>,
    pub date: Option<Date>,
    pub relations: Box<[Relation]>,
    pub source: Option<Box<Source>>,
}

impl From<Claim> for ShedClaim {
    fn from(claim: Claim) -> Self {
        ShedClaim {
            id: claim.id,
            date: claim.date,
            relations: claim.relations,
            source: claim.source,
        }
    }
}

/// What the rules over links read of a claim, whole (`Claim`) or shed (`ShedClaim`).
pub trait LinkedClaim {
    fn id(&self) -> Option<&Located<Name>>;
    fn date(&self) -> Option<Date>;
    fn relations(&self) -> &[Relation];
    fn source(&self) -> Option<&Source>;
}

/// `LinkedClaim` of a type with the fields of that name.
macro_rules! linked_claim {
    ($($claim:ty),*) => {$(
        impl LinkedClaim for $claim {
            fn id(&self) -> Option<&Located<Name>> {
                self.id.as_ref()
            }
            fn date(&self) -> Option<Date> {
                self.date
            }
            fn relations(&self) -> &[Relation] {
                &self.relations
            }
            fn source(&self) -> Option<&Source> {
                self.source.as_deref()
            }
        }
    )*};
}

linked_claim!(Claim, ShedClaim);

impl ShedDocument {
    pub fn claim_by_id(&self, id: &str) -> Option<(ClaimIndex, &ShedClaim)> {
        claim_by_id(&self.claims, &self.claims_by_id, id)
    }

    /// As `Document::head_range`.
    pub fn head_range(&self) -> TextRange {
        head_range(&self.head, &self.text, &self.lines)
    }
}

impl Document {
    /// What `annals check` keeps once the document's own rules ran (see `ShedDocument`).
    pub fn shed(self) -> ShedDocument {
        // The rest (spans, masked ranges, syntax errors, mentions, problems) drops here.
        ShedDocument {
            id: self.id,
            path: self.path,
            kind: self.kind,
            text: self.text,
            lines: self.lines,
            lines_of_dropped_text: false,
            head: self.syntax.head,
            entity: self.entity,
            // A new list of the shed claims' size: collected in place, the claims' list
            // would be kept whole, and the memory saved with it.
            claims: {
                let mut shed = Vec::with_capacity(self.claims.len());
                shed.extend(self.claims.into_iter().map(ShedClaim::from));
                shed
            },
            claims_by_id: self.claims_by_id,
        }
    }
}

/// What the rules over links (`rules::link_findings`) read of a document: its id and kind,
/// front matter, claims and the claim with an id. Both a full `Document` (the language
/// server's corpus) and a `ShedDocument` (`annals check`) have it; nothing here reaches the
/// syntax tree.
pub trait Links {
    type Claim: LinkedClaim;
    fn id(&self) -> &str;
    fn kind(&self) -> DocumentKind;
    fn entity(&self) -> Option<&EntityMeta>;
    fn claims(&self) -> &[Self::Claim];
    fn claim_by_id(&self, id: &str) -> Option<(ClaimIndex, &Self::Claim)>;
    fn head_range(&self) -> TextRange;
}

impl Links for Document {
    type Claim = Claim;
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> DocumentKind {
        self.kind
    }
    fn entity(&self) -> Option<&EntityMeta> {
        self.entity.as_deref()
    }
    fn claims(&self) -> &[Claim] {
        &self.claims
    }
    fn claim_by_id(&self, id: &str) -> Option<(ClaimIndex, &Claim)> {
        Document::claim_by_id(self, id)
    }
    fn head_range(&self) -> TextRange {
        Document::head_range(self)
    }
}

impl Links for ShedDocument {
    type Claim = ShedClaim;
    fn id(&self) -> &str {
        &self.id
    }
    fn kind(&self) -> DocumentKind {
        self.kind
    }
    fn entity(&self) -> Option<&EntityMeta> {
        self.entity.as_deref()
    }
    fn claims(&self) -> &[ShedClaim] {
        &self.claims
    }
    fn claim_by_id(&self, id: &str) -> Option<(ClaimIndex, &ShedClaim)> {
        ShedDocument::claim_by_id(self, id)
    }
    fn head_range(&self) -> TextRange {
        ShedDocument::head_range(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shedding keeps what the rules over links read, as the full document gives it.
    #[test]
    fn a_shed_document_links_as_the_document_does() {
        let text = "---\nkind: person\nname: Wally\n---\n[x]{.claim #b by=a date=2022-04-01} [y]{.claim #a by=a replies-to=b source=\"d:c\"}\n";
        let doc = Document::new("w".into(), "entities/w.md".into(), DocumentKind::Entity, text.into());
        let head = Links::head_range(&doc);
        fn found<D: Links>(d: &D) -> [Option<usize>; 3] {
            ["a", "b", "c"].map(|id| d.claim_by_id(id).map(|(k, _)| k.index()))
        }
        // Each claim as the rules over links read it.
        fn read<C: LinkedClaim>(claims: &[C]) -> Vec<String> {
            let claim = |c: &C| format!("{:?} {:?} {:?} {:?}", c.id(), c.date(), c.relations(), c.source());
            claims.iter().map(claim).collect()
        }
        let (before, claims) = (found(&doc), read(&doc.claims));
        assert!(std::mem::size_of::<ShedClaim>() <= 64, "a shed claim grew");
        let shed = doc.shed();
        assert_eq!(read(&shed.claims), claims);
        assert!(
            claims[1].contains("RepliesTo") && claims[1].contains("Document"),
            "{claims:?}"
        );
        assert_eq!(Links::head_range(&shed), head);
        assert_eq!(found(&shed), before);
        assert_eq!(before, [Some(1), Some(0), None]);
        assert_eq!(
            shed.entity().and_then(|e| e.name.as_ref()).map(|n| n.value.as_str()),
            Some("Wally")
        );
    }
}
