//! An article's page: its front matter as a heading and a line of facts, its text with the
//! annotations (mentions with their cards, claims marked), then each claim's thread.

use super::claims::{self, entity_link, title_of};
use super::html;
use super::markdown;
use super::model::Site;
use crate::document::Document;
use crate::slots::{ClaimIndex, DocumentSlot};

/// The article's page. `text` is the document with its text and syntax (the corpus's copy
/// may have shed them, see `site::run`). `inline_style` puts the style sheet in the page (the
/// editor's preview, which has no style.css beside it).
pub fn page(site: &Site, slot: DocumentSlot, text: &Document, inline_style: bool) -> String {
    let mut out = begin(site, text, inline_style);
    end(site, &mut out, slot);
    out
}

/// The page down to the end of the article's text: what reads the document's own text and
/// front matter and, of the rest of the corpus, only the entities (cards, links to their
/// pages). `annals site` writes it while the article is read, before the corpus is whole.
pub fn begin(site: &Site, doc: &Document, inline_style: bool) -> String {
    let title = title_of(doc);
    // The page is five to six times its source (a card per mention, a thread per claim).
    let mut out = String::with_capacity(doc.text.len() * 6 + 4096);
    html::head(&mut out, &site.name, title, &[], inline_style);
    match doc.article.as_ref().and_then(|a| a.lang.as_ref()) {
        Some(lang) => {
            out.push_str("<article lang=\"");
            html::attr(&mut out, &lang.value);
            out.push_str("\">\n<h1>");
        }
        None => out.push_str("<article>\n<h1>"),
    }
    html::text(&mut out, title);
    out.push_str("</h1>\n<p class=\"meta\">");
    let mut facts = Vec::new();
    if let Some(a) = &doc.article {
        if let Some(o) = &a.outlet {
            let mut s = String::new();
            entity_link(site, &mut s, &o.value);
            facts.push(s);
        }
        if let Some(p) = &a.published {
            let mut s = String::new();
            html::time_in_words(&mut s, p.value);
            facts.push(s);
        }
        if !a.authors.is_empty() {
            let mut s = String::from("by ");
            for (i, au) in a.authors.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                entity_link(site, &mut s, &au.value);
            }
            facts.push(s);
        }
        if let Some(url) = a.url.as_ref().and_then(|u| html::safe_url(&u.value)) {
            facts.push(format!("<a href=\"{}\">original</a>", html::esc(url)));
        }
    }
    facts.push(format!(
        "{} claim{}, {} mention{}",
        doc.claims.len(),
        if doc.claims.len() == 1 { "" } else { "s" },
        doc.mentions.len(),
        if doc.mentions.len() == 1 { "" } else { "s" }
    ));
    out.push_str(&facts.join(" · "));
    out.push_str("</p>\n<div class=\"text\">\n");
    markdown::body_into(site, doc, &mut out);
    out.push_str("</div>\n</article>\n");
    out
}

/// The rest of the page of the article at `slot`: each claim's thread (its relations both
/// ways need the whole corpus), then the page's foot.
pub fn end(site: &Site, out: &mut String, slot: DocumentSlot) {
    let doc = site.doc(slot);
    if !doc.claims.is_empty() {
        out.push_str(
            "<section aria-labelledby=\"claims-heading\">\n<h2 id=\"claims-heading\">Claims and their threads</h2>\n",
        );
        for k in 0..doc.claims.len() {
            claims::thread(site, out, slot, ClaimIndex::new(k));
        }
        out.push_str("</section>\n");
    }
    html::foot(out);
}
