// A markdown-it plugin for VS Code's built-in Markdown preview: an annotation
// `[text]{attributes}` shows as its text, highlighted (a mention, a claim, or another
// annotation), with its attributes as the tooltip, instead of the literal `{e=…}`.

// markdown-it's types are not a dependency: the few members used are typed here.
interface Token {
  attrSet(name: string, value: string): void;
}
interface InlineState {
  src: string;
  pos: number;
  posMax: number;
  md: {
    helpers: { parseLinkLabel(state: InlineState, start: number, disableNested?: boolean): number };
    inline: { tokenize(state: InlineState): void };
  };
  push(type: string, tag: string, nesting: number): Token;
}
interface MarkdownIt {
  inline: { ruler: { before(name: string, rule: string, fn: (state: InlineState, silent: boolean) => boolean): void } };
}

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const BRACE = 0x7b; // {
const END = 0x7d; // }

/** Where the attribute block that starts at `from` (after its `{`) ends, or -1. */
function blockEnd(src: string, from: number, max: number): number {
  let quote = 0;
  for (let i = from; i < max; i++) {
    const c = src.charCodeAt(i);
    if (quote) {
      if (c === 0x5c) i++;
      else if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === END) return i;
  }
  return -1;
}

function kindOf(attributes: string): string {
  if (/(^|\s)\.claim(\s|$)/.test(attributes)) return "claim";
  if (/(^|\s)e=/.test(attributes)) return "mention";
  return "annotation";
}

export function annalsMarkdownIt(md: MarkdownIt): MarkdownIt {
  md.inline.ruler.before("link", "annals_annotation", (state, silent) => {
    const start = state.pos;
    if (state.src.charCodeAt(start) !== OPEN) return false;
    const labelEnd = state.md.helpers.parseLinkLabel(state, start, false);
    if (labelEnd < 0 || state.src.charCodeAt(labelEnd) !== CLOSE || state.src.charCodeAt(labelEnd + 1) !== BRACE) return false;
    const end = blockEnd(state.src, labelEnd + 2, state.posMax);
    if (end < 0) return false;
    if (!silent) {
      const attributes = state.src.slice(labelEnd + 2, end).replace(/\s+/g, " ").trim();
      const kind = kindOf(attributes);
      const open = state.push("annals_annotation_open", "mark", 1);
      open.attrSet("class", `annals-${kind}`);
      open.attrSet("title", attributes);
      const entity = /(?:^|\s)e=("?)([^\s"}]+)\1/.exec(attributes);
      if (entity) open.attrSet("data-entity", entity[2]);
      const max = state.posMax;
      state.pos = start + 1;
      state.posMax = labelEnd;
      state.md.inline.tokenize(state);
      state.posMax = max;
      state.push("annals_annotation_close", "mark", -1);
    }
    state.pos = end + 1;
    return true;
  });
  return md;
}
