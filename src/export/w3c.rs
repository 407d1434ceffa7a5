//! `--format w3c`: the W3C Web Annotation Data Model. annotations.jsonl holds one
//! `Annotation` per line, each with its own `@context`; collection.jsonld holds the
//! `AnnotationPage`s of `PAGE` annotations each and, last, their `AnnotationCollection` (one
//! JSON-LD `@graph`: the total is known at the end, and the pages are written as the
//! annotations come); documents.jsonl holds the plain texts that the positions count in
//! (jsonl's documents table).
//!
//! - A mention is `identifying`: a `SpecificResource` body whose `source` is the entity (its
//!   Wikidata IRI when it has one), and a `TextualBody` tagging the entity's kind.
//! - A claim is `describing`, with a `schema:Claim` body: `schema:author` (the speakers),
//!   `schema:datePublished` (the day the statement was made) and `schema:appearance` (its
//!   source). `via=` is not mapped: the model's `via` means where an annotation came from.
//! - A relation between claims is `linking`: its targets are the two claims' annotations, the
//!   one that holds the relation first; a `TextualBody` classifies it (`replies-to`, …).
//!
//! Targets name the document's `url` when it has one (else its IRI), with a
//! `TextQuoteSelector` (32 characters of context on each side) and a `TextPositionSelector`
//! in the plain text.

use super::iri::Iris;
use super::jsonl;
use super::records::{Exported, Place, SourceRef, Target};
use super::{Counts, Piece};
use crate::date::Date;
use crate::plain_text::Unit;
use serde::Serialize;
use std::io::Write;

pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Annotations per `AnnotationPage` of the collection.
pub const PAGE: usize = 1000;
/// Characters of a `TextQuoteSelector`'s `prefix` and `suffix`.
const QUOTE_CONTEXT: usize = 32;

/// An annotation without its `@context`, which annotations.jsonl adds to each line and
/// collection.jsonld gives once.
#[derive(Serialize)]
struct Annotation<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    body: Body<'a>,
    target: AnnotationTarget<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Mention(Vec<MentionBody<'a>>),
    Claim(ClaimBody),
    Relation(TextualBody<'a>),
}

#[derive(Serialize)]
#[serde(untagged)]
enum MentionBody<'a> {
    Entity(EntityBody),
    Tag(TextualBody<'a>),
}

#[derive(Serialize)]
struct EntityBody {
    #[serde(rename = "type")]
    kind: &'static str,
    source: String,
    purpose: &'static str,
}

#[derive(Serialize)]
struct TextualBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'a str,
    purpose: &'static str,
}

#[derive(Serialize)]
struct IdRef {
    id: String,
}

#[derive(Serialize)]
struct TypedDate {
    #[serde(rename = "@value")]
    value: String,
    #[serde(rename = "@type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct ClaimBody {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "schema:author", skip_serializing_if = "Vec::is_empty")]
    author: Vec<IdRef>,
    #[serde(rename = "schema:datePublished", skip_serializing_if = "Option::is_none")]
    date: Option<TypedDate>,
    #[serde(rename = "schema:appearance", skip_serializing_if = "Option::is_none")]
    appearance: Option<IdRef>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum AnnotationTarget<'a> {
    Text(TextTarget<'a>),
    Claims([String; 2]),
}

#[derive(Serialize)]
struct TextTarget<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    source: &'a str,
    selector: (QuoteSelector<'a>, PositionSelector),
}

#[derive(Serialize)]
struct QuoteSelector<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

#[derive(Serialize)]
struct PositionSelector {
    #[serde(rename = "type")]
    kind: &'static str,
    start: usize,
    end: usize,
}

/// A date with its XML Schema type: a day, a month or a year.
fn typed(date: Date) -> TypedDate {
    let kind = match (date.month, date.day) {
        (Some(_), Some(_)) => "xsd:date",
        (Some(_), None) => "xsd:gYearMonth",
        _ => "xsd:gYear",
    };
    TypedDate {
        value: date.to_string(),
        kind,
    }
}

/// The target of an annotation of the text at `place`.
fn text_target<'a>(ex: &'a Exported, source: &'a str, place: &Place) -> TextTarget<'a> {
    let text = ex.plain.text.as_str();
    let (start, end) = (place.bytes.start, place.bytes.end);
    let before = text[..start]
        .char_indices()
        .rev()
        .nth(QUOTE_CONTEXT - 1)
        .map_or(0, |(i, _)| i);
    let after = text[end..]
        .char_indices()
        .nth(QUOTE_CONTEXT)
        .map_or(text.len(), |(i, _)| end + i);
    TextTarget {
        kind: "SpecificResource",
        source,
        selector: (
            QuoteSelector {
                kind: "TextQuoteSelector",
                exact: &text[start..end],
                prefix: &text[before..start],
                suffix: &text[end..after],
            },
            PositionSelector {
                kind: "TextPositionSelector",
                start: place.start,
                end: place.end,
            },
        ),
    }
}

fn line(out: &mut Vec<u8>, annotation: &Annotation) {
    // Serializing into a Vec cannot fail for these types.
    let _ = serde_json::to_writer(&mut *out, annotation);
    out.push(b'\n');
}

/// One document's annotations (and its row of documents.jsonl, unless to standard output).
pub fn piece(ex: &Exported, iris: &Iris, one_stream: bool) -> Piece {
    debug_assert!(matches!(ex.unit, Unit::CodePoints | Unit::Utf16));
    let doc = ex.doc;
    let document_iri = iris.document(&doc.id);
    let source = doc
        .article
        .as_ref()
        .and_then(|a| a.url.as_ref())
        .map(|u| u.value.as_str())
        .unwrap_or(&document_iri);
    let mut out = Vec::new();
    let mut counts = Counts {
        documents: 1,
        entities: usize::from(jsonl::entity_row(doc).is_some()),
        ..Counts::default()
    };
    for m in &ex.mentions {
        let mut body = vec![MentionBody::Entity(EntityBody {
            kind: "SpecificResource",
            source: iris.entity(m.entity.id, m.entity.wikidata),
            purpose: "identifying",
        })];
        if let Some(kind) = m.entity.kind {
            body.push(MentionBody::Tag(TextualBody {
                kind: "TextualBody",
                value: kind,
                purpose: "tagging",
            }));
        }
        line(
            &mut out,
            &Annotation {
                id: iris.mention(&doc.id, m.number),
                kind: "Annotation",
                motivation: "identifying",
                body: Body::Mention(body),
                target: AnnotationTarget::Text(text_target(ex, source, &m.place)),
            },
        );
        counts.mentions += 1;
    }
    for (k, c) in ex.claims.iter().enumerate() {
        let body = ClaimBody {
            kind: "schema:Claim",
            author: c
                .speakers
                .iter()
                .map(|e| IdRef {
                    id: iris.entity(e.id, e.wikidata),
                })
                .collect(),
            date: c.date.map(typed),
            appearance: c.source.map(|s| IdRef {
                id: match s {
                    SourceRef::Address(a) => a.to_string(),
                    SourceRef::Document(d) | SourceRef::Claim { document: d, .. } => iris.document(d),
                },
            }),
        };
        line(
            &mut out,
            &Annotation {
                id: ex.claim_iri(iris, crate::slots::ClaimIndex::new(k)),
                kind: "Annotation",
                motivation: "describing",
                body: Body::Claim(body),
                target: AnnotationTarget::Text(text_target(ex, source, &c.place)),
            },
        );
        counts.claims += 1;
    }
    for r in &ex.relations {
        let Target::Claim { document, claim } = r.target else {
            continue; // `source=DOC` names a document: the claim's `schema:appearance`.
        };
        let to = match ex.local_claim(&r.target) {
            Some(k) => ex.claim_iri(iris, k),
            None => iris.claim(document, claim),
        };
        line(
            &mut out,
            &Annotation {
                id: iris.relation(&doc.id, r.number),
                kind: "Annotation",
                motivation: "linking",
                body: Body::Relation(TextualBody {
                    kind: "TextualBody",
                    value: r.relation,
                    purpose: "classifying",
                }),
                target: AnnotationTarget::Claims([ex.claim_iri(iris, r.from), to]),
            },
        );
        counts.relations += 1;
    }
    counts.annotations = counts.mentions + counts.claims + counts.relations;
    let mut streams = Vec::new();
    if !one_stream {
        let mut row = Vec::new();
        let _ = serde_json::to_writer(&mut row, &jsonl::document_row(ex));
        row.push(b'\n');
        streams.push(("documents.jsonl", row));
    }
    Piece {
        streams,
        error: None,
        annotations: Some(out),
        counts,
    }
}

/// Writes annotations, as they come, to annotations.jsonl (each with its `@context`) and to
/// collection.jsonld's pages.
#[derive(Default)]
pub struct Collection {
    written: usize,
}

impl Collection {
    /// `lines`: annotations without `@context`, one per line. `pages` is None for standard
    /// output, which gets the annotations only.
    pub fn add(
        &mut self,
        iris: &Iris,
        lines: &[u8],
        annotations: &mut impl Write,
        mut pages: Option<&mut dyn Write>,
    ) -> std::io::Result<()> {
        let json = |v: &str| serde_json::to_string(v).unwrap_or_default();
        for line in lines.split(|&b| b == b'\n').filter(|l| l.len() > 1) {
            write!(annotations, "{{\"@context\":\"{CONTEXT}\",")?;
            annotations.write_all(&line[1..])?;
            annotations.write_all(b"\n")?;
            let Some(out) = pages.as_deref_mut() else {
                self.written += 1;
                continue;
            };
            let k = self.written;
            if k.is_multiple_of(PAGE) {
                let page = k / PAGE;
                if page == 0 {
                    writeln!(out, "{{\"@context\":\"{CONTEXT}\",\"@graph\":[")?;
                } else {
                    // The page before ends, and leads here.
                    write!(out, "\n],\"next\":{}}},\n", json(&iris.page(page)))?;
                }
                write!(
                    out,
                    "{{\"id\":{},\"type\":\"AnnotationPage\",\"partOf\":{},\"startIndex\":{k}",
                    json(&iris.page(page)),
                    json(&iris.collection())
                )?;
                if page > 0 {
                    write!(out, ",\"prev\":{}", json(&iris.page(page - 1)))?;
                }
                writeln!(out, ",\"items\":[")?;
            } else {
                writeln!(out, ",")?;
            }
            out.write_all(line)?;
            self.written += 1;
        }
        Ok(())
    }

    /// Ends the last page and writes the collection itself, with its total.
    pub fn finish(self, iris: &Iris, label: &str, out: &mut impl Write) -> std::io::Result<()> {
        let json = |v: &str| serde_json::to_string(v).unwrap_or_default();
        let total = self.written;
        if total == 0 {
            writeln!(out, "{{\"@context\":\"{CONTEXT}\",\"@graph\":[")?;
        } else {
            write!(out, "\n]}},\n")?;
        }
        write!(
            out,
            "{{\"id\":{},\"type\":\"AnnotationCollection\",\"label\":{},\"total\":{total}",
            json(&iris.collection()),
            json(label)
        )?;
        if total > 0 {
            let pages = total.div_ceil(PAGE);
            write!(
                out,
                ",\"first\":{},\"last\":{}",
                json(&iris.page(0)),
                json(&iris.page(pages - 1))
            )?;
        }
        writeln!(out, "}}\n]}}")
    }
}
