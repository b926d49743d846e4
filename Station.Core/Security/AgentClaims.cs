namespace Ccdsvm.Station.Core.Security;

/// <summary>The claims of a unit's own credential (the agent hub's authentication issues them; everything else refuses them as a person).</summary>
public static class AgentClaims
{
    /// <summary>The unit a principal is, when it authenticated with a unit's credential.</summary>
    public const string Unit = "ccdsvm:unit";
}
