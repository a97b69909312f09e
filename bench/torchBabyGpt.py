"""The trainer benchmark's model and loop in PyTorch, for `npm run bench:training`'s side-by-side table.

nanoGPT's CPU "baby GPT" as trainer/model/transformer.ts builds it: 4 layers, 4 heads, width 128, context 64,
vocabulary 65, tied embedding, no biases, no dropout, pre-LayerNorm, tanh GELU; AdamW with betas (0.9, 0.99),
weight decay 0.1 on matrices, gradient clipping at 1.0; batch 12 x 64 random tokens. Prints one JSON line:
{"threads": n, "blasThreads": n, "msPerStep": median, "steps": n, "torch": version}.

usage: OPENBLAS_NUM_THREADS=1 python3 bench/torchBabyGpt.py --threads 1 --steps 20
--threads is torch's intra-op (OpenMP) thread count; OPENBLAS_NUM_THREADS is OpenBLAS's own. With Debian's pthread
OpenBLAS, 2 and 2 oversubscribe the 2 cores (measured 3x slower than either 2 + 1 split), so the benchmark runs both
splits of 2 threads and keeps the faster.
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c, heads, t):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(c, elementwise_affine=True)
        self.ln2 = nn.LayerNorm(c, elementwise_affine=True)
        for ln in (self.ln1, self.ln2):
            ln.bias = None  # gain only, as our model
        self.qkv = nn.Linear(c, 3 * c, bias=False)
        self.proj = nn.Linear(c, c, bias=False)
        self.fc = nn.Linear(c, 4 * c, bias=False)
        self.fc2 = nn.Linear(4 * c, c, bias=False)
        self.register_buffer("mask", torch.tril(torch.ones(t, t)).view(1, 1, t, t))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = F.softmax(att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf")), dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, vocab=65, t=64, layers=4, heads=4, c=128):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(t, c)
        self.blocks = nn.ModuleList(Block(c, heads, t) for _ in range(layers))
        self.lnf = nn.LayerNorm(c)
        self.lnf.bias = None
        for p in self.parameters():
            if p.dim() >= 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        logits = self.lnf(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1337)
    model = Gpt()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}], lr=1e-3, betas=(0.9, 0.99)
    )
    times = []
    for i in range(a.steps + 3):
        x = torch.randint(0, 65, (12, 64))
        y = torch.randint(0, 65, (12, 64))
        t0 = time.perf_counter()
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss.item()
        if i >= 3:  # three warm-up steps
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"threads": a.threads, "blasThreads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
                      "msPerStep": statistics.median(times), "steps": a.steps, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
