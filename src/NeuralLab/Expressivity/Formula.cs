using System.Globalization;
using NCalc;
using NCalc.Visitors;
using NeuralLab.Common;

namespace NeuralLab.Expressivity;

/// <summary>
/// A real function of x typed by the user ("x^2", "sin(6*x)", "abs(x - 0.3)"), parsed by NCalc and
/// compiled once into a .NET delegate, so the approximator's millions of evaluations cost nanoseconds.
/// </summary>
/// <remarks>
/// Pitfalls of NCalc 7.4 handled here: '^' is bitwise XOR and binds looser than '+' ("x ^ 2 + 1" parses as
/// x XOR 3), so every '^' is rewritten to NCalc's power operator '**' (right-associative, tighter than
/// unary minus: -x^2 = -(x²), 2^3^2 = 2⁹) before parsing. Its built-in functions are capitalised (Sin,
/// Abs); ours are looked up without regard to case. Integer literals would divide as integers in
/// NCalc's own evaluator; here every value is a double, so 1/2 = 0.5.
/// </remarks>
public sealed class Formula
{
    readonly Func<double, double> _evaluate;

    Formula(string text, Func<double, double> evaluate)
    {
        Text = text;
        _evaluate = evaluate;
    }

    /// <summary>The formula as the user typed it.</summary>
    public string Text { get; }

    internal double Evaluate(double x) => _evaluate(x);

    /// <summary>The formula as a function of x (float64).</summary>
    public Func<double, double> AsFunction() => _evaluate;

    /// <inheritdoc/>
    public override string ToString() => Text;

    /// <summary>Names the functions a formula may call, with their arity.</summary>
    public static IReadOnlyCollection<string> FunctionNames => Functions.Keys;

    /// <summary>Parses <paramref name="text"/>; any problem is a <see cref="BadInputException"/> that names it.</summary>
    public static Formula Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new BadInputException("empty formula: give an expression in x, e.g. \"x^2\"");
        string ncalcText = text.Replace("^", "**");
        LogicalExpression tree;
        try
        {
            var context = new LogicalExpressionParseContext(ncalcText, new LogicalExpressionParserOptions(), CancellationToken.None);
            tree = LogicalExpressionParser.Parse(context, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is not BadInputException)
        {
            string hint = ncalcText.Contains("**-") || ncalcText.Contains("** -")
                ? " (put a negative exponent in parentheses: x^(-y))"
                : "";
            throw new BadInputException($"cannot parse formula '{text}': {e.Message.TrimEnd('.')}{hint}");
        }
        return new Formula(text, tree.Accept(new Compiler(text)));
    }

    /// <summary>A function of the formula language: one argument, or a fixed or open range of them.</summary>
    sealed record FunctionSpec(int MinArity, int MaxArity, Func<double, double>? Unary, Func<double[], double>? General)
    {
        public static FunctionSpec Of(Func<double, double> f) => new(1, 1, f, null);
        public static FunctionSpec Of(int min, int max, Func<double[], double> f) => new(min, max, null, f);
    }

    static readonly Dictionary<string, FunctionSpec> Functions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sin"] = FunctionSpec.Of(Math.Sin),
        ["cos"] = FunctionSpec.Of(Math.Cos),
        ["tan"] = FunctionSpec.Of(Math.Tan),
        ["asin"] = FunctionSpec.Of(Math.Asin),
        ["acos"] = FunctionSpec.Of(Math.Acos),
        ["atan"] = FunctionSpec.Of(Math.Atan),
        ["sinh"] = FunctionSpec.Of(Math.Sinh),
        ["cosh"] = FunctionSpec.Of(Math.Cosh),
        ["tanh"] = FunctionSpec.Of(Math.Tanh),
        ["exp"] = FunctionSpec.Of(Math.Exp),
        ["ln"] = FunctionSpec.Of(Math.Log),
        ["log10"] = FunctionSpec.Of(Math.Log10),
        ["log2"] = FunctionSpec.Of(Math.Log2),
        ["sqrt"] = FunctionSpec.Of(Math.Sqrt),
        ["abs"] = FunctionSpec.Of(Math.Abs),
        ["sign"] = FunctionSpec.Of(v => Math.Sign(v)),
        ["floor"] = FunctionSpec.Of(Math.Floor),
        ["ceiling"] = FunctionSpec.Of(Math.Ceiling),
        ["relu"] = FunctionSpec.Of(v => Math.Max(v, 0)),
        // log(v) is natural; log(v, base) as in NCalc.
        ["log"] = FunctionSpec.Of(1, 2, a => a.Length == 1 ? Math.Log(a[0]) : Math.Log(a[0], a[1])),
        ["pow"] = FunctionSpec.Of(2, 2, a => Math.Pow(a[0], a[1])),
        ["min"] = FunctionSpec.Of(2, int.MaxValue, a => a.Min()),
        ["max"] = FunctionSpec.Of(2, int.MaxValue, a => a.Max()),
    };

    /// <summary>Turns NCalc's tree into nested closures over x.</summary>
    sealed class Compiler(string text) : ILogicalExpressionVisitor<Func<double, double>>
    {
        public Func<double, double> Visit(BinaryExpression expression)
        {
            var left = expression.LeftExpression.Accept(this);
            var right = expression.RightExpression.Accept(this);
            return expression.Type switch
            {
                BinaryExpressionType.Plus => x => left(x) + right(x),
                BinaryExpressionType.Minus => x => left(x) - right(x),
                BinaryExpressionType.Times => x => left(x) * right(x),
                BinaryExpressionType.Div => x => left(x) / right(x),
                BinaryExpressionType.Modulo => x => left(x) % right(x),
                BinaryExpressionType.Exponentiation => x => Math.Pow(left(x), right(x)),
                _ => throw Unsupported($"operator {expression.Type}"),
            };
        }

        public Func<double, double> Visit(UnaryExpression expression)
        {
            var inner = expression.Expression.Accept(this);
            return expression.Type switch
            {
                UnaryExpressionType.Negate => x => -inner(x),
                UnaryExpressionType.Positive => inner,
                _ => throw Unsupported($"operator {expression.Type}"),
            };
        }

        public Func<double, double> Visit(ValueExpression expression)
        {
            if (expression.Type is not (NCalc.ValueType.Integer or NCalc.ValueType.Float))
                throw Unsupported($"the {expression.Type.ToString().ToLowerInvariant()} value '{expression.Value}'");
            double value = Convert.ToDouble(expression.Value, CultureInfo.InvariantCulture);
            return _ => value;
        }

        public Func<double, double> Visit(Identifier identifier) => identifier.Name switch
        {
            "x" => x => x,
            "pi" or "PI" or "Pi" => _ => Math.PI,
            "e" => _ => Math.E,
            _ => throw new BadInputException(
                $"unknown variable '{identifier.Name}' in formula '{text}': the variable is x (constants: pi, e)"),
        };

        public Func<double, double> Visit(Function function)
        {
            string name = function.Identifier.Name;
            if (!Functions.TryGetValue(name, out var spec))
                throw new BadInputException(
                    $"unknown function '{name}' in formula '{text}' (known: {string.Join(", ", Functions.Keys)})");
            var arguments = function.Parameters.Select(p => p.Accept(this)).ToArray();
            if (arguments.Length < spec.MinArity || arguments.Length > spec.MaxArity)
                throw new BadInputException($"function '{name}' in formula '{text}' takes {Arity(spec)}, not {arguments.Length}");
            if (spec.Unary is { } unary)
            {
                var argument = arguments[0];
                return x => unary(argument(x));
            }
            var general = spec.General!;
            return x =>
            {
                var values = new double[arguments.Length];
                for (int i = 0; i < values.Length; i++) values[i] = arguments[i](x);
                return general(values);
            };
        }

        public Func<double, double> Visit(TernaryExpression expression) => throw Unsupported("the conditional operator ?:");

        public Func<double, double> Visit(LogicalExpressionList list) => throw Unsupported("a list");

        BadInputException Unsupported(string what) =>
            new($"formula '{text}' uses {what}, which a real function of x cannot (use + - * / ^ % and functions)");

        static string Arity(FunctionSpec spec) =>
            spec.MinArity == spec.MaxArity ? $"{spec.MinArity} argument(s)"
            : spec.MaxArity == int.MaxValue ? $"{spec.MinArity} or more arguments"
            : $"{spec.MinArity} to {spec.MaxArity} arguments";
    }
}
