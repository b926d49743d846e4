namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>Upper bounds for every wait; generous because two cores are shared. Never used to assert on speed.</summary>
public static class Timeouts
{
    public static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan UnitOnline = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ShortTask = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan BigChecksum = TimeSpan.FromMinutes(4);
    public static readonly TimeSpan ProcessExit = TimeSpan.FromSeconds(15);
}
