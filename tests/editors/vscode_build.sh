#!/usr/bin/env bash
# Builds the VS Code extension as its README says, in editors/vscode: `npm run package`
# type-checks it, bundles it with esbuild (so the .vsix needs no node_modules) and packages it
# with vsce for this platform, with the server inside (server/annals). Then checks the package
# and runs `npm test` (the grammar tests). The tools are editors/vscode/node_modules, from
# `npm ci` (bash .ci/run runs it).
# Environment: ANNALS_SERVER (the annals binary to bundle), VSIX (where to write the package).
set -euo pipefail
: "${ANNALS_SERVER:?the annals binary to bundle}" "${VSIX:?where to write the package}"
cd "$(dirname "$0")/../../editors/vscode"
for tool in tsc esbuild vsce vscode-tmgrammar-test; do
  [ -x "node_modules/.bin/$tool" ] || { echo "missing editors/vscode/node_modules/.bin/$tool: run npm ci in editors/vscode (bash .ci/run does)" >&2; exit 1; }
done
# node_modules must be what package.json and package-lock.json say, not an older install.
npm ls --depth=0 >/dev/null 2>&1 || { echo "editors/vscode/node_modules does not match package.json: run npm ci in editors/vscode" >&2; npm ls --depth=0 >&2 || true; exit 1; }

ANNALS_VSIX="$VSIX" npm run --silent package
echo "ok: npm run package wrote $VSIX"

# The package holds the extension, its server (executable) and none of node_modules, and says
# which platform it is for.
python3 - "$VSIX" <<'PY'
import stat, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = {i.filename: i for i in z.infolist()}
for entry in ["extension/package.json", "extension/dist/extension.js", "extension/server/annals",
              "extension/syntaxes/annals.injection.tmLanguage.json", "extension/language-configuration.json"]:
    assert entry in names, f"the package lacks {entry}"
mode = names["extension/server/annals"].external_attr >> 16
assert mode & stat.S_IXUSR, f"the server is not executable in the package: {oct(mode)}"
assert not any("node_modules" in n for n in names), "the package carries node_modules"
import platform
target = "linux-" + {"x86_64": "x64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
manifest = z.read("extension.vsixmanifest").decode()
assert f'TargetPlatform="{target}"' in manifest, f"the package is not for {target}"
print(f"ok: the package holds the extension and its server ({oct(mode)}), for {target}")
PY

npm test --silent 2>&1 | grep -v 'grammar not found'
echo "ok: grammar tests"
echo "all checks passed"
