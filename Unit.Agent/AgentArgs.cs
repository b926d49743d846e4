namespace Ccdsvm.Unit.Agent;

/// <summary>Maps the short command line (--station, --name, --key, --root …) onto the Agent section.</summary>
public static class AgentArgs
{
    private static readonly Dictionary<string, string> Scalars = new(StringComparer.Ordinal)
    {
        ["--station"] = "StationUrl",
        ["--name"] = "Name",
        ["--key"] = "Key",
        ["--mount-root"] = "MountRoot",
        ["--parent"] = "Parent",
        ["--data-url"] = "DataUrl",
    };

    private static readonly Dictionary<string, string> Lists = new(StringComparer.Ordinal)
    {
        ["--root"] = "Roots",
        ["--device"] = "Devices",
    };

    public static Dictionary<string, string?> ToConfiguration(string[] args)
    {
        var result = new Dictionary<string, string?>();
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (Scalars.TryGetValue(arg, out var key) && i + 1 < args.Length)
            {
                result[$"{AgentOptions.Section}:{key}"] = args[++i];
            }
            else if (Lists.TryGetValue(arg, out var list) && i + 1 < args.Length)
            {
                int n = counts.GetValueOrDefault(list);
                counts[list] = n + 1;
                result[$"{AgentOptions.Section}:{list}:{n}"] = args[++i];
            }
        }
        return result;
    }

    /// <summary>Arguments that are not ours, left for the host's own command-line provider.</summary>
    public static string[] Remaining(string[] args)
    {
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if ((Scalars.ContainsKey(args[i]) || Lists.ContainsKey(args[i])) && i + 1 < args.Length) { i++; continue; }
            rest.Add(args[i]);
        }
        return [.. rest];
    }
}
