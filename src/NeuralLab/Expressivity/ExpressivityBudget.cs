using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>How much the section-1 experiments may spend.</summary>
/// <param name="TrainingSteps">Adam steps for the x² fits of 1.5 and 1.6.</param>
/// <param name="Depths">Hidden-layer counts of the trained networks of 1.5.</param>
/// <param name="Width">Width of those networks.</param>
/// <param name="OutsideFits">(L, units) of the 1.6 fits on [−L, L]: both grow.</param>
/// <param name="EpsValues">ε values of the 1.7 units-vs-ε sweep.</param>
/// <param name="ComparisonEps">ε at which 1.7 compares the constructed network with an Adam-trained one of the same width.</param>
/// <param name="AdamSteps">Steps of that Adam training.</param>
/// <param name="RandomSmoothFunctions">Random trigonometric polynomials the approximator must also certify.</param>
public sealed record ExpressivityBudget(
    int TrainingSteps,
    int[] Depths,
    int Width,
    (double HalfWidth, int Units)[] OutsideFits,
    double[] EpsValues,
    double ComparisonEps,
    int AdamSteps,
    int RandomSmoothFunctions)
{
    /// <summary>The section-1 budget of a report profile: seconds for tests, the homework's for <see
    /// cref="ReportProfile.Full"/>.</summary>
    public static ExpressivityBudget For(ReportProfile profile) => profile switch
    {
        ReportProfile.Test => new(150, [1, 2], 16, [(1, 8), (2, 16), (4, 32)], [1e-1, 1e-2, 1e-3], 1e-2, 150, 2),
        ReportProfile.Quick => new(1500, [1, 2, 3], 32, [(1, 8), (2, 16), (4, 32), (8, 64)],
            [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5], 1e-3, 3000, 4),
        _ => new(5000, [1, 2, 3, 4], 64, [(1, 8), (2, 16), (4, 32), (8, 64), (16, 128)],
            [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6], 1e-3, 10000, 8),
    };
}
