using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// How kind parameters and results travel as JSON: camelCase names, enums as camelCase words. Parameters leave
/// absent optional values out (the station reads a missing and a null parameter alike); results write every
/// field, null included, as scripts read them. The REST API, the order to the agent, the console and the CLI
/// all use these options.
/// </summary>
public static class KindJson
{
    public static readonly JsonSerializerOptions Options = Create(JsonIgnoreCondition.WhenWritingNull);

    public static readonly JsonSerializerOptions ResultOptions = Create(JsonIgnoreCondition.Never);

    private static JsonSerializerOptions Create(JsonIgnoreCondition ignore)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = ignore,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
