//! Every kind of message the server sends, checked against the LSP 3.17 metamodel by an
//! outside referee: the real binary over stdio on a copy of the seed corpus, in push and in
//! pull mode, asked every request it answers; each message it sends (answers, errors,
//! notifications, its own requests) goes to `tests/lsp_conformance.py`, which structures it
//! into lsprotocol's type for it and compares the round trip with what was sent. lsprotocol
//! comes from PyPI, into `target/lsp-venv` (`bash .ci/run` installs it).

mod support;

use support::conformance::{python, saw_or_wait, validate};

use serde_json::{Value, json};
use std::path::Path;
use support::stdio::Client;
use tower_lsp_server::ls_types::Uri;

const TWEETSTORM: &str = "articles/2022-02-25-rogozin-deorbit-tweetstorm.md";
const SPACE_COM: &str = "articles/2022-04-02-space-com-russia-threatens-iss.md";

fn seed_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let seed = support::repo_path("corpus");
    for file in support::walk(&seed) {
        let to = dir.path().join(file.strip_prefix(&seed).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, to).unwrap();
    }
    dir
}

/// A document of the corpus: its URI, its text, and positions in it by needle.
struct Doc {
    uri: String,
    text: String,
}

impl Doc {
    fn open(c: &mut Client, root: &Path, rel: &str) -> Doc {
        let path = root.join(rel);
        let doc = Doc {
            uri: Uri::from_file_path(&path).unwrap().to_string(),
            text: std::fs::read_to_string(&path).unwrap(),
        };
        c.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": doc.uri, "languageId": "markdown", "version": 1, "text": doc.text } }),
        );
        doc
    }

    fn pos(&self, needle: &str, delta: usize) -> Value {
        let at = self
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not in the document"))
            + delta;
        let lines = annals::text::LineIndex::new(&self.text);
        let p = annals::lsp::convert::position(&self.text, &lines, at, annals::lsp::convert::Encoding::Utf16);
        serde_json::to_value(p).unwrap()
    }

    fn at(&self, needle: &str, delta: usize) -> Value {
        json!({ "textDocument": { "uri": self.uri }, "position": self.pos(needle, delta) })
    }

    fn whole(&self) -> Value {
        json!({ "start": { "line": 0, "character": 0 }, "end": self.pos(self.text.trim_end(), self.text.trim_end().len()) })
    }
}

fn ok(answer: &Value, what: &str) -> Value {
    assert!(answer.get("error").is_none(), "{what}: {answer}");
    answer["result"].clone()
}

#[test]
fn every_message_of_a_push_session_conforms_to_lsp_3_17() {
    let dir = seed_copy();
    let root = dir.path();
    let mut c = Client::spawn(root);
    c.received = Some(Vec::new());
    let init = c.initialize(
        root,
        json!({
            "window": { "workDoneProgress": true },
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true }, "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create", "rename"] } },
            "textDocument": { "hover": { "contentFormat": ["markdown"] } },
        }),
    );
    ok(&init, "initialize");
    let space = Doc::open(&mut c, root, SPACE_COM);
    let storm = Doc::open(&mut c, root, TWEETSTORM);
    c.wait(|m| {
        (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == space.uri.as_str()).then_some(())
    });

    let requests: Vec<(&str, Value)> = vec![
        ("textDocument/hover", space.at("by=rogozin", 4)),
        ("textDocument/hover", space.at("#sanctions-purpose", 3)),
        ("textDocument/hover", space.at("date=2022-04-02", 7)),
        ("textDocument/hover", space.at("---", 1)),
        ("textDocument/definition", space.at("by=rogozin", 4)),
        ("textDocument/definition", space.at("---", 1)),
        ("textDocument/references", {
            let mut p = space.at("by=rogozin", 4);
            p["context"] = json!({ "includeDeclaration": true });
            p
        }),
        ("textDocument/completion", space.at("e=nasa}", 3)),
        (
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": storm.uri }, "range": storm.whole(), "context": { "diagnostics": [] } }),
        ),
        ("textDocument/prepareRename", space.at("by=rogozin", 4)),
        ("textDocument/prepareRename", space.at("---", 1)),
        ("textDocument/rename", {
            let mut p = space.at("by=rogozin", 4);
            p["newName"] = json!("dmitry-rogozin");
            p
        }),
        ("textDocument/rename", {
            let mut p = space.at("#sanctions-purpose", 3);
            p["newName"] = json!("sanctions-aim");
            p
        }),
        (
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": space.uri } }),
        ),
        ("workspace/symbol", json!({ "query": "rogozin" })),
        (
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": space.uri } }),
        ),
        (
            "textDocument/semanticTokens/range",
            json!({ "textDocument": { "uri": space.uri }, "range": space.whole() }),
        ),
        (
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": space.uri }, "range": space.whole() }),
        ),
        (
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": space.uri } }),
        ),
        (
            "textDocument/documentLink",
            json!({ "textDocument": { "uri": space.uri } }),
        ),
        ("textDocument/documentHighlight", space.at("by=rogozin", 4)),
        ("textDocument/documentHighlight", storm.at("#deorbit ", 3)),
        (
            "textDocument/selectionRange",
            json!({ "textDocument": { "uri": space.uri }, "positions": [space.pos("by=rogozin", 4), space.pos("sanctions is", 2), space.pos("title:", 2)] }),
        ),
        ("textDocument/prepareCallHierarchy", storm.at("#deorbit ", 3)),
        ("textDocument/prepareTypeHierarchy", space.at("by=rogozin", 4)),
        (
            "workspace/willRenameFiles",
            json!({ "files": [{ "oldUri": uri(root, "entities/nasa.md"), "newUri": uri(root, "entities/us-space-agency.md") }] }),
        ),
        (
            "workspace/willCreateFiles",
            json!({ "files": [{ "uri": uri(root, "entities/new-person.md") }, { "uri": uri(root, "articles/2022-05-01-new.md") }] }),
        ),
        ("annals/noSuchMethod", json!({})),
    ];
    for (method, params) in requests {
        let answer = c.request(method, params);
        assert!(
            answer.get("result").is_some() || answer.get("error").is_some(),
            "{method}: {answer}"
        );
    }

    // The items of one answer go back in the next requests.
    let items = ok(
        &c.request("textDocument/prepareCallHierarchy", storm.at("#deorbit ", 3)),
        "prepare",
    );
    let incoming = ok(
        &c.request("callHierarchy/incomingCalls", json!({ "item": items[0] })),
        "incoming",
    );
    assert!(incoming.as_array().is_some_and(|a| a.len() >= 3), "{incoming}");
    ok(
        &c.request("callHierarchy/outgoingCalls", json!({ "item": incoming[0]["from"] })),
        "outgoing",
    );
    let types = ok(
        &c.request("textDocument/prepareTypeHierarchy", space.at("by=rogozin", 4)),
        "prepare types",
    );
    let up = ok(
        &c.request("typeHierarchy/supertypes", json!({ "item": types[0] })),
        "supertypes",
    );
    assert!(up.as_array().is_some_and(|a| !a.is_empty()), "{up}");
    ok(
        &c.request("typeHierarchy/subtypes", json!({ "item": up[0] })),
        "subtypes",
    );
    let lenses = ok(
        &c.request("textDocument/codeLens", json!({ "textDocument": { "uri": storm.uri } })),
        "lenses",
    );
    let lens = lenses[0].clone();
    ok(&c.request("codeLens/resolve", lens.clone()), "resolve");
    let command = &lens["command"];
    c.request(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    // A deletion warns (showMessage) and lists the references (logMessage).
    c.request(
        "workspace/willDeleteFiles",
        json!({ "files": [{ "uri": uri(root, "entities/rogozin.md") }] }),
    );
    // (They come before the answer, so the request's wait has seen them.)
    let said: Vec<&str> = c
        .received
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|m| m["method"].as_str())
        .collect();
    assert!(
        said.contains(&"window/showMessage") && said.contains(&"window/logMessage"),
        "{said:?}"
    );
    // A blank file created in the editor: the server proposes its template.
    std::fs::write(root.join("entities/created.md"), "").unwrap();
    c.notify(
        "workspace/didCreateFiles",
        json!({ "files": [{ "uri": uri(root, "entities/created.md") }] }),
    );
    saw_or_wait(&mut c, "workspace/applyEdit");
    // A changed setting makes the server ask for fresh inlay hints.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "annals": { "inlayHints": { "claimText": false } } } }),
    );
    saw_or_wait(&mut c, "workspace/inlayHint/refresh");
    ok(&c.request("shutdown", Value::Null), "shutdown");
    c.notify("exit", Value::Null);

    validate(
        &c,
        &[
            "response initialize",
            "request window/workDoneProgress/create",
            "notification $/progress",
            "request client/registerCapability",
            "notification textDocument/publishDiagnostics",
            "response textDocument/hover",
            "response textDocument/definition",
            "response textDocument/references",
            "response textDocument/completion",
            "response textDocument/codeAction",
            "response textDocument/prepareRename",
            "response textDocument/prepareRename (error)",
            "response textDocument/rename",
            "response textDocument/documentSymbol",
            "response workspace/symbol",
            "response textDocument/semanticTokens/full",
            "response textDocument/semanticTokens/range",
            "response textDocument/inlayHint",
            "response textDocument/codeLens",
            "response codeLens/resolve",
            "response textDocument/foldingRange",
            "response textDocument/documentLink",
            "response textDocument/documentHighlight",
            "response textDocument/selectionRange",
            "response textDocument/prepareCallHierarchy",
            "response callHierarchy/incomingCalls",
            "response callHierarchy/outgoingCalls",
            "response textDocument/prepareTypeHierarchy",
            "response typeHierarchy/supertypes",
            "response typeHierarchy/subtypes",
            "response workspace/willRenameFiles",
            "response workspace/willDeleteFiles",
            "response workspace/willCreateFiles",
            "response workspace/executeCommand (error)",
            "response annals/noSuchMethod (error)",
            "notification window/showMessage",
            "notification window/logMessage",
            "request workspace/inlayHint/refresh",
            "request workspace/applyEdit",
            "response shutdown",
        ],
    );
}

#[test]
fn every_message_of_a_pull_session_conforms_to_lsp_3_17() {
    let dir = seed_copy();
    let root = dir.path();
    let mut c = Client::spawn(root);
    c.received = Some(Vec::new());
    let root_uri = uri(root, "");
    c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": root_uri,
            "workspaceFolders": [{ "uri": root_uri, "name": "corpus" }],
            "capabilities": { "textDocument": { "diagnostic": { "dynamicRegistration": false } }, "workspace": { "diagnostics": { "refreshSupport": true } } },
            "initializationOptions": { "diagnosticsDelay": 0, "workspaceDiagnosticsHold": 0 },
        }),
    );
    c.notify("initialized", json!({}));
    let space = Doc::open(&mut c, root, SPACE_COM);
    let first = ok(
        &c.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": space.uri } }),
        ),
        "diagnostic",
    );
    assert_eq!(first["kind"], "full");
    let again = ok(
        &c.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": space.uri }, "previousResultId": first["resultId"] }),
        ),
        "diagnostic again",
    );
    assert_eq!(again["kind"], "unchanged");
    let all = ok(
        &c.request("workspace/diagnostic", json!({ "previousResultIds": [] })),
        "workspace",
    );
    let known: Vec<Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({ "uri": i["uri"], "value": i["resultId"] }))
        .collect();
    // Every id known and nothing new: an answer with no items (the hold is 0 here).
    ok(
        &c.request("workspace/diagnostic", json!({ "previousResultIds": known })),
        "workspace again",
    );
    // An edit: the server asks the client to pull again.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": space.uri, "version": 2 }, "contentChanges": [{ "text": space.text.replacen("by=rogozin", "by=rogozinn", 1) }] }),
    );
    c.request("textDocument/hover", space.at("by=rogozin", 4));
    saw_or_wait(&mut c, "workspace/diagnostic/refresh");
    ok(&c.request("shutdown", Value::Null), "shutdown");
    c.notify("exit", Value::Null);
    validate(
        &c,
        &[
            "response initialize",
            "response textDocument/diagnostic",
            "response workspace/diagnostic",
            "request workspace/diagnostic/refresh",
            "response textDocument/hover",
            "response shutdown",
        ],
    );
}

fn uri(root: &Path, rel: &str) -> String {
    let path = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    Uri::from_file_path(&path).unwrap().to_string()
}

/// The referee itself: it must reject each wrong shape, and pass a right one.
#[test]
fn the_validator_rejects_wrong_shapes() {
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 3 } });
    let hover = |result: Value| json!({ "method": "textDocument/hover", "direction": "response", "message": { "jsonrpc": "2.0", "id": 1, "result": result } });
    let run = |records: &[Value]| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("messages.jsonl");
        let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
        std::fs::write(&file, lines.join("\n")).unwrap();
        let output = std::process::Command::new(python())
            .arg(support::repo_path("tests/lsp_conformance.py"))
            .arg(&file)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let right = hover(json!({ "contents": { "kind": "markdown", "value": "x" }, "range": range }));
    let (passed, said) = run(std::slice::from_ref(&right));
    assert!(passed, "{said}");
    let wrong = [
        // A string where the protocol wants an integer.
        hover(
            json!({ "contents": { "kind": "markdown", "value": "x" }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": "3" } } }),
        ),
        // A key the protocol does not define.
        hover(json!({ "contents": { "kind": "markdown", "value": "x" }, "range": range, "extra": 1 })),
        // A markup kind that does not exist.
        hover(json!({ "contents": { "kind": "html", "value": "x" } })),
        // `params: null` on a request without parameters.
        json!({ "method": "workspace/diagnostic/refresh", "direction": "request", "message": { "jsonrpc": "2.0", "id": 2, "method": "workspace/diagnostic/refresh", "params": null } }),
        // A type hierarchy item's tags as one tag, not a list.
        json!({ "method": "textDocument/prepareTypeHierarchy", "direction": "response", "message": { "jsonrpc": "2.0", "id": 3, "result": [{ "name": "x", "kind": 5, "tags": 1, "uri": "file:///x.md", "range": range, "selectionRange": range }] } }),
    ];
    for bad in &wrong {
        let (passed, said) = run(&[right.clone(), bad.clone()]);
        assert!(!passed && said.contains("1 problems"), "accepted {bad}:\n{said}");
    }
}
