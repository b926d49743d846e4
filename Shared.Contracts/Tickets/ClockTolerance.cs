namespace Ccdsvm.Shared.Contracts.Tickets;

/// <summary>
/// How far a unit's clock may differ from the station's before the station's tickets stop verifying there:
/// <see cref="Max"/> (10 minutes) either way. Every expiry a unit checks (task tickets, transfer tickets,
/// grants, leaves to delete) allows it, and every nonce or ticket id a unit remembers is kept that much longer,
/// so the tolerance never opens a replay. Beyond it a ticket is refused with a message naming the skew.
/// </summary>
public static class ClockTolerance
{
    /// <summary>The largest clock difference between station and unit that tickets survive.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    /// <summary>True once <paramref name="now"/> (the unit's clock) is past <paramref name="expiresAt"/> by more than the tolerance.</summary>
    public static bool Expired(DateTimeOffset expiresAt, DateTimeOffset now) => now >= expiresAt + Max;

    /// <summary>True when the station's <paramref name="issuedAt"/> lies ahead of the unit's clock by more than the tolerance.</summary>
    public static bool FromTheFuture(DateTimeOffset issuedAt, DateTimeOffset now) => issuedAt > now + Max;

    /// <summary>The refusal for something that expired: when it was, how far past it this unit's clock reads, and what to check.</summary>
    public static string ExpiredMessage(string what, DateTimeOffset expiresAt, DateTimeOffset now) =>
        $"{what} expired at {expiresAt:HH:mm:ss} UTC, {Describe(now - expiresAt)} ago by this unit's clock (clocks may differ by up to {Describe(Max)}); " +
        "if it was issued just now, this unit's clock is ahead of the station's by about that much: check NTP on both";

    /// <summary>The refusal for a ticket issued ahead of this unit's clock beyond the tolerance, naming the skew.</summary>
    public static string FutureMessage(DateTimeOffset issuedAt, DateTimeOffset now) =>
        $"the ticket was issued {Describe(issuedAt - now)} ahead of this unit's clock (clocks may differ by up to {Describe(Max)}): " +
        "this unit's clock is behind the station's by at least that much; check NTP on both";

    /// <summary>"12 min 5 s", "40 s", "2 h 3 min".</summary>
    public static string Describe(TimeSpan span)
    {
        var s = span.Duration();
        if (s.TotalHours >= 1) return $"{(int)s.TotalHours} h {s.Minutes} min";
        if (s.TotalMinutes >= 1) return s.Seconds == 0 ? $"{s.Minutes} min" : $"{s.Minutes} min {s.Seconds} s";
        return $"{(int)s.TotalSeconds} s";
    }
}
