namespace Ccdsvm.EndToEnd.Tests.Packaging;

/// <summary>
/// Both packages, built once for the test class by <c>deploy/packaging/build-debs.sh</c> (a self-contained publish of the
/// station and the agent, then dpkg-deb) into a temporary directory that goes at the end, publish output included.
/// </summary>
public sealed class BuiltPackages : IAsyncLifetime
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(10);
    private readonly TempDir _dir = new("debs");

    public string Version { get; } = File.ReadAllText(Path.Combine(RepoPaths.Root, "VERSION")).Trim();

    public string StationDeb => Path.Combine(_dir.Path, "out", $"ccdsvm-station_{Version}_amd64.deb");

    public string AgentDeb => Path.Combine(_dir.Path, "out", $"ccdsvm-agent_{Version}_amd64.deb");

    public string BuildOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Needs.Root("the package tests install into scratch roots, whose maintainer scripts chown to the service user");
        Needs.Tools(["dpkg-deb", "dpkg", "useradd", "systemd-analyze", "systemctl"]);
        var result = await HostCommand.RunAsync("bash", [Path.Combine(RepoPaths.Root, "deploy", "packaging", "build-debs.sh"), Path.Combine(_dir.Path, "out")],
            BuildLimit, new Dictionary<string, string> { ["CCDSVM_PUBLISH_DIR"] = Path.Combine(_dir.Path, "publish") });
        BuildOutput = result.ToString();
        if (result.ExitCode != 0) throw new InvalidOperationException("build-debs.sh failed: " + result);
        foreach (var deb in new[] { StationDeb, AgentDeb })
            if (!File.Exists(deb)) throw new InvalidOperationException($"build-debs.sh did not make {deb}: {result}");
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
