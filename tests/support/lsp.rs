//! An in-process LSP harness: the server's `LspService`, a task that keeps draining the
//! client socket (its channel holds one message) and answers the server's own requests,
//! and a fixture language for files, a cursor and expected ranges.
//!
//! Fixture markers, removed before the files are written: `$0` is the cursor, `⟦` and `⟧`
//! enclose an expected range (several per file are allowed).

#![allow(dead_code)]

use annals::lsp::{self, Options};
use annals::text::{LineIndex, TextRange};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ls_types::Uri;

pub struct FixtureFile {
    pub text: String,
    pub cursor: Option<usize>,
    pub ranges: Vec<TextRange>,
}

pub fn parse(fixture: &str) -> BTreeMap<String, FixtureFile> {
    let parsed = super::parse_fixture(fixture);
    parsed
        .files
        .into_iter()
        .map(|(path, raw)| {
            let mut text = String::new();
            let mut cursor = None;
            let mut ranges = Vec::new();
            let mut open: Vec<usize> = Vec::new();
            let mut rest = raw.as_str();
            while let Some(c) = rest.chars().next() {
                if rest.starts_with("$0") {
                    cursor = Some(text.len());
                    rest = &rest[2..];
                    continue;
                }
                match c {
                    '⟦' => open.push(text.len()),
                    '⟧' => ranges.push(TextRange::new(open.pop().expect("⟧ without ⟦"), text.len())),
                    c => text.push(c),
                }
                rest = &rest[c.len_utf8()..];
            }
            ranges.sort();
            (path, FixtureFile { text, cursor, ranges })
        })
        .collect()
}

/// A running in-process server over a fixture corpus written to a temporary folder.
pub struct TestServer {
    service: annals::lsp::Service,
    /// Notifications (and requests) the server sent, in order.
    incoming: mpsc::UnboundedReceiver<Value>,
    next_id: i64,
    pub dir: tempfile::TempDir,
    pub files: BTreeMap<String, FixtureFile>,
    pub utf8: bool,
    /// Versions of open documents.
    versions: BTreeMap<String, i32>,
}

pub struct Setup {
    pub utf8: bool,
    pub pull: bool,
    pub progress: bool,
    pub watch: bool,
    pub initialization_options: Value,
    /// Workspace folders, relative to the fixture root; none means the root itself (with an
    /// annals.toml written there when the fixture has none).
    pub folders: Vec<&'static str>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            utf8: false,
            pull: false,
            progress: false,
            watch: false,
            initialization_options: json!({ "diagnosticsDelay": 0 }),
            folders: Vec::new(),
        }
    }
}

impl TestServer {
    pub async fn start(fixture: &str) -> TestServer {
        Self::start_with(fixture, Setup::default()).await
    }

    pub async fn start_with(fixture: &str, setup: Setup) -> TestServer {
        let files = parse(fixture);
        let dir = tempfile::tempdir().unwrap();
        for (path, file) in &files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, &file.text).unwrap();
        }
        if setup.folders.is_empty() && !files.contains_key("annals.toml") {
            std::fs::write(dir.path().join("annals.toml"), "[corpus]\nname = \"fixture\"\n").unwrap();
        }
        let (service, socket, _) = lsp::service(Options {
            test_hooks: true,
            ..Options::default()
        });
        let (tx, incoming) = mpsc::unbounded_channel();
        let (mut stream, mut sink) = socket.split();
        tokio::spawn(async move {
            while let Some(request) = stream.next().await {
                let value = serde_json::to_value(&request).unwrap();
                // Answer the server's own requests (registration, progress tokens, refresh) at once.
                if let Some(id) = request.id().cloned() {
                    let _ = sink.send(Response::from_ok(id, Value::Null)).await;
                }
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let mut server = TestServer {
            service,
            incoming,
            next_id: 0,
            dir,
            files,
            utf8: setup.utf8,
            versions: BTreeMap::new(),
        };
        let root = server.uri_of("");
        let folders: Vec<Value> = if setup.folders.is_empty() {
            vec![json!({ "uri": root, "name": "fixture" })]
        } else {
            setup
                .folders
                .iter()
                .map(|f| json!({ "uri": server.uri_of(f), "name": f }))
                .collect()
        };
        let mut capabilities = json!({
            "textDocument": { "hover": { "contentFormat": ["markdown"] } },
            "window": { "workDoneProgress": setup.progress },
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": setup.watch }, "diagnostics": { "refreshSupport": true } },
        });
        if setup.utf8 {
            capabilities["general"] = json!({ "positionEncodings": ["utf-8", "utf-16"] });
        }
        if setup.pull {
            capabilities["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
        }
        let init = server
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root,
                    "capabilities": capabilities,
                    "workspaceFolders": folders,
                    "initializationOptions": setup.initialization_options,
                }),
            )
            .await
            .expect("initialize answers");
        let expected = if setup.utf8 { "utf-8" } else { "utf-16" };
        assert_eq!(init["capabilities"]["positionEncoding"], expected);
        server.notify("initialized", json!({})).await;
        server
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn uri_of(&self, rel: &str) -> String {
        let path = if rel.is_empty() {
            self.dir.path().to_path_buf()
        } else {
            self.path(rel)
        };
        Uri::from_file_path(&path).unwrap().to_string()
    }

    /// The relative path of a URI the server sent.
    pub fn rel_of(&self, uri: &str) -> String {
        let uri: Uri = uri.parse().unwrap();
        let path = uri.to_file_path().unwrap().into_owned();
        path.strip_prefix(self.dir.path())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    }

    async fn call(&mut self, request: Request) -> Option<Response> {
        futures::future::poll_fn(|cx| tower::Service::poll_ready(&mut self.service, cx))
            .await
            .unwrap();
        tower::Service::call(&mut self.service, request).await.unwrap()
    }

    /// Sends a request; `Ok(result)` or `Err(error object)`.
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let request = Request::build(method.to_string())
            .params(params)
            .id(self.next_id)
            .finish();
        let response = self.call(request).await.expect("a request gets a response");
        let value = serde_json::to_value(&response).unwrap();
        match value.get("error") {
            Some(e) => Err(e.clone()),
            None => Ok(value["result"].clone()),
        }
    }

    /// Sends a request without waiting: its id, and the future of its response.
    pub async fn start_request(
        &mut self,
        method: &str,
        params: Value,
    ) -> (i64, impl std::future::Future<Output = Result<Value, Value>> + use<>) {
        self.next_id += 1;
        let id = self.next_id;
        let request = Request::build(method.to_string()).params(params).id(id).finish();
        futures::future::poll_fn(|cx| tower::Service::poll_ready(&mut self.service, cx))
            .await
            .unwrap();
        let response = tower::Service::call(&mut self.service, request);
        (id, async move {
            let value = serde_json::to_value(response.await.unwrap().expect("a response")).unwrap();
            match value.get("error") {
                Some(e) => Err(e.clone()),
                None => Ok(value["result"].clone()),
            }
        })
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Option<Value> {
        match self.request_raw(method, params).await {
            Ok(v) => Some(v),
            Err(e) => panic!("{method} failed: {e}"),
        }
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        let request = Request::build(method.to_string()).params(params).finish();
        assert!(self.call(request).await.is_none());
    }

    pub async fn open(&mut self, rel: &str) {
        let text = self
            .files
            .get(rel)
            .map(|f| f.text.clone())
            .unwrap_or_else(|| std::fs::read_to_string(self.path(rel)).unwrap());
        self.versions.insert(rel.to_string(), 1);
        let uri = self.uri_of(rel);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
        )
        .await;
    }

    /// Replaces a range (byte offsets in the current text) with new text.
    pub async fn change(&mut self, rel: &str, text_before: &str, range: TextRange, new_text: &str) {
        let version = self.versions.entry(rel.to_string()).or_insert(1);
        *version += 1;
        let version = *version;
        let range = self.lsp_range(text_before, range);
        let uri = self.uri_of(rel);
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": range, "text": new_text }] }),
        )
        .await;
    }

    pub fn position(&self, text: &str, offset: usize) -> Value {
        let enc = if self.utf8 {
            lsp::convert::Encoding::Utf8
        } else {
            lsp::convert::Encoding::Utf16
        };
        serde_json::to_value(lsp::convert::position(text, &LineIndex::new(text), offset, enc)).unwrap()
    }

    pub fn lsp_range(&self, text: &str, range: TextRange) -> Value {
        json!({ "start": self.position(text, range.start as usize), "end": self.position(text, range.end as usize) })
    }

    /// The fixture file's text, cursor position, and `{uri, position}` params at the cursor.
    pub fn at_cursor(&self, rel: &str) -> Value {
        let file = &self.files[rel];
        let cursor = file.cursor.unwrap_or_else(|| panic!("{rel} has no $0"));
        json!({ "textDocument": { "uri": self.uri_of(rel) }, "position": self.position(&file.text, cursor) })
    }

    /// The next message the server sent for which `pick` returns something, within `secs`.
    pub async fn wait_for<T>(&mut self, secs: u64, mut pick: impl FnMut(&Value) -> Option<T>) -> Option<T> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let message = tokio::time::timeout_at(deadline, self.incoming.recv()).await.ok()??;
            if let Some(found) = pick(&message) {
                return Some(found);
            }
        }
    }

    /// The next diagnostics published for `rel`, as (range, code) pairs sorted.
    pub async fn diagnostics(&mut self, rel: &str) -> Vec<(Value, String)> {
        let uri = self.uri_of(rel);
        let found = self
            .wait_for(10, |m| {
                (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str())
                    .then(|| m["params"]["diagnostics"].clone())
            })
            .await
            .unwrap_or_else(|| panic!("no diagnostics published for {rel}"));
        let mut list: Vec<(Value, String)> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["range"].clone(), d["code"].as_str().unwrap_or("").to_string()))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.to_string().cmp(&b.0.to_string())));
        list
    }

    /// Every (file, range) marked ⟦…⟧ in the fixture, as LSP locations, sorted.
    pub fn marked_locations(&self) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (rel, file) in &self.files {
            for r in &file.ranges {
                out.push((rel.clone(), self.lsp_range(&file.text, *r)));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.to_string().cmp(&b.1.to_string())));
        out
    }

    /// LSP locations from a response, as (file, range), sorted.
    pub fn locations(&self, value: &Value) -> Vec<(String, Value)> {
        let list = match value {
            Value::Array(items) => items.clone(),
            Value::Null => Vec::new(),
            one => vec![one.clone()],
        };
        let mut out: Vec<(String, Value)> = list
            .iter()
            .map(|l| (self.rel_of(l["uri"].as_str().unwrap()), l["range"].clone()))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.to_string().cmp(&b.1.to_string())));
        out
    }
}

pub fn root_of(server: &TestServer) -> &Path {
    server.dir.path()
}

impl TestServer {
    /// The files after applying a WorkspaceEdit (`changes` or `documentChanges` with create and
    /// rename operations) to the fixture's texts: relative path → text.
    pub fn apply_edit(&self, edit: &Value) -> BTreeMap<String, String> {
        let mut files: BTreeMap<String, String> = self.files.iter().map(|(p, f)| (p.clone(), f.text.clone())).collect();
        let enc = if self.utf8 {
            lsp::convert::Encoding::Utf8
        } else {
            lsp::convert::Encoding::Utf16
        };
        let apply = |files: &mut BTreeMap<String, String>, rel: String, edits: &Vec<Value>| {
            let text = files.get(&rel).cloned().unwrap_or_default();
            let lines = LineIndex::new(&text);
            let mut ranged: Vec<(TextRange, String)> = edits
                .iter()
                .map(|e| {
                    let range: tower_lsp_server::ls_types::Range = serde_json::from_value(e["range"].clone()).unwrap();
                    (
                        lsp::convert::text_range(&text, &lines, range, enc),
                        e["newText"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            ranged.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
            let mut out = text.clone();
            for (r, new) in ranged {
                out.replace_range(r.range(), &new);
            }
            files.insert(rel, out);
        };
        if let Some(changes) = edit["changes"].as_object() {
            for (uri, edits) in changes {
                apply(&mut files, self.rel_of(uri), edits.as_array().unwrap());
            }
        }
        for op in edit["documentChanges"].as_array().into_iter().flatten() {
            match op["kind"].as_str() {
                Some("create") => {
                    files.entry(self.rel_of(op["uri"].as_str().unwrap())).or_default();
                }
                Some("rename") => {
                    let old = self.rel_of(op["oldUri"].as_str().unwrap());
                    let text = files.remove(&old).unwrap_or_default();
                    files.insert(self.rel_of(op["newUri"].as_str().unwrap()), text);
                }
                _ => apply(
                    &mut files,
                    self.rel_of(op["textDocument"]["uri"].as_str().unwrap()),
                    op["edits"].as_array().unwrap(),
                ),
            }
        }
        files
    }
}

impl TestServer {
    /// A server over a copy of a real corpus folder (no fixture markers).
    pub async fn start_on_copy_of(dir: &Path) -> TestServer {
        let mut fixture = String::new();
        for entry in super::walk(dir) {
            let rel = entry.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&entry).unwrap();
            assert!(
                !text.contains("$0") && !text.contains('⟦'),
                "{rel} holds a fixture marker"
            );
            fixture.push_str(&format!("//- {rel}\n{text}"));
            if !text.ends_with('\n') {
                panic!("{rel} must end with a newline to round-trip through the fixture format");
            }
        }
        TestServer::start(&fixture).await
    }
}
