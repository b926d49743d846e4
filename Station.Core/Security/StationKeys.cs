using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Security;

/// <summary>
/// The station's ECDSA P-256 key pair: generated once and kept in the store (<c>settings.station_key</c>,
/// PKCS#8). It signs every task ticket and transfer ticket; units pin its public key when they enrol.
/// </summary>
public sealed class StationKeys : IDisposable
{
    private const string SettingKey = "station_key";
    private readonly ECDsa _key;
    private readonly object _gate = new();
    // Signers for task tickets: copies of the same key, one per concurrent signer (an ECDsa instance is used by one thread at a time).
    private readonly ConcurrentBag<ECDsa> _signers = [];
    private readonly ECParameters _parameters;
    private bool _disposed;

    public StationKeys(StationDb db)
    {
        using var c = db.Open();
        var stored = c.ExecuteScalar<string?>("SELECT value FROM settings WHERE key=@SettingKey", new { SettingKey });
        _key = ECDsa.Create();
        if (stored is null)
        {
            _key.GenerateKey(ECCurve.NamedCurves.nistP256);
            var pkcs8 = Convert.ToBase64String(_key.ExportPkcs8PrivateKey());
            // A concurrent first start keeps whichever key landed first.
            c.Execute("INSERT OR IGNORE INTO settings(key, value) VALUES (@SettingKey, @pkcs8)", new { SettingKey, pkcs8 });
            stored = c.ExecuteScalar<string>("SELECT value FROM settings WHERE key=@SettingKey", new { SettingKey });
        }
        _key.ImportPkcs8PrivateKey(Convert.FromBase64String(stored!), out _);
        PublicKey = TicketSigning.ExportPublicKey(_key);
        _parameters = _key.ExportParameters(includePrivateParameters: true);
    }

    /// <summary>The public key as units pin it (SubjectPublicKeyInfo, base64).</summary>
    public string PublicKey { get; }

    /// <summary>
    /// Signs a task ticket. ECDsa instances are not documented as thread-safe, so each signature uses an instance
    /// no other thread holds: concurrent dispatches sign in parallel on copies of the key instead of queueing
    /// behind one lock.
    /// </summary>
    public SignedTicket Sign(TaskTicket ticket) => WithSigner(signer => TicketSigning.Sign(ticket, signer));

    /// <summary>Signs several task tickets with one signature over a manifest of their hashes (see <see cref="TicketSigning.SignBatch"/>).</summary>
    public SignedTicket[] SignBatch(IReadOnlyList<TaskTicket> tickets) => WithSigner(signer => TicketSigning.SignBatch(tickets, signer));

    private T WithSigner<T>(Func<ECDsa, T> sign)
    {
        if (!_signers.TryTake(out var signer)) signer = ECDsa.Create(_parameters);
        try { return sign(signer); }
        finally
        {
            // Keep at most one copy per processor; a copy beyond that (or after disposal) is dropped.
            if (Volatile.Read(ref _disposed) || _signers.Count >= Environment.ProcessorCount) signer.Dispose();
            else _signers.Add(signer);
        }
    }

    /// <summary>Runs <paramref name="use"/> with the key under the same lock (transfer tickets sign and verify with it).</summary>
    public T With<T>(Func<ECDsa, T> use)
    {
        lock (_gate) return use(_key);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _key.Dispose();
        while (_signers.TryTake(out var signer)) signer.Dispose();
    }
}
