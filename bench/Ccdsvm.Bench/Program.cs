using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "profile")
{
    await Ccdsvm.Bench.Profile.RunAsync(args.Contains("concurrent"));
    return;
}
if (args.Length > 0 && args[0] == "monitor-load")
{
    await Ccdsvm.Bench.MonitorLoad.RunAsync(args);
    return;
}
if (args.Length > 0 && args[0] == "monitor-hub-load")
{
    await Ccdsvm.Bench.MonitorHubLoad.RunAsync(args);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Ccdsvm.Bench.AdmissionBenchmarks).Assembly).Run(args);
