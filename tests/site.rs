//! `annals site`: the seed corpus's site has its pages and every link lands; everything from
//! the corpus is escaped (a corpus of `<script>` and `"onmouseover=` in titles, names, claim
//! text and ids injects no element and no attribute); the site is written only under --out;
//! and in a real browser (tests/site/browser.cjs: Chromium through playwright-core, axe-core)
//! and the Nu Html Checker (vnu-jar with Java) the pages work and validate. The tools come from
//! `bash .ci/run` (target/site-tools, editors/vscode/node_modules); a missing one fails its test
//! and says what to install.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{annals, repo_path, stderr};

/// Builds the site of `corpus` into `out`; it must succeed.
fn build(corpus: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec!["site", corpus.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend(extra);
    let o = annals(corpus, &args);
    assert_eq!(o.status.code(), Some(0), "annals {args:?}:\n{}", stderr(&o));
    assert!(stderr(&o).contains("wrote a site"), "{}", stderr(&o));
}

/// Every file below `dir`, relative, sorted (symbolic links listed, not followed).
fn listing(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// An element's start tag as the page wrote it: its name and attributes.
#[derive(Debug)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The start tags of a page, read as a browser's tokenizer would read the markup annals
/// writes: every `<` starts a tag or an end tag (the corpus's are escaped), attribute values
/// are double-quoted. An unescaped `"` from the corpus would end a value early and show up
/// as an attribute of its own; an unescaped `<` as an element of its own.
fn start_tags(html: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(k) = html[i..].find('<') {
        i += k + 1;
        if html[i..].starts_with('/') || html[i..].starts_with('!') {
            continue;
        }
        let name_end = i + html[i..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(0);
        let name = html[i..name_end].to_ascii_lowercase();
        let mut attributes = Vec::new();
        let mut j = name_end;
        loop {
            while j < b.len() && (b[j] as char).is_whitespace() {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' || b[j] == b'/' {
                break;
            }
            let a = j;
            while j < b.len() && !(b[j] as char).is_whitespace() && b[j] != b'=' && b[j] != b'>' {
                j += 1;
            }
            let attribute = html[a..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                assert_eq!(b[j], b'"', "an unquoted value in <{name} {attribute}=…>");
                let close = html[j + 1..].find('"').expect("a value's closing quote") + j + 1;
                value = html[j + 1..close].to_string();
                j = close + 1;
            }
            attributes.push((attribute, value));
        }
        tags.push(Tag { name, attributes });
        i = j;
    }
    tags
}

/// `&amp;` and the other escapes annals writes, read back.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A relative link's file and fragment, with `%XX` decoded.
fn target(href: &str) -> (String, String) {
    let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut k = 0;
        while k < bytes.len() {
            if bytes[k] == b'%' && k + 2 < bytes.len() {
                let hex = &s[k + 1..k + 3];
                out.push(u8::from_str_radix(hex, 16).expect("a %XX escape"));
                k += 3;
            } else {
                out.push(bytes[k]);
                k += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    (decode(file), decode(fragment))
}

/// Every relative link of every page lands on a page of the site, and on an element there.
fn links_land(site: &Path) -> usize {
    let pages: BTreeMap<String, String> = std::fs::read_dir(site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html"))
        .map(|n| {
            let text = std::fs::read_to_string(site.join(&n)).unwrap();
            (n, text)
        })
        .collect();
    let ids: BTreeMap<&str, BTreeSet<String>> = pages
        .iter()
        .map(|(n, text)| {
            let ids = start_tags(text)
                .into_iter()
                .flat_map(|t| t.attributes)
                .filter(|(a, _)| a == "id")
                .map(|(_, v)| unescape(&v))
                .collect();
            (n.as_str(), ids)
        })
        .collect();
    let mut followed = 0;
    for (name, text) in &pages {
        for tag in start_tags(text) {
            for (attribute, value) in &tag.attributes {
                if attribute != "href" && attribute != "xlink:href" {
                    continue;
                }
                let href = unescape(value);
                if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("mailto:") {
                    continue;
                }
                let (file, fragment) = target(&href);
                let file = if file.is_empty() { name.clone() } else { file };
                if file.ends_with(".css") || file.ends_with(".js") {
                    assert!(site.join(&file).is_file(), "{name}: {href} is missing");
                    continue;
                }
                let Some(there) = ids.get(file.as_str()) else {
                    panic!("{name}: the link {href} leads to no page");
                };
                assert!(
                    fragment.is_empty() || there.contains(&fragment),
                    "{name}: the link {href} leads to no element #{fragment} in {file}"
                );
                followed += 1;
            }
        }
    }
    followed
}

#[test]
fn the_seed_site_has_its_pages_and_every_link_lands() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&repo_path("corpus"), &out, &["--with-findings"]);
    let files = listing(&out);
    for page in [
        "index.html",
        "timeline.html",
        "graph.html",
        "findings.html",
        "style.css",
        "search.js",
        "search-index.js",
        "annals-site.json",
        "entity-rogozin.html",
        "article-2018-06-rogozin-heads-roscosmos.html",
    ] {
        assert!(files.iter().any(|f| f == page), "{page} is missing: {files:?}");
    }
    let articles = std::fs::read_dir(repo_path("corpus/articles")).unwrap().count();
    let entities = std::fs::read_dir(repo_path("corpus/entities")).unwrap().count();
    assert_eq!(files.iter().filter(|f| f.starts_with("article-")).count(), articles);
    assert_eq!(files.iter().filter(|f| f.starts_with("entity-")).count(), entities);
    let followed = links_land(&out);
    assert!(followed > 1000, "only {followed} links followed");

    // The article's text holds no attribute block, and its claims their relations both ways.
    let article = std::fs::read_to_string(out.join("article-2022-02-25-rogozin-deorbit-tweetstorm.html")).unwrap();
    let text = &article[article.find("<div class=\"text\">").unwrap()..article.find("</article>").unwrap()];
    assert!(
        !text.contains("{e=") && !text.contains("{.claim"),
        "an attribute block shows"
    );
    assert!(article.contains("id=\"claim-deorbit\""));
    let thread = &article[article.find("id=\"thread-deorbit\"").unwrap()..];
    let thread = &thread[..thread.find("</section>").unwrap()];
    assert!(thread.contains("Replied to by"), "{thread}");
    assert!(
        thread.contains("href=\"article-2022-04-02-russia-ends-iss-cooperation.html#claim-"),
        "a reply in another article: {thread}"
    );
    // The speaker's card on a 2015 claim names the role held in 2015.
    let first = std::fs::read_to_string(out.join("article-2018-06-rogozin-heads-roscosmos.html")).unwrap();
    let mark = &first[first.find("id=\"claim-tanks-visas\"").unwrap()..];
    let card = &mark[mark.find("class=\"card\"").unwrap()..];
    let card = &card[..card.find("</span></span>").unwrap()];
    assert!(card.contains("On 2015: Deputy Prime Minister of Russia"), "{card}");

    // The graph has one node per claim.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("annals-site.json")).unwrap()).unwrap();
    let claims = manifest["counts"]["claims"].as_u64().unwrap() as usize;
    let graph = std::fs::read_to_string(out.join("graph.html")).unwrap();
    assert_eq!(graph.matches("<g class=\"claim-node\">").count(), claims);

    // Without the findings page the articles' text is dropped after loading and read again for
    // their own pages: every page but the index (which links the findings) is the same.
    let lean = dir.path().join("lean");
    build(&repo_path("corpus"), &lean, &[]);
    for name in listing(&lean) {
        if name == "index.html" || name == "annals-site.json" {
            continue;
        }
        assert_eq!(
            std::fs::read(lean.join(&name)).unwrap(),
            std::fs::read(out.join(&name)).unwrap(),
            "{name} differs when the corpus's text is dropped"
        );
    }
    assert!(!lean.join("findings.html").exists());
}

const HOSTILE: &str = "<script>alert(1)</script>\"onmouseover=alert(1) x=\"'";

/// A corpus whose every field, text and id carries markup and quotes.
fn hostile_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("articles")).unwrap();
    std::fs::create_dir_all(root.join("entities")).unwrap();
    std::fs::write(root.join("annals.toml"), format!("[corpus]\nname = {:?}\n", HOSTILE)).unwrap();
    let yaml = |s: &str| format!("{s:?}");
    std::fs::write(
        root.join("entities/w.md"),
        format!(
            "---\nkind: person\nname: {}\naliases: [{}]\ndescription: {}\nroles:\n  - {{title: {}, from: \"2010\"}}\n---\nAbout {}.\n",
            yaml(&format!("Wally {HOSTILE}")),
            yaml(HOSTILE),
            yaml(HOSTILE),
            yaml(HOSTILE),
            HOSTILE
        ),
    )
    .unwrap();
    // An entity and an article whose ids (file names) hold markup and quotes.
    std::fs::write(
        root.join("entities/x\"onmouseover=alert(1)<script>.md"),
        format!("---\nkind: place\nname: {}\n---\n", yaml(HOSTILE)),
    )
    .unwrap();
    let body = format!(
        "Text {HOSTILE} <b onclick=\"alert(1)\">bold</b> <img src=x onerror=alert(1)> [link](javascript:alert(1)) ![img](javascript:alert(1))\n\n\
         [Wally]{{e=w}} said [“{HOSTILE}”]{{.claim #c1 by=w date=2022-04-01 via=\"{}\" source=\"javascript:alert(1)\"}}.\n\n\
         [Odd]{{e=\"x\\\"onmouseover=alert(1)<script>\"}} and [“again”]{{.claim #\"c2\\\"onmouseover=x\" by=w replies-to=c1}}\n\n\
         [“third”]{{.claim #c3 by=w date=2022 replies-to=\"a\\\"onmouseover=alert(1)<script>:c9\"}} <!-- a comment -->\n",
        "tw\\\"onmouseover=alert(1)"
    );
    std::fs::write(
        root.join("articles/a\"onmouseover=alert(1)<script>.md"),
        format!(
            "---\ntitle: {}\npublished: 2022-04-02\noutlet: w\n---\n{body}",
            yaml(HOSTILE)
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("articles/b.md"),
        format!(
            "---\ntitle: {}\npublished: 2022-04-03\n---\n[“reply”]{{.claim #r by=w date=2022-04-03 replies-to=\"c1\"}}\n",
            yaml(HOSTILE)
        ),
    )
    .unwrap();
    dir
}

/// The elements and attributes annals writes; anything else came from the corpus.
const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "link",
    "script",
    "style",
    "body",
    "header",
    "nav",
    "main",
    "footer",
    "a",
    "p",
    "h1",
    "h2",
    "h3",
    "article",
    "section",
    "div",
    "span",
    "sup",
    "b",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "time",
    "form",
    "label",
    "input",
    "blockquote",
    "br",
    "hr",
    "svg",
    "defs",
    "marker",
    "path",
    "g",
    "rect",
    "text",
];
const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "name",
    "content",
    "rel",
    "href",
    "src",
    "defer",
    "class",
    "id",
    "role",
    "aria-label",
    "aria-labelledby",
    "aria-describedby",
    "aria-live",
    "tabindex",
    "data-entity",
    "data-claim",
    "data-by",
    "data-date",
    "data-doc",
    "datetime",
    "for",
    "type",
    "autocomplete",
    "disabled",
    "scope",
    "style",
    "xmlns",
    "xmlns:xlink",
    "xlink:href",
    "width",
    "height",
    "viewbox",
    "refx",
    "refy",
    "markerwidth",
    "markerheight",
    "orient",
    "d",
    "fill",
    "x",
    "y",
    "rx",
    "stroke",
    "marker-end",
    "text-anchor",
    "title",
];

#[test]
fn everything_from_the_corpus_is_escaped() {
    let corpus = hostile_corpus();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(corpus.path(), &out, &["--with-findings"]);
    let mut pages = 0;
    for name in listing(&out) {
        if !name.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(out.join(&name)).unwrap();
        for tag in start_tags(&html) {
            assert!(
                ELEMENTS.contains(&tag.name.as_str()),
                "{name}: an element <{}> was injected",
                tag.name
            );
            for (a, v) in &tag.attributes {
                assert!(
                    ATTRIBUTES.contains(&a.as_str()),
                    "{name}: <{} {a}=\"{v}\"> was injected",
                    tag.name
                );
                assert!(!a.starts_with("on"), "{name}: an event handler {a}");
                if a == "href" || a == "xlink:href" || a == "src" {
                    assert!(
                        !unescape(v).trim().to_ascii_lowercase().starts_with("javascript:"),
                        "{name}: <{} {a}=\"{v}\">",
                        tag.name
                    );
                }
            }
            if tag.name == "script" {
                let src = tag.attributes.iter().find(|(a, _)| a == "src").map(|(_, v)| v.as_str());
                assert!(
                    matches!(src, Some("search.js" | "search-index.js")),
                    "{name}: a script of the corpus: {tag:?}"
                );
            }
        }
        assert!(
            html.contains("&lt;script&gt;"),
            "{name}: the corpus's markup is shown as text"
        );
    }
    assert!(pages >= 6, "{pages} pages");
    // Each page file is one plain name in the folder, whatever the ids.
    for name in listing(&out) {
        assert!(
            name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.%~".contains(&b)),
            "page name {name:?}"
        );
    }
    // The search index keeps the corpus's text as data.
    let script = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    let json = script
        .strip_prefix("window.ANNALS_SEARCH = ")
        .and_then(|s| s.trim_end().strip_suffix(';'))
        .unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
    assert!(
        entries.iter().any(|e| e[1].as_str() == Some(HOSTILE)),
        "a title kept as data"
    );
    assert!(links_land(&out) > 10);
}

#[test]
fn the_site_is_written_only_under_out() {
    let corpus = hostile_corpus();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("work/sub")).unwrap();
    std::fs::create_dir_all(root.join("outside")).unwrap();
    std::fs::write(root.join("outside/keep"), "keep").unwrap();
    let corpus_before = listing(corpus.path());

    // `..` in --out: the folder it names, nothing else.
    let o = annals(
        &root.join("work"),
        &["site", corpus.path().to_str().unwrap(), "--out", "sub/../site"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all = listing(root);
    let unexpected: Vec<&String> = all
        .iter()
        .filter(|p| {
            !p.starts_with("work/site") && !["work", "work/sub", "outside", "outside/keep"].contains(&p.as_str())
        })
        .collect();
    assert!(unexpected.is_empty(), "written outside --out: {unexpected:?}");
    assert!(root.join("work/site/index.html").is_file());
    assert_eq!(listing(corpus.path()), corpus_before, "the corpus is untouched");

    // A folder of other files is never replaced, with or without --force.
    std::fs::create_dir_all(root.join("mine")).unwrap();
    std::fs::write(root.join("mine/notes.txt"), "mine").unwrap();
    for force in [false, true] {
        let mut args = vec!["site", corpus.path().to_str().unwrap(), "--out", "mine"];
        if force {
            args.push("--force");
        }
        let o = annals(root, &args);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
        assert_eq!(listing(&root.join("mine")), ["notes.txt"]);
    }

    // A previous site holding a symbolic link out of it is replaced; the link is not followed.
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("outside"), root.join("work/site/link")).unwrap();
    let o = annals(
        root,
        &["site", corpus.path().to_str().unwrap(), "--out", "work/site", "--force"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!root.join("work/site/link").exists());
    assert_eq!(listing(&root.join("outside")), ["keep"]);
    assert_eq!(std::fs::read_to_string(root.join("outside/keep")).unwrap(), "keep");

    // --out as a symbolic link to an empty folder: the site goes into the folder it names.
    #[cfg(unix)]
    {
        std::fs::create_dir_all(root.join("real")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("alias")).unwrap();
        let o = annals(root, &["site", corpus.path().to_str().unwrap(), "--out", "alias"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(root.join("real/index.html").is_file());
        assert!(
            std::fs::symlink_metadata(root.join("alias"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    // No temporary folder is left anywhere.
    assert!(
        listing(root).iter().all(|p| !p.contains(".annals-export-")),
        "{:?}",
        listing(root)
    );
}

#[test]
fn no_corpus_is_an_error_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let o = annals(dir.path(), &["site", ".", "--out", "site"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no corpus found"), "{}", stderr(&o));
    assert!(listing(dir.path()).is_empty());
}

fn tool(path: PathBuf, what: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: {what} (bash .ci/run installs it)",
        path.display()
    );
    path
}

fn java() -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("java"))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("java is missing: apt-get install default-jre-headless (bash .ci/run does this)"))
}

#[test]
fn the_pages_pass_the_nu_html_checker() {
    let vnu = tool(
        repo_path("target/site-tools/node_modules/vnu-jar/build/dist/vnu.jar"),
        "npm install vnu-jar@26.9.27 in target/site-tools",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&repo_path("corpus"), &out, &["--with-findings"]);
    let pages: Vec<PathBuf> = listing(&out)
        .into_iter()
        .filter(|n| n.ends_with(".html"))
        .map(|n| out.join(n))
        .collect();
    let o = Command::new(java())
        .arg("-jar")
        .arg(vnu)
        .args(["--errors-only", "--format", "text"])
        .args(&pages)
        .output()
        .expect("java runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        o.status.success(),
        "the Nu Html Checker found errors in {} pages:\n{said}",
        pages.len()
    );
    println!("vnu: {} pages, no errors", pages.len());
}

#[test]
fn the_site_works_in_a_real_browser() {
    let node_modules = tool(
        repo_path("editors/vscode/node_modules/playwright-core"),
        "playwright-core (npm ci in editors/vscode)",
    );
    let axe = tool(
        repo_path("target/site-tools/node_modules/axe-core/axe.min.js"),
        "npm install axe-core@4.14.1 in target/site-tools",
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    tool(PathBuf::from(&chromium), "apt-get install chromium");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&repo_path("corpus"), &out, &["--with-findings"]);
    let shots = repo_path("target/screenshots");
    let o = Command::new("node")
        .arg(repo_path("tests/site/browser.cjs"))
        .env("NODE_PATH", node_modules.parent().unwrap())
        .env("SITE", &out)
        .env("AXE", axe)
        .env("SCREENSHOTS", &shots)
        .env("CHROMIUM", chromium)
        .output()
        .expect("node runs (apt-get install nodejs)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    println!("{said}");
    assert!(
        o.status.success() && said.contains("browser: all checks passed"),
        "the browser test failed:\n{said}"
    );
    for shot in [
        "site-index.png",
        "site-article.png",
        "site-entity.png",
        "site-graph.png",
        "site-timeline.png",
    ] {
        assert!(shots.join(shot).is_file(), "{shot} was not taken");
    }
}
