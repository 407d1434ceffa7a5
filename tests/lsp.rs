//! The language server in process: each feature over fixture corpora with a cursor
//! (`$0`) and expected ranges (`⟦…⟧`), cross-document cases included.

mod support;

use annals::text::TextRange;
use serde_json::{Value, json};
use support::lsp::{Setup, TestServer};

/// A small corpus: two articles, three entities. Ranges are marked per test.
fn corpus(article_a: &str, article_b: &str, rogozin: &str) -> String {
    format!(
        "//- articles/2022-02-25-a.md\n{article_a}//- articles/2022-04-02-b.md\n{article_b}//- entities/rogozin.md\n{rogozin}\
//- entities/nasa.md\n---\nkind: agency\nname: NASA\ndescription: The US space agency.\n---\n\
//- entities/roscosmos.md\n---\nkind: agency\nname: Roscosmos\n---\n"
    )
}

const ROGOZIN: &str = "---\nkind: person\nname: Dmitry Rogozin\naliases: [Rogozin]\ndescription: Russian politician.\nwikidata: Q315563\nroles:\n  - {title: Deputy Prime Minister of Russia, from: 2011-12, to: 2018-05}\n  - {title: Director General, org: roscosmos, from: 2018-05, to: 2022-07}\n---\n";

const A: &str = "---\ntitle: Deorbit\npublished: 2022-02-25\n---\n[Rogozin]{e=rogozin} tweeted: [\"who will save the ISS\"]{.claim #deorbit by=rogozin date=2022-02-24 via=twitter}\n\n[NASA]{e=nasa} answered: [\"we continue working\"]{.claim #nasa by=nasa date=2022-02-24 replies-to=deorbit}\n";

const B: &str = "---\ntitle: Again\npublished: 2022-04-02\noutlet: nasa\n---\n[Rogozin]{e=rogozin} repeated it: [\"save the ISS\"]{.claim #again by=rogozin date=2022-04-02 repeats=2022-02-25-a:deorbit}\n";

fn with_cursor(text: &str, needle: &str, delta: usize) -> String {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in fixture")) + delta;
    format!("{}$0{}", &text[..at], &text[at..])
}

fn hover_text(v: &Option<Value>) -> String {
    v.as_ref()
        .and_then(|v| v["contents"]["value"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn diagnostics_reach_opened_and_unopened_documents() {
    let b = B.replace("repeats=2022-02-25-a:deorbit", "repeats=2022-02-25-a:deorbitt");
    let a = A.replace("e=nasa}", "e=nasaa}");
    let mut s = TestServer::start(&corpus(&a, &b, ROGOZIN)).await;
    s.open("articles/2022-02-25-a.md").await;
    let opened = s.diagnostics("articles/2022-02-25-a.md").await;
    assert_eq!(
        opened.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
        ["unannotated-mention", "unknown-entity"]
    );
    // The broken reference in a file never opened is published too.
    let closed = s.diagnostics("articles/2022-04-02-b.md").await;
    assert_eq!(
        closed.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
        ["broken-reference"]
    );
    let file = &s.files["articles/2022-04-02-b.md"].text;
    let at = file.find("2022-02-25-a:deorbitt").unwrap();
    assert_eq!(
        closed[0].0,
        s.lsp_range(
            file,
            annals::text::TextRange::new(at, at + "2022-02-25-a:deorbitt".len())
        )
    );
}

#[tokio::test]
async fn an_edit_republishes_the_document_and_its_referrers() {
    let mut s = TestServer::start(&corpus(A, B, ROGOZIN)).await;
    s.open("articles/2022-02-25-a.md").await;
    assert!(s.diagnostics("articles/2022-02-25-a.md").await.is_empty());
    // Renaming the claim that b repeats breaks b's reference: b (closed) gets a new list.
    let text = s.files["articles/2022-02-25-a.md"].text.clone();
    let at = text.find("#deorbit").unwrap() + 1;
    s.change(
        "articles/2022-02-25-a.md",
        &text,
        annals::text::TextRange::new(at, at + "deorbit".len()),
        "gone",
    )
    .await;
    let b = s.diagnostics("articles/2022-04-02-b.md").await;
    assert_eq!(b.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(), ["broken-reference"]);
}

#[tokio::test]
async fn pull_diagnostics_with_result_ids() {
    let a = A.replace("e=nasa}", "e=nasaa}");
    let mut s = TestServer::start_with(
        &corpus(&a, B, ROGOZIN),
        Setup {
            pull: true,
            ..Setup::default()
        },
    )
    .await;
    let uri = s.uri_of("articles/2022-02-25-a.md");
    let report = s
        .request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }))
        .await
        .unwrap();
    assert_eq!(report["kind"], "full");
    let codes: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"unknown-entity"), "{codes:?}");
    let id = report["resultId"].as_str().unwrap().to_string();
    let again = s
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri }, "previousResultId": id }),
        )
        .await
        .unwrap();
    assert_eq!(again["kind"], "unchanged");

    let all = s
        .request(
            "workspace/diagnostic",
            json!({ "previousResultIds": [{ "uri": uri, "value": id }] }),
        )
        .await
        .unwrap();
    // Every document but A, whose result the client knows: an unchanged one is left out, so
    // the client keeps what it has.
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "every document of the corpus but A: {items:?}");
    assert!(items.iter().all(|i| i["kind"] == "full" && i["uri"] != uri.as_str()));

    // With every result known, the pull is held until something changes (LSP 3.17 allows
    // it: VS Code would otherwise ask again every two seconds), then names what changed.
    let known: Vec<Value> = items
        .iter()
        .map(|i| json!({ "uri": i["uri"], "value": i["resultId"] }))
        .chain([json!({ "uri": uri, "value": id })])
        .collect();
    let (_, held) = s
        .start_request("workspace/diagnostic", json!({ "previousResultIds": known }))
        .await;
    let held = tokio::spawn(held);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!held.is_finished(), "a pull with nothing new is held");
    s.open("articles/2022-02-25-a.md").await;
    let before = s.files["articles/2022-02-25-a.md"].text.clone();
    s.change("articles/2022-02-25-a.md", &before, TextRange::new(0, before.len()), A)
        .await;
    // The next request commits the edit; the held pull hears of it.
    s.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } }),
    )
    .await;
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), held)
        .await
        .expect("answered after the change")
        .unwrap()
        .unwrap();
    let changed: Vec<&str> = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["uri"].as_str().unwrap())
        .collect();
    assert_eq!(changed, [uri.as_str()], "only the fixed article");
}

#[tokio::test]
async fn hover_on_a_mention_shows_the_entity_card_with_the_role_of_that_date() {
    let a = with_cursor(A, "Rogozin]{e=rogozin} tweeted", 2);
    let mut s = TestServer::start(&corpus(&a, B, ROGOZIN)).await;
    let params = s.at_cursor("articles/2022-02-25-a.md");
    let text = hover_text(&s.request("textDocument/hover", params).await);
    assert!(text.contains("**Dmitry Rogozin** · person · `rogozin`"), "{text}");
    // The mention is not inside a claim: the article's date (2022-02-25) matters.
    assert!(
        text.contains("**On 25 February 2022:** Director General, Roscosmos (2018-05 – 2022-07)"),
        "{text}"
    );
    assert!(
        text.contains("Deputy Prime Minister of Russia (2011-12 – 2018-05)"),
        "{text}"
    );
    assert!(text.contains("Also: Rogozin"), "{text}");
    assert!(
        text.contains("[Wikidata Q315563](https://www.wikidata.org/wiki/Q315563)"),
        "{text}"
    );
    assert!(text.contains("2 mentions · 2 claims in the corpus"), "{text}");
    // The claims, the latest first, each a link to its place (`#L` line, column).
    let link = |rel: &str, id: &str| {
        let file = &s.files[rel].text;
        let at = s.position(file, file.find(id).unwrap() + 1);
        format!(
            "{}#L{},{}",
            s.uri_of(rel),
            at["line"].as_u64().unwrap() + 1,
            at["character"].as_u64().unwrap() + 1
        )
    };
    let (b, a) = (
        link("articles/2022-04-02-b.md", "#again"),
        link("articles/2022-02-25-a.md", "#deorbit"),
    );
    assert!(
        text.contains(&format!(
            "**Claims:**\n- 2022-04-02 · [“save the ISS”]({b})\n- 2022-02-24 · [“who will save the ISS”]({a})\n"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn an_entity_card_lists_the_five_latest_of_many_claims() {
    let claims: String = (1..=9)
        .map(|d| format!("[\"claim number {d}\"]{{.claim #c{d} by=rogozin date=2022-03-0{d}}} "))
        .collect();
    let many = format!("---\ntitle: Many\npublished: 2022-04-02\n---\n[Rogozin]{{e=rogo$0zin}} said: {claims}\n");
    let mut s = TestServer::start(&format!("//- articles/many.md\n{many}{}", corpus(A, B, ROGOZIN))).await;
    let text = hover_text(&s.request("textDocument/hover", s.at_cursor("articles/many.md")).await);
    let listed: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("- 2022"))
        .map(|l| l.split(" · ").next().unwrap())
        .collect();
    assert!(text.contains("**Recent claims** (5 of 11):"), "{text}");
    assert_eq!(
        listed,
        [
            "- 2022-04-02",
            "- 2022-03-09",
            "- 2022-03-08",
            "- 2022-03-07",
            "- 2022-03-06"
        ],
        "{text}"
    );
}

#[tokio::test]
async fn hover_on_a_speaker_uses_the_claims_date_and_front_matter_references_work() {
    let rogozin_2015 = "---\ntitle: Old\npublished: 2022-04-02\n---\n[\"Tanks don't need visas\"]{.claim #tanks by=rog$0ozin date=2015}\n";
    let fixture = format!(
        "//- articles/old.md\n{rogozin_2015}{}",
        corpus(A, &with_cursor(B, "outlet: nasa", 9), ROGOZIN)
    );
    let mut s = TestServer::start(&fixture).await;
    let text = hover_text(&s.request("textDocument/hover", s.at_cursor("articles/old.md")).await);
    assert!(text.contains("**On 2015:** Deputy Prime Minister of Russia"), "{text}");
    let text = hover_text(
        &s.request("textDocument/hover", s.at_cursor("articles/2022-04-02-b.md"))
            .await,
    );
    assert!(
        text.contains("**NASA** · agency") && text.contains("The US space agency."),
        "{text}"
    );
}

#[tokio::test]
async fn hover_on_a_claim_reference_shows_the_claim_and_its_links_both_ways() {
    let b = with_cursor(B, "2022-02-25-a:deorbit", 15);
    let mut s = TestServer::start(&corpus(A, &b, ROGOZIN)).await;
    let text = hover_text(
        &s.request("textDocument/hover", s.at_cursor("articles/2022-04-02-b.md"))
            .await,
    );
    assert!(text.contains("**Claim** `#deorbit` in *Deorbit*"), "{text}");
    assert!(text.contains("> \"who will save the ISS\""), "{text}");
    assert!(
        text.contains("**By** Dmitry Rogozin (Director General, Roscosmos)"),
        "{text}"
    );
    assert!(
        text.contains("**Date** Thursday, 24 February 2022 · **via** twitter"),
        "{text}"
    );
    assert!(
        text.contains("**Thread:** the thread's first statement · 1 reply below it, 1 level deep · 2 reports"),
        "{text}"
    );
    assert!(
        text.contains("**Replied to by** “we continue working” — NASA, 2022-02-24 `2022-02-25-a:nasa`"),
        "{text}"
    );
    assert!(
        text.contains("**Repeated by** “save the ISS” — Dmitry Rogozin, 2022-04-02 `2022-04-02-b:again`"),
        "{text}"
    );
}

#[tokio::test]
async fn hover_on_a_date_gives_the_weekday_and_the_distance_from_publication() {
    let a = with_cursor(A, "date=2022-02-24 via", 8);
    let mut s = TestServer::start(&corpus(&a, B, ROGOZIN)).await;
    let text = hover_text(
        &s.request("textDocument/hover", s.at_cursor("articles/2022-02-25-a.md"))
            .await,
    );
    assert_eq!(
        text,
        "**Thursday, 24 February 2022**\n\n1 day before publication (2022-02-25)"
    );
}

#[tokio::test]
async fn definition_across_documents() {
    // Entity reference → the entity's page (its name).
    let rogozin = ROGOZIN.replace("name: Dmitry Rogozin", "name: ⟦Dmitry Rogozin⟧");
    let b = with_cursor(B, "e=rogozin}", 4);
    let mut s = TestServer::start(&corpus(A, &b, &rogozin)).await;
    let found = s
        .request("textDocument/definition", s.at_cursor("articles/2022-04-02-b.md"))
        .await
        .unwrap();
    assert_eq!(s.locations(&found), s.marked_locations());

    // Claim reference → the claim's id in the other document.
    let a = A.replace("#deorbit", "#⟦deorbit⟧");
    let b = with_cursor(B, "a:deorbit", 4);
    let mut s = TestServer::start(&corpus(&a, &b, ROGOZIN)).await;
    let found = s
        .request("textDocument/definition", s.at_cursor("articles/2022-04-02-b.md"))
        .await
        .unwrap();
    assert_eq!(s.locations(&found), s.marked_locations());

    // source=DOC → that document's title.
    let a = A.replace("title: Deorbit", "title: ⟦Deorbit⟧");
    let b = B.replace("via=twitter}", "via=twitter source=2022-02-25-$0a}");
    let b = if b.contains("$0") {
        b
    } else {
        B.replace(
            "date=2022-04-02 repeats",
            "date=2022-04-02 source=2022-02-25-$0a repeats",
        )
    };
    let mut s = TestServer::start(&corpus(&a, &b, ROGOZIN)).await;
    let found = s
        .request("textDocument/definition", s.at_cursor("articles/2022-04-02-b.md"))
        .await
        .unwrap();
    assert_eq!(s.locations(&found), s.marked_locations());
}

#[tokio::test]
async fn references_to_an_entity_in_opened_and_unopened_files() {
    let a = A
        .replace("e=rogozin}", "e=⟦rogozin⟧}")
        .replace("by=rogozin", "by=⟦rogozin⟧");
    let b = with_cursor(
        &B.replace("e=rogozin}", "e=⟦rogozin⟧}")
            .replace("by=rogozin", "by=⟦rogozin⟧"),
        "⟦rogozin⟧}",
        5,
    );
    let rogozin = ROGOZIN.replace("name: Dmitry Rogozin", "name: ⟦Dmitry Rogozin⟧");
    let mut s = TestServer::start(&corpus(&a, &b, &rogozin)).await;
    s.open("articles/2022-04-02-b.md").await;
    let mut params = s.at_cursor("articles/2022-04-02-b.md");
    params["context"] = json!({ "includeDeclaration": true });
    let found = s.request("textDocument/references", params.clone()).await.unwrap();
    assert_eq!(s.locations(&found), s.marked_locations());
    params["context"] = json!({ "includeDeclaration": false });
    let found = s.request("textDocument/references", params).await.unwrap();
    assert_eq!(s.locations(&found).len(), 4, "without the declaration");
}

#[tokio::test]
async fn references_to_a_claim_with_its_declaration() {
    let a = with_cursor(
        &A.replace("#deorbit", "#⟦deorbit⟧")
            .replace("replies-to=deorbit", "replies-to=⟦deorbit⟧"),
        "⟦deorbit⟧ by",
        3,
    );
    let b = B.replace("repeats=2022-02-25-a:deorbit", "repeats=⟦2022-02-25-a:deorbit⟧");
    let mut s = TestServer::start(&corpus(&a, &b, ROGOZIN)).await;
    let mut params = s.at_cursor("articles/2022-02-25-a.md");
    params["context"] = json!({ "includeDeclaration": true });
    let found = s.request("textDocument/references", params).await.unwrap();
    assert_eq!(s.locations(&found), s.marked_locations());
}

#[tokio::test]
async fn a_thousand_changes_then_a_request_sees_the_final_text() {
    let doc = "---\ntitle: T\npublished: 2022-04-02\n---\n[Rogozin]{e=rogozin} x\n";
    let fixture = format!("//- articles/t.md\n{doc}{}", corpus(A, B, ROGOZIN));
    let mut s = TestServer::start(&fixture).await;
    s.open("articles/t.md").await;
    let mut text = doc.to_string();
    // 1,000 didChange notifications, one character each, typed at the end of the line: they spell
    // a mention only if every one is applied, in order. Multi-byte characters exercise utf-16.
    let typed: String = "жa".repeat(491) + " [NASA]{e=nasa}x";
    assert_eq!(typed.chars().count(), 998);
    let typed: String = "ё".to_string() + &typed + "ё";
    assert_eq!(typed.chars().count(), 1000);
    for ch in typed.chars() {
        let at = text.len() - 1; // before the final newline
        let ch = ch.to_string();
        s.change("articles/t.md", &text, annals::text::TextRange::new(at, at), &ch)
            .await;
        text.insert_str(at, &ch);
    }
    let hover_at = text.find("e=nasa").unwrap() + 3;
    let uri = s.uri_of("articles/t.md");
    let params = json!({ "textDocument": { "uri": uri }, "position": s.position(&text, hover_at) });
    let answer = s.request("textDocument/hover", params).await;
    let shown = hover_text(&answer);
    assert!(shown.starts_with("**NASA**"), "{shown}");
    // The id's range as the server sees it matches the client's text exactly.
    let id = text.find("e=nasa").unwrap() + 2;
    assert_eq!(
        answer.unwrap()["range"],
        s.lsp_range(&text, annals::text::TextRange::new(id, id + 4))
    );
}

#[tokio::test]
async fn a_panic_in_a_handler_is_an_internal_error_and_the_server_goes_on() {
    let a = with_cursor(A, "e=rogozin}", 4);
    let mut s = TestServer::start(&corpus(&a, B, ROGOZIN)).await;
    let error = s.request_raw("annals/crash", Value::Null).await.unwrap_err();
    assert_eq!(error["code"], -32603);
    assert!(error["message"].as_str().unwrap().contains("internal error"), "{error}");
    let text = hover_text(
        &s.request("textDocument/hover", s.at_cursor("articles/2022-02-25-a.md"))
            .await,
    );
    assert!(text.contains("Dmitry Rogozin"), "the server still serves: {text}");
}

#[tokio::test]
async fn positions_out_of_range_are_clamped_and_unknown_documents_answer_nothing() {
    let mut s = TestServer::start(&corpus(A, B, ROGOZIN)).await;
    let uri = s.uri_of("articles/2022-02-25-a.md");
    for (line, character) in [(999, 0), (4, 9999), (u32::MAX, u32::MAX)] {
        let params = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
        assert!(s.request_raw("textDocument/hover", params.clone()).await.is_ok());
        assert!(s.request_raw("textDocument/definition", params).await.is_ok());
    }
    let nowhere =
        json!({ "textDocument": { "uri": "file:///nowhere/x.md" }, "position": { "line": 0, "character": 0 } });
    assert_eq!(s.request("textDocument/hover", nowhere).await, Some(Value::Null));
}

#[tokio::test]
async fn utf8_is_negotiated_when_offered() {
    let a = A.replace("[Rogozin]{e=rogozin} tweeted", "Ёж [Rogozin]{e=rogo$0zin} tweeted");
    let mut s = TestServer::start_with(
        &corpus(&a, B, ROGOZIN),
        Setup {
            utf8: true,
            ..Setup::default()
        },
    )
    .await;
    let params = s.at_cursor("articles/2022-02-25-a.md");
    let found = s.request("textDocument/hover", params).await.unwrap();
    let text = &s.files["articles/2022-02-25-a.md"].text;
    let at = text.find("e=rogozin").unwrap() + 2;
    assert_eq!(
        found["range"],
        s.lsp_range(text, annals::text::TextRange::new(at, at + 7))
    );
    // "Ёж " is 5 bytes: the utf-8 column of `rogozin` is 5 + "[Rogozin]{e=".len().
    assert_eq!(found["range"]["start"]["character"], 5 + 12);
}

#[tokio::test]
async fn progress_is_reported_while_indexing() {
    let mut s = TestServer::start_with(
        &corpus(A, B, ROGOZIN),
        Setup {
            progress: true,
            ..Setup::default()
        },
    )
    .await;
    let kinds: Vec<String> = {
        let mut kinds = Vec::new();
        while let Some(kind) = s
            .wait_for(10, |m| {
                (m["method"] == "$/progress").then(|| m["params"]["value"]["kind"].as_str().unwrap().to_string())
            })
            .await
        {
            let end = kind == "end";
            kinds.push(kind);
            if end {
                break;
            }
        }
        kinds
    };
    assert_eq!(kinds, ["begin", "end"]);
}

#[tokio::test]
async fn watched_files_and_configuration_changes_apply() {
    let a = A.replace("e=nasa}", "e=nasaa}");
    let mut s = TestServer::start_with(
        &corpus(&a, B, ROGOZIN),
        Setup {
            watch: true,
            ..Setup::default()
        },
    )
    .await;
    let registered = s
        .wait_for(10, |m| {
            (m["method"] == "client/registerCapability").then(|| m["params"].clone())
        })
        .await
        .unwrap();
    let globs: Vec<&str> = registered["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(globs, ["**/*.md", "**/annals.toml"]);
    assert_eq!(s.diagnostics("articles/2022-02-25-a.md").await.len(), 2);

    // Fixed on disk by another tool (the file is not open): the change comes in as an event.
    std::fs::write(s.path("articles/2022-02-25-a.md"), A).unwrap();
    let uri = s.uri_of("articles/2022-02-25-a.md");
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 2 }] }),
    )
    .await;
    assert!(s.diagnostics("articles/2022-02-25-a.md").await.is_empty());

    // A configuration that turns undated claims into errors reloads the corpus.
    std::fs::write(
        s.path("articles/2022-02-25-a.md"),
        A.replace(" date=2022-02-24 via", " via"),
    )
    .unwrap();
    std::fs::write(s.path("annals.toml"), "[corpus]\n[rules]\nundated-claim = \"error\"\n").unwrap();
    let toml = s.uri_of("annals.toml");
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": toml, "type": 2 }] }),
    )
    .await;
    let uri2 = uri.clone();
    let severity = s
        .wait_for(10, |m| {
            let d = &m["params"]["diagnostics"];
            (m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri2.as_str()
                && d.as_array().is_some_and(|a| !a.is_empty()))
            .then(|| d[0]["severity"].clone())
        })
        .await;
    assert_eq!(severity, Some(json!(1)), "undated-claim is an error now");
}

#[tokio::test]
async fn cancelled_long_requests_answer_at_once_with_request_cancelled() {
    let mut s = TestServer::start(&corpus(A, B, ROGOZIN)).await;
    s.open("articles/2022-02-25-a.md").await;
    let at = json!({ "textDocument": { "uri": s.uri_of("articles/2022-02-25-a.md") }, "position": { "line": 4, "character": 2 }, "context": { "includeDeclaration": true } });
    for (method, params) in [
        ("textDocument/references", at.clone()),
        ("workspace/symbol", json!({ "query": "Rogozin" })),
        ("textDocument/rename", {
            // On the id of `e=rogozin`.
            let mut p = at.clone();
            p["position"]["character"] = json!(13);
            p["newName"] = json!("dmitry");
            p
        }),
    ] {
        // The state is busy (held by a test hook), so the request queues behind it; the
        // cancellation comes while it waits and must answer it at once.
        let (_, hold) = s
            .start_request("annals/hold", json!({ "ms": 600, "write": true }))
            .await;
        let hold = tokio::spawn(hold);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let (id, answer) = s.start_request(method, params.clone()).await;
        let started = std::time::Instant::now();
        s.notify("$/cancelRequest", json!({ "id": id })).await;
        let error = answer.await.expect_err(method);
        assert_eq!(error["code"], -32800, "{method}: {error}");
        assert!(
            started.elapsed().as_millis() < 400,
            "{method} waited for the work it cancelled"
        );
        hold.await.unwrap().unwrap();
        // Not cancelled, the same request is answered.
        let (_, answer) = s.start_request(method, params).await;
        assert!(answer.await.is_ok(), "{method}");
    }
}

/// The ranges and kinds of a documentHighlight answer, sorted (1 text, 2 read, 3 write).
fn highlights(answer: &Value) -> Vec<(Value, i64)> {
    let mut out: Vec<(Value, i64)> = answer
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["range"].clone(), h["kind"].as_i64().unwrap()))
        .collect();
    out.sort_by_key(|(r, _)| r.to_string());
    out
}

#[tokio::test]
async fn document_highlight_shows_every_occurrence_of_the_entity_or_claim() {
    // On a speaker: the mention's text (text), every id in the article (read).
    let a = A
        .replace("[Rogozin]{e=rogozin}", "[⟦Rogozin⟧]{e=⟦rogozin⟧}")
        .replace("by=rogozin", "by=⟦rog$0ozin⟧");
    let mut s = TestServer::start(&corpus(&a, B, ROGOZIN)).await;
    let rel = "articles/2022-02-25-a.md";
    let answer = s
        .request("textDocument/documentHighlight", s.at_cursor(rel))
        .await
        .unwrap();
    let found = highlights(&answer);
    let text = &s.files[rel].text;
    let marked: Vec<Value> = s.files[rel].ranges.iter().map(|r| s.lsp_range(text, *r)).collect();
    let mut expected: Vec<(Value, i64)> = marked.into_iter().zip([1, 2, 2]).collect();
    expected.sort_by_key(|(r, _)| r.to_string());
    assert_eq!(found, expected);

    // On a claim reference: the claim's id (write) and each reference to it (read).
    let a = A
        .replace("#deorbit", "#⟦deorbit⟧")
        .replace("replies-to=deorbit", "replies-to=⟦deo$0rbit⟧");
    let mut s = TestServer::start(&corpus(&a, B, ROGOZIN)).await;
    let answer = s
        .request("textDocument/documentHighlight", s.at_cursor(rel))
        .await
        .unwrap();
    let text = &s.files[rel].text;
    let marked = &s.files[rel].ranges;
    let mut expected = vec![(s.lsp_range(text, marked[0]), 3), (s.lsp_range(text, marked[1]), 2)];
    expected.sort_by_key(|(r, _)| r.to_string());
    assert_eq!(highlights(&answer), expected, "the #id (write), the reference (read)");
}

#[tokio::test]
async fn selection_grows_from_a_word_to_the_document() {
    // Each expected range marked ⟦…⟧, nested: word, claim text, claim, sentence (the whole
    // paragraph here), body; then the document.
    let a = "---\ntitle: Deorbit\npublished: 2022-02-25\n---\n⟦⟦[Rogozin]{e=rogozin} tweeted: ⟦[⟦\"who will ⟦sa$0ve⟧ the ISS\"⟧]{.claim #deorbit by=rogozin date=2022-02-24 via=twitter}⟧⟧\n\nNASA answered.⟧\n";
    let fixture = format!("//- articles/x.md\n{a}{}", corpus(A, B, ROGOZIN));
    let mut s = TestServer::start(&fixture).await;
    let rel = "articles/x.md";
    let (text, cursor, marked) = {
        let file = &s.files[rel];
        (file.text.clone(), file.cursor.unwrap(), file.ranges.clone())
    };
    let params = json!({ "textDocument": { "uri": s.uri_of(rel) }, "positions": [s.position(&text, cursor)] });
    let answer = s.request("textDocument/selectionRange", params).await.unwrap();
    let mut chain = Vec::new();
    let mut at = &answer[0];
    while at.is_object() {
        chain.push(at["range"].clone());
        at = &at["parent"];
    }
    let mut expected: Vec<(usize, Value)> = marked.iter().map(|r| (r.len(), s.lsp_range(&text, *r))).collect();
    expected.sort_by_key(|(len, _)| *len);
    let mut expected: Vec<Value> = expected.into_iter().map(|(_, r)| r).collect();
    expected.push(s.lsp_range(&text, TextRange::new(0, text.len())));
    assert_eq!(chain, expected);
}

#[tokio::test]
async fn the_call_hierarchy_follows_a_claim_thread_across_documents() {
    // Incoming calls of `deorbit`: NASA's reply in the same article, the repeat in B; their
    // ranges are the relation attributes, in the calling claims' documents.
    let a = with_cursor(
        &A.replace("replies-to=deorbit}", "⟦replies-to=deorbit⟧}"),
        "#deorbit",
        3,
    );
    let b = B.replace("repeats=2022-02-25-a:deorbit}", "⟦repeats=2022-02-25-a:deorbit⟧}");
    let mut s = TestServer::start(&corpus(&a, &b, ROGOZIN)).await;
    let rel = "articles/2022-02-25-a.md";
    let items = s
        .request("textDocument/prepareCallHierarchy", s.at_cursor(rel))
        .await
        .unwrap();
    let item = items[0].clone();
    assert_eq!(item["name"], "Dmitry Rogozin, 2022-02-24");
    assert_eq!(item["detail"], "“who will save the ISS”");
    let text = &s.files[rel].text;
    let id = text.find("#deorbit").unwrap() + 1;
    assert_eq!(item["selectionRange"], s.lsp_range(text, TextRange::new(id, id + 7)));
    let start = text.find("[\"who").unwrap();
    let end = text.find("via=twitter}").unwrap() + "via=twitter}".len();
    assert_eq!(item["range"], s.lsp_range(text, TextRange::new(start, end)));

    let calls = s
        .request("callHierarchy/incomingCalls", json!({ "item": item }))
        .await
        .unwrap();
    let calls = calls.as_array().unwrap();
    let from: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| {
            (
                c["from"]["name"].as_str().unwrap(),
                c["from"]["detail"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        from,
        [
            ("NASA, 2022-02-24", "replies-to · “we continue working”"),
            ("Dmitry Rogozin, 2022-04-02", "repeats · “save the ISS”"),
        ]
    );
    let ranges: Vec<Value> = calls
        .iter()
        .flat_map(|c| {
            let uri = c["from"]["uri"].clone();
            c["fromRanges"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |r| json!({ "uri": uri, "range": r }))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(s.locations(&json!(ranges)), s.marked_locations());

    // Outgoing calls of the repeat: the claim it repeats, from its `repeats=` attribute.
    let again = calls[1]["from"].clone();
    let out = s
        .request("callHierarchy/outgoingCalls", json!({ "item": again }))
        .await
        .unwrap();
    assert_eq!(out[0]["to"]["name"], "Dmitry Rogozin, 2022-02-24");
    assert_eq!(out[0]["to"]["uri"], json!(s.uri_of(rel)));
    assert_eq!(out[0]["fromRanges"], calls[1]["fromRanges"]);
    // A claim nothing answers has no incoming calls; a mention outside every claim, no item.
    let nasa = &calls[0]["from"];
    let none = s
        .request("callHierarchy/incomingCalls", json!({ "item": nasa }))
        .await
        .unwrap();
    assert_eq!(none, json!([]));
    let on_mention = json!({ "textDocument": { "uri": s.uri_of(rel) }, "position": { "line": 4, "character": 2 } });
    assert_eq!(
        s.request("textDocument/prepareCallHierarchy", on_mention).await,
        Some(Value::Null)
    );
}

#[tokio::test]
async fn the_type_hierarchy_goes_from_a_person_to_the_agency_and_back() {
    let rogozin = ROGOZIN.replace("name: Dmitry Rogozin", "name: ⟦Dmitry Rogozin⟧");
    let fixture = corpus(&with_cursor(A, "e=rogozin}", 4), B, &rogozin)
        .replace("name: Roscosmos\n", "name: ⟦Roscosmos⟧\nparent: russian-government\n")
        + "//- entities/russian-government.md\n---\nkind: government\nname: Government of Russia\n---\n";
    let mut s = TestServer::start(&fixture).await;
    let items = s
        .request(
            "textDocument/prepareTypeHierarchy",
            s.at_cursor("articles/2022-02-25-a.md"),
        )
        .await
        .unwrap();
    let item = &items[0];
    assert_eq!(
        (item["name"].as_str(), item["detail"].as_str()),
        (Some("Dmitry Rogozin"), Some("person · Russian politician."))
    );
    let text = &s.files["entities/rogozin.md"].text;
    assert_eq!(
        item["selectionRange"],
        s.lsp_range(text, s.files["entities/rogozin.md"].ranges[0])
    );
    let up = s
        .request("typeHierarchy/supertypes", json!({ "item": item }))
        .await
        .unwrap();
    assert_eq!(up.as_array().unwrap().len(), 1, "{up}");
    assert_eq!(up[0]["name"], "Roscosmos");
    assert_eq!(up[0]["detail"], "Director General (2018-05 – 2022-07)");
    let roscosmos = &s.files["entities/roscosmos.md"];
    assert_eq!(
        up[0]["selectionRange"],
        s.lsp_range(&roscosmos.text, roscosmos.ranges[0])
    );
    let government = s
        .request("typeHierarchy/supertypes", json!({ "item": up[0] }))
        .await
        .unwrap();
    assert_eq!(government[0]["name"], "Government of Russia");
    assert_eq!(government[0]["detail"], "parent");
    let down = s
        .request("typeHierarchy/subtypes", json!({ "item": up[0] }))
        .await
        .unwrap();
    assert_eq!(down[0]["name"], "Dmitry Rogozin");
    assert_eq!(down[0]["uri"], json!(s.uri_of("entities/rogozin.md")));
}

#[tokio::test]
async fn renaming_a_file_in_the_editor_renames_every_reference_to_its_id() {
    let a = A
        .replace("e=rogozin}", "e=⟦rogozin⟧}")
        .replace("by=rogozin", "by=⟦rogozin⟧");
    let b = B
        .replace("e=rogozin}", "e=⟦rogozin⟧}")
        .replace("by=rogozin", "by=⟦rogozin⟧");
    let mut s = TestServer::start(&corpus(&a, &b, ROGOZIN)).await;
    let params = json!({ "files": [{ "oldUri": s.uri_of("entities/rogozin.md"), "newUri": s.uri_of("entities/dmitry-rogozin.md") }] });
    let edit = s.request("workspace/willRenameFiles", params).await.unwrap();
    let mut edited: Vec<Value> = Vec::new();
    for (uri, edits) in edit["changes"].as_object().unwrap() {
        for e in edits.as_array().unwrap() {
            assert_eq!(e["newText"], "dmitry-rogozin");
            edited.push(json!({ "uri": uri, "range": e["range"] }));
        }
    }
    assert_eq!(s.locations(&json!(edited)), s.marked_locations());
    // An article renamed: its `DOC:` references follow.
    let params = json!({ "files": [{ "oldUri": s.uri_of("articles/2022-02-25-a.md"), "newUri": s.uri_of("articles/deorbit.md") }] });
    let edit = s.request("workspace/willRenameFiles", params).await.unwrap();
    let after = s.apply_edit(&edit);
    assert!(after["articles/2022-04-02-b.md"].contains("repeats=deorbit:deorbit}"));
    // Moved to another folder of the corpus, a document keeps its id: nothing to edit.
    let params = json!({ "files": [{ "oldUri": s.uri_of("entities/rogozin.md"), "newUri": s.uri_of("entities/people/rogozin.md") }] });
    assert_eq!(s.request("workspace/willRenameFiles", params).await, Some(Value::Null));
}

#[tokio::test]
async fn deleting_a_file_warns_of_the_references_that_will_break() {
    let mut s = TestServer::start(&corpus(A, B, ROGOZIN)).await;
    let params = json!({ "files": [{ "uri": s.uri_of("entities/rogozin.md") }] });
    let edit = s.request("workspace/willDeleteFiles", params).await.unwrap();
    assert_eq!(edit, json!({}), "an empty edit: LSP has no way to refuse a deletion");
    let warning = s
        .wait_for(10, |m| {
            (m["method"] == "window/showMessage").then(|| m["params"].clone())
        })
        .await
        .expect("a warning");
    assert_eq!(warning["type"], 2);
    assert_eq!(
        warning["message"],
        "Deleting entities/rogozin.md breaks 4 references in 2 documents: articles/2022-02-25-a.md (2), articles/2022-04-02-b.md (2). The findings will show each one; the log lists them."
    );
    let log = s
        .wait_for(10, |m| {
            (m["method"] == "window/logMessage").then(|| m["params"]["message"].clone())
        })
        .await
        .expect("the list in the log");
    let log = log.as_str().unwrap();
    assert!(
        log.contains("articles/2022-02-25-a.md:5:13: `rogozin` names entities/rogozin.md"),
        "{log}"
    );
    assert_eq!(log.lines().count(), 5, "{log}");
    // A document nothing references goes without a word.
    let params = json!({ "files": [{ "uri": s.uri_of("articles/2022-04-02-b.md") }] });
    assert_eq!(s.request("workspace/willDeleteFiles", params).await, Some(json!({})));
    assert!(
        s.wait_for(1, |m| (m["method"] == "window/showMessage").then_some(()))
            .await
            .is_none(),
        "no warning"
    );
}

#[tokio::test]
async fn a_new_file_in_an_entity_or_article_folder_gets_its_template() {
    let mut s = TestServer::start(&corpus(A, B, ROGOZIN)).await;
    let entity = s.uri_of("entities/elon-musk.md");
    let article = s.uri_of("articles/2022-04-02-musk-replies.md");
    let elsewhere = s.uri_of("notes/todo.md");
    let params = json!({ "files": [{ "uri": entity }, { "uri": article }, { "uri": elsewhere }] });
    let edit = s.request("workspace/willCreateFiles", params).await.unwrap();
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 2, "{edit}");
    let insert = |uri: &str| {
        let e = &changes[uri][0];
        assert_eq!(
            e["range"],
            json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } })
        );
        e["newText"].as_str().unwrap().to_string()
    };
    assert_eq!(
        insert(&entity),
        "---\nkind: person\nname: Elon Musk\naliases: []\ndescription: \n---\n"
    );
    assert_eq!(
        insert(&article),
        "---\ntitle: Musk replies\npublished: 2022-04-02\n---\n"
    );
    let params = json!({ "files": [{ "uri": elsewhere }] });
    assert_eq!(s.request("workspace/willCreateFiles", params).await, Some(Value::Null));

    // Once created (blank), the server proposes the template itself: LSP lets no
    // willCreateFiles edit write into the file it creates, and VS Code applies none.
    std::fs::write(s.path("entities/elon-musk.md"), "").unwrap();
    std::fs::write(s.path("entities/copied.md"), "---\nkind: person\nname: Copied\n---\n").unwrap();
    let copied = s.uri_of("entities/copied.md");
    s.notify(
        "workspace/didCreateFiles",
        json!({ "files": [{ "uri": entity }, { "uri": copied }, { "uri": elsewhere }] }),
    )
    .await;
    let proposed = s
        .wait_for(10, |m| {
            (m["method"] == "workspace/applyEdit").then(|| m["params"]["edit"].clone())
        })
        .await
        .expect("a workspace/applyEdit with the template");
    let changes = proposed["changes"].as_object().unwrap();
    assert_eq!(
        changes.keys().collect::<Vec<_>>(),
        [&entity],
        "only the blank new file: {proposed}"
    );
    assert!(
        changes[&entity][0]["newText"]
            .as_str()
            .unwrap()
            .contains("name: Elon Musk")
    );
}

#[tokio::test]
async fn initialize_offers_the_graph_features_and_file_operations_on_markdown() {
    let (mut service, _socket, _) = annals::lsp::service(annals::lsp::Options::default());
    let request = tower_lsp_server::jsonrpc::Request::build("initialize")
        .params(json!({ "processId": null, "capabilities": {} }))
        .id(1)
        .finish();
    futures::future::poll_fn(|cx| tower::Service::poll_ready(&mut service, cx))
        .await
        .unwrap();
    let response = tower::Service::call(&mut service, request).await.unwrap().unwrap();
    let caps = serde_json::to_value(&response).unwrap()["result"]["capabilities"].clone();
    for key in [
        "documentHighlightProvider",
        "selectionRangeProvider",
        "callHierarchyProvider",
        "typeHierarchyProvider",
    ] {
        assert_eq!(caps[key], true, "{key}: {caps}");
    }
    let operations = &caps["workspace"]["fileOperations"];
    for (operation, expected) in [
        ("willRename", vec![("**/*.md", "file"), ("**", "folder")]),
        ("willDelete", vec![("**/*.md", "file"), ("**", "folder")]),
        // Not yet a file: no `matches` (a client cannot tell what it is).
        ("willCreate", vec![("**/*.md", "")]),
        ("didCreate", vec![("**/*.md", "")]),
    ] {
        let globs: Vec<(&str, &str)> = operations[operation]["filters"]
            .as_array()
            .unwrap_or_else(|| panic!("{operation}: {operations}"))
            .iter()
            .map(|f| {
                (
                    f["pattern"]["glob"].as_str().unwrap(),
                    f["pattern"]["matches"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(globs, expected, "{operation}");
    }
}

/// Publications go out a thousand documents at a time (`PUBLICATION_BATCH`): every
/// article of a corpus of 2,500, each with a finding, is still published, once the first
/// batches are out and with nothing left behind.
#[tokio::test]
async fn every_document_of_a_corpus_larger_than_a_batch_is_published() {
    let mut fixture = String::from("//- entities/w.md\n---\nkind: person\nname: Wally\n---\n");
    for k in 0..2_500 {
        fixture.push_str(&format!(
            "//- articles/a{k}.md\n---\ntitle: T{k}\npublished: 2022-04-02\n---\n[Wally]{{e=nobody{k}}} spoke.\n"
        ));
    }
    let mut s = TestServer::start(&fixture).await;
    let mut found = std::collections::HashSet::new();
    let all = s
        .wait_for(120, |m| {
            if m["method"] != "textDocument/publishDiagnostics" {
                return None;
            }
            let uri = m["params"]["uri"].as_str().unwrap_or("").to_string();
            let unknown = m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|l| l.iter().any(|d| d["code"] == "unknown-entity"));
            if unknown && uri.contains("/articles/a") {
                found.insert(uri);
            }
            (found.len() == 2_500).then_some(())
        })
        .await;
    assert!(
        all.is_some(),
        "{} of 2,500 articles published with their finding",
        found.len()
    );
}

/// A corpus large enough to be first added as its entities (`Corpus::first_look`): the open
/// article's publications always hold its own findings, the last one its link findings too,
/// and none of the thousands of clean articles (stand-ins at first) is ever published with a
/// finding. Pull mode answers the same document.
#[tokio::test]
async fn a_large_corpus_publishes_the_open_document_first_and_nothing_false() {
    let mut fixture = String::from("//- entities/w.md\n---\nkind: person\nname: Wally\n---\n");
    for k in 0..5_000 {
        fixture.push_str(&format!(
            "//- articles/a{k}.md\n---\ntitle: T{k}\npublished: 2022-04-02\n---\nText {k}.\n"
        ));
    }
    fixture.push_str("//- articles/open.md\n---\ntitle: O\npublished: 2022-04-02\n---\n[Wally]{e=nobody} said [\"words here\"]{.claim #c1 by=w date=2022-04-01 replies-to=a1:c9}.\n");
    for pull in [false, true] {
        let mut s = TestServer::start_with(
            &fixture,
            Setup {
                pull,
                ..Setup::default()
            },
        )
        .await;
        s.open("articles/open.md").await;
        let open_uri = s.uri_of("articles/open.md");
        let mut lists: Vec<Vec<String>> = Vec::new();
        let codes = |list: &Value| -> Vec<String> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap_or("").to_string())
                .collect()
        };
        if pull {
            // Pulled again after each refresh the server asks for, until the whole corpus is read.
            for _ in 0..5 {
                let report = s
                    .request(
                        "textDocument/diagnostic",
                        json!({ "textDocument": { "uri": open_uri } }),
                    )
                    .await
                    .expect("a report");
                lists.push(codes(&report["items"]));
                if lists.last().unwrap().iter().any(|c| c == "broken-reference") {
                    break;
                }
                s.wait_for(60, |m| (m["method"] == "workspace/diagnostic/refresh").then_some(()))
                    .await
                    .expect("a refresh once the corpus is read");
            }
        } else {
            let mut others = Vec::new();
            let found = s
                .wait_for(60, |m| {
                    if m["method"] != "textDocument/publishDiagnostics" {
                        return None;
                    }
                    let list = codes(&m["params"]["diagnostics"]);
                    if m["params"]["uri"] != open_uri.as_str() {
                        if !list.is_empty() {
                            others.push(m["params"]["uri"].to_string());
                        }
                        return None;
                    }
                    let done = list.iter().any(|c| c == "broken-reference");
                    lists.push(list);
                    done.then_some(())
                })
                .await;
            assert!(found.is_some(), "the link finding was never published: {lists:?}");
            assert!(others.is_empty(), "clean articles published with findings: {others:?}");
        }
        for list in &lists {
            assert!(
                list.iter().any(|c| c == "unknown-entity"),
                "own findings missing (pull {pull}): {lists:?}"
            );
        }
        let last = lists.last().unwrap();
        assert!(last.iter().any(|c| c == "broken-reference"), "pull {pull}: {lists:?}");
    }
}
