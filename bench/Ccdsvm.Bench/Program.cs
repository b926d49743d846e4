using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "profile")
{
    await Ccdsvm.Bench.Profile.RunAsync(args.Contains("concurrent"), args.Contains("memory") ? [false] : args.Contains("file") ? [true] : [false, true],
        args.Select(a => int.TryParse(a, out var n) ? n : 0).FirstOrDefault(n => n > 0, 3));
    return;
}
if (args.Length > 0 && args[0] == "frames") { await Ccdsvm.Bench.Frames.RunAsync(); return; }
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
