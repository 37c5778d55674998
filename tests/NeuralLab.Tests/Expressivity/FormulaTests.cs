using NeuralLab.Common;
using NeuralLab.Expressivity;

namespace NeuralLab.Tests.Expressivity;

[Collection(Independent.Name)]
public class FormulaTests
{
    // Oracle: the same functions written in C#.
    public static TheoryData<string, Func<double, double>> Cases => new()
    {
        { "x^2", x => x * x },
        { "2*x^2", x => 2 * x * x },
        { "x ^ 2 + 1", x => x * x + 1 },     // NCalc alone parses this as x XOR 3
        { "-x^2", x => -(x * x) },
        { "2^3^2", _ => 512 },                // right-associative: 2^(3^2)
        { "x^-1", x => 1 / x },
        { "x**3", x => x * x * x },
        { "1/2*x", x => 0.5 * x },            // no integer division
        { "sin(6*x)", x => Math.Sin(6 * x) },
        { "Sin(x) + COS(x)", x => Math.Sin(x) + Math.Cos(x) },
        { "sqrt(x)", Math.Sqrt },
        { "abs(x - 0.3)", x => Math.Abs(x - 0.3) },
        { "tanh(50*x)", x => Math.Tanh(50 * x) },
        { "exp(-x^2) * log(2 + x)", x => Math.Exp(-x * x) * Math.Log(2 + x) },
        { "min(x, 0.5) + max(x, 0.2, 0.4)", x => Math.Min(x, 0.5) + Math.Max(Math.Max(x, 0.2), 0.4) },
        { "pi*x + e", x => Math.PI * x + Math.E },
        { "pow(x, 3) - log(8, 2)", x => x * x * x - 3 },
        { "1e-3*x % 0.0007", x => 1e-3 * x % 0.0007 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EvaluatesLikeCSharp(string text, Func<double, double> expected)
    {
        var formula = Formula.Parse(text);
        foreach (double x in new[] { 0.1, 0.37, 0.9, 1.3 })
        {
            double want = expected(x), got = formula.Evaluate(x);
            Assert.True(Math.Abs(got - want) <= 1e-14 * Math.Max(1, Math.Abs(want)), $"{text} at {x}: {got} vs {want}");
        }
    }

    [Theory]
    [InlineData("x*(", "cannot parse formula")]
    [InlineData("2x", "cannot parse formula")]
    [InlineData("x +* 2", "cannot parse formula")]
    [InlineData("2^-x", "parentheses")]
    [InlineData("", "empty formula")]
    [InlineData("x + y", "unknown variable 'y'")]
    [InlineData("sin(t)", "unknown variable 't'")]
    [InlineData("foo(x)", "unknown function 'foo'")]
    [InlineData("sin(x, 2)", "takes 1 argument")]
    [InlineData("x > 1", "operator")]
    [InlineData("x!", "operator")]
    [InlineData("'a' + x", "string value")]
    public void BadFormulasSayWhatIsWrong(string text, string expectedMessage)
    {
        var e = Assert.Throws<BadInputException>(() => Formula.Parse(text));
        Assert.Contains(expectedMessage, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
