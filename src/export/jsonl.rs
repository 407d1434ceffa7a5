//! `--format jsonl`: one JSON Lines file per table (documents, entities, mentions, claims,
//! relations), or, to standard output, every table's lines in one stream, each with a
//! `table` field first.
//!
//! The row types are the tables' columns; `csv.rs` writes the same rows as CSV.

use super::records::{Exported, LocalId, SourceRef, Target, entity_meta};
use super::{Counts, Piece};
use crate::document::{Document, DocumentKind};
use serde::Serialize;

#[derive(Serialize)]
pub struct DocumentRow<'a> {
    pub id: &'a str,
    pub path: &'a str,
    pub kind: &'static str,
    /// An article's title; an entity's name.
    pub title: Option<&'a str>,
    pub published: Option<String>,
    pub outlet: Option<&'a str>,
    pub authors: Vec<&'a str>,
    pub url: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub text: &'a str,
}

#[derive(Serialize)]
pub struct RoleRow<'a> {
    pub title: Option<&'a str>,
    pub org: Option<&'a str>,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Serialize)]
pub struct EntityRow<'a> {
    pub id: &'a str,
    pub kind: Option<&'a str>,
    pub name: Option<&'a str>,
    pub aliases: Vec<&'a str>,
    pub description: Option<&'a str>,
    pub country: Option<&'a str>,
    pub parent: Option<&'a str>,
    pub wikidata: Option<&'a str>,
    pub roles: Vec<RoleRow<'a>>,
}

#[derive(Serialize)]
pub struct MentionRow<'a> {
    pub id: String,
    pub document: &'a str,
    pub entity: &'a str,
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub claim: Option<String>,
}

#[derive(Serialize)]
pub struct ClaimRow<'a> {
    pub id: String,
    pub document: &'a str,
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub by: &'a [&'a str],
    pub date: Option<String>,
    pub via: Option<&'a str>,
    pub source: Option<String>,
    pub mentions: &'a [&'a str],
    pub parent: Option<String>,
}

#[derive(Serialize)]
pub struct RelationRow<'a> {
    pub document: &'a str,
    pub source: String,
    pub relation: &'static str,
    pub target: String,
    pub target_document: &'a str,
    pub line: usize,
    pub column: usize,
}

pub fn document_row<'a>(ex: &'a Exported) -> DocumentRow<'a> {
    let doc: &Document = ex.doc;
    let article = doc.article.as_ref();
    let value = |v: Option<&'a crate::document::Located<String>>| v.map(|l| l.value.as_str());
    DocumentRow {
        id: &doc.id,
        path: &doc.path,
        kind: doc.kind.as_str(),
        title: match doc.kind {
            DocumentKind::Article => value(article.and_then(|a| a.title.as_ref())),
            DocumentKind::Entity => value(doc.entity.as_ref().and_then(|e| e.name.as_ref())),
        },
        published: article.and_then(|a| a.published.as_ref()).map(|p| p.value.to_string()),
        outlet: value(article.and_then(|a| a.outlet.as_ref())),
        authors: article.map_or_else(Vec::new, |a| a.authors.iter().map(|x| x.value.as_str()).collect()),
        url: value(article.and_then(|a| a.url.as_ref())),
        lang: value(article.and_then(|a| a.lang.as_ref())),
        text: &ex.plain.text,
    }
}

pub fn entity_row<'a>(doc: &'a Document) -> Option<EntityRow<'a>> {
    let e = entity_meta(doc)?;
    let value = |v: &'a Option<crate::document::Located<String>>| v.as_ref().map(|l| l.value.as_str());
    Some(EntityRow {
        id: &doc.id,
        kind: value(&e.kind),
        name: value(&e.name),
        aliases: e.aliases.iter().map(|a| a.value.as_str()).collect(),
        description: value(&e.description),
        country: value(&e.country),
        parent: value(&e.parent),
        wikidata: value(&e.wikidata),
        roles: e
            .roles
            .iter()
            .map(|r| RoleRow {
                title: value(&r.title),
                org: value(&r.org),
                from: r.from.as_ref().map(|d| d.value.to_string()),
                to: r.to.as_ref().map(|d| d.value.to_string()),
            })
            .collect(),
    })
}

pub fn mention_rows<'a>(ex: &'a Exported) -> impl Iterator<Item = MentionRow<'a>> + 'a {
    ex.mentions.iter().map(move |m| MentionRow {
        id: ex.mention_id(m),
        document: &ex.doc.id,
        entity: m.entity.id,
        text: ex.text(&m.place),
        start: m.place.start,
        end: m.place.end,
        line: m.place.line,
        column: m.place.column,
        claim: m.claim.map(|c| ex.claim_id(c)),
    })
}

pub fn claim_rows<'a>(ex: &'a Exported) -> impl Iterator<Item = ClaimRow<'a>> + 'a {
    ex.claims.iter().map(move |c| ClaimRow {
        id: match c.local {
            LocalId::Named(id) => format!("{}:{id}", ex.doc.id),
            LocalId::Numbered(n) => format!("{}:~{n}", ex.doc.id),
        },
        document: &ex.doc.id,
        text: ex.text(&c.place),
        start: c.place.start,
        end: c.place.end,
        line: c.place.line,
        column: c.place.column,
        by: &c.by,
        date: c.date.map(|d| d.to_string()),
        via: c.via,
        source: c.source.map(|s| match s {
            SourceRef::Address(a) => a.to_string(),
            SourceRef::Document(d) => d.to_string(),
            SourceRef::Claim { document, claim } => format!("{document}:{claim}"),
        }),
        mentions: &c.mentions,
        parent: c.parent.map(|p| ex.claim_id(p)),
    })
}

pub fn relation_rows<'a>(ex: &'a Exported) -> impl Iterator<Item = RelationRow<'a>> + 'a {
    ex.relations.iter().map(move |r| {
        let (target, target_document) = match r.target {
            Target::Claim { document, claim } => (format!("{document}:{claim}"), document),
            Target::Document(document) => (document.to_string(), document),
        };
        RelationRow {
            document: &ex.doc.id,
            source: ex.claim_id(r.from),
            relation: r.relation,
            target,
            target_document,
            line: r.line,
            column: r.column,
        }
    })
}

/// Appends `row` as one line, with `"table":NAME` first when `table` is given.
fn line(out: &mut Vec<u8>, table: Option<&str>, row: &impl Serialize) {
    match table {
        None => {
            // Serializing into a Vec cannot fail for these rows (string keys, no maps).
            let _ = serde_json::to_writer(&mut *out, row);
        }
        Some(table) => {
            let start = out.len();
            let _ = serde_json::to_writer(&mut *out, row);
            // `{…}` becomes `{"table":NAME,…}`.
            let tag = format!("{{\"table\":\"{table}\",");
            out.splice(start..start + 1, tag.bytes());
        }
    }
    out.push(b'\n');
}

/// The tables, in the order a document's lines come.
pub const TABLES: [&str; 5] = ["documents", "entities", "mentions", "claims", "relations"];

/// One document's lines: a file per table, or one stream with `table` fields.
pub fn piece(ex: &Exported, one_stream: bool) -> Piece {
    // Sized up front: grown by doubling, the buffers cost more in copies and fresh pages than
    // in serializing.
    let id = ex.doc.id.len();
    let claim_text: usize = ex.claims.iter().map(|c| c.place.bytes.len()).sum();
    let mut tables: [Vec<u8>; 5] = [
        Vec::with_capacity(ex.plain.text.len() + ex.plain.text.len() / 8 + 512),
        Vec::with_capacity(if ex.doc.entity.is_some() { 1024 } else { 0 }),
        Vec::with_capacity(ex.mentions.len() * (2 * id + 160)),
        Vec::with_capacity(claim_text + ex.claims.len() * (3 * id + 220)),
        Vec::with_capacity(ex.relations.len() * (4 * id + 160)),
    ];
    let tag = |k: usize| one_stream.then_some(TABLES[k]);
    let mut counts = Counts {
        documents: 1,
        ..Counts::default()
    };
    line(&mut tables[0], tag(0), &document_row(ex));
    if let Some(entity) = entity_row(ex.doc) {
        line(&mut tables[1], tag(1), &entity);
        counts.entities += 1;
    }
    for row in mention_rows(ex) {
        line(&mut tables[2], tag(2), &row);
        counts.mentions += 1;
    }
    for row in claim_rows(ex) {
        line(&mut tables[3], tag(3), &row);
        counts.claims += 1;
    }
    for row in relation_rows(ex) {
        line(&mut tables[4], tag(4), &row);
        counts.relations += 1;
    }
    let streams = if one_stream {
        vec![("-", tables.concat())]
    } else {
        TABLES
            .iter()
            .zip(tables)
            .map(|(name, bytes)| (stream_name(name), bytes))
            .collect()
    };
    Piece {
        streams,
        error: None,
        annotations: None,
        counts,
    }
}

/// The file of a table.
fn stream_name(table: &str) -> &'static str {
    match table {
        "documents" => "documents.jsonl",
        "entities" => "entities.jsonl",
        "mentions" => "mentions.jsonl",
        "claims" => "claims.jsonl",
        _ => "relations.jsonl",
    }
}

/// The files of a folder export, created even when a table has no row.
pub const FILES: [&str; 5] = [
    "documents.jsonl",
    "entities.jsonl",
    "mentions.jsonl",
    "claims.jsonl",
    "relations.jsonl",
];
