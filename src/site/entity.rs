//! An entity's page: its card, its roles as a timeline, every claim it made in date order
//! (with their relations), and every mention of it, grouped by article.

use super::claims::{self, entity_link, title_of};
use super::html;
use super::markdown;
use super::model::{Site, Tables};
use crate::index::ClaimKey;
use crate::slots::DocumentSlot;
use std::fmt::Write;

pub fn page(site: &Site, tables: &Tables, slot: DocumentSlot) -> String {
    let doc = site.doc(slot);
    // About 300 bytes per claim listed and 100 per article mentioning it.
    let said = tables.by_speaker.get(doc.id.as_str()).map_or(0, Vec::len);
    let mentions = tables.mentions.get(doc.id.as_str()).map_or(0, Vec::len);
    let mut out = String::with_capacity(8192 + doc.text.len() * 4 + said * 300 + mentions * 100);
    let name = title_of(doc);
    html::head(&mut out, &site.name, name, &[], false);
    out.push_str("<h1>");
    html::text(&mut out, name);
    out.push_str("</h1>\n");
    if let Some(meta) = &doc.entity {
        out.push_str("<dl class=\"facts\">\n");
        let fact = |out: &mut String, term: &str, value: &str| {
            let _ = writeln!(out, "<dt>{term}</dt><dd>{value}</dd>");
        };
        if let Some(k) = &meta.kind {
            fact(&mut out, "Kind", &html::esc(&k.value));
        }
        if !meta.aliases.is_empty() {
            let aliases: Vec<String> = meta.aliases.iter().map(|a| html::esc(&a.value)).collect();
            fact(&mut out, "Also called", &aliases.join(", "));
        }
        if let Some(d) = &meta.description {
            fact(&mut out, "Description", &html::esc(&d.value));
        }
        for (term, value) in [("Country", &meta.country), ("Part of", &meta.parent)] {
            if let Some(v) = value {
                let mut s = String::new();
                entity_link(site, &mut s, &v.value);
                fact(&mut out, term, &s);
            }
        }
        if let Some(q) = &meta.wikidata {
            let q = html::anchor("", &q.value);
            fact(
                &mut out,
                "Wikidata",
                &format!("<a href=\"https://www.wikidata.org/wiki/{q}\">{q}</a>"),
            );
        }
        out.push_str("</dl>\n");
        if !meta.roles.is_empty() {
            out.push_str("<h2>Roles</h2>\n<ol class=\"roles\">\n");
            let mut roles: Vec<&crate::document::Role> = meta.roles.iter().collect();
            roles.sort_by_key(|r| r.from.as_ref().map_or(i64::MIN, |f| f.value.first_day()));
            for r in roles {
                out.push_str("<li>");
                let dates = crate::ide::hover::span_of_dates(r);
                html::text(&mut out, &dates);
                out.push_str(": <b>");
                html::text(
                    &mut out,
                    r.title.as_ref().map_or("(untitled role)", |t| t.value.as_str()),
                );
                out.push_str("</b>");
                if let Some(o) = &r.org {
                    out.push_str(", ");
                    entity_link(site, &mut out, &o.value);
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ol>\n");
        }
    }
    let body = markdown::body(site, doc);
    if !body.trim().is_empty() {
        out.push_str("<div class=\"text\">\n");
        out.push_str(&body);
        out.push_str("</div>\n");
    }
    if let Some(said) = tables.by_speaker.get(doc.id.as_str()).filter(|c| !c.is_empty()) {
        let _ = writeln!(out, "<h2>Claims ({})</h2>\n<ol class=\"said\">", said.len());
        for &key in said {
            claim_item(site, &mut out, key, slot);
        }
        out.push_str("</ol>\n");
    }
    if let Some(mentions) = tables.mentions.get(doc.id.as_str()).filter(|m| !m.is_empty()) {
        let _ = writeln!(out, "<h2>Mentions ({})</h2>\n<ul class=\"mentions\">", mentions.len());
        let mut k = 0;
        while k < mentions.len() {
            let article = mentions[k].0;
            let end = k + mentions[k..].iter().take_while(|(s, _)| *s == article).count();
            out.push_str("<li><a href=\"");
            site.push_href(&mut out, article);
            if end - k == 1 {
                // One mention: the article's link goes straight to it.
                out.push_str("#m-");
                html::push_int(&mut out, mentions[k].1);
            }
            out.push_str("\">");
            site.push_title(&mut out, article);
            out.push_str("</a>");
            if end - k > 1 {
                let _ = write!(out, ": {} mentions <span class=\"meta\">(", end - k);
                for (i, (_, m)) in mentions[k..end].iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str("<a href=\"");
                    site.push_href(&mut out, article);
                    out.push_str("#m-");
                    html::push_int(&mut out, *m);
                    out.push_str("\" aria-label=\"mention ");
                    html::push_int(&mut out, i + 1);
                    out.push_str(" in this article\">");
                    html::push_int(&mut out, i + 1);
                    out.push_str("</a>");
                }
                out.push_str(")</span>");
            }
            out.push_str("</li>\n");
            k = end;
        }
        out.push_str("</ul>\n");
    }
    html::foot(&mut out);
    out
}

/// One claim in the list of a speaker's page (`here`): its date, its first words as a link,
/// and its relations both ways. Speaker, via and source are on its thread, one click away.
pub fn claim_item(site: &Site, out: &mut String, key: ClaimKey, here: DocumentSlot) {
    out.push_str("<li>");
    if let Some(d) = site.claim(key).and_then(|c| c.date) {
        html::time(out, d);
        out.push(' ');
    }
    claims::claim_link(site, out, key, Some(here));
    claims::relations(site, out, key.document, key.claim, here);
    out.push_str("</li>\n");
}
