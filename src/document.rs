//! A document: its text, syntax tree and what it means (docs/format.md sections 2-4).
//!
//! Lowering turns the syntax tree into the corpus model (article or entity front
//! matter, mentions, claims, references). Problems of form that lowering meets on
//! the way (a value of the wrong type, a bad id or date) become findings here;
//! the rules in `rules/` judge meaning.

use crate::date::Date;
use crate::finding::{Finding, RuleCode};
use crate::ids::{self, ClaimRef, Name};
use crate::syntax::{self, Head, Span, SyntaxTree, Yaml, YamlValue};
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
        let started = self.from.as_ref().is_none_or(|f| !f.value.is_after(date));
        let not_ended = self.to.as_ref().is_none_or(|t| !t.value.is_before(date));
        started && not_ended
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
    /// Index of the span in the syntax tree.
    pub span: u32,
    /// Its `e=` reference in `Document::entity_refs` (the id and its range), kept once:
    /// `Document::mention_entity` reads it.
    pub entity_ref: u32,
    /// The innermost claim whose text holds this mention.
    pub claim: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct Claim {
    pub span: u32,
    pub id: Option<Located<Name>>,
    pub by: Vec<Located<Name>>,
    /// The `date=` attribute's value range, present even when the date is invalid.
    pub date_range: Option<TextRange>,
    pub date: Option<Date>,
    pub via: Option<Located<Name>>,
    /// Boxed: most claims have none, and inline it would be a third of every claim's size.
    pub source: Option<Box<Source>>,
    pub relations: Vec<Relation>,
    pub parent: Option<u32>,
}

/// Where an entity reference stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntityRefSite {
    Mention(u32),
    Speaker(u32),
    Outlet,
    Author,
    RoleOrg(u32),
    Parent,
}

#[derive(Clone, Debug)]
pub struct EntityRef {
    pub id: Name,
    pub range: TextRange,
    pub site: EntityRefSite,
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
    pub article: Option<ArticleMeta>,
    pub entity: Option<EntityMeta>,
    pub mentions: Vec<Mention>,
    pub claims: Vec<Claim>,
    /// Indices of the claims that have an id, sorted by id and then by position: a binary
    /// search finds the first claim with an id, with 4 bytes per claim and no copy of it.
    claims_by_id: Vec<u32>,
    /// Every entity reference in the document, front matter included.
    pub entity_refs: Vec<EntityRef>,
    /// Problems of form found while reading the document.
    pub problems: Vec<Finding>,
}

impl Document {
    /// The id of the entity a mention names.
    pub fn mention_entity(&self, m: &Mention) -> &str {
        self.entity_refs
            .get(m.entity_ref as usize)
            .map_or("", |r| r.id.as_str())
    }

    pub fn span(&self, index: u32) -> &Span {
        &self.syntax.spans[index as usize]
    }

    pub fn claim_by_id(&self, id: &str) -> Option<(u32, &Claim)> {
        let at = self.claims_by_id.partition_point(|&k| self.claim_id(k) < Some(id));
        let k = *self.claims_by_id.get(at)?;
        (self.claim_id(k) == Some(id)).then(|| (k, &self.claims[k as usize]))
    }

    /// The id of claim `k`, if it has one.
    fn claim_id(&self, k: u32) -> Option<&str> {
        self.claims
            .get(k as usize)
            .and_then(|c| c.id.as_ref())
            .map(|i| i.value.as_str())
    }

    /// The `published` date of an article.
    pub fn published(&self) -> Option<Date> {
        self.article.as_ref()?.published.as_ref().map(|p| p.value)
    }

    /// The first line of the document (the front matter's `---`), where whole-document findings go.
    pub fn head_range(&self) -> TextRange {
        match &self.syntax.head {
            Head::FrontMatter(fm) => fm.first_line,
            Head::Unclosed { first_line } => *first_line,
            Head::Missing => self.lines.line_range(&self.text, 0),
        }
    }

    /// Reads a document from its text. Never fails: problems become findings.
    pub fn new(id: String, path: String, kind: DocumentKind, text: String) -> Document {
        let syntax = syntax::parse(&text);
        let lines = LineIndex::new(&text);
        let mut doc = Document {
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
            problems: Vec::new(),
        };
        let mut lower = Lowering {
            problems: Vec::new(),
            entity_refs: Vec::new(),
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

        let mut by_id: Vec<u32> = (0..doc.claims.len() as u32)
            .filter(|&k| doc.claims[k as usize].id.is_some())
            .collect();
        // Stable: among claims with one id, the first stays first.
        by_id.sort_by(|&a, &b| doc.claim_id(a).cmp(&doc.claim_id(b)));
        doc.claims_by_id = by_id;
        doc
    }

    /// Drops what only the document's own rules and queries read: its spans, masked ranges,
    /// syntax errors, mentions and problems. Text, lines, front matter, claims and entity
    /// references stay, which is what the rules over links read (`rules::link_findings`)
    /// and what a report shows. For `annals check`, which judges each document once: its
    /// syntax is most of a document's memory.
    pub fn shed_syntax(&mut self) {
        self.syntax.spans = Vec::new();
        self.syntax.masked = Vec::new();
        self.syntax.errors = Vec::new();
        self.mentions = Vec::new();
        self.problems = Vec::new();
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

struct Lowering {
    problems: Vec<Finding>,
    entity_refs: Vec<EntityRef>,
}

impl Lowering {
    fn problem(&mut self, code: RuleCode, range: TextRange, message: String) {
        self.problems.push(Finding::new(code, range, message));
    }

    fn head(&mut self, doc: &mut Document) {
        let what = doc.kind.as_str();
        let example = match doc.kind {
            DocumentKind::Article => "`---`, `title: …`, `published: 2022-04-02`, `---`",
            DocumentKind::Entity => "`---`, `kind: person`, `name: …`, `---`",
        };
        match &doc.syntax.head {
            Head::Missing => {
                let message = if doc.text.trim().is_empty() {
                    format!("this {what} is empty: start it with front matter, e.g. {example}")
                } else {
                    format!(
                        "this {what} has no front matter: start it with a `---` line, YAML keys, and a closing `---` line, e.g. {example}"
                    )
                };
                self.problem(RuleCode::InvalidFrontMatter, doc.head_range(), message);
                return;
            }
            Head::Unclosed { first_line } => {
                self.problem(
                    RuleCode::InvalidFrontMatter,
                    *first_line,
                    "front matter is never closed: add a line `---` after its last key".into(),
                );
                return;
            }
            Head::FrontMatter(_) => {}
        }
        // Lowering takes the YAML tree out of the syntax tree instead of copying it: nothing reads
        // it afterwards, and keeping it would hold every front matter twice.
        let Head::FrontMatter(fm) = &mut doc.syntax.head else {
            return;
        };
        let first_line = fm.first_line;
        let empty_tree = Ok(Yaml {
            range: fm.content,
            value: YamlValue::Null,
        });
        let taken = std::mem::replace(&mut fm.yaml, empty_tree);
        let yaml = match &taken {
            Ok(yaml) => yaml,
            Err(e) => {
                self.problem(RuleCode::InvalidFrontMatter, e.range, e.message.clone());
                return;
            }
        };
        let empty = Vec::new();
        let entries = match &yaml.value {
            YamlValue::Mapping(entries) => entries,
            YamlValue::Null => &empty,
            _ => {
                self.problem(
                    RuleCode::InvalidFrontMatter,
                    yaml.range,
                    format!(
                        "front matter must be a mapping of `key: value` lines, not {}",
                        yaml.type_name()
                    ),
                );
                return;
            }
        };
        let fields = Fields { entries, first_line };
        match doc.kind {
            DocumentKind::Article => doc.article = Some(self.article(&fields)),
            DocumentKind::Entity => doc.entity = Some(self.entity(&fields)),
        }
    }

    fn article(&mut self, f: &Fields) -> ArticleMeta {
        let title = self.required_string(f, "title", "the article's headline");
        let published = match f.get("published") {
            Some(v) => self.date(v, "published"),
            None => {
                self.missing(
                    f,
                    "published",
                    "the article's publication date, e.g. `published: 2022-04-02`",
                );
                None
            }
        };
        let outlet = f
            .get("outlet")
            .and_then(|v| self.entity_ref(v, "outlet", EntityRefSite::Outlet));
        let authors = f
            .get("authors")
            .map(|v| {
                self.list(v, "authors", |this, item| {
                    this.entity_ref(item, "authors", EntityRefSite::Author)
                })
            })
            .unwrap_or_default();
        let url = f.get("url").and_then(|v| self.string(v, "url"));
        let lang = f.get("lang").and_then(|v| self.string(v, "lang"));
        ArticleMeta {
            title,
            published,
            outlet,
            authors,
            url,
            lang,
        }
    }

    fn entity(&mut self, f: &Fields) -> EntityMeta {
        let kind = match f.get("kind") {
            Some(v) => self.string(v, "kind").and_then(|k| {
                if ENTITY_KINDS.contains(&k.value.as_str()) {
                    Some(k)
                } else {
                    let near = crate::suggest::closest(&k.value, ENTITY_KINDS.iter().copied(), 1);
                    let hint = near
                        .first()
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default();
                    self.problem(
                        RuleCode::InvalidFrontMatter,
                        k.range,
                        format!(
                            "`{}` is not an entity kind{hint}; use one of {}",
                            k.value,
                            ENTITY_KINDS.join(", ")
                        ),
                    );
                    None
                }
            }),
            None => {
                self.missing(f, "kind", &format!("one of {}", ENTITY_KINDS.join(", ")));
                None
            }
        };
        let name = self.required_string(f, "name", "the entity's canonical display name");
        let aliases = f
            .get("aliases")
            .map(|v| self.list(v, "aliases", |this, item| this.string(item, "aliases")))
            .unwrap_or_default();
        let description = f.get("description").and_then(|v| self.string(v, "description"));
        let country = f.get("country").and_then(|v| self.string(v, "country"));
        let parent = f
            .get("parent")
            .and_then(|v| self.entity_ref(v, "parent", EntityRefSite::Parent));
        let wikidata = f.get("wikidata").and_then(|v| self.string(v, "wikidata")).filter(|w| {
            let ok = w.value.len() > 1 && w.value.starts_with('Q') && w.value[1..].bytes().all(|b| b.is_ascii_digit());
            if !ok {
                self.problem(
                    RuleCode::InvalidFrontMatter,
                    w.range,
                    format!(
                        "`{}` is not a Wikidata id: write `Q` followed by digits, e.g. `wikidata: Q7747`",
                        w.value
                    ),
                );
            }
            ok
        });
        let mut roles = Vec::new();
        if let Some(v) = f.get("roles") {
            match &v.value {
                YamlValue::Sequence(items) => {
                    for (k, item) in items.iter().enumerate() {
                        if let Some(role) = self.role(item, k as u32) {
                            roles.push(role);
                        }
                    }
                }
                YamlValue::Null => {}
                _ => self.wrong_type(v, "roles", "a list of `{title, org, from, to}` mappings"),
            }
        }
        EntityMeta {
            kind,
            name,
            aliases,
            description,
            country,
            parent,
            wikidata,
            roles,
        }
    }

    fn role(&mut self, item: &Yaml, index: u32) -> Option<Role> {
        let YamlValue::Mapping(entries) = &item.value else {
            self.wrong_type(
                item,
                "roles",
                "a mapping such as `{title: Director General, org: roscosmos, from: 2018-05}`",
            );
            return None;
        };
        let fields = Fields {
            entries,
            first_line: item.range,
        };
        let title = match fields.get("title") {
            Some(v) => self.string(v, "title"),
            None => {
                self.problem(
                    RuleCode::MissingField,
                    item.range,
                    "this role has no `title`: add one, e.g. `title: Director General`".into(),
                );
                None
            }
        };
        let org = fields
            .get("org")
            .and_then(|v| self.entity_ref(v, "org", EntityRefSite::RoleOrg(index)));
        let from = fields.get("from").and_then(|v| self.date(v, "from"));
        let to = fields.get("to").and_then(|v| self.date(v, "to"));
        if let (Some(f), Some(t)) = (&from, &to)
            && t.value.is_before(f.value)
        {
            self.problem(
                RuleCode::InvalidDate,
                t.range,
                format!(
                    "this role ends ({}) before it starts ({}): swap or correct the dates",
                    t.value, f.value
                ),
            );
        }
        Some(Role {
            title,
            org,
            from,
            to,
            range: item.range,
        })
    }

    fn missing(&mut self, f: &Fields, key: &str, what: &str) {
        self.problem(
            RuleCode::MissingField,
            f.first_line,
            format!("front matter has no `{key}`: add `{key}:` with {what}"),
        );
    }

    fn wrong_type(&mut self, v: &Yaml, key: &str, expected: &str) {
        self.problem(
            RuleCode::InvalidFrontMatter,
            v.range,
            format!("`{key}` must be {expected}, not {}", v.type_name()),
        );
    }

    fn required_string(&mut self, f: &Fields, key: &str, what: &str) -> Option<Located<String>> {
        match f.get(key) {
            Some(v) if v.value == YamlValue::Null => {
                self.problem(
                    RuleCode::MissingField,
                    v.range,
                    format!("`{key}` is empty: give {what}"),
                );
                None
            }
            Some(v) => self.string(v, key),
            None => {
                self.missing(f, key, what);
                None
            }
        }
    }

    fn string(&mut self, v: &Yaml, key: &str) -> Option<Located<String>> {
        match &v.value {
            YamlValue::Scalar { text, .. } => Some(Located::new(text.clone(), v.range)),
            YamlValue::Null => None,
            _ => {
                self.wrong_type(v, key, "a single value");
                None
            }
        }
    }

    fn date(&mut self, v: &Yaml, key: &str) -> Option<Located<Date>> {
        let text = self.string(v, key)?;
        match Date::parse(&text.value) {
            Ok(d) => Some(Located::new(d, text.range)),
            Err(e) => {
                self.problem(
                    RuleCode::InvalidDate,
                    text.range,
                    format!("`{key}`: {}", e.message(&text.value)),
                );
                None
            }
        }
    }

    fn list<T>(&mut self, v: &Yaml, key: &str, mut item: impl FnMut(&mut Self, &Yaml) -> Option<T>) -> Vec<T> {
        match &v.value {
            YamlValue::Sequence(items) => items.iter().filter_map(|i| item(self, i)).collect(),
            YamlValue::Null => Vec::new(),
            _ => {
                self.wrong_type(v, key, &format!("a list, e.g. `{key}: [a, b]`"));
                Vec::new()
            }
        }
    }

    fn entity_ref(&mut self, v: &Yaml, key: &str, site: EntityRefSite) -> Option<Located<String>> {
        let id = self.string(v, key)?;
        if !ids::is_valid_id(&id.value) {
            self.problem(RuleCode::InvalidId, id.range, invalid_entity_id(&id.value));
            return None;
        }
        self.entity_refs.push(EntityRef {
            id: Name::from(id.value.as_str()),
            range: id.range,
            site,
        });
        Some(id)
    }

    fn spans(&mut self, doc: &mut Document) {
        // Sized from the spans up front: growth by doubling would leave up to half of each
        // vector empty, and trimming afterwards costs a copy on every edit of a large document.
        let mentions = doc
            .syntax
            .spans
            .iter()
            .filter(|s| s.get("e").is_some() && !s.has_class("claim"))
            .count();
        let claims = doc
            .syntax
            .spans
            .iter()
            .filter(|s| s.has_class("claim") && s.get("e").is_none())
            .count();
        doc.mentions.reserve_exact(mentions);
        doc.claims.reserve_exact(claims);
        // A span's claim index, so that nested spans find their enclosing claim.
        let mut claim_of_span: Vec<Option<u32>> = vec![None; doc.syntax.spans.len()];
        for (k, span) in doc.syntax.spans.iter().enumerate() {
            let enclosing = span.parent.and_then(|p| claim_of_span[p as usize]);
            let is_mention = span.get("e").is_some();
            let is_claim = span.has_class("claim");
            if is_mention && is_claim {
                self.problem(
                    RuleCode::ConflictingAnnotation,
                    span.attributes_range,
                    "a span is a mention (`e=`) or a claim (`.claim`), never both: nest the mention inside the claim, e.g. `[[Rogozin]{e=rogozin} said …]{.claim …}`".into(),
                );
                claim_of_span[k] = enclosing;
                continue;
            }
            if is_mention {
                let Some(e) = span.get("e") else { continue };
                if ids::is_valid_id(&e.value) {
                    let mention = doc.mentions.len() as u32;
                    let entity_ref = self.entity_refs.len() as u32;
                    self.entity_refs.push(EntityRef {
                        id: e.value.clone(),
                        range: e.value_range,
                        site: EntityRefSite::Mention(mention),
                    });
                    doc.mentions.push(Mention {
                        span: k as u32,
                        entity_ref,
                        claim: enclosing,
                    });
                } else {
                    self.problem(RuleCode::InvalidId, e.value_range, invalid_entity_id(&e.value));
                }
                claim_of_span[k] = enclosing;
            } else if is_claim {
                let index = doc.claims.len() as u32;
                let claim = self.claim(span, k as u32, index, enclosing);
                doc.claims.push(claim);
                claim_of_span[k] = Some(index);
            } else {
                claim_of_span[k] = enclosing;
            }
        }
    }

    fn claim(&mut self, span: &Span, k: u32, index: u32, parent: Option<u32>) -> Claim {
        let id = span.id().and_then(|a| {
            if ids::is_valid_id(&a.value) {
                Some(Located::new(a.value.clone(), a.value_range))
            } else {
                self.problem(
                    RuleCode::InvalidId,
                    a.range,
                    format!(
                        "`#{}` is not a valid claim id: use only letters, digits, `-` and `_`",
                        a.value
                    ),
                );
                None
            }
        });
        // Exact sizes: most claims have one speaker and at most one relation, and a default
        // vector of four would waste three quarters of it on a million claims.
        let mut by = Vec::with_capacity(span.get("by").map_or(0, |a| a.value.split_whitespace().count()));
        if let Some(a) = span.get("by") {
            for (word, range) in ids::words(&a.value, a.value_range) {
                if ids::is_valid_id(word) {
                    self.entity_refs.push(EntityRef {
                        id: Name::from(word),
                        range,
                        site: EntityRefSite::Speaker(index),
                    });
                    by.push(Located::new(Name::from(word), range));
                } else {
                    self.problem(RuleCode::InvalidId, range, invalid_entity_id(word));
                }
            }
            if a.value.trim().is_empty() {
                self.problem(
                    RuleCode::InvalidId,
                    a.range,
                    "`by=` names no one: give an entity id, or several in quotes".into(),
                );
            }
        }
        let (date_range, date) = match span.get("date") {
            Some(a) => {
                let date = match Date::parse(&a.value) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        self.problem(RuleCode::InvalidDate, a.value_range, e.message(&a.value));
                        None
                    }
                };
                (Some(a.value_range), date)
            }
            None => (None, None),
        };
        let via = span.get("via").map(|a| Located::new(a.value.clone(), a.value_range));
        let source = span.get("source").and_then(|a| {
            let value = a.value.trim();
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
                document: Located::new(document.to_string(), if a.value.len() == a.value_range.len() { doc_range } else { a.value_range }),
                claim: claim.map(|c| ids::ClaimRef {
                    document: Some(Name::from(document)),
                    claim: Name::from(c),
                    range: a.value_range,
                }),
            })
        });
        let relation_words = RelationKind::ALL
            .iter()
            .filter_map(|kind| span.get(kind.key()))
            .map(|a| a.value.split_whitespace().count())
            .sum();
        let mut relations = Vec::with_capacity(relation_words);
        for kind in RelationKind::ALL {
            if let Some(a) = span.get(kind.key()) {
                for (word, range) in ids::words(&a.value, a.value_range) {
                    match ids::parse_claim_ref(word, range) {
                        Ok(target) => relations.push(Relation { kind, target }),
                        Err(message) => self.problem(RuleCode::InvalidId, range, message),
                    }
                }
            }
        }
        Claim {
            span: k,
            id,
            by,
            date_range,
            date,
            via,
            source: source.map(Box::new),
            relations,
            parent,
        }
    }
}

fn invalid_entity_id(id: &str) -> String {
    format!(
        "`{id}` is not a valid entity id: an entity id is its file name without `.md`, made of letters, digits, `-` and `_`"
    )
}

/// The top-level mapping of a front matter, or a role's mapping.
struct Fields<'y> {
    entries: &'y [(Yaml, Yaml)],
    /// Where missing-field findings go.
    first_line: TextRange,
}

impl Fields<'_> {
    fn get(&self, key: &str) -> Option<&Yaml> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_text() == Some(key))
            .map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_id_finds_its_first_claim() {
        let text = "---\ntitle: T\npublished: 2022-04-02\n---\n[x]{.claim #b by=a date=2022-04-01} [y]{.claim #a by=a date=2022-04-01} [z]{.claim #b by=a date=2022-04-01} [w]{.claim by=a date=2022-04-01}\n";
        let doc = Document::new("d".into(), "articles/d.md".into(), DocumentKind::Article, text.into());
        assert_eq!(doc.claims.len(), 4);
        assert_eq!(
            doc.claim_by_id("b").map(|(k, _)| k),
            Some(0),
            "the first of two claims with one id"
        );
        assert_eq!(doc.claim_by_id("a").map(|(k, _)| k), Some(1));
        assert_eq!(doc.claim_by_id("c").map(|(k, _)| k), None);
        assert_eq!(doc.claim_by_id("").map(|(k, _)| k), None);
    }
}
