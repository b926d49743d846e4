using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Ccdsvm.Bench.AdmissionBenchmarks).Assembly).Run(args);
