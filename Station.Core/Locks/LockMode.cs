namespace Ccdsvm.Station.Core.Locks;

/// <summary>Lock modes with the intention modes taken on every ancestor of a locked path.</summary>
public enum LockMode
{
    IntentionShared = 0,
    IntentionExclusive = 1,
    Shared = 2,
    Exclusive = 3,
}

public static class LockModes
{
    // Rows: held, columns: requested. The textbook multi-granularity matrix (IS, IX, S, X).
    private static readonly bool[,] Compatible =
    {
        //            IS     IX     S      X
        /* IS */ { true,  true,  true,  false },
        /* IX */ { true,  true,  false, false },
        /* S  */ { true,  false, true,  false },
        /* X  */ { false, false, false, false },
    };

    public static bool IsCompatible(LockMode held, LockMode requested) => Compatible[(int)held, (int)requested];

    public static LockMode IntentionFor(LockMode mode) =>
        mode is LockMode.Exclusive or LockMode.IntentionExclusive ? LockMode.IntentionExclusive : LockMode.IntentionShared;

    /// <summary>The weaker-or-equal combination that covers both (S + IX is treated as X: SIX is not modelled).</summary>
    public static LockMode Combine(LockMode a, LockMode b)
    {
        if (a == b) return a;
        if ((a == LockMode.Shared && b == LockMode.IntentionExclusive) || (b == LockMode.Shared && a == LockMode.IntentionExclusive))
            return LockMode.Exclusive;
        return (LockMode)Math.Max((int)a, (int)b);
    }

    public static string ToApi(this LockMode mode) => mode switch
    {
        LockMode.Shared => "shared",
        LockMode.Exclusive => "exclusive",
        LockMode.IntentionShared => "intentionShared",
        _ => "intentionExclusive",
    };

    public static LockMode FromApi(string text) => text switch
    {
        "shared" => LockMode.Shared,
        "exclusive" => LockMode.Exclusive,
        "intentionShared" => LockMode.IntentionShared,
        "intentionExclusive" => LockMode.IntentionExclusive,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "unknown lock mode"),
    };
}
