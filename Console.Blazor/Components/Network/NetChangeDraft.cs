using System.Globalization;
using System.Text.Json;

namespace Ccdsvm.Console.Blazor.Components.Network;

/// <summary>
/// One interface change as typed in the Network card's form, checked field by field as it is typed with the contract's
/// own rules (<see cref="NetAddresses"/>, <see cref="NetChangeSpecs"/>), then as a whole by <see cref="NetConfigure"/>
/// exactly as the station checks it.
/// </summary>
public sealed record NetChangeDraft(
    string Interface = "",
    string Addresses = "",
    string Mtu = "",
    string State = "",
    string VlanId = "",
    string RollbackSeconds = "60",
    bool Auto = false,
    bool CutsOffUnit = false)
{
    /// <summary>The addresses as typed, split at commas and spaces.</summary>
    public IReadOnlyList<string> AddressList => [.. Addresses.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public string? AddressProblem => AddressList.Select(NetAddresses.CidrProblem).FirstOrDefault(p => p is not null);

    public string? MtuProblem => Mtu.Length == 0 ? null
        : int.TryParse(Mtu, NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m is >= NetChangeSpecs.MinMtu and <= NetChangeSpecs.MaxMtu ? null
        : $"MTU must be a whole number from {NetChangeSpecs.MinMtu} to {NetChangeSpecs.MaxMtu}; got '{Mtu}'";

    public string? VlanProblem => VlanId.Length == 0 ? null
        : int.TryParse(VlanId, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v is >= 1 and <= 4094 ? null
        : $"VLAN id must be a whole number from 1 to 4094; got '{VlanId}'";

    public string? RollbackProblem =>
        int.TryParse(RollbackSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s is >= NetConfigure.MinRollbackSeconds and <= NetConfigure.MaxRollbackSeconds ? null
        : $"the rollback timer must be {NetConfigure.MinRollbackSeconds} to {NetConfigure.MaxRollbackSeconds} seconds; got '{RollbackSeconds}'";

    /// <summary>What the change would do, or that it does nothing yet.</summary>
    public bool ChangesSomething => Addresses.Trim().Length > 0 || Mtu.Length > 0 || State.Length > 0 || VlanId.Length > 0;

    /// <summary>
    /// The parameters this draft sends. With a VLAN id it creates the VLAN <c>{interface}.{id}</c> on the interface and the
    /// addresses, MTU and state go to the VLAN; otherwise they change the interface itself.
    /// </summary>
    public NetConfigureParameters ToParameters()
    {
        int? Number(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
        var addresses = Addresses.Trim().Length > 0 ? AddressList : null;
        var change = Number(VlanId) is { } id
            ? new NetInterfaceChange($"{Interface}.{id}", addresses, Mtu: Number(Mtu), State: State.Length > 0 ? State : null, Vlan: new NetVlanSpec(Interface, id))
            : new NetInterfaceChange(Interface, addresses, Mtu: Number(Mtu), State: State.Length > 0 ? State : null);
        return new NetConfigureParameters([change], RollbackSeconds: Number(RollbackSeconds),
            Confirm: Auto ? NetConfigure.ConfirmAuto : NetConfigure.ConfirmManual, CutsOffUnit: CutsOffUnit ? true : null);
    }

    public JsonElement ToJson() => NetConfigure.Contract.Write(ToParameters());

    /// <summary>The first problem a person must fix before sending, field by field first, then the contract's own check; null when none.</summary>
    public string? Problem =>
        Interface.Length == 0 ? "choose an interface"
        : !ChangesSomething ? "change at least one of addresses, MTU, state or VLAN"
        : AddressProblem ?? MtuProblem ?? VlanProblem ?? RollbackProblem ?? NetConfigure.Contract.Check(ToJson());
}
