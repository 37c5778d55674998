#!/usr/bin/env python3
"""Peer for `NeuralLab.Bench audio`: SIREN's audio recipe in PyTorch (Debian python3-torch), same protocol.
A 1-D field t -> amplitude on t in [-1, 1] (first sample -1, last 1), the clip scaled to peak 1;
sine layers 1 -> hidden -> ... -> 1, first-layer omega0 = 3000 (Sitzmann et al. 2020, Sec. 4.2), the
others 30, SIREN's initialisation; Adam with a cosine decay from lr to lr/100 over the steps;
minibatches of `--batch` samples drawn as shuffled epochs (a fresh permutation per pass, as
NeuralLab's trainer); whole-clip PSNR = 10 log10(4 / MSE) every `--eval-every` steps, inside the timing.
Reads 16-bit PCM mono WAV with the standard library. Prints 'step_s X' and 'reached 40 dB ...' lines."""
import argparse, math, time, wave
import numpy as np, torch
import peer_common

p = argparse.ArgumentParser()
p.add_argument('--wav', required=True)
p.add_argument('--steps', type=int, default=2000)
p.add_argument('--batch', type=int, default=8192, help='0 = the whole clip per step')
p.add_argument('--hidden', type=int, default=256)
p.add_argument('--layers', type=int, default=3, help='hidden-to-hidden layers')
p.add_argument('--lr', type=float, default=1e-4)
p.add_argument('--first-omega0', type=float, default=3000.0)
p.add_argument('--omega0', type=float, default=30.0)
p.add_argument('--eval-every', type=int, default=50)
a = peer_common.parse(p, threads=2)
with wave.open(a.wav, 'rb') as w:
    assert w.getsampwidth() == 2 and w.getnchannels() == 1, 'the peer reads 16-bit mono'
    data = np.frombuffer(w.readframes(w.getnframes()), dtype='<i2').astype(np.float64) / 32768.0
data = data / np.abs(data).max()
n = data.shape[0]
target = torch.tensor(data, dtype=torch.float32).reshape(-1, 1)
coords = torch.linspace(-1, 1, n).reshape(-1, 1)

f, params = peer_common.coordinate_mlp('sine', a.hidden, a.layers, a.omega0, inputs=1, first_w0=a.first_omega0)
opt = torch.optim.Adam(params, lr=a.lr)
batch = a.batch if 0 < a.batch < n else n
per_epoch = (n + batch - 1) // batch
t0 = time.perf_counter(); milestones = peer_common.Milestones((30, 40, 50)); order = None; psnr = float('nan')
for step in range(a.steps):
    lr = a.lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * step / a.steps)))
    for g in opt.param_groups: g['lr'] = lr
    k = step % per_epoch
    if batch < n:
        if k == 0: order = torch.randperm(n)
        idx = order[k * batch:min(n, (k + 1) * batch)]
        x, y = coords[idx], target[idx]
    else:
        x, y = coords, target
    loss = ((f(x) - y) ** 2).mean()
    opt.zero_grad(); loss.backward(); opt.step()
    done = step + 1
    if done % a.eval_every == 0 or done == a.steps:
        with torch.no_grad():
            mse = sum(((f(coords[s:s + 8192]) - target[s:s + 8192]) ** 2).sum().item() for s in range(0, n, 8192)) / n
        psnr = 10 * math.log10(4 / mse)
        milestones.note(psnr, done, time.perf_counter() - t0)
el = time.perf_counter() - t0
print(f'final psnr {psnr:.2f} steps {a.steps} time {el:.1f}s step_s {el / a.steps:.4f}')
milestones.print()
