"""What the peer scripts share: --threads and --seed, the image as NeuralLab's FieldImage reads it, the coordinate
MLP of NeuralLab's CoordinateMlp, and the time-to-PSNR lines the benchmarks parse."""
import math
import numpy as np, torch


def parse(p, threads=0):
    """Adds --threads (0: torch's own count) and --seed to p, parses, then seeds torch and sets its threads."""
    p.add_argument('--threads', type=int, default=threads)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    if a.threads: torch.set_num_threads(a.threads)
    return a


def grayscale(path, size):
    """The image's gray values in [-1, 1], reduced by an exact k x k box filter to size x size: (size*size, 1) float32."""
    from PIL import Image  # here, so that peers without images (resnet, audio) do not need python3-pil
    img = np.asarray(Image.open(path).convert('L'), dtype=np.float64) / 255.0
    k = img.shape[0] // size
    img = img[:size * k, :size * k].reshape(size, k, size, k).mean(axis=(1, 3))
    return torch.tensor(img * 2 - 1, dtype=torch.float32).reshape(-1, 1)


def pixel_grid(size, low=-1.0):
    """The pixels' coordinates in [low, 1]^2, row-major: (size*size, 2)."""
    lin = torch.linspace(low, 1, size)
    return torch.stack(torch.meshgrid(lin, lin, indexing='ij'), -1).reshape(-1, 2)


def coordinate_mlp(act, hidden, layers, w0=30.0, inputs=2, first_w0=None):
    """CoordinateMlp: Linear(inputs->H), `layers` Linear(H->H), each followed by the activation, then Linear(H->1); sine is
    sin(w0 (Wx + b)) with SIREN's initialisation (first layer U(-1/inputs, 1/inputs), and sin(first_w0 (Wx + b)) when
    first_w0 is given: audio's 3000, Sitzmann et al. 2020 Sec. 4.2). Returns the network as a function and its parameters."""
    dims = [inputs] + [hidden] * (layers + 1)
    lins = [torch.nn.Linear(i, o) for i, o in zip(dims[:-1], dims[1:])]
    out = torch.nn.Linear(hidden, 1)
    if act == 'sine':
        with torch.no_grad():
            lins[0].weight.uniform_(-1 / inputs, 1 / inputs)
            for l in lins[1:] + [out]:
                b = math.sqrt(6 / l.in_features) / w0
                l.weight.uniform_(-b, b)
    first_w0 = w0 if first_w0 is None else first_w0
    activations = {'sine': [lambda x: torch.sin(first_w0 * x)] + [lambda x: torch.sin(w0 * x)] * layers,
                   'relu': [torch.relu] * (layers + 1), 'tanh': [torch.tanh] * (layers + 1)}[act]
    params = [q for l in lins + [out] for q in l.parameters()]

    def f(x):
        for l, activation in zip(lins, activations): x = activation(l(x))
        return out(x)
    return f, params


class Milestones:
    """The step and seconds at which PSNR first reached each threshold."""

    def __init__(self, thresholds=(30, 35, 40, 45)):
        self.thresholds, self.reached = thresholds, {}

    def note(self, psnr, step, seconds):
        """Records what this evaluation reached and prints its 'step S psnr P t Xs' line."""
        for thr in self.thresholds:
            if psnr >= thr and thr not in self.reached: self.reached[thr] = (step, seconds)
        print(f'step {step} psnr {psnr:.2f} t {seconds:.1f}s', flush=True)

    def print(self):
        for thr, (s, t) in sorted(self.reached.items()): print(f'reached {thr} dB at step {s} after {t:.1f}s')
