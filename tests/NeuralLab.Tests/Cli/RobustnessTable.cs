namespace NeuralLab.Tests.Cli;

/// <summary>What an option or argument takes, and so which hostile values it gets.</summary>
public enum ValueKind
{
    /// <summary>A switch: no value to corrupt (listed so that the coverage check knows it was considered).</summary>
    Flag,
    /// <summary>An integer that must be ≥ 1.</summary>
    PositiveInt,
    /// <summary>An integer that may be 0.</summary>
    NonNegativeInt,
    /// <summary>Any integer (--seed).</summary>
    Int,
    /// <summary>A real number that must be &gt; 0 and finite.</summary>
    PositiveNumber,
    /// <summary>A real number that must be ≥ 0 and finite.</summary>
    NonNegativeNumber,
    /// <summary>Any finite real number.</summary>
    Number,
    /// <summary>Space-separated integers (--n 256 1024).</summary>
    IntList,
    /// <summary>Comma-separated numbers (--x 1,2,3).</summary>
    NumberList,
    /// <summary>An interval a,b.</summary>
    Interval,
    /// <summary>One word of a fixed set.</summary>
    Choice,
    /// <summary>A formula in x.</summary>
    Formula,
    /// <summary>A file to read.</summary>
    InputFile,
    /// <summary>An output directory (--out DIR).</summary>
    OutDir,
    /// <summary>An output file (render's --out FILE).</summary>
    OutFile,
}

/// <summary>One option (or positional argument, written &lt;NAME&gt;) of a command and its kind.</summary>
/// <param name="Name">The option's name as typed, or &lt;ARGUMENT&gt;.</param>
/// <param name="Kind">What it takes.</param>
/// <param name="Drop">Base options to leave out when this one is corrupted (they exclude each other, e.g. --steps and --epochs).</param>
public sealed record OptionRow(string Name, ValueKind Kind, params string[] Drop);

/// <summary>
/// One command of the CLI: the words that name it, the arguments of a valid run at quick sizes (a few seconds at most),
/// and its options. <paramref name="Slow"/> commands (whose quickest valid run takes minutes) get only the values that
/// must be refused in validation.
/// </summary>
public sealed record CommandRow(string[] Words, (string Name, string? Value)[] Base, OptionRow[] Options, bool Slow = false);

/// <summary>
/// THE table of the CLI robustness test (issue 16): every command × every option × hostile values of its kind. A new
/// option or command gets its row here — <see cref="RobustnessTests.EveryOptionOfEveryCommandHasARow"/> fails until it
/// does. Placeholders in values: {missing} a file that does not exist, {dir} a directory, {empty} an empty file,
/// {text} a text file, {file} a regular file (so {file}/out cannot be created), {checkpoint} a fitted field, {image} a 16-px PNG, {tiles} a tiles fit of it.
/// </summary>
public static class RobustnessTable
{
    /// <summary>Options every command has (CommonOptions); render's --out is a file, not a directory; every command that does
    /// libtorch work has --threads.</summary>
    static OptionRow[] Common(ValueKind outKind = ValueKind.OutDir, bool threads = true) =>
    [
        new("--json", ValueKind.Flag), new("--seed", ValueKind.Int), new("--out", outKind), new("--quick", ValueKind.Flag),
        new("--max-memory", ValueKind.PositiveNumber), new("--max-hours", ValueKind.PositiveNumber),
        .. threads ? [new OptionRow("--threads", ValueKind.PositiveInt)] : Array.Empty<OptionRow>(),
    ];

    /// <summary>The options of a field's fit that fit and tiles fit share (the CLI's FitOptions).</summary>
    static readonly OptionRow[] FieldFit =
    [
        new("--preset", ValueKind.Choice), new("--activation", ValueKind.Choice),
        new("--hidden", ValueKind.PositiveInt), new("--layers", ValueKind.NonNegativeInt), new("--omega0", ValueKind.PositiveNumber),
        new("--init", ValueKind.Choice), new("--lr", ValueKind.PositiveNumber), new("--steps", ValueKind.PositiveInt),
        new("--epochs", ValueKind.PositiveInt, "--steps"), new("--batch", ValueKind.PositiveInt), new("--schedule", ValueKind.Choice),
        new("--target-psnr", ValueKind.Number), new("--size", ValueKind.PositiveInt), new("--upsample", ValueKind.Flag),
        new("--channels", ValueKind.PositiveInt), new("--max-pixels", ValueKind.PositiveInt), new("--eval-every", ValueKind.PositiveInt),
        new("--encoding", ValueKind.Choice), new("--fourier-features", ValueKind.PositiveInt), new("--fourier-scale", ValueKind.PositiveNumber),
        new("--grid-levels", ValueKind.PositiveInt), new("--grid-features", ValueKind.PositiveInt), new("--grid-min", ValueKind.PositiveInt),
        new("--grid-max", ValueKind.PositiveInt), new("--grid-table", ValueKind.PositiveInt), new("--max-parameters", ValueKind.PositiveInt),
    ];

    public static readonly CommandRow[] Commands =
    [
        new(["fit"], [("--quick", null), ("--size", "16"), ("--hidden", "8"), ("--layers", "1"), ("--steps", "5")],
        [
            new("<IMAGE>", ValueKind.InputFile), .. FieldFit,
            new("--supervise", ValueKind.Choice), new("--gradient-spans", ValueKind.Choice), new("--first-omega0", ValueKind.PositiveNumber), new("--audio-demo", ValueKind.Flag),
            new("--max-samples", ValueKind.PositiveInt),
            .. Common(),
        ]),
        new(["blend"], [("<BASE>", "{image}"), ("<INSERT>", "{image}"), ("--quick", null), ("--size", "16"), ("--hidden", "8"), ("--layers", "1"), ("--steps", "5")],
        [
            new("<BASE>", ValueKind.InputFile), new("<INSERT>", ValueKind.InputFile), new("--mask", ValueKind.InputFile), new("--at", ValueKind.Interval),
            new("--size", ValueKind.PositiveInt), new("--steps", ValueKind.PositiveInt), new("--lr", ValueKind.PositiveNumber),
            new("--hidden", ValueKind.PositiveInt), new("--layers", ValueKind.NonNegativeInt), new("--max-pixels", ValueKind.PositiveInt),
            .. Common(),
        ]),
        new(["tiles", "fit"], [("--quick", null), ("--size", "24"), ("--tile", "64"), ("--overlap", "8"), ("--hidden", "8"), ("--layers", "1"), ("--steps", "3")],
        [
            new("<IMAGE>", ValueKind.InputFile), new("--tile", ValueKind.PositiveInt), new("--overlap", ValueKind.PositiveInt),
            new("--shard", ValueKind.Choice), new("--shards", ValueKind.PositiveInt),
            .. FieldFit, new("--first-omega0", ValueKind.PositiveNumber),
            .. Common(),
        ]),
        new(["tiles", "merge"], [("<DIR>", "{tiles}"), ("--quick", null), ("--size", "16")],
        [
            new("<DIR>", ValueKind.InputFile), new("--size", ValueKind.PositiveInt), new("--what", ValueKind.Choice), new("--region", ValueKind.NumberList),
            .. Common(ValueKind.OutFile),
        ]),
        new(["render"], [("<CHECKPOINT>", "{checkpoint}"), ("--quick", null), ("--size", "16")],
        [
            new("<CHECKPOINT>", ValueKind.InputFile), new("--size", ValueKind.PositiveInt), new("--what", ValueKind.Choice),
            .. Common(ValueKind.OutFile),
        ]),
        new(["relu", "constructions"], [("--quick", null)], [.. Common()]),
        new(["relu", "approx"], [("<expr>", "x^2"), ("--eps", "1e-2"), ("--quick", null)],
        [
            new("<expr>", ValueKind.Formula), new("--eps", ValueKind.PositiveNumber), new("--domain", ValueKind.Interval),
            new("--curvature", ValueKind.NonNegativeNumber),
            new("--compare-adam", ValueKind.Flag), new("--adam-steps", ValueKind.NonNegativeInt),
            .. Common(),
        ]),
        new(["bptt", "grad"], [("--w", "0.9"), ("--x", "1,2,3")],
        [
            new("--w", ValueKind.Number), new("--x", ValueKind.NumberList), new("--activation", ValueKind.Choice), new("--form", ValueKind.Choice),
            .. Common(),
        ]),
        new(["bptt", "graph"], [("--T", "3"), ("--renderer", "builtin")],
        [
            new("--T", ValueKind.PositiveInt), new("--activation", ValueKind.Choice), new("--form", ValueKind.Choice), new("--renderer", ValueKind.Choice),
            .. Common(threads: false),
        ]),
        new(["bptt", "sweep"], [("--quick", null), ("--max-T", "10"), ("--train-T", "5"), ("--truncate", "2"), ("--steps", "5"), ("--survey-seeds", "1"), ("--engine", "manual")],
        [
            new("--max-T", ValueKind.PositiveInt), new("--form", ValueKind.Choice), new("--train-T", ValueKind.PositiveInt),
            new("--steps", ValueKind.PositiveInt), new("--lr", ValueKind.PositiveNumber), new("--w0", ValueKind.Number),
            new("--w-true", ValueKind.Number), new("--clip", ValueKind.PositiveNumber), new("--truncate", ValueKind.PositiveInt),
            new("--train-activation", ValueKind.Choice), new("--survey-seeds", ValueKind.NonNegativeInt), new("--engine", ValueKind.Choice),
            .. Common(),
        ]),
        new(["attention", "check"], [("--quick", null)], [.. Common()]),
        new(["attention", "bench"], [("--quick", null), ("--n", "64"), ("--d", "8"), ("--k", "8"), ("--repeats", "1")],
        [
            new("--n", ValueKind.IntList), new("--d", ValueKind.PositiveInt), new("--k", ValueKind.PositiveInt),
            new("--repeats", ValueKind.PositiveInt),
            .. Common(),
        ]),
        new(["resnet", "train"], [("--quick", null), ("--channels", "1"), ("--iterations", "2")],
        [
            new("--channels", ValueKind.IntList), new("--iterations", ValueKind.PositiveInt), new("--batch", ValueKind.PositiveInt),
            new("--learning-rate", ValueKind.PositiveNumber), new("--checkpoint-every", ValueKind.NonNegativeInt),
            new("--data", ValueKind.InputFile), new("--labels", ValueKind.InputFile),
            .. Common(),
        ]),
        new(["resnet", "bias-check"], [("--quick", null), ("--channels", "1"), ("--steps", "2")],
        [
            new("--channels", ValueKind.PositiveInt), new("--steps", ValueKind.PositiveInt), new("--batch", ValueKind.PositiveInt),
            new("--placement", ValueKind.Choice), new("--data", ValueKind.InputFile),
            new("--labels", ValueKind.InputFile),
            .. Common(),
        ]),
        new(["report"], [("--profile", "test")],
        [
            new("--full", ValueKind.Flag), new("--open", ValueKind.Flag), new("--profile", ValueKind.Choice), new("--break", ValueKind.Choice),
            new("--sections", ValueKind.IntList),
            .. Common(),
        ], Slow: true),
    ];

    /// <summary>Hostile values of each kind: (value, whether every command must refuse it). Values that may be
    /// accepted (a huge count the budget may allow, a negative seed) run the command, so slow commands skip them.</summary>
    public static IReadOnlyList<(string Value, bool Refused)> Values(ValueKind kind) => kind switch
    {
        ValueKind.PositiveInt => [("0", true), ("-1", true), ("2147483647", false), ("abc", true), ("", true), ("1.5", true)],
        ValueKind.NonNegativeInt => [("-1", true), ("2147483647", false), ("abc", true), ("", true)],
        ValueKind.Int => [("-1", false), ("abc", true), ("", true)],
        ValueKind.PositiveNumber => [("0", true), ("-1", true), ("NaN", true), ("Infinity", true), ("1e308", false), ("abc", true), ("", true)],
        ValueKind.NonNegativeNumber => [("-1", true), ("NaN", true), ("Infinity", true), ("1e308", false), ("abc", true), ("", true)],
        ValueKind.Number => [("NaN", true), ("Infinity", true), ("-Infinity", true), ("1e308", false), ("abc", true), ("", true)],
        ValueKind.IntList => [("0", true), ("-1", true), ("2147483647", false), ("abc", true), ("", true)],
        ValueKind.NumberList => [(",", true), ("1,,2", true), ("a,b", true), ("", true), ("1,NaN", true), ("1e308,1e308", false)],
        ValueKind.Interval => [(",", true), ("1", true), ("1,0", true), ("0,1,2", true), ("a,b", true), ("", true), ("NaN,1", true), ("-1e308,1e308", false)],
        ValueKind.Choice => [("", true), ("nonsense", true)],
        ValueKind.Formula => [("", true), ("x^", true), ("sin(", true), ("y", true), ("1/x", false), ("exp(1000*x)", false)],
        ValueKind.InputFile => [("{missing}", true), ("{dir}", true), ("{empty}", true), ("{text}", true)],
        ValueKind.OutDir => [("{file}/out", true), ("{file}", true)],
        ValueKind.OutFile => [("{file}/out.png", true), ("{dir}", true)],
        _ => [],
    };

    /// <summary>Every case: its name and its arguments (with placeholders).</summary>
    public static IEnumerable<(string Name, string[] Args, bool Refused)> Cases()
    {
        foreach (var command in Commands)
        foreach (var option in command.Options)
        foreach (var (value, refused) in Values(option.Kind))
        {
            if (command.Slow && !refused) continue;
            var args = new List<string>(command.Words);
            // Positional arguments first, then options; the corrupted one replaces its base value.
            // The corrupted positional takes its base value's place (or is added when the base run leaves it out).
            var positional = command.Base.Where(b => b.Name.StartsWith('<')).Select(b => b.Name == option.Name ? (b.Name, (string?)value) : b).ToList();
            if (option.Name.StartsWith('<') && positional.All(p => p.Name != option.Name)) positional.Add((option.Name, value));
            args.AddRange(positional.Select(p => p.Item2!));
            foreach (var (name, baseValue) in command.Base)
            {
                if (name.StartsWith('<') || name == option.Name || option.Drop.Contains(name)) continue;
                args.Add(name);
                if (baseValue != null) args.Add(baseValue);
            }
            if (!option.Name.StartsWith('<')) { args.Add(option.Name); args.Add(value); }
            if (option.Kind is not (ValueKind.OutDir or ValueKind.OutFile))
                args.AddRange(["--out", command.Words[0] == "render" || command.Words is ["tiles", "merge"] ? "{out}.png" : "{out}"]);
            yield return ($"{string.Join(' ', command.Words)} {option.Name} '{value}'", args.ToArray(), refused);
        }
    }
}
