//! The annotator's assists through the in-process server: completion, quick fixes, rename,
//! symbols, semantic tokens, inlay hints, code lenses, folding ranges and document links.

mod support;

use serde_json::{Value, json};
use support::lsp::{Setup, TestServer};

const ENTITIES: &str = "//- entities/rogozin.md
---
kind: person
name: Dmitry Rogozin
aliases: [Rogozin]
---
//- entities/roscosmos.md
---
kind: agency
name: Roscosmos
aliases: [Russian federal space agency]
---
//- entities/nasa.md
---
kind: agency
name: NASA
aliases: [US space agency]
---
//- entities/space-com.md
---
kind: outlet
name: Space.com
---
//- entities/nelson.md
---
kind: person
name: Bill Nelson
wikidata: Q123
---
";

const FIRST: &str = "//- articles/2022-02-25-a.md
---
title: The deorbit tweet
published: 2022-02-25
outlet: space-com
---
[Rogozin]{e=rogozin} asked: [\"who will save the ISS\"]{.claim #deorbit by=rogozin date=2022-02-24 via=twitter}
[NASA]{e=nasa} answered: [\"we continue working with [Roscosmos]{e=roscosmos}\"]{.claim #nasa-answer by=nasa date=2022-02-24 via=email replies-to=deorbit}
";

fn fixture(article: &str) -> String {
    format!("{ENTITIES}{FIRST}//- articles/2022-04-02-b.md\n{article}")
}

fn article(body: &str) -> String {
    format!("---\ntitle: Second\npublished: 2022-04-02\nurl: https://example.org/b\n---\n{body}\n")
}

async fn complete(s: &mut TestServer, rel: &str) -> Vec<(String, String)> {
    let result = s.request("textDocument/completion", s.at_cursor(rel)).await.unwrap();
    let mut items: Vec<Value> = result["items"].as_array().cloned().unwrap_or_default();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
    items
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap().to_string(),
                i["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn labels(items: &[(String, String)]) -> Vec<&str> {
    items.iter().map(|(l, _)| l.as_str()).collect()
}

#[tokio::test]
async fn entity_completion_is_ranked_by_the_annotated_text() {
    let body = "[Rogozin]{e=$0}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let items = complete(&mut s, "articles/2022-04-02-b.md").await;
    assert_eq!(items[0], ("rogozin".into(), "Dmitry Rogozin · person".into()));
    assert_eq!(items.len(), 5);

    let mut s = TestServer::start(&fixture(&article("[the Russian space agency]{e=$0"))).await;
    let items = complete(&mut s, "articles/2022-04-02-b.md").await;
    assert_eq!(
        labels(&items)[..2],
        ["roscosmos", "nasa"],
        "through its alias, over the agency with fewer shared words"
    );

    // A speaker: who is mentioned just before the claim comes first.
    let mut s = TestServer::start(&fixture(&article("[NASA]{e=nasa} said [\"x\"]{.claim by=$0}"))).await;
    assert_eq!(complete(&mut s, "articles/2022-04-02-b.md").await[0].0, "nasa");
}

#[tokio::test]
async fn front_matter_entity_positions_complete_too() {
    let text = "---\ntitle: Second\npublished: 2022-04-02\noutlet: $0\n---\n".to_string();
    let mut s = TestServer::start(&format!("{ENTITIES}{FIRST}//- articles/2022-04-02-b.md\n{text}")).await;
    let items = complete(&mut s, "articles/2022-04-02-b.md").await;
    assert_eq!(items[0].0, "space-com", "an outlet for outlet:");
    let text = "---\ntitle: Second\npublished: 2022-04-02\nauthors: [nel$0]\n---\n".to_string();
    let mut s = TestServer::start(&format!("{ENTITIES}{FIRST}//- articles/2022-04-02-b.md\n{text}")).await;
    assert_eq!(complete(&mut s, "articles/2022-04-02-b.md").await[0].0, "nelson");
}

#[tokio::test]
async fn references_complete_documents_then_their_claims() {
    let mut s = TestServer::start(&fixture(&article("[\"x\"]{.claim #x by=nasa date=2022 replies-to=$0}"))).await;
    let items = complete(&mut s, "articles/2022-04-02-b.md").await;
    // Claims of this document first (a bare id), then documents that hold claims, as `DOC:`.
    assert_eq!(labels(&items), ["x", "2022-02-25-a"]);
    let mut s = TestServer::start(&fixture(&article(
        "[\"x\"]{.claim #x by=nasa date=2022 replies-to=2022-02-25-a:$0}",
    )))
    .await;
    let items = complete(&mut s, "articles/2022-04-02-b.md").await;
    assert_eq!(
        items,
        [
            ("2022-02-25-a:deorbit".into(), "\"who will save the ISS\"".into()),
            (
                "2022-02-25-a:nasa-answer".into(),
                "\"we continue working with Roscosmos\"".into()
            )
        ]
    );
}

#[tokio::test]
async fn keys_classes_via_values_and_dates_complete() {
    let mut s = TestServer::start(&fixture(&article("[\"x\"]{.claim by=nasa $0}"))).await;
    let items = complete(&mut s, "articles/2022-04-02-b.md").await;
    assert_eq!(
        labels(&items),
        [
            "date=",
            "via=",
            "source=",
            "replies-to=",
            "repeats=",
            "contradicts=",
            "supports="
        ]
    );

    let mut s = TestServer::start(&fixture(&article("[\"x\"]{$0}"))).await;
    assert_eq!(
        labels(&complete(&mut s, "articles/2022-04-02-b.md").await)[..2],
        [".claim", "e="]
    );

    let mut s = TestServer::start(&fixture(&article("[\"x\"]{.claim via=$0}"))).await;
    assert_eq!(
        labels(&complete(&mut s, "articles/2022-04-02-b.md").await),
        ["email", "twitter"]
    );

    let body = "[Rogozin]{e=rogozin} said on Saturday (April 2) that the letter of March 14 was ignored: [\"x\"]{.claim by=rogozin date=$0}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let items = complete(&mut s, "articles/2022-04-02-b.md").await;
    assert_eq!(labels(&items), ["2022-03-14", "2022-04-02"], "{items:?}");
    assert!(items[0].1.contains("March 14"));
}

/// The code actions at the start of `needle`'s text.
async fn actions(s: &mut TestServer, rel: &str, needle: &str) -> Vec<Value> {
    code_actions(s, rel, needle, false).await
}

/// The code actions for a selection of `needle`'s text.
async fn actions_on(s: &mut TestServer, rel: &str, needle: &str) -> Vec<Value> {
    code_actions(s, rel, needle, true).await
}

async fn code_actions(s: &mut TestServer, rel: &str, needle: &str, selected: bool) -> Vec<Value> {
    let text = s.files[rel].text.clone();
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let end = if selected { at + needle.len() } else { at };
    let uri = s.uri_of(rel);
    let range = s.lsp_range(&text, annals::text::TextRange::new(at, end));
    let result = s
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": [] } }),
        )
        .await
        .unwrap();
    result.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_quotation_becomes_a_claim_and_so_does_any_selection() {
    let body = "“The purpose of the sanctions is to kill the Russian economy,” [Rogozin]{e=rogozin} tweeted on Saturday (April 2).\n\nAfter that, [NASA]{e=nasa} said the station would keep flying on March 30.";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let rel = "articles/2022-04-02-b.md";
    let list = actions(&mut s, rel, "purpose").await;
    let wrap = titled(&list, "Annotate the quotation as a claim");
    assert_eq!(wrap["kind"], "quickfix");
    assert_eq!(wrap["isPreferred"], true);
    assert_eq!(wrap["diagnostics"][0]["code"], "unannotated-quote");
    let after = s.apply_edit(&wrap["edit"]);
    assert!(
        after[rel].contains("[“The purpose of the sanctions is to kill the Russian economy,”]{.claim #the-purpose-of-the by=rogozin date=2022-04-02 via=twitter} [Rogozin]"),
        "{}",
        after[rel]
    );
    // Any selection: the speaker and date of its sentence.
    let list = actions_on(&mut s, rel, "the station would keep flying").await;
    let wrap = titled(&list, "Annotate the selection as a claim");
    assert_eq!(wrap["kind"], "refactor.rewrite");
    let after = s.apply_edit(&wrap["edit"]);
    assert!(
        after[rel].contains(
            "said [the station would keep flying]{.claim #the-station-would-keep by=nasa date=2022-03-30} on March 30."
        ),
        "{}",
        after[rel]
    );
}

fn titled<'a>(list: &'a [Value], title: &str) -> &'a Value {
    list.iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(title)))
        .unwrap_or_else(|| {
            panic!(
                "no action {title:?} in {:#?}",
                list.iter().map(|a| &a["title"]).collect::<Vec<_>>()
            )
        })
}

#[tokio::test]
async fn quick_fixes_for_undated_and_unsourced_claims() {
    let body = "[NASA]{e=nasa} met [Rogozin]{e=rogozin} on Saturday (April 2). [\"talks\"]{.claim #talks}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let list = actions(&mut s, "articles/2022-04-02-b.md", "{.claim #talks}").await;
    let date = titled(&list, "Set date=2022-04-02");
    assert_eq!(date["kind"], "quickfix");
    assert_eq!(date["diagnostics"][0]["code"], "undated-claim");
    let after = s.apply_edit(&date["edit"]);
    assert!(after["articles/2022-04-02-b.md"].contains("{.claim #talks date=2022-04-02}"));
    let by = titled(&list, "Add by=rogozin (Dmitry Rogozin, mentioned just before)");
    assert_eq!(by["isPreferred"], true);
    assert!(s.apply_edit(&by["edit"])["articles/2022-04-02-b.md"].contains("{.claim #talks by=rogozin}"));
    titled(&list, "Add by=nasa (NASA, mentioned in this paragraph)");
}

#[tokio::test]
async fn quick_fixes_for_unknown_entities_references_and_keys() {
    let body = "[Yuri Borisov]{e=borisov} and [Rogozin]{e=rogozn} said [\"x\"]{.claim by=nasa dat=2022 date=2022 replies-to=2022-02-25-a:deorbt}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let rel = "articles/2022-04-02-b.md";
    let list = actions(&mut s, rel, "borisov").await;
    let create = titled(&list, "Create entities/borisov.md");
    let after = s.apply_edit(&create["edit"]);
    assert_eq!(
        after["entities/borisov.md"],
        "---\nkind: person\nname: Yuri Borisov\naliases: []\ndescription: \n---\n"
    );
    let ops: Vec<&str> = create["edit"]["documentChanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap_or("edit"))
        .collect();
    assert_eq!(ops, ["create", "edit"]);

    let list = actions(&mut s, rel, "rogozn").await;
    assert!(s.apply_edit(&titled(&list, "Replace `rogozn` with `rogozin`")["edit"])[rel].contains("{e=rogozin}"));
    let list = actions(&mut s, rel, "dat=").await;
    assert!(s.apply_edit(&titled(&list, "Replace `dat` with `date`")["edit"])[rel].contains("date=2022 date=2022"));
    let list = actions(&mut s, rel, "deorbt").await;
    assert!(
        s.apply_edit(&titled(&list, "Replace `2022-02-25-a:deorbt` with `2022-02-25-a:deorbit`")["edit"])[rel]
            .contains("replies-to=2022-02-25-a:deorbit}")
    );
}

#[tokio::test]
async fn quick_fixes_annotate_one_or_every_unannotated_name() {
    let body = "Rogozin spoke. Later Rogozin wrote, and [Rogozin]{e=rogozin} again.";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let rel = "articles/2022-04-02-b.md";
    let list = actions(&mut s, rel, "Rogozin spoke").await;
    let one = s.apply_edit(&titled(&list, "Annotate “Rogozin” as e=rogozin")["edit"]);
    assert!(one[rel].contains("[Rogozin]{e=rogozin} spoke. Later Rogozin wrote"));
    let all = s.apply_edit(&titled(&list, "Annotate all 2 unannotated names of e=rogozin")["edit"]);
    assert!(
        all[rel]
            .contains("[Rogozin]{e=rogozin} spoke. Later [Rogozin]{e=rogozin} wrote, and [Rogozin]{e=rogozin} again.")
    );
}

#[tokio::test]
async fn rename_a_claim_id_everywhere() {
    let body = "[\"again\"]{.claim #again by=rogozin date=2022-04-02 repeats=2022-02-25-a:deor$0bit}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let rel = "articles/2022-04-02-b.md";
    let prepared = s.request("textDocument/prepareRename", s.at_cursor(rel)).await.unwrap();
    assert_eq!(prepared["placeholder"], "deorbit", "only the id part of DOC:ID");
    let mut params = s.at_cursor(rel);
    params["newName"] = json!("tweet");
    let edit = s.request("textDocument/rename", params).await.unwrap();
    let after = s.apply_edit(&edit);
    assert!(after[rel].contains("repeats=2022-02-25-a:tweet}"));
    let first = &after["articles/2022-02-25-a.md"];
    assert!(
        first.contains("{.claim #tweet by=rogozin") && first.contains("replies-to=tweet}"),
        "{first}"
    );

    // Refused: an existing id, and an id of the wrong form.
    let mut params = s.at_cursor(rel);
    params["newName"] = json!("nasa-answer");
    let error = s.request_raw("textDocument/rename", params.clone()).await.unwrap_err();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("has a claim `#nasa-answer` already"),
        "{error}"
    );
    params["newName"] = json!("no spaces");
    let error = s.request_raw("textDocument/rename", params).await.unwrap_err();
    assert!(error["message"].as_str().unwrap().contains("not a valid id"), "{error}");
}

#[tokio::test]
async fn rename_an_entity_renames_its_file_and_every_reference() {
    let body = "[Rogozin]{e=rogo$0zin} repeated: [\"x\"]{.claim by=rogozin date=2022}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let rel = "articles/2022-04-02-b.md";
    s.open(rel).await;
    let mut params = s.at_cursor(rel);
    params["newName"] = json!("dmitry-rogozin");
    let edit = s.request("textDocument/rename", params).await.unwrap();
    let after = s.apply_edit(&edit);
    assert!(!after.contains_key("entities/rogozin.md"));
    assert!(after.contains_key("entities/dmitry-rogozin.md"));
    assert!(after[rel].contains("[Rogozin]{e=dmitry-rogozin} repeated: [\"x\"]{.claim by=dmitry-rogozin date=2022}"));
    let first = &after["articles/2022-02-25-a.md"];
    assert_eq!(
        first.matches("dmitry-rogozin").count(),
        2,
        "the unopened article too: {first}"
    );
    // The open document's edit carries its version; the file rename comes last.
    let ops = edit["documentChanges"].as_array().unwrap();
    assert_eq!(ops.last().unwrap()["kind"], "rename");
    let open_edit = ops
        .iter()
        .find(|o| o["textDocument"]["uri"] == s.uri_of(rel).as_str())
        .unwrap();
    assert_eq!(open_edit["textDocument"]["version"], 1);

    let mut params = s.at_cursor(rel);
    params["newName"] = json!("nasa");
    let error = s.request_raw("textDocument/rename", params).await.unwrap_err();
    assert!(error["message"].as_str().unwrap().contains("exists already"), "{error}");
    // Plain prose is not renameable.
    let text = s.files[rel].text.clone();
    let at = text.find("repeated").unwrap();
    let prose = json!({ "textDocument": { "uri": s.uri_of(rel) }, "position": s.position(&text, at) });
    assert!(s.request_raw("textDocument/prepareRename", prose).await.is_err());
}

#[tokio::test]
async fn document_and_workspace_symbols() {
    let body = "# Background\n\n[Rogozin]{e=rogozin} said [\"a [NASA]{e=nasa} thing\"]{.claim #thing by=rogozin date=2022}\n\n## Detail\n\n[\"more\"]{.claim #more by=rogozin date=2022}\n\n# Reaction\n\n[NASA]{e=nasa}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let rel = "articles/2022-04-02-b.md";
    let symbols = s
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": s.uri_of(rel) } }),
        )
        .await
        .unwrap();
    let outline = |v: &Value| -> String {
        fn walk(v: &Value, depth: usize, out: &mut String) {
            for s in v.as_array().unwrap() {
                out.push_str(&format!("{}{}\n", "  ".repeat(depth), s["name"].as_str().unwrap()));
                walk(&s["children"], depth + 1, out);
            }
        }
        let mut out = String::new();
        walk(v, 0, &mut out);
        out
    };
    assert_eq!(
        outline(&symbols),
        "Background\n  Rogozin\n  #thing \"a NASA thing\"\n    NASA\n  Detail\n    #more \"more\"\nReaction\n  NASA\n"
    );

    let found = s
        .request("workspace/symbol", json!({ "query": "rogoz" }))
        .await
        .unwrap();
    assert_eq!(found[0]["name"], "Dmitry Rogozin");
    assert_eq!(
        s.rel_of(found[0]["location"]["uri"].as_str().unwrap()),
        "entities/rogozin.md"
    );
    let found = s
        .request("workspace/symbol", json!({ "query": "save ISS" }))
        .await
        .unwrap();
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"].as_str().unwrap().starts_with("#deorbit")),
        "{found}"
    );
    let found = s
        .request("workspace/symbol", json!({ "query": "deorbit tweet" }))
        .await
        .unwrap();
    assert_eq!(found[0]["name"], "The deorbit tweet");
}

#[tokio::test]
async fn semantic_tokens_cover_mentions_claims_keys_ids_references_and_dates() {
    let body = "[\"a [NASA]{e=nasa}\"]{.claim #c by=nasa date=2022 repeats=2022-02-25-a:deorbit}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let rel = "articles/2022-04-02-b.md";
    let text = s.files[rel].text.clone();
    let result = s
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": s.uri_of(rel) } }),
        )
        .await
        .unwrap();
    let data: Vec<u64> = result["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let legend = [
        "variable",
        "string",
        "property",
        "enumMember",
        "class",
        "event",
        "number",
        "keyword",
    ];
    let line_start = text.find("[\"a").unwrap();
    let (mut line, mut col) = (0, 0);
    let mut decoded = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            col = 0;
        }
        line += t[0];
        col += t[1];
        assert_eq!(line, 5);
        let start = line_start + col as usize; // ASCII line: columns are bytes
        decoded.push(format!(
            "{}={}",
            &text[start..start + t[2] as usize],
            legend[t[3] as usize]
        ));
    }
    assert_eq!(
        decoded,
        [
            "\"a =string",
            "NASA=variable",
            "e=property",
            "nasa=class",
            "\"=string",
            ".claim=keyword",
            "#c=enumMember",
            "by=property",
            "nasa=class",
            "date=property",
            "2022=number",
            "repeats=property",
            "2022-02-25-a:deorbit=event"
        ]
    );
}

#[tokio::test]
async fn inlay_hints_name_entities_and_quote_targets_and_can_be_turned_off() {
    let body = "[Rogozin]{e=rogozin}: [\"x\"]{.claim by=nelson date=2022 repeats=2022-02-25-a:deorbit}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let rel = "articles/2022-04-02-b.md";
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } });
    let params = json!({ "textDocument": { "uri": s.uri_of(rel) }, "range": whole });
    let hints = s.request("textDocument/inlayHint", params.clone()).await.unwrap();
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [": Dmitry Rogozin", ": Bill Nelson", ": \"who will save the ISS\""]
    );

    s.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "annals": { "inlayHints": { "entityNames": false } } } }),
    )
    .await;
    let hints = s.request("textDocument/inlayHint", params).await.unwrap();
    assert_eq!(hints.as_array().unwrap().len(), 1);

    let setup = Setup {
        initialization_options: json!({ "diagnosticsDelay": 0, "inlayHints": { "claimText": false } }),
        ..Setup::default()
    };
    let mut s = TestServer::start_with(&fixture(&article(body)), setup).await;
    let params = json!({ "textDocument": { "uri": s.uri_of(rel) }, "range": whole });
    assert_eq!(
        s.request("textDocument/inlayHint", params)
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn code_lenses_count_links_and_mentions() {
    let body = "[\"again\"]{.claim #again by=rogozin date=2022-04-02 repeats=2022-02-25-a:deorbit}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let lenses = s
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": s.uri_of("articles/2022-02-25-a.md") } }),
        )
        .await
        .unwrap();
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    // Only what exists: the claim nothing points at has no lens, and no count is zero.
    assert_eq!(titles, ["1 reply · 1 repeat"]);
    let first = &lenses[0]["command"];
    assert_eq!(first["command"], "annals.showReferences");
    // The places come only when asked for: the lens carries a key, and `codeLens/resolve`
    // (which the editors' command sends on a click) puts the locations in its place.
    assert!(first["arguments"][2]["target"].is_object(), "{first}");
    assert!(
        !first.to_string().contains("2022-04-02-b.md"),
        "no location before resolve: {first}"
    );
    let resolved = s.request("codeLens/resolve", lenses[0].clone()).await.unwrap();
    assert_eq!(resolved["command"]["title"], "1 reply · 1 repeat");
    let targets: Vec<String> = resolved["command"]["arguments"][2]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| s.rel_of(l["uri"].as_str().unwrap()))
        .collect();
    assert_eq!(targets, ["articles/2022-02-25-a.md", "articles/2022-04-02-b.md"]);

    let lenses = s
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": s.uri_of("entities/rogozin.md") } }),
        )
        .await
        .unwrap();
    assert_eq!(lenses[0]["command"]["title"], "1 mention · 2 claims");
}

#[tokio::test]
async fn folding_ranges_and_document_links() {
    let body =
        "[\"a claim\nover two lines\"]{.claim\n  #c by=nasa date=2022\n  source=\"https://example.org/statement\"}";
    let mut s = TestServer::start(&fixture(&article(body))).await;
    let rel = "articles/2022-04-02-b.md";
    let folds = s
        .request(
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": s.uri_of(rel) } }),
        )
        .await
        .unwrap();
    let lines: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["startLine"].as_u64().unwrap(), f["endLine"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [(0, 4), (5, 8), (6, 8)],
        "front matter, the claim, its attribute block"
    );
    let links = s
        .request(
            "textDocument/documentLink",
            json!({ "textDocument": { "uri": s.uri_of(rel) } }),
        )
        .await
        .unwrap();
    let targets: Vec<&str> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["https://example.org/statement", "https://example.org/b"]);
    let links = s
        .request(
            "textDocument/documentLink",
            json!({ "textDocument": { "uri": s.uri_of("entities/nelson.md") } }),
        )
        .await
        .unwrap();
    assert_eq!(links[0]["target"], "https://www.wikidata.org/wiki/Q123");
}
