"""Exports the tiny Hugging Face-style model as float32 and bfloat16 students, with reference scores.

    python3 src/test/python/export_fixture.py OUT_DIR

Writes OUT_DIR/float32 and OUT_DIR/bfloat16 (student directories made by export_hf_student.py,
with the demo student's byte-level tokenizer and a ChatML chat template), each with
expected.json: LALP (paragraph steps, window fraction 0.25, prompt included) and GALP of the first
rows of the demo corpus, computed by reference_scores.py one window per forward pass on the
eager model, never on the exported file. ExportedStudentTest scores the same rows in Java.
"""
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path[:0] = [HERE, os.path.join(ROOT, "src", "main", "python")]

import torch  # noqa: E402

import export_hf_student  # noqa: E402
import reference_scores  # noqa: E402
from tiny_hf_model import TinyCausalLM  # noqa: E402

CHATML = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
          "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
ROWS = 12


class EagerScorer(reference_scores.Scorer):
    """reference_scores.Scorer on the eager model: one sequence per pass, the model's own causal mask."""

    def __init__(self, model, student_dir):
        def logits(seq):
            with torch.no_grad():
                return model(input_ids=torch.tensor([seq]), return_dict=False)[0][0].float()
        super().__init__(student_dir, model=logits)


def tokenizer_dir(out):
    d = os.path.join(out, "hf-tokenizer")
    os.makedirs(d, exist_ok=True)
    shutil.copyfile(os.path.join(ROOT, "src/main/resources/demo/student/tokenizer.json"), os.path.join(d, "tokenizer.json"))
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": "<s>", "eos_token": "</s>", "add_bos_token": False, "chat_template": CHATML}, f)
    return d


def main():
    out = sys.argv[1]
    tokenizers = tokenizer_dir(out)
    with open(os.path.join(ROOT, "src/main/resources/demo/corpus.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f][:ROWS]
    for dtype_name in ("float32", "bfloat16"):
        torch.manual_seed(5)
        model = TinyCausalLM().to(export_hf_student.DTYPES[dtype_name]).eval()
        student = os.path.join(out, dtype_name)
        style, worst = export_hf_student.export(model, student, config=model.config_json(), tokenizer_dir=tokenizers,
                                                dtype_name=dtype_name, device="cpu", name="tiny-" + dtype_name)
        scorer = EagerScorer(model, student)
        expected = []
        for r in rows:
            s = scorer.score(r["prompt"], r["response"], reference_scores.paragraph(r["response"]), ("fraction", "0.25"), True, None)
            expected.append({"prompt": r["prompt"], "response": r["response"], "lalp": s["lalp"], "galp": s["galp"],
                             "n_steps": s["n_steps"]})
        with open(os.path.join(student, "expected.json"), "w") as f:
            json.dump(expected, f, indent=1)
        print(f"{dtype_name}: {style} mask, traced vs eager {worst['trace']:.2e}, packed vs alone {worst['alone']:.2e}")


if __name__ == "__main__":
    main()
