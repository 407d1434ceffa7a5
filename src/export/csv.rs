//! `--format csv`: jsonl's tables as CSV (RFC 4180: CRLF between records, quotes where a
//! field needs them), one file per table with a header row. Lists are joined with `|`, as
//! Recogito does (a `|` or `\` inside an alias is written `\|` or `\\`); documents.csv has
//! no `text` column, and an entity's roles are a table of their own, roles.csv.

use super::jsonl::{self, ClaimRow, DocumentRow, EntityRow, MentionRow, RelationRow};
use super::records::Exported;
use super::{Counts, Piece};

/// Each table's file and header.
pub const TABLES: [(&str, &[&str]); 6] = [
    (
        "documents.csv",
        &[
            "id",
            "path",
            "kind",
            "title",
            "published",
            "outlet",
            "authors",
            "url",
            "lang",
        ],
    ),
    (
        "entities.csv",
        &[
            "id",
            "kind",
            "name",
            "aliases",
            "description",
            "country",
            "parent",
            "wikidata",
        ],
    ),
    ("roles.csv", &["entity", "title", "org", "from", "to"]),
    (
        "mentions.csv",
        &[
            "id", "document", "entity", "text", "start", "end", "line", "column", "claim",
        ],
    ),
    (
        "claims.csv",
        &[
            "id", "document", "text", "start", "end", "line", "column", "by", "date", "via", "source", "mentions",
            "parent",
        ],
    ),
    (
        "relations.csv",
        &[
            "document",
            "source",
            "relation",
            "target",
            "target_document",
            "line",
            "column",
        ],
    ),
];

fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// A table's header row.
pub fn header(columns: &[&str]) -> Vec<u8> {
    let mut w = writer();
    // Writing to a Vec cannot fail.
    let _ = w.write_record(columns);
    w.into_inner().unwrap_or_default()
}

fn opt(value: Option<&str>) -> &str {
    value.unwrap_or("")
}

/// Ids joined with `|` (ids hold no `|`).
fn ids(list: &[&str]) -> String {
    list.join("|")
}

/// Free text joined with `|`, each `\` and `|` inside escaped with `\`.
fn texts(list: &[&str]) -> String {
    list.iter()
        .map(|t| t.replace('\\', "\\\\").replace('|', "\\|"))
        .collect::<Vec<_>>()
        .join("|")
}

pub fn piece(ex: &Exported) -> Piece {
    let mut w: [::csv::Writer<Vec<u8>>; 6] = std::array::from_fn(|_| writer());
    let mut counts = Counts {
        documents: 1,
        ..Counts::default()
    };
    // Writing to a Vec cannot fail: the results are ignored.
    let DocumentRow {
        id,
        path,
        kind,
        title,
        published,
        outlet,
        authors,
        url,
        lang,
        text: _,
    } = jsonl::document_row(ex);
    let _ = w[0].write_record([
        id,
        path,
        kind,
        opt(title),
        opt(published.as_deref()),
        opt(outlet),
        &ids(&authors),
        opt(url),
        opt(lang),
    ]);
    if let Some(EntityRow {
        id,
        kind,
        name,
        aliases,
        description,
        country,
        parent,
        wikidata,
        roles,
    }) = jsonl::entity_row(ex.doc)
    {
        counts.entities += 1;
        let _ = w[1].write_record([
            id,
            opt(kind),
            opt(name),
            &texts(&aliases),
            opt(description),
            opt(country),
            opt(parent),
            opt(wikidata),
        ]);
        for role in roles {
            let _ = w[2].write_record([
                id,
                opt(role.title),
                opt(role.org),
                opt(role.from.as_deref()),
                opt(role.to.as_deref()),
            ]);
        }
    }
    for MentionRow {
        id,
        document,
        entity,
        text,
        start,
        end,
        line,
        column,
        claim,
    } in jsonl::mention_rows(ex)
    {
        counts.mentions += 1;
        let _ = w[3].write_record([
            id.as_str(),
            document,
            entity,
            text,
            &start.to_string(),
            &end.to_string(),
            &line.to_string(),
            &column.to_string(),
            opt(claim.as_deref()),
        ]);
    }
    for ClaimRow {
        id,
        document,
        text,
        start,
        end,
        line,
        column,
        by,
        date,
        via,
        source,
        mentions,
        parent,
    } in jsonl::claim_rows(ex)
    {
        counts.claims += 1;
        let _ = w[4].write_record([
            id.as_str(),
            document,
            text,
            &start.to_string(),
            &end.to_string(),
            &line.to_string(),
            &column.to_string(),
            &ids(by),
            opt(date.as_deref()),
            opt(via),
            opt(source.as_deref()),
            &ids(mentions),
            opt(parent.as_deref()),
        ]);
    }
    for RelationRow {
        document,
        source,
        relation,
        target,
        target_document,
        line,
        column,
    } in jsonl::relation_rows(ex)
    {
        counts.relations += 1;
        let _ = w[5].write_record([
            document,
            source.as_str(),
            relation,
            target.as_str(),
            target_document,
            &line.to_string(),
            &column.to_string(),
        ]);
    }
    let streams = TABLES
        .iter()
        .zip(w)
        .map(|((name, _), w)| (*name, w.into_inner().unwrap_or_default()))
        .collect();
    Piece {
        streams,
        error: None,
        annotations: None,
        counts,
    }
}
