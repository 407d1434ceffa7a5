#!/usr/bin/env bash
# Builds the VS Code extension from editors/vscode into target/: type-checks it, bundles it with
# esbuild (so the .vsix needs no node_modules), packages it with vsce, checks the package, and
# runs the grammar tests. Tools come from target/vscode-tools (bash .ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=target/vscode-tools/node_modules
for tool in tsc esbuild vsce vscode-tmgrammar-test; do
  [ -x "$tools/.bin/$tool" ] || { echo "missing $tools/.bin/$tool: run bash .ci/run (npm install into target/vscode-tools)" >&2; exit 1; }
done
stage=target/vscode-ext
rm -rf "$stage" && mkdir -p "$stage/dist"

"$tools/.bin/tsc" -p editors/vscode/tsconfig.json
echo "ok: the extension type-checks"

NODE_PATH="$tools" "$tools/.bin/esbuild" editors/vscode/src/extension.ts --bundle --platform=node --format=cjs \
  --target=node18 --external:vscode --outfile="$stage/dist/extension.js" --log-level=warning
cp -r editors/vscode/package.json editors/vscode/language-configuration.json editors/vscode/syntaxes \
  editors/vscode/README.md editors/vscode/LICENSE "$stage/"
echo "ok: bundled into $stage/dist/extension.js"

vsix="$PWD/target/annals-0.1.0.vsix"
(cd "$stage" && "../../$tools/.bin/vsce" package --no-dependencies --allow-missing-repository --skip-license -o "$vsix" >/dev/null)
listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$vsix")
for entry in extension/package.json extension/dist/extension.js extension/syntaxes/annals.injection.tmLanguage.json extension/language-configuration.json; do
  grep -qx "$entry" <<<"$listing" || { echo "the package lacks $entry" >&2; exit 1; }
done
if grep -q node_modules <<<"$listing"; then echo "the package carries node_modules" >&2; exit 1; fi
echo "ok: packaged $vsix"

(cd editors/vscode && "../../$tools/.bin/vscode-tmgrammar-test" --config package.json \
  -g "../../$tools/tm-grammars/grammars/markdown.json" 'test/grammar/*.test.md' 2>&1 | grep -v 'grammar not found')
echo "ok: grammar tests"
echo "all checks passed"
