namespace Ccdsvm.TestSupport;

/// <summary>Where the repository and the built station and agent are, seen from the test assembly.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding Ccdsvm.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>Debug or Release: the configuration the test assembly was built in.</summary>
    public static string Configuration
    {
        get
        {
            var parts = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
            // …/bin/<Configuration>/net10.0
            int bin = Array.LastIndexOf(parts, "bin");
            if (bin < 0 || bin + 1 >= parts.Length)
                throw new InvalidOperationException($"cannot tell the build configuration from '{AppContext.BaseDirectory}'");
            return parts[bin + 1];
        }
    }

    public static string StationDll => Built("Console.Blazor");

    public static string AgentDll => Built("Unit.Agent");

    /// <summary>The CLI, whose assembly is named for its command.</summary>
    public static string CliDll => Built("Console.Cli", "ccdsvm");

    /// <summary>The fleet load generator (bench/Ccdsvm.FleetLoad), built in the tests' configuration.</summary>
    public static string FleetLoadDll
    {
        get
        {
            var dll = Path.Combine(Root, "bench", "Ccdsvm.FleetLoad", "bin", Configuration, "net10.0", "Ccdsvm.FleetLoad.dll");
            return File.Exists(dll) ? dll
                : throw new InvalidOperationException($"{dll} does not exist: build the solution (dotnet build tests/EndToEnd.Tests) in {Configuration} first");
        }
    }

    private static string Built(string project, string? assembly = null)
    {
        var dll = Path.Combine(Root, project, "bin", Configuration, "net10.0", (assembly ?? project) + ".dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"{dll} does not exist: build the solution (dotnet build tests/EndToEnd.Tests) in {Configuration} first");
        return dll;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ccdsvm.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Ccdsvm.sln above {AppContext.BaseDirectory}");
    }
}
