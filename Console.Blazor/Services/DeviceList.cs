using System.Text.Json;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>A list of devices as a form holds it: JSON (["/dev/sdb","/dev/sdc"]) or words separated by commas or spaces.</summary>
public static class DeviceList
{
    public static IReadOnlyList<string> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        string trimmed = text.Trim();
        if (trimmed.StartsWith('['))
        {
            try { return JsonSerializer.Deserialize<List<string>>(trimmed)?.Where(s => !string.IsNullOrWhiteSpace(s)).ToList() ?? []; }
            catch (JsonException) { return []; }
        }
        return trimmed.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public static string ToJson(IEnumerable<string> devices) => JsonSerializer.Serialize(devices.ToList());
}
