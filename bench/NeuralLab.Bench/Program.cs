using NeuralLab.Bench;

// Usage: dotnet run --project bench/NeuralLab.Bench -c Release -- NAME [args...]
// Each benchmark is an IBenchmark in this project, found by reflection.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name)
    .ToList();
if (args.Length == 0 || benchmarks.All(b => b.Name != args[0]))
{
    Console.Error.WriteLine("usage: NeuralLab.Bench NAME [args...]\nbenchmarks:");
    foreach (var b in benchmarks) Console.Error.WriteLine($"  {b.Name,-12} {b.Description}");
    return 2;
}
return benchmarks.First(b => b.Name == args[0]).Run(args[1..]);
