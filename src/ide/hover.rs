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

/// The address of a place, for a link in a card (the editor's face knows how to write one).
pub type Links<'a> = &'a dyn Fn(DocumentSlot, TextRange) -> Option<String>;

pub fn hover(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Option<Hover> {
    hover_with_links(corpus, slot, offset, &|_, _| None)
}

/// The hover, with links to the places it names where `links` can write them.
pub fn hover_with_links(corpus: &Corpus, slot: DocumentSlot, offset: usize, links: Links) -> Option<Hover> {
    let found = cursor::at(corpus, slot, offset)?;
    let markdown = match &found.item {
        Item::Entity { id } => entity_card(corpus, id, found.context_date, links),
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
        Item::Document { id } => document_card(corpus, id, links),
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
    entity.roles_on(date, |org| entity_name(corpus, org))
}

fn entity_card(corpus: &Corpus, id: &str, date: Option<Date>, links: Links) -> String {
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
    for (_, site) in corpus.index.entity_reference_sites(id) {
        match site {
            EntityRefSite::Mention(_) => mentions += 1,
            EntityRefSite::Speaker(_) => claims += 1,
            _ => {}
        }
    }
    recent_claims(corpus, id, links, &mut md);
    let _ = write!(
        md,
        "\n{} · {} in the corpus",
        plural(mentions, "mention"),
        plural(claims, "claim")
    );
    md
}

/// Claims shown on an entity's card, the most recent first.
const RECENT_CLAIMS: usize = 5;

/// The entity's most recent dated claims: date, first words, and a link to each.
fn recent_claims(corpus: &Corpus, id: &str, links: Links, md: &mut String) {
    let mut said: Vec<(Date, ClaimKey)> = corpus
        .index
        .entity_reference_sites(id)
        .filter_map(|(slot, site)| match site {
            EntityRefSite::Speaker(claim) => {
                let key = ClaimKey { document: slot, claim };
                let date = cursor::claim_date(corpus.documents.get(slot.index())?, Some(claim))?;
                Some((date, key))
            }
            _ => None,
        })
        .collect();
    // A claim that names the speaker twice counts once.
    said.sort_by_key(|(_, key)| *key);
    said.dedup_by_key(|(_, key)| *key);
    let total = said.len();
    if total == 0 {
        return;
    }
    // The latest first, a partial date at its first day (as threads order them); the five in
    // linear time.
    let newest = |(d, key): &(Date, ClaimKey)| (std::cmp::Reverse((d.first_day(), d.last_day())), *key);
    if said.len() > RECENT_CLAIMS {
        said.select_nth_unstable_by_key(RECENT_CLAIMS - 1, newest);
        said.truncate(RECENT_CLAIMS);
    }
    said.sort_by_key(newest);
    let heading = if total > said.len() {
        format!("**Recent claims** ({} of {total}):", said.len())
    } else {
        "**Claims:**".to_string()
    };
    let _ = write!(md, "\n{heading}\n");
    for (date, key) in said {
        let doc = &corpus.documents[key.document.index()];
        let claim = &doc.claims[key.claim.index()];
        let text = plain_text(doc, doc.span(claim.span).text_range());
        let words = super::plain::first_words(text.trim_matches(|c| matches!(c, '"' | '“' | '”')), 8);
        let focus = claim.id.as_ref().map_or(doc.span(claim.span).range, |i| i.range);
        let quoted = format!("“{}”", words.replace(['[', ']'], ""));
        match links(key.document, focus) {
            Some(address) => {
                let _ = writeln!(md, "- {date} · [{quoted}]({address})");
            }
            None => {
                let place = claim
                    .id
                    .as_ref()
                    .map_or_else(|| doc.id.clone(), |i| format!("{}:{}", doc.id, i.value));
                let _ = writeln!(md, "- {date} · {quoted} `{place}`");
            }
        }
    }
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
    let text = truncate(&plain_text(doc, doc.span(claim.span).text_range()), 160);
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
    let text = truncate(&plain_text(doc, doc.span(claim.span).text_range()), 400);
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
    let _ = write!(md, "\n{}\n", thread_line(corpus, key));
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

fn document_card(corpus: &Corpus, id: &str, links: Links) -> String {
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
        None => entity_card(corpus, id, None, links),
    }
}

/// Where a claim stands in its thread, in one line: how many replies deep it is, how many
/// replies it has below it (and how deep they go), and how many reports the statement has
/// (its first report and every repeat of it).
pub fn thread_line(corpus: &Corpus, key: ClaimKey) -> String {
    let (_, depth) = chain(corpus, key, RelationKind::RepliesTo);
    let (replies, levels) = below(corpus, key, RelationKind::RepliesTo);
    let (first_report, _) = chain(corpus, key, RelationKind::Repeats);
    let (repeats, _) = below(corpus, first_report, RelationKind::Repeats);
    let position = match depth {
        0 => "the thread's first statement".to_string(),
        1 => "1 reply deep".to_string(),
        d => format!("{d} replies deep"),
    };
    let under = match replies {
        0 => "no replies below it".to_string(),
        1 => format!("1 reply below it, {} deep", plural(levels, "level")),
        n => format!("{n} replies below it, {} deep", plural(levels, "level")),
    };
    format!("**Thread:** {position} · {under} · {}", plural(repeats + 1, "report"))
}

/// The first target of `kind` of a claim, in the corpus.
fn first_target(corpus: &Corpus, key: ClaimKey, kind: RelationKind) -> Option<ClaimKey> {
    let claim = corpus
        .documents
        .get(key.document.index())?
        .claims
        .get(key.claim.index())?;
    claim
        .relations
        .iter()
        .filter(|r| r.kind == kind)
        .find_map(|r| corpus.index.resolve_claim(&corpus.documents, key.document, &r.target))
}

/// The claim at the top of the `kind` links from `key`, and how many links lead up to it
/// (a cycle ends the walk where it closes).
fn chain(corpus: &Corpus, key: ClaimKey, kind: RelationKind) -> (ClaimKey, usize) {
    let mut seen = rustc_hash::FxHashSet::default();
    seen.insert(key);
    let mut at = key;
    while let Some(next) = first_target(corpus, at, kind) {
        if !seen.insert(next) {
            break;
        }
        at = next;
    }
    (at, seen.len() - 1)
}

/// The claims that reach `key` through `kind` links, directly or not, and how many levels
/// deep they go: a walk that visits each claim once, and reads each claim's relations once.
fn below(corpus: &Corpus, key: ClaimKey, kind: RelationKind) -> (usize, usize) {
    let mut seen = rustc_hash::FxHashSet::default();
    seen.insert(key);
    // Each linking claim's `kind` targets, resolved once: a link filed under an id may name a
    // duplicate document's claim, so only those that resolve to the claim at hand count.
    let mut targets: rustc_hash::FxHashMap<ClaimKey, Vec<ClaimKey>> = Default::default();
    let mut level = vec![key];
    let mut depth = 0;
    while !level.is_empty() {
        let mut next = Vec::new();
        for at in level {
            let doc = &corpus.documents[at.document.index()];
            let Some(id) = doc.claims.get(at.claim.index()).and_then(|c| c.id.as_ref()) else {
                continue;
            };
            for (slot, link) in corpus.index.references_to_claim(&doc.id, &id.value) {
                let from = ClaimKey {
                    document: slot,
                    claim: link.claim,
                };
                if link.kind != kind || seen.contains(&from) {
                    continue;
                }
                let resolved = targets
                    .entry(from)
                    .or_insert_with(|| resolved_targets(corpus, from, kind));
                if resolved.binary_search(&at).is_ok() {
                    seen.insert(from);
                    next.push(from);
                }
            }
        }
        if !next.is_empty() {
            depth += 1;
        }
        level = next;
    }
    (seen.len() - 1, depth)
}

/// The claims that claim `from`'s `kind` relations name, sorted.
fn resolved_targets(corpus: &Corpus, from: ClaimKey, kind: RelationKind) -> Vec<ClaimKey> {
    let Some(claim) = corpus
        .documents
        .get(from.document.index())
        .and_then(|d| d.claims.get(from.claim.index()))
    else {
        return Vec::new();
    };
    let mut out: Vec<ClaimKey> = claim
        .relations
        .iter()
        .filter(|r| r.kind == kind)
        .filter_map(|r| corpus.index.resolve_claim(&corpus.documents, from.document, &r.target))
        .collect();
    out.sort();
    out.dedup();
    out
}
