"""A run's outputs read by their consumers' own code, as a user would call it.

    python consumers.py RUN_DIR OUT.json CHAT_STUDENT_DIR

RUN_DIR holds a finished run with exports (output.export, Parquet or JSON Lines, one student or
several, with or without a held-out split); CHAT_STUDENT_DIR is a student whose tokenizer has a
chat template (the SmolLM2 student: its Hugging Face directory, CHAT_STUDENT_DIR-hf, gives
transformers its tokenizer and LLaMA-Factory its template's tokenizer), one of the run's students
or not. Writes one JSON object:

  versions      the consumers' versions
  datasets      per format, config (student) and split: the rows datasets.load_dataset reads from
                the export folder (its card's configs) and their features
  llama_factory per dataset_info.json entry: the rows LLaMA-Factory's get_dataset loads and keeps
                for training (stage sft, or rm for ranking entries), those it drops, each row as its
                converters made it (system, prompt and response turns, by response_id), and for the chat
                student's entries, each kept prompt as LLaMA-Factory renders it (its smollm2
                template, default_system from the student's chat template) against the prompt the
                job scored, rendered by the tokenizer's own chat template (transformers): equal,
                differing only because LLaMA-Factory's formats merged turns of one role, or different
  trl           SFTTrainer on the messages export and DPOTrainer on pairs (when the run has them, for
                the chat student): rows prepared by the
                trainers' own dataset preparation, two optimizer steps' losses on CPU with a small
                model built from a config, and whether a step's batch decodes to our rows
  pyarrow       per table, each column's type as pyarrow reads the Parquet files (Parquet runs)
  axolotl       not installed (see docs/outputs.md): its chat_template strategy's reading of the
                sharegpt export restated from src/axolotl/prompt_strategies/chat_template.py
                (ChatTemplateStrategy.tokenize_prompt: remove_none_values, then a non-null `system`
                field is put before a first turn that is not a system turn; ChatTemplatePrompter's
                default roles human/user, gpt/assistant, system)
  problems      one line each: the consumer, its version, the file and the row, and what failed
"""
import glob
import json
import math
import os
import sys
import tempfile
import traceback

import datasets
import pyarrow
import pyarrow.dataset as pads
import transformers
import trl
import yaml

FORMATS = ["messages", "prompt-completion", "sharegpt", "alpaca", "pairs", "pairs-sharegpt"]
problems = []


def problem(consumer, version, where, what):
    problems.append(f"{consumer} {version}: {where}: {what}")


def card_configs(folder):
    with open(os.path.join(folder, "README.md"), encoding="utf-8") as f:
        text = f.read()
    return yaml.safe_load(text[4:text.index("\n---\n", 4)])["configs"]


def read_with_datasets(export):
    out = {}
    for fmt in FORMATS:
        folder = os.path.join(export, fmt)
        if not os.path.isdir(folder):
            continue
        out[fmt] = {}
        for config in card_configs(folder):
            name = config["config_name"]
            try:
                loaded = datasets.load_dataset(folder, name=name)
            except Exception as e:  # a consumer's failure is a finding, reported in one line
                problem("datasets", datasets.__version__, folder + " config " + name, first_line(e))
                continue
            out[fmt][name] = {split: {"rows": len(d), "features": {k: str(v) for k, v in d.features.items()}}
                              for split, d in loaded.items()}
    return out


def first_line(e):
    text = f"{type(e).__name__}: {e}"
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__


def default_system(student_dir):
    """The system text the student's chat template adds to a conversation without a system turn, as
    a system turn's content (its default-system piece less the system piece around {content})."""
    pieces = {}
    with open(os.path.join(student_dir, "student.conf"), encoding="utf-8") as f:
        for line in f:
            key, _, value = line.strip().partition(" = ")
            if key in ("default-system", "system") and value.startswith('"'):
                pieces[key] = json.loads(value)
    if not pieces.get("default-system") or "{content}" not in pieces.get("system", ""):
        return None
    before, after = pieces["system"].split("{content}", 1)
    text = pieces["default-system"]
    return text[len(before):len(text) - len(after)] if text.startswith(before) and text.endswith(after) else None


def llama_factory(export, chat_student, tokenizer):
    import llamafactory
    from llamafactory.data import get_dataset, get_template_and_fix_tokenizer
    from llamafactory.data.loader import _load_single_dataset
    from llamafactory.data.parser import get_dataset_list
    from llamafactory.hparams import DataArguments, ModelArguments
    version = llamafactory.__version__
    with open(os.path.join(export, "dataset_info.json"), encoding="utf-8") as f:
        info = json.load(f)
    out = {}
    system = default_system(chat_student["dir"])
    for name, entry in info.items():
        ranking = entry.get("ranking", False)
        raw = raw_rows(os.path.join(export, entry["file_name"]))
        file_rows = len(raw)
        with tempfile.TemporaryDirectory() as work:
            data_args = DataArguments(dataset=name, dataset_dir=export, template="smollm2", cutoff_len=8192,
                                      default_system=system, preprocessing_num_workers=None, overwrite_cache=True)
            model_args = ModelArguments(model_name_or_path=chat_student["hf"])
            training_args = transformers.Seq2SeqTrainingArguments(output_dir=work, do_train=True, report_to=[])
            try:
                template = get_template_and_fix_tokenizer(tokenizer, data_args)
                module = get_dataset(template, model_args, data_args, training_args,
                                     stage="rm" if ranking else "sft", tokenizer=tokenizer)
                kept = len(module["train_dataset"])
                aligned = _load_single_dataset(get_dataset_list([name], export)[0], model_args, data_args,
                                               training_args)
            except Exception as e:
                problem("LLaMA-Factory", version, name + " (" + entry["file_name"] + ")", first_line(e))
                traceback.print_exc(file=sys.stderr)
                continue
        result = {"file_rows": file_rows, "kept": kept, "dropped": file_rows - kept,
                  "converted": [{"response_id": row["response_id"], "system": example["_system"] or None,
                                 "prompt": example["_prompt"], "response": example["_response"]}
                                for row, example in zip(raw, aligned)]}
        parts = entry["file_name"].split("/")
        if (parts[2] if len(parts) == 4 else chat_student["only"]) == chat_student["name"]:
            result.update(rendered(raw, aligned, template, tokenizer, entry, export, name, version))
        out[name] = result
    return out


def raw_rows(folder):
    """A folder's data files' rows, in the order of their names, read by datasets."""
    files = sorted(glob.glob(os.path.join(folder, "*.parquet")) + glob.glob(os.path.join(folder, "*.jsonl")))
    if not files:
        return []
    kind = "parquet" if files[0].endswith(".parquet") else "json"
    return list(datasets.load_dataset(kind, data_files=files, split="train"))


def scored_turns(export, student, split):
    """The scored prompts' turns as they were, by response_id: the prompt-completion export holds them."""
    out = {}
    folder = os.path.join(export, "prompt-completion", "data", *([student] if student else []), split)
    for row in raw_rows(folder):
        out[row["response_id"]] = [{"role": t["role"], "content": t["content"]} for t in row["prompt"]]
    return out


def rendered(raw, aligned, template, tokenizer, entry, export, name, version):
    """Each kept row's prompt as LLaMA-Factory renders it, against the job's scored prompt."""
    split = "test" if name.endswith("_test") else "train"
    parts = entry["file_name"].split("/")
    student = parts[2] if len(parts) == 4 else None  # <format>/data/<student>/<split> with several
    by_id = scored_turns(export, student, split)
    equal = merged = differ = 0
    for row, example in zip(raw, aligned):
        if not example["_response"]:
            continue
        scored = by_id.get(row["response_id"])
        if scored is None:
            continue
        messages = example["_prompt"] + example["_response"][:1]
        prompt_ids, _ = template.encode_oneturn(tokenizer, messages, example["_system"] or None, None)
        want = tokenizer.apply_chat_template(scored, tokenize=True, add_generation_prompt=True)
        if list(prompt_ids) == list(want):
            equal += 1
        elif len(example["_prompt"]) + (1 if example["_system"] else 0) < len(scored):
            merged += 1  # LLaMA-Factory's formats hold consecutive turns of one role merged
        else:
            differ += 1
            problem("LLaMA-Factory", version, name + " row " + row["response_id"],
                    "renders the prompt as " + json.dumps(tokenizer.decode(prompt_ids)[:120]) + ", scored as "
                    + json.dumps(tokenizer.decode(want)[:120]))
    return {"rendered_equal": equal, "rendered_merged": merged, "rendered_differ": differ}


def small_model(tokenizer):
    import torch
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                                      num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1,
                                      max_position_embeddings=4096, tie_word_embeddings=True)
    return transformers.LlamaForCausalLM(config)


def trained_texts(export, folder, student):
    """The responses a trainer should see: the selected ones (messages), the chosen ones (pairs)."""
    texts = set()
    for row in raw_rows(os.path.join(export, folder, "data", student, "train")):
        texts.add((row["messages"] if folder == "messages" else row["chosen"])[-1]["content"].strip())
    return texts


def with_trl(export, student, tokenizer):
    out = {}
    for kind, folder in (("sft", "messages"), ("dpo", "pairs")):
        if not os.path.isdir(os.path.join(export, folder, "data", student)):
            continue
        texts = trained_texts(export, folder, student)
        with tempfile.TemporaryDirectory() as work:
            try:
                data = datasets.load_dataset(os.path.join(export, folder), name=student, split="train")
                common = dict(output_dir=work, max_steps=2, per_device_train_batch_size=2, logging_steps=1,
                              report_to=[], use_cpu=True, save_strategy="no", seed=0, max_length=1024)
                if kind == "sft":
                    trainer = trl.SFTTrainer(model=small_model(tokenizer), args=trl.SFTConfig(**common),
                                             train_dataset=data, processing_class=tokenizer)
                else:
                    trainer = trl.DPOTrainer(model=small_model(tokenizer), args=trl.DPOConfig(**common),
                                             train_dataset=data, processing_class=tokenizer)
                prepared = len(trainer.train_dataset)
                batches = iter(trainer.get_train_dataloader())
                next(batches)
                second = next(batches)
                ids = second["input_ids"] if kind == "sft" else second["chosen_input_ids"]
                decoded = tokenizer.batch_decode(ids, skip_special_tokens=False)
                ours = all(any(t in d for t in texts) for d in decoded)
                trainer.train()
                losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
            except Exception as e:
                problem("TRL", trl.__version__, folder + " (" + student + ", train)", first_line(e))
                traceback.print_exc(file=sys.stderr)
                continue
        if len(losses) != 2 or not all(math.isfinite(x) for x in losses):
            problem("TRL", trl.__version__, folder, f"losses {losses}")
        out[kind] = {"rows": len(data), "prepared": prepared, "losses": losses, "second_batch_is_ours": ours}
    return out


def with_pyarrow(run):
    out = {}
    for table in ("scores", "teachers", "selected"):
        if glob.glob(os.path.join(run, table, "*.parquet")):
            d = pads.dataset(os.path.join(run, table), format="parquet")
            out[table] = {f.name: str(f.type) for f in d.schema}
    return out


def axolotl_restated(export):
    """axolotl's chat_template strategy on the sharegpt export (restated; see the module's docstring)."""
    roles = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant", "system": "system"}
    read = 0
    for folder in glob.glob(os.path.join(export, "sharegpt", "data", "**"), recursive=True):
        for row in raw_rows(folder):
            read += 1
            turns = [t for t in row["conversations"] if t is not None]
            where = "sharegpt row " + row["response_id"]
            if row.get("system") is not None and (not turns or turns[0]["from"] != "system"):
                problem("axolotl (restated)", "-", where, "gets a system turn it was not scored with")
            if any(t["from"] == "system" for t in turns[1:]):
                problem("axolotl (restated)", "-", where, "has a system turn that is not first")
            unknown = sorted({t["from"] for t in turns} - set(roles))
            if unknown:
                problem("axolotl (restated)", "-", where, f"has roles axolotl does not map: {unknown}")
    return {"rows_read": read}


def main():
    run, out_path, chat_student_dir = sys.argv[1:4]
    export = os.path.join(run, "export")
    tokenizer = transformers.AutoTokenizer.from_pretrained(chat_student_dir.rstrip("/") + "-hf")
    with open(os.path.join(chat_student_dir, "student.conf"), encoding="utf-8") as f:
        name = f.read().split('name = "')[1].split('"')[0]
    with open(os.path.join(run, "summary.json"), encoding="utf-8") as f:
        students = [s["name"] for s in json.load(f)["students"]]
    chat = {"dir": chat_student_dir, "hf": chat_student_dir.rstrip("/") + "-hf", "name": name,
            "only": students[0] if len(students) == 1 else None}
    import llamafactory
    report = {
        "versions": {"datasets": datasets.__version__, "llamafactory": llamafactory.__version__,
                     "trl": trl.__version__, "transformers": transformers.__version__,
                     "pyarrow": pyarrow.__version__},
        "datasets": read_with_datasets(export),
        "llama_factory": llama_factory(export, chat, tokenizer) if os.path.exists(
            os.path.join(export, "dataset_info.json")) else {},
        "trl": with_trl(export, name, tokenizer) if name in students else {},
        "pyarrow": with_pyarrow(run),
        "axolotl": axolotl_restated(export),
    }
    report["problems"] = problems
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    print(f"wrote {out_path}: {len(problems)} problems")


if __name__ == "__main__":
    main()
