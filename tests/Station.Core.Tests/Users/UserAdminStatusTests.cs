using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Station.Core.Tests.Users;

/// <summary>
/// A user or ACL change that fails answers the status its task's error kind says (409 exists, 404 missing, 400 bad),
/// through the real auth.user / auth.grant tasks; a reworded message does not change the status.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class UserAdminStatusTests : IDisposable
{
    private static readonly Caller Root = new("root", true);
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly UserAdmin _admin;

    public UserAdminStatusTests() => _admin = new UserAdmin(_h.Db, _h.Access, _h.Engine, _h.Passwords);

    public void Dispose() => _h.Dispose();

    private static StationError Refused(Outcome<AdminChange> change)
    {
        Assert.False(change.Ok, $"expected a refusal, the change succeeded: {change.Value?.Task.Id}");
        return change.Error!;
    }

    [Fact]
    public async Task An_existing_user_or_group_is_409_a_missing_one_404_and_an_own_account_400()
    {
        Assert.True((await _admin.CreateUserAsync(Root, "helen", "long-enough-password", null, false, null, false).WaitAsync(EngineHarness.Limit)).Ok);
        Assert.True((await _admin.UserChangeAsync(Root, AuthUserAction.CreateGroup, group: "ops").WaitAsync(EngineHarness.Limit)).Ok);

        var again = Refused(await _admin.CreateUserAsync(Root, "helen", "long-enough-password", null, false, null, false).WaitAsync(EngineHarness.Limit));
        var groupAgain = Refused(await _admin.UserChangeAsync(Root, AuthUserAction.CreateGroup, group: "ops").WaitAsync(EngineHarness.Limit));
        var missing = Refused(await _admin.UserChangeAsync(Root, AuthUserAction.Delete, username: "nobody").WaitAsync(EngineHarness.Limit));
        var missingGroup = Refused(await _admin.UserChangeAsync(Root, AuthUserAction.SetGroups, username: "helen", groups: ["nowhere"]).WaitAsync(EngineHarness.Limit));
        var self = Refused(await _admin.UserChangeAsync(Root, AuthUserAction.Delete, username: "root").WaitAsync(EngineHarness.Limit));

        Assert.Equal((StationErrorKind.Conflict, "user 'helen' already exists"), (again.Kind, again.Message));
        Assert.Equal((StationErrorKind.Conflict, "group 'ops' already exists"), (groupAgain.Kind, groupAgain.Message));
        Assert.Equal((StationErrorKind.NotFound, "there is no user 'nobody'"), (missing.Kind, missing.Message));
        Assert.Equal((StationErrorKind.NotFound, "there is no group 'nowhere'; create it first"), (missingGroup.Kind, missingGroup.Message));
        Assert.Equal((StationErrorKind.BadRequest, "you cannot delete your own account"), (self.Kind, self.Message));
    }

    [Fact]
    public async Task Revoking_a_role_nobody_holds_is_404()
    {
        var nothing = Refused(await _admin.RevokeAsync(Root, "/units/a", "@helpdesk", "HelpDesk").WaitAsync(EngineHarness.Limit));

        Assert.Equal(StationErrorKind.NotFound, nothing.Kind);
        Assert.Contains("nothing to revoke", nothing.Message);
    }

    [Theory]
    [InlineData(TaskErrorKind.Conflict, StationErrorKind.Conflict)]
    [InlineData(TaskErrorKind.NotFound, StationErrorKind.NotFound)]
    [InlineData(TaskErrorKind.Forbidden, StationErrorKind.Forbidden)]
    [InlineData(TaskErrorKind.Refused, StationErrorKind.Forbidden)]
    [InlineData(TaskErrorKind.Invalid, StationErrorKind.BadRequest)]
    [InlineData(TaskErrorKind.Failed, StationErrorKind.BadRequest)]
    [InlineData(TaskErrorKind.Unavailable, StationErrorKind.Conflict)]
    [InlineData(TaskErrorKind.Timeout, StationErrorKind.Conflict)]
    public void A_failed_task_maps_to_its_status_by_kind_whatever_its_message_says(TaskErrorKind kind, StationErrorKind expected)
    {
        // Words that once decided the status, now on the wrong kinds: only the kind counts, the message is passed on.
        foreach (var message in new[] { "reworded: the name is taken", "there is no user 'x'", "user 'x' already exists", "you (bob) may not" })
        {
            var task = new TaskView(7, TaskKinds.AuthUser, TaskEngine.StationTarget, "root", null, TaskStateNames.Failed, 0, "failed", 0, 1,
                null, null, message, null, [], [], null, DateTimeOffset.UnixEpoch, null, DateTimeOffset.UnixEpoch, kind);

            var error = TaskFailures.ToStationError(task);

            Assert.Equal((expected, message), (error.Kind, error.Message));
        }
    }

    [Theory]
    [InlineData(StationErrorKind.BadRequest, TaskErrorKind.Invalid)]
    [InlineData(StationErrorKind.Forbidden, TaskErrorKind.Forbidden)]
    [InlineData(StationErrorKind.NotFound, TaskErrorKind.NotFound)]
    [InlineData(StationErrorKind.Conflict, TaskErrorKind.Conflict)]
    public void A_station_refusal_and_its_task_kind_map_back_to_the_same_status(StationErrorKind refusal, TaskErrorKind kind)
    {
        Assert.Equal(kind, TaskFailures.KindOf(refusal));
        var task = new TaskView(7, TaskKinds.AuthGrant, TaskEngine.StationTarget, "root", null, TaskStateNames.Failed, 0, "failed", 0, 1,
            null, null, "why", null, [], [], null, DateTimeOffset.UnixEpoch, null, DateTimeOffset.UnixEpoch, TaskFailures.KindOf(refusal));
        Assert.Equal(refusal, TaskFailures.ToStationError(task).Kind);
    }
}
