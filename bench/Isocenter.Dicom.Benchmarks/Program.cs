using BenchmarkDotNet.Running;
using Isocenter.Dicom.Benchmarks;

// dotnet run -c Release --project bench/Isocenter.Dicom.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(HeaderParseBenchmarks).Assembly).Run(args);
