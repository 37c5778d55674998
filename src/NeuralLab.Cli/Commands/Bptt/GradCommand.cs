using NeuralLab.Recurrence;
using static NeuralLab.Cli.Commands.Bptt.BpttParsing;

namespace NeuralLab.Cli.Commands.Bptt;

/// <summary><c>neurallab bptt grad</c>: the states and every gradient of f = h_T, each computed independently.</summary>
sealed class GradCommand() : NeuralLabCommand("grad", """
    Print h_1..h_T and the gradients df/dw, df/dh_t and dh_T/dh_1 of f = h_T computed four independent ways:
    libtorch autograd, the hand-written backward pass through time, the closed forms (2.3 for df/dw in the linear
    case; 2.4 for dh_T/dh_1: w^(T-1) prod sigma'(x_t + h_(t-1)) for the outer form, prod w sigma'(w y_t) for the
    inner form) and finite differences. Also evaluates both 2.4 formulas on this run, to show which form each
    belongs to. Example: neurallab bptt grad --w 0.9 --x 1,-0.5,2 --activation tanh --form inner --json
    """)
{
    readonly Option<string> _w = new("--w") { Description = "The shared weight w (a finite number).", Required = true };
    readonly Option<string> _x = new("--x") { Description = $"The inputs x_1,...,x_T, comma-separated (at most {MaxSequenceLength}). Use --x=-1,2 for a leading minus.", Required = true };
    readonly Option<string> _activation = BpttOptions.Activation("sigma: identity, tanh, relu or sigmoid.", "identity");
    readonly Option<string> _form = BpttOptions.Form();

    protected override IEnumerable<Symbol> Symbols => [_w, _x, _activation, _form];

    protected override Outcome Execute(CommandContext c)
    {
        var rnn = new ScalarRnn(ParseNumber(c.Get(_w), "--w"),
            ActivationFunctions.ParseActivation(c.Get(_activation)),
            ActivationFunctions.ParseForm(c.Get(_form)));
        var inputs = Sequence(c.Get(_x), "--x");
        var outDir = c.OpenOutput();
        Seeding.SeedEverything(c.Seed);
        var check = GradientCheck.Compute(rnn, inputs);
        if (check.Overflow)
            c.Note($"warning: float64 overflow: {check.NonFinite.Count} value(s) are infinite or NaN, first {check.NonFinite[0]} " +
                   "(the gradient explodes beyond 1.8e308; smaller |w| or shorter --x)");
        outDir?.WriteAllText("gradients.json", Json.Serialize(check));
        return new Outcome(check, o => PrintTable(o, rnn, check));
    }

    static void PrintTable(TextWriter o, ScalarRnn rnn, GradientCheck g)
    {
        o.WriteLine($"{rnn}, T = {g.X.Length}");
        o.WriteLine($"{"t",4} {"x_t",14} {"h_t",16}   {"df/dh_t autograd",20} {"manual BPTT",20} {"finite diff.",20}");
        for (int t = 0; t < g.X.Length; t++)
            o.WriteLine($"{t + 1,4} {Short(g.X[t]),14} {Short(g.H[t]),16}   {Short(g.DfDh[t].Autograd),20} {Short(g.DfDh[t].Manual),20} {Short(g.DfDh[t].FiniteDifference),20}");
        o.WriteLine();
        o.WriteLine($"df/dw         autograd {Short(g.DfDw.Autograd)}  manual {Short(g.DfDw.Manual)}  closed form (2.3) {(g.DfDw.ClosedForm is double cf ? Short(cf) : "none for this sigma")}  finite diff. {Short(g.DfDw.FiniteDifference)}");
        var d = g.DhTDh1;
        o.WriteLine($"dh_T/dh_1     autograd {Short(d.Autograd)}  manual {Short(d.Manual)}  closed form ({g.Form}) {Short(d.ClosedForm)}  finite diff. {Short(d.FiniteDifference)}");
        o.WriteLine($"  solution's formula w^(T-1) prod sigma'(x_t + h_(t-1)) = {Short(d.OuterFormula)}   relative error {d.OuterFormulaRelativeError:E2}{(g.Form == "outer" ? "" : "  (written for the outer form)")}");
        o.WriteLine($"  inner-form formula prod w sigma'(w y_t)              = {Short(d.InnerFormula)}   relative error {d.InnerFormulaRelativeError:E2}{(g.Form == "inner" ? "" : "  (written for the inner form)")}");
        o.WriteLine();
        o.WriteLine($"max relative error: exact methods {g.MaxRelativeError:E2}, finite differences {g.FiniteDifferenceMaxRelativeError:E2} -> {(g.Agree ? "agree" : "DISAGREE")} (tolerance {GradientCheck.Tolerance:E0})");
    }
}
