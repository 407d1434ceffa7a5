//! The claim graph as an SVG, laid out at build time: claims are nodes, relations labelled
//! edges, fills by speaker.
//!
//! A layered layout of our own rather than a layout crate: the graph is a near-forest (a
//! reply points at an earlier claim), so longest-path layering (a claim one column right of
//! the claims it names) and one barycentre ordering pass give a readable picture in
//! O(V log V + E), where crossing minimisation (Sugiyama's sweeps, as in the layout crates)
//! costs many passes and is not linear. Cycles (two claims that contradict each other) are
//! broken by the depth-first search that layers: an edge back into the path being searched
//! does not raise a layer. Claims without any relation are laid out in a grid below.

use super::html::{self, SPEAKER_FILLS};
use super::model::{Site, Tables};
use crate::document::RelationKind;
use crate::index::ClaimKey;
use crate::slots::{ClaimIndex, DocumentSlot};
use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write;

const W: i64 = 190;
const H: i64 = 40;
const GAP_X: i64 = 90;
const GAP_Y: i64 = 14;
const GRID_COLUMNS: i64 = 5;

pub struct Layout {
    pub keys: Vec<ClaimKey>,
    /// (from, to, kind): `from` names `to`.
    pub edges: Vec<(usize, usize, RelationKind)>,
    pub position: Vec<(i64, i64)>,
    pub width: i64,
    pub height: i64,
}

pub fn layout(site: &Site) -> Layout {
    let mut offsets = Vec::with_capacity(site.corpus.documents.len());
    let mut keys = Vec::new();
    for (k, doc) in site.corpus.documents.iter().enumerate() {
        offsets.push(keys.len());
        if !site.corpus.is_live(DocumentSlot::new(k)) {
            continue;
        }
        for c in 0..doc.claims.len() {
            keys.push(ClaimKey {
                document: DocumentSlot::new(k),
                claim: ClaimIndex::new(c),
            });
        }
    }
    let node = |key: ClaimKey| offsets[key.document.index()] + key.claim.index();
    let mut edges = Vec::new();
    for (u, &key) in keys.iter().enumerate() {
        let Some(claim) = site.claim(key) else { continue };
        for (k, r) in claim.relations.iter().enumerate() {
            if let Some(target) = site.relation_target(key, k, r) {
                edges.push((u, node(target), r.kind));
            }
        }
    }
    let n = keys.len();
    // Out-edges in one flat array (counting sort by source).
    let mut start = vec![0usize; n + 1];
    for &(u, _, _) in &edges {
        start[u + 1] += 1;
    }
    for k in 0..n {
        start[k + 1] += start[k];
    }
    let mut targets = vec![0usize; edges.len()];
    let mut fill = start.clone();
    let mut linked = vec![false; n];
    for &(u, v, _) in &edges {
        targets[fill[u]] = v;
        fill[u] += 1;
        linked[u] = true;
        linked[v] = true;
    }
    // Longest-path layers by an iterative depth-first search: 0 new, 1 on the path, 2 done.
    let mut layer = vec![0usize; n];
    let mut state = vec![0u8; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        stack.push((root, start[root]));
        while let Some(top) = stack.last_mut() {
            let u = top.0;
            if top.1 < start[u + 1] {
                let v = targets[top.1];
                top.1 += 1;
                if state[v] == 0 {
                    state[v] = 1;
                    stack.push((v, start[v]));
                }
                continue;
            }
            let mut l = 0;
            for &v in &targets[start[u]..start[u + 1]] {
                if state[v] == 2 {
                    l = l.max(layer[v] + 1);
                }
            }
            layer[u] = l;
            state[u] = 2;
            stack.pop();
        }
    }
    // Rows: layer 0 in corpus order; each next layer by the mean row of the claims it names.
    let layers = (0..n).filter(|&u| linked[u]).map(|u| layer[u] + 1).max().unwrap_or(0);
    let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for u in 0..n {
        if linked[u] {
            by_layer[layer[u]].push(u);
        }
    }
    let mut row = vec![0f64; n];
    for nodes in by_layer.iter_mut() {
        let key = |u: usize| {
            let named = &targets[start[u]..start[u + 1]];
            if named.is_empty() {
                u as f64
            } else {
                named.iter().map(|&v| row[v]).sum::<f64>() / named.len() as f64
            }
        };
        let mut keyed: Vec<(f64, usize)> = nodes.iter().map(|&u| (key(u), u)).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (r, (_, u)) in keyed.iter().enumerate() {
            row[*u] = r as f64;
        }
        *nodes = keyed.into_iter().map(|(_, u)| u).collect();
    }
    let mut position = vec![(0, 0); n];
    let tallest = by_layer.iter().map(Vec::len).max().unwrap_or(0) as i64;
    for (l, nodes) in by_layer.iter().enumerate() {
        for (r, &u) in nodes.iter().enumerate() {
            position[u] = (10 + l as i64 * (W + GAP_X), 10 + r as i64 * (H + GAP_Y));
        }
    }
    let grid_top = 10 + tallest * (H + GAP_Y) + if tallest > 0 { 40 } else { 0 };
    let mut k = 0;
    for u in 0..n {
        if !linked[u] {
            position[u] = (
                10 + (k % GRID_COLUMNS) * (W + GAP_X / 3),
                grid_top + (k / GRID_COLUMNS) * (H + GAP_Y),
            );
            k += 1;
        }
    }
    let width = 20 + (layers as i64).max(1) * (W + GAP_X);
    let width = width.max(20 + GRID_COLUMNS * (W + GAP_X / 3));
    let height = grid_top + ((k + GRID_COLUMNS - 1) / GRID_COLUMNS) * (H + GAP_Y) + 10;
    Layout {
        keys,
        edges,
        position,
        width,
        height,
    }
}

/// `s` cut to its first `chars` characters, with `…` when something was cut.
fn short(s: &str, chars: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(chars) {
        Some((cut, _)) => format!("{}…", &s[..cut]).into(),
        None => s.into(),
    }
}

/// The page; what is made is handed to `spill` after each edge and node, and the rest returned.
pub fn page(site: &Site, tables: &Tables, spill: html::Spill) -> String {
    let layout = layout(site);
    // Fills: the speakers with the most claims get the distinct colours, the rest share grey.
    let mut speakers: Vec<(&str, usize)> = tables.by_speaker.iter().map(|(s, c)| (s.as_str(), c.len())).collect();
    speakers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let distinct = SPEAKER_FILLS.len() - 1;
    let fills: HashMap<&str, &str> = speakers
        .iter()
        .take(distinct)
        .enumerate()
        .map(|(k, (s, _))| (*s, SPEAKER_FILLS[k]))
        .collect();
    let other = SPEAKER_FILLS[distinct];
    let mut out = String::with_capacity(html::CHUNK + (1 << 16));
    html::head(&mut out, &site.name, "Claim graph", &[], false);
    let _ = writeln!(
        out,
        "<h1>Claim graph</h1>\n<p>{} claims and {} relations. A claim stands one column to the right of the claims it replies to, repeats, contradicts or supports; claims without relations are below. Each box links to its claim.</p>",
        layout.keys.len(),
        layout.edges.len()
    );
    out.push_str("<p class=\"legend\">Speakers: ");
    for (s, _) in speakers.iter().take(distinct) {
        let _ = write!(out, "<span style=\"background:{}\">", fills[s]);
        html::text(&mut out, site.entity_name(s));
        out.push_str("</span> ");
    }
    let _ = writeln!(
        out,
        "<span style=\"background:{other}\">others, or no speaker</span></p>"
    );
    let _ = writeln!(
        out,
        "<div class=\"graph\" tabindex=\"0\" role=\"region\" aria-label=\"The claim graph (scrolls)\"><svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" aria-labelledby=\"graph-title\">\n<title id=\"graph-title\">The corpus's claims and their relations</title>\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>",
        w = layout.width,
        h = layout.height
    );
    out.push_str("<g class=\"edges\">\n");
    for &(u, v, kind) in &layout.edges {
        let (ux, uy) = layout.position[u];
        let (vx, vy) = layout.position[v];
        // From the left side of the claim that names to the right side of the one named.
        let (x1, y1, x2, y2) = (ux, uy + H / 2, vx + W, vy + H / 2);
        let mid = (x1 + x2) / 2;
        let k = kind.key();
        // Pieces and numbers pushed one by one: `write!` was a third of the graph's time.
        let pieces: [(&str, i64); 10] = [
            ("\" d=\"M", x1),
            (",", y1),
            (" C", mid),
            (",", y1),
            (" ", mid),
            (",", y2),
            (" ", x2),
            (",", y2),
            ("\" marker-end=\"url(#arrow)\"/><text class=\"edge-label\" x=\"", mid),
            ("\" y=\"", (y1 + y2) / 2 - 3),
        ];
        out.push_str("<path class=\"edge edge-");
        out.push_str(k);
        html::push_numbered(&mut out, &pieces);
        out.push_str("\" text-anchor=\"middle\">");
        out.push_str(k);
        out.push_str("</text>\n");
        spill(&mut out);
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (u, &key) in layout.keys.iter().enumerate() {
        let (x, y) = layout.position[u];
        let claim = site.claim(key);
        let speaker = claim.and_then(|c| c.by.first()).map(|b| b.value.as_str());
        let fill = speaker.and_then(|s| fills.get(s).copied()).unwrap_or(other);
        let words = site.claim_words(key).first;
        let who = speaker.map_or("no speaker", |s| site.entity_name(s));
        let mut label = String::new();
        label.push_str(who);
        if let Some(date) = claim.and_then(|c| c.date) {
            label.push_str(", ");
            date.push_iso(&mut label);
        }
        out.push_str("<a xlink:href=\"");
        site.push_claim_href(&mut out, key);
        // The link's name is its text (first words, speaker and date): no label repeats it.
        let pieces: [(&str, i64); 4] = [
            ("\"><g class=\"claim-node\"><rect x=\"", x),
            ("\" y=\"", y),
            ("\" width=\"", W),
            ("\" height=\"", H),
        ];
        html::push_numbered(&mut out, &pieces);
        out.push_str("\" rx=\"4\" fill=\"");
        out.push_str(fill);
        html::push_numbered(
            &mut out,
            &[("\" stroke=\"#333\"/><text x=\"", x + 6), ("\" y=\"", y + 15)],
        );
        out.push_str("\">");
        html::text(&mut out, &short(words, 30));
        html::push_numbered(&mut out, &[("</text><text x=\"", x + 6), ("\" y=\"", y + 31)]);
        out.push_str("\">");
        html::text(&mut out, &short(&label, 32));
        out.push_str("</text></g></a>\n");
        spill(&mut out);
    }
    out.push_str("</g>\n</svg></div>\n");
    html::foot(&mut out);
    out
}
