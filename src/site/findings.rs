//! The optional page of check's findings (`--with-findings`): each document's findings with
//! their place (path, line and column) and a link to the document's page.

use super::claims::title_of;
use super::html;
use super::model::Site;
use std::fmt::Write;

pub fn page(site: &Site) -> String {
    let mut out = String::with_capacity(1 << 16);
    html::head(&mut out, &site.name, "Findings", &[], false);
    let all = site.corpus.findings();
    let total: usize = all.iter().map(|d| d.findings.len()).sum();
    let _ = writeln!(
        out,
        "<h1>Findings</h1>\n<p>{total} finding{} of <code>annals check</code>, by document.</p>",
        if total == 1 { "" } else { "s" }
    );
    for doc in all.iter().filter(|d| !d.findings.is_empty()) {
        let d = doc.document;
        let page = site
            .corpus
            .slot(&d.path)
            .map(|s| site.page(s).to_string())
            .unwrap_or_default();
        out.push_str("<h2><a href=\"");
        html::attr(&mut out, &html::href_file(&page));
        out.push_str("\">");
        html::text(&mut out, title_of(d));
        out.push_str("</a> <span class=\"meta\">");
        html::text(&mut out, &d.path);
        out.push_str("</span></h2>\n<ul class=\"findings\">\n");
        for f in &doc.findings {
            let at = d.lines.line_column(&d.text, f.range.start as usize);
            let _ = write!(
                out,
                "<li class=\"finding-{}\"><b>{}</b> <code>{}</code> <a href=\"{}\">",
                f.severity,
                f.severity,
                f.code,
                html::esc(&html::href_file(&page))
            );
            html::text(&mut out, &format!("{}:{}:{}", d.path, at.line + 1, at.column + 1));
            out.push_str("</a>: ");
            html::text(&mut out, &f.message);
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    html::foot(&mut out);
    out
}
