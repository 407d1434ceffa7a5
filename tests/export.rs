//! `annals export` read by real consumers: DuckDB and pandas (jsonl, csv), a check of the W3C
//! Web Annotation model's MUSTs with pyld's JSON-LD expansion (w3c), and brat's grammar with
//! bratly (brat), all in tests/export/check_export.py, run in target/export-venv (`bash
//! .ci/run` installs it; without it these tests fail and say what to install). Then the
//! command's own behaviour: refusal of a corpus with errors, `--out` rules, standard output.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::{annals, repo_path, stderr, walk};

/// The virtual environment's Python, with DuckDB, pandas, pyld and bratly.
fn python() -> PathBuf {
    let path = std::env::var_os("ANNALS_EXPORT_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_path("target/export-venv/bin/python"));
    assert!(
        path.exists(),
        "{} is missing: python3 -m venv target/export-venv && target/export-venv/bin/pip install \
         duckdb==2.0.1 pandas==3.1.1 pyld==3.3.0 bratly==0.1.4 bratly-io-fs==0.1.4 \
         (bash .ci/run does this), or point ANNALS_EXPORT_PYTHON at a Python that has them",
        path.display()
    );
    path
}

/// Runs one check of check_export.py; it must say that all its checks passed.
fn consumer(args: &[&dyn AsRef<std::ffi::OsStr>]) {
    let mut command = Command::new(python());
    command.arg(repo_path("tests/export/check_export.py"));
    for a in args {
        command.arg(a);
    }
    let out = command.output().expect("python runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.contains("all checks passed"),
        "check_export.py {:?} failed:\n{said}",
        args.iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
    );
    println!("{said}");
}

/// Exports `corpus` to `out` and asserts it succeeded.
fn export(corpus: &Path, out: &Path, args: &[&str]) {
    let mut all = vec!["export", corpus.to_str().unwrap(), "--out", out.to_str().unwrap()];
    all.extend(args);
    let o = annals(corpus, &all);
    assert_eq!(o.status.code(), Some(0), "annals {all:?}:\n{}", stderr(&o));
    assert!(stderr(&o).contains("exported"), "{}", stderr(&o));
}

/// Every format, both offset units, through every consumer. `seed`: the seed corpus, whose
/// questions DuckDB answers, and which has no character beyond the BMP.
fn every_consumer(corpus: &Path, seed: bool) {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name);
    export(corpus, &at("jsonl"), &[]);
    export(corpus, &at("jsonl-utf16"), &["--offsets", "utf16"]);
    export(corpus, &at("csv"), &["--format", "csv"]);
    export(corpus, &at("w3c"), &["--format", "w3c"]);
    export(corpus, &at("w3c-utf16"), &["--format", "w3c", "--offsets", "utf16"]);
    export(corpus, &at("brat"), &["--format", "brat"]);
    let context = repo_path("tests/data/anno-terms.jsonld");
    consumer(&[&"offsets", &at("jsonl"), &corpus, &"codepoints"]);
    let astral = if seed { "bmp-only" } else { "astral" };
    consumer(&[&"offsets", &at("jsonl-utf16"), &corpus, &"utf16", &astral]);
    if seed {
        consumer(&[&"duckdb", &at("jsonl"), &corpus]);
    }
    consumer(&[&"pandas", &at("csv"), &at("jsonl")]);
    consumer(&[&"w3c", &at("w3c"), &context]);
    consumer(&[&"w3c", &at("w3c-utf16"), &context]);
    consumer(&[&"brat", &at("brat")]);
}

#[test]
fn the_seed_corpus_through_every_consumer() {
    every_consumer(&repo_path("corpus"), true);
}

/// A corpus written with CRLF (and a lone CR), emoji beyond the BMP, a flag, a combining
/// accent, Cyrillic, a tab inside a mention, escapes, code, claims across line breaks,
/// nested spans, an unnamed claim, ids with `-`, and a relation across documents.
fn unicode_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let crlf = |text: &str| text.replace('\n', "\r\n");
    let files: Vec<(&str, String)> = vec![
        ("annals.toml", "[corpus]\nname = \"Юникод 🚀 test\"\n".to_string()),
        (
            "entities/rogozin.md",
            crlf("---\nkind: person\nname: Дмитрий Рогозин\naliases: [Rogozin]\nwikidata: Q315730\n---\nГлава [Роскосмоса]{e=roscosmos} 🚀, see [the government]{e=russian-government}.\n"),
        ),
        (
            "entities/roscosmos.md",
            "---\nkind: agency\nname: Roscosmos\n---\nThe agency.\n".to_string(),
        ),
        (
            "entities/russian-government.md",
            "---\nkind: government\nname: Правительство\n---\n".to_string(),
        ),
        (
            "articles/a.md",
            crlf("---\ntitle: \"Рогозин 👩‍🚀\"\npublished: 2022-04-02\nurl: https://example.org/a\n---\n😀 First: [Дмитрий Рогозин]{e=rogozin} 🇷🇺 wrote\n[\"Санкции 🚀 — \\[sic\\] to kill the\neconomy\"]{.claim #sanctions by=rogozin date=2022-04-02 via=twitter}.\n\n[[Рогозин]{e=rogozin} said 𝔘𝔫𝔦 words]{.claim by=\"rogozin russian-government\"\n  replies-to=sanctions date=2022-04-02} and `[code]{e=x}` too.\nTab:\t[x\ty]{e=roscosmos}, Cafe\u{301} [Cafe\u{301} 👩‍👩‍👧]{e=roscosmos}.\n")
                .replace("too.\r\n", "too.\r")
                + "[Roscosmos]{e=roscosmos} [unnamed 𝔘]{.claim by=roscosmos date=2022-04-01}\n",
        ),
        (
            "articles/b.md",
            "---\ntitle: B\npublished: 2022-04-03\n---\n[Рогозин]{e=rogozin} again: [\"Ещё 🚀\"]{.claim #again by=rogozin date=2022-04-03 repeats=\"a:sanctions\" source=\"a:sanctions\"}\n".to_string(),
        ),
    ];
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

#[test]
fn emoji_crlf_and_cyrillic_through_every_consumer() {
    let corpus = unicode_corpus();
    let check = annals(corpus.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(report["summary"]["error"], 0, "the fixture has no errors: {report}");
    let a = std::fs::read_to_string(corpus.path().join("articles/a.md")).unwrap();
    assert!(a.contains("\r\n") && a.contains("too.\rTab:") && a.contains('😀'));
    every_consumer(corpus.path(), false);
}

/// The plain text and one mention of the fixture, as the issue's example says they must be.
#[test]
fn plain_text_and_offsets_of_the_fixture() {
    let corpus = unicode_corpus();
    let out = corpus.path().join("out");
    export(corpus.path(), &out, &[]);
    let read = |table: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(out.join(format!("{table}.jsonl")))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let docs = read("documents");
    let a = docs.iter().find(|d| d["id"] == "a").unwrap();
    let text = a["text"].as_str().unwrap();
    assert!(
        text.starts_with("😀 First: Дмитрий Рогозин 🇷🇺 wrote\n\"Санкции 🚀 — [sic] to kill the\neconomy\"."),
        "{text:?}"
    );
    assert!(
        !text.contains('\r')
            && !text.contains("{e=rogozin")
            && !text.contains("{.claim")
            && text.contains("`[code]{e=x}`"),
        "{text:?}"
    );
    assert!(text.contains("too.\nTab:\tx\ty, "), "a lone CR is a line end: {text:?}");
    let mention = read("mentions").into_iter().find(|m| m["id"] == "a@1").unwrap();
    // "😀 First: " is 9 code points; the mention's `[` stands at line 6, column 10 of a.md.
    assert_eq!(
        (&mention["start"], &mention["end"], &mention["line"], &mention["column"]),
        (&9.into(), &24.into(), &6.into(), &10.into())
    );
    let claims = read("claims");
    let ids: Vec<&str> = claims.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a:sanctions", "a:~2", "a:~3", "b:again"]);
    assert_eq!(claims[1]["by"], serde_json::json!(["rogozin", "russian-government"]));
    assert_eq!(claims[1]["mentions"], serde_json::json!(["rogozin"]));
    let relations = read("relations");
    let across: Vec<(&str, &str, &str)> = relations
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap(),
                r["relation"].as_str().unwrap(),
                r["target"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        across,
        [
            ("a:~2", "replies-to", "a:sanctions"),
            ("b:again", "repeats", "a:sanctions"),
            ("b:again", "source", "a:sanctions")
        ]
    );
}

fn listing(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = walk(root)
        .iter()
        .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

fn broken_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    std::fs::create_dir_all(root.join("articles")).unwrap();
    std::fs::write(root.join("annals.toml"), "[corpus]\n").unwrap();
    std::fs::write(
        root.join("articles/a.md"),
        "---\ntitle: T\npublished: 2022-04-02\n---\n[Nobody]{e=nobody} said [\"x\"]{.claim by=nobody date=2022-04-02 replies-to=gone}\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_corpus_with_errors_is_refused_and_nothing_is_written() {
    let dir = broken_corpus();
    let root = dir.path().join("corpus");
    let out = dir.path().join("out");
    let before = listing(dir.path());
    let o = annals(dir.path(), &["export", "corpus", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains("error[unknown-entity]") && said.contains("error[broken-reference]"),
        "{said}"
    );
    assert!(
        said.contains("corpus/articles/a.md:5:"),
        "errors are placed as check places them: {said}"
    );
    assert!(!said.contains("warning["), "only errors are listed: {said}");
    assert!(said.contains("--allow-errors"), "{said}");
    assert_eq!(
        listing(dir.path()),
        before,
        "nothing was written, no temporary folder is left"
    );
    assert!(!out.exists());

    // To standard output as well: nothing at all is written.
    let o = annals(dir.path(), &["export", "corpus", "--out", "-"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());

    // --allow-errors exports, and says so.
    let o = annals(&root, &["export", "--out", "../out", "--allow-errors"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("despite 3 errors"), "{}", stderr(&o));
    let relations = std::fs::read_to_string(out.join("relations.jsonl")).unwrap();
    assert!(relations.contains("\"target\":\"a:gone\""), "{relations}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("annals-export.json")).unwrap()).unwrap();
    assert_eq!(manifest["errors"], 3);
}

#[test]
fn out_must_be_new_empty_or_a_previous_export() {
    let corpus = repo_path("corpus");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    export(&corpus, &out, &["--format", "csv"]);
    let first = listing(&out);
    assert!(first.contains(&"claims.csv".to_string()) && first.contains(&"annals-export.json".to_string()));

    let o = annals(dir.path(), &["export", corpus.to_str().unwrap(), "--out", "out"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not empty") && stderr(&o).contains("--force"),
        "{}",
        stderr(&o)
    );

    // --force replaces a previous export whole: no csv file of the first one stays.
    export(&corpus, &out, &["--force"]);
    assert_eq!(
        listing(&out),
        [
            "annals-export.json",
            "claims.jsonl",
            "documents.jsonl",
            "entities.jsonl",
            "mentions.jsonl",
            "relations.jsonl"
        ]
    );
    assert_eq!(
        listing(dir.path()).len(),
        6,
        "no temporary folder is left: {:?}",
        listing(dir.path())
    );

    // A folder of other files is never replaced, --force or not.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    let o = annals(
        dir.path(),
        &["export", corpus.to_str().unwrap(), "--out", "mine", "--force"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an annals export"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(mine.join("notes.txt")).unwrap(), "mine");

    // A file where the folder belongs.
    std::fs::write(dir.path().join("file"), "x").unwrap();
    let o = annals(dir.path(), &["export", corpus.to_str().unwrap(), "--out", "file"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(dir.path().join("file")).unwrap(), "x");
}

#[test]
fn exports_are_deterministic() {
    let corpus = repo_path("corpus");
    let dir = tempfile::tempdir().unwrap();
    for format in ["jsonl", "w3c", "brat"] {
        let (a, b) = (
            dir.path().join(format!("{format}-a")),
            dir.path().join(format!("{format}-b")),
        );
        export(&corpus, &a, &["--format", format]);
        export(&corpus, &b, &["--format", format]);
        let files = listing(&a);
        assert_eq!(files, listing(&b));
        for file in files {
            assert!(
                std::fs::read(a.join(&file)).unwrap() == std::fs::read(b.join(&file)).unwrap(),
                "{format}: {file} differs between two runs"
            );
        }
    }
}

#[test]
fn one_stream_to_standard_output() {
    let corpus = repo_path("corpus");
    let dir = tempfile::tempdir().unwrap();
    let o = annals(dir.path(), &["export", corpus.to_str().unwrap(), "--out", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let mut tables = std::collections::BTreeMap::new();
    for line in text.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        *tables.entry(row["table"].as_str().unwrap().to_string()).or_insert(0) += 1;
        assert!(line.starts_with("{\"table\":"), "{line}");
    }
    // The same rows as the folder export's tables.
    let out = dir.path().join("out");
    export(&corpus, &out, &[]);
    for (table, n) in &tables {
        let lines = std::fs::read_to_string(out.join(format!("{table}.jsonl")))
            .unwrap()
            .lines()
            .count();
        assert_eq!(*n, lines, "{table}");
    }
    assert_eq!(tables.len(), 5);
    assert_eq!(listing(dir.path()).len(), 6, "standard output writes no file");

    let o = annals(
        dir.path(),
        &["export", corpus.to_str().unwrap(), "--format", "w3c", "--out", "-"],
    );
    assert_eq!(o.status.code(), Some(0));
    let w3c = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        w3c,
        std::fs::read_to_string({
            let out = dir.path().join("w3c");
            export(&corpus, &out, &["--format", "w3c"]);
            out.join("annotations.jsonl")
        })
        .unwrap()
    );
}

#[test]
fn options_that_cannot_work_are_refused() {
    let corpus = repo_path("corpus");
    let dir = tempfile::tempdir().unwrap();
    let c = corpus.to_str().unwrap();
    for (args, says) in [
        (vec!["--format", "csv", "--out", "-"], "several files"),
        (vec!["--format", "brat", "--out", "-"], "several files"),
        (
            vec!["--format", "brat", "--offsets", "utf16", "--out", "x"],
            "code points",
        ),
        (
            vec!["--format", "w3c", "--base-uri", "not an iri", "--out", "x"],
            "not an absolute IRI",
        ),
    ] {
        let mut all = vec!["export", c];
        all.extend(&args);
        let o = annals(dir.path(), &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    let o = annals(dir.path(), &["export", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no corpus found"), "{}", stderr(&o));
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn a_base_uri_names_every_iri() {
    let corpus = repo_path("corpus");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("w3c");
    export(
        &corpus,
        &out,
        &["--format", "w3c", "--base-uri", "https://example.org/iss"],
    );
    let annotations = std::fs::read_to_string(out.join("annotations.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(annotations.lines().next().unwrap()).unwrap();
    assert!(
        first["id"]
            .as_str()
            .unwrap()
            .starts_with("https://example.org/iss/documents/"),
        "{first}"
    );
    assert!(!annotations.contains("urn:annals:"));
    consumer(&[&"w3c", &out, &repo_path("tests/data/anno-terms.jsonld")]);
}

/// More annotations than one page holds: the collection's pages chain by next and prev.
#[test]
fn a_collection_of_several_pages() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    std::fs::create_dir_all(root.join("articles")).unwrap();
    std::fs::create_dir_all(root.join("entities")).unwrap();
    std::fs::write(root.join("annals.toml"), "[corpus]\nname = \"pages\"\n").unwrap();
    std::fs::write(root.join("entities/w.md"), "---\nkind: person\nname: Wally\n---\n").unwrap();
    let body: String = (0..2100).map(|k| format!("[Wally]{{e=w}} {k} ")).collect();
    std::fs::write(
        root.join("articles/a.md"),
        format!(
            "---\ntitle: T\npublished: 2022-04-02\n---\n{body}\n\n[\"q\"]{{.claim #q by=w date=2022-04-01}} [\"r\"]{{.claim by=w date=2022-04-02 replies-to=q}}\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("w3c");
    export(&root, &out, &["--format", "w3c"]);
    let collection: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("collection.jsonld")).unwrap()).unwrap();
    let graph = collection["@graph"].as_array().unwrap();
    assert_eq!(graph.len(), 4, "three pages and the collection");
    assert_eq!(graph[3]["total"], 2103);
    consumer(&[&"w3c", &out, &repo_path("tests/data/anno-terms.jsonld")]);
}
