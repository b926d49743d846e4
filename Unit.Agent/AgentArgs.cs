namespace Ccdsvm.Unit.Agent;

/// <summary>Maps the short command line (--station, --name, --enrol, --root …) onto the Agent section.</summary>
public static class AgentArgs
{
    private static readonly Dictionary<string, string> Scalars = new(StringComparer.Ordinal)
    {
        ["--station"] = "StationUrl",
        ["--name"] = "Name",
        ["--enrol"] = "EnrolToken",
        ["--state"] = "StateDirectory",
        ["--mount-root"] = "MountRoot",
        ["--parent"] = "Parent",
        ["--data-url"] = "DataUrl",
        ["--fingerprint"] = "StationFingerprint",
    };

    private static readonly Dictionary<string, string> Lists = new(StringComparer.Ordinal)
    {
        ["--root"] = "Roots",
        ["--device"] = "Devices",
        ["--deny-kind"] = "DenyKinds",
        ["--service"] = "Services",
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

    /// <summary>A message when the command line uses an option that is gone, otherwise null.</summary>
    public static string? Obsolete(string[] args) =>
        args.Contains("--key", StringComparer.Ordinal)
            ? "--key is gone: there is no shared agent key any more. Ask an administrator for a one-time enrolment token (POST /api/v1/enrolments) and start the agent once with --enrol <token>."
            : null;

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
