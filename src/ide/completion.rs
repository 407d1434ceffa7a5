//! Completion inside attribute blocks and front matter. Works on the raw text around the
//! cursor, because while the user types the annotation is usually incomplete.

use super::dates;
use super::plain::first_words;
use crate::corpus::Corpus;
use crate::document::{ATTRIBUTE_KEYS, Document, RelationKind};
use crate::slots::DocumentSlot;
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Entity,
    Document,
    Claim,
    Key,
    Class,
    Value,
    Date,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub detail: Option<String>,
    /// What replaces `range`.
    pub insert: String,
    pub range: TextRange,
    pub kind: CompletionKind,
    /// Order: the client keeps it (items carry their rank as sort text).
    pub rank: usize,
    /// Completing a document id in a relation goes on to its claims (`DOC:`).
    pub retrigger: bool,
}

/// Where the cursor is, read from the text before it.
#[derive(Debug, PartialEq, Eq)]
enum Context {
    /// `key=` inside `{…}`, with the annotated text and the value typed so far.
    Value {
        key: String,
        prefix_start: usize,
        annotated: String,
        block_start: usize,
    },
    /// A key (or `.class`) being typed inside `{…}`.
    Key { prefix_start: usize, block_start: usize },
    /// A front-matter value that names an entity.
    FrontMatterEntity { key: String, prefix_start: usize },
}

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':')
}

/// The `{` of an attribute block that is open at `offset`: `]{` with no `}` between it and the
/// cursor outside quotes, and no blank line.
fn open_block(text: &str, body_start: usize, offset: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut k = offset;
    while k > body_start {
        k -= 1;
        match bytes[k] {
            b'}' => return None,
            b'{' if k > 0 && bytes[k - 1] == b']' => return Some(k),
            b'\n' if text[k + 1..offset].trim().is_empty() && k + 1 < offset => return None,
            _ => {}
        }
        if offset - k > 4096 {
            return None;
        }
    }
    None
}

/// The annotated text of the span whose `]` stands at `close`: back to its matching `[`.
fn annotated_text(text: &str, close: usize) -> String {
    let bytes = text.as_bytes();
    let mut depth = 0;
    let mut k = close;
    while k > 0 {
        k -= 1;
        match bytes[k] {
            b']' => depth += 1,
            b'[' if depth == 0 => return text[k + 1..close].to_string(),
            b'[' => depth -= 1,
            b'\n' if text[k + 1..close].lines().any(|l| l.trim().is_empty()) => break,
            _ => {}
        }
        if close - k > 2048 {
            break;
        }
    }
    String::new()
}

fn context(doc: &Document, offset: usize) -> Option<Context> {
    let text = &doc.text;
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    if offset < doc.syntax.body_start {
        return front_matter_context(text, offset);
    }
    let open = open_block(text, doc.syntax.body_start, offset)?;
    // Walk the block up to the cursor, tracking quotes, to find the token being typed.
    let block = &text[open + 1..offset];
    let mut in_quote = false;
    let mut token_start = open + 1;
    let mut key: Option<(usize, usize)> = None;
    let mut value_word_start = None;
    let bytes = block.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        let b = bytes[k];
        let at = open + 1 + k;
        if in_quote {
            match b {
                b'\\' => k += 1,
                b'"' => in_quote = false,
                b' ' | b'\t' | b'\n' | b'\r' => value_word_start = Some(at + 1),
                _ => {}
            }
        } else {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => {
                    token_start = at + 1;
                    key = None;
                    value_word_start = None;
                }
                b'=' if key.is_none() => {
                    key = Some((token_start, at));
                    value_word_start = Some(at + 1);
                }
                b'"' if key.is_some() && value_word_start == Some(at) => {
                    in_quote = true;
                    value_word_start = Some(at + 1);
                }
                _ => {}
            }
        }
        k += 1;
    }
    match (key, value_word_start) {
        (Some((ks, ke)), Some(vs)) => Some(Context::Value {
            key: text[ks..ke].to_string(),
            prefix_start: vs,
            annotated: annotated_text(text, open - 1),
            block_start: open,
        }),
        _ => Some(Context::Key {
            prefix_start: token_start,
            block_start: open,
        }),
    }
}

fn front_matter_context(text: &str, offset: usize) -> Option<Context> {
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let line = &text[line_start..offset];
    let mut prefix_start = offset;
    while prefix_start > line_start && is_id_byte(text.as_bytes()[prefix_start - 1]) {
        prefix_start -= 1;
    }
    let before = text[line_start..prefix_start].trim_end();
    for key in ["outlet", "parent", "org"] {
        if before.ends_with(&format!("{key}:")) {
            return Some(Context::FrontMatterEntity {
                key: key.into(),
                prefix_start,
            });
        }
    }
    let in_authors = line.trim_start().starts_with("authors:")
        && (before.ends_with('[') || before.ends_with(',') || before.ends_with(':'));
    // A `- id` item of an `authors:` block list.
    let block_item = before.trim_start() == "-" && {
        let above = &text[..line_start];
        above
            .lines()
            .rev()
            .find(|l| !l.trim_start().starts_with('-'))
            .is_some_and(|l| l.trim_start().starts_with("authors:"))
    };
    (in_authors || block_item).then(|| Context::FrontMatterEntity {
        key: "authors".into(),
        prefix_start,
    })
}

const STOP_WORDS: [&str; 12] = [
    "the", "a", "an", "of", "and", "s", "in", "on", "for", "to", "its", "his",
];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// How well an entity's names fit the annotated text: shared words count most, then whether
/// the name is wholly in the text and the text wholly in the name; an equal name is best.
fn fit(annotated: &str, names: &[&str]) -> usize {
    let text = annotated.trim().to_lowercase();
    if text.is_empty() {
        return 0;
    }
    let text_words = words(&text);
    names
        .iter()
        .map(|name| {
            let n = name.to_lowercase();
            let name_words = words(&n);
            if n == text || name_words == text_words {
                return 200;
            }
            let shared = name_words.iter().filter(|w| text_words.contains(w)).count();
            if shared == 0 {
                return 0;
            }
            let whole_name = shared == name_words.len();
            let whole_text = text_words.iter().all(|w| name_words.contains(w));
            20 * shared + if whole_name { 15 } else { 0 } + if whole_text { 15 } else { 0 }
        })
        .max()
        .unwrap_or(0)
}

/// Entities mentioned before `offset` in its paragraph, the closest first: likely speakers.
fn mentioned_before(doc: &Document, offset: usize) -> Vec<&str> {
    let paragraph_start = doc.text[..offset]
        .rfind("\n\n")
        .map_or(doc.syntax.body_start, |n| n + 2);
    let mut found: Vec<(u32, &str)> = doc
        .mentions
        .iter()
        .map(|m| (doc.span(m.span).range.end, doc.mention_entity(m)))
        .filter(|(end, _)| (*end as usize) <= offset && (*end as usize) >= paragraph_start)
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    let mut out: Vec<&str> = Vec::new();
    for (_, id) in found {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

pub fn completions(corpus: &Corpus, slot: DocumentSlot, offset: usize) -> Vec<CompletionItem> {
    let Some(doc) = corpus.documents.get(slot.index()) else {
        return Vec::new();
    };
    let Some(cx) = context(doc, offset) else {
        return Vec::new();
    };
    let offset = offset.min(doc.text.len());
    match cx {
        Context::Value {
            key,
            prefix_start,
            annotated,
            block_start,
        } => {
            let range = TextRange::new(prefix_start, offset);
            let prefix = &doc.text[prefix_start..offset];
            match key.as_str() {
                "e" => entity_items(corpus, range, prefix, &annotated, None, &[]),
                // A speaker: rank who is mentioned just before the claim first.
                "by" => entity_items(corpus, range, prefix, "", None, &mentioned_before(doc, block_start)),
                "date" => date_items(doc, block_start, range),
                "via" => via_items(corpus, range),
                "source" => reference_items(corpus, slot, range, prefix, false),
                k if RelationKind::ALL.iter().any(|r| r.key() == k) => {
                    reference_items(corpus, slot, range, prefix, true)
                }
                _ => Vec::new(),
            }
        }
        Context::Key {
            prefix_start,
            block_start,
        } => key_items(doc, block_start, TextRange::new(prefix_start, offset)),
        Context::FrontMatterEntity { key, prefix_start } => {
            let range = TextRange::new(prefix_start, offset);
            let prefer: &[&str] = match key.as_str() {
                "outlet" => &["outlet"],
                "authors" => &["person"],
                _ => &["agency", "organization", "company", "outlet", "government", "country"],
            };
            entity_items(corpus, range, &doc.text[prefix_start..offset], "", Some(prefer), &[])
        }
    }
}

fn entity_items(
    corpus: &Corpus,
    range: TextRange,
    prefix: &str,
    annotated: &str,
    prefer: Option<&[&str]>,
    nearby: &[&str],
) -> Vec<CompletionItem> {
    let mut scored: Vec<(usize, CompletionItem)> = corpus
        .index
        .entity_ids
        .iter()
        .filter_map(|id| {
            let doc = &corpus.documents[corpus.index.entity(&corpus.documents, id)?.index()];
            let entity = doc.entity.as_ref()?;
            let name = entity.name.as_ref().map_or(id, |n| n.value.as_str());
            let kind = entity.kind.as_ref().map_or("entity", |k| k.value.as_str());
            let names: Vec<&str> = std::iter::once(name)
                .chain(entity.aliases.iter().map(|a| a.value.as_str()))
                .collect();
            let mut score = fit(annotated, &names);
            if prefer.is_some_and(|p| p.contains(&kind)) {
                score += 30;
            }
            if !prefix.is_empty() && id.starts_with(prefix) {
                score += 20;
            }
            if let Some(k) = nearby.iter().position(|n| *n == id) {
                score += 100usize.saturating_sub(10 * k);
            }
            Some((
                score,
                CompletionItem {
                    label: id.to_string(),
                    detail: Some(format!("{name} · {kind}")),
                    insert: id.to_string(),
                    range,
                    kind: CompletionKind::Entity,
                    rank: 0,
                    retrigger: false,
                },
            ))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.label.cmp(&b.1.label)));
    ranked(scored.into_iter().map(|(_, i)| i))
}

fn ranked(items: impl Iterator<Item = CompletionItem>) -> Vec<CompletionItem> {
    items
        .enumerate()
        .map(|(k, mut i)| {
            i.rank = k;
            i
        })
        .collect()
}

fn reference_items(
    corpus: &Corpus,
    slot: DocumentSlot,
    range: TextRange,
    prefix: &str,
    relation: bool,
) -> Vec<CompletionItem> {
    let doc = &corpus.documents[slot.index()];
    let claim_item = |target: &Document, id: &str, text_range: TextRange, qualified: bool| {
        let label = if qualified {
            format!("{}:{id}", target.id)
        } else {
            id.to_string()
        };
        CompletionItem {
            insert: label.clone(),
            label,
            detail: Some(first_words(&super::plain::plain_text(target, text_range), 8)),
            range,
            kind: CompletionKind::Claim,
            rank: 0,
            retrigger: false,
        }
    };
    let claims_of = |target: &Document, qualified: bool| -> Vec<CompletionItem> {
        target
            .claims
            .iter()
            .filter_map(|c| {
                let id = c.id.as_ref()?;
                Some(claim_item(
                    target,
                    &id.value,
                    target.span(c.span).text_range(),
                    qualified,
                ))
            })
            .collect()
    };
    // After `DOC:`: that document's claims.
    if let Some((document, _)) = prefix.split_once(':') {
        let Some(target) = corpus.index.document(document) else {
            return Vec::new();
        };
        return ranked(claims_of(&corpus.documents[target.index()], true).into_iter());
    }
    let mut items = Vec::new();
    if relation {
        // A bare id names a claim of this document.
        items.extend(claims_of(doc, false));
    }
    let mut docs: Vec<&Document> = corpus
        .documents
        .iter()
        .filter(|d| d.id != doc.id || !relation)
        .collect();
    docs.sort_by(|a, b| a.kind.as_str().cmp(b.kind.as_str()).then(a.id.cmp(&b.id)));
    for target in docs {
        if relation && target.claims.iter().all(|c| c.id.is_none()) {
            continue; // Nothing to point at there.
        }
        let title = target
            .article
            .as_ref()
            .and_then(|a| a.title.as_ref())
            .map(|t| t.value.clone());
        items.push(CompletionItem {
            label: target.id.clone(),
            detail: title.or_else(|| Some(format!("{} document", target.kind.as_str()))),
            insert: if relation {
                format!("{}:", target.id)
            } else {
                target.id.clone()
            },
            range,
            kind: CompletionKind::Document,
            rank: 0,
            retrigger: relation,
        });
    }
    ranked(items.into_iter())
}

fn via_items(corpus: &Corpus, range: TextRange) -> Vec<CompletionItem> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for doc in &corpus.documents {
        for claim in &doc.claims {
            if let Some(via) = &claim.via {
                *counts.entry(via.value.as_str()).or_default() += 1;
            }
        }
    }
    let mut values: Vec<(&str, usize)> = counts.into_iter().collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked(values.into_iter().map(|(v, n)| CompletionItem {
        label: v.to_string(),
        detail: Some(format!("used {n} times in the corpus")),
        insert: v.to_string(),
        range,
        kind: CompletionKind::Value,
        rank: 0,
        retrigger: false,
    }))
}

fn date_items(doc: &Document, block_start: usize, range: TextRange) -> Vec<CompletionItem> {
    ranked(dates::dates_near(doc, block_start).into_iter().map(|w| CompletionItem {
        label: w.date.to_string(),
        detail: Some(format!("{} · “{}”", w.date.human(), w.written)),
        insert: w.date.to_string(),
        range,
        kind: CompletionKind::Date,
        rank: 0,
        retrigger: false,
    }))
}

fn key_items(doc: &Document, block_start: usize, range: TextRange) -> Vec<CompletionItem> {
    let block_end = doc.text[block_start..]
        .find('}')
        .map_or(doc.text.len(), |n| block_start + n);
    let block = &doc.text[block_start..block_end];
    let present = |key: &str| {
        block
            .split_whitespace()
            .any(|t| t.trim_start_matches('{').starts_with(&format!("{key}=")))
    };
    let is_claim = block.contains(".claim");
    let is_mention = present("e");
    let mut items = Vec::new();
    if !is_claim && !is_mention {
        items.push(CompletionItem {
            label: ".claim".into(),
            detail: Some("make this span a claim".into()),
            insert: ".claim".into(),
            range,
            kind: CompletionKind::Class,
            rank: 0,
            retrigger: false,
        });
    }
    for key in ATTRIBUTE_KEYS {
        let applies = match key {
            "e" => !is_claim,
            _ => !is_mention,
        };
        if applies && !present(key) {
            items.push(CompletionItem {
                label: format!("{key}="),
                detail: Some(key_detail(key).into()),
                insert: format!("{key}="),
                range,
                kind: CompletionKind::Key,
                rank: 0,
                retrigger: true,
            });
        }
    }
    ranked(items.into_iter())
}

fn key_detail(key: &str) -> &'static str {
    match key {
        "e" => "the entity this mention names",
        "by" => "who made the statement",
        "date" => "when the statement was made",
        "via" => "the channel: twitter, letter, statement, …",
        "source" => "where it can be checked: an address or DOC[:ID]",
        "replies-to" => "the claim this one answers",
        "repeats" => "the first report of the same statement",
        "contradicts" => "a claim this one contradicts",
        "supports" => "a claim this one supports",
        _ => "",
    }
}
