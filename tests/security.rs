//! What annals may do to the machine it runs on (README, "Security"): check and lsp write no
//! file (an edit reaches the disk only when the editor applies it), run no program, open no
//! connection. The source is scanned for the calls that would, and a real server is asked
//! for every kind of edit over a corpus that must come out unchanged.

mod support;

use serde_json::{Value, json};
use std::path::Path;
use support::stdio::Client;
use tower_lsp_server::ls_types::Uri;

/// Calls that write, delete or rename files, start programs or open connections.
const FORBIDDEN: &[&str] = &[
    "fs::write",
    "File::create",
    "OpenOptions",
    "create_dir",
    "remove_file",
    "remove_dir",
    "fs::rename",
    "fs::copy",
    "set_permissions",
    "process::Command",
    "Command::new",
    "std::net",
    "TcpStream",
    "UdpSocket",
    "UnixStream",
    "libc::",
    "tempfile::",
    ".persist(",
    ".persist_noclobber(",
];

/// The modules of the commands whose job is to write, where the user said.
const WRITERS: [&str; 4] = ["generate.rs", "init.rs", "export/out.rs", "fix/write.rs"];

#[test]
fn the_core_and_both_faces_never_write_run_or_connect() {
    let src = support::repo_path("src");
    let mut scanned = 0;
    let mut found = Vec::new();
    for file in support::walk(&src) {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        // `annals generate OUT`, `annals init PATH` and `annals export --out DIR` write into
        // the folder the user names: that is their whole job, and neither check nor lsp calls
        // them (init's own tests hold it to PATH, to new files only, and to atomic writes;
        // export's writes all go through export/out.rs, held below to --out; `annals fix`
        // replaces document files through fix/write.rs, held by tests/fix.rs to the corpus).
        if WRITERS.contains(&rel.as_str()) || !rel.ends_with(".rs") {
            continue;
        }
        scanned += 1;
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            for call in FORBIDDEN {
                if line.contains(call) && !read_only(&lines[n..]) {
                    found.push(format!("src/{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(scanned > 30, "only {scanned} source files scanned");
    assert!(
        found.is_empty(),
        "calls that write, run or connect:\n{}",
        found.join("\n")
    );
}

/// The allowed uses of `OpenOptions` and `libc::`: opening for reading only, without
/// waiting on a FIFO (`discover::read_source`, `discover::ReadPass`), and the huge-pages flag of main.rs. `lines` starts at the flagged line; the
/// statement runs to its `;` or closing line.
fn read_only(lines: &[&str]) -> bool {
    let first = lines[0].trim();
    if first == "use std::os::unix::fs::OpenOptionsExt;" {
        return true; // Adds `custom_flags` to OpenOptions; the calls are checked themselves.
    }
    if first == ".custom_flags(libc::O_NONBLOCK)" || first == ".custom_flags(libc::O_DIRECTORY)" {
        return true;
    }
    // `discover::ReadPass` opens a file relative to its folder: read-only flags, named once
    // and used in one call.
    if first == "const READ_WITHOUT_WAITING: std::ffi::c_int = libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC;"
        || first.ends_with("unsafe { libc::openat(folder, name.as_ptr(), READ_WITHOUT_WAITING) };")
    {
        return true;
    }
    // Transparent huge pages off for this process (main.rs): a flag of the process's own
    // memory, set and read, which writes, runs and opens nothing. Only these two exact calls.
    if first == "libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);"
        || first == "let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };"
    {
        return true;
    }
    if !first.contains("OpenOptions::new()") {
        return false;
    }
    let statement: String = lines
        .iter()
        .take(8)
        .take_while(|l| !l.trim().is_empty())
        .copied()
        .collect();
    statement.contains(".read(true)")
        && [".write(", ".append(", ".create(", ".create_new(", ".truncate("]
            .iter()
            .all(|w| !statement.contains(w))
}

fn listing(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = support::walk(root)
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    all.sort();
    all
}

#[test]
fn the_server_writes_nothing_even_when_asked_for_edits() {
    let dir = tempfile::tempdir().unwrap();
    let seed = support::repo_path("corpus");
    for file in support::walk(&seed) {
        let to = dir.path().join(file.strip_prefix(&seed).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, to).unwrap();
    }
    let root = dir.path();
    let before = listing(root);

    let path = root.join("articles/2022-04-02-space-com-russia-threatens-iss.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = Uri::from_file_path(&path).unwrap().to_string();
    let mut c = Client::spawn(root);
    c.received = Some(Vec::new());
    c.initialize(root, json!({ "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create", "rename"] } } }));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
    );
    let lines = annals::text::LineIndex::new(&text);
    let pos = |offset: usize| {
        serde_json::to_value(annals::lsp::convert::position(
            &text,
            &lines,
            offset,
            annals::lsp::convert::Encoding::Utf16,
        ))
        .unwrap()
    };
    // A rename that would move a file, and quick fixes that would create one.
    let at = pos(text.find("by=rogozin").unwrap() + 5);
    let rename = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": at, "newName": "dmitry-rogozin" }),
    );
    assert!(
        rename["result"]["documentChanges"]
            .as_array()
            .is_some_and(|c| c.len() > 5),
        "{rename}"
    );
    let broken = text.replacen("e=rogozin", "e=rogozin-new", 1);
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": broken }] }),
    );
    let everything = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 999, "character": 0 } });
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": everything, "context": { "diagnostics": [] } }),
    );
    let creates = actions["result"].to_string().matches("\"create\"").count();
    assert!(creates > 0, "a quick fix offers to create the entity: {actions}");
    c.notify("textDocument/didSave", json!({ "textDocument": { "uri": uri } }));
    // A lens's command is the editor's to run: asked to run it, or anything else, the server
    // runs nothing and says so (MethodNotFound: it offers no commands).
    let lenses = c.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    let command = lenses["result"][0]["command"].clone();
    assert_eq!(command["command"], "annals.showReferences", "{lenses}");
    for (name, arguments) in [
        (command["command"].clone(), command["arguments"].clone()),
        (json!("annals.deleteCorpus"), json!([root.display().to_string()])),
    ] {
        let answer = c.request(
            "workspace/executeCommand",
            json!({ "command": name, "arguments": arguments }),
        );
        assert!(answer.get("result").is_none(), "{answer}");
        assert_eq!(answer["error"]["code"], -32601, "{answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("annals runs no commands") && message.contains(name.as_str().unwrap()),
            "{answer}"
        );
    }
    // File operations answer with edits too, and still write nothing.
    let nasa = Uri::from_file_path(root.join("entities/nasa.md")).unwrap().to_string();
    let renamed = Uri::from_file_path(root.join("entities/us-space-agency.md"))
        .unwrap()
        .to_string();
    let edit = c.request(
        "workspace/willRenameFiles",
        json!({ "files": [{ "oldUri": nasa, "newUri": renamed }] }),
    );
    assert!(
        edit["result"]["changes"].as_object().is_some_and(|c| c.len() > 5),
        "{edit}"
    );
    c.request("workspace/willDeleteFiles", json!({ "files": [{ "uri": nasa }] }));
    let created = Uri::from_file_path(root.join("entities/new-person.md"))
        .unwrap()
        .to_string();
    c.request("workspace/willCreateFiles", json!({ "files": [{ "uri": created }] }));
    c.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    let shutdown = c.request("shutdown", Value::Null);
    assert!(shutdown.get("error").is_none());
    c.notify("exit", Value::Null);
    // Every answer of the session, the errors included, conforms to LSP 3.17.
    support::conformance::validate(&c, &["response workspace/executeCommand (error)"]);
    assert_eq!(c.exit_status(), Some(0));

    assert!(
        before == listing(root),
        "the server changed the corpus on disk; only the editor may apply its edits"
    );
}

/// Hostile document ids (`..`, separators, a newline, an empty id, duplicates) with
/// `--allow-errors`: every format writes only files directly in --out, under names of one
/// component, and the corpus and the folder around --out are left as they were.
#[test]
fn export_writes_only_below_out_even_with_hostile_ids() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    let names = [
        "...md",
        "..\\..\\evil.md",
        "a b.md",
        "-rf.md",
        "x\ny.md",
        "%2e%2e.md",
        "Рогозин.md",
        ".md",
        "annotation.conf.md",
        "annals-export.json.md",
        "x/dup.md",
        "y/dup.md",
    ];
    std::fs::create_dir_all(root.join("articles/x")).unwrap();
    std::fs::create_dir_all(root.join("articles/y")).unwrap();
    std::fs::write(root.join("annals.toml"), "[corpus]\nname = \"../../evil\"\n").unwrap();
    for name in names {
        std::fs::write(
            root.join("articles").join(name),
            "---\ntitle: T\npublished: 2022-04-02\n---\n[x]{.claim #c by=nobody} [y]{e=nobody}\n",
        )
        .unwrap();
    }
    let corpus_before = listing(&root);
    for format in ["jsonl", "csv", "w3c", "brat"] {
        let out = dir.path().join("exports").join(format);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_annals"))
            .args(["export", "--allow-errors", "--format", format, "--out"])
            .arg(&out)
            .arg(&root)
            .output()
            .unwrap();
        assert_eq!(
            status.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        for entry in std::fs::read_dir(&out).unwrap() {
            let entry = entry.unwrap();
            assert!(
                entry.file_type().unwrap().is_file(),
                "{format}: {:?} is not a plain file",
                entry.path()
            );
        }
        let files = support::walk(dir.path());
        for file in &files {
            assert!(
                file.starts_with(&root)
                    || file.parent() == Some(out.as_path())
                    || file.parent().and_then(Path::parent) == Some(&dir.path().join("exports")),
                "{format}: {} lies outside --out",
                file.display()
            );
        }
        if format == "brat" {
            let stems: std::collections::BTreeSet<String> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter_map(|n| n.strip_suffix(".txt").map(str::to_string))
                .collect();
            assert_eq!(
                stems.len(),
                names.len(),
                "one .txt per document, duplicates included: {stems:?}"
            );
            assert!(stems.contains("dup") && stems.contains("dup~2"), "{stems:?}");
            assert!(
                stems.contains("%2E%2E") && stems.contains("%") && stems.contains("x%0Ay"),
                "{stems:?}"
            );
            let manifest = std::fs::read_to_string(out.join("annals-export.json")).unwrap();
            assert!(manifest.contains("\"dup\": \"dup~2\""), "{manifest}");
        }
    }
    assert!(listing(&root) == corpus_before, "the corpus is unchanged");
    let top: Vec<String> = std::fs::read_dir(dir.path().join("exports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top.len(), 4, "no temporary folder is left next to --out: {top:?}");
}
