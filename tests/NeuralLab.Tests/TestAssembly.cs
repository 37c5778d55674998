// libtorch's random generator, thread count and default dtype are process-wide: tests that seed
// and compare results must not interleave. Two cores gain little from parallel test classes anyway.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
