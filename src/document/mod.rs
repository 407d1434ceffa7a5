//! A document: its text, syntax tree and what it means (docs/format.md sections 2-4).
//!
//! Lowering turns the syntax tree into the corpus model (article or entity front
//! matter, mentions, claims, references). Problems of form that lowering meets on
//! the way (a value of the wrong type, a bad id or date) become findings here;
//! the rules in `rules/` judge meaning. Lowering is split by what it reads: the YAML
//! tree (`front_matter.rs`) or the spans (`spans.rs`).

mod front_matter;
mod shed;
mod spans;

pub use shed::{LinkedClaim, Links, ShedClaim, ShedDocument};

use crate::date::Date;
use crate::finding::{Finding, RuleCode};
use crate::ids::{ClaimRef, Name};
use crate::slots::{ClaimIndex, EntityRefIndex, SpanIndex};
use crate::syntax::{self, Head, SpanRef, SyntaxTree};
use crate::text::{LineIndex, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Article,
    Entity,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Article => "article",
            DocumentKind::Entity => "entity",
        }
    }
}

/// A value with the range it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub range: TextRange,
}

impl<T> Located<T> {
    pub fn new(value: T, range: TextRange) -> Self {
        Located { value, range }
    }
}

pub const ENTITY_KINDS: [&str; 9] = [
    "person",
    "agency",
    "organization",
    "company",
    "outlet",
    "government",
    "country",
    "place",
    "craft",
];

#[derive(Clone, Debug, Default)]
pub struct ArticleMeta {
    pub title: Option<Located<String>>,
    pub published: Option<Located<Date>>,
    pub outlet: Option<Located<String>>,
    pub authors: Vec<Located<String>>,
    pub url: Option<Located<String>>,
    pub lang: Option<Located<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct Role {
    pub title: Option<Located<String>>,
    pub org: Option<Located<String>>,
    pub from: Option<Located<Date>>,
    pub to: Option<Located<Date>>,
    pub range: TextRange,
}

impl Role {
    /// Whether the role may have been held on `date` (open ends count as unbounded).
    pub fn held_on(&self, date: Date) -> bool {
        self.days().may_hold(date.first_day(), date.last_day())
    }

    /// The days the role may have been held: from the first day of `from` to the last of
    /// `to`, open ends unbounded. For a check of many dates, without a calendar each time.
    pub fn days(&self) -> RoleDays {
        RoleDays {
            first: self.from.as_ref().map_or(i64::MIN, |f| f.value.first_day()),
            last: self.to.as_ref().map_or(i64::MAX, |t| t.value.last_day()),
        }
    }
}

/// A role's days (`Role::days`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleDays {
    first: i64,
    last: i64,
}

impl RoleDays {
    /// Whether the role may have been held on some day from `first` to `last` (a date's
    /// interval): it did not start after the date ended, nor end before the date began.
    pub fn may_hold(self, first: i64, last: i64) -> bool {
        self.first <= last && self.last >= first
    }
}

#[derive(Clone, Debug, Default)]
pub struct EntityMeta {
    pub kind: Option<Located<String>>,
    pub name: Option<Located<String>>,
    pub aliases: Vec<Located<String>>,
    pub description: Option<Located<String>>,
    pub country: Option<Located<String>>,
    pub parent: Option<Located<String>>,
    pub wikidata: Option<Located<String>>,
    pub roles: Vec<Role>,
}

impl EntityMeta {
    /// The roles held on `date`, each as "title, org" (the org named by `org_name`, from its
    /// id): what a hover card and the site's card say of someone on the day they spoke.
    pub fn roles_on(&self, date: Date, org_name: impl Fn(&str) -> String) -> Vec<String> {
        self.roles
            .iter()
            .filter(|r| r.held_on(date))
            .map(|r| {
                let title = r.title.as_ref().map_or("(untitled role)", |t| t.value.as_str());
                match &r.org {
                    Some(o) => format!("{title}, {}", org_name(&o.value)),
                    None => title.to_string(),
                }
            })
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelationKind {
    RepliesTo,
    Repeats,
    Contradicts,
    Supports,
}

impl RelationKind {
    pub const ALL: [RelationKind; 4] = [
        RelationKind::RepliesTo,
        RelationKind::Repeats,
        RelationKind::Contradicts,
        RelationKind::Supports,
    ];
    pub fn key(self) -> &'static str {
        match self {
            RelationKind::RepliesTo => "replies-to",
            RelationKind::Repeats => "repeats",
            RelationKind::Contradicts => "contradicts",
            RelationKind::Supports => "supports",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Relation {
    pub kind: RelationKind,
    pub target: ClaimRef,
}

#[derive(Clone, Debug)]
pub enum Source {
    Address(Located<String>),
    /// `DOC` or `DOC:ID`.
    Document {
        document: Located<String>,
        claim: Option<ClaimRef>,
    },
}

#[derive(Clone, Debug)]
pub struct Mention {
    /// Its span in the syntax tree.
    pub span: SpanIndex,
    /// Its `e=` reference in `Document::entity_refs` (the id and its range), kept once:
    /// `Document::mention_entity` reads it.
    pub entity_ref: EntityRefIndex,
    /// The innermost claim whose text holds this mention.
    pub claim: Option<ClaimIndex>,
}

#[derive(Clone, Debug)]
pub struct Claim {
    pub span: SpanIndex,
    pub id: Option<Located<Name>>,
    pub by: Box<[Located<Name>]>,
    /// The `date=` attribute's value range, present even when the date is invalid.
    pub date_range: Option<TextRange>,
    pub date: Option<Date>,
    /// Boxed, as `source`: most claims have none.
    pub via: Option<Box<Located<Name>>>,
    /// Boxed: most claims have none, and inline it would be a third of every claim's size.
    pub source: Option<Box<Source>>,
    pub relations: Box<[Relation]>,
    /// The innermost claim whose text holds this one.
    pub parent: Option<ClaimIndex>,
}

/// Where an entity reference stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntityRefSite {
    /// An `e=`: the mention's index in `Document::mentions`.
    Mention(u32),
    /// A `by=` of this claim.
    Speaker(ClaimIndex),
    Outlet,
    /// The author at this index in the article's `authors`.
    Author(u32),
    /// The `org` of the role at this index in the entity's `roles`.
    RoleOrg(u32),
    Parent,
}

/// An entity id as written in the document, at `range`. The id itself is not held: it is the
/// text at `range`, or the front matter's value at its site (`Document::entity_ref_id`).
/// Held, it was 24 of the reference's 40 bytes, half a million times in 10,000 articles;
/// 12 bytes now, the site packed.
#[derive(Clone, Copy, Debug)]
pub struct EntityRef {
    pub range: TextRange,
    site: PackedSite,
}

impl EntityRef {
    pub fn new(range: TextRange, site: EntityRefSite) -> EntityRef {
        EntityRef {
            range,
            site: PackedSite::new(site),
        }
    }

    /// Where the reference stands.
    pub fn site(&self) -> EntityRefSite {
        self.site.site()
    }

    pub fn packed_site(&self) -> PackedSite {
        self.site
    }
}

/// An `EntityRefSite` in 4 bytes rather than 8, as a document's references and the index's
/// entries hold it (half a million each at 10,000 articles): the variant in the top three
/// bits, its index in the other 29. The index counts mentions, claims or roles of one document, each several
/// bytes of a text addressed by `u32`; only a document of more than 3.7 GB could count past
/// 2^29 - 1, where the index saturates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PackedSite(u32);

impl PackedSite {
    const SHIFT: u32 = 29;
    pub const INDEX: u32 = (1 << Self::SHIFT) - 1;

    pub fn new(site: EntityRefSite) -> PackedSite {
        let (tag, index) = match site {
            EntityRefSite::Mention(k) => (0, k),
            EntityRefSite::Speaker(k) => (1, k.index() as u32),
            EntityRefSite::Outlet => (2, 0),
            EntityRefSite::Author(k) => (3, k),
            EntityRefSite::RoleOrg(k) => (4, k),
            EntityRefSite::Parent => (5, 0),
        };
        PackedSite(tag << Self::SHIFT | index.min(Self::INDEX))
    }

    pub fn site(self) -> EntityRefSite {
        let index = self.0 & Self::INDEX;
        match self.0 >> Self::SHIFT {
            0 => EntityRefSite::Mention(index),
            1 => EntityRefSite::Speaker(ClaimIndex::new(index as usize)),
            2 => EntityRefSite::Outlet,
            3 => EntityRefSite::Author(index),
            4 => EntityRefSite::RoleOrg(index),
            _ => EntityRefSite::Parent,
        }
    }
}

pub use crate::syntax::annotation::ATTRIBUTE_KEYS;

#[derive(Debug)]
pub struct Document {
    pub id: String,
    /// Relative to the corpus root, with `/` separators.
    pub path: String,
    pub kind: DocumentKind,
    pub text: String,
    pub lines: LineIndex,
    pub syntax: SyntaxTree,
    pub article: Option<Box<ArticleMeta>>,
    pub entity: Option<Box<EntityMeta>>,
    pub mentions: Vec<Mention>,
    pub claims: Vec<Claim>,
    /// Indices of the claims that have an id, sorted by id and then by position: a binary
    /// search finds the first claim with an id, with 4 bytes per claim and no copy of it.
    claims_by_id: Vec<ClaimIndex>,
    /// Every entity reference in the document, front matter included.
    pub entity_refs: Vec<EntityRef>,
    /// The ids of `entity_refs`, copied out when the text was dropped (`drop_text`); `None`
    /// while the text holds them.
    entity_ids_without_text: Option<Box<[Name]>>,
    /// Problems of form found while reading the document.
    pub problems: Vec<Finding>,
}

impl Document {
    /// The id of the entity a mention names.
    pub fn mention_entity(&self, m: &Mention) -> &str {
        self.entity_ref_id(m.entity_ref)
    }

    /// The id a reference names. An `e=` or `by=` id is its text: a valid id has no escapes,
    /// so it is written as it reads. A front matter id may be quoted, so it is read from the
    /// front matter's value at its site.
    pub fn entity_ref_id(&self, k: EntityRefIndex) -> &str {
        let Some(r) = self.entity_refs.get(k.index()) else {
            return "";
        };
        if let Some(ids) = &self.entity_ids_without_text {
            return ids.get(k.index()).map_or("", |id| id.as_str());
        }
        fn value(v: Option<&Located<String>>) -> &str {
            v.map_or("", |v| v.value.as_str())
        }
        let article = self.article.as_deref();
        let entity = self.entity.as_deref();
        match r.site() {
            EntityRefSite::Mention(_) | EntityRefSite::Speaker(_) => self.text.get(r.range.range()).unwrap_or(""),
            EntityRefSite::Outlet => value(article.and_then(|a| a.outlet.as_ref())),
            EntityRefSite::Author(k) => value(article.and_then(|a| a.authors.get(k as usize))),
            EntityRefSite::RoleOrg(k) => value(entity.and_then(|e| e.roles.get(k as usize)?.org.as_ref())),
            EntityRefSite::Parent => value(entity.and_then(|e| e.parent.as_ref())),
        }
    }

    /// Each entity reference with the id it names.
    pub fn entity_refs_with_ids(&self) -> impl Iterator<Item = (&str, &EntityRef)> + '_ {
        self.entity_refs
            .iter()
            .enumerate()
            .map(|(k, r)| (self.entity_ref_id(EntityRefIndex::new(k)), r))
    }

    /// Drops the text and its syntax tree, keeping the rest (`annals site` once an article's
    /// page is written): what is read from the text later, the entity ids, is copied out first.
    pub fn drop_text(&mut self) {
        let ids = self.entity_refs_with_ids().map(|(id, _)| Name::from(id)).collect();
        self.entity_ids_without_text = Some(ids);
        self.text = String::new();
        self.lines = LineIndex::new("");
        self.syntax = syntax::parse("");
    }

    /// Each mention's text range and entity, by start (stable: nested mentions keep their order).
    pub fn mentions_by_start(&self) -> Vec<(TextRange, &str)> {
        let mut all: Vec<(TextRange, &str)> = self
            .mentions
            .iter()
            .map(|m| (self.span(m.span).text_range(), self.mention_entity(m)))
            .collect();
        all.sort_by_key(|(r, _)| r.start);
        all
    }

    pub fn span(&self, index: SpanIndex) -> SpanRef<'_> {
        self.syntax.span(index)
    }

    pub fn claim_by_id(&self, id: &str) -> Option<(ClaimIndex, &Claim)> {
        claim_by_id(&self.claims, &self.claims_by_id, id)
    }

    /// The `published` date of an article.
    pub fn published(&self) -> Option<Date> {
        self.article.as_ref()?.published.as_ref().map(|p| p.value)
    }

    /// The first line of the document (the front matter's `---`), where whole-document findings go.
    pub fn head_range(&self) -> TextRange {
        head_range(&self.syntax.head, &self.text, &self.lines)
    }

    /// A document not read yet: its id, path and kind, and nothing in it. Of another
    /// document, that is all a document's own findings read (`rules::own_findings`).
    ///
    /// Built as it is, not read from an empty text: parsing and lowering nothing was most of
    /// the 10,000 stand-ins of a check's first stage (6-9 ms of a core). Nor does it hold the
    /// empty text's problem: a stand-in is never judged (a sweep replaces it first, and
    /// `Corpus::findings_of` gives none for one).
    pub fn stand_in(file: &crate::discover::SourceFile) -> Document {
        let nothing = SyntaxTree {
            head: Head::Missing,
            body_start: 0,
            spans: Vec::new(),
            attributes: Vec::new(),
            masked: Vec::new(),
            errors: Vec::new(),
        };
        let id = crate::discover::document_id(&file.relative);
        Document::unlowered(
            id,
            file.relative.clone(),
            file.kind,
            String::new(),
            LineIndex::new(""),
            nothing,
        )
    }

    /// A document of `text`, its lines and its syntax, before lowering fills in the rest.
    fn unlowered(
        id: String,
        path: String,
        kind: DocumentKind,
        text: String,
        lines: LineIndex,
        syntax: SyntaxTree,
    ) -> Document {
        Document {
            id,
            path,
            kind,
            text,
            lines,
            syntax,
            article: None,
            entity: None,
            mentions: Vec::new(),
            claims: Vec::new(),
            claims_by_id: Vec::new(),
            entity_refs: Vec::new(),
            entity_ids_without_text: None,
            problems: Vec::new(),
        }
    }

    /// Reads a document from its text. Never fails: problems become findings.
    pub fn new(id: String, path: String, kind: DocumentKind, text: String) -> Document {
        let lines = LineIndex::new(&text);
        let syntax = syntax::parse_with(&text, Some(&lines));
        let mut doc = Document::unlowered(id, path, kind, text, lines, syntax);
        let mut lower = Lowering {
            problems: Vec::new(),
            entity_refs: Vec::new(),
            authors: 0,
        };
        lower.head(&mut doc);
        lower.spans(&mut doc);
        for e in &doc.syntax.errors {
            lower
                .problems
                .push(Finding::new(RuleCode::SyntaxError, e.range, e.message.clone()));
        }
        doc.problems = lower.problems;
        doc.entity_refs = lower.entity_refs;
        // Grown by doubling while lowering: up to half of it would stay unused for the document's life.
        doc.entity_refs.shrink_to_fit();

        let mut by_id: Vec<ClaimIndex> = (0..doc.claims.len())
            .filter(|&k| doc.claims[k].id.is_some())
            .map(ClaimIndex::new)
            .collect();
        // Stable: among claims with one id, the first stays first.
        by_id.sort_by(|&a, &b| claim_id(&doc.claims, a).cmp(&claim_id(&doc.claims, b)));
        doc.claims_by_id = by_id;
        doc
    }

    /// A document that could not be read (not UTF-8, unreadable): one finding, nothing else.
    pub fn unreadable(id: String, path: String, kind: DocumentKind, text: String, finding: Finding) -> Document {
        let mut doc = Document::new(id, path, kind, String::new());
        doc.lines = LineIndex::new(&text);
        doc.text = text;
        doc.problems = vec![finding];
        doc
    }
}

/// What lowering gathers besides the document's own fields, in the order it meets them:
/// the front matter first (`front_matter.rs`), then the spans (`spans.rs`). The order
/// matters: a mention's `entity_ref` is its index in `entity_refs`.
struct Lowering {
    problems: Vec<Finding>,
    entity_refs: Vec<EntityRef>,
    /// The article's authors accepted so far: the next one's index (`EntityRefSite::Author`).
    authors: u32,
}

impl Lowering {
    fn problem(&mut self, code: RuleCode, range: TextRange, message: String) {
        self.problems.push(Finding::new(code, range, message));
    }
}

/// The first claim with the id `id`, through `by_id`: the indices of the claims that have
/// an id, sorted by id and then by position.
fn claim_by_id<'c, C: LinkedClaim>(claims: &'c [C], by_id: &[ClaimIndex], id: &str) -> Option<(ClaimIndex, &'c C)> {
    let at = by_id.partition_point(|&k| claim_id(claims, k) < Some(id));
    let k = *by_id.get(at)?;
    (claim_id(claims, k) == Some(id)).then(|| (k, &claims[k.index()]))
}

/// The id of claim `k`, if it has one.
fn claim_id<C: LinkedClaim>(claims: &[C], k: ClaimIndex) -> Option<&str> {
    claims.get(k.index()).and_then(|c| c.id()).map(|i| i.value.as_str())
}

/// The first line of a document (the front matter's `---`), where whole-document findings go.
fn head_range(head: &Head, text: &str, lines: &LineIndex) -> TextRange {
    match head {
        Head::FrontMatter(fm) => fm.first_line,
        Head::Unclosed { first_line } => *first_line,
        Head::Missing => lines.line_range(text, 0),
    }
}

fn invalid_entity_id(id: &str) -> String {
    format!(
        "`{id}` is not a valid entity id: an entity id is its file name without `.md`, made of letters, digits, `-` and `_`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in is what reading an empty text gives, but for that text's problem: built field
    /// by field, it must not drift from what lowering gives.
    #[test]
    fn a_stand_in_is_an_empty_document_without_its_problem() {
        for (relative, kind) in [
            ("articles/2022-a.md", DocumentKind::Article),
            ("entities/x/jane-doe.md", DocumentKind::Entity),
        ] {
            let file = crate::discover::SourceFile {
                path: relative.into(),
                relative: relative.into(),
                kind,
            };
            let mut read = Document::new(
                crate::discover::document_id(relative),
                relative.into(),
                kind,
                String::new(),
            );
            assert_eq!(read.problems.len(), 1, "an empty text has one problem");
            read.problems.clear();
            assert_eq!(format!("{:?}", Document::stand_in(&file)), format!("{read:?}"));
        }
    }

    fn date() -> impl proptest::strategy::Strategy<Value = Date> {
        use proptest::prelude::*;
        // Few years, months and days, so that the ends of a role and the date often meet.
        (
            2020i32..2023,
            proptest::option::of(1u8..=3),
            proptest::option::of(1u8..=3),
        )
            .prop_map(|(year, month, day)| Date {
                year,
                month,
                day: month.and(day),
            })
    }

    proptest::proptest! {
        /// A role's days answer as the dates' own comparisons do (the site checks the days of
        /// every role of every card).
        #[test]
        fn a_role_is_held_on_a_date_as_the_dates_compare(
            from in proptest::option::of(date()),
            to in proptest::option::of(date()),
            on in date(),
        ) {
            let role = Role {
                from: from.map(|d| Located::new(d, TextRange::default())),
                to: to.map(|d| Located::new(d, TextRange::default())),
                ..Role::default()
            };
            let compared = from.is_none_or(|f| !f.is_after(on)) && to.is_none_or(|t| !t.is_before(on));
            proptest::prop_assert_eq!(role.held_on(on), compared);
        }
    }

    #[test]
    fn a_packed_site_reads_back_as_the_site_it_was() {
        let sites = [
            EntityRefSite::Mention(0),
            EntityRefSite::Mention(PackedSite::INDEX),
            EntityRefSite::Speaker(ClaimIndex::new(7)),
            EntityRefSite::Outlet,
            EntityRefSite::Author(3),
            EntityRefSite::RoleOrg(12),
            EntityRefSite::Parent,
        ];
        for site in sites {
            assert_eq!(PackedSite::new(site).site(), site);
        }
        // Past 29 bits (a text of more than 3.7 GB) the index saturates, the variant stays.
        assert_eq!(
            PackedSite::new(EntityRefSite::Mention(u32::MAX)).site(),
            EntityRefSite::Mention(PackedSite::INDEX)
        );
        assert_eq!(std::mem::size_of::<EntityRef>(), 12);
    }

    #[test]
    fn a_claim_id_finds_its_first_claim() {
        let text = "---\ntitle: T\npublished: 2022-04-02\n---\n[x]{.claim #b by=a date=2022-04-01} [y]{.claim #a by=a date=2022-04-01} [z]{.claim #b by=a date=2022-04-01} [w]{.claim by=a date=2022-04-01}\n";
        let doc = Document::new("d".into(), "articles/d.md".into(), DocumentKind::Article, text.into());
        assert_eq!(doc.claims.len(), 4);
        assert_eq!(
            doc.claim_by_id("b").map(|(k, _)| k.index()),
            Some(0),
            "the first of two claims with one id"
        );
        assert_eq!(doc.claim_by_id("a").map(|(k, _)| k.index()), Some(1));
        assert_eq!(doc.claim_by_id("c").map(|(k, _)| k.index()), None);
        assert_eq!(doc.claim_by_id("").map(|(k, _)| k.index()), None);
    }
}
