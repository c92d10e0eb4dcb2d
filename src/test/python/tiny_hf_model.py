"""A small causal LM with a Hugging Face-style forward, for testing the export without transformers.

Llama/Qwen2-shaped: RMSNorm, rotary attention driven by position_ids, SwiGLU MLP, untied head.
forward(input_ids, attention_mask=None, position_ids=None, use_cache=None, return_dict=None) takes
no mask (causal), a 2-D padding mask, or a 4-D mask read as `mask_style` says:
  additive  added to the attention scores (transformers >= 4.40)
  binary    1 = may attend, 0 = may not (older transformers)
  ignore    dropped: the model always applies its own causal mask (as flash attention does)
"""
import math
from types import SimpleNamespace

import torch
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        h = x.float()
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * h.to(x.dtype)


def rotate(x, cos, sin):
    a, b = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return x * cos + torch.cat((-b, a), dim=-1) * sin


class Layer(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d, bias=i < 3) for i in range(4))
        self.gate, self.up, self.down = nn.Linear(d, ff, bias=False), nn.Linear(d, ff, bias=False), nn.Linear(ff, d, bias=False)
        self.norm1, self.norm2 = RMSNorm(d), RMSNorm(d)

    def forward(self, x, cos, sin, bias):
        b, t, d = x.shape
        h = self.norm1(x)
        shape = (b, t, self.heads, d // self.heads)
        q = rotate(self.q(h).view(shape).transpose(1, 2), cos, sin)
        k = rotate(self.k(h).view(shape).transpose(1, 2), cos, sin)
        v = self.v(h).view(shape).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads) + bias
        att = torch.softmax(scores.float(), dim=-1).to(v.dtype)
        x = x + self.o((att @ v).transpose(1, 2).reshape(b, t, d))
        h = self.norm2(x)
        return x + self.down(torch.nn.functional.silu(self.gate(h)) * self.up(h))


class TinyCausalLM(nn.Module):
    def __init__(self, vocab_size=272, d=64, layers=2, heads=4, ff=128, max_position_embeddings=512, mask_style="additive"):
        super().__init__()
        self.config = SimpleNamespace(vocab_size=vocab_size, hidden_size=d, num_hidden_layers=layers,
                                      num_attention_heads=heads, max_position_embeddings=max_position_embeddings)
        self.mask_style = mask_style
        self.embed = nn.Embedding(vocab_size, d)
        self.layers = nn.ModuleList(Layer(d, heads, ff) for _ in range(layers))
        self.norm = RMSNorm(d)
        self.lm_head = nn.Linear(d, vocab_size, bias=False)
        self.head_dim = d // heads

    def config_json(self):
        return dict(vars(self.config), model_type="tiny", torch_dtype=str(self.embed.weight.dtype).replace("torch.", ""))

    def forward(self, input_ids, attention_mask=None, position_ids=None, use_cache=None, return_dict=None):
        b, t = input_ids.shape
        dtype = self.embed.weight.dtype
        if position_ids is None:
            position_ids = torch.arange(t, device=input_ids.device).expand(b, t)
        inv = 1.0 / (10000 ** (torch.arange(0, self.head_dim, 2, device=input_ids.device).float() / self.head_dim))
        angles = position_ids[..., None].float() * inv
        angles = torch.cat((angles, angles), dim=-1)[:, None]
        cos, sin = angles.cos().to(dtype), angles.sin().to(dtype)
        minimum = torch.finfo(dtype).min
        causal = torch.ones(t, t, dtype=torch.bool, device=input_ids.device).tril()
        own = torch.zeros(t, t, dtype=dtype, device=input_ids.device).masked_fill(~causal, minimum)[None, None]
        if attention_mask is None or (attention_mask.dim() == 4 and self.mask_style == "ignore"):
            bias = own
        elif attention_mask.dim() == 2:
            bias = own + torch.zeros(b, 1, 1, t, dtype=dtype, device=input_ids.device).masked_fill(attention_mask[:, None, None, :] == 0, minimum)
        elif self.mask_style == "additive":
            bias = attention_mask.to(dtype)
        else:
            bias = (1.0 - attention_mask.to(dtype)).masked_fill(attention_mask.to(dtype) == 0, minimum)
        x = self.embed(input_ids)
        for layer in self.layers:
            x = layer(x, cos, sin, bias)
        logits = self.lm_head(self.norm(x))
        if return_dict is False:
            return (logits,)
        return SimpleNamespace(logits=logits)
