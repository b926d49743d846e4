namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// Body of <see cref="EnrolmentRoutes.Redeem"/>: an agent trades a one-time enrolment token an administrator
/// created for its own credential.
/// </summary>
public sealed record RedeemEnrolment(string? Token, string? Unit);

/// <summary>
/// What a redeemed token gives the unit: its credential for the hub (shown once, stored hashed at the
/// station) and the station's public key, which the unit pins and checks every ticket against.
/// </summary>
public sealed record EnrolmentGrant(string Unit, string Credential, string StationPublicKey);

public static class EnrolmentRoutes
{
    /// <summary>Anonymous: the token is the authorisation.</summary>
    public const string Redeem = "/api/v1/enrolments/redeem";
}
