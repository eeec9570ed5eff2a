#!/usr/bin/python3
"""The contract test: every answer the HTTP tests received is checked against the OpenAPI
document by a JSON Schema validator (python3-jsonschema), and every documented operation must
have been answered with success at least once.

    check_answers.py http/openapi.json build/tests/contract-answers

Answers come one JSON object per line ({route, method, path, status, contentType, body}),
recorded by tests/support/answer_recorder.hpp. The document must be strict: every object
schema says what other properties it allows (usually none), so a new field in an answer fails
here until the document names it.
"""
import glob
import json
import re
import sys

from jsonschema import Draft202012Validator

try:  # jsonschema 4.18 and later resolve references through `referencing`
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError:  # Debian 12's jsonschema 4.10
    Registry = None
    from jsonschema import RefResolver

BASE = "urn:dialer:openapi"
METHODS = ("get", "post", "put", "delete")


def canonical(path):
    """/api/dialer/queue/:id and /api/dialer/queue/{id} are the same template."""
    return re.sub(r"(:[A-Za-z]+|\{[^}]+\})", "{}", path)


def pointer(*parts):
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def loose_objects(node, where, found):
    """Object schemas that do not say whether other properties are allowed."""
    if isinstance(node, dict):
        kind = node.get("type")
        is_object = kind == "object" or (isinstance(kind, list) and "object" in kind)
        if (is_object or "properties" in node) and "additionalProperties" not in node:
            found.append(where)
        for key, value in node.items():
            loose_objects(value, f"{where}/{key}", found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            loose_objects(value, f"{where}/{i}", found)


def main():
    doc_path, answers_dir = sys.argv[1], sys.argv[2]
    with open(doc_path) as f:
        doc = json.load(f)
    problems = []
    if not str(doc.get("openapi", "")).startswith("3.1"):
        problems.append("the document is not OpenAPI 3.1, whose schemas are JSON Schema 2020-12")
    loose = []
    loose_objects(doc.get("paths", {}), "#/paths", loose)
    loose_objects(doc.get("components", {}), "#/components", loose)
    problems += [f"{where}: an object schema without additionalProperties" for where in loose]
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as e:  # noqa: BLE001 - the message is the point
            problems.append(f"#/components/schemas/{name} is not a valid schema: {e}")

    templates = {canonical(p): p for p in doc["paths"]}
    if Registry is not None:
        registry = Registry().with_resource(BASE, Resource.from_contents(doc, DRAFT202012))

    def validator(*parts):
        schema = {"$ref": f"{BASE}#/{pointer(*parts)}"}
        if Registry is not None:
            return Draft202012Validator(schema, registry=registry)
        resolver = RefResolver(base_uri=BASE, referrer=doc, store={BASE: doc})
        return Draft202012Validator(schema, resolver=resolver)

    def resolve(response):
        while "$ref" in response:
            target = doc
            for part in response["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            response = target
        return response

    def template_of(path):
        for template in doc["paths"]:
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            if re.match(pattern, path.rstrip("/") or "/"):
                return template
        return None

    answered = set()
    checked = 0
    failures = {}
    files = glob.glob(f"{answers_dir}/answers-*.jsonl")
    if not files:
        problems.append(f"no answers were recorded in {answers_dir}: did the HTTP tests run?")
    for file in files:
        with open(file) as f:
            for line in f:
                answer = json.loads(line)
                checked += 1
                method, status = answer["method"], answer["status"]
                if answer["route"] == "unmatched":
                    template = template_of(answer["path"])
                    if template is None or method.lower() not in doc["paths"][template]:
                        # No route took it (an unknown path, a preflight, a refusal before
                        # routing): a 2xx/3xx has no body to check, the rest are errors.
                        if status >= 400:
                            v = validator("components", "schemas", "Error")
                            errors = list(v.iter_errors(answer.get("body")))
                            if errors:
                                key = f"{method} (no route) {status}: {errors[0].message}"
                                failures.setdefault(key, answer)
                        continue
                else:
                    route_method, _, route_path = answer["route"].partition(" ")
                    template = templates.get(canonical(route_path))
                    if template is None or route_method.lower() not in doc["paths"][template]:
                        failures.setdefault(f"{answer['route']} is not documented", answer)
                        continue
                op_key = (template, method.lower())
                operation = doc["paths"][template][method.lower()]
                responses = operation.get("responses", {})
                if str(status) not in responses:
                    failures.setdefault(f"{method} {template} answered {status}, not documented", answer)
                    continue
                if 200 <= status < 300:
                    answered.add(op_key)
                response = resolve(responses[str(status)])
                content = response.get("content", {})
                media = answer.get("contentType", "").split(";")[0].strip()
                if not content:
                    continue
                if media not in content:
                    failures.setdefault(
                        f"{method} {template} {status} answered {media or 'no type'}, "
                        f"documented {', '.join(content)}", answer)
                    continue
                if media != "application/json" or "schema" not in content[media]:
                    continue
                ref = responses[str(status)].get("$ref")
                parts = (ref.lstrip("#/").split("/") if ref
                         else ["paths", template, method.lower(), "responses", str(status)])
                parts = [p.replace("~1", "/").replace("~0", "~") for p in parts]
                v = validator(*parts, "content", media, "schema")
                errors = sorted(v.iter_errors(answer.get("body")), key=lambda e: list(e.path))
                for error in errors[:1]:
                    at = "/".join(str(p) for p in error.absolute_path) or "(body)"
                    failures.setdefault(f"{method} {template} {status} at {at}: {error.message}",
                                        answer)

    for template, item in doc["paths"].items():
        for method in METHODS:
            if method in item and (template, method) not in answered:
                problems.append(f"{method.upper()} {template}: no test received a success answer")

    for key, answer in sorted(failures.items()):
        body = json.dumps(answer.get("body"))
        problems.append(f"{key}\n    {answer['method']} {answer['path']} -> "
                        f"{body[:300]}{'…' if len(body) > 300 else ''}")
    print(f"contract: {checked} answers checked against {doc_path}")
    for problem in problems:
        print("contract: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
