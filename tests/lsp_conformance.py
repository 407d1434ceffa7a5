"""Validates messages an LSP server sent against the LSP 3.17 metamodel, through lsprotocol.

Usage: python tests/lsp_conformance.py MESSAGES.jsonl

Each line of MESSAGES.jsonl is {"method": ..., "direction": "response" | "notification" |
"request", "message": <the JSON-RPC message as the server sent it>}. A response is structured
into the lsprotocol type of its request's response (`ResponseErrorMessage` when it carries an
error), a notification or a request of the server into the type of that method, with
lsprotocol's own cattrs converter.

cattrs alone is lenient: it turns "3" into 3 and drops keys no type has. So each structured
message is unstructured again and compared with what the server sent, exactly (types
included, so 1 is not true and 3.0 is not 3): a key the protocol does not define, a value of
the wrong type or a `null` where the protocol wants the key absent shows as a difference.
`$/progress` values are also checked against the work-done progress type their `kind` names.

Prints one line per message kind and exits 0 when every message conforms, 1 otherwise.
"""

import collections
import json
import sys

from lsprotocol import converters, types

CONVERTER = converters.get_converter()

PROGRESS_KINDS = {
    "begin": types.WorkDoneProgressBegin,
    "report": types.WorkDoneProgressReport,
    "end": types.WorkDoneProgressEnd,
}


def message_type(method, direction, message):
    if direction == "response" and "error" in message:
        return types.ResponseErrorMessage
    entry = types.METHOD_TO_TYPES.get(method)
    if entry is None:
        raise LookupError(f"{method} is no method of LSP 3.17")
    request, response, _params, _options = entry
    wanted = response if direction == "response" else request
    if wanted is None:
        raise LookupError(f"{method} has no {direction} in LSP 3.17")
    return wanted


def differences(sent, again, path="$"):
    """Where `again` (the round trip) differs from `sent`, exactly."""
    if type(sent) is not type(again):
        # An integer the protocol types as a decimal (a float) may come back as a float.
        if isinstance(sent, int) and not isinstance(sent, bool) and isinstance(again, float) and again == sent:
            return []
        return [f"{path}: sent {json.dumps(sent)[:200]}, the protocol reads {json.dumps(again)[:200]}"]
    if isinstance(sent, dict):
        out = []
        for key in sorted(set(sent) | set(again)):
            if key not in again:
                out.append(f"{path}.{key}: not defined by the protocol here (or null where it must be absent): {json.dumps(sent[key])[:200]}")
            elif key not in sent:
                out.append(f"{path}.{key}: the protocol fills in {json.dumps(again[key])[:200]}")
            else:
                out.extend(differences(sent[key], again[key], f"{path}.{key}"))
        return out
    if isinstance(sent, list):
        if len(sent) != len(again):
            return [f"{path}: {len(sent)} items sent, {len(again)} read"]
        out = []
        for k, (a, b) in enumerate(zip(sent, again)):
            out.extend(differences(a, b, f"{path}[{k}]"))
        return out
    if sent != again:
        return [f"{path}: sent {json.dumps(sent)[:200]}, the protocol reads {json.dumps(again)[:200]}"]
    return []


def check(method, direction, message):
    """The problems of one message: empty when it conforms."""
    try:
        kind = message_type(method, direction, message)
    except LookupError as e:
        return [str(e)]
    try:
        structured = CONVERTER.structure(message, kind)
    except Exception as e:  # cattrs gathers its errors in an exception group
        detail = "; ".join(repr(x) for x in getattr(e, "exceptions", []))
        return [f"does not structure as {kind.__name__}: {e} {detail}"[:2000]]
    again = json.loads(json.dumps(CONVERTER.unstructure(structured)))
    problems = differences(message, again)
    if method == "$/progress":
        value = message.get("params", {}).get("value", {})
        progress = PROGRESS_KINDS.get(value.get("kind"))
        if progress is None:
            problems.append(f"$.params.value.kind: {value.get('kind')!r} is no work-done progress kind")
        else:
            try:
                read = json.loads(json.dumps(CONVERTER.unstructure(CONVERTER.structure(value, progress))))
                problems.extend(differences(value, read, "$.params.value"))
            except Exception as e:
                problems.append(f"$.params.value: not a {progress.__name__}: {e}")
    return problems


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    counts = collections.Counter()
    failures = []
    with open(sys.argv[1], encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            method, direction, message = record["method"], record["direction"], record["message"]
            label = f"{direction} {method}" + (" (error)" if "error" in message else "")
            counts[label] += 1
            for problem in check(method, direction, message):
                failures.append(f"line {number}, {label}: {problem}")
    for label, n in sorted(counts.items()):
        print(f"{n:5} {label}")
    if failures:
        print(f"\n{len(failures)} problems:")
        for f in failures[:200]:
            print(f"  {f}")
        return 1
    print(f"all {sum(counts.values())} messages of {len(counts)} kinds conform to LSP 3.17")
    return 0


if __name__ == "__main__":
    sys.exit(main())
