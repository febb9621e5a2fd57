#!/usr/bin/env python3
"""Checks every line of a CityOps archive against the published schemas (docs/scale-out/schemas/).

    python3 validate_archive.py --archive DIR/archive [--schemas docs/scale-out/schemas]

Each line must match archive-line.json; its "payload" text must parse as JSON and match
schemas/<topic>.json; the line's topic must be its folder's, and its ts must fall in its
year=/month=/day=/hour= folder (UTC). Prints a summary and every problem (up to --max-problems);
exit code 0 when all lines conform, 1 otherwise, 2 for bad arguments.

The validator is a deliberately small subset of JSON Schema 2020-12, enough for these schemas and
standard library only: type (incl. lists), enum, const, required, properties,
additionalProperties (true/false), minimum, maximum, pattern, oneOf. Anything else in a schema is
refused rather than silently ignored.
"""
import argparse
import datetime
import gzip
import json
import os
import re
import sys

SUPPORTED = {"$schema", "$id", "title", "description", "type", "enum", "const", "required", "properties",
             "additionalProperties", "minimum", "maximum", "pattern", "oneOf"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def check_schema(schema, where="schema"):
    """Refuses keywords this validator does not implement, so a schema never passes by omission."""
    unknown = set(schema) - SUPPORTED
    if unknown:
        raise ValueError(f"{where}: unsupported keyword(s) {sorted(unknown)}")
    for name, sub in schema.get("properties", {}).items():
        check_schema(sub, f"{where}.properties.{name}")
    for i, sub in enumerate(schema.get("oneOf", [])):
        check_schema(sub, f"{where}.oneOf[{i}]")


def validate(value, schema, path="$"):
    """The list of problems of value against schema (empty when it conforms)."""
    errors = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            return [f"{path}: expected {'/'.join(types)}, got {type(value).__name__}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: expected {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} > maximum {schema['maximum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing required member {name!r}")
        properties = schema.get("properties", {})
        for name, member in value.items():
            if name in properties:
                errors += validate(member, properties[name], f"{path}.{name}")
            elif schema.get("additionalProperties", True) is False:
                errors.append(f"{path}: unexpected member {name!r}")
    if "oneOf" in schema:
        matching = sum(1 for sub in schema["oneOf"] if not validate(value, sub, path))
        if matching != 1:
            errors.append(f"{path}: matches {matching} of the oneOf alternatives, not exactly 1")
    return errors


def load_schemas(directory):
    schemas = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                schema = json.load(f)
            check_schema(schema, name)
            schemas[name[:-5]] = schema
    if "archive-line" not in schemas:
        raise ValueError(f"{directory}: archive-line.json missing")
    return schemas


def hour_folder(ts_ms):
    t = datetime.datetime.fromtimestamp(ts_ms / 1000, tz=datetime.timezone.utc)
    return f"year={t.year:04d}/month={t.month:02d}/day={t.day:02d}/hour={t.hour:02d}"


def validate_archive(archive, schemas):
    """(files, lines, problems) over every published file of every topic folder."""
    files = lines = 0
    problems = []
    for topic in sorted(os.listdir(archive)):
        topic_dir = os.path.join(archive, topic)
        if topic.startswith((".", "_")) or not os.path.isdir(topic_dir):
            continue
        if topic not in schemas:
            problems.append(f"{topic}: no schema {topic}.json for this topic folder")
            continue
        for folder, dirs, names in os.walk(topic_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
            for name in sorted(n for n in names if n.endswith(".jsonl.gz") and not n.startswith((".", "_"))):
                path = os.path.join(folder, name)
                relative_folder = os.path.relpath(folder, topic_dir).replace(os.sep, "/")
                files += 1
                with gzip.open(path, "rt", encoding="utf-8") as f:
                    for number, text in enumerate(f, 1):
                        lines += 1
                        where = f"{os.path.relpath(path, archive)}:{number}"
                        try:
                            line = json.loads(text)
                        except ValueError as e:
                            problems.append(f"{where}: not JSON ({e})")
                            continue
                        found = validate(line, schemas["archive-line"])
                        if not found:
                            if line["topic"] != topic:
                                found.append(f"topic {line['topic']!r} in the folder of {topic!r}")
                            if hour_folder(line["ts"]) != relative_folder:
                                found.append(f"ts {line['ts']} belongs in {hour_folder(line['ts'])}")
                            if "payload" in line:
                                try:
                                    found += validate(json.loads(line["payload"]), schemas[topic], "$.payload")
                                except ValueError as e:
                                    found.append(f"$.payload is not JSON ({e})")
                        problems += [f"{where}: {p}" for p in found]
    return files, lines, problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", required=True)
    parser.add_argument("--schemas", default=os.path.join(here, "schemas"))
    parser.add_argument("--max-problems", type=int, default=20)
    args = parser.parse_args()
    if not os.path.isdir(args.archive):
        print(f"validate_archive: {args.archive} is not a folder", file=sys.stderr)
        return 2
    schemas = load_schemas(args.schemas)
    files, lines, problems = validate_archive(args.archive, schemas)
    print(f"files: {files}\nlines: {lines}\nproblems: {len(problems)}")
    for p in problems[: args.max_problems]:
        print(f"  {p}")
    return 0 if not problems and lines > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
