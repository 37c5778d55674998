using NeuralLab.Common;
using static TorchSharp.torch;

namespace NeuralLab.Recurrence;

/// <summary>How the gradient of a training step is tamed, if at all.</summary>
public enum Remedy
{
    /// <summary>Full backpropagation through time, gradient used as it is.</summary>
    None,
    /// <summary>Gradient-norm clipping: g ← g·c/‖g‖ when ‖g‖ &gt; c (Pascanu, Mikolov &amp; Bengio 2013, Algorithm 1).</summary>
    Clipping,
    /// <summary>Truncated BPTT: the carried state is detached every k steps, so no gradient path is longer than k (Williams &amp; Peng 1990).</summary>
    Truncation,
}

/// <summary>
/// The small training task of 2.5: learn w of <paramref name="Activation"/>/<paramref name="Form"/>
/// from the states h*_t that a network with <paramref name="TrueW"/> produces on N(0,1) inputs,
/// minimising (1/T) Σ_t (h_t − h*_t)² with plain SGD from <paramref name="InitialW"/>.
/// </summary>
/// <remarks>
/// The defaults start at w = 0.99 on T = 200 steps in the linear case: there ∂h_t/∂w = Σ_j j·w^{j−1}x_{t−j}
/// sums ~1/(1−w)² terms, so the first full-BPTT gradient (hundreds) throws w past −1, where the forward
/// pass itself overflows, at a learning rate (0.005) that the optimum w = 0.5 tolerates easily.
/// Clipping at c = 1 caps every step at lr·c; truncation at k = 5 caps the gradient's sum at five
/// terms. The survey over 20 input sequences measures how reliably each does so (docs/recurrence.md).
/// </remarks>
public sealed record RemedyTask(
    int Length = 200,
    double TrueW = 0.5,
    double InitialW = 0.99,
    double LearningRate = 0.005,
    int Steps = 200,
    double ClipNorm = 1,
    int TruncationLength = 5,
    Activation Activation = Activation.Identity,
    RnnForm Form = RnnForm.Outer,
    int Seed = 0)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field outside its range.</summary>
    public void Validate()
    {
        if (Length < 2 || Length > 10_000) throw new ArgumentOutOfRangeException(nameof(Length), Length, "must be between 2 and 10000");
        if (!double.IsFinite(TrueW)) throw new ArgumentOutOfRangeException(nameof(TrueW), TrueW, "must be finite");
        if (!double.IsFinite(InitialW)) throw new ArgumentOutOfRangeException(nameof(InitialW), InitialW, "must be finite");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be positive and finite");
        if (Steps < 1 || Steps > 100_000) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "must be between 1 and 100000");
        if (!(ClipNorm > 0) || !double.IsFinite(ClipNorm)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "must be positive and finite");
        if (TruncationLength < 1 || TruncationLength > Length) throw new ArgumentOutOfRangeException(nameof(TruncationLength), TruncationLength, $"must be between 1 and the sequence length {Length}");
    }
}

/// <param name="Remedy">none, clipping or truncation.</param>
/// <param name="Loss">The full-sequence loss before each step (truncation changes the gradient, never the loss).</param>
/// <param name="W">w after each step.</param>
/// <param name="GradientNorm">|dL/dw| before clipping, as the backward pass produced it.</param>
/// <param name="DivergedAtStep">The step at which the loss or gradient overflowed, if it did; training stopped there.</param>
/// <param name="FinalW">w after the last step taken.</param>
/// <param name="FinalLoss">The last loss recorded.</param>
public sealed record TrainingCurve(string Remedy, double[] Loss, double[] W, double[] GradientNorm, int? DivergedAtStep, double FinalW, double FinalLoss);

/// <param name="Task">What was trained.</param>
/// <param name="Engine">How the main runs got their gradients.</param>
/// <param name="Curves">The main runs on the inputs of <see cref="RemedyTask.Seed"/>, one per remedy.</param>
/// <param name="Survey">Each remedy over <see cref="SurveyCurves"/>' input sequences.</param>
/// <param name="SurveyCurves">Runs on seeds Seed, Seed+1, ... by the hand-written engine, per remedy.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record RemedyResult(RemedyTask Task, string Engine, IReadOnlyList<TrainingCurve> Curves, IReadOnlyList<RemedySurvey> Survey,
    IReadOnlyDictionary<string, IReadOnlyList<TrainingCurve>> SurveyCurves, double Seconds);

/// <summary>How often each remedy reaches the optimum over several input sequences (seeds).</summary>
/// <param name="Remedy">none, clipping or truncation.</param>
/// <param name="Runs">Number of seeds tried.</param>
/// <param name="Converged">Runs whose final loss fell below 1e-3 of the initial loss.</param>
/// <param name="Overflowed">Runs whose loss or gradient overflowed.</param>
public sealed record RemedySurvey(string Remedy, int Runs, int Converged, int Overflowed);

/// <summary>What computes the gradients of the remedies' training runs.</summary>
public enum TrainingEngine
{
    /// <summary>libtorch's autograd through the unrolled graph, <see cref="Sgd"/> on a tensor w.</summary>
    Autograd,
    /// <summary>The hand-written <see cref="BackpropThroughTime"/> and the same SGD step in doubles: a hundred times faster for surveys.</summary>
    Manual,
}

/// <summary>Homework 2.6: training w on a long sequence with plain SGD, gradient clipping and truncated BPTT, and a
/// survey over random sequences of which remedy converges or overflows.</summary>
public static class GradientRemedies
{
    /// <summary>Throws unless <paramref name="surveySeeds"/> is a survey size <see cref="Run"/> accepts (check before spending).</summary>
    public static void CheckSurveySeeds(int surveySeeds)
    {
        if (surveySeeds < 0 || surveySeeds > 1000) throw new ArgumentOutOfRangeException(nameof(surveySeeds), surveySeeds, "must be between 0 and 1000");
    }

    /// <summary>
    /// The three training runs of <paramref name="task"/> on the inputs of its seed by <paramref name="engine"/>,
    /// and a survey of each remedy over <paramref name="surveySeeds"/> input sequences (seeds Seed, Seed+1, ...)
    /// by the hand-written engine, so that one lucky or unlucky sequence does not make the story.
    /// </summary>
    public static RemedyResult Run(RemedyTask task, int surveySeeds = 20, TrainingEngine engine = TrainingEngine.Autograd, IProgress<ProgressReport>? progress = null)
    {
        task.Validate();
        CheckSurveySeeds(surveySeeds);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (x, target) = Data(task, task.Seed);
        var curves = Enum.GetValues<Remedy>().Select(r => engine == TrainingEngine.Autograd
            ? Train(task, x, target, r, progress)
            : TrainManually(task, x, target, r)).ToList();
        var data = Enumerable.Range(task.Seed, surveySeeds).Select(s => Data(task, s)).ToList();
        var surveyCurves = new Dictionary<string, IReadOnlyList<TrainingCurve>>();
        var survey = new List<RemedySurvey>();
        foreach (var remedy in Enum.GetValues<Remedy>())
        {
            var runs = data.Select(d => TrainManually(task, d.X, d.Target, remedy)).ToList();
            surveyCurves[Name(remedy)] = runs;
            survey.Add(new RemedySurvey(Name(remedy), runs.Count,
                runs.Count(r => r.DivergedAtStep == null && r.FinalLoss < 1e-3 * r.Loss[0]),
                runs.Count(r => r.DivergedAtStep != null)));
            progress?.Report(new ProgressReport("survey", survey.Count, 3, [("converged", survey[^1].Converged)]));
        }
        return new RemedyResult(task, engine.ToString().ToLowerInvariant(), curves, survey, surveyCurves, clock.Elapsed.TotalSeconds);
    }

    /// <summary>N(0,1) inputs from <paramref name="seed"/> and the states the true w produces on them.</summary>
    public static (double[] X, double[] Target) Data(RemedyTask task, int seed)
    {
        var x = GradientSweep.GaussianInputs(new Random(seed), task.Length);
        return (x, new ScalarRnn(task.TrueW, task.Activation, task.Form).States(x));
    }

    static string Name(Remedy remedy) => remedy.ToString().ToLowerInvariant();

    /// <summary>SGD on w with libtorch's autograd through the unrolled sequence.</summary>
    public static TrainingCurve Train(RemedyTask task, IReadOnlyList<double> x, IReadOnlyList<double> target, Remedy remedy, IProgress<ProgressReport>? progress = null)
    {
        var network = new ScalarRnn(task.InitialW, task.Activation, task.Form);
        using var w = tensor(task.InitialW, dtype: float64, requires_grad: true);   // ()
        var inputs = x.Select(v => tensor(v, dtype: float64)).ToArray();           // T × ()
        using var targets = tensor(target.ToArray(), dtype: float64);               // (T)
        using var sgd = new Sgd([w], task.LearningRate);
        // Truncated BPTT: h_{t−1} enters step t as a constant at every chunk start t = 1, k+1, 2k+1, ...
        Func<Tensor, int, Tensor>? carry = remedy == Remedy.Truncation
            ? (h, t) => (t - 1) % task.TruncationLength == 0 ? h.detach() : h
            : null;
        var log = new TrainingLog();
        try
        {
            using var trainer = new Trainer(PlanFor(task, remedy, collect: true));
            var outcome = trainer.Run(
                step: step =>
                {
                    using var scope = NewDisposeScope();
                    var states = stack(network.Unroll(TensorAlgebra.Instance, w, inputs, carry));   // (T)
                    var loss = (states - targets).pow(2).mean();                                   // ()
                    sgd.ZeroGrad();
                    loss.backward();
                    double norm = w.grad!.abs().item<double>();
                    if (!log.Record(step, loss.item<double>(), norm)) return log.Losses[^1];
                    if (remedy == Remedy.Clipping && norm > task.ClipNorm)
                        using (no_grad()) w.grad!.mul_(task.ClipNorm / norm);
                    sgd.Step();
                    log.Weights.Add(w.item<double>());
                    return log.Losses[^1];
                },
                evaluate: _ => [("loss", log.Losses[^1]), ("w", log.Weights[^1])],
                progress: progress,
                optimizers: sgd);
            return log.ToCurve(Name(remedy), task.InitialW, outcome);
        }
        finally
        {
            foreach (var t in inputs) t.Dispose();
        }
    }

    /// <summary>The trainer of one run: no seed (the inputs are drawn already), libtorch's threads as they are, and a
    /// loss or gradient that overflows ends the run (the overflow is what the experiment measures).</summary>
    static TrainingPlan PlanFor(RemedyTask task, Remedy remedy, bool collect) => new()
    {
        Task = $"train {Name(remedy)}",
        Steps = task.Steps,
        EvaluateEvery = 1,
        OnDivergence = Divergence.Stop,
        ExplodingFactor = null,
        CollectEvery = collect ? 1 : 0,
    };

    /// <summary>The same SGD as <see cref="Train"/>, with gradients from the hand-written backward pass.</summary>
    public static TrainingCurve TrainManually(RemedyTask task, IReadOnlyList<double> x, IReadOnlyList<double> target, Remedy remedy)
    {
        double w = task.InitialW;
        int? truncation = remedy == Remedy.Truncation ? task.TruncationLength : null;
        var log = new TrainingLog();
        using var trainer = new Trainer(PlanFor(task, remedy, collect: false));
        var outcome = trainer.Run(step =>
        {
            // An overflowed w makes libtorch's next loss inf or NaN; record it the same way here.
            if (!double.IsFinite(w))
            {
                log.Record(step, double.PositiveInfinity, double.NaN);
                return double.PositiveInfinity;
            }
            var rnn = new ScalarRnn(w, task.Activation, task.Form);
            var (loss, gradients) = BackpropThroughTime.OfMeanSquaredError(rnn, x, target, truncation);
            double g = gradients.DLossDw, norm = Math.Abs(g);
            if (!log.Record(step, loss, norm)) return loss;
            if (remedy == Remedy.Clipping && norm > task.ClipNorm) g *= task.ClipNorm / norm;
            w -= task.LearningRate * g;
            log.Weights.Add(w);
            return loss;
        });
        return log.ToCurve(Name(remedy), task.InitialW, outcome);
    }

    sealed class TrainingLog
    {
        public readonly List<double> Losses = [], Weights = [], Norms = [];

        /// <summary>Records a step; false, and the run stops (<see cref="StopReason.Diverged"/>), once the loss or the
        /// gradient has overflowed.</summary>
        public bool Record(TrainingStep step, double loss, double norm)
        {
            Losses.Add(loss);
            Norms.Add(norm);
            if (double.IsFinite(loss) && double.IsFinite(norm)) return true;
            step.Stop(StopReason.Diverged);
            return false;
        }

        public TrainingCurve ToCurve(string remedy, double initialW, TrainingOutcome outcome) =>
            new(remedy, [.. Losses], [.. Weights], [.. Norms], outcome.StoppedBecause == StopReason.Diverged ? (int)outcome.Steps - 1 : null,
                Weights.Count > 0 ? Weights[^1] : initialW, Losses[^1]);
    }
}
