//! The server's shape under load: requests read snapshots side by side, edits apply in
//! order and are never lost, removing a document re-publishes only what depended on it,
//! and a panic in the middle of a commit leaves a whole state behind.

mod support;

use annals::text::TextRange;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use support::lsp::{Setup, TestServer};

const ENTITY: &str = "---\nkind: person\nname: Dmitry Rogozin\n---\n";

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\npublished: 2022-02-25\n---\n{body}\n")
}

/// `n` articles, each with an undated claim (a warning: most documents carry one, as in a
/// corpus under annotation), the first `referrers` of them replying to `articles/target.md`.
fn corpus(n: usize, referrers: usize) -> String {
    let mut out = format!(
        "//- entities/rogozin.md\n{ENTITY}//- articles/target.md\n{}",
        article("Target", "[\"the claim\"]{.claim #c by=rogozin date=2022-02-24}")
    );
    for k in 0..n {
        let link = if k < referrers { " replies-to=target:c" } else { "" };
        let body = format!("[Rogozin]{{e=rogozin}} said [\"words {k}\"]{{.claim #w{k} by=rogozin{link}}}");
        out.push_str(&format!("//- articles/a{k}.md\n{}", article(&format!("A{k}"), &body)));
    }
    out
}

fn hover_at(s: &TestServer, rel: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": s.uri_of(rel) }, "position": { "line": line, "character": character } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hover_is_answered_while_a_long_request_runs() {
    let mut s = TestServer::start(&corpus(5, 1)).await;
    s.open("articles/a0.md").await;
    // Wait for the first indexing, then start a request that reads for 1.5 s.
    assert!(
        s.request("textDocument/hover", hover_at(&s, "articles/a0.md", 4, 2))
            .await
            .is_some()
    );
    let (_, long) = s.start_request("annals/hold", json!({ "ms": 1500 })).await;
    let long = tokio::spawn(long);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let hover = s
        .request("textDocument/hover", hover_at(&s, "articles/a0.md", 4, 2))
        .await;
    let took = started.elapsed();
    assert!(hover.is_some_and(|h| h["contents"]["value"].as_str().unwrap().contains("Dmitry Rogozin")));
    assert!(!long.is_finished(), "the long request is still running");
    assert!(
        took < Duration::from_millis(1000),
        "the hover waited {took:?} for the long request"
    );
    assert!(long.await.unwrap().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_during_a_long_request_apply_in_order_and_stop_it() {
    let mut s = TestServer::start(&corpus(3, 1)).await;
    let rel = "articles/a0.md";
    s.open(rel).await;
    assert!(s.request("textDocument/hover", hover_at(&s, rel, 4, 2)).await.is_some());
    let (_, long) = s.start_request("annals/hold", json!({ "ms": 3000 })).await;
    let long = tokio::spawn(long);
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Twenty edits while it runs, each inserting its number after the previous one: an edit
    // applied out of order would land elsewhere (or past the end, clamped).
    let mut text = s.files[rel].text.clone();
    let body = text.find("[Rogozin]").unwrap();
    let mut at = body;
    for k in 0..20 {
        let insert = format!("x{k} ");
        s.change(rel, &text.clone(), TextRange::new(at, at), &insert).await;
        text.insert_str(at, &insert);
        at += insert.len();
    }
    // The long request stops: its snapshot is older than the edits (ContentModified).
    let answer = tokio::time::timeout(Duration::from_millis(1500), long)
        .await
        .expect("the long request stopped at the edit")
        .unwrap();
    assert_eq!(answer.unwrap_err()["code"], -32801);
    // Every edit is there, in order: the mention moved by all twenty insertions.
    let symbols = s
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": s.uri_of(rel) } }),
        )
        .await
        .unwrap();
    let expected: String = (0..20).map(|k| format!("x{k} ")).collect();
    assert!(text[body..].starts_with(&expected));
    let shift = expected.len() as u32;
    let hover = s
        .request("textDocument/hover", hover_at(&s, rel, 4, 2 + shift))
        .await
        .unwrap_or_else(|| panic!("no mention where twenty edits put it: {symbols}"));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Dmitry Rogozin"));
    assert_eq!(
        hover["range"]["start"]["character"],
        shift + 1,
        "the mention's text starts after `[`"
    );
}

/// Every publication the server sends within `window`, by relative path.
async fn publications(s: &mut TestServer, window: Duration) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let deadline = Instant::now() + window;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let secs = left.as_secs().max(1);
        let found = s
            .wait_for(secs, |m| {
                (m["method"] == "textDocument/publishDiagnostics").then(|| {
                    (
                        m["params"]["uri"].as_str().unwrap().to_string(),
                        m["params"]["diagnostics"].as_array().map_or(0, Vec::len),
                    )
                })
            })
            .await;
        match found {
            Some((uri, n)) => out.push((s.rel_of(&uri), n)),
            None => break,
        }
        if Instant::now() >= deadline {
            break;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_article_republishes_only_what_referenced_it() {
    let mut s = TestServer::start_with(
        &corpus(300, 3),
        Setup {
            watch: true,
            initialization_options: json!({ "diagnosticsDelay": 0 }),
            ..Setup::default()
        },
    )
    .await;
    // The first publication: every article carries its undated-claim warning.
    let first = publications(&mut s, Duration::from_secs(3)).await;
    assert!(first.len() >= 300, "{} publications", first.len());
    std::fs::remove_file(s.path("articles/target.md")).unwrap();
    let uri = s.uri_of("articles/target.md");
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 3 }] }),
    )
    .await;
    let after = publications(&mut s, Duration::from_secs(2)).await;
    let paths: BTreeSet<&str> = after.iter().map(|(p, _)| p.as_str()).collect();
    // The three referrers now hold a broken reference; the deleted article's list is cleared
    // if it had one; nothing else is sent.
    let expected: BTreeSet<&str> = ["articles/a0.md", "articles/a1.md", "articles/a2.md"].into();
    assert!(
        paths.is_superset(&expected) && paths.len() <= 4,
        "published after the deletion: {paths:?}"
    );
    for (path, n) in &after {
        if expected.contains(path.as_str()) {
            assert!(*n >= 2, "{path} has its warning and the broken reference");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_middle_of_a_commit_leaves_a_whole_state() {
    let fixture = format!(
        "{}//- articles/panic-in-commit.md\n{}",
        corpus(3, 0),
        article("P", "[Rogozin]{e=rogozin} again.")
    );
    let mut s = TestServer::start(&fixture).await;
    let entity = json!({ "textDocument": { "uri": s.uri_of("entities/rogozin.md") }, "position": { "line": 2, "character": 8 }, "context": { "includeDeclaration": false } });
    let count = |v: &Option<Value>| v.as_ref().and_then(|v| v.as_array().map(Vec::len)).unwrap_or(0);
    let before = count(&s.request("textDocument/references", entity.clone()).await);
    assert!(
        before >= 4,
        "a mention in each of three articles and in the fourth: {before}"
    );
    // Opening the document commits its editor text, and the test hook panics halfway through,
    // after its index entries were removed.
    let rel = "articles/panic-in-commit.md";
    s.open(rel).await;
    let after = count(&s.request("textDocument/references", entity.clone()).await);
    assert_eq!(
        after, before,
        "the index was rebuilt, not left without the document's entries"
    );
    // The server goes on: an edit elsewhere is applied and seen.
    s.open("articles/a0.md").await;
    let text = s.files["articles/a0.md"].text.clone();
    let at = text.find("[Rogozin]{e=rogozin}").unwrap();
    s.change("articles/a0.md", &text, TextRange::new(at, at + 20), "Rogozin")
        .await;
    let edited = count(&s.request("textDocument/references", entity).await);
    assert_eq!(edited, before - 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_document_is_published_before_the_rest_of_the_corpus() {
    let mut s = TestServer::start_with(
        &corpus(300, 0),
        Setup {
            initialization_options: json!({ "diagnosticsDelay": 500 }),
            ..Setup::default()
        },
    )
    .await;
    // Opened while the first publication waits out its delay: it goes first.
    s.open("articles/a150.md").await;
    let first = publications(&mut s, Duration::from_secs(5)).await;
    assert!(first.len() >= 300, "{} publications", first.len());
    assert_eq!(
        first[0].0, "articles/a150.md",
        "the open article first, then the others"
    );
    assert_eq!(
        first.iter().filter(|(p, _)| p == "articles/a150.md").count(),
        1,
        "and once"
    );
}
