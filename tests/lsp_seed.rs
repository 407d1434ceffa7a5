//! The server on the seed corpus: the assists across its real documents, opened or not.

mod support;

use serde_json::json;
use support::lsp::TestServer;

const SPACE_COM: &str = "articles/2022-04-02-space-com-russia-threatens-iss.md";
const TWEETSTORM: &str = "articles/2022-02-25-rogozin-deorbit-tweetstorm.md";

async fn seed() -> TestServer {
    TestServer::start_on_copy_of(&support::repo_path("corpus")).await
}

#[tokio::test]
async fn typing_an_annotation_completes_from_the_corpus() {
    let mut s = seed().await;
    s.open(SPACE_COM).await;
    let text = s.files[SPACE_COM].text.clone();
    let at = text.len() - 1;
    let typed = "\n[the Russian space agency]{e=";
    s.change(SPACE_COM, &text, annals::text::TextRange::new(at, at), typed)
        .await;
    let mut new_text = text.clone();
    new_text.insert_str(at, typed);
    let params =
        json!({ "textDocument": { "uri": s.uri_of(SPACE_COM) }, "position": s.position(&new_text, at + typed.len()) });
    let result = s.request("textDocument/completion", params).await.unwrap();
    let mut items = result["items"].as_array().unwrap().clone();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap().to_string());
    assert_eq!(
        items[0]["label"],
        "roscosmos",
        "{:?}",
        items.iter().take(3).map(|i| &i["label"]).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn renaming_an_entity_updates_every_file() {
    let mut s = seed().await;
    let text = s.files[SPACE_COM].text.clone();
    let at = text.find("e=nasa}").unwrap() + 3;
    let params = json!({ "textDocument": { "uri": s.uri_of(SPACE_COM) }, "position": s.position(&text, at), "newName": "us-space-agency" });
    let edit = s.request("textDocument/rename", params).await.unwrap();
    let after = s.apply_edit(&edit);
    assert!(after.contains_key("entities/us-space-agency.md") && !after.contains_key("entities/nasa.md"));
    let changed = after
        .iter()
        .filter(|(p, t)| s.files.get(*p).is_some_and(|f| f.text != **t))
        .count();
    assert!(changed >= 8, "{changed} files changed");
    for (path, text) in &after {
        assert!(
            !text.contains("e=nasa}") && !text.contains("by=nasa ") && !text.contains("parent: nasa"),
            "{path} still names nasa"
        );
    }
}

#[tokio::test]
async fn symbols_lenses_and_fixes_on_real_articles() {
    let mut s = seed().await;
    let found = s
        .request("workspace/symbol", json!({ "query": "trampoline" }))
        .await
        .unwrap();
    let docs: std::collections::BTreeSet<String> = found
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"].as_str().unwrap().starts_with("#trampoline"))
        .map(|f| s.rel_of(f["location"]["uri"].as_str().unwrap()))
        .collect();
    // The 2018 report and its repeats in the tweetstorm article and in Majer's podcast quote.
    assert_eq!(docs.len(), 3, "{docs:?}");

    let lenses = s
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": s.uri_of(TWEETSTORM) } }),
        )
        .await
        .unwrap();
    let text = s.files[TWEETSTORM].text.clone();
    let deorbit_line = text[..text.find("#deorbit ").unwrap()].matches('\n').count() as u64;
    // The innermost claim lens whose lines hold the `#deorbit` id.
    let lens = lenses
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            l["range"]["start"]["line"].as_u64().unwrap() <= deorbit_line
                && deorbit_line <= l["range"]["end"]["line"].as_u64().unwrap()
        })
        .max_by_key(|l| l["range"]["start"]["line"].as_u64())
        .expect("a lens on the deorbit tweet");
    let title = lens["command"]["title"].as_str().unwrap();
    let replies: usize = title.split(' ').next().unwrap().parse().unwrap();
    assert!(
        replies >= 3 && title.contains("repeats"),
        "NASA twice and Musk reply to it: {title}"
    );

    // The seed's deliberate unsourced claims offer a speaker from the text.
    let outline = s
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": s.uri_of(SPACE_COM) } }),
        )
        .await
        .unwrap();
    assert!(outline.as_array().unwrap().len() > 20);
    let at = text.find("{.claim #us-dependent-soyuz").unwrap();
    let range = s.lsp_range(&text, annals::text::TextRange::new(at, at));
    let actions = s.request("textDocument/codeAction", json!({ "textDocument": { "uri": s.uri_of(TWEETSTORM) }, "range": range, "context": { "diagnostics": [] } })).await.unwrap();
    assert!(
        actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"].as_str().unwrap().starts_with("Add by=")),
        "{actions:#}"
    );
}
