//! `annals check` as a user runs it: the built binary, its exit codes, formats,
//! path discovery, colour, and bad input. Snapshots: UPDATE_EXPECT=1 cargo test.

mod support;

use expect_test::expect_file;
use std::path::Path;
use std::process::{Command, Output};
use support::{repo_path, walk};

fn annals(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("the annals binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixtures() -> std::path::PathBuf {
    repo_path("tests/fixtures")
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

const ENTITY: &str = "---\nkind: person\nname: Dmitry Rogozin\naliases: [Rogozin]\n---\n";
const ARTICLE: &str =
    "---\ntitle: T\npublished: 2022-04-02\n---\n[Rogozin]{e=rogozin} said [\"x\"]{.claim by=rogozin date=2022-04-02}\n";

fn clean_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("annals.toml", "[corpus]\n"),
            ("entities/rogozin.md", ENTITY),
            ("articles/a.md", ARTICLE),
        ],
    );
    dir
}

#[test]
fn human_snapshot() {
    let out = annals(&fixtures(), &["check", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !stdout(&out).contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    expect_file!["snapshots/check.human.txt"].assert_eq(&stdout(&out));
}

#[test]
fn json_snapshot_and_contract() {
    let out = annals(&fixtures(), &["check", "check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    expect_file!["snapshots/check.json"].assert_eq(&text);

    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["root"], "check");
    assert_eq!(v["documents"], 4);
    let diagnostics = v["diagnostics"].as_array().unwrap();
    let keys = |d: &serde_json::Value| {
        (
            d["file"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
            d["column"].as_u64().unwrap(),
            d["code"].as_str().unwrap().to_string(),
        )
    };
    let mut sorted = diagnostics.clone();
    sorted.sort_by_key(keys);
    assert_eq!(&sorted, diagnostics, "sorted by file, line, column, code");
    for d in diagnostics {
        let fields: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(fields.len(), 8, "{fields:?}");
        assert!(!d["file"].as_str().unwrap().contains('\\'));
    }
    let summary = &v["summary"];
    assert_eq!(
        (
            summary["error"].as_u64(),
            summary["warning"].as_u64(),
            summary["info"].as_u64(),
            summary["hint"].as_u64()
        ),
        (Some(2), Some(1), Some(1), Some(1))
    );
}

#[test]
fn json_columns_count_unicode_scalar_values() {
    let dir = clean_corpus();
    write(
        dir.path(),
        &[(
            "articles/b.md",
            "---\ntitle: T\npublished: 2022-04-02\n---\nРогозин: [Rogozin]{e=rogozn}\n",
        )],
    );
    let out = annals(dir.path(), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unknown-entity")
        .unwrap();
    // "Рогозин: [Rogozin]{e=" is 21 scalar values (and 28 bytes) before the id.
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64(), d["end_column"].as_u64()),
        (Some(5), Some(22), Some(28))
    );
}

#[test]
fn sarif_snapshot_and_structure() {
    let out = annals(&fixtures(), &["check", "check", "--format", "sarif"]);
    let text = stdout(&out);
    expect_file!["snapshots/check.sarif"].assert_eq(&text);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), annals::RuleCode::ALL.len());
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
    }
}

#[test]
fn github_snapshot() {
    let out = annals(&fixtures(), &["check", "check", "--format", "github"]);
    expect_file!["snapshots/check.github.txt"].assert_eq(&stdout(&out));
    for line in stdout(&out).lines() {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning ") || line.starts_with("::notice "),
            "{line}"
        );
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = clean_corpus();
    let out = annals(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("2 documents checked: no findings"),
        "{}",
        stdout(&out)
    );

    // A warning only: fails with --fail-on warning, not with the default.
    write(
        dir.path(),
        &[("articles/a.md", &ARTICLE.replace(" date=2022-04-02", ""))],
    );
    assert_eq!(annals(dir.path(), &["check"]).status.code(), Some(0));
    assert_eq!(
        annals(dir.path(), &["check", "--fail-on", "warning"]).status.code(),
        Some(1)
    );
    assert_eq!(
        annals(dir.path(), &["check", "--fail-on", "error"]).status.code(),
        Some(0)
    );

    write(
        dir.path(),
        &[("articles/a.md", &ARTICLE.replace("e=rogozin", "e=nobody"))],
    );
    assert_eq!(annals(dir.path(), &["check"]).status.code(), Some(1));
    assert_eq!(
        annals(dir.path(), &["check", "--fail-on", "never"]).status.code(),
        Some(0)
    );
}

#[test]
fn exit_2_without_a_corpus_or_with_a_bad_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = annals(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no corpus found"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());

    let out = annals(dir.path(), &["check", "does-not-exist"]);
    assert_eq!(out.status.code(), Some(2));

    write(
        dir.path(),
        &[("annals.toml", "[corpus]\nname = \"x\"\narticles = [\"a/**/*.md\"\n")],
    );
    let out = annals(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("annals.toml: line 3, column"), "{}", stderr(&out));

    write(dir.path(), &[("annals.toml", "[rules]\nundated-claim = \"loud\"\n")]);
    let out = annals(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 2, column 17") && stderr(&out).contains("`loud` is not a severity"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_config_keys_warn_but_check_runs() {
    let dir = clean_corpus();
    write(
        dir.path(),
        &[(
            "annals.toml",
            "[corpus]\ncolour = \"blue\"\n[rules]\nundated-claims = \"off\"\n",
        )],
    );
    let out = annals(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("corpus.colour") && err.contains("did you mean `undated-claim`"),
        "{err}"
    );
}

#[test]
fn path_discovery_from_a_subfolder_and_a_file() {
    let root = fixtures().join("check");
    // From inside the corpus with no PATH: annals.toml is found upward; only that folder's findings.
    let out = annals(&root.join("entities"), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["root"], "..");
    assert_eq!(v["documents"], 2);
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["entities/nasa.md"]);
    assert_eq!(out.status.code(), Some(0), "the entities hold no error");

    // A file PATH: the whole corpus is analysed (the unknown-entity needs the entities), that file shown.
    let out = annals(
        &fixtures(),
        &["check", "check/articles/2022-04-02-tweets.md", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["documents"], 1);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "unannotated-mention",
            "unknown-entity",
            "claim-after-publication",
            "broken-reference"
        ]
    );
    assert_eq!(out.status.code(), Some(1));

    // A file that is not a document says so on stderr.
    let out = annals(&fixtures(), &["check", "check/annals.toml"]);
    assert!(stderr(&out).contains("holds no document"), "{}", stderr(&out));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let root = fixtures().join("check");
    let plain = annals(&root, &["check"]);
    assert!(!stdout(&plain).contains('\x1b'));
    let coloured = annals(&root, &["check", "--color", "always"]);
    assert!(stdout(&coloured).contains('\x1b'));
    let never = Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(["check", "--color", "auto"])
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&never).contains('\x1b'));
}

#[test]
fn bad_files_are_findings_and_the_rest_is_still_checked() {
    let dir = clean_corpus();
    let root = dir.path();
    std::fs::write(
        root.join("articles/latin1.md"),
        b"---\ntitle: caf\xe9\npublished: 2022-04-02\n---\n",
    )
    .unwrap();
    write(
        root,
        &[
            ("articles/empty.md", ""),
            (
                "articles/crlf.md",
                "---\r\ntitle: T\r\npublished: 2022-04-02\r\n---\r\n[Rogozin]{e=rogozn}\r\n",
            ),
            (
                "articles/bom.md",
                "\u{feff}---\ntitle: T\npublished: 2022-04-02\n---\n[Rogozin]{e=rogozin}\n",
            ),
            ("articles/unclosed.md", "---\ntitle: T\n[Rogozin]{e=rogozin}\n"),
        ],
    );
    let out = annals(root, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let found: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "articles/crlf.md 5:2 unannotated-mention",
            "articles/crlf.md 5:13 unknown-entity",
            "articles/empty.md 1:1 invalid-front-matter",
            "articles/latin1.md 2:11 syntax-error",
            "articles/unclosed.md 1:1 invalid-front-matter",
        ]
    );
    let latin1 = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "articles/latin1.md")
        .unwrap();
    assert!(latin1["message"].as_str().unwrap().contains("not UTF-8"));
}

#[test]
fn check_never_writes() {
    let dir = clean_corpus();
    write(dir.path(), &[("articles/b.md", "[broken{e=x}\n")]);
    let listing = |root: &Path| -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<(String, Vec<u8>)> = walk(root)
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        all.sort();
        all
    };
    let before = listing(dir.path());
    for format in ["human", "json", "sarif", "github"] {
        annals(dir.path(), &["check", "--format", format]);
    }
    assert_eq!(before, listing(dir.path()));
}

#[test]
fn init_writes_a_corpus_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = annals(dir.path(), &["init", "news"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "annals.toml",
        "articles/example-article.md",
        "entities/example-agency.md",
        "Open the folder news in your editor",
        "`annals check news`",
    ] {
        assert!(text.contains(line), "{line:?} is not in:\n{text}");
    }
    let out = annals(dir.path(), &["check", "news", "--format", "json", "--fail-on", "hint"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["documents"], 2);
    assert_eq!(v["diagnostics"], serde_json::json!([]), "no finding at all");

    // In the current folder, the next step is a plain `annals check`.
    let here = dir.path().join("here");
    std::fs::create_dir(&here).unwrap();
    let out = annals(&here, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Run `annals check`:"), "{}", stdout(&out));
}

#[test]
fn init_never_overwrites() {
    let dir = clean_corpus();
    let before = walk(dir.path());
    let out = annals(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("annals.toml already exists"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(walk(dir.path()), before);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("annals.toml")).unwrap(),
        "[corpus]\n"
    );
}

#[test]
fn bash_completion_offers_subcommands() {
    let script = r#"source <("$0" completions bash) || exit 3
complete -p annals || exit 4
COMP_WORDS=(annals ch); COMP_CWORD=1; COMP_LINE="annals ch"; COMP_POINT=9
_annals annals ch annals
printf '%s\n' "${COMPREPLY[@]}""#;
    let out = Command::new("bash")
        .args(["-c", script, env!("CARGO_BIN_EXE_annals")])
        .output()
        .expect("bash runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert!(lines.next().unwrap_or_default().contains("-F _annals annals"), "{text}");
    let offered: Vec<&str> = lines.collect();
    assert_eq!(offered, ["check"], "{text}");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = annals(Path::new("."), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let text = stdout(&out);
        for word in ["check", "init", "explain", "fail-on"] {
            assert!(text.contains(word), "{shell}: no {word}");
        }
    }
    let out = annals(Path::new("."), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_page_is_roff() {
    let out = annals(Path::new("."), &["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with('.'),
        "a roff request first: {}",
        &text[..text.len().min(80)]
    );
    assert!(text.contains("\n.TH annals 1"), "a .TH header");
    assert!(text.contains("\n.SH NAME\n"));
    assert!(text.contains("check"));
    assert!(text.contains("Checker and language server for annotated news corpora"));
}

/// `annals export` is a subcommand like the others: its usage errors exit 2, and its help, the
/// man page and the completions know it (tests/export.rs tests what it writes).
#[test]
fn export_is_a_command_of_its_own() {
    let dir = clean_corpus();
    let o = annals(dir.path(), &["export"]);
    assert_eq!(o.status.code(), Some(2), "--out is required");
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    let help = annals(dir.path(), &["export", "--help"]);
    let help = stdout(&help);
    for word in [
        "jsonl",
        "csv",
        "w3c",
        "brat",
        "--allow-errors",
        "--offsets",
        "--base-uri",
        "--force",
        "Exit status",
    ] {
        assert!(help.contains(word), "export --help lacks {word}:\n{help}");
    }
    let man = stdout(&annals(dir.path(), &["man"]));
    assert!(man.contains("export"), "the man page lists export");
    let completions = stdout(&annals(dir.path(), &["completions", "bash"]));
    assert!(
        completions.contains("--allow-errors"),
        "bash completion knows export's options"
    );
    // A clean corpus exports, and says where to.
    let o = annals(dir.path(), &["export", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("exported 2 documents (1 mention, 1 claim, 0 relations) as jsonl to out"),
        "{}",
        stderr(&o)
    );
    assert!(dir.path().join("out/mentions.jsonl").is_file());
}

/// `annals fix` is a subcommand like the others: its help, the man page and the completions
/// know it; a clean corpus gives nothing to fix (tests/fix.rs tests what it writes).
#[test]
fn fix_is_a_command_of_its_own() {
    let dir = clean_corpus();
    let help = stdout(&annals(dir.path(), &["fix", "--help"]));
    for word in ["--rule", "--diff", "unannotated-quote", "atomically", "Exit status"] {
        assert!(help.contains(word), "fix --help lacks {word}:\n{help}");
    }
    let man = stdout(&annals(dir.path(), &["man"]));
    assert!(man.contains("fix"), "the man page lists fix");
    let completions = stdout(&annals(dir.path(), &["completions", "bash"]));
    assert!(completions.contains("--diff"), "bash completion knows fix's options");
    let before = std::fs::read_dir(dir.path().join("articles")).unwrap().count();
    let o = annals(dir.path(), &["fix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("changed 0 files"), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(dir.path().join("articles")).unwrap().count(), before);
    // Outside a corpus: exit 2.
    let nowhere = tempfile::tempdir().unwrap();
    assert_eq!(annals(nowhere.path(), &["fix"]).status.code(), Some(2));
}
