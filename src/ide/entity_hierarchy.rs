//! Who belongs to whom, as a type hierarchy: an entity's supertypes are its `parent` and the
//! `org`s of its roles (Rogozin → Roscosmos → the Russian government); its subtypes are the
//! entities that name it as their parent or as a role's org. Each edge says how in its detail
//! ("parent", or the role with its dates).

use super::cursor::{self, Item};
use super::hover::span_of_dates;
use crate::corpus::Corpus;
use crate::document::{DocumentKind, EntityRefSite, Role};
use crate::slots::DocumentSlot;
use crate::text::TextRange;

/// An entity as the hierarchy shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityItem {
    /// Its page.
    pub document: DocumentSlot,
    pub id: String,
    /// Its name, else its id.
    pub name: String,
    /// Its kind and description for the entity asked about; how it is linked, in an edge.
    pub detail: String,
    /// The whole page.
    pub range: TextRange,
    /// Its `name`, else the page's first line.
    pub focus: TextRange,
}

/// The entity at `offset`: one named there, else the page's own entity.
pub fn prepare(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Option<EntityItem> {
    let doc = corpus.documents.get(slot.index())?;
    let id = match cursor::at(corpus, slot, offset) {
        Some(cursor::Found {
            item: Item::Entity { id },
            ..
        }) => id,
        _ if doc.kind == DocumentKind::Entity => doc.id.clone(),
        _ => return None,
    };
    let page = corpus.index.entity(&corpus.documents, &id)?;
    item(corpus, page)
}

/// The item of the entity whose page is `page`.
pub fn item(corpus: &Corpus, page: DocumentSlot) -> Option<EntityItem> {
    if !corpus.is_live(page) {
        return None;
    }
    let doc = &corpus.documents[page.index()];
    let entity = doc.entity.as_ref()?;
    let kind = entity.kind.as_ref().map_or("entity", |k| k.value.as_str());
    let detail = match &entity.description {
        Some(d) => format!("{kind} · {}", d.value),
        None => kind.to_string(),
    };
    Some(EntityItem {
        document: page,
        id: doc.id.clone(),
        name: entity.name.as_ref().map_or_else(|| doc.id.clone(), |n| n.value.clone()),
        detail,
        range: TextRange::new(0, doc.text.len()),
        focus: entity.name.as_ref().map_or_else(|| doc.head_range(), |n| n.range),
    })
}

/// "Director General (2018-05 – 2022-07)".
fn role_detail(role: &Role) -> String {
    let title = role.title.as_ref().map_or("role", |t| t.value.as_str());
    format!("{title} ({})", span_of_dates(role))
}

/// Edges to the same entity merge into one item, its details joined in order.
fn add(out: &mut Vec<EntityItem>, corpus: &Corpus, page: DocumentSlot, detail: String) {
    if let Some(known) = out.iter_mut().find(|i| i.document == page) {
        known.detail = format!("{}; {detail}", known.detail);
        return;
    }
    if let Some(mut item) = item(corpus, page) {
        item.detail = detail;
        out.push(item);
    }
}

/// What the entity of page `page` belongs to: its parent, then its roles' orgs.
pub fn supertypes(corpus: &Corpus, page: DocumentSlot) -> Vec<EntityItem> {
    let mut out = Vec::new();
    let Some(entity) = corpus.documents.get(page.index()).and_then(|d| d.entity.as_ref()) else {
        return out;
    };
    if let Some(parent) = &entity.parent
        && let Some(target) = corpus.index.entity(&corpus.documents, &parent.value)
    {
        add(&mut out, corpus, target, "parent".into());
    }
    for role in &entity.roles {
        if let Some(org) = &role.org
            && let Some(target) = corpus.index.entity(&corpus.documents, &org.value)
        {
            add(&mut out, corpus, target, role_detail(role));
        }
    }
    out
}

/// The entities that name the entity of page `page` as their parent or a role's org, by name.
pub fn subtypes(corpus: &Corpus, page: DocumentSlot) -> Vec<EntityItem> {
    let Some(doc) = corpus.documents.get(page.index()) else {
        return Vec::new();
    };
    // Its references, in documents and the order the index keeps them: only front-matter
    // ones (`parent`, a role's `org`) of entity pages are edges.
    let mut edges: Vec<(DocumentSlot, EntityRefSite)> = corpus
        .index
        .entity_reference_sites(&doc.id)
        .filter(|(_, site)| matches!(site, EntityRefSite::Parent | EntityRefSite::RoleOrg(_)))
        .collect();
    edges.sort_by_key(|(slot, site)| (*slot, matches!(site, EntityRefSite::RoleOrg(_))));
    let mut out = Vec::new();
    for (slot, site) in edges {
        let Some(entity) = corpus.documents.get(slot.index()).and_then(|d| d.entity.as_ref()) else {
            continue;
        };
        let detail = match site {
            EntityRefSite::RoleOrg(k) => entity.roles.get(k as usize).map_or_else(|| "role".into(), role_detail),
            _ => "parent".into(),
        };
        add(&mut out, corpus, slot, detail);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::document::Document;

    fn corpus() -> Corpus {
        let files = [
            (
                "entities/rogozin.md",
                "---\nkind: person\nname: Dmitry Rogozin\nroles:\n  - {title: Deputy Prime Minister, org: russian-government, from: 2011-12, to: 2018-05}\n  - {title: Director General, org: roscosmos, from: 2018-05, to: 2022-07}\n---\n",
            ),
            (
                "entities/roscosmos.md",
                "---\nkind: agency\nname: Roscosmos\nparent: russian-government\n---\n",
            ),
            (
                "entities/russian-government.md",
                "---\nkind: government\nname: Government of Russia\n---\n",
            ),
            (
                "articles/a.md",
                "---\ntitle: A\npublished: 2022-01-01\n---\n[Rogozin]{e=rogozin}\n",
            ),
        ];
        let documents = files
            .iter()
            .map(|(path, text)| {
                let kind = if path.starts_with("entities/") {
                    DocumentKind::Entity
                } else {
                    DocumentKind::Article
                };
                Document::new(
                    crate::discover::document_id(path),
                    path.to_string(),
                    kind,
                    text.to_string(),
                )
            })
            .collect();
        Corpus::from_documents("/c".into(), Config::default(), documents)
    }

    fn shown(items: &[EntityItem]) -> Vec<(&str, &str)> {
        items.iter().map(|i| (i.name.as_str(), i.detail.as_str())).collect()
    }

    #[test]
    fn rogozin_belongs_to_roscosmos_which_belongs_to_the_government() {
        let c = corpus();
        let article = &c.documents[3].text;
        let rogozin = prepare(&c, DocumentSlot::new(3), article.find("rogozin}").unwrap()).unwrap();
        assert_eq!(
            (rogozin.name.as_str(), rogozin.detail.as_str()),
            ("Dmitry Rogozin", "person")
        );
        assert_eq!(
            shown(&supertypes(&c, rogozin.document)),
            [
                ("Government of Russia", "Deputy Prime Minister (2011-12 – 2018-05)"),
                ("Roscosmos", "Director General (2018-05 – 2022-07)"),
            ]
        );
        assert_eq!(
            shown(&supertypes(&c, DocumentSlot::new(1))),
            [("Government of Russia", "parent")]
        );
        assert_eq!(
            shown(&subtypes(&c, DocumentSlot::new(2))),
            [
                ("Dmitry Rogozin", "Deputy Prime Minister (2011-12 – 2018-05)"),
                ("Roscosmos", "parent"),
            ]
        );
        // Anywhere on an entity's page, the page's entity.
        assert_eq!(
            prepare(&c, DocumentSlot::new(1), 0).map(|i| i.id),
            Some("roscosmos".into())
        );
        assert_eq!(prepare(&c, DocumentSlot::new(3), 0), None);
    }
}
