//! Every dated claim in date order, filterable by speaker without JavaScript: each speaker's
//! link targets an empty element before the list, and the style sheet hides, while that
//! element is the URL's target (`:target`), every item not by that speaker.

use super::claims;
use super::html;
use super::model::{Site, Tables};
use std::fmt::Write;

/// The page; what is made is handed to `spill` after each claim, and the rest returned.
pub fn page(site: &Site, tables: &Tables, spill: html::Spill) -> String {
    let mut out = String::with_capacity(html::CHUNK + (1 << 16));
    let mut speakers: Vec<(&str, usize)> = tables
        .by_speaker
        .iter()
        .map(|(id, claims)| {
            let dated = claims
                .iter()
                .filter(|k| site.claim(**k).is_some_and(|c| c.date.is_some()))
                .count();
            (id.as_str(), dated)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    speakers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    html::head(&mut out, &site.name, "Timeline", &[], false);
    out.push_str("<style>\n");
    for (id, _) in &speakers {
        let a = html::anchor("", id);
        let _ = writeln!(
            out,
            "#only-{a}:target ~ ol.timeline > li:not(.by-{a}) {{ display: none; }} #only-{a}:target ~ p.showing-all {{ display: none; }}"
        );
    }
    out.push_str("</style>\n");
    let _ = writeln!(
        out,
        "<h1>Timeline</h1>\n<p>{} dated claims, oldest first.</p>",
        tables.dated.len()
    );
    out.push_str("<nav aria-label=\"Speakers\" class=\"speakers\"><p>Show the claims of one speaker: <a href=\"#all\">everyone</a>");
    for (id, n) in &speakers {
        let _ = write!(out, " · <a href=\"#only-{}\">", html::anchor("", id));
        html::text(&mut out, site.entity_name(id));
        let _ = write!(out, "</a> ({n})");
    }
    out.push_str("</p></nav>\n<span id=\"all\"></span>\n");
    for (id, _) in &speakers {
        let _ = writeln!(out, "<span id=\"only-{}\"></span>", html::anchor("", id));
    }
    out.push_str("<p class=\"showing-all meta\">Showing every speaker.</p>\n<ol class=\"timeline\">\n");
    for &key in &tables.dated {
        let Some(claim) = site.claim(key) else { continue };
        out.push_str("<li class=\"");
        for (i, b) in claim.by.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            html::push_anchor(&mut out, "by-", &b.value);
        }
        out.push_str("\">");
        if let Some(d) = claim.date {
            html::time(&mut out, d);
            out.push(' ');
        }
        for (i, b) in claim.by.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            claims::entity_link(site, &mut out, &b.value);
        }
        if !claim.by.is_empty() {
            out.push_str(": ");
        }
        claims::claim_link(site, &mut out, key, None);
        out.push_str("</li>\n");
        spill(&mut out);
    }
    out.push_str("</ol>\n");
    html::foot(&mut out);
    out
}
