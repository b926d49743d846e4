using System.Security.Cryptography;
using Ccdsvm.Station.Core.Store;
using Dapper;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Security;

/// <summary>
/// The shared agent key: from Station:AgentKey when set, otherwise generated once and kept in the store,
/// so agents started with it keep working across station restarts.
/// </summary>
public sealed class StationSecrets
{
    public StationSecrets(IOptions<StationOptions> options, StationDb db)
    {
        if (!string.IsNullOrEmpty(options.Value.AgentKey))
        {
            AgentKey = options.Value.AgentKey;
            return;
        }
        using var c = db.Open();
        var stored = c.ExecuteScalar<string?>("SELECT value FROM settings WHERE key='agent_key'");
        if (stored is null)
        {
            stored = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            c.Execute("INSERT INTO settings(key, value) VALUES ('agent_key', @stored)", new { stored });
        }
        AgentKey = stored;
    }

    public string AgentKey { get; }

    public bool IsValidAgentKey(string? presented) =>
        presented is not null &&
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(AgentKey));
}
