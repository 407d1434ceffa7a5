//! Hover: the entity card, the claim card, a date's weekday and distance from
//! publication, a document's summary. Markdown out, byte ranges in.

use super::cursor::{self, Item};
use super::plain::{plain_text, truncate};
use crate::corpus::Corpus;
use crate::date::Date;
use crate::document::{Claim, Document, EntityRefSite, RelationKind, Role, Source};
use crate::index::ClaimKey;
use crate::slots::DocumentSlot;
use crate::text::TextRange;
use std::fmt::Write;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Option<Hover> {
    let found = cursor::at(corpus, slot, offset)?;
    let markdown = match &found.item {
        Item::Entity { id } => entity_card(corpus, id, found.context_date),
        Item::Claim { target: Some(key), .. } => claim_card(corpus, *key),
        Item::Claim {
            target: None,
            reference,
        } => {
            let r = reference.as_ref()?;
            let written = match &r.document {
                Some(d) => format!("{d}:{}", r.claim),
                None => r.claim.to_string(),
            };
            format!("No claim `{written}` in the corpus.")
        }
        Item::Document { id } => document_card(corpus, id),
        Item::Date { date } => date_card(*date, corpus.documents.get(slot.index())?.published()),
    };
    Some(Hover {
        range: found.range,
        markdown,
    })
}

/// An entity's display name, or its id when it has no document.
pub fn entity_name(corpus: &Corpus, id: &str) -> String {
    corpus
        .index
        .entity(&corpus.documents, id)
        .and_then(|s| {
            corpus.documents[s.index()]
                .entity
                .as_ref()?
                .name
                .as_ref()
                .map(|n| n.value.clone())
        })
        .unwrap_or_else(|| id.to_string())
}

/// A role's dates: "2018-05 – 2022-07", "since 2018-05".
pub fn span_of_dates(role: &Role) -> String {
    match (&role.from, &role.to) {
        (Some(f), Some(t)) => format!("{} – {}", f.value, t.value),
        (Some(f), None) => format!("since {}", f.value),
        (None, Some(t)) => format!("until {}", t.value),
        (None, None) => "dates unknown".into(),
    }
}

fn role_line(corpus: &Corpus, role: &Role) -> String {
    let title = role.title.as_ref().map_or("(untitled role)", |t| t.value.as_str());
    let org = role
        .org
        .as_ref()
        .map(|o| format!(", {}", entity_name(corpus, &o.value)))
        .unwrap_or_default();
    format!("{title}{org} ({})", span_of_dates(role))
}

/// The roles an entity held on `date`, as "title, org".
pub fn roles_on(corpus: &Corpus, id: &str, date: Date) -> Vec<String> {
    let Some(slot) = corpus.index.entity(&corpus.documents, id) else {
        return Vec::new();
    };
    let Some(entity) = &corpus.documents[slot.index()].entity else {
        return Vec::new();
    };
    entity
        .roles
        .iter()
        .filter(|r| r.held_on(date))
        .map(|r| {
            let title = r.title.as_ref().map_or("(untitled role)", |t| t.value.as_str());
            match &r.org {
                Some(o) => format!("{title}, {}", entity_name(corpus, &o.value)),
                None => title.to_string(),
            }
        })
        .collect()
}

fn entity_card(corpus: &Corpus, id: &str, date: Option<Date>) -> String {
    let Some(slot) = corpus.index.entity(&corpus.documents, id) else {
        return format!("No entity `{id}` in the corpus.");
    };
    let doc = &corpus.documents[slot.index()];
    let Some(entity) = &doc.entity else {
        return format!("`{id}`");
    };
    let mut md = String::new();
    let name = entity.name.as_ref().map_or(id, |n| n.value.as_str());
    let kind = entity.kind.as_ref().map_or("entity", |k| k.value.as_str());
    let _ = writeln!(md, "**{name}** · {kind} · `{id}`");
    if let Some(d) = &entity.description {
        let _ = write!(md, "\n{}\n", d.value);
    }
    if let Some(parent) = &entity.parent {
        let _ = write!(md, "\nPart of {}.\n", entity_name(corpus, &parent.value));
    }
    if !entity.roles.is_empty() {
        let held: Vec<&Role> = date
            .map(|d| entity.roles.iter().filter(|r| r.held_on(d)).collect())
            .unwrap_or_default();
        if let Some(d) = date {
            if held.is_empty() {
                let _ = write!(md, "\n**On {}:** no recorded role.\n", d.human());
            } else {
                let lines: Vec<String> = held.iter().map(|r| role_line(corpus, r)).collect();
                let _ = write!(md, "\n**On {}:** {}\n", d.human(), lines.join("; "));
            }
        }
        let others: Vec<String> = entity
            .roles
            .iter()
            .filter(|r| !held.iter().any(|h| std::ptr::eq(*h, *r)))
            .map(|r| format!("- {}", role_line(corpus, r)))
            .collect();
        if !others.is_empty() {
            let heading = if held.is_empty() && date.is_none() {
                "Roles"
            } else {
                "Other roles"
            };
            let _ = write!(md, "\n{heading}:\n{}\n", others.join("\n"));
        }
    }
    if !entity.aliases.is_empty() {
        let aliases: Vec<String> = entity.aliases.iter().map(|a| a.value.clone()).collect();
        let _ = write!(md, "\nAlso: {}\n", aliases.join(", "));
    }
    if let Some(q) = &entity.wikidata {
        let _ = write!(md, "\n[Wikidata {0}](https://www.wikidata.org/wiki/{0})\n", q.value);
    }
    let (mut mentions, mut claims) = (0, 0);
    for (_, _, site) in corpus.index.references_to_entity(id) {
        match site {
            EntityRefSite::Mention(_) => mentions += 1,
            EntityRefSite::Speaker(_) => claims += 1,
            _ => {}
        }
    }
    let _ = write!(
        md,
        "\n{} · {} in the corpus",
        plural(mentions, "mention"),
        plural(claims, "claim")
    );
    md
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A claim's quoted text, its speaker and date, for lists of linked claims.
fn claim_line(corpus: &Corpus, key: ClaimKey) -> String {
    let doc = &corpus.documents[key.document.index()];
    let claim = &doc.claims[key.claim.index()];
    let text = truncate(&plain_text(doc, doc.span(claim.span).text_range), 160);
    let by: Vec<String> = claim.by.iter().map(|b| entity_name(corpus, &b.value)).collect();
    let by = if by.is_empty() {
        String::new()
    } else {
        format!(" — {}", by.join(", "))
    };
    let date = claim.date.map(|d| format!(", {d}")).unwrap_or_default();
    let id = claim
        .id
        .as_ref()
        .map(|i| format!(" `{}:{}`", doc.id, i.value))
        .unwrap_or_default();
    format!(
        "“{}”{by}{date}{id}",
        text.trim_matches(|c| c == '"' || c == '“' || c == '”')
    )
}

fn relation_label(kind: RelationKind, incoming: bool) -> &'static str {
    match (kind, incoming) {
        (RelationKind::RepliesTo, false) => "Replies to",
        (RelationKind::RepliesTo, true) => "Replied to by",
        (RelationKind::Repeats, false) => "Repeats",
        (RelationKind::Repeats, true) => "Repeated by",
        (RelationKind::Contradicts, false) => "Contradicts",
        (RelationKind::Contradicts, true) => "Contradicted by",
        (RelationKind::Supports, false) => "Supports",
        (RelationKind::Supports, true) => "Supported by",
    }
}

fn claim_card(corpus: &Corpus, key: ClaimKey) -> String {
    let doc: &Document = &corpus.documents[key.document.index()];
    let claim: &Claim = &doc.claims[key.claim.index()];
    let mut md = String::new();
    let title = doc
        .article
        .as_ref()
        .and_then(|a| a.title.as_ref())
        .map_or(doc.id.as_str(), |t| t.value.as_str());
    let id = claim
        .id
        .as_ref()
        .map(|i| format!(" `#{}`", i.value))
        .unwrap_or_default();
    let _ = writeln!(md, "**Claim**{id} in *{title}*");
    let text = truncate(&plain_text(doc, doc.span(claim.span).text_range), 400);
    let _ = write!(md, "\n> {text}\n");
    let date = cursor::claim_date(doc, Some(key.claim));
    if !claim.by.is_empty() {
        let speakers: Vec<String> = claim
            .by
            .iter()
            .map(|b| {
                let name = entity_name(corpus, &b.value);
                let roles = date.map(|d| roles_on(corpus, &b.value, d)).unwrap_or_default();
                if roles.is_empty() {
                    name
                } else {
                    format!("{name} ({})", roles.join("; "))
                }
            })
            .collect();
        let _ = write!(md, "\n**By** {}\n", speakers.join(", "));
    } else {
        let _ = write!(md, "\n**By** nobody named: an assertion of the article\n");
    }
    let mut facts = Vec::new();
    match claim.date {
        Some(d) => facts.push(format!("**Date** {}", weekday_and_date(d))),
        None => facts.push("**Date** not given".into()),
    }
    if let Some(via) = &claim.via {
        facts.push(format!("**via** {}", via.value));
    }
    match claim.source.as_deref() {
        Some(Source::Address(a)) => facts.push(format!("**source** <{}>", a.value)),
        Some(Source::Document { document, claim: c }) => {
            let target = c
                .as_ref()
                .map(|c| format!("{}:{}", document.value, c.claim))
                .unwrap_or_else(|| document.value.clone());
            facts.push(format!("**source** `{target}`"));
        }
        None => {}
    }
    let _ = write!(md, "\n{}\n", facts.join(" · "));
    for relation in &claim.relations {
        let label = relation_label(relation.kind, false);
        match corpus
            .index
            .resolve_claim(&corpus.documents, key.document, &relation.target)
        {
            Some(target) => {
                let _ = write!(md, "\n**{label}** {}\n", claim_line(corpus, target));
            }
            None => {
                let _ = write!(md, "\n**{label}** `{}` (not found)\n", relation.target.claim);
            }
        }
    }
    if let Some(id) = &claim.id {
        let mut incoming: Vec<(DocumentSlot, crate::index::Link)> =
            corpus.index.references_to_claim(&doc.id, &id.value).collect();
        incoming.sort_by_key(|(slot, link)| (relation_label(link.kind, true), *slot, link.claim));
        for (slot, link) in incoming {
            let from = ClaimKey {
                document: slot,
                claim: link.claim,
            };
            let _ = write!(
                md,
                "\n**{}** {}\n",
                relation_label(link.kind, true),
                claim_line(corpus, from)
            );
        }
    }
    md
}

fn weekday_and_date(d: Date) -> String {
    match d.weekday() {
        Some(w) => format!("{w}, {}", d.human()),
        None => d.human(),
    }
}

fn date_card(date: Date, published: Option<Date>) -> String {
    let mut md = format!("**{}**", weekday_and_date(date));
    if let Some(p) = published {
        let relation = match (date.day.is_some() && p.day.is_some(), date.compare(p)) {
            (true, _) => {
                let days = p.first_day() - date.first_day();
                match days {
                    0 => "the day of publication".to_string(),
                    d if d > 0 => format!("{} before publication ({})", distance(d), p),
                    d => format!("{} after publication ({})", distance(-d), p),
                }
            }
            (false, Some(std::cmp::Ordering::Less)) => format!("before publication ({p})"),
            (false, Some(std::cmp::Ordering::Greater)) => format!("after publication ({p})"),
            _ => format!("around publication ({p}): the dates overlap at this precision"),
        };
        let _ = write!(md, "\n\n{}{}", relation[..1].to_uppercase(), &relation[1..]);
    }
    md
}

fn distance(days: i64) -> String {
    match days {
        1 => "1 day".into(),
        d if d < 60 => format!("{d} days"),
        d if d < 730 => format!("{} months ({d} days)", d / 30),
        d => format!("{} years ({d} days)", d / 365),
    }
}

fn document_card(corpus: &Corpus, id: &str) -> String {
    let Some(slot) = corpus.index.document(id) else {
        return format!("No document `{id}` in the corpus.");
    };
    let doc = &corpus.documents[slot.index()];
    match &doc.article {
        Some(a) => {
            let title = a.title.as_ref().map_or(id, |t| t.value.as_str());
            let mut md = format!("**{title}**\n\n`{}`", doc.path);
            if let Some(p) = &a.published {
                let _ = write!(md, " · published {}", p.value.human());
            }
            if let Some(o) = &a.outlet {
                let _ = write!(md, " · {}", entity_name(corpus, &o.value));
            }
            let _ = write!(md, " · {}", plural(doc.claims.len(), "claim"));
            md
        }
        None => entity_card(corpus, id, None),
    }
}
