//! The index: the corpus's name, its articles by publication date, its entities by kind, and
//! the search box (search.rs).

use super::claims::title_of;
use super::html;
use super::model::Site;
use crate::document::{DocumentKind, ENTITY_KINDS};
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn page(site: &Site, with_findings: bool) -> String {
    let mut out = String::with_capacity(1 << 16);
    html::head(&mut out, &site.name, "Index", &["search-index.js", "search.js"], false);
    out.push_str("<h1>");
    html::text(&mut out, &site.name);
    out.push_str("</h1>\n");
    out.push_str(
        "<section aria-labelledby=\"search-heading\">\n<h2 id=\"search-heading\">Search</h2>\n\
         <form role=\"search\" id=\"search-form\"><label for=\"search\">Titles, entity names and aliases, claim text</label>\n\
         <input id=\"search\" type=\"search\" autocomplete=\"off\" disabled></form>\n\
         <p id=\"search-status\" class=\"meta\" aria-live=\"polite\">Search needs JavaScript; every page is linked from the lists below.</p>\n\
         <ol id=\"results\"></ol>\n</section>\n",
    );
    if with_findings {
        out.push_str("<p><a href=\"findings.html\">Findings of annals check</a></p>\n");
    }
    let articles = site.articles_by_date();
    let _ = write!(
        out,
        "<section aria-labelledby=\"articles-heading\">\n<h2 id=\"articles-heading\">Articles ({})</h2>\n\
         <table>\n<thead><tr><th scope=\"col\">Published</th><th scope=\"col\">Title</th><th scope=\"col\">Outlet</th><th scope=\"col\">Claims</th><th scope=\"col\">Mentions</th></tr></thead>\n<tbody>\n",
        articles.len()
    );
    for slot in articles {
        let doc = site.doc(slot);
        out.push_str("<tr><td>");
        if let Some(p) = doc.published() {
            html::time(&mut out, p);
        }
        out.push_str("</td><td><a href=\"");
        site.push_href(&mut out, slot);
        out.push_str("\">");
        html::text(&mut out, title_of(doc));
        out.push_str("</a></td><td>");
        if let Some(o) = doc.article.as_ref().and_then(|a| a.outlet.as_ref()) {
            html::text(&mut out, site.entity_name(&o.value));
        }
        let _ = writeln!(
            out,
            "</td><td>{}</td><td>{}</td></tr>",
            doc.claims.len(),
            doc.mentions.len()
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");

    // Entities by kind: the format's kinds in its order, then any other kind, then none.
    let mut by_kind: BTreeMap<(usize, String), Vec<(String, String)>> = BTreeMap::new();
    for (slot, doc) in site.corpus.live() {
        if doc.kind != DocumentKind::Entity {
            continue;
        }
        let kind = doc
            .entity
            .as_ref()
            .and_then(|e| e.kind.as_ref())
            .map_or("other", |k| k.value.as_str());
        let rank = ENTITY_KINDS
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(ENTITY_KINDS.len());
        by_kind
            .entry((rank, kind.to_string()))
            .or_default()
            .push((title_of(doc).to_string(), site.page(slot).to_string()));
    }
    out.push_str("<section aria-labelledby=\"entities-heading\">\n<h2 id=\"entities-heading\">Entities</h2>\n");
    for ((_, kind), mut entities) in by_kind {
        entities.sort();
        out.push_str("<h3>");
        html::text(&mut out, &kind);
        let _ = writeln!(out, " ({})</h3>\n<ul class=\"entities\">", entities.len());
        for (name, page) in entities {
            out.push_str("<li><a href=\"");
            html::attr(&mut out, &html::href_file(&page));
            out.push_str("\">");
            html::text(&mut out, &name);
            out.push_str("</a></li>\n");
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    html::foot(&mut out);
    out
}
