// One default collection for the whole assembly: its classes run one at a time, because libtorch's random
// generator and thread count, PATH and the current directory are process-wide. Classes that touch none of
// that join the Independent collection (Independent.cs), which runs in parallel beside it.
// Slow tests carry [Trait("Speed", "Slow")]: `dotnet test -c Release --filter "Speed!=Slow"` is the fast set.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerAssembly, DisableTestParallelization = false)]
