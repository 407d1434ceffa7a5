//! Bad input, each case with a test: files no editor should write but some will (binary,
//! NUL bytes, 50 MB, one enormous line), file-system traps (symlink loops, links out of the
//! root, FIFOs, folders named like documents), and an editor session whose files change
//! under it (deleted, unreadable or renamed while open; two workspace folders; documents
//! never opened; invalid URIs).
//!
//! Covered elsewhere: not UTF-8, empty, CRLF, byte-order mark and front matter never closed
//! (tests/cli.rs `bad_files_are_findings_and_the_rest_is_still_checked`); 10,000 nested
//! brackets, lone CR (tests/parser.rs); annals.toml missing, invalid or with unknown keys
//! (tests/cli.rs); two files with one id (tests/fixtures/rules/duplicate-id.fixture); a file
//! above the size limit (tests/fixtures/rules/file-too-large.fixture, and below at 50 MB).

mod support;

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::lsp::{Setup, TestServer};

const ROGOZIN: &str = "---\nkind: person\nname: Dmitry Rogozin\naliases: [Rogozin]\n---\n";
const OK: &str = "---\ntitle: Fine\npublished: 2022-04-02\n---\n[Rogozin]{e=rogozin} said [\"fine\"]{.claim #fine by=rogozin date=2022-04-01}.\n";

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A corpus with one entity and one clean article.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "annals.toml", "[corpus]\nname = \"bad input\"\n");
    write(dir.path(), "entities/rogozin.md", ROGOZIN);
    write(dir.path(), "articles/ok.md", OK);
    dir
}

fn annals() -> Command {
    Command::new(env!("CARGO_BIN_EXE_annals"))
}

/// `annals check --format json ROOT` with a deadline (a hang fails the test instead of
/// stalling it): the exit status, the checked document count, and "file code" per finding.
fn check(root: &Path) -> (Option<i32>, u64, Vec<String>) {
    let child = annals()
        .args(["check", "--format", "json"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The output is read while the child runs: a large one would fill the pipe and stall it.
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    let out = match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            // SAFETY: kill(2) on the child's pid, which it keeps until it is waited for.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("annals check did not finish in 120 s: it hangs on this corpus");
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    let mut found: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["file"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    found.sort();
    (out.status.code(), v["documents"].as_u64().unwrap(), found)
}

#[test]
fn binary_files_and_nul_bytes() {
    let dir = corpus();
    let binary: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    write(dir.path(), "articles/binary.md", &binary);
    // NUL is a valid character in the text: the file is checked like any other, and it is clean.
    write(
        dir.path(),
        "articles/nul.md",
        "---\ntitle: NUL\npublished: 2022-04-02\n---\n\0[Rogozin]{e=rogozin}\0 said [\"x\0\"]{.claim by=rogozin date=2022-04-01}\0\n",
    );
    // YAML forbids it: in front matter it is reported where it is.
    write(
        dir.path(),
        "articles/nul-yaml.md",
        "---\ntitle: N\0L\npublished: 2022-04-02\n---\n",
    );
    let (status, documents, found) = check(dir.path());
    assert_eq!(status, Some(1));
    assert_eq!(documents, 5);
    assert_eq!(
        found,
        [
            "articles/binary.md syntax-error",
            "articles/nul-yaml.md invalid-front-matter"
        ]
    );
}

/// Writes an article of `size` bytes or a little more, clean paragraphs with a mention and a
/// claim, without holding it in memory (the test process's own peak would hide the checker's).
fn write_big_article(path: &Path, size: usize) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let head = "---\ntitle: Big\npublished: 2022-04-02\n---\n";
    let paragraph = "[Rogozin]{e=rogozin} said [\"we will go on\"]{.claim by=rogozin date=2022-04-01} to reporters, \
again and again, in a long article that nobody will read to its end.\n\n";
    out.write_all(head.as_bytes()).unwrap();
    for _ in 0..size.div_ceil(paragraph.len()) {
        out.write_all(paragraph.as_bytes()).unwrap();
    }
    out.flush().unwrap();
}

#[test]
fn a_50_mb_file_is_skipped_unread_and_read_when_the_limit_allows_it() {
    let dir = corpus();
    write_big_article(&dir.path().join("articles/big.md"), 50 << 20);

    // Above the default limit (16 MiB): a finding, and the file is never read. The peak RSS
    // proves it: the whole process stays well under the file's size.
    let (_, peak_kib, _) = support::measure(annals().args(["check", "--format", "json"]).arg(dir.path()));
    let (status, documents, found) = check(dir.path());
    assert_eq!(status, Some(1));
    assert_eq!(documents, 3);
    assert_eq!(found, ["articles/big.md file-too-large"]);
    assert!(
        peak_kib < 40 * 1024,
        "check took {peak_kib} KiB for a corpus whose only large file is skipped"
    );

    // Allowed by annals.toml: read and checked in full, and clean.
    write(dir.path(), "annals.toml", "[corpus]\nmax-file-size = \"64 MiB\"\n");
    let (status, documents, found) = check(dir.path());
    assert_eq!((status, documents), (Some(0), 3));
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn documents_come_in_the_order_of_a_walk_by_name() {
    let dir = corpus();
    for file in [
        "articles/b.md",
        "articles/a-c.md",
        "articles/a/z/x.md",
        "articles/a/b.md",
    ] {
        write(dir.path(), file, "");
    }
    let config = annals::config::Config::default();
    let globs = annals::discover::DocumentGlobs::new(&config).unwrap();
    let found: Vec<String> = annals::discover::corpus_files(dir.path(), &globs)
        .into_iter()
        .map(|f| f.relative)
        .collect();
    // The folder `a` sorts before `a-c.md` by name, though `a/` sorts after `a-` as text.
    let articles = [
        "articles/a/b.md",
        "articles/a/z/x.md",
        "articles/a-c.md",
        "articles/b.md",
        "articles/ok.md",
    ];
    assert_eq!(
        found.iter().filter(|f| f.starts_with("articles/")).collect::<Vec<_>>(),
        articles
    );
}

#[test]
fn symlink_loops_links_out_of_the_root_fifos_and_folders_named_like_documents() {
    let dir = corpus();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    // Outside the corpus: an article that would be reported if it were read.
    let secret = "---\ntitle: Secret\npublished: 2022-04-02\n---\n[X]{e=nobody}\n";
    write(outside.path(), "secret.md", secret);
    write(outside.path(), "folder/inner.md", secret);
    let link = |target: &Path, rel: &str| std::os::unix::fs::symlink(target, root.join(rel)).unwrap();
    link(&outside.path().join("secret.md"), "articles/out.md");
    link(&outside.path().join("folder"), "articles/outdir");
    link(&root.join("articles"), "articles/loop");
    // Links to the root itself, below it and beside its folders: loops.
    link(root, "articles/root");
    link(root, "up");
    link(&root.join("articles/self.md"), "articles/self.md"); // a link to itself
    link(&root.join("articles/ok.md"), "articles/again.md"); // inside the root: followed
    let fifo = std::ffi::CString::new(root.join("articles/pipe.md").to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");
    std::fs::create_dir_all(root.join("articles/folder.md")).unwrap();

    let (status, documents, found) = check(root);
    // ok.md, again.md (a link inside the root, whose id is `again`) and the entity; nothing
    // else, and no finding: the secret's unknown entity was never read.
    assert_eq!((status, documents), (Some(0), 3), "{found:?}");
    assert!(found.is_empty(), "{found:?}");
}

async fn published(s: &mut TestServer, rel: &str, secs: u64) -> Option<Vec<String>> {
    let uri = s.uri_of(rel);
    s.wait_for(secs, |m| {
        (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str())
            .then(|| {
                m["params"]["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["code"].as_str().unwrap_or("").to_string())
                    .collect::<Vec<_>>()
            })
            .map(|mut codes| {
                codes.sort();
                codes
            })
    })
    .await
}

fn fixture(files: &[(&str, &str)]) -> String {
    files.iter().map(|(path, text)| format!("//- {path}\n{text}")).collect()
}

const REPLY: &str = "---\ntitle: Reply\npublished: 2022-04-03\n---\n[Rogozin]{e=rogozin} again: [\"still fine\"]{.claim by=rogozin date=2022-04-02 replies-to=ok:fine}\n";

fn watched(s: &TestServer, changes: &[(&str, u32)]) -> Value {
    let changes: Vec<Value> = changes
        .iter()
        .map(|(rel, kind)| json!({ "uri": s.uri_of(rel), "type": kind }))
        .collect();
    json!({ "changes": changes })
}

#[tokio::test]
async fn a_file_deleted_made_unreadable_or_renamed_while_open() {
    let mut s = TestServer::start(&fixture(&[
        ("entities/rogozin.md", ROGOZIN),
        ("articles/ok.md", OK),
        ("articles/reply.md", REPLY),
    ]))
    .await;
    s.open("articles/ok.md").await;
    assert_eq!(published(&mut s, "articles/ok.md", 10).await, Some(vec![]));

    // Deleted on disk while open: the editor's text is still the document.
    std::fs::remove_file(s.path("articles/ok.md")).unwrap();
    s.notify("workspace/didChangeWatchedFiles", watched(&s, &[("articles/ok.md", 3)]))
        .await;
    let hover = s
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": s.uri_of("articles/ok.md") }, "position": { "line": 4, "character": 2 } }),
        )
        .await
        .unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Dmitry Rogozin"));
    // Closed: now it is gone, its diagnostics are cleared and the reply's target is broken.
    s.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": s.uri_of("articles/ok.md") } }),
    )
    .await;
    assert_eq!(
        published(&mut s, "articles/reply.md", 10).await,
        Some(vec!["broken-reference".to_string()])
    );

    // Made unreadable while open (a folder where the file was: unreadable even for root),
    // then closed: one finding that says so, as check gives.
    s.open("articles/reply.md").await;
    std::fs::remove_file(s.path("articles/reply.md")).unwrap();
    std::fs::create_dir(s.path("articles/reply.md")).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        watched(&s, &[("articles/reply.md", 2)]),
    )
    .await;
    s.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": s.uri_of("articles/reply.md") } }),
    )
    .await;
    // The publications of the open document (its broken reference, as long as the editor's
    // text stands) may come first, depending on how fast the server answers each notification:
    // the one after the close is the one that says why the file cannot be read.
    let uri = s.uri_of("articles/reply.md");
    let messages = s
        .wait_for(10, |m| {
            let diagnostics = m["params"]["diagnostics"].as_array()?;
            let messages: Vec<String> = diagnostics
                .iter()
                .map(|d| d["message"].as_str().unwrap_or("").to_string())
                .collect();
            (m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && messages.iter().any(|m| m.contains("cannot read this file")))
            .then_some(messages)
        })
        .await
        .expect("the unreadable file gets a diagnostic that says so");
    assert_eq!(messages.len(), 1, "{messages:?}");
    std::fs::remove_dir(s.path("articles/reply.md")).unwrap();

    // Renamed while open: the editor closes the old name and opens the new one.
    write(s.dir.path(), "articles/ok.md", OK);
    write(s.dir.path(), "articles/reply.md", REPLY);
    s.notify(
        "workspace/didChangeWatchedFiles",
        watched(&s, &[("articles/ok.md", 1), ("articles/reply.md", 1)]),
    )
    .await;
    assert_eq!(published(&mut s, "articles/reply.md", 10).await, Some(vec![]));
    s.open("articles/ok.md").await;
    std::fs::rename(s.path("articles/ok.md"), s.path("articles/renamed.md")).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        watched(&s, &[("articles/ok.md", 3), ("articles/renamed.md", 1)]),
    )
    .await;
    s.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": s.uri_of("articles/ok.md") } }),
    )
    .await;
    s.open("articles/renamed.md").await;
    // The reply names `ok`, which is no more: broken, and renamed.md itself is clean.
    assert_eq!(
        published(&mut s, "articles/reply.md", 10).await,
        Some(vec!["broken-reference".to_string()])
    );
    let symbols = s.request("workspace/symbol", json!({ "query": "Fine" })).await.unwrap();
    let uris: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|sym| sym["location"]["uri"].as_str())
        .collect();
    assert!(uris.iter().all(|u| !u.ends_with("/ok.md")), "{uris:?}");
    assert!(uris.iter().any(|u| u.ends_with("/renamed.md")), "{uris:?}");
}

#[tokio::test]
async fn links_out_of_the_root_and_fifos_reported_by_the_watcher_are_not_read() {
    let mut s = TestServer::start(&fixture(&[("entities/rogozin.md", ROGOZIN), ("articles/ok.md", OK)])).await;
    s.open("articles/ok.md").await;
    assert_eq!(published(&mut s, "articles/ok.md", 10).await, Some(vec![]));
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.md", "---\ntitle: Secret\n---\n[X]{e=nobody}\n");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), s.path("articles/out.md")).unwrap();
    let fifo = std::ffi::CString::new(s.path("articles/pipe.md").to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");
    s.notify(
        "workspace/didChangeWatchedFiles",
        watched(&s, &[("articles/out.md", 1), ("articles/pipe.md", 1)]),
    )
    .await;
    // Neither blocks the server nor enters the corpus: a request right after is answered,
    // and the link's target is nowhere.
    let started = Instant::now();
    let symbols = s
        .request("workspace/symbol", json!({ "query": "Secret" }))
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(symbols, json!([]));
    let hover = s
        .request("textDocument/hover", json!({ "textDocument": { "uri": s.uri_of("articles/out.md") }, "position": { "line": 4, "character": 1 } }))
        .await
        .unwrap();
    assert_eq!(hover, Value::Null);
    assert_eq!(published(&mut s, "articles/out.md", 1).await, None);
}

#[tokio::test]
async fn two_workspace_folders_hold_two_corpora() {
    let mut s = TestServer::start_with(
        &fixture(&[
            ("one/annals.toml", "[corpus]\nname = \"one\"\n"),
            ("one/entities/rogozin.md", ROGOZIN),
            ("one/articles/a.md", OK),
            (
                "two/annals.toml",
                "[corpus]\nname = \"two\"\n[rules]\nunknown-entity = \"warning\"\n",
            ),
            // The same id in the other corpus is no duplicate; its rogozin is unknown there.
            ("two/articles/ok.md", OK),
        ]),
        Setup {
            folders: vec!["one", "two"],
            ..Setup::default()
        },
    )
    .await;
    let uri = s.uri_of("two/articles/ok.md");
    let severities = s
        .wait_for(10, |m| {
            (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()).then(|| {
                m["params"]["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| (d["code"].as_str().unwrap().to_string(), d["severity"].as_u64().unwrap()))
                    .collect::<Vec<_>>()
            })
        })
        .await
        .expect("diagnostics for the second corpus");
    assert_eq!(
        severities,
        [("unknown-entity".to_string(), 2), ("unknown-entity".to_string(), 2)]
    );
    s.open("one/articles/a.md").await;
    let definition = s
        .request("textDocument/definition", json!({ "textDocument": { "uri": s.uri_of("one/articles/a.md") }, "position": { "line": 4, "character": 2 } }))
        .await
        .unwrap();
    let target = definition["uri"]
        .as_str()
        .or(definition[0]["uri"].as_str())
        .unwrap()
        .to_string();
    assert_eq!(s.rel_of(&target), "one/entities/rogozin.md");
    let references = s
        .request("textDocument/references", json!({ "textDocument": { "uri": s.uri_of("one/articles/a.md") }, "position": { "line": 4, "character": 2 }, "context": { "includeDeclaration": false } }))
        .await
        .unwrap();
    let files: Vec<String> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| s.rel_of(l["uri"].as_str().unwrap()))
        .collect();
    assert_eq!(
        files,
        ["one/articles/a.md", "one/articles/a.md"],
        "no reference crosses corpora"
    );
}

#[tokio::test]
async fn documents_never_opened_and_invalid_uris() {
    let mut s = TestServer::start(&fixture(&[("entities/rogozin.md", ROGOZIN), ("articles/ok.md", OK)])).await;
    let at = |uri: &str| json!({ "textDocument": { "uri": uri }, "position": { "line": 4, "character": 2 } });

    // Never opened, but in the corpus: answered from the file on disk.
    let hover = s
        .request("textDocument/hover", at(&s.uri_of("articles/ok.md")))
        .await
        .unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Dmitry Rogozin"));
    // Never opened and in no corpus, or not a file at all: nothing, and no error.
    for uri in [
        "file:///nonexistent/elsewhere.md",
        "untitled:Untitled-1",
        "https://example.com/a.md",
    ] {
        assert_eq!(
            s.request("textDocument/hover", at(uri)).await,
            Some(Value::Null),
            "{uri}"
        );
        assert_eq!(
            s.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }))
                .await,
            Some(Value::Null),
            "{uri}"
        );
    }
    // Not a URI: the request is refused as invalid, and the server goes on.
    let error = s
        .request_raw("textDocument/hover", at("not a uri at all"))
        .await
        .unwrap_err();
    assert_eq!(error["code"], -32602, "{error}");
    // Changes and closes for documents never opened, and an open with a bad URI, are ignored.
    s.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": s.uri_of("articles/ok.md"), "version": 7 }, "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 9, "character": 0 } }, "text": "" }] }),
    )
    .await;
    s.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": "file:///nonexistent/x.md" } }),
    )
    .await;
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": "not a uri", "languageId": "markdown", "version": 1, "text": "x" } }),
    )
    .await;
    let hover = s
        .request("textDocument/hover", at(&s.uri_of("articles/ok.md")))
        .await
        .unwrap();
    assert!(
        hover["contents"]["value"].as_str().unwrap().contains("Dmitry Rogozin"),
        "a change to a document that was never opened must not touch it"
    );
}

#[tokio::test]
async fn a_one_megabyte_line_opens_edits_and_answers() {
    let line = "[Rogozin]{e=rogozin} said [\"ё😀\"]{.claim by=rogozin date=2022-04-01}. ".repeat(15_000);
    assert!(line.len() > 1 << 20);
    let text = format!("---\ntitle: One line\npublished: 2022-04-02\n---\n{line}\n");
    let mut s = TestServer::start(&fixture(&[
        ("entities/rogozin.md", ROGOZIN),
        ("articles/line.md", &text),
    ]))
    .await;
    s.open("articles/line.md").await;
    assert_eq!(published(&mut s, "articles/line.md", 30).await, Some(vec![]));
    // Break the last mention, near the end of the line, in UTF-16 units.
    let last = text.rfind("e=rogozin").unwrap() + "e=rogoz".len();
    let range = annals::text::TextRange::new(last, last + 2);
    s.change("articles/line.md", &text, range, "").await;
    let edited = format!("{}{}", &text[..last], &text[last + 2..]);
    assert_eq!(
        published(&mut s, "articles/line.md", 30).await,
        Some(vec!["unannotated-mention".to_string(), "unknown-entity".to_string()])
    );
    // Near the end of the line, past 28,000 surrogate pairs: the position still lands on its mention.
    let last_mention = edited[..last].rfind("[Rogozin]").unwrap();
    let before_last = edited[..last_mention].rfind("[Rogozin]").unwrap() + 2;
    let hover = s
        .request("textDocument/hover", json!({ "textDocument": { "uri": s.uri_of("articles/line.md") }, "position": s.position(&edited, before_last) }))
        .await
        .unwrap();
    assert!(
        hover["contents"]["value"].as_str().unwrap().contains("Dmitry Rogozin"),
        "{hover}"
    );
}

/// A hostile shape: its name, an article body, and the count of findings of each code it gives.
type Hostile = (&'static str, String, Vec<(&'static str, usize)>);

/// The hostile shapes of tests/growth.rs at full size, with the findings each must give.
fn hostile_shapes() -> Vec<Hostile> {
    let attributes: Vec<String> = (0..20_000).map(|i| format!("k{i}=v")).collect();
    vec![
        ("80 KB of `[`", "[".repeat(80_000), vec![]),
        (
            "`x]{` 20,000 times",
            "x]{".repeat(20_000),
            // Each `]{` has no `[`, and each `{` is never closed.
            vec![("syntax-error", 40_000)],
        ),
        (
            "`x]{` 20,000 times, then an unterminated quote",
            format!("{} z=\"}}", "x]{".repeat(20_000)),
            vec![("syntax-error", 40_000)],
        ),
        (
            "20,000 attributes in one span, one key twice",
            format!("[Rogozin]{{e=rogozin {} k7=again}}", attributes.join(" ")),
            vec![("syntax-error", 1), ("unknown-attribute", 20_000)],
        ),
        (
            "40,000 annotations with findings on one line",
            "[Word]{e=nobody} ".repeat(40_000),
            vec![("unknown-entity", 40_000)],
        ),
    ]
}

#[test]
fn hostile_shapes_are_checked_with_every_finding() {
    for (shape, body, expected) in hostile_shapes() {
        let dir = corpus();
        write(
            dir.path(),
            "articles/hostile.md",
            format!("---\ntitle: Hostile\npublished: 2022-04-02\n---\n{body}\n"),
        );
        let (status, documents, found) = check(dir.path());
        assert_eq!(documents, 3, "{shape}");
        let mut counts: Vec<(String, usize)> = Vec::new();
        for f in &found {
            let code = f.rsplit(' ').next().unwrap().to_string();
            match counts.iter_mut().find(|(c, _)| *c == code) {
                Some((_, n)) => *n += 1,
                None => counts.push((code, 1)),
            }
        }
        counts.sort();
        let expected: Vec<(String, usize)> = expected.iter().map(|(c, n)| (c.to_string(), *n)).collect();
        assert_eq!(counts, expected, "{shape}");
        assert_eq!(status, Some(if expected.is_empty() { 0 } else { 1 }), "{shape}");
    }
}

/// Every `{line, character}` in an answer lies in the document: a line it has, a character
/// within that line's UTF-16 length.
fn assert_positions_within(answer: &Value, lines: &[usize], what: &str) {
    match answer {
        Value::Object(map) => {
            if let (Some(line), Some(character)) = (map.get("line"), map.get("character")) {
                let (line, character) = (line.as_u64().unwrap() as usize, character.as_u64().unwrap() as usize);
                assert!(line < lines.len(), "{what}: line {line} of {}", lines.len());
                assert!(
                    character <= lines[line],
                    "{what}: character {character} past {}",
                    lines[line]
                );
            }
            map.values().for_each(|v| assert_positions_within(v, lines, what));
        }
        Value::Array(items) => items.iter().for_each(|v| assert_positions_within(v, lines, what)),
        _ => {}
    }
}

#[tokio::test]
async fn hostile_shapes_open_in_the_server_and_every_view_answers() {
    for (shape, body, _) in hostile_shapes() {
        let text = format!("---\ntitle: Hostile\npublished: 2022-04-02\n---\n{body}\n");
        let mut s = TestServer::start(&fixture(&[
            ("entities/rogozin.md", ROGOZIN),
            ("articles/hostile.md", &text),
        ]))
        .await;
        s.open("articles/hostile.md").await;
        assert!(published(&mut s, "articles/hostile.md", 60).await.is_some(), "{shape}");
        let lines: Vec<usize> = text
            .split('\n')
            .map(|l| l.trim_end_matches('\r').encode_utf16().count())
            .collect();
        let doc = json!({ "uri": s.uri_of("articles/hostile.md") });
        let middle = s.position(&text, text.len() / 2);
        let end = s.position(&text, text.len());
        let whole = json!({ "start": { "line": 0, "character": 0 }, "end": end });
        let requests = [
            ("textDocument/semanticTokens/full", json!({ "textDocument": doc })),
            ("textDocument/documentSymbol", json!({ "textDocument": doc })),
            ("textDocument/inlayHint", json!({ "textDocument": doc, "range": whole })),
            ("textDocument/codeLens", json!({ "textDocument": doc })),
            ("textDocument/foldingRange", json!({ "textDocument": doc })),
            (
                "textDocument/codeAction",
                json!({ "textDocument": doc, "range": { "start": middle, "end": middle }, "context": { "diagnostics": [] } }),
            ),
            (
                "textDocument/codeAction",
                json!({ "textDocument": doc, "range": whole, "context": { "diagnostics": [] } }),
            ),
            ("textDocument/hover", json!({ "textDocument": doc, "position": middle })),
            (
                "textDocument/completion",
                json!({ "textDocument": doc, "position": middle }),
            ),
        ];
        for (method, params) in requests {
            let answer = s
                .request_raw(method, params)
                .await
                .unwrap_or_else(|e| panic!("{shape}: {method} failed: {e}"));
            assert_positions_within(&answer, &lines, &format!("{shape}: {method}"));
        }
    }
}
