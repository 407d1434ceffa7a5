// `annals site` in a real browser: Debian's Chromium, driven by playwright-core, opens the seed
// corpus's site from file:// and follows it as a reader does (index, article, mention, entity,
// claim, a reply in another article), reads a card, searches, counts the graph's nodes, and has
// axe-core check each kind of page. tests/site.rs builds the site and runs this.
// Environment: SITE (the built site), AXE (axe.min.js), SCREENSHOTS.
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");
const { chromium } = require("playwright-core");

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const [site, axePath, shots] = ["SITE", "AXE", "SCREENSHOTS"].map(env);
fs.mkdirSync(shots, { recursive: true });
const url = (file) => pathToFileURL(path.join(site, file)).href;
let failures = 0;
const check = (ok, what) => {
  if (ok) console.log(`ok: ${what}`);
  else {
    failures++;
    console.log(`FAIL: ${what}`);
  }
};

// axe-core on the page as it is: no serious or critical violation.
async function axe(page, kind) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) console.log(`  axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")})`);
  check(bad.length === 0, `axe-core finds no serious or critical violation on the ${kind} page`);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Nothing may leave file://: no CDN, no font, no fetch.
    const outside = [];
    page.on("request", (r) => { if (!r.url().startsWith("file://")) outside.push(r.url()); });

    await page.goto(url("index.html"));
    check((await page.locator("h1").innerText()).includes("Roscosmos, NASA and the ISS"), "the index shows the corpus's name");
    const rows = await page.locator("table tbody tr").count();
    check(rows === 5, `the index lists the five articles (${rows})`);
    const dates = await page.locator("table tbody tr td:first-child time").evaluateAll((ts) => ts.map((t) => t.getAttribute("datetime")));
    check(dates.every((d, i) => i === 0 || dates[i - 1] <= d), `articles are in date order (${dates.join(", ")})`);

    // Search: "trampoline" is in claims of three articles; "Рогозин" is an alias of Rogozin.
    await page.fill("#search", "trampoline");
    const contexts = await page.locator("#results li.result-claim .meta").allInnerTexts();
    const articles = new Set(contexts);
    check(articles.size === 3, `search finds "trampoline" in claims of three articles (${[...articles].join(" | ")})`);
    await page.screenshot({ path: path.join(shots, "site-search.png"), fullPage: false });
    await page.fill("#search", "Рогозин");
    const names = await page.locator("#results li.result-entity a").allInnerTexts();
    check(names.includes("Dmitry Rogozin"), `search finds "Рогозин" (an alias) as Dmitry Rogozin (${names.join(", ")})`);
    await page.fill("#search", "");
    await page.screenshot({ path: path.join(shots, "site-index.png"), fullPage: true });
    await axe(page, "index");

    // Index → an article.
    await page.click("table a[href='article-2018-06-rogozin-heads-roscosmos.html']");
    await page.waitForURL(/article-2018-06-rogozin-heads-roscosmos\.html$/);
    check((await page.locator("h1").innerText()).startsWith("Rogozin at the head of Roscosmos"), "the index links to the article");
    const source = await page.content();
    check(!/\{[#.]?(e|claim)[= ]/.test(await page.locator(".text").innerText()), "no attribute block shows in the article's text");
    check(!source.includes("{e="), "no attribute block is in the article's HTML");

    // Hover the speaker of a 2015 claim: the card shows the role held then.
    const speaker = page.locator("#claim-tanks-visas + sup .m.speaker");
    await speaker.locator("a").hover();
    const card = speaker.locator(".card");
    check(await card.isVisible(), "hovering Rogozin on the 2015 claim shows his card");
    const cardText = await card.innerText();
    check(cardText.includes("On 2015") && cardText.includes("Deputy Prime Minister"), `the card gives his role on the claim's date: ${JSON.stringify(cardText)}`);
    await page.screenshot({ path: path.join(shots, "site-card.png") });
    await page.mouse.move(0, 0);
    // The same card by keyboard: focus reaches the mention's link.
    await page.locator("#claim-tanks-visas + sup .m.speaker a").focus();
    check(await card.isVisible(), "the card shows on keyboard focus too");
    // A mention in the text has its card on hover.
    const mention = page.locator(".text a.mention[data-entity='rogozin']").first();
    await mention.hover();
    check(await page.locator(".text .m:has(> a.mention[data-entity='rogozin'])").first().locator(".card").isVisible(), "a mention in the text shows its card on hover");
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(shots, "site-article.png"), fullPage: false });
    await axe(page, "article");
    const threads = await page.locator("section.thread").count();
    check(threads > 0, `the article lists its claims' threads (${threads})`);

    // Article → mention → the entity's page.
    await mention.click();
    await page.waitForURL(/entity-rogozin\.html$/);
    check((await page.locator("h1").innerText()) === "Dmitry Rogozin", "the mention links to the entity's page");
    const roles = await page.locator("ol.roles li").allInnerTexts();
    check(roles.length === 3 && roles[1].includes("Deputy Prime Minister"), `the entity page shows the roles in order (${roles.length})`);
    const said = await page.locator("ol.said > li").count();
    check(said > 5, `the entity page lists Rogozin's claims (${said})`);
    await page.screenshot({ path: path.join(shots, "site-entity.png"), fullPage: false });
    await axe(page, "entity");

    // Entity → one of its claims → a reply to it in another article.
    await page.click("ol.said a[data-doc='2022-02-25-rogozin-deorbit-tweetstorm'][data-claim='deorbit']");
    await page.waitForURL(/article-2022-02-25-rogozin-deorbit-tweetstorm\.html#claim-deorbit$/);
    check(await page.locator("#claim-deorbit").isVisible(), "the entity page links to the claim in its article");
    const here = page.url().split("#")[0];
    const replies = page.locator("#thread-deorbit ul.rel li", { hasText: "Replied to by" }).locator("a[data-doc]");
    let elsewhere = null;
    for (let i = 0; i < (await replies.count()); i++) {
      const href = await replies.nth(i).getAttribute("href");
      if (href && href.startsWith("article-") && url(href.split("#")[0]) !== here) { elsewhere = replies.nth(i); break; }
    }
    check(elsewhere !== null, "the claim's thread lists a reply in another article");
    if (elsewhere) {
      const href = await elsewhere.getAttribute("href");
      await elsewhere.click();
      await page.waitForURL((u) => u.href.endsWith(href));
      const target = await page.evaluate(() => document.querySelector(":target")?.className ?? "");
      check(target.includes("claim"), `the reply opens at its claim in the other article (${href})`);
    }

    // The graph: one node per claim, drawn without JavaScript.
    const manifest = JSON.parse(fs.readFileSync(path.join(site, "annals-site.json"), "utf8"));
    await page.goto(url("graph.html"));
    const nodes = await page.locator("svg g.claim-node").count();
    check(nodes === manifest.counts.claims, `the graph has as many nodes as claims (${nodes} of ${manifest.counts.claims})`);
    const edges = await page.locator("svg path.edge").count();
    check(edges > 10, `the graph draws the relations (${edges})`);
    await page.screenshot({ path: path.join(shots, "site-graph.png"), fullPage: false });
    await axe(page, "graph");

    // The timeline, filtered by one speaker with :target alone.
    await page.goto(url("timeline.html"));
    const all = await page.locator("ol.timeline > li:visible").count();
    await page.click("nav.speakers a[href='#only-rogozin']");
    const rogozin = await page.locator("ol.timeline > li:visible").count();
    const others = await page.locator("ol.timeline > li:not(.by-rogozin):visible").count();
    check(rogozin > 0 && rogozin < all && others === 0, `the timeline filters to one speaker (${rogozin} of ${all})`);
    await page.screenshot({ path: path.join(shots, "site-timeline.png"), fullPage: false });
    await axe(page, "timeline");

    if (fs.existsSync(path.join(site, "findings.html"))) {
      await page.goto(url("findings.html"));
      await page.screenshot({ path: path.join(shots, "site-findings.png"), fullPage: false });
      await axe(page, "findings");
    }

    // With JavaScript off the article still reads, and its cards still open on focus.
    const quiet = await browser.newContext({ javaScriptEnabled: false });
    const noJs = await quiet.newPage();
    await noJs.goto(url("article-2018-06-rogozin-heads-roscosmos.html"));
    check((await noJs.locator(".text p").count()) > 5, "the article reads with JavaScript off");
    await quiet.close();

    check(outside.length === 0, `no request leaves file:// (${outside.slice(0, 3).join(", ")})`);
  } finally {
    await browser.close();
  }
  console.log(failures === 0 ? "browser: all checks passed" : `browser: ${failures} check(s) failed`);
  process.exit(failures === 0 ? 0 : 1);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
