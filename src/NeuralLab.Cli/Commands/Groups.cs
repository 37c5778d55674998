using NeuralLab.Cli.Commands.Tiles;
using NeuralLab.Cli.Commands.Attention;
using NeuralLab.Cli.Commands.Bptt;
using NeuralLab.Cli.Commands.Relu;
using NeuralLab.Cli.Commands.Resnet;

namespace NeuralLab.Cli.Commands;

// The commands that group a homework section's commands (neurallab relu approx|constructions, …).

/// <summary><c>neurallab relu</c>: homework section 1, what one hidden layer of ReLUs can and cannot compute.</summary>
public sealed class ReluCommand() : CommandGroup(20, "relu", """
    Section 1, expressivity: the exact ReLU networks of answers 1.1-1.4, what ReLU networks cannot do (1.5, 1.6),
    and a constructive universal approximator that certifies any formula to a given error (1.7).
    """, () => [new ApproxCommand(), new ConstructionsCommand()]);

/// <summary><c>neurallab bptt</c>: homework section 2, the scalar RNN and backpropagation through time.</summary>
public sealed class BpttCommand() : CommandGroup(40, "bptt", """
    The homework's scalar RNN (section 2): h_0 = 0, y_t = x_t + h_{t-1}, h_t = w*sigma(y_t) (outer form) or
    h_t = sigma(w*y_t) (inner form), f = h_T. Gradients by autograd, by a hand-written backward pass through
    time, by the closed forms and by finite differences (grad); the unrolled computation graph (graph);
    exploding and vanishing gradients and their remedies (sweep).
    """, () => [new GradCommand(), new GraphCommand(), new SweepCommand()]);

/// <summary><c>neurallab attention check|bench</c>: homework section 3.</summary>
public sealed class AttentionCommand() : CommandGroup(5, "attention", """
    Softmax attention (homework section 3): check the written solution's claims 3.1-3.5 with numbers,
    or benchmark full softmax attention, O(n^2 d), against low-rank (Nystrom) attention, O(nkd).
    """, () => [new AttentionCheckCommand(), new AttentionBenchCommand()]);

/// <summary><c>neurallab resnet</c>: the homework's small ResNet on the 8×8 digits, and the conv-bias-before-BatchNorm question.</summary>
public sealed class ResnetCommand() : CommandGroup(60, "resnet", """
    The homework's ResNet (conv 3×3 → BatchNorm → ReLU → max-pool → one residual block → average pool → linear)
    on the 8×8 handwritten digits (UCI, 1797 images, embedded; CC BY 4.0, Alpaydin & Kaynak), and why a conv bias
    before BatchNorm is redundant.
    """, () => [new ResnetTrainCommand(), new ResnetBiasCheckCommand()]);

/// <summary><c>neurallab tiles</c>: images larger than one machine, as overlapping tiles fitted by the shards of a job array (issue 14).</summary>
public sealed class TilesCommand() : CommandGroup(13, "tiles", """
    Fit an image too large for one machine as overlapping tiles, one field per tile, sharded over a job scheduler
    (Slurm job arrays, Kubernetes Indexed Jobs); then merge the tiles into one seamless field (fit, merge).
    See docs/scale.md.
    """, () => [new TilesFitCommand(), new TilesMergeCommand()]);
