//! `--format brat`: brat's standoff format, a folder that opens in brat as it is.
//!
//! Per document, `DOC.txt` (the plain text) and `DOC.ann`:
//! - `T` lines: mentions (type: the entity's kind, `unknown` when the corpus does not know
//!   it) and claims (type `Claim`), in document order, with code-point offsets. A span is cut
//!   into fragments at line breaks and tabs (brat's text field is one line, fragments joined
//!   by a space); an annotation with no text is left out.
//! - `N` lines: each mention normalized to `Wikidata:Q…`, or `annals:ID` without one.
//! - `#` lines (AnnotatorNotes): a claim's id, `by`, `date`, `via` and `source`.
//! - `R` lines: relations between two claims of the document (cross-document relations are
//!   in the jsonl export only).
//!
//! Plus `annotation.conf` (the types, and nesting allowed) and `tools.conf` (normalization
//! links) at the top.

use super::iri::Iris;
use super::out::FolderFiles;
use super::records::{Exported, Place, SourceRef};
use super::{Counts, Piece};
use crate::document::ENTITY_KINDS;
use crate::ids;
use crate::plain_text::Unit;
use std::fmt::Write;

/// What ends a fragment: the line breaks that readers of .ann files split lines at (Python's
/// `str.splitlines` is the widest), and tabs, which separate an .ann line's fields.
fn breaks_fragment(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// A note or name on one .ann line: its breaks as spaces.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if breaks_fragment(c) { ' ' } else { c }).collect()
}

/// The file name (without extension) of a document: its id when it is valid, else the id
/// with every byte outside `[A-Za-z0-9_-]` written `%XX`, so that no id makes a path.
pub fn stem(id: &str) -> String {
    if ids::is_valid_id(id) {
        return id.to_string();
    }
    let mut out = String::new();
    for b in id.bytes() {
        if ids::is_id_byte(b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    if out.is_empty() { "%".to_string() } else { out }
}

/// The file stems of documents with these ids, in order: `stem`, and for a stem that an earlier
/// document has (a duplicate id, or two ids that differ in case only, which a case-insensitive
/// file system takes for one), `STEM~2`, `STEM~3`, … Stems are ASCII, so comparing them in
/// lowercase is what such a file system does.
pub fn stems<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken = rustc_hash::FxHashSet::default();
    ids.map(|id| {
        let base = stem(id);
        let mut candidate = base.clone();
        let mut k = 1;
        while !taken.insert(candidate.to_ascii_lowercase()) {
            k += 1;
            candidate = format!("{base}~{k}");
        }
        candidate
    })
    .collect()
}

/// The fragments of `place`: (start, end) in code points, and their text joined by spaces.
fn fragments(ex: &Exported, place: &Place) -> (Vec<(usize, usize)>, String) {
    let text = &ex.plain.text;
    let mut out = Vec::new();
    let mut joined = String::new();
    let mut start = place.bytes.start;
    let mut push = |from: usize, to: usize| {
        if to > from {
            out.push((
                ex.plain.count(from, Unit::CodePoints),
                ex.plain.count(to, Unit::CodePoints),
            ));
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(&text[from..to]);
        }
    };
    for (i, c) in text[place.bytes.clone()].char_indices() {
        if breaks_fragment(c) {
            let at = place.bytes.start + i;
            push(start, at);
            start = at + c.len_utf8();
        }
    }
    push(start, place.bytes.end);
    (out, joined)
}

/// One document's `.txt` and `.ann`, written at once to `files` under `stem` (on the sweep's
/// worker threads: creating 24,000 files one after the other was most of a brat export).
pub fn piece(ex: &Exported, stem: &str, files: &FolderFiles) -> Piece {
    let doc = ex.doc;
    let mut ann = String::new();
    let mut counts = Counts {
        documents: 1,
        entities: usize::from(doc.entity.is_some()),
        ..Counts::default()
    };
    // T numbers in span order: mentions and claims are each in span order, merged here.
    let mut claim_t: Vec<Option<usize>> = vec![None; ex.claims.len()];
    let (mut m, mut c) = (0, 0);
    let mut t = 0;
    let mut normalizations = Vec::new();
    let mut notes = Vec::new();
    while m < ex.mentions.len() || c < ex.claims.len() {
        let mention_first = match (doc.mentions.get(m), doc.claims.get(c)) {
            (Some(a), Some(b)) => a.span < b.span,
            (Some(_), None) => true,
            _ => false,
        };
        let (place, kind) = if mention_first {
            let record = &ex.mentions[m];
            (&record.place, record.entity.kind.unwrap_or("unknown"))
        } else {
            (&ex.claims[c].place, "Claim")
        };
        let (frags, text) = fragments(ex, place);
        if !frags.is_empty() {
            t += 1;
            let offsets: Vec<String> = frags.iter().map(|(s, e)| format!("{s} {e}")).collect();
            let _ = writeln!(ann, "T{t}\t{kind} {}\t{text}", offsets.join(";"));
            if mention_first {
                counts.mentions += 1;
                let e = ex.mentions[m].entity;
                let reference = match e.wikidata {
                    Some(q) => format!("Wikidata:{q}"),
                    None => format!("annals:{}", e.id),
                };
                normalizations.push((t, reference, one_line(e.name.unwrap_or(e.id))));
            } else {
                counts.claims += 1;
                claim_t[c] = Some(t);
                let claim = &ex.claims[c];
                let mut note = match claim.local {
                    super::records::LocalId::Named(id) => format!("id={id}"),
                    super::records::LocalId::Numbered(_) => String::new(),
                };
                let mut add = |key: &str, value: &str| {
                    if !note.is_empty() {
                        note.push(' ');
                    }
                    let quoted = value.contains(' ');
                    let _ = if quoted {
                        write!(note, "{key}=\"{value}\"")
                    } else {
                        write!(note, "{key}={value}")
                    };
                };
                if !claim.by.is_empty() {
                    add("by", &claim.by.join(" "));
                }
                if let Some(date) = claim.date {
                    add("date", &date.to_string());
                }
                if let Some(via) = claim.via {
                    add("via", via);
                }
                match claim.source {
                    Some(SourceRef::Address(a)) => add("source", a),
                    Some(SourceRef::Document(d)) => add("source", d),
                    Some(SourceRef::Claim { document, claim }) => add("source", &format!("{document}:{claim}")),
                    None => {}
                }
                if !note.is_empty() {
                    notes.push((t, one_line(&note)));
                }
            }
        }
        if mention_first {
            m += 1;
        } else {
            c += 1;
        }
    }
    for (k, (t, reference, name)) in normalizations.iter().enumerate() {
        let _ = writeln!(ann, "N{}\tReference T{t} {reference}\t{name}", k + 1);
    }
    for (k, (t, note)) in notes.iter().enumerate() {
        let _ = writeln!(ann, "#{}\tAnnotatorNotes T{t}\t{note}", k + 1);
    }
    let mut r = 0;
    for relation in &ex.relations {
        let from = claim_t.get(relation.from.index()).copied().flatten();
        let to = ex
            .local_claim(&relation.target)
            .and_then(|k| claim_t.get(k.index()).copied().flatten());
        if let (Some(from), Some(to)) = (from, to) {
            r += 1;
            let _ = writeln!(ann, "R{r}\t{} Arg1:T{from} Arg2:T{to}", relation.relation);
            counts.relations += 1;
        }
    }
    let written = files
        .create(&format!("{stem}.txt"), ex.plain.text.as_bytes())
        .and_then(|()| files.create(&format!("{stem}.ann"), ann.as_bytes()))
        .map_err(|e| (std::path::PathBuf::from(format!("{stem}.txt")), e));
    Piece {
        streams: Vec::new(),
        error: written.err(),
        annotations: None,
        counts,
    }
}

/// annotation.conf: the entity kinds, `Claim`, the relations between claims, and nesting.
pub fn annotation_conf() -> String {
    let mut out =
        String::from("# The annotation types of an annals export (annals export --format brat).\n\n[entities]\n");
    for kind in ENTITY_KINDS {
        let _ = writeln!(out, "{kind}");
    }
    out.push_str("unknown\nClaim\n\n[relations]\n");
    for relation in ["replies-to", "repeats", "contradicts", "supports", "source"] {
        let _ = writeln!(out, "{relation}\tArg1:Claim, Arg2:Claim");
    }
    out.push_str("# Mentions nest in claims, and claims in claims.\n<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:contain|equal\n\n[events]\n\n[attributes]\n");
    out
}

/// tools.conf: where brat links normalizations (Wikidata; annals ids under an http(s) base).
pub fn tools_conf(iris: &Iris) -> String {
    let mut out = String::from(
        "# brat tool options of an annals export.\n\n[options]\nTokens\ttokenizer:whitespace\nSentences\tsplitter:newline\nValidation\tvalidate:all\nAnnotation-log\tlogfile:<NONE>\n\n[normalization]\nWikidata\t<URL>:https://www.wikidata.org/, <URLBASE>:https://www.wikidata.org/wiki/%s\n",
    );
    let base = iris.base();
    if base.starts_with("http://") || base.starts_with("https://") {
        let _ = writeln!(out, "annals\t<URL>:{base}, <URLBASE>:{base}entities/%s");
    } else {
        out.push_str("annals\t<URL>:https://github.com/annals-dev/annals\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_ids_or_escaped_ids() {
        assert_eq!(
            stems(["a", "dup", "Dup", "dup", "dup~2"].into_iter()),
            ["a", "dup", "Dup~2", "dup~3", "dup%7E2"]
        );
        assert_eq!(stem("2022-04-02-x_y"), "2022-04-02-x_y");
        assert_eq!(stem(".."), "%2E%2E");
        assert_eq!(stem("a/b\\c d"), "a%2Fb%5Cc%20d");
        assert_eq!(stem(""), "%");
    }
}
