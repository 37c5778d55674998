using System.Text;

namespace NeuralLab.Recurrence;

/// <summary>
/// A polynomial Σ c·w^a·x_j, linear in the inputs: what the linear RNN's states are (homework 2.2).
/// Keys are (power of w, index j of x, 0 for no x).
/// </summary>
internal sealed class LinearPolynomial
{
    public IReadOnlyDictionary<(int WPower, int Input), double> Terms { get; }

    public LinearPolynomial(IReadOnlyDictionary<(int, int), double> terms) =>
        Terms = terms.Where(t => t.Value != 0).ToDictionary(t => t.Key, t => t.Value);

    public static LinearPolynomial Weight => new(new Dictionary<(int, int), double> { [(1, 0)] = 1 });

    public static LinearPolynomial Input(int j) => new(new Dictionary<(int, int), double> { [(0, j)] = 1 });

    public static LinearPolynomial Constant(double c) => new(new Dictionary<(int, int), double> { [(0, 0)] = c });

    public static LinearPolynomial operator +(LinearPolynomial a, LinearPolynomial b)
    {
        var sum = a.Terms.ToDictionary(t => t.Key, t => t.Value);
        foreach (var (key, c) in b.Terms) sum[key] = sum.GetValueOrDefault(key) + c;
        return new(sum);
    }

    public static LinearPolynomial operator *(LinearPolynomial a, LinearPolynomial b)
    {
        var product = new Dictionary<(int, int), double>();
        foreach (var ((pa, ja), ca) in a.Terms)
            foreach (var ((pb, jb), cb) in b.Terms)
            {
                if (ja != 0 && jb != 0) throw new NotSupportedException("x_i·x_j is not linear in the inputs");
                var key = (pa + pb, Math.Max(ja, jb));
                product[key] = product.GetValueOrDefault(key) + ca * cb;
            }
        return new(product);
    }

    /// <summary>∂/∂w, term by term: a·w^{a−1}.</summary>
    public LinearPolynomial DerivativeInW() =>
        new(Terms.Where(t => t.Key.WPower > 0).ToDictionary(t => (t.Key.WPower - 1, t.Key.Input), t => t.Value * t.Key.WPower));

    public double Evaluate(double w, IReadOnlyList<double> x) =>
        Terms.Sum(t => t.Value * Math.Pow(w, t.Key.WPower) * (t.Key.Input == 0 ? 1 : x[t.Key.Input - 1]));

    public bool SameAs(LinearPolynomial other) =>
        Terms.Count == other.Terms.Count && Terms.All(t => other.Terms.TryGetValue(t.Key, out double c) && c == t.Value);

    /// <summary>Highest input index first, as the homework writes h_3 = w x_3 + w² x_2 + w³ x_1.</summary>
    public override string ToString()
    {
        if (Terms.Count == 0) return "0";
        var text = new StringBuilder();
        foreach (var ((power, input), c) in Terms.OrderByDescending(t => t.Key.Input).ThenBy(t => t.Key.WPower))
        {
            string factors = string.Join("·", new[]
            {
                power == 0 ? "" : power == 1 ? "w" : $"w{Superscript(power)}",
                input == 0 ? "" : $"x{UnrolledGraph.Subscript(input)}",
            }.Where(f => f.Length > 0));
            double magnitude = Math.Abs(c);
            string term = factors.Length == 0 ? $"{magnitude:G6}" : magnitude == 1 ? factors : $"{magnitude:G6}{factors}";
            if (text.Length > 0) text.Append(c < 0 ? " − " : " + ");
            else if (c < 0) text.Append('−');
            text.Append(term);
        }
        return text.ToString();
    }

    static string Superscript(int n) => string.Concat(n.ToString().Select(c => "⁰¹²³⁴⁵⁶⁷⁸⁹"[c - '0']));
}

/// <summary>Runs the model's own step over polynomials: the linear RNN's states expanded symbolically.</summary>
internal sealed class LinearExpansion : IRnnAlgebra<LinearPolynomial>
{
    public static readonly LinearExpansion Instance = new();

    public LinearPolynomial Constant(double value, string name) => LinearPolynomial.Constant(value);

    public LinearPolynomial Add(LinearPolynomial a, LinearPolynomial b, string name) => a + b;

    public LinearPolynomial Multiply(LinearPolynomial a, LinearPolynomial b, string name) => a * b;

    public LinearPolynomial Activate(Activation sigma, LinearPolynomial a, string name) =>
        throw new NotSupportedException("only the linear RNN (σ = identity) expands into polynomials");

    /// <summary>h_1..h_T of the linear RNN as polynomials in w and x_1..x_T.</summary>
    public static IReadOnlyList<LinearPolynomial> States(int length) =>
        new ScalarRnn(1).Unroll(Instance, LinearPolynomial.Weight, [.. Enumerable.Range(1, length).Select(LinearPolynomial.Input)]);

    /// <summary>The solution's h_t = Σ_{j=1..t} w^{t−j+1} x_j, as a polynomial.</summary>
    public static LinearPolynomial Homework(int t) =>
        new(Enumerable.Range(1, t).ToDictionary(j => (t - j + 1, j), _ => 1.0));
}
