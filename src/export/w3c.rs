//! `--format w3c`: the W3C Web Annotation Data Model. annotations.jsonl holds one
//! `Annotation` per line, each with its own `@context`; collection.jsonld holds the
//! `AnnotationPage`s of `PAGE` annotations each and, last, their `AnnotationCollection` (one
//! JSON-LD `@graph`: the total is known at the end, and the pages are written as the
//! annotations come); documents.jsonl holds the plain texts that the positions count in
//! (jsonl's documents table).
//!
//! A page's `items` are the annotations' IRIs, as the Web Annotation Protocol's
//! `PreferContainedIRIs` representation has them (the context types `items` as `@id`): each
//! annotation is written once, in annotations.jsonl, and the collection is its index. Pages
//! that embedded every annotation again doubled the export (866 MB for 10,000 articles).
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
use crate::slots::ClaimIndex;
use std::collections::HashMap;
use std::io::Write;

pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Annotations per `AnnotationPage` of the collection.
pub const PAGE: usize = 1000;
/// Characters of a `TextQuoteSelector`'s `prefix` and `suffix`.
const QUOTE_CONTEXT: usize = 32;

/// Writes one line of annotations.jsonl. The annotation's shape is fixed, so its keys and
/// constant values are written as literal bytes and only the corpus's strings go through
/// serde_json's escaping: serializing derived structs spent a fifth of the export's time in
/// the per-string overhead of some forty keys and constants per annotation.
struct Line<'a> {
    out: &'a mut Vec<u8>,
}

impl Line<'_> {
    /// JSON that is already valid (keys, punctuation, constants).
    fn raw(&mut self, json: &str) -> &mut Self {
        self.out.extend_from_slice(json.as_bytes());
        self
    }

    /// A string from the corpus, quoted and escaped.
    fn string(&mut self, value: &str) -> &mut Self {
        // Serializing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *self.out, value);
        self
    }

    /// An IRI this export made: its base passed `iri::check_base` (no quote, backslash or
    /// control character) and its ids are percent-encoded, so it needs no escaping. IRIs are
    /// most of the bytes of an annotation.
    fn iri(&mut self, iri: &str) -> &mut Self {
        debug_assert!(!iri.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20), "{iri}");
        self.out.push(b'"');
        self.out.extend_from_slice(iri.as_bytes());
        self.out.push(b'"');
        self
    }

    fn number(&mut self, n: usize) -> &mut Self {
        let _ = write!(self.out, "{n}");
        self
    }

    /// `{"@context":…,"id":ID,"type":"Annotation","motivation":M,` (the body comes next).
    fn head(&mut self, id: &str, motivation: &str) -> &mut Self {
        self.raw("{\"@context\":\"")
            .raw(CONTEXT)
            .raw("\",\"id\":")
            .iri(id)
            .raw(",\"type\":\"Annotation\",\"motivation\":\"")
            .raw(motivation)
            .raw("\",")
    }

    /// `"target":{…}}` and the line's end: a `SpecificResource` with both selectors.
    fn text_target(&mut self, target: &TextTarget) {
        self.raw("\"target\":{\"type\":\"SpecificResource\",\"source\":")
            .raw(target.source)
            .raw(",\"selector\":[{\"type\":\"TextQuoteSelector\",\"exact\":")
            .string(target.exact)
            .raw(",\"prefix\":")
            .string(target.prefix)
            .raw(",\"suffix\":")
            .string(target.suffix)
            .raw("},{\"type\":\"TextPositionSelector\",\"start\":")
            .number(target.start)
            .raw(",\"end\":")
            .number(target.end)
            .raw("}]}}\n");
    }
}

/// Where an annotation of the text points: the document, the quote with its context, and
/// the positions.
struct TextTarget<'a> {
    /// The document's `url` or IRI, as JSON.
    source: &'a str,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
    start: usize,
    end: usize,
}

/// A date's XML Schema type: a day, a month or a year.
fn xsd_type(date: Date) -> &'static str {
    match (date.month, date.day) {
        (Some(_), Some(_)) => "xsd:date",
        (Some(_), None) => "xsd:gYearMonth",
        _ => "xsd:gYear",
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
        source,
        exact: &text[start..end],
        prefix: &text[before..start],
        suffix: &text[end..after],
        start: place.start,
        end: place.end,
    }
}

/// One document's annotations: the lines of annotations.jsonl, and their ids for the
/// collection's pages. Built on a worker, so the writer only copies bytes.
pub struct Lines {
    jsonl: Vec<u8>,
    /// Each annotation's id as a JSON string, one per line.
    ids: Vec<u8>,
}

impl Lines {
    /// Starts the next annotation, whose id is `id`.
    fn line(&mut self, id: &str) -> Line<'_> {
        let mut ids = Line { out: &mut self.ids };
        ids.iri(id).raw("\n");
        Line { out: &mut self.jsonl }
    }
}

/// One document's annotations (and its row of documents.jsonl, unless to standard output).
pub fn piece(ex: &Exported, iris: &Iris, one_stream: bool) -> Piece {
    debug_assert!(matches!(ex.unit, Unit::CodePoints | Unit::Utf16));
    let doc = ex.doc;
    let document_iri = iris.document(&doc.id);
    // The target's source as JSON, once per document: a `url` is the corpus's text.
    let source = match doc.article.as_ref().and_then(|a| a.url.as_ref()) {
        Some(url) => serde_json::to_string(&url.value).unwrap_or_default(),
        None => format!("\"{document_iri}\""),
    };
    let mut lines = Lines {
        jsonl: Vec::new(),
        ids: Vec::new(),
    };
    let mut counts = Counts {
        documents: 1,
        entities: usize::from(jsonl::entity_row(doc).is_some()),
        ..Counts::default()
    };
    // An entity's IRI once per document, not once per mention.
    let mut entity_iris: HashMap<&str, String> = HashMap::new();
    for m in &ex.mentions {
        let entity = entity_iris
            .entry(m.entity.id)
            .or_insert_with(|| iris.entity(m.entity.id, m.entity.wikidata));
        let id = Iris::mention(&document_iri, m.number);
        let mut line = lines.line(&id);
        line.head(&id, "identifying")
            .raw("\"body\":[{\"type\":\"SpecificResource\",\"source\":")
            .iri(entity)
            .raw(",\"purpose\":\"identifying\"}");
        if let Some(kind) = m.entity.kind {
            line.raw(",{\"type\":\"TextualBody\",\"value\":")
                .string(kind)
                .raw(",\"purpose\":\"tagging\"}");
        }
        line.raw("],").text_target(&text_target(ex, &source, &m.place));
        counts.mentions += 1;
    }
    let claim_iris: Vec<String> = (0..ex.claims.len())
        .map(|k| ex.claim_iri(&document_iri, ClaimIndex::new(k)))
        .collect();
    for (c, id) in ex.claims.iter().zip(&claim_iris) {
        let mut line = lines.line(id);
        line.head(id, "describing").raw("\"body\":{\"type\":\"schema:Claim\"");
        for (k, e) in c.speakers.iter().enumerate() {
            line.raw(if k == 0 {
                ",\"schema:author\":[{\"id\":"
            } else {
                ",{\"id\":"
            })
            .string(entity_iris.entry(e.id).or_insert_with(|| iris.entity(e.id, e.wikidata)))
            .raw("}");
        }
        if !c.speakers.is_empty() {
            line.raw("]");
        }
        if let Some(date) = c.date {
            line.raw(",\"schema:datePublished\":{\"@value\":")
                .string(&date.to_string())
                .raw(",\"@type\":\"")
                .raw(xsd_type(date))
                .raw("\"}");
        }
        if let Some(s) = c.source {
            let appearance = match s {
                SourceRef::Address(a) => a.to_string(),
                SourceRef::Document(d) | SourceRef::Claim { document: d, .. } => iris.document(d),
            };
            line.raw(",\"schema:appearance\":{\"id\":").string(&appearance).raw("}");
        }
        line.raw("},").text_target(&text_target(ex, &source, &c.place));
        counts.claims += 1;
    }
    for r in &ex.relations {
        let Target::Claim { document, claim } = r.target else {
            continue; // `source=DOC` names a document: the claim's `schema:appearance`.
        };
        let elsewhere;
        let to = match ex.local_claim(&r.target).and_then(|k| claim_iris.get(k.index())) {
            Some(iri) => iri.as_str(),
            None => {
                elsewhere = iris.claim(document, claim);
                elsewhere.as_str()
            }
        };
        let held;
        let from = match claim_iris.get(r.from.index()) {
            Some(iri) => iri.as_str(),
            None => {
                held = ex.claim_iri(&document_iri, r.from);
                held.as_str()
            }
        };
        let id = Iris::relation(&document_iri, r.number);
        lines
            .line(&id)
            .head(&id, "linking")
            .raw("\"body\":{\"type\":\"TextualBody\",\"value\":")
            .string(r.relation)
            .raw(",\"purpose\":\"classifying\"},\"target\":[")
            .iri(from)
            .raw(",")
            .iri(to)
            .raw("]}\n");
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
        annotations: Some(lines),
        counts,
    }
}

/// Writes annotations, as they come, to annotations.jsonl (each with its `@context`), and their
/// ids to collection.jsonld's pages.
#[derive(Default)]
pub struct Collection {
    written: usize,
}

impl Collection {
    /// `lines`: one document's annotations. `pages` is None for standard output, which gets
    /// the annotations only.
    pub fn add(
        &mut self,
        iris: &Iris,
        lines: &Lines,
        annotations: &mut impl Write,
        mut pages: Option<&mut dyn Write>,
    ) -> std::io::Result<()> {
        annotations.write_all(&lines.jsonl)?;
        let json = |v: &str| serde_json::to_string(v).unwrap_or_default();
        for id in lines.ids.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
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
            out.write_all(id)?;
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
