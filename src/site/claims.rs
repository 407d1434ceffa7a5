//! A claim's thread: who said it, when, through what, its source, and its relations in both
//! directions (what it replies to, repeats, contradicts or supports, and what does so to it),
//! across documents.

use super::html;
use super::model::{ClaimWords, Site, push_claim_anchor, thread_anchor};
use crate::document::{Document, RelationKind, Source};
use crate::index::ClaimKey;
use crate::slots::{ClaimIndex, DocumentSlot};

fn outgoing_label(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::RepliesTo => "Replies to",
        RelationKind::Repeats => "Repeats",
        RelationKind::Contradicts => "Contradicts",
        RelationKind::Supports => "Supports",
    }
}

fn incoming_label(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::RepliesTo => "Replied to by",
        RelationKind::Repeats => "Repeated by",
        RelationKind::Contradicts => "Contradicted by",
        RelationKind::Supports => "Supported by",
    }
}

/// A link to an entity's page, or its name alone when it has none.
pub fn entity_link(site: &Site, out: &mut String, id: &str) {
    match site.entity(id) {
        Some((slot, _)) => {
            // The entity's document has this id, and its title is the entity's name.
            out.push_str("<a href=\"");
            site.push_href(out, slot);
            out.push_str("\" data-entity=\"");
            site.push_id(out, slot);
            out.push_str("\">");
            site.push_title(out, slot);
            out.push_str("</a>");
        }
        None => html::text(out, id),
    }
}

/// A document's title (an article's `title`, an entity's `name`), else its id.
pub fn title_of(doc: &Document) -> &str {
    doc.article
        .as_ref()
        .and_then(|a| a.title.as_ref())
        .or_else(|| doc.entity.as_ref().and_then(|e| e.name.as_ref()))
        .map_or(doc.id.as_str(), |t| t.value.as_str())
}

/// A link to a claim: its first words, and its article when that is not `here`.
pub fn claim_link(site: &Site, out: &mut String, key: ClaimKey, here: Option<DocumentSlot>) {
    let doc = site.doc(key.document);
    out.push_str("<a href=\"");
    // In the editor's preview a claim opens in the editor, even one of the same document.
    if here == Some(key.document) && !site.for_the_editor() {
        out.push('#');
        push_claim_anchor(out, doc, key.claim);
    } else {
        site.push_claim_href(out, key);
    }
    out.push_str("\" data-doc=\"");
    site.push_id(out, key.document);
    out.push('"');
    if let Some(id) = doc.claims.get(key.claim.index()).and_then(|c| c.id.as_ref()) {
        out.push_str(" data-claim=\"");
        html::attr(out, &id.value);
        out.push('"');
    }
    out.push('>');
    quoted(out, site.claim_words(key));
    out.push_str("</a>");
    if here != Some(key.document) {
        out.push_str(" <span class=\"meta\">in ");
        site.push_title(out, key.document);
        out.push_str("</span>");
    }
}

/// Speaker, date, via and source of a claim, on one line; `here` is the page's document.
pub fn claim_meta(site: &Site, out: &mut String, slot: DocumentSlot, claim: ClaimIndex, here: DocumentSlot) {
    let doc = site.doc(slot);
    let Some(c) = doc.claims.get(claim.index()) else {
        return;
    };
    out.push_str("<p class=\"meta\">");
    let mut parts = 0;
    if !c.by.is_empty() {
        out.push_str("By ");
        for (i, b) in c.by.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            entity_link(site, out, &b.value);
        }
        parts += 1;
    }
    let sep = |out: &mut String, parts: &mut usize| {
        if *parts > 0 {
            out.push_str(" · ");
        }
        *parts += 1;
    };
    if let Some(d) = c.date {
        sep(out, &mut parts);
        html::time_in_words(out, d);
    }
    if let Some(via) = &c.via {
        sep(out, &mut parts);
        out.push_str("via ");
        if site.entity(&via.value).is_some() {
            entity_link(site, out, &via.value);
        } else {
            html::text(out, &via.value);
        }
    }
    match c.source.as_deref() {
        Some(Source::Address(a)) => {
            sep(out, &mut parts);
            match html::safe_url(&a.value) {
                Some(url) => {
                    out.push_str("<a href=\"");
                    html::attr(out, url);
                    out.push_str("\">source</a>");
                }
                None => {
                    out.push_str("source: ");
                    html::text(out, &a.value);
                }
            }
        }
        Some(Source::Document { document, claim }) => {
            sep(out, &mut parts);
            out.push_str("source: ");
            let target = match claim {
                Some(r) => site.corpus.index.resolve_claim(&site.corpus.documents, slot, r),
                None => None,
            };
            match (target, site.corpus.index.document(&document.value)) {
                (Some(key), _) => claim_link(site, out, key, Some(here)),
                (None, Some(s)) => {
                    out.push_str("<a href=\"");
                    site.push_href(out, s);
                    out.push_str("\">");
                    site.push_title(out, s);
                    out.push_str("</a>");
                }
                (None, None) => html::text(out, &document.value),
            }
        }
        None => {}
    }
    if parts == 0 {
        out.push_str("No speaker, date or source given.");
    }
    out.push_str("</p>\n");
}

/// A claim's relations, both ways, as a list (nothing when it has none); `here` is the page's
/// document.
pub fn relations(site: &Site, out: &mut String, slot: DocumentSlot, claim: ClaimIndex, here: DocumentSlot) {
    let doc = site.doc(slot);
    let Some(c) = doc.claims.get(claim.index()) else {
        return;
    };
    // Written in place, and taken back when the claim has no relation either way.
    let start = out.len();
    out.push_str("<ul class=\"rel\">\n");
    let opened = out.len();
    let key = ClaimKey { document: slot, claim };
    for (k, r) in c.relations.iter().enumerate() {
        out.push_str("<li>");
        out.push_str(outgoing_label(r.kind));
        out.push_str(": ");
        match site.relation_target(key, k, r) {
            Some(key) => claim_link(site, out, key, Some(here)),
            None => {
                out.push_str("<span class=\"meta\">");
                let written = match &r.target.document {
                    Some(d) => format!("{d}:{}", r.target.claim),
                    None => r.target.claim.to_string(),
                };
                html::text(out, &written);
                out.push_str(" (not in the corpus)</span>");
            }
        }
        out.push_str("</li>\n");
    }
    let mut incoming = |key: ClaimKey, kind: RelationKind| {
        out.push_str("<li>");
        out.push_str(incoming_label(kind));
        out.push_str(": ");
        claim_link(site, out, key, Some(here));
        out.push_str("</li>\n");
    };
    match &site.threads {
        Some(threads) => {
            for &(key, kind) in threads.incoming(slot, claim) {
                incoming(key, kind);
            }
        }
        None => {
            // References name a claim by ids; they reach this claim only if it is the one those
            // ids resolve to (the first document with its id, the first claim with its id).
            let canonical = c.id.as_ref().filter(|id| {
                site.corpus.index.document(&doc.id) == Some(slot)
                    && doc.claim_by_id(&id.value).map(|(k, _)| k) == Some(claim)
            });
            if let Some(id) = canonical {
                for (from, link) in site.corpus.index.references_to_claim(&doc.id, &id.value) {
                    let key = ClaimKey {
                        document: from,
                        claim: link.claim,
                    };
                    incoming(key, link.kind);
                }
            }
        }
    }
    if out.len() == opened {
        out.truncate(start);
    } else {
        out.push_str("</ul>\n");
    }
}

/// The thread of one claim, as a section with its anchor.
pub fn thread(site: &Site, out: &mut String, slot: DocumentSlot, claim: ClaimIndex) {
    let doc = site.doc(slot);
    let anchor = thread_anchor(doc, claim);
    out.push_str("<section class=\"thread\" id=\"");
    out.push_str(&anchor);
    out.push_str("\" aria-labelledby=\"h-");
    out.push_str(&anchor);
    out.push_str("\">\n<h3 id=\"h-");
    out.push_str(&anchor);
    out.push_str("\"><a href=\"#");
    push_claim_anchor(out, doc, claim);
    out.push_str("\">");
    quoted(out, site.claim_words(ClaimKey { document: slot, claim }));
    out.push_str("</a></h3>\n");
    claim_meta(site, out, slot, claim, slot);
    relations(site, out, slot, claim, slot);
    out.push_str("</section>\n");
}

/// A claim's first words in quotation marks, unless they open with their own.
fn quoted(out: &mut String, words: ClaimWords) {
    let first = words.first;
    let text = |out: &mut String| match words.plain {
        true => out.push_str(first),
        false => html::text(out, first),
    };
    if first.is_empty() {
        out.push_str("(a claim without text)");
    } else if first.starts_with(['“', '"', '«', '„', '‘', '\'', '「']) {
        text(out);
    } else {
        out.push('“');
        text(out);
        out.push('”');
    }
}
