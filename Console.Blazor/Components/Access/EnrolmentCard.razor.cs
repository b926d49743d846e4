using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Access;

/// <summary>Enrolment tokens for new units, and the enrolled units with their revocation.</summary>
public sealed partial class EnrolmentCard : AccessCard
{
    private string? _enrolNote;
    private EnrolmentCreated? _newToken;
    private IReadOnlyList<EnrolmentView> _enrolments = [];
    private IReadOnlyList<UnitView> _units = [];
    private string _stationUrl = "";
    private string? _fingerprint;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private IServiceProvider Services { get; set; } = default!;

    [Inject] private IConsoleUnits UnitList { get; set; } = default!;

    /// <summary>How many enrolled units the card lists at once; the rest are found by typing.</summary>
    public const int EnrolledShown = 20;

    private string _unitSearch = "";
    private int _unitTotal;

    protected override void Load()
    {
        _stationUrl = Navigation.BaseUri.TrimEnd('/');
        _fingerprint = Services.GetService(typeof(Tls.StationTlsState)) is Tls.StationTlsState { Https: true } tls ? tls.Fingerprint : null;
        _enrolments = Admin.Enrolments().Value ?? [];
        LoadUnits();
    }

    private void LoadUnits()
    {
        var page = UnitList.List(new UnitQuery(Search: _unitSearch.Length > 0 ? _unitSearch : null), UnitSorts.Id, 0, EnrolledShown);
        _units = page.Value?.Items ?? [];
        _unitTotal = page.Value?.Total ?? 0;
    }

    private void UnitSearchChanged(ChangeEventArgs e)
    {
        _unitSearch = e.Value?.ToString()?.Trim() ?? "";
        LoadUnits();
    }

    private async Task CreateToken()
    {
        var created = await Admin.CreateEnrolmentAsync(_enrolNote, null);
        _newToken = created.Value;
        Load();
        await Report(created.Ok ? $"enrolment token #{created.Value!.Id} created" : created.Error!.Message, !created.Ok);
    }

    private string? _revoking;

    private async Task Revoke(string unit)
    {
        var revoked = await Admin.RevokeUnitAsync(unit);
        Load();
        await Report(revoked.Ok ? $"unit {unit} revoked; {revoked.Value!.ConnectionsClosed} connection(s) closed; it needs a new token to come back" : revoked.Error!.Message, !revoked.Ok);
    }
}
