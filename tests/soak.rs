//! Soak: the real `annals lsp` under scripted editing for a while, with memory that stays
//! flat and no edit lost. 60 seconds under `cargo test`; for the long run,
//! `ANNALS_SOAK_SECS=1800 cargo test --release --test soak -- --nocapture`.
//!
//! Each cycle types an annotated sentence into a seed article one character at a time, asks
//! for hover, completion, symbols, tokens, hints, actions and references along the way,
//! deletes the sentence, and every fifth cycle closes and reopens the document. At the end of
//! each cycle the text is the original again: the server's semantic tokens must equal the
//! first ones exactly (no edit lost or misapplied), and its resident memory is sampled.

mod support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::stdio::Client;
use tower_lsp_server::ls_types::Uri;

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status (Linux)");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

#[test]
fn scripted_editing_keeps_memory_flat_and_loses_no_edit() {
    let seconds: u64 = std::env::var("ANNALS_SOAK_SECS")
        .ok()
        .map(|s| s.parse().expect("ANNALS_SOAK_SECS is a number of seconds"))
        .unwrap_or(60);
    let root = support::repo_path("corpus");
    let path = root.join("articles/2022-04-02-space-com-russia-threatens-iss.md");
    let original = std::fs::read_to_string(&path).unwrap();
    let uri = Uri::from_file_path(&path).unwrap().to_string();
    let mut c = Client::spawn(&root);
    c.initialize(&root, json!({}));
    let open = |c: &mut Client, version: i64| {
        c.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": version, "text": original } }),
        )
    };
    open(&mut c, 0);
    let doc = json!({ "uri": uri });
    let tokens = |c: &mut Client| {
        c.request("textDocument/semanticTokens/full", json!({ "textDocument": doc }))["result"].clone()
    };
    let first_tokens = tokens(&mut c);
    assert!(first_tokens["data"].as_array().is_some_and(|d| !d.is_empty()));

    // The end of the text, where the sentence is typed.
    let lines = original.split('\n').count() - 1;
    let last_line_len = original.rsplit('\n').next().unwrap().encode_utf16().count();
    let sentence = "\n[Rogozin]{e=rogozin} said [\"we go on, ёж 😀\"]{.claim by=rogozin date=2022-04-01 replies-to=sanctions-purpose}.";
    let mut version = 0;
    let mut cycles = 0;
    let mut requests = 0;
    let mut samples: Vec<(Duration, u64)> = Vec::new();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        let (mut line, mut column) = (lines, last_line_len);
        for (k, ch) in sentence.chars().enumerate() {
            version += 1;
            let at = json!({ "line": line, "character": column });
            c.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": { "start": at, "end": at }, "text": ch.to_string() }] }),
            );
            if ch == '\n' {
                (line, column) = (line + 1, 0);
            } else {
                column += ch.len_utf16();
            }
            if k % 8 == 7 {
                let here = json!({ "textDocument": doc, "position": { "line": line, "character": column } });
                let whole =
                    json!({ "start": { "line": 0, "character": 0 }, "end": { "line": line + 1, "character": 0 } });
                let (method, params) = match requests % 8 {
                    0 => ("textDocument/hover", here),
                    1 => ("textDocument/completion", here),
                    2 => ("textDocument/documentSymbol", json!({ "textDocument": doc })),
                    3 => ("textDocument/inlayHint", json!({ "textDocument": doc, "range": whole })),
                    4 => (
                        "textDocument/codeAction",
                        json!({ "textDocument": doc, "range": whole, "context": { "diagnostics": [] } }),
                    ),
                    5 => (
                        "textDocument/references",
                        json!({ "textDocument": doc, "position": { "line": 4, "character": 2 }, "context": { "includeDeclaration": true } }),
                    ),
                    6 => ("workspace/symbol", json!({ "query": "rogo" })),
                    _ => ("textDocument/codeLens", json!({ "textDocument": doc })),
                };
                let answer = c.request(method, params);
                assert!(answer.get("error").is_none(), "{method}: {answer}");
                requests += 1;
            }
        }
        // Delete the sentence: the text is the original again.
        version += 1;
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": { "start": { "line": lines, "character": last_line_len }, "end": { "line": line, "character": column } }, "text": "" }] }),
        );
        cycles += 1;
        if cycles % 5 == 0 {
            c.notify("textDocument/didClose", json!({ "textDocument": doc }));
            open(&mut c, version);
        }
        assert_eq!(
            tokens(&mut c),
            first_tokens,
            "cycle {cycles}: the server's text is not the original"
        );
        samples.push((started.elapsed(), resident_kib(c.pid())));
    }

    // Memory: after a warm-up (the first fifth), the peak of the last third stays within 10%
    // (plus 4 MiB of allocator slack) of the peak of the time between the warm-up and the middle.
    let total = started.elapsed();
    let in_window = |from: f64, to: f64| {
        samples
            .iter()
            .filter(|(t, _)| *t >= total.mul_f64(from) && *t <= total.mul_f64(to))
            .map(|(_, kib)| *kib)
            .max()
            .unwrap_or(0)
    };
    let early = in_window(0.2, 0.5);
    let late = in_window(0.67, 1.0);
    println!(
        "soak: {seconds} s, {cycles} cycles, {version} changes, {requests} requests; resident memory {:.1} MiB after warm-up, {:.1} MiB at the end",
        early as f64 / 1024.0,
        late as f64 / 1024.0
    );
    assert!(cycles >= 5, "only {cycles} cycles in {seconds} s");
    assert!(early > 0 && late > 0, "too few samples: {samples:?}");
    assert!(
        late as f64 <= early as f64 * 1.10 + 4096.0,
        "memory grew from {early} KiB to {late} KiB over {cycles} cycles: {samples:?}"
    );
    let shutdown = c.request("shutdown", Value::Null);
    assert!(shutdown.get("error").is_none());
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_status(), Some(0));
}
