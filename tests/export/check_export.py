"""Real consumers of `annals export`, run by tests/export.rs in target/export-venv.

Each subcommand checks one export folder and prints "all checks passed" at the end; any
failed check raises (a non-zero exit with the reason):

  offsets DIR CORPUS UNIT [astral|bmp-only]
                            jsonl: every mention's and claim's text is text[start:end] of its
                            document (UNIT codepoints or utf16), and the projection of its span
                            in the source file, found at its line and column, done here again;
                            `astral`: the texts must hold characters beyond the BMP
  duckdb DIR CORPUS         jsonl read by DuckDB: the issue's three questions, in SQL
  pandas CSV_DIR JSONL_DIR  csv read by pandas: row counts, types, and every field as jsonl has it
  w3c DIR CONTEXT           the Web Annotation Data Model's MUSTs, selectors against the texts,
                            the collection's pages, and JSON-LD expansion of everything (pyld,
                            with the context file served locally: no network)
  brat DIR                  brat standoff: every line by brat's grammar, T texts against .txt,
                            and bratly (PyPI) reading every file
"""

import contextlib
import glob
import io
import json
import os
import re
import string
import sys

PUNCT = set(string.punctuation)


def fail(message):
    raise AssertionError(message)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --- The source side, computed here without annals -------------------------------------

def line_starts(text):
    """Line starts as check counts them: \\n, \\r\\n and a lone \\r each end a line."""
    starts = [0]
    for m in re.finditer(r"\r\n|\r|\n", text):
        starts.append(m.end())
    return starts


def attributes_end(src, k):
    """The index of the `}` closing the attribute block that starts at src[k] == '{'."""
    j = k + 1
    quoted = False
    while j < len(src):
        c = src[j]
        if quoted:
            if c == "\\" and j + 1 < len(src) and src[j + 1] in '"\\':
                j += 2
                continue
            if c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c == "}":
            return j
        j += 1
    fail(f"attribute block at {k} never closes")


def lf(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def project_span(src, i):
    """The plain text of the span whose `[` is src[i] (docs/format.md section 8): brackets and
    attribute blocks of it and of the spans inside go, escapes are resolved outside code, line
    endings become LF."""
    if src[i] != "[":
        fail(f"no `[` at the annotation's line and column: {src[i:i + 20]!r}")
    out = []
    opened = []
    j = i + 1
    while j < len(src):
        c = src[j]
        if c == "\\" and j + 1 < len(src) and src[j + 1] in PUNCT:
            out.append(src[j + 1])
            j += 2
        elif c == "`":
            n = len(src[j:]) - len(src[j:].lstrip("`"))
            close = j + n
            while True:
                close = src.find("`" * n, close)
                if close < 0 or not src.startswith("`", close + n):
                    break
                close += n + (len(src[close + n:]) - len(src[close + n:].lstrip("`")))
            if close < 0:
                out.append("`" * n)
                j += n
            else:
                out.append(lf(src[j:close + n]))
                j = close + n
        elif c == "[":
            opened.append(len(out))
            out.append("[")
            j += 1
        elif c == "]" and src.startswith("{", j + 1):
            end = attributes_end(src, j + 1)
            if not opened:
                return "".join(out)
            del out[opened.pop()]
            j = end + 1
        elif c == "]":
            if not opened:
                fail(f"a stray `]` ends the span at {i}")
            opened.pop()
            out.append("]")
            j += 1
        elif c == "\r":
            out.append("\n")
            j += 2 if src.startswith("\n", j + 1) else 1
        else:
            out.append(c)
            j += 1
    fail(f"the span at {i} never closes")


def sources(corpus):
    """Every document's source text by id."""
    out = {}
    for path in glob.glob(os.path.join(corpus, "**", "*.md"), recursive=True):
        if os.path.basename(path) == "README.md" and os.path.dirname(path) == corpus:
            continue
        with open(path, encoding="utf-8", newline="") as f:
            out[os.path.basename(path)[:-3]] = f.read()
    return out


def slice_in(text, start, end, unit):
    if unit == "codepoints":
        return text[start:end]
    data = text.encode("utf-16-le")
    return data[2 * start:2 * end].decode("utf-16-le")


def check_offsets(folder, corpus, unit, astral="astral"):
    docs = {d["id"]: d for d in read_jsonl(os.path.join(folder, "documents.jsonl"))}
    source = sources(corpus)
    if set(docs) != set(source):
        fail(f"documents.jsonl has {sorted(set(docs) ^ set(source))} unlike the corpus")
    starts = {doc: line_starts(text) for doc, text in source.items()}
    checked = 0
    for table in ("mentions", "claims"):
        rows = read_jsonl(os.path.join(folder, f"{table}.jsonl"))
        if not rows:
            fail(f"{table}.jsonl is empty")
        for row in rows:
            doc = row["document"]
            text = docs[doc]["text"]
            got = slice_in(text, row["start"], row["end"], unit)
            if got != row["text"]:
                fail(f"{table} {row['id']}: text[{row['start']}:{row['end']}] ({unit}) is {got!r}, not {row['text']!r}")
            at = starts[doc][row["line"] - 1] + row["column"] - 1
            projected = project_span(source[doc], at)
            if projected != row["text"]:
                fail(f"{table} {row['id']}: the span at {row['line']}:{row['column']} reads {projected!r}, not {row['text']!r}")
            checked += 1
    if unit == "utf16" and astral == "astral" and all(len(d["text"]) == len(d["text"].encode("utf-16-le")) // 2 for d in docs.values()):
        fail("no text beyond the BMP: utf16 positions were not put to the test")
    print(f"offsets ({unit}): {checked} annotations match their document's text and their source")


# --- DuckDB ----------------------------------------------------------------------------

def speakers_in_source(corpus, entity):
    """Claims whose by= names `entity`, counted in the Markdown itself."""
    count = 0
    for text in sources(corpus).values():
        for block in re.finditer(r"\]\{([^}]*)\}", text):
            attrs = block.group(1)
            if not re.search(r"(^|\s)\.claim(\s|$)", attrs):
                continue
            m = re.search(r'(?:^|\s)by=(?:"([^"]*)"|(\S+))', attrs)
            if m and entity in (m.group(1) or m.group(2)).split():
                count += 1
    return count


def check_duckdb(folder, corpus):
    import duckdb

    con = duckdb.connect()
    for table in ("documents", "entities", "mentions", "claims", "relations"):
        path = os.path.join(folder, f"{table}.jsonl").replace("'", "''")
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_json_auto('{path}')")

    # Every claim by rogozin, in date order.
    rows = con.execute(
        """
        SELECT id, date, text FROM claims
        WHERE list_contains("by", 'rogozin')
        ORDER BY date, id
        """
    ).fetchall()
    expected = speakers_in_source(corpus, "rogozin")
    if len(rows) != expected or expected == 0:
        fail(f"DuckDB found {len(rows)} claims by rogozin; the Markdown has {expected}")
    dates = [r[1] for r in rows]
    if dates != sorted(dates) or None in dates:
        fail(f"claims by rogozin are not in date order: {dates}")

    # Mentions per entity kind.
    kinds = con.execute(
        """
        SELECT e.kind, count(*) AS mentions
        FROM mentions m JOIN entities e ON m.entity = e.id
        GROUP BY e.kind ORDER BY mentions DESC, e.kind
        """
    ).fetchall()
    total = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
    in_source = sum(
        len(re.findall(r"(?:\{|\s)e=[A-Za-z0-9_-]+", block.group(0)))
        for text in sources(corpus).values()
        for block in re.finditer(r"\]\{[^}]*\}", text)
    )
    if sum(n for _, n in kinds) != total or total != in_source:
        fail(f"mentions per kind {kinds} add up to {sum(n for _, n in kinds)}; the table has {total}, the Markdown {in_source}")
    if len(kinds) < 5:
        fail(f"only {len(kinds)} kinds: {kinds}")

    # The replies to the March 14 letter, and the replies to those, across documents.
    thread = con.execute(
        """
        WITH RECURSIVE thread(claim, depth) AS (
            SELECT source, 1 FROM relations
            WHERE relation = 'replies-to'
              AND target = '2022-04-02-space-com-russia-threatens-iss:letter-march-14'
            UNION
            SELECT r.source, t.depth + 1 FROM relations r JOIN thread t ON r.target = t.claim
            WHERE r.relation = 'replies-to'
        )
        SELECT t.claim, c.document, t.depth FROM thread t JOIN claims c ON c.id = t.claim
        ORDER BY t.depth, t.claim
        """
    ).fetchall()
    # In the Markdown: nelson-cooperation and nelson-export-controls reply to the letter
    # (space-com article), and sanctions-will-not-work (the other April 2 article) replies to
    # nelson-export-controls.
    want = [
        ("2022-04-02-space-com-russia-threatens-iss:nelson-cooperation", 1),
        ("2022-04-02-space-com-russia-threatens-iss:nelson-export-controls", 1),
        ("2022-04-02-russia-ends-iss-cooperation:sanctions-will-not-work", 2),
    ]
    if [(c, d) for c, _, d in thread] != want:
        fail(f"the thread of the March 14 letter is {thread}")
    if len({doc for _, doc, _ in thread}) < 2:
        fail("the thread does not cross documents")
    print(f"duckdb: {len(rows)} claims by rogozin, {len(kinds)} kinds, a thread of {len(thread)} replies")


# --- pandas ----------------------------------------------------------------------------

CSV_TABLES = {
    "documents": ["id", "path", "kind", "title", "published", "outlet", "authors", "url", "lang"],
    "entities": ["id", "kind", "name", "aliases", "description", "country", "parent", "wikidata"],
    "mentions": ["id", "document", "entity", "text", "start", "end", "line", "column", "claim"],
    "claims": ["id", "document", "text", "start", "end", "line", "column", "by", "date", "via", "source", "mentions", "parent"],
    "relations": ["document", "source", "relation", "target", "target_document", "line", "column"],
}
INTEGERS = {"start", "end", "line", "column"}


def as_csv_field(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in value)
    return str(value)


def check_pandas(csv_folder, jsonl_folder):
    import pandas as pd

    with open(os.path.join(csv_folder, "documents.csv"), "rb") as f:
        if b"\r\n" not in f.readline():
            fail("documents.csv's header does not end with CRLF (RFC 4180)")
    for table, columns in CSV_TABLES.items():
        frame = pd.read_csv(os.path.join(csv_folder, f"{table}.csv"), dtype=str, keep_default_na=False)
        typed = pd.read_csv(os.path.join(csv_folder, f"{table}.csv"))
        rows = read_jsonl(os.path.join(jsonl_folder, f"{table}.jsonl"))
        if list(frame.columns) != columns:
            fail(f"{table}.csv has the columns {list(frame.columns)}")
        if len(frame) != len(rows) or not rows:
            fail(f"{table}.csv has {len(frame)} rows, {table}.jsonl {len(rows)}")
        for column in INTEGERS & set(columns):
            if str(typed[column].dtype) != "int64":
                fail(f"{table}.{column} reads as {typed[column].dtype}, not int64")
        for k, row in enumerate(rows):
            for column in columns:
                want = as_csv_field(row[column])
                got = frame.at[k, column]
                if got != want:
                    fail(f"{table}.csv row {k + 1} {column}: {got!r}, not {want!r}")
    roles = pd.read_csv(os.path.join(csv_folder, "roles.csv"), dtype=str, keep_default_na=False)
    entities = read_jsonl(os.path.join(jsonl_folder, "entities.jsonl"))
    if len(roles) != sum(len(e["roles"]) for e in entities):
        fail(f"roles.csv has {len(roles)} rows")
    multiline = sum("\n" in t for t in pd.read_csv(os.path.join(csv_folder, "claims.csv"))["text"])
    print(f"pandas: {len(CSV_TABLES) + 1} tables as jsonl has them ({multiline} claims over several lines)")


# --- W3C Web Annotation ----------------------------------------------------------------

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MOTIVATIONS = {"assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
               "identifying", "linking", "moderating", "questioning", "replying", "tagging"}
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def as_list(value):
    return value if isinstance(value, list) else [value]


def check_resource(what, resource):
    if isinstance(resource, str):
        if not IRI.match(resource):
            fail(f"{what}: {resource!r} is not an IRI")
        return
    if not isinstance(resource, dict):
        fail(f"{what}: {resource!r} is neither an IRI nor an object")
    if "id" in resource and not IRI.match(resource["id"]):
        fail(f"{what}: id {resource['id']!r} is not an IRI")
    kinds = as_list(resource.get("type", []))
    if "TextualBody" in kinds:
        if not isinstance(resource.get("value"), str):
            fail(f"{what}: a TextualBody MUST have a value")
    if "SpecificResource" in kinds or "selector" in resource:
        if "source" not in resource:
            fail(f"{what}: a SpecificResource MUST have a source")
        check_resource(f"{what}.source", resource["source"])
    if "purpose" in resource and resource["purpose"] not in MOTIVATIONS:
        fail(f"{what}: purpose {resource['purpose']!r} is no motivation")
    for selector in as_list(resource.get("selector", [])):
        kind = selector.get("type")
        if kind == "TextQuoteSelector":
            if not isinstance(selector.get("exact"), str):
                fail(f"{what}: a TextQuoteSelector MUST have exact")
            for key in ("prefix", "suffix"):
                if key in selector and not isinstance(selector[key], str):
                    fail(f"{what}: {key} must be a string")
        elif kind == "TextPositionSelector":
            start, end = selector.get("start"), selector.get("end")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
                fail(f"{what}: a TextPositionSelector MUST have start <= end, non-negative integers: {selector}")
        else:
            fail(f"{what}: unexpected selector {selector}")


def check_annotation(annotation):
    what = annotation.get("id", "an annotation")
    context = annotation.get("@context")
    if not (context == CONTEXT or (isinstance(context, list) and CONTEXT in context)):
        fail(f"{what}: @context MUST be (or include) {CONTEXT}")
    if not isinstance(annotation.get("id"), str) or not IRI.match(annotation["id"]):
        fail(f"{what}: an Annotation MUST have exactly one IRI id")
    if "Annotation" not in as_list(annotation.get("type")):
        fail(f"{what}: type MUST include Annotation")
    if "target" not in annotation or not as_list(annotation["target"]):
        fail(f"{what}: an Annotation MUST have at least one target")
    if "body" in annotation and "bodyValue" in annotation:
        fail(f"{what}: body and bodyValue MUST NOT both be present")
    for key in ("motivation",):
        for m in as_list(annotation.get(key, [])):
            if m not in MOTIVATIONS:
                fail(f"{what}: motivation {m!r} is not one of the model's")
    for k, body in enumerate(as_list(annotation.get("body", []))):
        check_resource(f"{what} body {k}", body)
    for k, target in enumerate(as_list(annotation["target"])):
        check_resource(f"{what} target {k}", target)


def loader(context_file):
    with open(context_file, encoding="utf-8") as f:
        document = json.load(f)

    def load(url, options=None):
        if url.rstrip("/") != CONTEXT:
            fail(f"pyld asked for {url}: only the anno context may be loaded, and no network is used")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}

    return load


def check_w3c(folder, context_file):
    from pyld import jsonld

    manifest = json.load(open(os.path.join(folder, "annals-export.json"), encoding="utf-8"))
    base = manifest["base_uri"]
    unit = manifest["offsets"]
    docs = read_jsonl(os.path.join(folder, "documents.jsonl"))
    by_source = {}
    for d in docs:
        by_source[d["url"] or f"{base}documents/{d['id']}"] = d
    annotations = read_jsonl(os.path.join(folder, "annotations.jsonl"))
    if not annotations:
        fail("annotations.jsonl is empty")
    ids = [a["id"] for a in annotations]
    if len(set(ids)) != len(ids):
        fail("annotation ids repeat")
    claims = {a["id"] for a in annotations if a["motivation"] == "describing"}
    counts = {}
    for a in annotations:
        check_annotation(a)
        counts[a["motivation"]] = counts.get(a["motivation"], 0) + 1
        if a["motivation"] == "linking":
            targets = as_list(a["target"])
            if len(targets) != 2 or not all(t in claims for t in targets):
                fail(f"{a['id']}: a relation links two claim annotations, not {targets}")
            continue
        if a["motivation"] == "identifying":
            entity, tag = a["body"]
            if entity["purpose"] != "identifying" or tag["purpose"] != "tagging":
                fail(f"{a['id']}: a mention's body identifies an entity and tags its kind")
        if a["motivation"] == "describing" and a["body"]["type"] != "schema:Claim":
            fail(f"{a['id']}: a claim's body is a schema:Claim")
        target = a["target"]
        doc = by_source.get(target["source"])
        if doc is None:
            fail(f"{a['id']}: target source {target['source']} is no document")
        quote, position = target["selector"]
        text = doc["text"]
        exact = slice_in(text, position["start"], position["end"], unit)
        if exact != quote["exact"]:
            fail(f"{a['id']}: the position selects {exact!r}, the quote is {quote['exact']!r}")
        if unit == "codepoints":
            s, e = position["start"], position["end"]
            if quote["prefix"] != text[max(0, s - 32):s] or quote["suffix"] != text[e:e + 32]:
                fail(f"{a['id']}: prefix or suffix are not the 32 characters around the quote")
    for motivation in ("identifying", "describing", "linking"):
        if not counts.get(motivation):
            fail(f"no {motivation} annotation")

    # The collection: total, pages in order, each page's items the ids of the next lines of
    # annotations.jsonl (the protocol's PreferContainedIRIs representation).
    collection = json.load(open(os.path.join(folder, "collection.jsonld"), encoding="utf-8"))
    if collection.get("@context") != CONTEXT:
        fail("collection.jsonld: @context MUST be the anno context")
    graph = collection["@graph"]
    heads = [n for n in graph if n.get("type") == "AnnotationCollection"]
    if len(heads) != 1 or graph[-1] is not heads[0]:
        fail("collection.jsonld: the AnnotationCollection comes once, after its pages")
    head, pages = heads[0], graph[:-1]
    if head["type"] != "AnnotationCollection" or head["total"] != len(annotations):
        fail(f"the collection says {head.get('type')} of {head.get('total')}, annotations.jsonl has {len(annotations)}")
    if not IRI.match(head["id"]) or head["first"] != pages[0]["id"] or head["last"] != pages[-1]["id"]:
        fail("the collection's first and last are not its first and last pages")
    items = []
    for k, page in enumerate(pages):
        if page["type"] != "AnnotationPage" or page["partOf"] != head["id"] or page["startIndex"] != len(items):
            fail(f"page {k}: {dict((key, page.get(key)) for key in ('type', 'partOf', 'startIndex'))}")
        if (page.get("next") is None) != (k == len(pages) - 1) or (k + 1 < len(pages) and page["next"] != pages[k + 1]["id"]):
            fail(f"page {k}: next does not lead to the next page")
        if k > 0 and page.get("prev") != pages[k - 1]["id"]:
            fail(f"page {k}: prev does not lead to the page before")
        for item in page["items"]:
            if not isinstance(item, str) or not IRI.match(item):
                fail(f"page {k}: an item is not an annotation's IRI: {item!r}")
        items.extend(page["items"])
    if items != [a["id"] for a in annotations]:
        fail("the pages' items are not the ids of annotations.jsonl's annotations, in order")

    # JSON-LD: every annotation expands, to an oa:Annotation with a target.
    options = {"documentLoader": loader(context_file)}
    for a in annotations:
        expanded = jsonld.expand(a, options)
        if len(expanded) != 1 or "http://www.w3.org/ns/oa#Annotation" not in expanded[0].get("@type", []):
            fail(f"{a['id']} does not expand to one oa:Annotation: {expanded}")
        if not expanded[0].get("http://www.w3.org/ns/oa#hasTarget"):
            fail(f"{a['id']} lost its target in expansion")
        if a["motivation"] == "describing" and "schema:author" in a["body"]:
            body = expanded[0]["http://www.w3.org/ns/oa#hasBody"][0]
            if "http://schema.org/Claim" not in body.get("@type", []) or not body.get("http://schema.org/author"):
                fail(f"{a['id']}: the claim's body does not expand to a schema:Claim with an author")
    graph = jsonld.expand(collection, options)
    kinds = {t for node in graph for t in node.get("@type", [])}
    if "https://www.w3.org/ns/activitystreams#OrderedCollection" not in kinds and \
            "http://www.w3.org/ns/activitystreams#OrderedCollection" not in kinds:
        fail(f"the collection expands to {kinds}")
    listed = [item["@id"] for node in graph for page_items in node.get("http://www.w3.org/ns/activitystreams#items", [])
              for item in page_items.get("@list", [])]
    if listed != items:
        fail("the pages' items do not expand to the annotations' IRIs")
    print(f"w3c: {len(annotations)} annotations ({counts}) valid, in {len(pages)} pages, all expanded")


# --- brat ------------------------------------------------------------------------------

LINE_BREAKS = "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def conf_types(folder):
    section, entities, relations = None, set(), set()
    for line in open(os.path.join(folder, "annotation.conf"), encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "entities":
            entities.add(line)
        elif section == "relations" and not line.startswith("<"):
            relations.add(line.split("\t")[0])
    return entities, relations


def check_brat(folder):
    from bratly import EntityAnnotation, NormalizationAnnotation, NoteAnnotation, RelationAnnotation
    from bratly.io import read_and_load_ann_file
    from bratly.io.file_read_src import parse_and_fix_ann_grammar

    entity_types, relation_types = conf_types(folder)
    if "Claim" not in entity_types or "replies-to" not in relation_types:
        fail(f"annotation.conf declares {entity_types} and {relation_types}")
    if not os.path.isfile(os.path.join(folder, "tools.conf")):
        fail("no tools.conf")
    anns = sorted(glob.glob(os.path.join(folder, "*.ann")))
    if not anns:
        fail("no .ann file")
    totals = {"T": 0, "N": 0, "#": 0, "R": 0}
    rejected_by_bratly = 0
    for ann in anns:
        txt_path = ann[:-4] + ".txt"
        with open(txt_path, encoding="utf-8", newline="") as f:
            text = f.read()
        if "\r" in text:
            fail(f"{txt_path} has a carriage return")
        with open(ann, encoding="utf-8", newline="") as f:
            content = f.read()
        lines = content.split("\n")
        if lines[-1] != "":
            fail(f"{ann} does not end with a line break")
        lines = lines[:-1]
        if len(content.splitlines()) != len(lines):
            fail(f"{ann}: a line holds a character that Python reads as a line break")
        tids, counts = set(), {"T": 0, "N": 0, "#": 0, "R": 0}
        unreadable_for_bratly = set()
        for line in lines:
            kind = line[0]
            counts[kind] = counts.get(kind, 0) + 1
            if kind == "T":
                m = re.fullmatch(r"(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)", line)
                if not m:
                    fail(f"{ann}: {line!r} is not a text-bound line")
                tid, label, spans, quoted = m.groups()
                if label not in entity_types:
                    fail(f"{ann}: type {label} is not in annotation.conf")
                pieces = []
                for span in spans.split(";"):
                    s, e = map(int, span.split())
                    if not 0 <= s < e <= len(text):
                        fail(f"{ann}: {tid} fragment {s} {e} is outside the text or empty")
                    piece = text[s:e]
                    if any(c in LINE_BREAKS for c in piece):
                        fail(f"{ann}: {tid} fragment {s} {e} holds a line break")
                    pieces.append(piece)
                if " ".join(pieces) != quoted:
                    fail(f"{ann}: {tid} reads {' '.join(pieces)!r} in the .txt, {quoted!r} in the .ann")
                tids.add(tid)
            elif kind == "N":
                m = re.fullmatch(r"N\d+\tReference (T\d+) (\S+?):(\S+)\t(.+)", line)
                if not m or m.group(1) not in tids or m.group(2) not in ("Wikidata", "annals"):
                    fail(f"{ann}: {line!r} is not a normalization of a T above")
                if m.group(2) == "Wikidata" and not re.fullmatch(r"Q\d+", m.group(3)):
                    fail(f"{ann}: {line!r} names no Wikidata item")
                if not re.fullmatch(r"\w+", m.group(3)):
                    unreadable_for_bratly.add(line)
            elif kind == "#":
                if not re.fullmatch(r"#\d+\tAnnotatorNotes (T\d+)\t.+", line) or line.split()[2] not in tids:
                    fail(f"{ann}: {line!r} is not a note on a T above")
            elif kind == "R":
                m = re.fullmatch(r"R\d+\t(\S+) Arg1:(T\d+) Arg2:(T\d+)", line)
                if not m or m.group(1) not in relation_types or not {m.group(2), m.group(3)} <= tids:
                    fail(f"{ann}: {line!r} is not a relation between two T above")
            else:
                fail(f"{ann}: unexpected line {line!r}")
        for key in totals:
            totals[key] += counts.get(key, 0)

        # bratly reads the file as it is. Its pattern for normalizations is `\w+:\w+`, narrower
        # than brat's `(\S+?):(\S+)`: it skips N lines whose id holds `-` (annals:russian-government).
        with contextlib.redirect_stdout(io.StringIO()):  # bratly prints each line it skips
            read = read_and_load_ann_file(
                ann, no_duplicates=False, sorting=False, renumerotize=False, grammar_check=False
            )
        if read is None:
            fail(f"bratly could not read {ann}")
        got = {
            "T": len([a for a in read.annotations if isinstance(a, EntityAnnotation)]),
            "N": len([a for a in read.annotations if isinstance(a, NormalizationAnnotation)]),
            "#": len([a for a in read.annotations if isinstance(a, NoteAnnotation)]),
            "R": len([a for a in read.annotations if isinstance(a, RelationAnnotation)]),
        }
        want = dict(counts)
        want["N"] = counts.get("N", 0) - len(unreadable_for_bratly)
        if got != {k: want.get(k, 0) for k in got}:
            fail(f"bratly read {got} from {ann}, which holds {want}")
        for a in read.annotations:
            if isinstance(a, EntityAnnotation):
                pieces = [text[f.start:f.end] for f in a.fragments]
                if " ".join(pieces) != a.content:
                    fail(f"bratly: {a.id} of {ann} reads {a.content!r}")
        # bratly's grammar check (offsets against each T's text) on the lines it can parse.
        parse_and_fix_ann_grammar("\n".join(line for line in lines if line not in unreadable_for_bratly) + "\n")
        rejected_by_bratly += len(unreadable_for_bratly)
    if not totals["T"] or not totals["N"] or not totals["R"]:
        fail(f"the brat export holds {totals}")
    print(f"brat: {len(anns)} documents, {totals}; bratly read every file "
          f"(skipping {rejected_by_bratly} N lines with a `-` in the id, which its pattern does not take)")


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "offsets":
        check_offsets(*args)
    elif command == "duckdb":
        check_duckdb(*args)
    elif command == "pandas":
        check_pandas(*args)
    elif command == "w3c":
        check_w3c(*args)
    elif command == "brat":
        check_brat(*args)
    else:
        fail(f"unknown check {command}")
    print("all checks passed")


if __name__ == "__main__":
    main(sys.argv)
