//! Quick fixes for findings: a date written nearby, a speaker mentioned nearby, a new
//! entity file, the suggested id or key, and annotating unannotated names.

use super::{SourceChange, TextEdit, dates};
use crate::corpus::Corpus;
use crate::document::Document;
use crate::finding::{Finding, RuleCode};
use crate::ide::hover::entity_name;
use crate::ide::plain::plain_text;
use crate::slots::DocumentSlot;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assist {
    pub label: String,
    /// The finding this assist fixes.
    pub fixes: Finding,
    pub change: SourceChange,
    /// The fix an editor may apply without asking (the one obvious choice).
    pub preferred: bool,
}

/// The most findings one request offers fixes for.
pub const MAX_FINDINGS: usize = 200;

/// Assists for the findings of document `slot` that touch `range` (the first `MAX_FINDINGS`).
pub fn assists(corpus: &Corpus, slot: DocumentSlot, range: TextRange) -> Vec<Assist> {
    assists_with(corpus, slot, range, &corpus.findings_of(slot))
}

/// `assists`, with the document's findings computed already (the server caches them).
pub fn assists_with(corpus: &Corpus, slot: DocumentSlot, range: TextRange, findings: &[Finding]) -> Vec<Assist> {
    let Some(doc) = corpus.documents.get(slot.index()) else {
        return Vec::new();
    };
    // Claims by their attribute block, the range their findings carry: one map per request,
    // not a pass over every span per finding.
    let claim_spans: rustc_hash::FxHashMap<TextRange, crate::syntax::SpanRef> = doc
        .claims
        .iter()
        .map(|c| doc.span(c.span))
        .map(|s| (s.attributes_range(), s))
        .collect();
    // Unannotated names grouped by the annotation they would get, once for all findings.
    let mut unannotated: rustc_hash::FxHashMap<&str, Vec<&Finding>> = Default::default();
    for f in findings.iter().filter(|f| f.code == RuleCode::UnannotatedMention) {
        if let Some(wrapped) = &f.suggestion {
            unannotated.entry(mention_key(wrapped)).or_default().push(f);
        }
    }
    let mut out = Vec::new();
    // The paragraph of the last claim: claims of one paragraph share it.
    let mut last_paragraph: Option<TextRange> = None;
    // A selection over thousands of findings offers the fixes of the first ones: an editor's
    // menu shows no more, and each claim's fixes read its paragraph.
    for finding in findings
        .iter()
        .filter(|f| f.range.start <= range.end && range.start <= f.range.end)
        .take(MAX_FINDINGS)
    {
        let edit = |range: TextRange, insert: String| SourceChange {
            edits: vec![TextEdit {
                document: slot,
                range,
                insert,
            }],
            ..Default::default()
        };
        let mut push = |label: String, change: SourceChange, preferred: bool| {
            out.push(Assist {
                label,
                fixes: finding.clone(),
                change,
                preferred,
            });
        };
        match finding.code {
            RuleCode::UndatedClaim => {
                let Some(span) = claim_spans.get(&finding.range) else {
                    continue;
                };
                let at = TextRange::empty(span.attributes_range().end as usize - 1);
                for (k, w) in dates::dates_near(doc, span.range.start as usize)
                    .into_iter()
                    .take(5)
                    .enumerate()
                {
                    push(
                        format!("Set date={} (“{}”)", w.date, w.written),
                        edit(at, format!(" date={}", w.date)),
                        k == 0,
                    );
                }
            }
            RuleCode::UnsourcedClaim => {
                let Some(span) = claim_spans.get(&finding.range) else {
                    continue;
                };
                let at = TextRange::empty(span.attributes_range().end as usize - 1);
                for (k, (id, why)) in speakers_near(doc, span.range, &mut last_paragraph)
                    .into_iter()
                    .enumerate()
                {
                    let name = entity_name(corpus, &id);
                    push(
                        format!("Add by={id} ({name}, {why})"),
                        edit(at, format!(" by={id}")),
                        k == 0,
                    );
                }
            }
            RuleCode::UnknownEntity => {
                let id = doc.text[finding.range.range()].to_string();
                if let Some(s) = &finding.suggestion {
                    push(
                        format!("Replace `{id}` with `{s}`"),
                        edit(finding.range, s.clone()),
                        true,
                    );
                }
                for near in corpus.index.entity_ids.closest(&id, 3) {
                    if Some(&near) != finding.suggestion.as_ref() {
                        push(
                            format!("Replace `{id}` with `{near}`"),
                            edit(finding.range, near.clone()),
                            false,
                        );
                    }
                }
                if let Some(create) = new_entity_file(corpus, doc, &id, finding.range) {
                    let path = create.0.clone();
                    push(
                        format!("Create {path}"),
                        SourceChange {
                            create: vec![create],
                            ..Default::default()
                        },
                        false,
                    );
                }
            }
            RuleCode::BrokenReference | RuleCode::UnknownAttribute => {
                if let Some(s) = &finding.suggestion {
                    let old = &doc.text[finding.range.range()];
                    push(
                        format!("Replace `{old}` with `{s}`"),
                        edit(finding.range, s.clone()),
                        true,
                    );
                }
            }
            RuleCode::UnannotatedQuote => {
                let Some(wrapped) = &finding.suggestion else { continue };
                let attributes = wrapped.rsplit_once("]{").map_or("", |(_, a)| a.trim_end_matches('}'));
                push(
                    format!("Annotate the quotation as a claim: {{{attributes}}}"),
                    edit(finding.range, wrapped.clone()),
                    true,
                );
            }
            RuleCode::UnannotatedMention => {
                let Some(wrapped) = &finding.suggestion else { continue };
                let text = &doc.text[finding.range.range()];
                push(
                    format!("Annotate “{text}” as {}", mention_key(wrapped)),
                    edit(finding.range, wrapped.clone()),
                    true,
                );
                let same = unannotated.get(mention_key(wrapped)).map_or(&[][..], Vec::as_slice);
                if same.len() > 1 {
                    let edits = same
                        .iter()
                        .map(|f| TextEdit {
                            document: slot,
                            range: f.range,
                            insert: f.suggestion.clone().unwrap_or_default(),
                        })
                        .collect();
                    push(
                        format!(
                            "Annotate all {} unannotated names of {} in this document",
                            same.len(),
                            mention_key(wrapped)
                        ),
                        SourceChange {
                            edits,
                            ..Default::default()
                        },
                        false,
                    );
                }
            }
            _ => {}
        }
    }
    out
}

/// A selection wrapped in a claim, whatever it holds: its speaker, date and channel read from
/// the attribution around it, as for a quotation (`rules::quotes::draft`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectionAssist {
    pub label: String,
    pub change: SourceChange,
}

/// The claim a non-empty selection in prose would become; `None` for an empty selection,
/// one that crosses a span, or one that is a claim's text already.
pub fn claim_for_selection(corpus: &Corpus, slot: DocumentSlot, range: TextRange) -> Option<SelectionAssist> {
    let doc = corpus.documents.get(slot.index())?;
    if range.is_empty()
        || doc
            .text
            .get(range.range())
            .is_none_or(|t| t.contains("\n\n") || t.contains("\r\n\r\n"))
    {
        return None;
    }
    let q = crate::rules::quotes::draft(doc, &corpus.documents, &corpus.index, range)?;
    let already = doc.claims.iter().any(|c| doc.span(c.span).text_range() == q.range);
    if already {
        return None;
    }
    Some(SelectionAssist {
        label: format!("Annotate the selection as a claim: {{{}}}", q.attributes()),
        change: SourceChange {
            edits: vec![TextEdit {
                document: slot,
                range: q.range,
                insert: q.wrapped(&doc.text),
            }],
            ..Default::default()
        },
    })
}

/// `e=ID` out of a suggested `[text]{e=ID}`.
fn mention_key(wrapped: &str) -> &str {
    wrapped
        .rsplit_once('{')
        .map_or(wrapped, |(_, k)| k.trim_end_matches('}'))
}

/// The paragraph around `range`: up to the nearest blank lines.
fn paragraph(doc: &Document, range: TextRange) -> TextRange {
    let text = &doc.text;
    let blank_before = text[..range.start as usize]
        .rfind("\n\n")
        .map_or(doc.syntax.body_start, |n| n + 2);
    let blank_after = text[range.end as usize..]
        .find("\n\n")
        .map_or(text.len(), |n| range.end as usize + n);
    TextRange::new(blank_before.max(doc.syntax.body_start), blank_after)
}

/// Entities that could have made the statement in `claim`: the one mentioned closest before
/// it, then every other one mentioned in its paragraph.
fn speakers_near(doc: &Document, claim: TextRange, last: &mut Option<TextRange>) -> Vec<(String, &'static str)> {
    let para = match *last {
        Some(p) if p.contains_range(claim) => p,
        _ => paragraph(doc, claim),
    };
    *last = Some(para);
    let mut out: Vec<(String, &'static str)> = Vec::new();
    // Mentions are in document order: the ones before the claim and the paragraph's are
    // found by binary search, not by a pass over every mention.
    let mentions = &doc.mentions;
    let before = mentions.partition_point(|m| doc.span(m.span).range.start < claim.start);
    let closest = mentions[..before]
        .iter()
        .rev()
        .take(64)
        .filter(|m| doc.span(m.span).range.end <= claim.start)
        .max_by_key(|m| doc.span(m.span).range.end);
    let mut seen: rustc_hash::FxHashSet<&str> = Default::default();
    if let Some(m) = closest {
        seen.insert(doc.mention_entity(m));
        out.push((doc.mention_entity(m).to_string(), "mentioned just before"));
    }
    let first = mentions.partition_point(|m| doc.span(m.span).range.start < para.start);
    for m in mentions[first..]
        .iter()
        .take_while(|m| doc.span(m.span).range.start < para.end)
    {
        let id = doc.mention_entity(m);
        if para.contains_range(doc.span(m.span).range) && seen.insert(id) {
            out.push((id.to_string(), "mentioned in this paragraph"));
        }
    }
    out
}

/// The folder new entity files go to: the literal start of the first `entities` glob.
pub fn entities_folder(corpus: &Corpus) -> String {
    let glob = corpus
        .config
        .entities
        .first()
        .map_or("entities/**/*.md", String::as_str);
    let literal: Vec<&str> = glob
        .split('/')
        .take_while(|part| !part.contains(['*', '?', '[', '{']))
        .collect();
    literal.join("/")
}

/// A new `entities/ID.md` with a front-matter template, named after the annotated text.
fn new_entity_file(corpus: &Corpus, doc: &Document, id: &str, reference: TextRange) -> Option<(String, String)> {
    if !crate::ids::is_valid_id(id) || corpus.index.document(id).is_some() {
        return None;
    }
    let folder = entities_folder(corpus);
    let path = if folder.is_empty() {
        format!("{id}.md")
    } else {
        format!("{folder}/{id}.md")
    };
    corpus.kind_of(&path)?;
    // The mention's text, when the reference is a mention's `e=`.
    let name = doc
        .syntax
        .annotated()
        .find(|s| s.get("e").is_some_and(|e| e.value_range == reference))
        .map(|s| plain_text(doc, s.text_range()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| id.to_string());
    let name = if name.contains([':', '#', '"', '\'']) {
        format!("\"{}\"", name.replace('"', "\\\""))
    } else {
        name
    };
    Some((
        path,
        format!("---\nkind: person\nname: {name}\naliases: []\ndescription: \n---\n"),
    ))
}
