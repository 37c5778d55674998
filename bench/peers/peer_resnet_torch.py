#!/usr/bin/env python3
"""Peer baseline: the homework's ResNet on the 8x8 UCI digits in PyTorch (Debian python3-torch).
Same network, data, split size and recipe as NeuralLab's `resnet` benchmark: conv3x3 (1->C, stride 2,
no bias) -> BN -> ReLU -> MaxPool 2 -> ResidualBlock(C) -> adaptive avg pool -> Linear(C, 10); SGD 0.1,
random minibatches of 128, cross-entropy. Prints the training-step rate (no evaluation inside the timed loop)."""
import argparse, gzip, time
import numpy as np, torch
from torch import nn
import torch.nn.functional as F
import peer_common

p = argparse.ArgumentParser()
p.add_argument('--data', required=True, help='digits.csv(.gz): 64 pixels 0..16 then the label')
p.add_argument('--channels', type=int, default=64)
p.add_argument('--batch', type=int, default=128)
p.add_argument('--iterations', type=int, default=500)
p.add_argument('--warmup', type=int, default=20)
p.add_argument('--lr', type=float, default=0.1)
p.add_argument('--evaluate', action='store_true', help='also train --iterations and report test accuracy')
a = peer_common.parse(p)

opener = gzip.open if a.data.endswith('.gz') else open
with opener(a.data, 'rt') as f:
    rows = np.loadtxt(f, delimiter=',')
x = torch.tensor(rows[:, :64] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
y = torch.tensor(rows[:, 64], dtype=torch.int64)
perm = torch.randperm(len(y))
half = len(y) // 2
xtr, ytr, xte, yte = x[perm[:half]], y[perm[:half]], x[perm[half:]], y[perm[half:]]

def conv_bn(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout))

class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.first, self.second = conv_bn(c, c, 1), conv_bn(c, c, 1)
    def forward(self, x):
        return F.relu(self.second(F.relu(self.first(x))) + x)

class ResNet(nn.Module):
    def __init__(self, c, classes=10):
        super().__init__()
        self.stem, self.pool, self.block = conv_bn(1, c, 2), nn.MaxPool2d(2), ResidualBlock(c)
        self.head = nn.Linear(c, classes)
    def forward(self, x):
        h = self.block(self.pool(F.relu(self.stem(x))))
        return self.head(F.adaptive_avg_pool2d(h, 1).flatten(1))

model = ResNet(a.channels)
opt = torch.optim.SGD(model.parameters(), lr=a.lr)
model.train()

def step():
    idx = torch.randperm(half)[:a.batch]
    loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
    opt.zero_grad(); loss.backward(); opt.step()
    return loss

for _ in range(a.warmup): step()
t0, c0 = time.perf_counter(), time.process_time()
for _ in range(a.iterations): loss = step()
el, cpu = time.perf_counter() - t0, time.process_time() - c0
print(f'torch {torch.__version__} threads {torch.get_num_threads()} channels {a.channels} batch {a.batch}')
# CPU time too: on a shared machine the wall clock also counts the time other processes held the cores.
print(f'iterations {a.iterations} seconds {el:.3f} cpu_seconds {cpu:.3f} iterations_per_second {a.iterations / el:.2f} '
      f'iterations_per_cpu_second {a.iterations / cpu:.2f} final_loss {loss.item():.4f}')
if a.evaluate:
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print(f'test_accuracy {acc:.4f}')
