using System.Text.RegularExpressions;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>
/// Station.Core's namespaces depend on each other without cycles, so each can be read (and changed) knowing only
/// the ones below it. The graph is built from the sources: a file belongs to its namespace declaration and depends
/// on a namespace through a <c>using Ccdsvm.Station.Core.X;</c> line, a fully qualified <c>Ccdsvm.Station.Core.X.</c>
/// reference, a reference qualified from the parent (<c>X.SomeType</c>, where X declares SomeType), or, for the root
/// namespace <c>Ccdsvm.Station.Core</c> that every child sees without a using, a type of the root named in it.
/// </summary>
public sealed partial class StationCoreNamespaceTests
{
    private const string Root = "Ccdsvm.Station.Core";

    [Fact]
    public void Station_core_namespaces_have_no_cycles()
    {
        var graph = NamespaceGraph.Read(Path.Combine(RepoPaths.Root, "Station.Core"));
        Assert.True(graph.Edges.Count > 5, "the graph holds too few dependencies to be read from the sources: " + graph.Describe());

        var cycle = graph.FindCycle();

        Assert.True(cycle is null, "Station.Core's namespaces depend on each other in a cycle; move the type that closes it "
            + "to the namespace it belongs to (shared types to the root namespace or Store):\n" + (cycle is null ? "" : graph.Explain(cycle)));
    }

    [Fact]
    public void The_graph_sees_each_kind_of_reference()
    {
        var graph = NamespaceGraph.Read(Path.Combine(RepoPaths.Root, "Station.Core"));

        // using lines, references qualified from the parent (Audit.AuditOutcomes in the engine), and root types (Caller).
        Assert.Contains(graph.AllReasons(Root + ".Tasks", Root + ".Locks"), r => r.EndsWith("using " + Root + ".Locks", StringComparison.Ordinal));
        Assert.Contains(graph.AllReasons(Root + ".Tasks", Root + ".Audit"), r => r.EndsWith(": Audit.AuditOutcomes", StringComparison.Ordinal));
        Assert.Contains(graph.AllReasons(Root + ".Security", Root), r => r.EndsWith(": Caller", StringComparison.Ordinal));
        Assert.Null(graph.Why(Root + ".Store", Root + ".Tasks"));
    }

    private sealed partial class NamespaceGraph
    {
        /// <summary>From namespace to namespace, with the files and references that make each edge.</summary>
        public Dictionary<string, Dictionary<string, List<string>>> Edges { get; } = new(StringComparer.Ordinal);

        public static NamespaceGraph Read(string project)
        {
            var files = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
                .Select(f => (Path: Path.GetRelativePath(project, f), Text: WithoutLineComments(File.ReadAllText(f))))
                .Select(f => (f.Path, f.Text, Namespace: NamespaceDeclaration().Match(f.Text) is { Success: true } m ? m.Groups[1].Value
                    : throw new InvalidOperationException($"Station.Core/{f.Path} declares no namespace")))
                .ToList();
            var types = files.GroupBy(f => f.Namespace, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            var graph = new NamespaceGraph();
            foreach (var (path, text, ns) in files)
            {
                foreach (Match m in UsingLine().Matches(text)) graph.Add(ns, Known(types, m.Groups[1].Value), $"{path}: using {m.Groups[1].Value}");
                foreach (Match m in FullyQualified().Matches(text)) graph.Add(ns, Known(types, Root + "." + m.Groups[1].Value), $"{path}: {m.Value}");
                foreach (Match m in ParentQualified().Matches(text))
                {
                    string target = Root + "." + m.Groups[1].Value;
                    if (types.TryGetValue(target, out var declared) && declared.Contains(m.Groups[2].Value)) graph.Add(ns, target, $"{path}: {m.Value}");
                }
                if (ns != Root && types.TryGetValue(Root, out var rootTypes))
                    foreach (var name in Identifier().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal))
                        if (rootTypes.Contains(name) && !types[ns].Contains(name)) graph.Add(ns, Root, $"{path}: {name}");
            }
            return graph;
        }

        /// <summary>The namespace of Station.Core a name refers to: the longest declared namespace it starts with.</summary>
        private static string? Known(Dictionary<string, HashSet<string>> types, string name) =>
            types.Keys.Where(k => name == k || name.StartsWith(k + ".", StringComparison.Ordinal)).OrderByDescending(k => k.Length).FirstOrDefault();

        private void Add(string from, string? to, string why)
        {
            if (to is null || to == from) return;
            if (!Edges.TryGetValue(from, out var targets)) Edges[from] = targets = new(StringComparer.Ordinal);
            if (!targets.TryGetValue(to, out var reasons)) targets[to] = reasons = [];
            reasons.Add(why);
        }

        /// <summary>What makes <paramref name="from"/> depend on <paramref name="to"/> (at most a few references), or null when it does not.</summary>
        public string? Why(string from, string to) =>
            Edges.TryGetValue(from, out var t) && t.TryGetValue(to, out var reasons) ? string.Join("; ", reasons.Take(4)) + (reasons.Count > 4 ? $"; and {reasons.Count - 4} more" : "") : null;

        public IReadOnlyList<string> AllReasons(string from, string to) =>
            Edges.TryGetValue(from, out var t) && t.TryGetValue(to, out var reasons) ? reasons : [];

        /// <summary>A cycle as the namespaces along it (the first repeated at the end), or null when there is none.</summary>
        public IReadOnlyList<string>? FindCycle()
        {
            var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1: on the current path, 2: done
            var path = new List<string>();
            foreach (var start in Edges.Keys.Order(StringComparer.Ordinal))
                if (Visit(start) is { } found) return found;
            return null;

            IReadOnlyList<string>? Visit(string node)
            {
                if (state.GetValueOrDefault(node) == 2) return null;
                if (state.GetValueOrDefault(node) == 1) return [.. path.Skip(path.IndexOf(node)), node];
                state[node] = 1;
                path.Add(node);
                foreach (var next in Edges.GetValueOrDefault(node)?.Keys.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())
                    if (Visit(next) is { } found) return found;
                path.RemoveAt(path.Count - 1);
                state[node] = 2;
                return null;
            }
        }

        public string Explain(IReadOnlyList<string> cycle) =>
            string.Join("\n", cycle.Zip(cycle.Skip(1)).Select(e => $"  {e.First} -> {e.Second}   ({Why(e.First, e.Second)})"));

        public string Describe() =>
            string.Join("; ", Edges.Select(e => $"{e.Key} -> {string.Join(", ", e.Value.Keys)}"));

        private static string WithoutLineComments(string text) => LineComment().Replace(text, "");

        [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
        private static partial Regex NamespaceDeclaration();

        [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?:(?:struct|class)\s+)?([A-Z]\w*)")]
        private static partial Regex TypeDeclaration();

        [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(Ccdsvm\.Station\.Core(?:\.\w+)*)\s*;", RegexOptions.Multiline)]
        private static partial Regex UsingLine();

        [GeneratedRegex(@"(?<![\w.])Ccdsvm\.Station\.Core\.(\w+(?:\.\w+)*)")]
        private static partial Regex FullyQualified();

        [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)\.([A-Z]\w*)")]
        private static partial Regex ParentQualified();

        [GeneratedRegex(@"(?<![\w.])[A-Z]\w*")]
        private static partial Regex Identifier();

        // Line comments, but not /// documentation, whose cref links are references too.
        [GeneratedRegex(@"(?<!/)//(?!/).*$", RegexOptions.Multiline)]
        private static partial Regex LineComment();
    }
}
