#!/usr/bin/env python3
"""Peer baseline for NeuralLab's `fields steps` benchmark: a coordinate MLP fitted to a grayscale image in
PyTorch (Debian python3-torch), with exactly NeuralLab's training loop (FieldTrainer): a fresh random
permutation of the pixels every epoch, minibatches taken in that order (index_select), MSE, Adam without
weight decay, the loss read back every step, and one whole-image evaluation (8192-pixel chunks, no graph)
every --eval-every steps and after the last. Architecture as CoordinateMlp: Linear(2->H), --layers
Linear(H->H), each followed by the activation, then Linear(H->1); sine is sin(w0 (Wx + b)) with SIREN's
initialisation. Timed over all steps and evaluations, after --warmup untimed steps.
Image: PNG, reduced by an exact k x k box filter to --size, values in [-1, 1] (as NeuralLab's FieldImage)."""
import argparse, math, time
import torch
import peer_common

p = argparse.ArgumentParser()
p.add_argument('--image', required=True)
p.add_argument('--size', type=int, default=256)
p.add_argument('--act', default='relu', choices=['sine', 'relu', 'tanh'])
p.add_argument('--hidden', type=int, default=256)
p.add_argument('--layers', type=int, default=3, help='hidden-to-hidden layers')
p.add_argument('--batch', type=int, default=64)
p.add_argument('--steps', type=int, default=2000)
p.add_argument('--lr', type=float, default=1e-3)
p.add_argument('--eval-every', type=int, default=0, help='0: only after the last step')
p.add_argument('--warmup', type=int, default=20)
p.add_argument('--flush-denormal', action='store_true',
               help="torch.set_flush_denormal(True): NeuralLab's Adam flushes denormals; stock PyTorch does not")
a = peer_common.parse(p)
if a.flush_denormal: torch.set_flush_denormal(True)

target = peer_common.grayscale(a.image, a.size)
coords = peer_common.pixel_grid(a.size)
n = coords.shape[0]
f, params = peer_common.coordinate_mlp(a.act, a.hidden, a.layers)
opt = torch.optim.Adam(params, lr=a.lr)
batch = min(a.batch, n)
per_epoch = (n + batch - 1) // batch
order = None

def step(i):
    global order
    j = i % per_epoch
    if j == 0: order = torch.randperm(n)
    idx = order[j * batch:min(n, (j + 1) * batch)]
    x, y = coords.index_select(0, idx), target.index_select(0, idx)
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(f(x), y)
    loss.backward()
    opt.step()
    return loss.item()

def evaluate():
    with torch.no_grad():
        total = 0.0
        for s in range(0, n, 8192):
            total += ((f(coords[s:s + 8192]) - target[s:s + 8192]) ** 2).sum().item()
    return total / n

for i in range(a.warmup): step(i)
t0 = time.perf_counter(); cpu0 = time.process_time()
for i in range(a.steps):
    step(a.warmup + i)
    if (a.eval_every and (i + 1) % a.eval_every == 0) or i + 1 == a.steps: mse = evaluate()
el = time.perf_counter() - t0; cpu = time.process_time() - cpu0
print(f'final psnr {10 * math.log10(4 / mse):.2f} steps {a.steps} time {el:.2f}s step_s {el / a.steps:.6f} cpu_step_s {cpu / a.steps:.6f} threads {torch.get_num_threads()}')
