// `npm run package`: the extension for this machine's platform with the annals server inside
// (server/annals), so that installing the one .vsix is all a user does.
// The server is $ANNALS_SERVER when set, else what `cargo build --release --locked` builds in
// this repository. $ANNALS_VSIX names the package (default: annals-TARGET-VERSION.vsix here).
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const here = path.resolve(__dirname, "..");
const repo = path.resolve(here, "..", "..");
const { version } = require(path.join(here, "package.json"));

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

/** vsce's name for this platform (`vsce package --target`). */
function vsceTarget() {
  const arch = { x64: "x64", arm64: "arm64", arm: "armhf" }[process.arch];
  if (!arch) fail(`no VS Code platform for the architecture ${process.arch}`);
  if (process.platform === "linux") return `${fs.existsSync("/etc/alpine-release") ? "alpine" : "linux"}-${arch}`;
  if (process.platform === "darwin" || process.platform === "win32") return `${process.platform}-${arch}`;
  fail(`no VS Code platform for ${process.platform}`);
}

/** The release binary, built by cargo (it prints the executable's path in its JSON messages). */
function buildServer() {
  console.log("package: cargo build --release --locked (set ANNALS_SERVER to package a binary you built)");
  const cargo = spawnSync("cargo", ["build", "--release", "--locked", "--bin", "annals", "--message-format=json-render-diagnostics"], {
    cwd: repo,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (cargo.error) fail(`cargo could not start (${cargo.error.message}): install Rust from https://rustup.rs, or set ANNALS_SERVER to an annals binary`);
  if (cargo.status !== 0) fail("cargo build --release failed");
  let executable;
  for (const line of cargo.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line);
    if (message.reason === "compiler-artifact" && message.target?.name === "annals" && message.executable) executable = message.executable;
  }
  if (!executable) fail("cargo built no annals executable");
  return executable;
}

const target = process.env.ANNALS_VSCODE_TARGET || vsceTarget();
const server = process.env.ANNALS_SERVER || buildServer();
if (!fs.existsSync(server) || !fs.statSync(server).isFile()) fail(`the server ${server} is not a file`);

const name = target.startsWith("win32") ? "annals.exe" : "annals";
const bundled = path.join(here, "server", name);
fs.rmSync(path.join(here, "server"), { recursive: true, force: true });
fs.mkdirSync(path.join(here, "server"));
fs.copyFileSync(server, bundled);
fs.chmodSync(bundled, 0o755);
// Debug information is for profiling annals, not for running it: without it the package is a
// fraction of the size. Where no `strip` runs (macOS, Windows, no binutils) the copy stays whole.
if (!target.startsWith("win32") && !target.startsWith("darwin")) {
  const strip = spawnSync("strip", ["--strip-debug", bundled], { stdio: "inherit" });
  if (strip.error || strip.status !== 0) console.log("package: strip did not run; the server keeps its debug information");
}

const vsix = path.resolve(process.env.ANNALS_VSIX || path.join(here, `annals-${target}-${version}.vsix`));
const vsce = path.join(here, "node_modules", ".bin", process.platform === "win32" ? "vsce.cmd" : "vsce");
if (!fs.existsSync(vsce)) fail(`${vsce} is missing: run npm ci in editors/vscode first`);
const packaged = spawnSync(vsce, ["package", "--no-dependencies", "--target", target, "--out", vsix], { cwd: here, stdio: "inherit" });
if (packaged.error || packaged.status !== 0) fail("vsce package failed");
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
console.log(`package: ${vsix} (${target}, ${mb(fs.statSync(vsix).size)}; server ${server}, ${mb(fs.statSync(bundled).size)} bundled)`);
