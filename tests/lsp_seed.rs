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

/// Renaming an article in the editor's explorer: the edit the server answers, applied before
/// the move as the editor does, leaves no reference broken in the whole corpus.
#[tokio::test]
async fn renaming_an_article_file_keeps_every_reference_whole() {
    let mut s = seed().await;
    let new = "articles/2022-02-25-rogozin-tweets.md";
    let params = json!({ "files": [{ "oldUri": s.uri_of(TWEETSTORM), "newUri": s.uri_of(new) }] });
    let edit = s.request("workspace/willRenameFiles", params).await.unwrap();
    let mut after = s.apply_edit(&edit);
    let changed: Vec<&String> = after
        .iter()
        .filter(|(p, t)| s.files.get(*p).is_some_and(|f| f.text != **t))
        .map(|(p, _)| p)
        .collect();
    assert!(changed.len() >= 3, "the articles citing the tweetstorm: {changed:?}");
    let text = after.remove(TWEETSTORM).unwrap();
    after.insert(new.to_string(), text);
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in &after {
        let to = dir.path().join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, text).unwrap();
    }
    let corpus = annals::Corpus::load(dir.path()).unwrap();
    let broken: Vec<String> = corpus
        .findings()
        .iter()
        .flat_map(|d| d.findings.iter().map(move |f| (d.document, f)))
        .filter(|(_, f)| f.code.as_str() == "broken-reference")
        .map(|(d, f)| format!("{}: {}", d.path, f.message))
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
}

/// The deorbit tweet's card says where it stands in its thread, and Rogozin's card lists
/// his latest statements with links into the corpus.
#[tokio::test]
async fn the_cards_show_the_thread_and_the_latest_claims() {
    let mut s = seed().await;
    let text = s.files[TWEETSTORM].text.clone();
    let at = text.find("#deorbit ").unwrap() + 3;
    let params = json!({ "textDocument": { "uri": s.uri_of(TWEETSTORM) }, "position": s.position(&text, at) });
    let card = s.request("textDocument/hover", params).await.unwrap();
    let card = card["contents"]["value"].as_str().unwrap();
    assert!(
        // NASA and Musk answer it, and Rogozin answers NASA in turn (tweetstorm, line 29); the same
        // tweet is reported in Russian and by the Reuters article.
        card.contains("**Thread:** the thread's first statement · 4 replies below it, 2 levels deep · 3 reports"),
        "{card}"
    );
    let at = text.find("by=rogozin").unwrap() + 4;
    let params = json!({ "textDocument": { "uri": s.uri_of(TWEETSTORM) }, "position": s.position(&text, at) });
    let card = s.request("textDocument/hover", params).await.unwrap();
    let card = card["contents"]["value"].as_str().unwrap();
    let listed: Vec<&str> = card.lines().filter(|l| l.starts_with("- 20")).collect();
    assert!(card.contains("**Recent claims** (5 of "), "{card}");
    assert_eq!(listed.len(), 5, "{card}");
    assert!(
        listed.iter().all(|l| l.contains("](file://") && l.contains(".md#L")),
        "{listed:#?}"
    );
    // The latest first: the 2 April 2022 statements lead.
    assert!(listed[0].starts_with("- 2022-04-02 · "), "{listed:#?}");
}
