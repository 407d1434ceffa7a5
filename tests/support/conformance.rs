//! The LSP 3.17 referee for tests: the messages a stdio `Client` recorded, validated by
//! `tests/lsp_conformance.py` with lsprotocol from `target/lsp-venv`.

#![allow(dead_code)]

use super::stdio::Client;
use serde_json::json;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The Python with lsprotocol; a test fails, saying how to install it, when it is missing.
pub fn python() -> PathBuf {
    let python = std::env::var_os("ANNALS_LSP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| super::repo_path("target/lsp-venv/bin/python"));
    assert!(
        python.exists(),
        "{} is missing: python3 -m venv target/lsp-venv && target/lsp-venv/bin/pip install lsprotocol==2025.0.0 \
         (bash .ci/run does this), or point ANNALS_LSP_PYTHON at a Python with lsprotocol",
        python.display()
    );
    python
}

/// The recorded messages as the validator reads them: one JSON object a line, with the method
/// (a response's is its request's) and the direction; and the kinds seen.
pub fn records(c: &Client) -> (String, BTreeSet<String>) {
    let mut lines = String::new();
    let mut kinds = BTreeSet::new();
    for m in c.received.as_ref().unwrap() {
        let (method, direction) = match m["method"].as_str() {
            Some(method) if m.get("id").is_some() => (method.to_string(), "request"),
            Some(method) => (method.to_string(), "notification"),
            None => {
                let id = m["id"].as_i64().expect("a response to one of the client's requests");
                (c.sent[&id].clone(), "response")
            }
        };
        let error = if m.get("error").is_some() { " (error)" } else { "" };
        kinds.insert(format!("{direction} {method}{error}"));
        lines.push_str(&json!({ "method": method, "direction": direction, "message": m }).to_string());
        lines.push('\n');
    }
    (lines, kinds)
}

/// Runs the validator over what `c` received; fails with its report unless all conform.
pub fn validate(c: &Client, expected: &[&str]) {
    let (lines, kinds) = records(c);
    let missing: Vec<&&str> = expected.iter().filter(|k| !kinds.contains(**k)).collect();
    assert!(
        missing.is_empty(),
        "the session never produced {missing:?}; it produced {kinds:#?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("messages.jsonl");
    std::fs::write(&file, lines).unwrap();
    let output = std::process::Command::new(python())
        .arg(super::repo_path("tests/lsp_conformance.py"))
        .arg(&file)
        .output()
        .expect("the validator runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && said.contains("conform to LSP 3.17"),
        "messages that do not conform to LSP 3.17:\n{said}"
    );
    println!("{said}");
}

/// Waits for a message of `method` from the server, unless one came already (while the client
/// waited for an answer, say).
pub fn saw_or_wait(c: &mut Client, method: &str) {
    let seen = |c: &Client| c.received.as_ref().unwrap().iter().any(|m| m["method"] == method);
    if !seen(c) {
        c.wait(|m| (m["method"] == method).then_some(()));
    }
}
