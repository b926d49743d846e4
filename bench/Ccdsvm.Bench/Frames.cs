namespace Ccdsvm.Bench;
public static class Frames
{
    public static async Task RunAsync()
    {
        using var h = new EngineHarness(true, 1000);
        var caller = new Ccdsvm.Station.Core.Caller("alice", false);
        var wal = h.Db.Path + "-wal";
        await h.Engine.SubmitAsync(EngineHarness.Request(0), caller);
        long before = new FileInfo(wal).Length;
        for (int i = 1; i <= 50; i++) await h.Engine.SubmitAsync(EngineHarness.Request(i), caller);
        long after = new FileInfo(wal).Length;
        Console.WriteLine($"frames per admission: {(after - before) / 4120.0 / 50:0.00}");
    }
}
