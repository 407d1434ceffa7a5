// The markdown-it plugin of the built-in Markdown preview, on a seed article: every annotation
// shows as highlighted text, no attribute block is left, and Markdown still renders.
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");
const MarkdownIt = require("markdown-it");

const built = esbuild.buildSync({ entryPoints: [path.join(__dirname, "../src/markdownIt.ts")], bundle: true, format: "cjs", platform: "node", write: false });
const plugin = { exports: {} };
new Function("module", "exports", built.outputFiles[0].text)(plugin, plugin.exports);
const md = plugin.exports.annalsMarkdownIt(new MarkdownIt());

const article = fs.readFileSync(path.join(__dirname, "../../../corpus/articles/2018-06-rogozin-heads-roscosmos.md"), "utf8");
const body = article.replace(/^---\n[\s\S]*?\n---\n/, "");
const html = md.render(body);
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? "ok" : "FAIL"}: ${what}`); if (!ok) failures++; };
check(!/\]\{/.test(html) && !html.includes("{e="), "no attribute block is left in the preview");
const mentions = (html.match(/<mark class="annals-mention"/g) || []).length;
const claims = (html.match(/<mark class="annals-claim"/g) || []).length;
const written = (body.match(/\]\{e=/g) || []).length;
check(mentions === written, `every mention is highlighted (${mentions} of ${written})`);
check(claims === (body.match(/\.claim[\s}]/g) || []).length, `every claim is highlighted (${claims})`);
check(html.includes('<mark class="annals-mention" title="e=rogozin" data-entity="rogozin">Dmitry Rogozin</mark>'), "a mention keeps its text and names its entity");
check(/<mark class="annals-claim"[^>]*>the <mark class="annals-mention"[^>]*>ISS<\/mark> on the fiscal/.test(html), "a mention nested in a claim");
check(md.render("*[x]{e=a}* and [a link](https://example.org)").includes('<em><mark class="annals-mention" title="e=a" data-entity="a">x</mark></em> and <a href="https://example.org">a link</a>'), "Markdown and links still render");
check(md.render('[x]{e="a\\"><script>"}').indexOf("<script>") < 0, "attributes are escaped");
process.exit(failures ? 1 : 0);
