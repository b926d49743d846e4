using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Components;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Components.Account;

/// <summary>The caller's named API tokens: create (the secret shown once), list, revoke.</summary>
public sealed partial class TokensCard
{
    private IReadOnlyList<ApiTokenView> _tokens = [];
    private CreatedApiToken? _created;
    private string? _name, _error;
    private int _days = UserService.DefaultTokenDays;

    [Parameter, EditorRequired] public Caller Caller { get; set; } = default!;
    [Parameter] public string? Address { get; set; }
    [Inject] private UserService Users { get; set; } = default!;

    protected override void OnInitialized() => _tokens = Users.ListTokens(Caller);

    private void Create()
    {
        var outcome = Users.CreateToken(Caller, _name, _days, Address);
        _error = outcome.Error?.Message;
        _created = outcome.Value;
        if (!outcome.Ok) return;
        _name = null;
        _tokens = Users.ListTokens(Caller);
    }

    private void Revoke(ApiTokenView token)
    {
        var outcome = Users.RevokeToken(Caller, token.Id, Address);
        _error = outcome.Error?.Message;
        if (_created?.Id == token.Id) _created = null;
        _tokens = Users.ListTokens(Caller);
    }
}
