using System.Text.Json;
using System.Text.Json.Nodes;
using Ccdsvm.Shared.Contracts.Paths;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// Replaces every path parameter (<see cref="ParameterSpec.IsPath"/>, also inside object parameters such as
/// data.move's source and destination) by its canonical form, once, before the lock plan, the ACL checks,
/// the stored row and the signed ticket see it. Parameters that are already canonical come back unchanged.
/// Run after validation, which has refused paths without a canonical form.
/// </summary>
public static class ParameterPaths
{
    public static JsonElement Canonicalize(IReadOnlyList<ParameterSpec> specs, JsonElement parameters)
    {
        JsonNode? root = null;
        foreach (var spec in specs)
        {
            if (!parameters.TryGetProperty(spec.Name, out var value)) continue;
            if (spec.IsPath) Rewrite(ref root, parameters, value, spec.Name, null);
            else if (spec.Type == ParameterType.Object && value.ValueKind == JsonValueKind.Object)
                foreach (var field in spec.Items ?? [])
                    if (field.IsPath && value.TryGetProperty(field.Name, out var inner))
                        Rewrite(ref root, parameters, inner, spec.Name, field.Name);
        }
        return root is null ? parameters : JsonSerializer.SerializeToElement(root);
    }

    private static void Rewrite(ref JsonNode? root, JsonElement parameters, JsonElement value, string name, string? field)
    {
        if (value.ValueKind != JsonValueKind.String) return;
        string original = value.GetString()!;
        if (!UnitPath.TryCanonicalize(original, out var canonical, out var problem))
            throw new ArgumentException($"parameter '{name}{(field is null ? "" : "." + field)}' {problem}");
        if (canonical == original) return;
        root ??= JsonNode.Parse(parameters.GetRawText())!;
        if (field is null) root[name] = canonical;
        else root[name]![field] = canonical;
    }
}
