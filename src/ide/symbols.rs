//! Document symbols (headings, with the claims and mentions beneath them) and workspace
//! symbols (entities by name and alias, claims by id and text, documents by title).

use super::plain::{first_words, plain_text};
use crate::corpus::Corpus;
use crate::document::Document;
use crate::slots::DocumentSlot;
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Heading,
    Claim,
    Mention,
    Entity,
    Document,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// ATX headings of the body, outside code: (level, title, line range).
fn headings(doc: &Document) -> Vec<(usize, String, TextRange)> {
    let mut out = Vec::new();
    for (start, end, _) in crate::text::lines_from(&doc.text, doc.syntax.body_start) {
        let line = &doc.text[start..end];
        let level = line.bytes().take_while(|b| *b == b'#').count();
        if !(1..=6).contains(&level) || !line[level..].starts_with([' ', '\t']) {
            continue;
        }
        if doc.syntax.masked.iter().any(|m| m.contains(start)) {
            continue;
        }
        out.push((
            level,
            line[level..].trim().trim_end_matches('#').trim().to_string(),
            TextRange::new(start, end),
        ));
    }
    out
}

fn claim_symbol(doc: &Document, k: usize) -> Symbol {
    let claim = &doc.claims[k];
    let span = doc.span(claim.span);
    let words = first_words(&plain_text(doc, span.text_range()), 6);
    let name = match &claim.id {
        Some(id) => format!("#{} {words}", id.value),
        None => words,
    };
    let by: Vec<&str> = claim.by.iter().map(|b| b.value.as_str()).collect();
    Symbol {
        name,
        detail: Some(format!(
            "{}{}",
            by.join(", "),
            claim.date.map(|d| format!(" · {d}")).unwrap_or_default()
        )),
        kind: SymbolKind::Claim,
        range: span.range,
        selection: claim.id.as_ref().map_or(span.text_range(), |i| i.range),
        children: Vec::new(),
    }
}

/// The outline of one document.
pub fn document_symbols(doc: &Document) -> Vec<Symbol> {
    // Claims and mentions, each nested in its innermost enclosing claim.
    let mut claim_symbols: Vec<Symbol> = (0..doc.claims.len()).map(|k| claim_symbol(doc, k)).collect();
    let mut top: Vec<Symbol> = Vec::new();
    for m in &doc.mentions {
        let span = doc.span(m.span);
        let symbol = Symbol {
            name: plain_text(doc, span.text_range()),
            detail: Some(doc.mention_entity(m).to_string()),
            kind: SymbolKind::Mention,
            range: span.range,
            selection: span.text_range(),
            children: Vec::new(),
        };
        match m.claim {
            Some(c) => claim_symbols[c.index()].children.push(symbol),
            None => top.push(symbol),
        }
    }
    // Inner claims go into their parents, innermost first (they come later in document order),
    // each with its children in document order.
    for k in (0..doc.claims.len()).rev() {
        claim_symbols[k].children.sort_by_key(|c| c.range.start);
        if let Some(parent) = doc.claims[k].parent {
            let child = std::mem::replace(
                &mut claim_symbols[k],
                Symbol {
                    name: String::new(),
                    detail: None,
                    kind: SymbolKind::Claim,
                    range: TextRange::default(),
                    selection: TextRange::default(),
                    children: Vec::new(),
                },
            );
            claim_symbols[parent.index()].children.push(child);
        }
    }
    top.extend(
        claim_symbols
            .into_iter()
            .enumerate()
            .filter(|(k, _)| doc.claims[*k].parent.is_none())
            .map(|(_, s)| s),
    );
    top.sort_by_key(|s| s.range.start);
    for s in &mut top {
        s.children.sort_by_key(|c| c.range.start);
    }

    let heads = headings(doc);
    if heads.is_empty() {
        return top;
    }
    // Each heading owns what follows it up to the next heading of the same or a higher level.
    let mut items = top.into_iter().peekable();
    let mut before: Vec<Symbol> = Vec::new();
    while items.peek().is_some_and(|s| s.range.start < heads[0].2.start) {
        before.extend(items.next());
    }
    let mut sections: Vec<(usize, Symbol)> = Vec::new();
    for (k, (level, title, line)) in heads.iter().enumerate() {
        let end = heads[k + 1..]
            .iter()
            .find(|(l, _, _)| l <= level)
            .map_or(doc.text.len(), |(_, _, r)| r.start as usize);
        let next_head = heads.get(k + 1).map_or(doc.text.len(), |(_, _, r)| r.start as usize);
        let mut children = Vec::new();
        while items.peek().is_some_and(|s| (s.range.start as usize) < next_head) {
            children.extend(items.next());
        }
        sections.push((
            *level,
            Symbol {
                name: title.clone(),
                detail: None,
                kind: SymbolKind::Heading,
                range: TextRange::new(line.start as usize, end),
                selection: *line,
                children,
            },
        ));
    }
    // Nest sections by level with a stack.
    let mut roots: Vec<Symbol> = before;
    let mut stack: Vec<(usize, Symbol)> = Vec::new();
    for (level, symbol) in sections {
        while let Some((top_level, _)) = stack.last() {
            if *top_level < level {
                break;
            }
            let (_, done) = stack.pop().unwrap();
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(done),
                None => roots.push(done),
            }
        }
        stack.push((level, symbol));
    }
    while let Some((_, done)) = stack.pop() {
        match stack.last_mut() {
            Some((_, parent)) => parent.children.push(done),
            None => roots.push(done),
        }
    }
    roots
}

/// A fuzzy match score: every query character in order; contiguous runs and word starts score higher.
pub fn fuzzy_score(query: &str, candidate: &str) -> Option<usize> {
    if query.is_empty() {
        return Some(1);
    }
    let cand: Vec<char> = candidate.to_lowercase().chars().collect();
    let mut score = 0;
    let mut at = 0;
    let mut last: Option<usize> = None;
    for q in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = (at..cand.len()).find(|&k| cand[k] == q)?;
        score += 1;
        if last.is_some_and(|l| l + 1 == found) {
            score += 3;
        }
        if found == 0 || !cand[found - 1].is_alphanumeric() {
            score += 2;
        }
        last = Some(found);
        at = found + 1;
    }
    Some(score * 100 / (cand.len() + 10))
}

pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub document: DocumentSlot,
    pub range: TextRange,
    pub container: Option<String>,
    pub score: usize,
}

pub fn workspace_symbols(corpus: &Corpus, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    let mut out = Vec::new();
    for (slot, doc) in corpus.documents.iter().enumerate() {
        let slot = DocumentSlot::new(slot);
        if let Some(entity) = &doc.entity {
            let name = entity.name.as_ref().map_or(doc.id.as_str(), |n| n.value.as_str());
            let forms = std::iter::once(name)
                .chain(entity.aliases.iter().map(|a| a.value.as_str()))
                .chain(std::iter::once(doc.id.as_str()));
            if let Some(score) = forms.filter_map(|f| fuzzy_score(query, f)).max() {
                let range = entity.name.as_ref().map_or_else(|| doc.head_range(), |n| n.range);
                out.push(WorkspaceSymbol {
                    name: name.to_string(),
                    kind: SymbolKind::Entity,
                    document: slot,
                    range,
                    container: entity.kind.as_ref().map(|k| k.value.clone()),
                    score,
                });
            }
        }
        if let Some(article) = &doc.article {
            let title = article.title.as_ref().map_or(doc.id.as_str(), |t| t.value.as_str());
            if let Some(score) = [title, doc.id.as_str()]
                .into_iter()
                .filter_map(|f| fuzzy_score(query, f))
                .max()
            {
                let range = article.title.as_ref().map_or_else(|| doc.head_range(), |t| t.range);
                out.push(WorkspaceSymbol {
                    name: title.to_string(),
                    kind: SymbolKind::Document,
                    document: slot,
                    range,
                    container: Some(doc.id.clone()),
                    score,
                });
            }
        }
        for claim in &doc.claims {
            let Some(id) = &claim.id else { continue };
            let text = first_words(&plain_text(doc, doc.span(claim.span).text_range()), 10);
            if let Some(score) = [id.value.as_str(), text.as_str()]
                .into_iter()
                .filter_map(|f| fuzzy_score(query, f))
                .max()
            {
                out.push(WorkspaceSymbol {
                    name: format!("#{} {text}", id.value),
                    kind: SymbolKind::Claim,
                    document: slot,
                    range: id.range,
                    container: Some(doc.id.clone()),
                    score,
                });
            }
        }
    }
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.name.cmp(&b.name)));
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_prefers_word_starts_and_runs() {
        assert!(fuzzy_score("rog", "Dmitry Rogozin").is_some());
        assert!(fuzzy_score("dr", "Dmitry Rogozin").unwrap() > fuzzy_score("dr", "Alexander Ivanov").unwrap_or(0));
        assert!(fuzzy_score("xyz", "Dmitry Rogozin").is_none());
    }
}
