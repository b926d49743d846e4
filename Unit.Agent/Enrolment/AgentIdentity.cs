namespace Ccdsvm.Unit.Agent.Enrolment;

/// <summary>Who this unit is to its station: its name, its own credential for the hub, and the station key it pinned.</summary>
public sealed record AgentIdentity(string Unit, string Credential, string StationPublicKey);

/// <summary>How a unit obtains its identity: from its state directory and a token, or (the station's own agent) in process.</summary>
public interface IAgentEnrolment
{
    /// <summary>Whether a definitive refusal ends the process (a standalone agent) or only leaves the unit offline (the station's own).</summary>
    bool StopHostWhenRefused { get; }

    /// <summary>Returns the identity; throws <see cref="EnrolmentRefusedException"/> when it cannot be had without a person acting.</summary>
    Task<AgentIdentity> ObtainAsync(CancellationToken ct);
}

/// <summary>The unit is not enrolled and cannot be without a person acting (no token, a used or expired token…).</summary>
public sealed class EnrolmentRefusedException(string message) : Exception(message);
