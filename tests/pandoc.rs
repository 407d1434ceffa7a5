//! Pandoc as an outside referee: every annotation annals reads is a bracketed span
//! that `pandoc -f markdown -t html` renders as `<span>` with its data attributes,
//! and no `]{` is left behind. Needs pandoc (Debian package `pandoc`; .ci/run installs it).

mod support;

use annals::document::{Document, DocumentKind};
use annals::syntax::AttributeKind;
use std::path::Path;
use std::process::Command;

fn pandoc_html(markdown: &str) -> String {
    let mut child = Command::new("pandoc")
        .args(["-f", "markdown", "-t", "html", "--wrap=none"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("pandoc is needed for this test and could not run ({e}): install it with `apt-get install pandoc` (bash .ci/run does)"));
    use std::io::Write;
    child.stdin.take().unwrap().write_all(markdown.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "pandoc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Asserts that pandoc renders every mention and claim of `path` as a span with its attributes.
fn referee(path: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = Document::new("d".into(), "articles/d.md".into(), DocumentKind::Article, text.clone());
    assert!(
        doc.syntax.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        doc.syntax.errors
    );
    let html = pandoc_html(&text);
    let name = path.display();

    // Outside code (where `]{` is literal text by design), nothing may be left unparsed.
    let prose: String = html
        .split("<code>")
        .map(|part| part.split_once("</code>").map_or(part, |(_, after)| after))
        .collect();
    assert!(!prose.contains("]{"), "{name}: pandoc left a `]{{` unparsed:\n{html}");
    assert!(html.contains("<code>[code]{e=x}</code>") || !text.contains("`[code]{e=x}`"));
    let mention_spans = html.matches("<span").filter(|_| true).count();
    let with_e = html
        .match_indices("<span")
        .filter(|(i, _)| html[*i..].split('>').next().unwrap().contains("data-e="))
        .count();
    let claims = html
        .match_indices("<span")
        .filter(|(i, _)| {
            let tag = html[*i..].split('>').next().unwrap();
            tag.contains("class=\"claim") || tag.contains(" claim\"") || tag.contains(" claim ")
        })
        .count();
    assert_eq!(
        with_e,
        doc.mentions.len(),
        "{name}: mentions rendered as spans with data-e"
    );
    assert_eq!(
        claims,
        doc.claims.len(),
        "{name}: claims rendered as spans with class claim"
    );
    assert!(mention_spans >= with_e + claims);

    for span in doc.syntax.annotated() {
        for a in span.attributes {
            let expected = match a.kind {
                AttributeKind::KeyValue => {
                    format!("data-{}=\"{}\"", a.key(&doc.text), html_escape(&a.value(&doc.text)))
                }
                AttributeKind::Id => format!("id=\"{}\"", html_escape(&a.value(&doc.text))),
                AttributeKind::Class => continue,
            };
            assert!(html.contains(&expected), "{name}: pandoc's HTML lacks {expected}");
        }
    }
    (doc.mentions.len(), doc.claims.len())
}

#[test]
fn fixture_annotations_render_as_spans() {
    let (mentions, claims) = referee(&support::repo_path("tests/fixtures/pandoc/annotations.md"));
    assert_eq!((mentions, claims), (5, 3));
}

#[test]
fn every_corpus_article_renders_its_annotations_as_spans() {
    let dir = support::repo_path("corpus/articles");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let (mentions, claims) = referee(&path);
            assert!(mentions > 0 && claims > 0, "{}", path.display());
            checked += 1;
        }
    }
    assert_eq!(checked, 5, "the five seed articles");
}
