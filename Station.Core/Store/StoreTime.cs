using System.Globalization;

namespace Ccdsvm.Station.Core.Store;

/// <summary>The one timestamp format of the station's store: UTC, ISO 8601 with seven fractional digits and 'Z', so text order is time order.</summary>
public static class StoreTime
{
    public static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
