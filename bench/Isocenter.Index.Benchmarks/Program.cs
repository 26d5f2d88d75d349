using BenchmarkDotNet.Running;
using Isocenter.Index.Benchmarks;

// dotnet run -c Release --project bench/Isocenter.Index.Benchmarks -- --filter '*Upsert*' [--job short]
// Needs the local PostgreSQL (scripts/infra.sh up); each run takes a database of its own.
BenchmarkSwitcher.FromAssembly(typeof(UpsertBenchmarks).Assembly).Run(args);
