using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Cli;

/// <summary>
/// A task's parameters from <c>--params-file</c> and <c>--param name=value</c>, typed by the kind's contract and checked
/// by the contract's own validation before anything is sent: a typo is a usage error (exit 2), not a request.
/// </summary>
public static class TaskParameters
{
    public static IKindContract Contract(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (KindContracts.TryGet(kind, out var contract)) return contract;
        throw new CliException(ExitCodes.Usage, $"unknown kind '{kind}'{Suggest.Hint(kind, [.. KindContracts.All.Select(c => c.Kind)], "kinds")}");
    }

    /// <summary>The parameters as the REST API takes them; <paramref name="file"/> first, each --param over it.</summary>
    public static JsonElement Build(IKindContract contract, IEnumerable<string> pairs, string? fileJson)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(pairs);
        var obj = new JsonObject();
        if (fileJson is not null)
        {
            JsonNode? parsed;
            try { parsed = JsonNode.Parse(fileJson); }
            catch (JsonException ex) { throw new CliException(ExitCodes.Usage, $"--params-file: not JSON ({ex.Message})"); }
            obj = parsed as JsonObject ?? throw new CliException(ExitCodes.Usage, "--params-file: the parameters must be one JSON object, {\"name\": value, …}");
        }
        foreach (var pair in pairs)
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new CliException(ExitCodes.Usage, $"--param '{pair}': write name=value, e.g. --param path=/srv/data");
            string name = pair[..eq].Trim();
            var spec = contract.Parameters.FirstOrDefault(p => p.Name == name)
                ?? throw new CliException(ExitCodes.Usage, $"{contract.Kind} has no parameter '{name}'{Suggest.Hint(name, [.. contract.Parameters.Select(p => p.Name)], "parameters")}; 'ccdsvm task kinds {contract.Kind}' lists them");
            obj[name] = Value(contract.Kind, spec, pair[(eq + 1)..]);
        }
        var element = JsonSerializer.SerializeToElement(obj);
        if (contract.Check(element) is { } problem)
            throw new CliException(ExitCodes.Usage, problem + Usage(contract));
        return element;
    }

    /// <summary>A parameter's text as the JSON its contract types it.</summary>
    public static JsonNode? Value(string kind, ParameterSpec spec, string text)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(text);
        switch (spec.Type)
        {
            case ParameterType.Number:
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double n)) return JsonValue.Create(n);
                throw new CliException(ExitCodes.Usage, $"{kind}: parameter '{spec.Name}' takes a number, not '{text}'");
            case ParameterType.NumberOrWord:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double w) ? JsonValue.Create(w) : JsonValue.Create(text);
            case ParameterType.Boolean:
                return text.ToLowerInvariant() switch
                {
                    "true" or "yes" or "1" or "on" => JsonValue.Create(true),
                    "false" or "no" or "0" or "off" => JsonValue.Create(false),
                    _ => throw new CliException(ExitCodes.Usage, $"{kind}: parameter '{spec.Name}' takes true or false, not '{text}'"),
                };
            case ParameterType.StringArray:
                if (text.TrimStart().StartsWith('[')) return Json(kind, spec, text);
                return new JsonArray([.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => (JsonNode?)JsonValue.Create(s))]);
            case ParameterType.Object:
            case ParameterType.ObjectArray:
                return Json(kind, spec, text);
            default:
                return JsonValue.Create(text);
        }
    }

    private static JsonNode? Json(string kind, ParameterSpec spec, string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException ex) { throw new CliException(ExitCodes.Usage, $"{kind}: parameter '{spec.Name}' takes JSON here ({ex.Message})"); }
    }

    private static string Usage(IKindContract contract) =>
        $"\n{contract.Kind} takes: " + string.Join(", ", contract.Parameters.Select(p => $"{p.Name}{(p.Required ? "" : "?")} ({p.Type.ToString().ToLowerInvariant()})"))
        + $" (details: ccdsvm task kinds {contract.Kind})";
}
