//! A deterministic synthetic corpus for benchmarks and for trying annals at scale:
//! `annals generate OUT --articles N`. The same seed gives the same files, byte for byte.
//!
//! Shape per article: about 5 KB of prose with about 30 mentions and 10 claims. Claims reply
//! to and repeat the claims of a few hub articles (each referenced by thousands at 10k
//! articles), one entity (`hub-person`) is mentioned in every article, and a small share of
//! claims carry real findings (undated, unsourced, broken references, unknown entities).
//!
//! The dense shape (`--shape dense`) is a corpus under annotation: nine articles in ten hold
//! an undated claim (a warning), one in thirty a reference to a claim that does not exist
//! (an error), and every article names two entities in its prose without annotating them
//! (hints), so findings, and the work of the name search, are everywhere.

use std::fmt::Write as _;
use std::path::Path;

/// SplitMix64: small, fast and deterministic; enough for synthetic text.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SYLLABLES: [&str; 24] = [
    "ka", "ro", "mi", "ta", "ven", "sol", "dor", "lin", "mar", "te", "vo", "zan", "bel", "kor", "ni", "sa", "gru",
    "pel", "ost", "ira", "quen", "ul", "hes", "tam",
];
const WORDS: [&str; 40] = [
    "the",
    "agency",
    "station",
    "orbit",
    "sanctions",
    "cooperation",
    "launch",
    "crew",
    "mission",
    "program",
    "officials",
    "said",
    "partners",
    "statement",
    "government",
    "module",
    "engine",
    "budget",
    "partnership",
    "spacecraft",
    "reported",
    "week",
    "plan",
    "future",
    "project",
    "support",
    "research",
    "talks",
    "response",
    "decision",
    "according",
    "minister",
    "director",
    "capsule",
    "cargo",
    "rocket",
    "year",
    "months",
    "policy",
    "space",
];
const VIAS: [&str; 6] = ["twitter", "statement", "interview", "letter", "tv", "podcast"];
const KINDS: [&str; 6] = ["person", "person", "person", "agency", "company", "country"];

fn name(rng: &mut Rng, parts: usize) -> String {
    let mut s = String::new();
    for k in 0..parts {
        let syl = *rng.pick(&SYLLABLES[..]);
        if k == 0 {
            s.push_str(&syl[..1].to_uppercase());
            s.push_str(&syl[1..]);
        } else {
            s.push_str(syl);
        }
    }
    s
}

/// Where the findings are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Shape {
    /// About 1% of the claims carry a finding.
    #[default]
    Sparse,
    /// Most articles carry a warning, one in thirty an error, each a few hints.
    Dense,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    pub articles: usize,
    pub entities: usize,
    pub seed: u64,
    /// Hub articles whose claims many others reply to and repeat.
    pub hubs: usize,
    pub shape: Shape,
}

impl Spec {
    pub fn new(articles: usize) -> Self {
        Spec {
            articles,
            entities: (articles / 5).max(50),
            seed: 42,
            hubs: 10.min(articles.max(1)),
            shape: Shape::Sparse,
        }
    }
}

struct Entity {
    id: String,
    name: String,
    alias: String,
}

fn entities(spec: &Spec, rng: &mut Rng) -> Vec<Entity> {
    let mut seen = std::collections::HashSet::new();
    let mut out = vec![Entity {
        id: "hub-person".into(),
        name: "Hub Person".into(),
        alias: "Hubperson".into(),
    }];
    while out.len() < spec.entities {
        let first = name(rng, 2);
        // Three syllables give 13,824 last names; past 8,000 entities, four (331,776).
        let last = name(rng, if out.len() < 8000 { 3 } else { 4 });
        // A unique alias keeps unannotated-mention findings to the ones the generator plants.
        if !seen.insert(last.clone()) {
            continue;
        }
        let id = format!("{}-{}", first.to_lowercase(), last.to_lowercase());
        out.push(Entity {
            id,
            name: format!("{first} {last}"),
            alias: last,
        });
    }
    out
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for k in 0..words {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick::<&str>(&WORDS));
    }
    s
}

fn date(rng: &mut Rng, year: i32) -> String {
    format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

/// The text of article `k`: (file name, text).
pub fn article(spec: &Spec, k: usize, entities: &[String], names: &[String], rng: &mut Rng) -> (String, String) {
    let year = 2018 + (k % 6) as i32;
    let published = format!("{year}-12-28");
    let id = format!("{year}-12-28-article-{k:06}");
    let mut t = String::with_capacity(6000);
    let _ = write!(
        t,
        "---\ntitle: \"Article {k}: {}\"\npublished: {published}\noutlet: {}\nlang: en\n---\n\n",
        sentence(rng, 5),
        entities[1 + k % (entities.len() - 1)]
    );
    let mention = |t: &mut String, e: usize| {
        let _ = write!(t, "[{}]{{e={}}}", names[e], entities[e]);
    };
    let mut claim_no = 0;
    for p in 0..10 {
        // The hub person, in every paragraph: 100,000 mentions at 10,000 articles.
        mention(&mut t, 0);
        t.push_str(if p == 0 { " opened the week. " } else { " spoke again. " });
        for _ in 0..3 {
            let e = 1 + rng.below(entities.len() - 1);
            t.push_str(&sentence(rng, 6));
            t.push(' ');
            mention(&mut t, e);
            t.push_str(". ");
        }
        let speaker = 1 + rng.below(entities.len() - 1);
        claim_no += 1;
        let _ = write!(t, "\n[\"{}\"]{{.claim #c{claim_no}", sentence(rng, 12));
        let planted = rng.below(100);
        let dense = spec.shape == Shape::Dense;
        if planted != 0 {
            let _ = write!(
                t,
                " by={}",
                if planted == 1 {
                    "nobody-known"
                } else {
                    &entities[speaker]
                }
            );
        }
        // Dense: the first claim of nine articles in ten is undated.
        let undated = planted == 2 || (dense && claim_no == 1 && !k.is_multiple_of(10));
        if !undated {
            // Hub claims open their year, so that replies to them are never dated before them.
            let d = if k < spec.hubs {
                format!("{year}-01-01")
            } else {
                date(rng, year)
            };
            let _ = write!(t, " date={d}");
        }
        let _ = write!(t, " via={}", *rng.pick(&VIAS[..]));
        // A hub of this year or earlier: a reply is not dated before what it answers.
        let hub = rng.below(spec.hubs);
        let hub_year = 2018 + (hub % 6) as i32;
        if k >= spec.hubs && hub_year <= year && rng.chance(40) {
            // Link to a hub's claim: these make a few documents referenced by thousands.
            let relation = if rng.chance(50) { "replies-to" } else { "repeats" };
            let target = if planted == 3 { 99 } else { 1 + rng.below(10) };
            let _ = write!(t, " {relation}={hub_year}-12-28-article-{hub:06}:c{target}");
        } else if dense && claim_no == 2 && k.is_multiple_of(30) {
            // Dense: one article in thirty supports a claim it does not have.
            let _ = write!(t, " supports=c999");
        } else if claim_no > 1 {
            let _ = write!(t, " supports=c{}", claim_no - 1);
        }
        t.push_str("}\n\n");
        t.push_str(&sentence(rng, 14));
        if planted == 4 || (dense && p < 2) {
            // An unannotated name: a real unannotated-mention finding.
            let _ = write!(t, " {} ", names[speaker]);
        }
        t.push_str(".\n\n");
    }
    (format!("{id}.md"), t)
}

/// One large article of about `bytes` bytes (for edit latency on big documents): many
/// paragraphs of article text, with claim ids made unique.
pub fn big_article(spec: &Spec, bytes: usize, seed: u64) -> (String, String) {
    let mut rng = Rng::new(seed);
    let es = entities(spec, &mut Rng::new(spec.seed));
    let ids: Vec<String> = es.iter().map(|e| e.id.clone()).collect();
    let names: Vec<String> = es.iter().map(|e| e.name.clone()).collect();
    let mut body = String::with_capacity(bytes + 8192);
    let mut part = 0;
    while body.len() < bytes {
        let (_, text) = article(spec, spec.hubs + part, &ids, &names, &mut rng);
        // Drop the front matter; number the claims apart from the other parts'.
        let start = text.find("\n---\n").map_or(0, |n| n + 5);
        body.push_str(
            &text[start..]
                .replace("#c", &format!("#p{part}c"))
                .replace("=c", &format!("=p{part}c")),
        );
        part += 1;
    }
    let file = "2023-12-28-big-article.md".to_string();
    (
        file,
        format!("---\ntitle: \"A long article\"\npublished: 2023-12-28\nlang: en\n---\n{body}"),
    )
}

/// Writes the corpus under `out` (created; files already there are replaced).
pub fn write(spec: &Spec, out: &Path) -> std::io::Result<u64> {
    let mut rng = Rng::new(spec.seed);
    let es = entities(spec, &mut rng);
    std::fs::create_dir_all(out.join("articles"))?;
    std::fs::create_dir_all(out.join("entities"))?;
    std::fs::write(
        out.join("annals.toml"),
        format!(
            "[corpus]\nname = \"synthetic: {} articles, seed {}\"\n",
            spec.articles, spec.seed
        ),
    )?;
    let mut bytes = 0u64;
    for (k, e) in es.iter().enumerate() {
        let kind = if k == 0 { "person" } else { *rng.pick(&KINDS[..]) };
        let text = format!(
            "---\nkind: {kind}\nname: {}\naliases: [{}]\ndescription: Synthetic entity {k}.\nroles:\n  - {{title: Director, org: {}, from: 2015-01, to: 2020-06}}\n  - {{title: Adviser, from: 2020-07}}\n---\nA synthetic entity.\n",
            e.name,
            e.alias,
            es[(k + 1) % es.len()].id
        );
        bytes += text.len() as u64;
        std::fs::write(out.join("entities").join(format!("{}.md", e.id)), text)?;
    }
    let ids: Vec<String> = es.iter().map(|e| e.id.clone()).collect();
    let names: Vec<String> = es.iter().map(|e| e.name.clone()).collect();
    for k in 0..spec.articles {
        let (file, text) = article(spec, k, &ids, &names, &mut rng);
        bytes += text.len() as u64;
        std::fs::write(out.join("articles").join(file), text)?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus() {
        let spec = Spec::new(30);
        let a = tempfile_dir();
        let b = tempfile_dir();
        write(&spec, &a).unwrap();
        write(&spec, &b).unwrap();
        for entry in std::fs::read_dir(a.join("articles")).unwrap() {
            let path = entry.unwrap().path();
            let other = b.join("articles").join(path.file_name().unwrap());
            assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(other).unwrap());
        }
        let _ = std::fs::remove_dir_all(a);
        let _ = std::fs::remove_dir_all(b);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "annals-gen-{}-{}",
            std::process::id(),
            Rng::new(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0)
            )
            .next_u64()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
