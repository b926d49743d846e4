using System.Globalization;
using System.Text.Json.Nodes;

namespace Ccdsvm.ConsoleBench;

/// <summary>A station to measure and what its Units page must show, read over REST before the browser opens it.</summary>
public sealed record Target(string Label, Uri Station, string Password, int Total, SearchCase Name, SearchCase? TagSearch, SearchCase? TagChip, string Tag)
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>The page's page size: a search matching more shows a full page of rows.</summary>
    public const int PageSize = 50;

    public PageProbe.Want First => new("first", $" of {Total.ToString("N0", Culture)} unit", -1);

    public static async Task<Target> ReadAsync(string label, Uri station, string user, string password, string? fingerprint, string? search, string tag)
    {
        using var api = await StationApi.SignInAsync(station, user, password, fingerprint).ConfigureAwait(false);
        int total = await api.TotalAsync("").ConfigureAwait(false);
        if (search is null)
        {
            // A unit in the middle of the first REST page: on a fleet station one simulated unit, on a bare station the station itself.
            var items = (await api.UnitsAsync("limit=1000").ConfigureAwait(false)).GetProperty("items").EnumerateArray().ToList();
            search = items[Math.Min(777, items.Count - 1)].GetProperty("name").GetString()!;
        }
        var name = await CaseAsync(api, "searchName", search, "search=" + Uri.EscapeDataString(search)).ConfigureAwait(false);
        var tagSearch = await CaseAsync(api, "searchTag", tag, "search=" + Uri.EscapeDataString(tag)).ConfigureAwait(false);
        var tagChip = await CaseAsync(api, "chipTag", tag, "tag=" + Uri.EscapeDataString(tag)).ConfigureAwait(false);
        return new Target(label, station, password, total, name, tagSearch.Matches > 0 ? tagSearch : null, tagChip.Matches > 0 ? tagChip : null, tag);
    }

    private static async Task<SearchCase> CaseAsync(StationApi api, string name, string text, string query)
    {
        var body = await api.UnitsAsync(query + "&limit=2").ConfigureAwait(false);
        int matches = body.GetProperty("total").GetInt32();
        string? only = matches == 1 ? body.GetProperty("items")[0].GetProperty("id").GetString() : null;
        return new SearchCase(name, text, matches, only);
    }

    public JsonObject Describe() => new()
    {
        ["url"] = Station.ToString(),
        ["units"] = Total,
        ["searchName"] = Name.Describe(),
        ["searchTag"] = TagSearch?.Describe(),
        ["chipTag"] = TagChip?.Describe(),
    };
}

/// <summary>A search typed or a chip clicked, and how many units it matches over REST.</summary>
public sealed record SearchCase(string Name, string Text, int Matches, string? OnlyId)
{
    public PageProbe.Want Want => new(Name, $" of {Matches.ToString("N0", CultureInfo.InvariantCulture)} unit",
        Matches <= Target.PageSize ? Matches : -1, OnlyId is null ? null : "unit-card-" + OnlyId);

    public JsonObject Describe() => new() { ["text"] = Text, ["matches"] = Matches };
}
