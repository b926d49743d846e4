using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "profile")
{
    await Ccdsvm.Bench.Profile.RunAsync();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Ccdsvm.Bench.AdmissionBenchmarks).Assembly).Run(args);
