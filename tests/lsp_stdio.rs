//! The real `annals lsp` binary over stdio: JSON-RPC framed by Content-Length, through
//! initialize, open, diagnostics, hover, definition, references, shutdown and exit.

mod support;

use serde_json::{Value, json};
use support::stdio::Client;
use tower_lsp_server::ls_types::Uri;

#[test]
fn a_whole_session_over_stdio() {
    let root = support::repo_path("corpus");
    let root_uri = Uri::from_file_path(&root).unwrap().to_string();
    let article = root.join("articles/2022-04-02-space-com-russia-threatens-iss.md");
    let uri = Uri::from_file_path(&article).unwrap().to_string();
    let text = std::fs::read_to_string(&article).unwrap();
    let mut c = Client::spawn(&root);

    let init = c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {}, "workspaceFolders": [{ "uri": root_uri, "name": "corpus" }], "initializationOptions": { "diagnosticsDelay": 0 } }));
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["result"]["serverInfo"]["name"], "annals");
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
    );

    // The seed article holds one deliberate unsourced claim.
    let diagnostics = c.wait(|m| {
        (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str())
            .then(|| m["params"]["diagnostics"].clone())
    });
    let codes: Vec<&str> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["unsourced-claim"]);

    let lines = annals::text::LineIndex::new(&text);
    let pos = |needle: &str, delta: usize| {
        let p = annals::lsp::convert::position(
            &text,
            &lines,
            text.find(needle).unwrap() + delta,
            annals::lsp::convert::Encoding::Utf16,
        );
        serde_json::to_value(p).unwrap()
    };
    // Hover on the speaker of the 2 April tweet: Rogozin, head of Roscosmos on that date.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": pos("#sanctions-purpose by=rogozin", 23) }),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("**Dmitry Rogozin**") && shown.contains("**On 2 April 2022:** Director General, Roscosmos"),
        "{shown}"
    );

    // Definition of a cross-document claim reference lands in the article that made the first report.
    let definition = c.request("textDocument/definition", json!({ "textDocument": { "uri": uri }, "position": pos("2022-04-02-russia-ends-iss-cooperation:no-cooperation", 45) }));
    let target = definition["result"]["uri"].as_str().unwrap();
    assert!(
        target.ends_with("2022-04-02-russia-ends-iss-cooperation.md"),
        "{target}"
    );

    // References to Rogozin span the corpus, in files never opened.
    let refs = c.request("textDocument/references", json!({ "textDocument": { "uri": uri }, "position": pos("by=rogozin", 4), "context": { "includeDeclaration": true } }));
    let refs = refs["result"].as_array().unwrap();
    let files: std::collections::BTreeSet<&str> = refs.iter().map(|r| r["uri"].as_str().unwrap()).collect();
    assert!(refs.len() > 50, "{} references", refs.len());
    assert!(files.len() >= 6, "{files:?}");

    let shutdown = c.request("shutdown", Value::Null);
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status(), Some(0));
}

/// A document of the seed corpus over stdio: its URI and text, and LSP ranges of needles.
struct Seed {
    uri: String,
    text: String,
}

impl Seed {
    fn read(root: &std::path::Path, rel: &str) -> Seed {
        let path = root.join(rel);
        Seed {
            uri: Uri::from_file_path(&path).unwrap().to_string(),
            text: std::fs::read_to_string(&path).unwrap(),
        }
    }
    fn offset(&self, needle: &str) -> usize {
        self.text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not in the seed"))
    }
    fn position(&self, at: usize) -> Value {
        let lines = annals::text::LineIndex::new(&self.text);
        let p = annals::lsp::convert::position(&self.text, &lines, at, annals::lsp::convert::Encoding::Utf16);
        serde_json::to_value(p).unwrap()
    }
    fn range(&self, start: usize, end: usize) -> Value {
        json!({ "start": self.position(start), "end": self.position(end) })
    }
    /// The range of `part` inside the first occurrence of `needle`.
    fn range_in(&self, needle: &str, part: &str) -> Value {
        let at = self.offset(needle) + needle.find(part).unwrap();
        self.range(at, at + part.len())
    }
    fn at(&self, needle: &str, delta: usize) -> Value {
        json!({ "textDocument": { "uri": self.uri }, "position": self.position(self.offset(needle) + delta) })
    }
}

/// The graph features on the seed corpus through the real binary: highlights, selection
/// ranges, the deorbit tweet's thread, Rogozin's hierarchy, and the file operations, each
/// against the ranges of the seed's own text.
#[test]
fn the_corpus_as_a_graph_over_stdio() {
    let root = support::repo_path("corpus");
    let storm = Seed::read(&root, "articles/2022-02-25-rogozin-deorbit-tweetstorm.md");
    let ends = Seed::read(&root, "articles/2022-04-02-russia-ends-iss-cooperation.md");
    let rogozin = Seed::read(&root, "entities/rogozin.md");
    let mut c = Client::spawn(&root);
    c.initialize(&root, json!({}));
    let sorted = |mut v: Vec<Value>| {
        v.sort_by_key(|x| x.to_string());
        v
    };

    // documentHighlight on the `#deorbit` id: the id (write), its three references (read).
    let answer = c.request("textDocument/documentHighlight", storm.at("#deorbit ", 3));
    let found: Vec<Value> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| json!([h["range"], h["kind"]]))
        .collect();
    let expected = vec![
        json!([storm.range_in("#deorbit by=", "deorbit"), 3]),
        json!([storm.range_in("repeats=deorbit}", "deorbit"), 2]),
        json!([storm.range_in("via=email replies-to=deorbit}", "deorbit"), 2]),
        json!([
            storm.range_in(
                "nasa-export-controls by=nasa date=2022-02-24 via=email replies-to=deorbit",
                "deorbit"
            ),
            2
        ]),
    ];
    assert_eq!(sorted(found), sorted(expected));

    // selectionRange in "uncontrolled": the word, the claim's text, the claim, its paragraph
    // (one sentence), the body, the document.
    let word = storm.offset("uncontrolled deorbit and fall");
    let answer = c.request(
        "textDocument/selectionRange",
        json!({ "textDocument": { "uri": storm.uri }, "positions": [storm.position(word + 3)] }),
    );
    let mut chain = Vec::new();
    let mut at = &answer["result"][0];
    while at.is_object() {
        chain.push(at["range"].clone());
        at = &at["parent"];
    }
    let claim_start = storm.offset("[\"If you block cooperation");
    let claim_end = storm.offset("#deorbit by=rogozin date=2022-02-24 via=twitter")
        + "#deorbit by=rogozin date=2022-02-24 via=twitter".len();
    let claim_end = claim_end + storm.text[claim_end..].find('}').unwrap() + 1;
    assert_eq!(chain[0], storm.range(word, word + "uncontrolled".len()));
    assert_eq!(
        chain[1],
        storm.range(claim_start + 1, storm.text[..claim_end].rfind("]{").unwrap())
    );
    assert_eq!(chain[2], storm.range(claim_start, claim_end));
    assert_eq!(chain.last(), Some(&storm.range(0, storm.text.len())));
    assert!(chain.len() >= 5, "{chain:?}");

    // The thread of the deorbit tweet: six claims answer, repeat or support it, three of them
    // in other articles.
    let items = c.request("textDocument/prepareCallHierarchy", storm.at("#deorbit ", 3));
    let item = items["result"][0].clone();
    assert_eq!(item["name"], "Dmitry Rogozin, 2022-02-24");
    assert_eq!(item["uri"], json!(storm.uri));
    assert_eq!(item["selectionRange"], storm.range_in("#deorbit by=", "deorbit"));
    let calls = c.request("callHierarchy/incomingCalls", json!({ "item": item }));
    let calls = calls["result"].as_array().unwrap().clone();
    let names: Vec<&str> = calls.iter().map(|c| c["from"]["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            // Oldest first ("2022-02" starts before the 24th), then by document and place.
            "Elon Musk, 2022-02",
            "Dmitry Rogozin, 2022-02-24",
            "NASA, 2022-02-24",
            "NASA, 2022-02-24",
            "Dmitry Rogozin, 2022-02-24",
            "Dmitry Rogozin, 2022-02-24"
        ],
        "{calls:#?}"
    );
    let musk = &calls[0];
    assert_eq!(musk["from"]["uri"], json!(ends.uri));
    assert!(
        musk["from"]["detail"]
            .as_str()
            .unwrap()
            .starts_with("replies-to · “SpaceX"),
        "{musk}"
    );
    assert_eq!(
        musk["fromRanges"],
        json!([ends.range_in(
            "replies-to=\"2022-02-25-rogozin-deorbit-tweetstorm:deorbit\"",
            "replies-to=\"2022-02-25-rogozin-deorbit-tweetstorm:deorbit\""
        )])
    );
    let elsewhere = calls.iter().filter(|c| c["from"]["uri"] != json!(storm.uri)).count();
    assert_eq!(
        elsewhere, 3,
        "Musk, the repeat in the Reuters article, the Space.com report"
    );
    let out = c.request("callHierarchy/outgoingCalls", json!({ "item": musk["from"] }));
    assert_eq!(out["result"][0]["to"]["selectionRange"], item["selectionRange"]);
    assert_eq!(out["result"][0]["fromRanges"], musk["fromRanges"]);

    // Rogozin's hierarchy: the government (three roles) and Roscosmos above him; Roscosmos's
    // people below it.
    let items = c.request("textDocument/prepareTypeHierarchy", storm.at("by=rogozin", 4));
    let person = items["result"][0].clone();
    assert_eq!(person["uri"], json!(rogozin.uri));
    assert_eq!(
        person["selectionRange"],
        rogozin.range_in("name: Dmitry Rogozin", "Dmitry Rogozin")
    );
    let up = c.request("typeHierarchy/supertypes", json!({ "item": person }));
    let up = up["result"].as_array().unwrap().clone();
    let shown: Vec<(&str, &str)> = up
        .iter()
        .map(|i| (i["name"].as_str().unwrap(), i["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(
        shown[0]
            .1
            .contains("Deputy Prime Minister of Russia (2011-12 – 2018-05)"),
        "{shown:?}"
    );
    assert_eq!(shown[1], ("Roscosmos", "Director General (2018-05 – 2022-07)"));
    let down = c.request("typeHierarchy/subtypes", json!({ "item": up[1] }));
    let names: Vec<&str> = down["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Dmitry Rogozin") && names.len() >= 5, "{names:?}");

    // Renaming entities/musk.md in the editor: every reference to `musk` follows.
    let musk_uri = Uri::from_file_path(root.join("entities/musk.md")).unwrap().to_string();
    let elon_uri = Uri::from_file_path(root.join("entities/elon-musk.md"))
        .unwrap()
        .to_string();
    let edit = c.request(
        "workspace/willRenameFiles",
        json!({ "files": [{ "oldUri": musk_uri, "newUri": elon_uri }] }),
    );
    let mut edited: Vec<Value> = Vec::new();
    for (uri, edits) in edit["result"]["changes"].as_object().unwrap() {
        for e in edits.as_array().unwrap() {
            assert_eq!(e["newText"], "elon-musk");
            edited.push(json!({ "uri": uri, "range": e["range"] }));
        }
    }
    let mut params = ends.at("by=musk", 4);
    params["context"] = json!({ "includeDeclaration": false });
    let references = c.request("textDocument/references", params);
    assert_eq!(sorted(edited), sorted(references["result"].as_array().unwrap().clone()));

    // Deleting Rogozin's page warns of what breaks; a new page starts from the template.
    let rogozin_uri = Uri::from_file_path(root.join("entities/rogozin.md"))
        .unwrap()
        .to_string();
    let answer = c.request(
        "workspace/willDeleteFiles",
        json!({ "files": [{ "uri": rogozin_uri }] }),
    );
    assert_eq!(answer["result"], json!({}));
    let new = Uri::from_file_path(root.join("entities/jim-bridenstine.md"))
        .unwrap()
        .to_string();
    let answer = c.request("workspace/willCreateFiles", json!({ "files": [{ "uri": new }] }));
    assert_eq!(
        answer["result"]["changes"][&new][0]["newText"],
        "---\nkind: person\nname: Jim Bridenstine\naliases: []\ndescription: \n---\n"
    );
    let shutdown = c.request("shutdown", Value::Null);
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status(), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_1_and_requests_before_initialize_are_refused() {
    let root = support::repo_path("corpus");
    let mut c = Client::spawn(&root);
    let early = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///x.md" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(early["error"]["code"], -32002, "ServerNotInitialized: {early}");
    c.request("initialize", json!({ "processId": null, "capabilities": {} }));
    let unknown = c.request("annals/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "MethodNotFound: {unknown}");
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status(), Some(1));
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[test]
fn malformed_messages_are_answered_and_the_session_goes_on() {
    let root = support::repo_path("corpus");
    let mut c = Client::spawn(&root);
    c.initialize(&root, json!({}));
    let mut errors = Vec::new();
    let mut error_after = |c: &mut Client, bytes: &[u8]| {
        c.send_raw(bytes);
        let e = c.wait(|m| (m.get("error").is_some() && m["id"] != json!(1)).then(|| m.clone()));
        errors.push((e["error"]["code"].as_i64().unwrap(), e["id"].clone()));
    };
    error_after(&mut c, &frame("{not json}"));
    error_after(&mut c, b"hello there\r\n\r\n");
    // Valid JSON, not JSON-RPC: answered by its id.
    error_after(&mut c, &frame(r#"{"jsonrpc":"2.0","id":99,"method":7}"#));
    // A length shorter than the body: the body's end is garbage up to the next header.
    let shutdown = r#"{"jsonrpc":"2.0","id":98,"method":"shutdown"}"#;
    error_after(
        &mut c,
        &[b"Content-Length: 5\r\n\r\n".as_slice(), shutdown.as_bytes()].concat(),
    );
    assert_eq!(
        errors,
        [
            (-32700, Value::Null),
            (-32700, Value::Null),
            (-32600, json!(99)),
            (-32700, Value::Null)
        ]
    );
    // The session goes on: a request is answered, from the whole corpus.
    let symbols = c.request("workspace/symbol", json!({ "query": "Rogozin" }));
    assert!(!symbols["result"].as_array().unwrap().is_empty(), "{symbols}");
    // A length above the limit cannot be trusted to resume after: an error, then a clean end.
    c.send_raw(b"Content-Length: 99999999999\r\n\r\n{}");
    let e = c.wait(|m| (m["error"]["code"] == -32600).then(|| m.clone()));
    assert!(
        e["error"]["message"].as_str().unwrap().contains("above the limit"),
        "{e}"
    );
    assert_eq!(c.exit_status(), Some(1));
}

#[test]
fn ten_thousand_changes_in_a_second_then_a_request_sees_the_last_text() {
    let root = support::repo_path("corpus");
    let mut c = Client::spawn(&root);
    c.initialize(&root, json!({}));
    // A new article, only in the editor (nothing is written to the corpus).
    let uri = Uri::from_file_path(root.join("articles/unsaved-edits.md"))
        .unwrap()
        .to_string();
    let mut text = String::from(
        "---\ntitle: Edits\npublished: 2022-04-02\n---\n[\"it\"]{.claim #c0 by=rogozin date=2022-04-01}\n",
    );
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 0, "text": text } }),
    );
    // 10,000 changes, each renaming the claim: `#c0` → `#c1` → … → `#c10000`.
    let started = std::time::Instant::now();
    for n in 1..=10_000 {
        let old = format!("#c{}", n - 1);
        let at = text.find(&old).unwrap();
        let line = text[..at].matches('\n').count();
        let column = at - text[..at].rfind('\n').map_or(0, |k| k + 1);
        let change = json!({ "range": { "start": { "line": line, "character": column }, "end": { "line": line, "character": column + old.len() } }, "text": format!("#c{n}") });
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": n }, "contentChanges": [change] }),
        );
        text.replace_range(at..at + old.len(), &format!("#c{n}"));
    }
    let sent = started.elapsed();
    let symbols = c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["#c10000 \"it\""]);
    assert!(
        sent.as_secs() < 10,
        "sending 10,000 changes took {sent:?}: the server did not keep up"
    );
}

#[test]
fn server_requests_that_are_never_answered_do_not_block_the_session() {
    let root = support::repo_path("corpus");
    let mut c = Client::spawn(&root);
    c.answers_server_requests = false;
    // Progress and dynamic watcher registration both make the server ask the client.
    c.initialize(
        &root,
        json!({ "window": { "workDoneProgress": true }, "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }),
    );
    let asked = c.wait(|m| (m.get("id").is_some() && m.get("method").is_some()).then(|| m["method"].clone()));
    assert!(
        asked == "window/workDoneProgress/create" || asked == "client/registerCapability",
        "{asked}"
    );
    // The unanswered request is abandoned after 5 s; requests are answered all along.
    let started = std::time::Instant::now();
    let symbols = c.request("workspace/symbol", json!({ "query": "Rogozin" }));
    assert!(!symbols["result"].as_array().unwrap().is_empty(), "{symbols}");
    assert!(started.elapsed().as_secs() < 15, "{:?}", started.elapsed());
    let shutdown = c.request("shutdown", Value::Null);
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status(), Some(0));
}

/// Answers above 64 KiB skip tower-lsp-server's `Value` layer and are spliced into the output
/// by the stdio writer (`lsp::large_answer`): they must arrive whole, under their own id, and
/// equal to what the core finds.
#[test]
fn large_answers_arrive_whole_and_equal_to_the_core() {
    use annals::lsp::convert::{self, Encoding};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    annals::generate::write(&annals::generate::Spec::new(300), &root).unwrap();
    let corpus = annals::corpus::Corpus::load(&root).unwrap();
    let slot = (0..corpus.documents.len())
        .map(annals::slots::DocumentSlot::new)
        .find(|&s| corpus.documents[s.index()].text.contains("{e=hub-person}"))
        .expect("a generated article mentions hub-person");
    let doc = &corpus.documents[slot.index()];
    let offset = doc.text.find("{e=hub-person}").unwrap() + 4;
    let uri_of = |s: annals::slots::DocumentSlot| {
        Uri::from_file_path(root.join(&corpus.documents[s.index()].path))
            .unwrap()
            .to_string()
    };
    let mut expected: Vec<Value> = annals::ide::references::references(&corpus, slot, offset, true)
        .iter()
        .map(|l| {
            let d = &corpus.documents[l.document.index()];
            json!({ "uri": uri_of(l.document), "range": convert::range(&d.text, &d.lines, l.range, Encoding::Utf16) })
        })
        .collect();
    assert!(
        serde_json::to_vec(&expected).unwrap().len() > annals::lsp::large_answer::THRESHOLD,
        "the answer must be large enough to take the detour"
    );
    let position = convert::position(&doc.text, &doc.lines, offset, Encoding::Utf16);
    let at = json!({ "textDocument": { "uri": uri_of(slot) }, "position": position });

    let mut c = Client::spawn(&root);
    c.initialize(&root, json!({}));
    for round in 0..3 {
        // A small request between large ones: ids and order stay right.
        let hover = c.request("textDocument/hover", at.clone());
        assert!(hover["result"]["contents"]["value"].is_string(), "{hover}");
        let mut params = at.clone();
        params["context"] = json!({ "includeDeclaration": true });
        let answer = c.request("textDocument/references", params);
        let mut found = answer["result"].as_array().cloned().unwrap_or_default();
        let key = |v: &Value| v.to_string();
        found.sort_by_key(key);
        expected.sort_by_key(key);
        assert_eq!(found.len(), expected.len(), "round {round}");
        assert!(
            found == expected,
            "round {round}: the stdio answer differs from the core's"
        );
    }

    // Cancelled right away, a large request answers in full or with RequestCancelled, never
    // with a placeholder; and the next one is whole again.
    for (k, id) in (9001..9006).enumerate() {
        let mut params = at.clone();
        params["context"] = json!({ "includeDeclaration": true });
        c.send(&json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/references", "params": params }));
        if k % 2 == 0 {
            c.notify("$/cancelRequest", json!({ "id": id }));
        }
        let answer = c.wait(|m| (m["id"] == id && m.get("method").is_none()).then(|| m.clone()));
        match answer["result"].as_array() {
            Some(found) => assert_eq!(found.len(), expected.len(), "request {id}"),
            None => assert_eq!(answer["error"]["code"], -32800, "request {id}: {answer}"),
        }
        assert!(
            !answer.to_string().contains("annals-answer:"),
            "request {id}: a placeholder reached the client"
        );
    }
    let mut params = at.clone();
    params["context"] = json!({ "includeDeclaration": true });
    let again = c.request("textDocument/references", params);
    assert_eq!(again["result"].as_array().map_or(0, Vec::len), expected.len());

    let mut params = at.clone();
    params["newName"] = json!("the-hub-person");
    let edit = c.request("textDocument/rename", params);
    let change = annals::ide::rename::rename(&corpus, slot, offset, "the-hub-person").unwrap();
    let text = edit.to_string();
    assert!(!text.contains("annals-answer:"), "a placeholder reached the client");
    let edits: usize = edit["result"]["documentChanges"]
        .as_array()
        .map(|ops| ops.iter().map(|o| o["edits"].as_array().map_or(0, Vec::len)).sum())
        .unwrap_or(0);
    assert_eq!(edits, change.edits.len(), "{}", &text[..text.len().min(500)]);
    assert!(text.len() > annals::lsp::large_answer::THRESHOLD);
}

/// A workspace pull above 64 KiB skips the `Value` layer too (`lsp::large_request`): its
/// result ids are read by the frame reader. It must answer exactly as a small pull would:
/// nothing for documents whose id is current, a full report for the one whose id is stale,
/// with the same ids, pulled the same way twice in a row (the second reuses the first's read).
#[test]
fn large_workspace_pulls_answer_as_small_ones_do() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    annals::generate::write(&annals::generate::Spec::new(600), &root).unwrap();
    let mut c = Client::spawn(&root);
    c.initialize(&root, json!({ "textDocument": { "diagnostic": {} } }));
    let first = c.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let items = first["result"]["items"].as_array().cloned().unwrap();
    assert!(items.len() > 600, "{} reports", items.len());
    let mut known: Vec<Value> = items
        .iter()
        .map(|i| json!({ "uri": i["uri"], "value": i["resultId"] }))
        .collect();
    assert!(
        serde_json::to_vec(&known).unwrap().len() > annals::lsp::large_request::THRESHOLD,
        "the pull must be large enough to take the detour"
    );
    // One stale id, and one for a document the server does not know.
    let stale = known[17]["uri"].clone();
    known[17]["value"] = json!("0-1");
    known.push(json!({ "uri": "file:///nowhere/x.md", "value": items[0]["resultId"] }));
    for round in 0..2 {
        let again = c.request(
            "workspace/diagnostic",
            json!({ "identifier": "annals", "previousResultIds": known }),
        );
        let reports = again["result"]["items"].as_array().unwrap();
        assert_eq!(reports.len(), 1, "round {round}: only the stale one: {again}");
        assert_eq!(reports[0]["uri"], stale, "round {round}");
        assert_eq!(reports[0]["resultId"], items[17]["resultId"], "round {round}");
        assert_eq!(reports[0]["items"], items[17]["items"], "round {round}");
        assert!(
            !again.to_string().contains("annals-request:"),
            "round {round}: a marker reached the client"
        );
    }
    // A document pull with a marker of its own is just an unknown URI.
    let forged = c.request(
        "workspace/diagnostic",
        json!({ "previousResultIds": [{ "uri": "annals-request:///0000000000000000/1", "value": "" }] }),
    );
    assert_eq!(
        forged["result"]["items"].as_array().map_or(0, Vec::len),
        items.len(),
        "a forged marker is an unknown document: every report in full"
    );
}
