using System.Reflection;
using NeuralLab.Common;

namespace NeuralLab.Report;

/// <summary>Finds the report sections: every public, non-abstract class with a public parameterless constructor implementing <see cref="IReportSection"/>.</summary>
public static class ReportSections
{
    /// <summary>Sections in <paramref name="assembly"/> (default: the NeuralLab library), ordered by homework section number.</summary>
    public static IReadOnlyList<IReportSection> Discover(Assembly? assembly = null)
    {
        assembly ??= typeof(IReportSection).Assembly;
        var found = new List<IReportSection>();
        foreach (var type in assembly.GetExportedTypes())
        {
            if (!typeof(IReportSection).IsAssignableFrom(type) || !type.IsClass || type.IsAbstract || type.ContainsGenericParameters) continue;
            if (type.GetConstructor(Type.EmptyTypes) == null) continue;
            found.Add(Instantiate(type));
        }
        return Order(found);
    }

    /// <summary>By number, then title, so the page follows the homework whatever order reflection returns.</summary>
    public static IReadOnlyList<IReportSection> Order(IEnumerable<IReportSection> sections) =>
        sections.Select(s => (Section: s, Number: SafeNumber(s), Title: SafeTitle(s)))
                .OrderBy(t => t.Number).ThenBy(t => t.Title, StringComparer.Ordinal)
                .Select(t => t.Section).ToList();

    internal static int SafeNumber(IReportSection s)
    {
        try { return s.Number; } catch (Exception) { return int.MaxValue; }
    }

    internal static string SafeTitle(IReportSection s)
    {
        try { return s.Title; } catch (Exception) { return s.GetType().Name; }
    }

    // A section whose constructor throws must not take the whole report down: it becomes a section
    // that fails when run, so the page shows the failure and the command exits 1.
    static IReportSection Instantiate(Type type)
    {
        try
        {
            return (IReportSection)Activator.CreateInstance(type)!;
        }
        catch (Exception e)
        {
            return new UnconstructibleSection(type, (e as TargetInvocationException)?.InnerException ?? e);
        }
    }

    sealed class UnconstructibleSection(Type type, Exception error) : IReportSection
    {
        public int Number => int.MaxValue;

        public string Title => type.Name;

        public SectionResult Run(ReportContext context) =>
            throw new InvalidOperationException($"cannot construct {type.FullName}: {error.GetType().Name}: {error.Message}", error);
    }
}
