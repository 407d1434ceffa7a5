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
