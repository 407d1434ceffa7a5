//! The format's reference in docs/: every rule code has its page, and each page's examples
//! give exactly the findings the page says. The example syntax is described at the top of
//! docs/rules/README.md.

mod support;

use annals::RuleCode;
use std::collections::BTreeMap;
use support::{findings, findings_with_messages, repo_path};

/// A fenced block of a page: its info string and its text.
struct Block {
    info: String,
    text: String,
}

fn blocks(page: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(String, String, String)> = None; // (fence, info, text)
    for line in page.split_inclusive('\n') {
        let trimmed = line.trim_end();
        match &mut open {
            None => {
                let fence_len = trimmed.chars().take_while(|&c| c == '`').count();
                if fence_len >= 3 {
                    let fence = "`".repeat(fence_len);
                    let info = trimmed[fence_len..].trim().to_string();
                    open = Some((fence, info, String::new()));
                }
            }
            Some((fence, info, text)) => {
                if trimmed == fence.as_str() {
                    out.push(Block {
                        info: std::mem::take(info),
                        text: std::mem::take(text),
                    });
                    open = None;
                } else {
                    text.push_str(line);
                }
            }
        }
    }
    assert!(open.is_none(), "a fenced block is never closed");
    out
}

/// The files of a `corpus` block: `==> PATH <==` lines begin each one.
fn corpus_files(text: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        let header = line
            .trim_end()
            .strip_prefix("==> ")
            .and_then(|rest| rest.strip_suffix(" <=="));
        if let Some(path) = header {
            if let Some((p, t)) = current.take() {
                files.insert(p, t);
            }
            current = Some((path.trim().to_string(), String::new()));
        } else {
            let (_, body) = current
                .as_mut()
                .unwrap_or_else(|| panic!("text before the first `==> PATH <==` line: {line:?}"));
            body.push_str(line);
        }
    }
    if let Some((p, t)) = current {
        files.insert(p, t);
    }
    files
}

/// Writes the corpus into a new temporary folder (with a default annals.toml when it has
/// none) and returns its findings as `FILE L:C-L:C code` lines, sorted.
fn check(files: &BTreeMap<String, String>) -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    for (path, text) in files {
        assert!(
            !path.starts_with('/') && !path.split('/').any(|c| c == ".."),
            "{path}: example files stay inside their corpus"
        );
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    if !files.contains_key("annals.toml") {
        std::fs::write(root.join("annals.toml"), "[corpus]\n").unwrap();
    }
    let found = findings(&root, "")
        .into_iter()
        .map(|f| f.trim_start_matches('/').to_string())
        .collect();
    (found, findings_with_messages(&root))
}

/// Check's order of findings: file, line, column, code.
fn order(finding: &str) -> (String, usize, usize, String) {
    let parts: Vec<&str> = finding.split(' ').collect();
    let [file, range, code] = parts[..] else {
        panic!("not a finding line (FILE L:C-L:C code): {finding:?}");
    };
    let start = range.split('-').next().unwrap_or_default();
    let (line, column) = start.split_once(':').unwrap_or_default();
    (
        file.to_string(),
        line.parse().unwrap_or_default(),
        column.parse().unwrap_or_default(),
        code.to_string(),
    )
}

fn one<'b>(blocks: &'b [Block], info: &str, code: RuleCode) -> &'b Block {
    let found: Vec<&Block> = blocks.iter().filter(|b| b.info == info).collect();
    assert_eq!(found.len(), 1, "docs/rules/{code}.md: want one ```{info} block");
    found[0]
}

fn check_page(code: RuleCode) {
    let path = repo_path(&format!("docs/rules/{code}.md"));
    let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        page,
        code.page(),
        "{code}: the page built into the binary is the file's"
    );
    assert!(
        page.starts_with(&format!("# `{code}`\n")),
        "{code}: the page's title is its code"
    );
    for heading in [
        "## What it finds",
        "## Why it matters",
        "## A bad example",
        "## A good example",
        "## How to fix it",
        "## How to turn it off",
    ] {
        assert!(page.contains(heading), "{code}: the page has no `{heading}`");
    }
    assert!(
        page.contains(&format!("{code} = \"off\"")),
        "{code}: the page shows how to turn the rule off"
    );
    let blocks = blocks(&page);

    let bad = corpus_files(&one(&blocks, "corpus bad", code).text);
    let mut said: Vec<String> = one(&blocks, "findings", code)
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    assert!(
        said.iter().any(|f| f.ends_with(&format!(" {code}"))),
        "{code}: the bad example's findings include none of its own code"
    );
    let mut in_order = said.clone();
    in_order.sort_by_key(|f| order(f));
    assert_eq!(said, in_order, "{code}: the page lists the findings in check's order");
    said.sort();
    let (found, messages) = check(&bad);
    assert_eq!(found, said, "{code}: the bad example's findings\n{messages:#?}");

    let good = corpus_files(&one(&blocks, "corpus good", code).text);
    let (found, messages) = check(&good);
    assert!(
        found.is_empty(),
        "{code}: the good example has findings:\n{messages:#?}"
    );
}

#[test]
fn every_rule_page_says_what_check_finds() {
    for &code in RuleCode::ALL {
        check_page(code);
    }
}

#[test]
fn every_page_in_docs_rules_is_a_rule_or_the_index() {
    for entry in std::fs::read_dir(repo_path("docs/rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".md") else {
            panic!("docs/rules/{name} is not a page");
        };
        assert!(
            stem == "README" || RuleCode::from_code(stem).is_some(),
            "docs/rules/{name} is no rule's page"
        );
    }
}

#[test]
fn the_index_and_the_format_list_every_rule() {
    let index = std::fs::read_to_string(repo_path("docs/rules/README.md")).unwrap();
    let format = std::fs::read_to_string(repo_path("docs/format.md")).unwrap();
    assert!(format.starts_with("# The annals corpus format, version 1\n"));
    for code in RuleCode::ALL {
        let link = format!("[`{code}`]({code}.md)");
        assert!(index.contains(&link), "docs/rules/README.md does not link {code}");
        let link = format!("[`{code}`](rules/{code}.md)");
        assert!(format.contains(&link), "docs/format.md does not link {code}");
    }
}

/// No text in the repository points at a file outside it (the design notes the format
/// was drawn from are not part of it).
#[test]
fn no_text_refers_to_the_format_contract_outside_the_repository() {
    let mut stale = Vec::new();
    for dir in ["src", "tests", "docs", "corpus", "editors"] {
        for file in support::walk(&repo_path(dir)) {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            if text.contains(concat!("FORMAT", ".md")) {
                stale.push(file.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "these files cite a FORMAT file the repository does not have: {stale:?}"
    );
}

/// Relative links between the pages lead to files that exist.
#[test]
fn links_between_pages_resolve() {
    let mut pages = vec![repo_path("docs/format.md")];
    pages.extend(support::walk(&repo_path("docs/rules")));
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for (k, _) in text.match_indices("](") {
            let target: String = text[k + 2..].chars().take_while(|&c| c != ')').collect();
            // Links to pages; `[text](url)` in prose is an example, not a link.
            if target.contains("://") || !target.contains(".md") {
                continue;
            }
            let file = page.parent().unwrap().join(target.split('#').next().unwrap());
            assert!(file.exists(), "{}: the link {target} leads nowhere", page.display());
        }
    }
}
