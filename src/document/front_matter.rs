//! Lowering of the front matter: the YAML mapping becomes an article's or an entity's
//! metadata, and values of the wrong type, bad ids and dates become findings.
//!
//! A module of its own because it reads only the YAML tree, through helpers (`string`,
//! `date`, `list`, …) that span lowering has no use for.

use super::{
    ArticleMeta, Document, DocumentKind, ENTITY_KINDS, EntityMeta, EntityRef, EntityRefSite, Located, Lowering, Role,
    invalid_entity_id,
};
use crate::date::Date;
use crate::finding::RuleCode;
use crate::ids;
use crate::syntax::{Head, Yaml, YamlValue};
use crate::text::TextRange;

impl Lowering {
    /// Reads the front matter into `doc.article` or `doc.entity`.
    pub(super) fn head(&mut self, doc: &mut Document) {
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
            DocumentKind::Article => doc.article = Some(Box::new(self.article(&fields))),
            DocumentKind::Entity => doc.entity = Some(Box::new(self.entity(&fields))),
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
                    this.entity_ref(item, "authors", EntityRefSite::Author(this.authors))
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
        self.entity_refs.push(EntityRef::new(id.range, site));
        if let EntityRefSite::Author(_) = site {
            self.authors += 1;
        }
        Some(id)
    }
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
