namespace NeuralLab.Report;

/// <summary>
/// The numbered answers of the homework's written solution that the report must check, and the
/// homework section each belongs to. The report compares what the sections returned against this
/// list, so a claim nobody checked shows up as "not checked" instead of silently missing.
/// </summary>
public static class ExpectedClaims
{
    /// <summary>
    /// The solution's 23 numbered answers that can be judged, in its order: the tally counts exactly these. 2.1's answer is
    /// a figure that is not in the solution's text, so it is drawn (section 2's Figure 1) but not judged; section 4 has one
    /// answer; measurements beyond the answers (the ResNet's accuracy) are reproductions, not ids here.
    /// </summary>
    public static IReadOnlyList<string> Ids { get; } =
    [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7",
        "2.2", "2.3", "2.4", "2.5",
        "3.1", "3.2", "3.3", "3.4", "3.5",
        "4",
        "5.1", "5.2", "5.3", "5.4", "5.5", "5.6",
    ];

    /// <summary>The homework's section titles, used when a section is absent from the run.</summary>
    public static IReadOnlyDictionary<int, string> SectionTitles { get; } = new Dictionary<int, string>
    {
        [1] = "Expressivity of ReLU networks",
        [2] = "Recurrence and backpropagation through time",
        [3] = "Attention",
        [4] = "Residual networks and BatchNorm",
        [5] = "Neural fields",
    };

    /// <summary>The section a claim id belongs to: the part before the first dot ("1.3" → 1, "4" → 4); null if not a number.</summary>
    public static int? SectionOf(string claimId)
    {
        string head = claimId.Split('.')[0];
        return int.TryParse(head, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : null;
    }

    /// <summary>Orders claim ids as the solution does: "1.2" before "1.10", "4" before "5.1"; unknown shapes last.</summary>
    public static int Compare(string a, string b)
    {
        var pa = Parts(a);
        var pb = Parts(b);
        for (int i = 0; i < Math.Min(pa.Length, pb.Length); i++)
        {
            int c = pa[i].CompareTo(pb[i]);
            if (c != 0) return c;
        }
        int byLength = pa.Length.CompareTo(pb.Length);
        return byLength != 0 ? byLength : string.CompareOrdinal(a, b);
    }

    static int[] Parts(string id) =>
        id.Split('.').Select(p => int.TryParse(p, out int n) ? n : int.MaxValue).ToArray();
}
