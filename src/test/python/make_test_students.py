"""Small TorchScript models for tests: a working tiny student and students that cannot work.

Each is a random-weight rotary GPT over the demo student's byte vocabulary (259 ids), small
enough to commit (tens of kB). Tests assemble student directories from them (the demo student's
tokenizer.json, a student.conf with the file's sha256): see src/test/java/dev/naturalness/TestStudents.java.

  /usr/bin/python3 src/test/python/make_test_students.py src/test/resources/students

- tiny.pt: works (d = 16, one layer, two heads); a second, different student.
- wrong-rank.pt: returns [B, T] instead of [B, T, V].
- transposed.pt: returns [T, B, V].
- all-nan.pt: every logit is NaN.
- poisoned.pt: NaN logits for any row that holds the byte 'Z' (90), right otherwise.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "main", "python"))
from make_demo_student import RotaryGPT  # noqa: E402


class WrongRank(torch.nn.Module):
    def __init__(self, base):
        super().__init__()
        self.base = base

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, attention_mask: torch.Tensor):
        return self.base(input_ids, position_ids, attention_mask)[:, :, 0]


class Transposed(torch.nn.Module):
    def __init__(self, base):
        super().__init__()
        self.base = base

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, attention_mask: torch.Tensor):
        return self.base(input_ids, position_ids, attention_mask).transpose(0, 1).contiguous()


class AllNan(torch.nn.Module):
    def __init__(self, base):
        super().__init__()
        self.base = base

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, attention_mask: torch.Tensor):
        return self.base(input_ids, position_ids, attention_mask) * float("nan")


class Poisoned(torch.nn.Module):
    def __init__(self, base):
        super().__init__()
        self.base = base

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, attention_mask: torch.Tensor):
        logits = self.base(input_ids, position_ids, attention_mask)
        poisoned = (input_ids == 90).any(dim=1).view(-1, 1, 1)
        return torch.where(poisoned, torch.full_like(logits, float("nan")), logits)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(11)
    base = RotaryGPT(d=16, layers=1, heads=2).eval()
    models = {"tiny": base, "wrong-rank": WrongRank(base), "transposed": Transposed(base),
              "all-nan": AllNan(base), "poisoned": Poisoned(base)}
    for name, model in models.items():
        path = os.path.join(out, name + ".pt")
        torch.jit.script(model.eval()).save(path)
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
