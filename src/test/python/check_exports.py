#!/usr/bin/env python3
"""Reads a run's export/ folder as its consumers do, with none of the writer's code.

    check_exports.py EXPORT_DIR ROWS_DIR

EXPORT_DIR is the run's export/ folder: its listing, dataset_info.json and the cards are read there.
ROWS_DIR holds each data file's rows as JSON Lines under the same relative path (for JSON Lines
exports it is EXPORT_DIR itself; Parquet files are converted by the test with DuckDB, as this
machine's Python has no Parquet reader). Prints one JSON object: per LLaMA-Factory entry the rows it
loads and what its converter makes of each, per card what `datasets` reads from it, and every
problem found (a consumer that would fail or silently drop or change a row).

Each rule restates the consumer's own code (read line by line from its repository):
- LLaMA-Factory src/llamafactory/data/parser.py get_dataset_list, DatasetAttr (defaults, columns,
  tags); loader.py _load_single_dataset (a folder is listed with os.listdir, hidden files included,
  and every file's type, by FILEEXT2TYPE, must be the same); converter.py AlpacaDatasetConverter and
  SharegptDatasetConverter (a first system turn becomes the system prompt; turns must then alternate
  user/observation and assistant/function; an even count, or odd with ranking; ranking chosen and
  rejected are one message each, of an assistant tag; a broken example is skipped).
- datasets src/datasets/utils/metadata.py MetadataConfigs (configs: config_name, data_files as a
  string, a list of strings or a list of {split, path}; one default), data_files.py (a pattern that
  matches no file is EmptyDatasetError), features.py Features._from_yaml_list (dtype, list, struct).
- TRL trl/data_utils.py is_conversational (a list of {role, content} under messages, prompt,
  completion, chosen or rejected); DPO's explicit prompt (prompt, chosen, rejected).
- axolotl src/axolotl/prompt_strategies/chat_template.py ChatTemplateStrategy.tokenize_prompt
  (remove_none_values) and get_conversation_thread (a non-null `system` field before a first turn
  that is not a system turn is put first as a system turn).
"""
import json
import os
import sys

import yaml

# LLaMA-Factory extras/constants.py FILEEXT2TYPE.
FILEEXT2TYPE = {"arrow": "arrow", "csv": "csv", "json": "json", "jsonl": "json", "parquet": "parquet", "txt": "text"}
ROLE_USER, ROLE_ASSISTANT, ROLE_OBSERVATION, ROLE_FUNCTION, ROLE_SYSTEM = (
    "user", "assistant", "observation", "function", "system")


def rows_of(rows_dir, files):
    out = []
    for f in files:
        with open(os.path.join(rows_dir, f), encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    out.append(json.loads(line))
    return out


def attr(entry):
    """DatasetAttr as get_dataset_list fills it."""
    a = {"formatting": entry.get("formatting", "alpaca"), "ranking": entry.get("ranking", False),
         "system": None, "chosen": None, "rejected": None, "prompt": "instruction", "query": "input",
         "response": "output", "history": None, "messages": "conversations", "role_tag": "from",
         "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
         "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"}
    if "columns" in entry:
        names = ["system", "tools", "images", "chosen", "rejected", "kto_tag"]
        names += ["prompt", "query", "response", "history"] if a["formatting"] == "alpaca" else ["messages"]
        for n in names:
            a[n] = entry["columns"].get(n)
    if a["formatting"] == "sharegpt" and "tags" in entry:
        for t in ("role_tag", "content_tag", "user_tag", "assistant_tag", "observation_tag", "function_tag",
                  "system_tag"):
            a[t] = entry["tags"].get(t)
    return a


def llama_factory_files(dataset_dir, entry, problems, name):
    """_load_single_dataset for load_from == "file": the files it loads, or None."""
    local = os.path.join(dataset_dir, entry["file_name"])
    files, data_path = [], None
    if os.path.isdir(local):
        for file_name in os.listdir(local):
            files.append(os.path.join(entry["file_name"], file_name))
            kind = FILEEXT2TYPE.get(file_name.split(".")[-1], None)
            if data_path is None:
                data_path = kind
            elif data_path != kind:
                problems.append(f"{name}: File types should be identical ({file_name} in {local})")
                return None
    elif os.path.isfile(local):
        files.append(entry["file_name"])
        data_path = FILEEXT2TYPE.get(local.split(".")[-1], None)
    else:
        problems.append(f"{name}: File {local} not found.")
        return None
    if data_path is None:
        problems.append(f"{name}: Allowed file types: {','.join(FILEEXT2TYPE.keys())}.")
        return None
    # A file of no known type listed before the first data file passes the check above; then
    # load_dataset(data_path, data_files=...) reads it as data and fails.
    other = [f for f in files if FILEEXT2TYPE.get(f.split(".")[-1]) != data_path]
    if other:
        problems.append(f"{name}: load_dataset('{data_path}') would read {other} as data")
        return None
    return sorted(files)


def alpaca(a, example):
    prompt = []
    if a["history"] and isinstance(example[a["history"]], list):
        for old_prompt, old_response in example[a["history"]]:
            prompt.append({"role": ROLE_USER, "content": old_prompt})
            prompt.append({"role": ROLE_ASSISTANT, "content": old_response})
    query = []
    if a["prompt"] and example[a["prompt"]]:
        query.append(example[a["prompt"]])
    if a["query"] and example[a["query"]]:
        query.append(example[a["query"]])
    prompt.append({"role": ROLE_USER, "content": "\n".join(query)})
    if a["ranking"] and isinstance(example[a["chosen"]], str) and isinstance(example[a["rejected"]], str):
        response = [{"role": ROLE_ASSISTANT, "content": example[a["chosen"]]},
                    {"role": ROLE_ASSISTANT, "content": example[a["rejected"]]}]
    elif a["response"] and isinstance(example[a["response"]], str):
        response = [{"role": ROLE_ASSISTANT, "content": example[a["response"]]}]
    else:
        response = []
    return {"prompt": prompt, "response": response, "system": example[a["system"]] if a["system"] else "",
            "broken": not response}


def sharegpt(a, example):
    tag_mapping = {a["user_tag"]: ROLE_USER, a["assistant_tag"]: ROLE_ASSISTANT,
                   a["observation_tag"]: ROLE_OBSERVATION, a["function_tag"]: ROLE_FUNCTION,
                   a["system_tag"]: ROLE_SYSTEM}
    odd_tags = (a["user_tag"], a["observation_tag"])
    even_tags = (a["assistant_tag"], a["function_tag"])
    accept_tags = (odd_tags, even_tags)
    messages = example[a["messages"]]
    if a["system_tag"] and len(messages) != 0 and messages[0][a["role_tag"]] == a["system_tag"]:
        system = messages[0][a["content_tag"]]
        messages = messages[1:]
    else:
        system = example[a["system"]] if a["system"] else ""
    aligned, broken = [], False
    for turn_idx, message in enumerate(messages):
        if message[a["role_tag"]] not in accept_tags[turn_idx % 2]:
            broken = True
            break
        aligned.append({"role": tag_mapping[message[a["role_tag"]]], "content": message[a["content_tag"]]})
    if (not a["ranking"] and len(aligned) % 2 != 0) or (a["ranking"] and len(aligned) % 2 == 0):
        broken = True
    if broken:
        return {"prompt": [], "response": [], "system": system, "broken": True}
    if a["ranking"] and isinstance(example[a["chosen"]], dict) and isinstance(example[a["rejected"]], dict):
        chosen, rejected = example[a["chosen"]], example[a["rejected"]]
        if chosen[a["role_tag"]] not in accept_tags[-1] or rejected[a["role_tag"]] not in accept_tags[-1]:
            return {"prompt": [], "response": [], "system": system, "broken": True}
        prompt = aligned
        response = [{"role": tag_mapping[chosen[a["role_tag"]]], "content": chosen[a["content_tag"]]},
                    {"role": tag_mapping[rejected[a["role_tag"]]], "content": rejected[a["content_tag"]]}]
    else:
        prompt, response = aligned[:-1], aligned[-1:]
    return {"prompt": prompt, "response": response, "system": system, "broken": False}


def check_llama_factory(export_dir, rows_dir, problems):
    path = os.path.join(export_dir, "dataset_info.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        info = json.load(f)
    out = {}
    for name, entry in info.items():
        files = llama_factory_files(export_dir, entry, problems, name)
        if files is None:
            continue
        a = attr(entry)
        examples = rows_of(rows_dir, files)
        converted = []
        for example in examples:
            c = alpaca(a, example) if a["formatting"] == "alpaca" else sharegpt(a, example)
            c["response_id"] = example.get("response_id")
            converted.append(c)
        broken = sum(1 for c in converted if c["broken"])
        if broken:
            problems.append(f"{name}: LLaMA-Factory skips {broken} of {len(converted)} examples")
        out[name] = {"files": files, "rows": len(examples), "broken": broken, "converted": converted}
    return out


def yaml_header(card):
    if not card.startswith("---\n"):
        raise ValueError("the card has no YAML header")
    end = card.index("\n---\n", 4)
    return yaml.safe_load(card[4:end])


def feature_of(spec):
    """Features._from_yaml_list: a named feature's type."""
    if "dtype" in spec:
        return ("value", spec["dtype"])
    if "struct" in spec:
        return ("struct", [(f["name"], feature_of(f)) for f in spec["struct"]])
    if "list" in spec:
        inner = spec["list"]
        if isinstance(inner, str):
            return ("list", ("value", inner))
        if isinstance(inner, list):
            return ("list", ("struct", [(f["name"], feature_of(f)) for f in inner]))
        return ("list", feature_of(inner))
    raise ValueError(f"a feature without a type: {spec}")


PY_TYPES = {"string": (str,), "float64": (float, int), "float32": (float, int), "int32": (int,), "int64": (int,),
            "bool": (bool,)}


def conforms(value, feature):
    kind, inner = feature
    if value is None:
        return True
    if kind == "value":
        return isinstance(value, PY_TYPES[inner]) and not (inner != "bool" and isinstance(value, bool))
    if kind == "list":
        return isinstance(value, list) and all(conforms(v, inner) for v in value)
    return (isinstance(value, dict) and set(value) == {n for n, _ in inner}
            and all(conforms(value[n], f) for n, f in inner))


def check_card(folder, rows_dir, relative, problems):
    with open(os.path.join(folder, "README.md"), encoding="utf-8") as f:
        meta = yaml_header(f.read())
    configs = meta.get("configs")
    if not isinstance(configs, list) or not configs:
        problems.append(f"{relative}: configs is {configs!r}: load_dataset finds no data")
        return {}
    names = [c.get("config_name") for c in configs]
    if len(set(names)) != len(names):
        problems.append(f"{relative}: config names repeat: {names}")
    if sum(1 for c in configs if c.get("default")) > 1:
        problems.append(f"{relative}: more than one default config")
    infos = {i["config_name"]: i for i in (meta.get("dataset_info") or [])}
    out = {}
    for c in configs:
        data_files = c.get("data_files")
        if not (isinstance(data_files, list) and all(isinstance(d, dict) and set(d) == {"split", "path"}
                                                      for d in data_files)):
            problems.append(f"{relative}/{c['config_name']}: data_files {data_files!r} is not a list of {{split, path}}")
            continue
        info = infos.get(c["config_name"])
        if info is None:
            problems.append(f"{relative}/{c['config_name']}: no dataset_info")
            continue
        features = [(f["name"], feature_of(f)) for f in info["features"]]
        sizes = {s["name"]: s["num_examples"] for s in info.get("splits", [])}
        splits = {}
        for d in data_files:
            paths = d["path"] if isinstance(d["path"], list) else [d["path"]]
            missing = [p for p in paths if not os.path.isfile(os.path.join(folder, p))]
            if missing or not paths:
                problems.append(f"{relative}/{c['config_name']}/{d['split']}: EmptyDatasetError, no file at {missing}")
                continue
            rows = rows_of(os.path.join(rows_dir, relative), paths)
            for r in rows:
                if [n for n, _ in features] != list(r):
                    problems.append(f"{relative}: columns {list(r)} are not the features {[n for n, _ in features]}")
                    break
                bad = [n for n, f in features if not conforms(r[n], f)]
                if bad:
                    problems.append(f"{relative}: row {r.get('response_id')} does not fit features {bad}")
                    break
            if sizes.get(d["split"]) != len(rows):
                problems.append(f"{relative}/{d['split']}: num_examples {sizes.get(d['split'])} but {len(rows)} rows")
            splits[d["split"]] = rows
        out[c["config_name"]] = {"splits": {s: len(r) for s, r in splits.items()},
                                 "prompt_ids": {s: sorted({r["prompt_id"] for r in rows}) for s, rows in splits.items()},
                                 "features": [n for n, _ in features], "meta": {
                                     k: meta.get(k) for k in ("task_categories", "tags", "size_categories", "license")}}
        for rows in splits.values():
            check_trl_axolotl(relative, rows, problems)
    return out


def check_trl_axolotl(fmt, rows, problems):
    for r in rows:
        for key in ("messages", "prompt", "completion", "chosen", "rejected"):
            value = r.get(key)
            if isinstance(value, list) and fmt in ("messages", "prompt-completion", "pairs"):
                first = value[0] if value else None
                if not (isinstance(first, dict) and "role" in first and "content" in first):
                    problems.append(f"{fmt}: {key} of {r.get('response_id')} is not conversational for TRL")
        if fmt == "pairs" and not all(isinstance(r.get(k), list) for k in ("prompt", "chosen", "rejected")):
            problems.append(f"pairs: {r.get('response_id')} lacks TRL's explicit prompt, chosen and rejected")
        turns = r.get("messages") or r.get("conversations")
        if isinstance(turns, list) and turns:
            first_role = turns[0].get("role", turns[0].get("from"))
            # axolotl: remove_none_values, then a `system` field before a first non-system turn is put
            # first as a system turn.
            if r.get("system") is not None and first_role != "system":
                problems.append(f"{fmt}: {r.get('response_id')} gets a system turn "
                                f"{r['system']!r} from axolotl that it was not scored with")
            for t in turns[1:]:
                if t.get("role", t.get("from")) == "system":
                    problems.append(f"{fmt}: {r.get('response_id')} has a system turn that is not first")
            # axolotl ChatTemplatePrompter's default roles.
            unknown = {t.get("role", t.get("from")) for t in turns} - {"human", "user", "assistant", "gpt",
                                                                        "system", "tool"}
            if unknown:
                problems.append(f"{fmt}: {r.get('response_id')} has roles axolotl does not map: {unknown}")


def main():
    export_dir, rows_dir = sys.argv[1], sys.argv[2]
    problems = []
    report = {"llama_factory": check_llama_factory(export_dir, rows_dir, problems), "cards": {}}
    for fmt in sorted(os.listdir(export_dir)):
        folder = os.path.join(export_dir, fmt)
        if os.path.isdir(folder):
            if os.path.exists(os.path.join(folder, "README.md")):
                report["cards"][fmt] = check_card(folder, rows_dir, fmt, problems)
            elif fmt != "data":
                problems.append(f"{fmt}: a folder without a card")
    hidden = []
    for root, dirs, files in os.walk(export_dir):
        for name in files + dirs:
            if name.startswith(".") or name.startswith("_"):
                hidden.append(os.path.relpath(os.path.join(root, name), export_dir))
    if hidden:
        problems.append(f"files a consumer would list that are not data: {sorted(hidden)}")
    report["problems"] = problems
    print(json.dumps(report))


if __name__ == "__main__":
    main()
