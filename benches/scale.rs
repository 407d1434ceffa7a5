//! Scale benchmarks: `cargo bench --bench scale` (add `-- --quick` for 1k articles only;
//! `-- --size 100k --shape dense --only check,lsp` picks sizes, shapes and parts, see `Options`;
//! `--only check,export` times `annals export` in its four formats beside check; `--only site`
//! times `annals site`, `--only fix` `annals fix --diff`).
//!
//! For generated corpora of 1,000 and 10,000 articles (and 100,000 when asked), in the
//! generator's sparse shape and in its dense one (annals generate, seed 42), it measures
//! `annals check` (wall time, MB/s, peak RSS, and `rg -c '\]\{'` over the same files in the same
//! run), and the real `annals lsp` over stdio: initialize to the first diagnostics of an opened
//! file, edit to diagnostics on a small and on a 1 MB article (p50 and p99 over 200 edits, no
//! debounce), hover, definition, references to an entity with 100,000 mentions, completion,
//! a rename of that entity, and workspace symbols. Wall-clock figures: run it on an idle machine.
//!
//! Hostile shapes (issue 14), one article each in a corpus of its own: one 4.8 MB line holding
//! 400,000 annotations that each name an unknown entity (check in all four formats), 80 KB of
//! `[` (check), semantic tokens for a line of 40,000 such annotations (the real server), and
//! check of the 10,000-article corpus with `unannotated-mention` on and off.

#[path = "../tests/support/mod.rs"]
mod support;

use support::{measure, stdio, walk};

use annals::generate::Shape;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::Uri;

/// The client parses answers of a million locations, millions of small allocations each, and
/// frees the last while the next arrives: with glibc's allocator and the gigabytes those
/// answers leave, one copy of an answer took the client more than the 20 s it waits for the
/// server (which sat idle, every answer written). The server's own allocator, here too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn annals() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_annals"))
}

/// A generated corpus of `articles` articles in `shape`, under target/bench/ (kept between runs).
fn corpus(articles: usize, shape: Shape) -> (PathBuf, u64) {
    let name = match shape {
        Shape::Sparse => format!("target/bench/corpus-{articles}"),
        Shape::Dense => format!("target/bench/corpus-{articles}-dense-v2"),
    };
    let dir = repo(&name);
    if !dir.join("annals.toml").exists() {
        let shape_arg = match shape {
            Shape::Sparse => "sparse",
            Shape::Dense => "dense",
        };
        let status = Command::new(annals())
            .args([
                "generate",
                "--force",
                "--shape",
                shape_arg,
                "--articles",
                &articles.to_string(),
            ])
            .arg(&dir)
            .status()
            .unwrap();
        assert!(status.success());
        // One article of about 1 MB, for edit latency on a large document.
        let mut spec = annals::generate::Spec::new(articles);
        spec.shape = shape;
        let (name, text) = annals::generate::big_article(&spec, 1 << 20, 7);
        std::fs::write(dir.join("articles").join(name), text).unwrap();
    }
    let bytes = walk(&dir)
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    (dir, bytes)
}

fn best_of(runs: usize, mut f: impl FnMut() -> (Duration, u64)) -> (Duration, u64) {
    (0..runs).map(|_| f()).min_by_key(|(d, _)| *d).unwrap()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn bench_check(articles: usize, dir: &Path, bytes: u64) {
    let (wall, rss) = best_of(3, || {
        let (wall, rss, _) = measure(
            Command::new(annals())
                .args(["check", "--format", "json", "--fail-on", "never"])
                .arg(dir),
        );
        (wall, rss)
    });
    let rg =
        which("rg").unwrap_or_else(|| panic!("ripgrep is missing: apt-get install ripgrep (bash .ci/run installs it)"));
    let (rg_wall, _) = best_of(3, || {
        let (wall, rss, _) = measure(Command::new(&rg).args(["-c", r"\]\{"]).arg(dir));
        (wall, rss)
    });
    let mb = bytes as f64 / 1e6;
    println!(
        "check {articles:>6} articles: {} wall, {:.0} MB/s, peak RSS {:.0} MB ({:.1}x the corpus's {:.1} MB); rg {} ({:.1}x)",
        ms(wall),
        mb / wall.as_secs_f64(),
        rss as f64 / 1024.0,
        rss as f64 * 1024.0 / bytes as f64,
        mb,
        ms(rg_wall),
        wall.as_secs_f64() / rg_wall.as_secs_f64()
    );
}

/// `annals export` in each format against check's time (both its JSON output), with
/// `--allow-errors`: the generated corpora hold planted errors.
fn bench_export(articles: usize, dir: &Path) {
    let (check, check_rss) = check_wall(dir, "json", 3);
    for format in ["jsonl", "csv", "w3c", "brat"] {
        let what = format!("export --format {format} {}", dir.display());
        let (wall, rss, (_, bytes)) = best_of_fresh(&format!("export-{format}"), dir, &what, |out| {
            let mut command = Command::new(annals());
            command
                .args(["export", "--allow-errors", "--format", format, "--out"])
                .arg(out)
                .arg(dir);
            command
        });
        println!(
            "export {articles:>6} articles --format {format:<5}: {} wall, {:.2}x check's {}; peak RSS {:.0} MB (check {:.0} MB); wrote {:.0} MB",
            ms(wall),
            wall.as_secs_f64() / check.as_secs_f64(),
            ms(check),
            rss as f64 / 1024.0,
            check_rss as f64 / 1024.0,
            bytes as f64 / 1e6
        );
    }
}

/// Where the export and site runs write: a new folder per run, all under `target/bench/out`,
/// which is deleted once, after the last measurement. On ext4, creating files within a few
/// minutes after thousands were deleted costs several times the kernel time (the inode
/// allocator skips recently freed inodes, `recently_deleted`, reading each one's block), and
/// deleting one run's output before the next measured the benchmark, not the command.
fn outputs(name: &str, corpus: &Path) -> Vec<PathBuf> {
    let corpus = corpus
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    (0..3)
        .map(|run| {
            repo(&format!(
                "target/bench/out/{name}-{corpus}-{}-{run}",
                std::process::id()
            ))
        })
        .collect()
}

/// The best of three runs of `command` (wall time, peak RSS), each into a new folder of
/// `outputs(name, corpus)` after `settle`, and what the last run wrote (files, bytes).
fn best_of_fresh(
    name: &str,
    corpus: &Path,
    what: &str,
    command: impl Fn(&Path) -> Command,
) -> (Duration, u64, (usize, u64)) {
    let outs = outputs(name, corpus);
    let mut wrote = (0, 0);
    let mut run = 0;
    let (wall, rss) = best_of(3, || {
        let out = &outs[run];
        run += 1;
        settle();
        let (wall, rss, status) = measure(&mut command(out));
        assert_eq!(status, Some(0), "{what}");
        wrote = written(out);
        (wall, rss)
    });
    (wall, rss, wrote)
}

/// Writes the previous run's output to the disk before the next run is timed: the kernel's
/// writeback of hundreds of megabytes otherwise lands in the next run's time.
fn settle() {
    let _ = Command::new("sync").status();
}

/// When the last benchmark deleted its outputs (the file's time), to warn when that was
/// recent enough to slow the file creation measured now.
const DELETED: &str = "target/bench/out-deleted";

fn warn_if_recently_deleted() {
    let age = std::fs::metadata(repo(DELETED))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    if let Some(age) = age
        && age.as_secs() < 600
    {
        println!(
            "note: the last run deleted its outputs {} s ago; on ext4, export and site times include the kernel's cost of skipping recently freed inodes for 5 to 10 minutes after (a run 5.5 minutes after took three times as long)",
            age.as_secs()
        );
    }
}

fn delete_outputs() {
    let out = repo("target/bench/out");
    if out.exists() {
        std::fs::remove_dir_all(&out).unwrap();
        std::fs::write(repo(DELETED), b"").unwrap();
    }
}

/// How many files a run wrote under `out`, and how many bytes.
fn written(out: &Path) -> (usize, u64) {
    let files = walk(out);
    let bytes = files.iter().map(|p| std::fs::metadata(p).map_or(0, |m| m.len())).sum();
    (files.len(), bytes)
}

/// `annals site` against check's time (its JSON output): the whole site, every page, of the
/// generated corpus (the goal is at most 3x check's time, with memory bounded).
fn bench_site(articles: usize, dir: &Path) {
    let (check, check_rss) = check_wall(dir, "json", 3);
    let what = format!("site {}", dir.display());
    let (wall, rss, (files, bytes)) = best_of_fresh("site", dir, &what, |out| {
        let mut command = Command::new(annals());
        command.arg("site").arg(dir).arg("--out").arg(out);
        command
    });
    println!(
        "site {articles:>6} articles: {} wall, {:.2}x check's {}; peak RSS {:.0} MB (check {:.0} MB); wrote {files} files, {:.0} MB",
        ms(wall),
        wall.as_secs_f64() / check.as_secs_f64(),
        ms(check),
        rss as f64 / 1024.0,
        check_rss as f64 / 1024.0,
        bytes as f64 / 1e6
    );
}

/// `annals fix --diff` (every rule's fixes planned, applied and checked again, the diff
/// printed, nothing written) against check's time. The generated corpora have unannotated
/// names (dense: in every article) and claims to date.
fn bench_fix(articles: usize, dir: &Path) {
    let (check, check_rss) = check_wall(dir, "json", 3);
    // What it would change, once, outside the timed runs.
    let out = Command::new(annals())
        .args(["fix", "--diff"])
        .arg(dir)
        .output()
        .unwrap();
    let changed = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let (wall, rss) = best_of(3, || {
        let (wall, rss, status) = measure(Command::new(annals()).args(["fix", "--diff"]).arg(dir));
        assert!(matches!(status, Some(0 | 1)), "fix --diff {}", dir.display());
        (wall, rss)
    });
    println!(
        "fix {articles:>6} articles --diff: {} wall, {:.2}x check's {}; peak RSS {:.0} MB (check {:.0} MB); {}",
        ms(wall),
        wall.as_secs_f64() / check.as_secs_f64(),
        ms(check),
        rss as f64 / 1024.0,
        check_rss as f64 / 1024.0,
        changed.lines().last().unwrap_or("")
    );
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

fn position(text: &str, offset: usize) -> Value {
    let lines = annals::text::LineIndex::new(text);
    serde_json::to_value(annals::lsp::convert::position(
        text,
        &lines,
        offset,
        annals::lsp::convert::Encoding::Utf16,
    ))
    .unwrap()
}

fn bench_lsp(articles: usize, dir: &Path, bytes: u64) {
    let root_uri = Uri::from_file_path(dir).unwrap().to_string();
    // The server's standard error is kept, so a run that stops says why.
    let log = repo(&format!("target/bench/lsp-{articles}-stderr.log"));
    let stderr = std::fs::File::create(&log).expect("target/bench is writable");
    eprintln!("lsp   the server's standard error goes to {}", log.display());
    let mut c = stdio::Client::spawn_logged(&annals(), dir, stderr);
    let small_path = walk(&dir.join("articles"))
        .into_iter()
        .find(|p| p.to_string_lossy().contains("article-000500"))
        .unwrap();
    let big_path = dir.join("articles/2023-12-28-big-article.md");
    let small_uri = Uri::from_file_path(&small_path).unwrap().to_string();
    let big_uri = Uri::from_file_path(&big_path).unwrap().to_string();
    let mut small = std::fs::read_to_string(&small_path).unwrap();
    let mut big = std::fs::read_to_string(&big_path).unwrap();

    let start = Instant::now();
    c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {}, "workspaceFolders": [{ "uri": root_uri, "name": "bench" }], "initializationOptions": { "diagnosticsDelay": 0 } }));
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": small_uri, "languageId": "markdown", "version": 1, "text": small } }),
    );
    c.wait(|m| {
        (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == small_uri.as_str()).then_some(())
    });
    let first = start.elapsed();
    // The rest of the corpus: publications until none comes for 10 s (at 100,000 articles
    // the others follow the open one after seconds).
    // Each publication is parsed whole, as an editor would, but only its uri is kept.
    let rest = c.drain_map(Duration::from_secs(10), |mut m| {
        (m["method"] == "textDocument/publishDiagnostics").then(|| m["params"]["uri"].take())
    });
    let published: std::collections::HashSet<&str> = rest.iter().filter_map(|(_, uri)| uri.as_str()).collect();
    let all = rest.last().map_or(first, |(at, _)| at.saturating_duration_since(start));
    // A large corpus publishes the open document's own findings first, then all of them.
    let open_whole = rest
        .iter()
        .rev()
        .find(|(_, uri)| uri == small_uri.as_str())
        .map_or(first, |(at, _)| at.saturating_duration_since(start));
    let (rss, peak) = memory(c.pid());
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": big_uri, "languageId": "markdown", "version": 1, "text": big } }),
    );
    c.wait(|m| {
        (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == big_uri.as_str()).then_some(())
    });

    // Edit → diagnostics: type one character into the prose, wait for that version's diagnostics.
    let edit_latency = |c: &mut stdio::Client, uri: &str, text: &mut String| -> (Duration, Duration) {
        let at = text.find("opened the week").unwrap();
        let mut samples = Vec::new();
        for version in 2..202 {
            let insert = if version % 2 == 0 { "x" } else { "" };
            let range = if insert.is_empty() {
                json!({ "start": position(text, at), "end": position(text, at + 1) })
            } else {
                json!({ "start": position(text, at), "end": position(text, at) })
            };
            if insert.is_empty() {
                text.remove(at);
            } else {
                text.insert(at, 'x');
            }
            let t = Instant::now();
            c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": range, "text": insert }] }));
            let (arrived, ()) = c.wait_timed(|m| {
                (m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == version)
                    .then_some(())
            });
            samples.push(arrived.saturating_duration_since(t));
        }
        (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99))
    };
    let (small_p50, small_p99) = edit_latency(&mut c, &small_uri, &mut small);
    let (big_p50, big_p99) = edit_latency(&mut c, &big_uri, &mut big);

    let timed = |c: &mut stdio::Client, method: &str, params: Value, n: usize| -> (Duration, Duration, Value) {
        let mut samples = Vec::new();
        let mut last = Value::Null;
        for _ in 0..n {
            // To the answer's last byte: the client's own parsing of a 15 MB answer is not the server's time.
            let (took, answer) = c.request_timed(method, params.clone());
            last = answer;
            samples.push(took);
        }
        assert!(last.get("error").is_none(), "{method}: {last}");
        (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99), last)
    };
    let on = |needle: &str, delta: usize| json!({ "textDocument": { "uri": small_uri }, "position": position(&small, small.find(needle).unwrap() + delta) });
    let (hover50, hover99, _) = timed(&mut c, "textDocument/hover", on("{e=hub-person}", 4), 200);
    let (def50, def99, _) = timed(&mut c, "textDocument/definition", on("{e=hub-person}", 4), 200);
    let mut refs = on("{e=hub-person}", 4);
    refs["context"] = json!({ "includeDeclaration": true });
    let (refs50, refs99, found) = timed(&mut c, "textDocument/references", refs, 30);
    let references = found["result"].as_array().map_or(0, Vec::len);
    let (comp50, comp99, _) = timed(&mut c, "textDocument/completion", on("{e=hub-person}", 3), 50);
    let (sym50, sym99, _) = timed(&mut c, "workspace/symbol", json!({ "query": "arti 5" }), 20);
    let mut rename = on("{e=hub-person}", 4);
    rename["newName"] = json!("the-hub-person");
    let (rename_time, _, edit) = timed(&mut c, "textDocument/rename", rename, 1);
    let renamed: usize = edit["result"]["documentChanges"].as_array().map_or(0, |ops| {
        ops.iter().map(|o| o["edits"].as_array().map_or(0, Vec::len)).sum()
    });
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);

    println!(
        "lsp   {articles:>6} articles: initialize -> first diagnostics {} (the open document's last {}), -> the last of {} more documents' {}; RSS after indexing {:.0} MB (peak {:.0} MB, {:.1}x the corpus)",
        ms(first),
        ms(open_whole),
        published.len(),
        ms(all),
        rss as f64 / 1e6,
        peak as f64 / 1e6,
        peak as f64 / bytes as f64
    );
    println!(
        "      edit -> diagnostics: small article p50 {} p99 {}; 1 MB article p50 {} p99 {}",
        ms(small_p50),
        ms(small_p99),
        ms(big_p50),
        ms(big_p99)
    );
    println!(
        "      hover p50 {} p99 {}; definition p50 {} p99 {}",
        ms(hover50),
        ms(hover99),
        ms(def50),
        ms(def99)
    );
    println!(
        "      references to hub-person ({references} locations) p50 {} p99 {}; rename ({renamed} edits) {}",
        ms(refs50),
        ms(refs99),
        ms(rename_time)
    );
    println!(
        "      completion p50 {} p99 {}; workspace/symbol p50 {} p99 {}",
        ms(comp50),
        ms(comp99),
        ms(sym50),
        ms(sym99)
    );
}

/// A corpus of one entity and one article with `body`, under target/bench/.
fn hostile_corpus(name: &str, body: &str) -> PathBuf {
    let dir = repo(&format!("target/bench/hostile-{name}"));
    std::fs::create_dir_all(dir.join("articles")).unwrap();
    std::fs::create_dir_all(dir.join("entities")).unwrap();
    std::fs::write(dir.join("annals.toml"), "[corpus]\nname = \"hostile\"\n").unwrap();
    std::fs::write(dir.join("entities/w.md"), "---\nkind: person\nname: Wally\n---\n").unwrap();
    std::fs::write(
        dir.join("articles/a.md"),
        format!("---\ntitle: T\npublished: 2022-04-02\n---\n[Wally]{{e=w}}\n\n{body}\n"),
    )
    .unwrap();
    dir
}

fn check_wall(dir: &Path, format: &str, runs: usize) -> (Duration, u64) {
    best_of(runs, || {
        let (wall, rss, status) = measure(
            Command::new(annals())
                .args(["check", "--format", format, "--fail-on", "never"])
                .arg(dir),
        );
        assert_eq!(status, Some(0), "check --format {format} {}", dir.display());
        (wall, rss)
    })
}

fn bench_hostile() {
    let line = hostile_corpus("long-line", &"[Word]{e=x} ".repeat(400_000));
    for format in ["human", "json", "sarif", "github"] {
        let (wall, rss) = check_wall(&line, format, 3);
        println!(
            "hostile: 400,000 annotations with findings on one 4.8 MB line: check --format {format:<6} {} wall, peak RSS {:.0} MB",
            ms(wall),
            rss as f64 / 1024.0
        );
    }
    let brackets = hostile_corpus("brackets", &"[".repeat(80_000));
    let (wall, _) = check_wall(&brackets, "human", 5);
    println!(
        "hostile: 80 KB of `[`: check {} wall (process start included)",
        ms(wall)
    );

    let tokens = hostile_corpus("tokens", &"[Word]{e=x} ".repeat(40_000));
    let root_uri = Uri::from_file_path(&tokens).unwrap().to_string();
    let path = tokens.join("articles/a.md");
    let uri = Uri::from_file_path(&path).unwrap().to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut c = stdio::Client::spawn_binary(&annals(), &tokens);
    c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {}, "workspaceFolders": [{ "uri": root_uri, "name": "bench" }], "initializationOptions": { "diagnosticsDelay": 0 } }));
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
    );
    c.wait(|m| (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()).then_some(()));
    let mut samples = Vec::new();
    for _ in 0..20 {
        let (took, answer) = c.request_timed(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        );
        assert!(
            answer["result"]["data"]
                .as_array()
                .is_some_and(|d| d.len() >= 5 * 80_000),
            "{answer}"
        );
        samples.push(took);
    }
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    println!(
        "hostile: semantic tokens for a line of 40,000 annotations: p50 {} p99 {}",
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 0.99))
    );
}

/// check of a generated corpus with `unannotated-mention` on (the default) and off.
fn bench_rule_off(articles: usize, dir: &Path) {
    let config = dir.join("annals.toml");
    let original = std::fs::read_to_string(&config).unwrap();
    let (on, _) = check_wall(dir, "json", 5);
    let off_config = match original.split_once("[rules]\n") {
        Some((head, tail)) => format!("{head}[rules]\nunannotated-mention = \"off\"\n{tail}"),
        None => format!("{original}\n[rules]\nunannotated-mention = \"off\"\n"),
    };
    std::fs::write(&config, off_config).unwrap();
    let (off, _) = check_wall(dir, "json", 5);
    std::fs::write(&config, original).unwrap();
    println!(
        "check {articles:>6} articles: unannotated-mention on {}, off {} ({:.0}% less)",
        ms(on),
        ms(off),
        100.0 * (1.0 - off.as_secs_f64() / on.as_secs_f64())
    );
}

/// The resident and peak resident memory of the process `pid`, in bytes, from /proc (Linux).
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (user + system) the process `pid` has used, from /proc (Linux).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<u64> = rest.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    let ticks = fields.get(10).copied().unwrap_or(0) + fields.get(11).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// The server as VS Code drives it: pull diagnostics (a workspace pull, then again with
/// every result id), code actions at the cursor, an idle minute, and a branch switch.
fn bench_lsp_pull(articles: usize, dir: &Path) {
    let root_uri = Uri::from_file_path(dir).unwrap().to_string();
    let mut c = stdio::Client::spawn_binary(&annals(), dir);
    let capabilities = json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } });
    // Held pulls off for the timings of a pull itself; on for the idle measure below.
    c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": capabilities, "workspaceFolders": [{ "uri": root_uri, "name": "bench" }], "initializationOptions": { "diagnosticsDelay": 0, "workspaceDiagnosticsHold": 0 } }));
    c.notify("initialized", json!({}));
    let (first, report) = c.request_timed("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let items = report["result"]["items"].as_array().cloned().unwrap_or_default();
    let with_findings = items
        .iter()
        .filter(|i| i["items"].as_array().is_some_and(|d| !d.is_empty()))
        .count();
    let known: Vec<Value> = items
        .iter()
        .map(|i| json!({ "uri": i["uri"], "value": i["resultId"] }))
        .collect();
    let mut samples = Vec::new();
    let cpu_before = cpu_time(c.pid());
    // 100 pulls, the first of which reads the ids anew (later ones are the same bytes).
    for _ in 0..100 {
        let (took, again) = c.request_timed("workspace/diagnostic", json!({ "previousResultIds": known }));
        assert_eq!(
            again["result"]["items"].as_array().map_or(1, Vec::len),
            0,
            "nothing changed"
        );
        samples.push(took);
    }
    // The server's own CPU per pull, from /proc's 10 ms ticks over the 100.
    let pull_cpu = cpu_time(c.pid()).saturating_sub(cpu_before) / 100;
    let (pull50, pull99) = (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99));

    // Code actions at the cursor, as VS Code sends them on every move.
    let small_path = walk(&dir.join("articles"))
        .into_iter()
        .find(|p| p.to_string_lossy().contains("article-000500"))
        .unwrap();
    let small_uri = Uri::from_file_path(&small_path).unwrap().to_string();
    let small = std::fs::read_to_string(&small_path).unwrap();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": small_uri, "languageId": "markdown", "version": 1, "text": small } }),
    );
    let at = small.find("{e=hub-person}").unwrap();
    let mut samples = Vec::new();
    for k in 0..200 {
        let offset = at + k % 8;
        let range = json!({ "start": position(&small, offset), "end": position(&small, offset) });
        let (took, _) = c.request_timed(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": small_uri }, "range": range, "context": { "diagnostics": [] } }),
        );
        samples.push(took);
    }
    let (action50, action99) = (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99));

    // Idle for 60 s with a client that pulls every 2 s (VS Code's rhythm when pulls are
    // answered at once).
    let cpu = cpu_time(c.pid());
    let idle = Instant::now();
    while idle.elapsed() < Duration::from_secs(60) {
        c.request("workspace/diagnostic", json!({ "previousResultIds": known }));
        std::thread::sleep(Duration::from_secs(2));
    }
    let polled = cpu_time(c.pid()).saturating_sub(cpu);

    // A branch switch: 5,000 files change on disk at once, then a hover on the open article.
    let changed: Vec<PathBuf> = walk(&dir.join("articles")).into_iter().take(5000).collect();
    let originals: Vec<String> = changed.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    for (p, text) in changed.iter().zip(&originals) {
        std::fs::write(p, format!("{text}\nA line added on another branch.\n")).unwrap();
    }
    let changes: Vec<Value> = changed
        .iter()
        .map(|p| json!({ "uri": Uri::from_file_path(p).unwrap().to_string(), "type": 2 }))
        .collect();
    c.notify("workspace/didChangeWatchedFiles", json!({ "changes": changes }));
    let hover_at = json!({ "textDocument": { "uri": small_uri }, "position": position(&small, at + 4) });
    let mut samples = Vec::new();
    for _ in 0..20 {
        let (took, answer) = c.request_timed("textDocument/hover", hover_at.clone());
        assert!(answer["result"].is_object(), "{answer}");
        samples.push(took);
    }
    let hover_max = samples.iter().max().copied().unwrap_or_default();
    for (p, text) in changed.iter().zip(&originals) {
        std::fs::write(p, text).unwrap();
    }
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);

    // Held pulls: a new server, the same client rhythm; each pull waits for a change.
    let mut c = stdio::Client::spawn_binary(&annals(), dir);
    c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": capabilities, "workspaceFolders": [{ "uri": root_uri, "name": "bench" }], "initializationOptions": { "diagnosticsDelay": 0 } }));
    c.notify("initialized", json!({}));
    c.request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let cpu = cpu_time(c.pid());
    c.send(&json!({ "jsonrpc": "2.0", "id": 9999, "method": "workspace/diagnostic", "params": { "previousResultIds": known } }));
    std::thread::sleep(Duration::from_secs(60));
    let held = cpu_time(c.pid()).saturating_sub(cpu);
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);

    println!(
        "lsp   {articles:>6} articles, pull mode: first workspace pull {} ({} reports, {with_findings} with findings); again with every result id p50 {} p99 {} (server CPU {} per pull)",
        ms(first),
        items.len(),
        ms(pull50),
        ms(pull99),
        ms(pull_cpu)
    );
    println!(
        "      code action at the cursor p50 {} p99 {}; idle 60 s: {} CPU with a pull every 2 s, {} with the pull held",
        ms(action50),
        ms(action99),
        ms(polled),
        ms(held)
    );
    println!(
        "      5,000 files changed on disk: the slowest of 20 hovers right after {}",
        ms(hover_max)
    );
}

/// What to run: `-- --size 1k,10k,100k --shape sparse,dense --only check,export,site,fix,rule-off,lsp,pull,hostile`
/// (each a comma list; by default 1k and 10k, both shapes, everything). `--quick` is `--size 1k`.
struct Options {
    sizes: Vec<usize>,
    shapes: Vec<Shape>,
    parts: Vec<String>,
}

impl Options {
    fn parse() -> Options {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let value = |flag: &str| -> Option<Vec<String>> {
            let at = args.iter().position(|a| a == flag)?;
            let list = args.get(at + 1).unwrap_or_else(|| panic!("{flag} needs a value"));
            Some(list.split(',').map(str::to_string).collect())
        };
        let size = |s: &str| -> usize {
            match s.trim().to_lowercase().as_str() {
                "1k" => 1000,
                "10k" => 10_000,
                "100k" => 100_000,
                other => other
                    .parse()
                    .unwrap_or_else(|_| panic!("--size: {other} is not 1k, 10k, 100k or a number")),
            }
        };
        let sizes = match value("--size") {
            Some(list) => list.iter().map(|s| size(s)).collect(),
            None if args.iter().any(|a| a == "--quick") => vec![1000],
            None => vec![1000, 10_000],
        };
        let shapes = value("--shape")
            .unwrap_or_else(|| vec!["sparse".into(), "dense".into()])
            .iter()
            .map(|s| match s.as_str() {
                "sparse" => Shape::Sparse,
                "dense" => Shape::Dense,
                other => panic!("--shape: {other} is not sparse or dense"),
            })
            .collect();
        let parts = value("--only").unwrap_or_else(|| {
            ["hostile", "check", "export", "site", "fix", "rule-off", "lsp", "pull"]
                .map(String::from)
                .to_vec()
        });
        // `--hostile` alone: the hostile shapes only, as before.
        let parts = if args.iter().any(|a| a == "--hostile") {
            vec!["hostile".to_string()]
        } else {
            parts
        };
        Options { sizes, shapes, parts }
    }

    fn runs(&self, part: &str) -> bool {
        self.parts.iter().any(|p| p == part)
    }
}

fn main() {
    let options = Options::parse();
    println!(
        "annals scale benchmark ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    // Outputs a stopped run left behind; deleting them now is what the warning is about.
    delete_outputs();
    if options.runs("export") || options.runs("site") {
        warn_if_recently_deleted();
    }
    if options.runs("hostile") {
        bench_hostile();
    }
    for &articles in &options.sizes {
        for &shape in &options.shapes {
            let (dir, bytes) = corpus(articles, shape);
            println!("{shape:?} shape, {articles} articles ({:.1} MB)", bytes as f64 / 1e6);
            if options.runs("check") {
                bench_check(articles, &dir, bytes);
            }
            if options.runs("export") {
                bench_export(articles, &dir);
            }
            if options.runs("site") {
                bench_site(articles, &dir);
            }
            if options.runs("fix") {
                bench_fix(articles, &dir);
            }
            if options.runs("rule-off") {
                bench_rule_off(articles, &dir);
            }
            if options.runs("lsp") {
                bench_lsp(articles, &dir, bytes);
            }
            if options.runs("pull") {
                bench_lsp_pull(articles, &dir);
            }
        }
    }
    delete_outputs();
}
