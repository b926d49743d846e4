namespace Ccdsvm.Station.Core.Store;

/// <summary>The store was written by a station with a newer schema than this one knows: it is not opened, and not changed.</summary>
public sealed class StoreTooNewException : InvalidOperationException
{
    public StoreTooNewException(int storeVersion, int knownVersion)
        : base(MessageFor(storeVersion, knownVersion))
    {
        StoreVersion = storeVersion;
        KnownVersion = knownVersion;
    }

    public StoreTooNewException() : base("this store was made by a newer station")
    {
    }

    public StoreTooNewException(string message) : base(message)
    {
    }

    public StoreTooNewException(string message, Exception inner) : base(message, inner)
    {
    }

    public int StoreVersion { get; }
    public int KnownVersion { get; }

    public static string MessageFor(int storeVersion, int knownVersion) =>
        $"this store was made by a newer station (schema {storeVersion}, this station knows up to {knownVersion}); restore a backup or upgrade the station";
}
