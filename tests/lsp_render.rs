//! `annals/render`: the server answers with the reading view of an open document (the page
//! `annals site` makes of it) from its current text, unsaved edits included, with links that
//! name the documents' files for the editor to open.

mod support;

use serde_json::json;
use support::lsp::TestServer;

const FIRST: &str = "articles/2018-06-rogozin-heads-roscosmos.md";

#[tokio::test]
async fn render_answers_the_page_of_the_open_text() {
    let mut s = TestServer::start_on_copy_of(&support::repo_path("corpus")).await;
    s.open(FIRST).await;
    let params = json!({ "textDocument": { "uri": s.uri_of(FIRST) } });
    let page = s.request("annals/render", params.clone()).await.unwrap();
    let html = page["html"].as_str().unwrap().to_string();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..100.min(html.len())]);
    assert!(html.contains("<style>"), "the style is inside the page");
    assert!(!html.contains("{e=") && !html.contains("{.claim"), "no attribute block");
    // The mention links to the entity's file; the speaker's card has the role of 2015.
    let rogozin = s.uri_of("entities/rogozin.md");
    assert!(
        html.contains(&format!("href=\"{rogozin}\"")),
        "a mention names its entity's file"
    );
    assert!(html.contains("On 2015: Deputy Prime Minister of Russia"));
    // A relation to a claim of another document names its file and line.
    assert!(
        html.contains(&format!(
            "{}#L",
            s.uri_of("articles/2022-02-25-rogozin-deorbit-tweetstorm.md")
        )),
        "a claim elsewhere is linked by file and line"
    );

    // A relation to a claim of the same document names it by file and line too (the editor
    // opens it); the claim `romania-airspace` supports `romania-denied` of its own article.
    let own = format!("{}#L", s.uri_of(FIRST));
    assert!(
        html.contains(&own),
        "a claim of the same document is linked by file and line"
    );

    // An edit not saved shows at once: a new claim and a new mention.
    let text = s.files[FIRST].text.clone();
    let at = text.len() - 1;
    let typed = "\n\n[“Fresh words”]{.claim #fresh by=nasa date=2022-04-02} from [NASA]{e=nasa}.";
    s.change(FIRST, &text, annals::text::TextRange::new(at, at), typed)
        .await;
    let page = s.request("annals/render", params).await.unwrap();
    let html = page["html"].as_str().unwrap();
    assert!(html.contains("id=\"claim-fresh\""), "the edited text is rendered");
    assert!(html.contains("“Fresh words”"));
    assert!(html.contains(&format!("href=\"{}\"", s.uri_of("entities/nasa.md"))));
}

#[tokio::test]
async fn render_of_a_document_outside_any_corpus_is_null() {
    let mut s = TestServer::start_on_copy_of(&support::repo_path("corpus")).await;
    let params = json!({ "textDocument": { "uri": "file:///nowhere/at/all.md" } });
    let page = s.request("annals/render", params).await;
    assert!(page.as_ref().is_none_or(|p| p.is_null()), "{page:?}");
}
