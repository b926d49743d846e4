using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Notifications;

namespace Ccdsvm.Console.Blazor.Tests.Notifications;

/// <summary>Targets and matchers held in memory, checked by the station's own checks; records what the page saved.</summary>
internal sealed class ScriptedNotificationAdmin : IConsoleNotificationAdmin
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    public bool MayManage { get; set; } = true;
    public List<NotificationTargetView> TargetList { get; } = [];
    public List<NotificationMatcherView> MatcherList { get; } = [];
    public List<NotificationDeliveryView> DeliveryList { get; } = [];
    public List<(long? Id, NotificationTargetRequest Request)> SavedTargets { get; } = [];
    public List<NotificationMatcherRequest> SavedMatchers { get; } = [];

    public IReadOnlyList<NotificationTargetView> Targets() => TargetList;

    public Outcome<NotificationTargetView> SaveTarget(long? id, NotificationTargetRequest request)
    {
        if (TargetProblem(request) is { } problem) return StationError.BadRequest(problem);
        SavedTargets.Add((id, request));
        long newId = id ?? TargetList.Count + 1;
        bool secretKept = id is { } old && TargetList.First(t => t.Id == old).SecretSet && request.Secret is null;
        var view = new NotificationTargetView(newId, request.Name!, request.Type!, true, request.Url, secretKept || !string.IsNullOrEmpty(request.Secret), request.Host,
            request.Port, request.Security, request.Username, !string.IsNullOrEmpty(request.Password), request.From, request.To ?? [], Now, Now);
        TargetList.RemoveAll(t => t.Id == newId);
        TargetList.Add(view);
        return view;
    }

    public Outcome<bool> DeleteTarget(long id) => TargetList.RemoveAll(t => t.Id == id) == 1;
    public string? TargetProblem(NotificationTargetRequest request) => NotificationTargets.Problem(request);

    public IReadOnlyList<NotificationMatcherView> Matchers() => MatcherList;

    public Outcome<NotificationMatcherView> SaveMatcher(long? id, NotificationMatcherRequest request)
    {
        if (MatcherProblem(request) is { } problem) return StationError.BadRequest(problem);
        SavedMatchers.Add(request);
        var view = new NotificationMatcherView(id ?? MatcherList.Count + 1, request.Name!, true, request.Targets!, request.MinSeverity ?? NotificationSeverities.Info,
            request.Types ?? [], request.Kinds ?? [], request.UnitTags ?? [], request.Window, request.Digest ?? DigestPolicies.Immediately, Now, Now);
        MatcherList.RemoveAll(m => m.Id == view.Id);
        MatcherList.Add(view);
        return view;
    }

    public Outcome<bool> DeleteMatcher(long id) => MatcherList.RemoveAll(m => m.Id == id) == 1;

    public string? MatcherProblem(NotificationMatcherRequest request) =>
        request.Targets is { Count: > 0 } t && t.Any(id => TargetList.All(x => x.Id != id)) ? "'targets' names a target that does not exist"
        : string.IsNullOrWhiteSpace(request.Name) ? "'name' is required, at most 100 characters"
        : request.Targets is not { Count: > 0 } ? "'targets' must list 1 to 50 target ids"
        : request.Window?.FromHour is < 0 or > 23 ? "'window.fromHour' must be 0-23 and 'window.toHour' 1-24"
        : null;

    public IReadOnlyList<NotificationDeliveryView> Deliveries(int limit = 100) => DeliveryList;
}
