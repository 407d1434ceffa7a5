//! `annals explain CODE` prints the rule's page, and findings link to the same page
//! (SARIF `helpUri`; the LSP link is tested in src/lsp/diagnostics.rs).

mod support;

use annals::RuleCode;
use std::process::{Command, Output};
use support::repo_path;

fn annals(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(args)
        .current_dir(repo_path("tests/fixtures"))
        .output()
        .expect("the annals binary runs")
}

#[test]
fn explain_prints_the_rule_page() {
    for code in RuleCode::ALL {
        let out = annals(&["explain", code.as_str()]);
        assert_eq!(out.status.code(), Some(0), "explain {code}");
        let page = std::fs::read_to_string(repo_path(&format!("docs/rules/{code}.md"))).unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), page, "explain {code}");
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn explain_an_unknown_code_lists_the_codes() {
    let out = annals(&["explain", "undated-claims"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`undated-claims` is not a rule code"), "{err}");
    assert!(err.contains("did you mean `undated-claim`?"), "{err}");
    for code in RuleCode::ALL {
        assert!(err.contains(&format!("\n  {code}")), "{code} is not listed:\n{err}");
    }
}

#[test]
fn explain_needs_a_code() {
    let out = annals(&["explain"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sarif_rules_link_to_their_pages() {
    let out = annals(&["check", "check", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RuleCode::ALL.len());
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let uri = rule["helpUri"].as_str().unwrap();
        assert_eq!(uri, format!("{}{id}.md", annals::finding::DOCS_BASE), "rule {id}");
        // The page it points at is the repository's.
        assert!(repo_path(&format!("docs/rules/{id}.md")).is_file(), "{uri}");
    }
    assert!(annals::finding::DOCS_BASE.ends_with("/docs/rules/"));
}
