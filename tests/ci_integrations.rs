//! The CI integrations as their hosts run them: the GitHub Action's `run:` steps (action.yml)
//! executed by bash the way a runner does, and the pre-commit hook (.pre-commit-hooks.yaml) run
//! by `pre-commit try-repo` from PyPI. Each test fails, saying what to install, when its tool
//! is missing.

mod support;

use saphyr::{LoadableYamlNode, Yaml};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A finding of severity error: a mention of an entity that does not exist.
const BROKEN_ARTICLE: &str = "---\ntitle: A broken article\npublished: 2024-01-15\n---\n\
    [Nobody]{e=no-such-entity} said nothing.\n";
/// A finding of severity warning only: a claim with no speaker and no source.
const UNSOURCED_ARTICLE: &str = "---\ntitle: An unsourced article\npublished: 2024-01-15\n---\n\
    It was said that [\"the launch slips\"]{.claim #slip date=2024-01-10}.\n";

/// A fresh corpus from `annals init`, with `extra` articles added.
fn corpus(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_annals"))
        .arg("init")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(status.status.success(), "annals init failed: {status:?}");
    for (rel, text) in extra {
        std::fs::write(dir.path().join(rel), text).unwrap();
    }
    dir
}

/// A folder holding only `annals` (the binary just built), for the front of PATH.
fn bin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_annals"), dir.path().join("annals")).unwrap();
    dir
}

/// The PATH of the test without any folder that holds an `annals` or a `cargo`, with `front` first.
fn path_with(front: &[&Path]) -> String {
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let rest =
        std::env::split_paths(&inherited).filter(|dir| !dir.join("annals").exists() && !dir.join("cargo").exists());
    let all: Vec<PathBuf> = front.iter().map(|p| p.to_path_buf()).chain(rest).collect();
    std::env::join_paths(all).unwrap().into_string().unwrap()
}

/// One `run:` step of the composite action: its script and its environment.
struct Step {
    name: String,
    run: String,
    env: Vec<(String, String)>,
}

/// Replaces `${{ inputs.NAME }}` as GitHub does, with the given value or the input's default.
fn substitute(text: &str, inputs: &[(&str, &str)], defaults: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("an unclosed ${{") + start;
        let expr = rest[start + 3..end].trim();
        let name = expr
            .strip_prefix("inputs.")
            .unwrap_or_else(|| panic!("the action uses an expression the test does not know: {expr}"));
        let value = inputs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .or_else(|| defaults.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .unwrap_or_else(|| panic!("action.yml declares no input {name}"));
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn text(node: &Yaml) -> String {
    node.as_str()
        .map(str::to_string)
        .or_else(|| node.as_integer().map(|i| i.to_string()))
        .unwrap_or_default()
}

/// The action's steps, with the inputs substituted.
fn action_steps(inputs: &[(&str, &str)]) -> Vec<Step> {
    let source = std::fs::read_to_string(support::repo_path("action.yml")).unwrap();
    let docs = Yaml::load_from_str(&source).expect("action.yml is YAML");
    let action = &docs[0];
    assert_eq!(
        text(action.as_mapping_get("runs").unwrap().as_mapping_get("using").unwrap()),
        "composite"
    );
    let mut defaults = Vec::new();
    for (name, input) in action.as_mapping_get("inputs").unwrap().as_mapping().unwrap() {
        let default = input.as_mapping_get("default").map(text).unwrap_or_default();
        defaults.push((text(name), default));
    }
    for (name, _) in inputs {
        assert!(
            defaults.iter().any(|(k, _)| k == name),
            "action.yml declares no input {name}"
        );
    }
    let steps = action.as_mapping_get("runs").unwrap().as_mapping_get("steps").unwrap();
    steps
        .as_sequence()
        .unwrap()
        .iter()
        .map(|step| {
            assert_eq!(step.as_mapping_get("shell").map(text).as_deref(), Some("bash"));
            let env = step
                .as_mapping_get("env")
                .and_then(Yaml::as_mapping)
                .map(|env| {
                    env.iter()
                        .map(|(k, v)| (text(k), substitute(&text(v), inputs, &defaults)))
                        .collect()
                })
                .unwrap_or_default();
            Step {
                name: step.as_mapping_get("name").map(text).unwrap_or_default(),
                run: substitute(
                    &text(step.as_mapping_get("run").expect("a run: step")),
                    inputs,
                    &defaults,
                ),
                env,
            }
        })
        .collect()
}

/// What running the action printed, and the status of the step that ended it.
struct Run {
    stdout: String,
    stderr: String,
    status: i32,
    steps_run: usize,
}

/// Runs the steps in order with `bash -e {0}` as a runner does for `shell: bash`, in `workdir`,
/// stopping at the first that fails.
fn run_action(inputs: &[(&str, &str)], workdir: &Path, path: &str) -> Run {
    let mut run = Run {
        stdout: String::new(),
        stderr: String::new(),
        status: 0,
        steps_run: 0,
    };
    let scripts = tempfile::tempdir().unwrap();
    for (i, step) in action_steps(inputs).iter().enumerate() {
        let script = scripts.path().join(format!("step{i}.sh"));
        std::fs::write(&script, &step.run).unwrap();
        let output: Output = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .envs(step.env.iter().map(|(k, v)| (k, v)))
            .env("GITHUB_ACTION_PATH", support::repo_path(""))
            .env("GITHUB_WORKSPACE", workdir)
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .current_dir(workdir)
            .output()
            .expect("bash runs");
        run.stdout.push_str(&String::from_utf8_lossy(&output.stdout));
        run.stderr.push_str(&String::from_utf8_lossy(&output.stderr));
        run.status = output.status.code().unwrap_or(-1);
        run.steps_run += 1;
        if run.status != 0 {
            println!("step {:?} exited {}", step.name, run.status);
            break;
        }
    }
    run
}

#[test]
fn the_action_passes_a_clean_corpus_without_installing() {
    let corpus = corpus(&[]);
    let bin = bin_dir();
    let run = run_action(&[], corpus.path(), &path_with(&[bin.path()]));
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.steps_run, 2);
    assert!(
        run.stdout.contains("annals: using "),
        "the install step uses the annals on PATH: {}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("::error") && !run.stdout.contains("::warning"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_action_annotates_an_error_fails_and_writes_sarif() {
    let corpus = corpus(&[("articles/broken.md", BROKEN_ARTICLE)]);
    let bin = bin_dir();
    let sarif = corpus.path().join("annals.sarif");
    let run = run_action(
        &[("path", "articles"), ("sarif", sarif.to_str().unwrap())],
        corpus.path(),
        &path_with(&[bin.path()]),
    );
    assert_eq!(run.status, 1, "an error fails the step: {}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("::error file=articles/broken.md,line=5,col=")
            && run.stdout.contains("title=unknown-entity::"),
        "a workflow command for the finding: {}",
        run.stdout
    );
    let log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sarif).unwrap()).expect("the SARIF file is JSON");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "unknown-entity");
    assert_eq!(results[0]["level"], "error");
}

#[test]
fn the_action_fails_on_the_severity_it_is_given() {
    let corpus = corpus(&[("articles/unsourced.md", UNSOURCED_ARTICLE)]);
    let bin = bin_dir();
    let path = path_with(&[bin.path()]);
    let default = run_action(&[], corpus.path(), &path);
    assert_eq!(
        default.status, 0,
        "a warning passes by default: {}{}",
        default.stdout, default.stderr
    );
    assert!(
        default.stdout.contains("::warning file=articles/unsourced.md,line=5"),
        "{}",
        default.stdout
    );
    let strict = run_action(&[("fail-on", "warning")], corpus.path(), &path);
    assert_eq!(
        strict.status, 1,
        "fail-on: warning fails on it: {}{}",
        strict.stdout, strict.stderr
    );
    // The SARIF run keeps the check's status too.
    let sarif = corpus.path().join("out.sarif");
    let both = run_action(&[("fail-on", "warning"), ("sarif", "out.sarif")], corpus.path(), &path);
    assert_eq!(both.status, 1, "{}{}", both.stdout, both.stderr);
    assert!(
        both.stdout.contains("::warning file=articles/unsourced.md"),
        "{}",
        both.stdout
    );
    assert!(std::fs::read_to_string(&sarif).unwrap().contains("\"unsourced-claim\""));
}

#[test]
fn the_action_stops_when_the_sarif_file_cannot_be_written() {
    let corpus = corpus(&[]);
    let bin = bin_dir();
    let run = run_action(
        &[("sarif", "no/such/folder/annals.sarif")],
        corpus.path(),
        &path_with(&[bin.path()]),
    );
    assert_eq!(run.status, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("::error title=annals::could not write SARIF"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_action_installs_annals_from_its_own_checkout_when_none_is_on_path() {
    // A stand-in cargo: it records its arguments and installs the built annals where
    // `cargo install` would, so the check step runs as on a runner.
    let corpus = corpus(&[]);
    let tools = tempfile::tempdir().unwrap();
    let installed = tempfile::tempdir().unwrap();
    let log = tools.path().join("cargo.log");
    let cargo = tools.path().join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\nln -s '{}' '{}/annals'\n",
            log.display(),
            env!("CARGO_BIN_EXE_annals"),
            installed.path().display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &cargo,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o755),
    )
    .unwrap();
    let run = run_action(&[], corpus.path(), &path_with(&[tools.path(), installed.path()]));
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.steps_run, 2);
    let args = std::fs::read_to_string(&log).expect("the install step ran cargo");
    assert_eq!(
        args.trim(),
        format!("install --locked --path {}", support::repo_path("").display())
    );

    // Neither annals nor cargo: the step says what to add, and stops.
    let bare = run_action(&[], corpus.path(), &path_with(&[]));
    assert_eq!((bare.status, bare.steps_run), (2, 1), "{}{}", bare.stdout, bare.stderr);
    assert!(
        bare.stdout.contains("neither annals nor cargo is on PATH"),
        "{}",
        bare.stdout
    );
}

fn pre_commit() -> PathBuf {
    let path = std::env::var_os("ANNALS_PRE_COMMIT")
        .map(PathBuf::from)
        .unwrap_or_else(|| support::repo_path("target/precommit-venv/bin/pre-commit"));
    assert!(
        path.exists(),
        "{} is missing: python3 -m venv target/precommit-venv && target/precommit-venv/bin/pip install \
         pre-commit==4.7.0 (bash .ci/run does this), or point ANNALS_PRE_COMMIT at it",
        path.display()
    );
    path
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=annals test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git is installed");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `pre-commit try-repo HOOKS annals-check --all-files` in a git repository holding `corpus`.
fn try_hook(corpus: &Path, hooks: &Path, home: &Path) -> Output {
    git(corpus, &["init", "-q"]);
    git(corpus, &["add", "-A"]);
    let bin = bin_dir();
    Command::new(pre_commit())
        .args(["try-repo"])
        .arg(hooks)
        .args(["annals-check", "--all-files", "--color", "never"])
        .current_dir(corpus)
        .env("PATH", path_with(&[bin.path()]))
        .env("PRE_COMMIT_HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("pre-commit runs")
}

#[test]
fn the_pre_commit_hook_passes_a_clean_corpus_and_fails_an_error() {
    // try-repo clones a git repository: one holding the hook file as committed here.
    let hooks = tempfile::tempdir().unwrap();
    std::fs::copy(
        support::repo_path(".pre-commit-hooks.yaml"),
        hooks.path().join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(hooks.path(), &["init", "-q"]);
    git(hooks.path(), &["add", ".pre-commit-hooks.yaml"]);
    git(hooks.path(), &["commit", "-q", "-m", "hooks"]);
    let home = tempfile::tempdir().unwrap();

    let clean = corpus(&[]);
    let output = try_hook(clean.path(), hooks.path(), home.path());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "a clean corpus passes: {said}");
    assert!(said.contains("annals check") && said.contains("Passed"), "{said}");

    let broken = corpus(&[("articles/broken.md", BROKEN_ARTICLE)]);
    let output = try_hook(broken.path(), hooks.path(), home.path());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1), "an error fails the commit: {said}");
    assert!(
        said.contains("Failed") && said.contains("unknown-entity") && said.contains("articles/broken.md"),
        "{said}"
    );
}
