"""Tests of export_hf_student.py with Debian's torch and a small Hugging Face-style model.

    python3 -m unittest discover -s src/test/python -v      (ExportedStudentTest runs this in mvn test)
"""
import hashlib
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path[:0] = [HERE, os.path.join(ROOT, "src", "main", "python")]

import torch  # noqa: E402

import export_hf_student as ex  # noqa: E402
from export_fixture import CHATML  # noqa: E402
from tiny_hf_model import TinyCausalLM  # noqa: E402

DEMO_TOKENIZER = os.path.join(ROOT, "src/main/resources/demo/student/tokenizer.json")
QWEN3 = os.path.join(ROOT, "target/qwen3")


def tiny(mask_style="additive", dtype=torch.float32, seed=3):
    torch.manual_seed(seed)
    return TinyCausalLM(mask_style=mask_style).to(dtype).eval()


class ExportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.tokenizer_dir = os.path.join(self.tmp, "hf")
        os.makedirs(self.tokenizer_dir)
        shutil.copyfile(DEMO_TOKENIZER, os.path.join(self.tokenizer_dir, "tokenizer.json"))
        self.write_tokenizer_config({"bos_token": "<s>", "chat_template": CHATML})

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write_tokenizer_config(self, config):
        with open(os.path.join(self.tokenizer_dir, "tokenizer_config.json"), "w") as f:
            json.dump(config, f)

    def export(self, model, dtype_name="float32", **kw):
        out = os.path.join(self.tmp, "student")
        style, worst = ex.export(model, out, config=model.config_json(), tokenizer_dir=self.tokenizer_dir,
                                 dtype_name=dtype_name, device="cpu", name="tiny", **kw)
        return out, style, worst

    def conf(self, out):
        conf = {}
        with open(os.path.join(out, "student.conf"), encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    k, _, v = line.partition("=")
                    conf[k.strip()] = json.loads(v.strip()) if v.strip().startswith('"') else v.strip()
        return conf

    def test_float32_export_writes_the_student_contract(self):
        model = tiny()
        out, style, worst = self.export(model)
        self.assertEqual(style, "additive")
        self.assertLessEqual(worst["trace"], ex.TRACE_TOLERANCE["float32"])
        self.assertLessEqual(worst["alone"], ex.ALONE_TOLERANCE["float32"])
        conf = self.conf(out)
        self.assertEqual(conf["format"], "torchscript")
        self.assertEqual(conf["vocab-size"], "272")
        self.assertEqual(conf["max-tokens"], "512")
        self.assertEqual(conf["dtype"], "float32")
        self.assertEqual(conf["bos-id"], "256")
        self.assertEqual(conf["prompt-template"], "<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n")
        with open(os.path.join(out, "model.pt"), "rb") as f:
            self.assertEqual(conf["model-sha256"], hashlib.sha256(f.read()).hexdigest())
        with open(os.path.join(out, "tokenizer.json"), "rb") as a, open(DEMO_TOKENIZER, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_saved_module_scores_packed_rows_as_each_sequence_alone(self):
        model = tiny()
        out, _, _ = self.export(model)
        loaded = torch.jit.load(os.path.join(out, "model.pt"))
        ids, positions, mask, sequences = ex.packed_rows(272, 5, 57, 99, "cpu")
        with torch.no_grad():
            packed = ex.log_probs(loaded(ids, positions, mask), ids)
            for r, off, size in sequences:
                alone = ids[r:r + 1, off:off + size]
                want = ex.log_probs(model(input_ids=alone, return_dict=False)[0], alone)[0]
                self.assertLess(float((packed[r, off:off + size - 1] - want).abs().max()), 1e-4)

    def test_model_that_reads_4d_masks_as_binary_is_exported_with_binary_masks(self):
        _, style, _ = self.export(tiny("binary"))
        self.assertEqual(style, "binary")

    def test_model_whose_attention_ignores_the_mask_is_refused(self):
        with self.assertRaises(ex.ExportError) as caught:
            self.export(tiny("ignore"))
        self.assertIn("refusing to export", str(caught.exception))
        self.assertIn("4-D attention mask", str(caught.exception))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "student", "model.pt")))

    def test_bfloat16_export_within_its_stated_tolerance(self):
        out, style, worst = self.export(tiny(dtype=torch.bfloat16), dtype_name="bfloat16")
        self.assertEqual(self.conf(out)["dtype"], "bfloat16")
        self.assertLessEqual(worst["trace"], ex.TRACE_TOLERANCE["bfloat16"])
        self.assertLessEqual(worst["alone"], ex.ALONE_TOLERANCE["bfloat16"])
        loaded = torch.jit.load(os.path.join(out, "model.pt"))
        ids, positions, mask, _ = ex.packed_rows(272, 2, 30, 5, "cpu")
        self.assertEqual(loaded(ids, positions, mask).dtype, torch.bfloat16)

    def test_traced_module_that_bakes_in_a_shape_is_refused(self):
        class FixedLength(torch.nn.Module):
            """Drops the caller's position ids for ones made from the traced length: a classic trace trap."""

            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, input_ids, attention_mask=None, position_ids=None, use_cache=None, return_dict=None):
                length = 48 if torch.jit.is_tracing() else input_ids.shape[1]
                positions = torch.arange(length)[:input_ids.shape[1]].expand(input_ids.shape)
                if position_ids is not None and not torch.jit.is_tracing():
                    positions = position_ids
                return self.inner(input_ids, attention_mask=attention_mask, position_ids=positions, return_dict=return_dict)

        inner = tiny()
        wrapped = FixedLength(inner)
        wrapped.config_json = inner.config_json
        with self.assertRaises(ex.ExportError) as caught:
            self.export(wrapped)
        self.assertIn("traced", str(caught.exception))

    def test_max_tokens_option_caps_the_config(self):
        out, _, _ = self.export(tiny(), max_tokens=128)
        self.assertEqual(self.conf(out)["max-tokens"], "128")

    def test_explicit_prompt_template_wins(self):
        out, _, _ = self.export(tiny(), template="Q: {prompt}\nA:")
        self.assertEqual(self.conf(out)["prompt-template"], "Q: {prompt}\nA:")
        with self.assertRaises(ex.ExportError):
            self.export(tiny(), template="no placeholder")


class GpuCheckScriptTest(unittest.TestCase):
    def test_runs_end_to_end_with_the_stand_in_model(self):
        import subprocess
        with tempfile.TemporaryDirectory() as out:
            ran = subprocess.run([sys.executable, os.path.join(ROOT, "src/main/python/gpu_student_check.py"), out,
                                  "--stand-in", "--layers", "2", "--hidden", "64", "--heads", "4", "--intermediate", "128",
                                  "--vocab", "300", "--shapes", "3x96,2x64", "--batches", "3",
                                  "--chunk-positions", "100", "--peak-tflops", "1"],
                                 capture_output=True, text=True, timeout=300)
            self.assertEqual(ran.returncode, 0, ran.stdout + ran.stderr)
            with open(os.path.join(out, "gpu-check.json")) as f:
                result = json.load(f)
            self.assertEqual(result["device"], "cpu")
            self.assertEqual(result["export"]["mask"], "additive")
            self.assertGreater(result["tokens_per_second"], 0)
            self.assertGreater(result["fraction_of_peak"], 0)
            self.assertEqual([(t["rows"], t["row_tokens"]) for t in result["shapes"]], [(3, 96), (2, 64)])
            for timed in result["shapes"]:
                self.assertGreater(timed["forward_only_tokens_per_second"], 0)
                self.assertLessEqual(timed["seconds_per_batch"]["min"], timed["seconds_per_batch"]["median"])
            self.assertTrue(os.path.exists(os.path.join(out, "student", "student.conf")))


class PromptTemplateTest(unittest.TestCase):
    def test_without_chat_template(self):
        self.assertEqual(ex.prompt_template({}, False), "{prompt}\n")

    def test_bos_in_the_template_is_dropped_when_the_tokenizer_adds_it(self):
        llama3 = ("{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
                  "{{ m['content'] }}<|eot_id|>{% endfor %}{% if add_generation_prompt %}"
                  "<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}")
        config = {"bos_token": "<|begin_of_text|>", "chat_template": llama3}
        want = "<|start_header_id|>user<|end_header_id|>\n\n{prompt}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        self.assertEqual(ex.prompt_template(config, True), want)
        self.assertEqual(ex.prompt_template(config, False), "<|begin_of_text|>" + want)

    def test_template_that_refuses_a_lone_user_turn(self):
        config = {"chat_template": "{% if messages[0]['role'] != 'system' %}{{ raise_exception('needs a system turn') }}{% endif %}"}
        with self.assertRaises(ex.ExportError) as caught:
            ex.prompt_template(config, False)
        self.assertIn("needs a system turn", str(caught.exception))

    def test_bos_id_from_the_post_processor_or_add_bos_token(self):
        with open(DEMO_TOKENIZER) as f:
            demo = json.load(f)
        self.assertEqual(ex.bos_id(demo, {}), 256)
        no_post = dict(demo, post_processor=None)
        self.assertIsNone(ex.bos_id(no_post, {"bos_token": "<s>"}))
        self.assertEqual(ex.bos_id(no_post, {"bos_token": "<s>", "add_bos_token": True}), 256)

    @unittest.skipUnless(os.path.exists(os.path.join(QWEN3, "tokenizer_config.json")) or os.environ.get("NATURALNESS_REQUIRE_QWEN3"),
                         "target/qwen3 not fetched (src/test/scripts/fetch-qwen3-tokenizer.sh)")
    def test_qwen3_chat_template(self):
        with open(os.path.join(QWEN3, "tokenizer_config.json")) as f:
            config = json.load(f)
        with open(os.path.join(QWEN3, "tokenizer.json")) as f:
            tokenizer = json.load(f)
        bos = ex.bos_id(tokenizer, config)
        self.assertIsNone(bos)
        self.assertEqual(ex.prompt_template(config, bos is not None), "<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n")


class ChatTemplatePiecesTest(unittest.TestCase):
    QWEN25 = ("{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
              "{%- else %}{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}{%- endif %}"
              "{%- for message in messages %}{%- if message.role == 'user' or (message.role == 'system' and not loop.first) or message.role == 'assistant' %}"
              "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}{%- endif %}{%- endfor %}"
              "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}")

    def check(self, config, adds_bos=False):
        pieces, why = ex.chat_template_pieces(config, adds_bos)
        self.assertIsNotNone(pieces, why)
        render = ex.chat_renderer(config, adds_bos)
        for turns in ([("user", "Q?")], [("system", "Be brief."), ("user", "Q?")],
                      [("system", "S"), ("user", "a"), ("assistant", "b"), ("user", "c")]):
            want = render([{"role": r, "content": c} for r, c in turns], True)
            self.assertEqual(ex.assemble(pieces, turns), want)
        template = ex.prompt_template(config, adds_bos)
        self.assertEqual(ex.assemble(pieces, [("user", "X")]), template.replace("{prompt}", "X"))
        return pieces

    def test_chatml_is_cut_at_each_turns_tag(self):
        pieces = self.check({"chat_template": CHATML})
        self.assertEqual(pieces["user"], "<|im_start|>user\n{content}<|im_end|>\n")
        self.assertEqual(pieces["generation"], "<|im_start|>assistant\n")

    def test_a_default_system_turn_is_its_own_piece(self):
        pieces = self.check({"chat_template": self.QWEN25})
        self.assertEqual(pieces["default-system"],
                         "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n")
        self.assertEqual(pieces["system"], "<|im_start|>system\n{content}<|im_end|>\n")
        self.assertEqual(pieces["assistant"], "<|im_start|>assistant\n{content}<|im_end|>\n")

    def test_a_template_that_refuses_conversations_gives_no_pieces(self):
        config = {"chat_template": "{% if messages|length > 1 %}{{ raise_exception('one turn only') }}{% endif %}"
                                   "{% for m in messages %}{{ m['content'] }}{% endfor %}"}
        pieces, why = ex.chat_template_pieces(config, False)
        self.assertIsNone(pieces)
        self.assertIn("one turn only", why)

    def test_without_a_template_there_are_no_pieces(self):
        self.assertEqual(ex.chat_template_pieces({}, False), (None, "the tokenizer has no chat template"))

    @unittest.skipUnless(os.path.exists(os.path.join(QWEN3, "tokenizer_config.json")) or os.environ.get("NATURALNESS_REQUIRE_QWEN3"),
                         "target/qwen3 not fetched (src/test/scripts/fetch-qwen3-tokenizer.sh)")
    def test_qwen3_chat_template_pieces(self):
        with open(os.path.join(QWEN3, "tokenizer_config.json")) as f:
            config = json.load(f)
        pieces = self.check(config)
        self.assertEqual(pieces["system"], "<|im_start|>system\n{content}<|im_end|>\n")


if __name__ == "__main__":
    unittest.main()
