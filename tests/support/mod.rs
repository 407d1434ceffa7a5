//! Test support: a fixture mini-language for small corpora.
//!
//! ```text
//! //- bad/articles/a.md
//! ---
//! title: A
//! ---
//! //- expect
//! bad/articles/a.md 3:1-3:4 missing-field
//! ```
//!
//! `//- PATH` starts a file; `//- expect` starts the expected findings, one per line:
//! the file (relative to the fixture root), start line:column, end line:column (1-based,
//! columns in Unicode scalar values, end exclusive) and the code. A corpus folder without
//! an annals.toml gets a default one.

#![allow(dead_code)]

use annals::Corpus;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the annals binary under test in `cwd`, without colour.
pub fn annals(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the annals binary runs")
}

/// What a run printed on standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub struct Fixture {
    pub files: BTreeMap<String, String>,
    pub expect: Vec<String>,
}

pub fn parse_fixture(text: &str) -> Fixture {
    let mut files = BTreeMap::new();
    let mut expect = Vec::new();
    let mut current: Option<String> = None;
    let mut body = String::new();
    let mut in_expect = false;
    let flush = |current: &mut Option<String>, body: &mut String, files: &mut BTreeMap<String, String>| {
        if let Some(path) = current.take() {
            files.insert(path, std::mem::take(body));
        }
        body.clear();
    };
    for line in text.split_inclusive('\n') {
        if let Some(header) = line.strip_prefix("//- ") {
            flush(&mut current, &mut body, &mut files);
            let header = header.trim();
            in_expect = header == "expect";
            if !in_expect {
                current = Some(header.to_string());
            }
        } else if in_expect {
            if !line.trim().is_empty() {
                expect.push(line.trim().to_string());
            }
        } else if current.is_some() {
            body.push_str(line);
        }
    }
    flush(&mut current, &mut body, &mut files);
    Fixture { files, expect }
}

/// Writes the fixture's files under a new temporary folder.
pub fn materialize(fixture: &Fixture) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (path, text) in &fixture.files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, text).unwrap();
    }
    // Each top-level folder is a corpus; give it an annals.toml when the fixture has none.
    let roots: Vec<&str> = fixture.files.keys().filter_map(|p| p.split('/').next()).collect();
    for root in roots {
        let toml = dir.path().join(root).join("annals.toml");
        if !toml.exists() {
            std::fs::write(toml, "[corpus]\nname = \"fixture\"\n").unwrap();
        }
    }
    dir
}

/// Every finding of the corpus at `root`, as `prefix/FILE L:C-L:C code` lines, sorted.
pub fn findings(root: &Path, prefix: &str) -> Vec<String> {
    let corpus = Corpus::load(root).unwrap_or_else(|e| panic!("fixture corpus {} does not load: {e}", root.display()));
    let mut out = Vec::new();
    for df in corpus.findings() {
        let doc = df.document;
        for f in df.findings {
            let s = doc.lines.line_column(&doc.text, f.range.start as usize);
            let e = doc.lines.line_column(&doc.text, f.range.end as usize);
            out.push(format!(
                "{prefix}/{} {}:{}-{}:{} {}",
                doc.path,
                s.line + 1,
                s.column + 1,
                e.line + 1,
                e.column + 1,
                f.code
            ));
        }
    }
    out.sort();
    out
}

/// Findings with their messages, for failure output.
pub fn findings_with_messages(root: &Path) -> Vec<String> {
    let corpus = Corpus::load(root).expect("corpus loads");
    corpus
        .findings()
        .into_iter()
        .flat_map(|df| {
            let path = df.document.path.clone();
            df.findings
                .into_iter()
                .map(move |f| format!("{path}: {} {}", f.code, f.message))
        })
        .collect()
}

/// Every file below `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path))
        } else {
            out.push(path)
        }
    }
    out.sort();
    out
}

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}
pub mod conformance;
pub mod lsp;
pub mod stdio;

/// Runs a command to its end with its output discarded, returning (wall time, peak RSS in
/// KiB, exit status).
///
/// The peak comes from GNU time, which starts the command and reports its child's own peak.
/// Measured from here (wait4), a child's peak would include this process's: the kernel
/// charges a spawned process the memory of the one it was spawned from (for a vfork-style
/// spawn, that one's peak), and tests running in parallel threads raise it.
#[allow(dead_code)]
pub fn measure(command: &mut std::process::Command) -> (std::time::Duration, u64, Option<i32>) {
    use std::process::{Command, Stdio};
    let time = std::path::Path::new("/usr/bin/time");
    assert!(
        time.is_file(),
        "GNU time is missing: apt-get install time (bash .ci/run installs it)"
    );
    let report = tempfile::NamedTempFile::new().expect("a temporary file");
    let mut timed = Command::new(time);
    timed
        .args(["--quiet", "-f", "%M", "-o"])
        .arg(report.path())
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    let start = std::time::Instant::now();
    let status = timed
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the command starts");
    let wall = start.elapsed();
    let text = std::fs::read_to_string(report.path()).unwrap_or_default();
    let peak = text
        .lines()
        .rev()
        .find_map(|l| l.trim().parse::<u64>().ok())
        .unwrap_or_else(|| panic!("GNU time reported no peak RSS: {text:?}"));
    (wall, peak, status.code())
}
