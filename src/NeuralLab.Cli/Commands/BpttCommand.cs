using NeuralLab.Cli.Commands.Bptt;

namespace NeuralLab.Cli.Commands;

/// <summary><c>neurallab bptt</c>: homework section 2, the scalar RNN and backpropagation through time.</summary>
public sealed class BpttCommand : CommandGroup, ICommandFactory
{
    public int Order => 40;

    protected override string Name => "bptt";

    protected override string Description =>
        "The homework's scalar RNN (section 2): h_0 = 0, y_t = x_t + h_{t-1}, h_t = w*sigma(y_t) (outer form) or " +
        "h_t = sigma(w*y_t) (inner form), f = h_T. Gradients by autograd, by a hand-written backward pass through " +
        "time, by the closed forms and by finite differences (grad); the unrolled computation graph (graph); " +
        "exploding and vanishing gradients and their remedies (sweep).";

    protected override IEnumerable<NeuralLabCommand> Members => [new GradCommand(), new GraphCommand(), new SweepCommand()];
}
