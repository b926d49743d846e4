using Bunit;
using Ccdsvm.Console.Blazor.Components.Notifications;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Notifications;

/// <summary>The Notifications admin page: target and matcher forms checked as one types, write-only secrets, the delivery log.</summary>
public sealed class NotificationsAdminPageTests : ConsoleTestContext
{
    private readonly ScriptedNotificationAdmin _admin = new();

    public NotificationsAdminPageTests() => Services.AddSingleton<IConsoleNotificationAdmin>(_admin);

    [Fact]
    public void WebhookForm_ChecksTheUrlAsOneTypes_SavesWithTheSecret_WhichIsThenOnlyShownAsSet()
    {
        var cut = Render<NotificationsAdminPage>();
        cut.Find("[data-testid=target-name]").Input("ops hook");
        cut.Find("[data-testid=target-url]").Input("hooks.example.com");

        Assert.Contains("'url' must be an absolute http:// or https:// address", cut.Find("[data-testid=target-problem]").TextContent);
        Assert.True(cut.Find("[data-testid=target-save]").HasAttribute("disabled"));

        cut.Find("[data-testid=target-url]").Input("https://hooks.example.com/ccdsvm");
        cut.Find("[data-testid=target-secret-input]").Input("hmac-secret");
        Assert.Empty(cut.FindAll("[data-testid=target-problem]"));
        cut.Find("[data-testid=target-save]").Click();

        var saved = Assert.Single(_admin.SavedTargets);
        Assert.Equal(("ops hook", "https://hooks.example.com/ccdsvm", "hmac-secret"), (saved.Request.Name, saved.Request.Url, saved.Request.Secret));
        Assert.Equal("set", cut.Find("[data-testid=target-1] [data-testid=target-secret]").TextContent);
        Assert.DoesNotContain("hmac-secret", cut.Markup);

        cut.Find("[data-testid=target-1] [data-testid=target-edit]").Click();
        Assert.Equal("", cut.Find("[data-testid=target-secret-input]").GetAttribute("value") ?? "");
        cut.Find("[data-testid=target-save]").Click();

        Assert.Null(_admin.SavedTargets[^1].Request.Secret); // left empty: the saved secret is kept
        Assert.Equal("set", cut.Find("[data-testid=target-1] [data-testid=target-secret]").TextContent);
    }

    [Fact]
    public void EmailForm_RefusesABadPortAndAddress_WithWordsToActOn()
    {
        var cut = Render<NotificationsAdminPage>();
        cut.Find("[data-testid=target-name]").Input("mail");
        cut.Find("[data-testid=target-type]").Change(NotificationTargetTypes.Email);
        cut.Find("[data-testid=target-host]").Input("smtp.example.com");
        cut.Find("[data-testid=target-port]").Input("70000");

        Assert.Contains("'port' must be between 1 and 65535", cut.Find("[data-testid=target-problem]").TextContent);

        cut.Find("[data-testid=target-port]").Input("587");
        cut.Find("[data-testid=target-from]").Input("station@example.com");
        cut.Find("[data-testid=target-to]").Input("ops@example.com, nobody");
        Assert.Contains("'to' holds 'nobody'", cut.Find("[data-testid=target-problem]").TextContent);

        cut.Find("[data-testid=target-to]").Input("ops@example.com, oncall@example.com");
        cut.Find("[data-testid=target-password]").Input("pw");
        Assert.Contains("a 'password' needs a 'username'", cut.Find("[data-testid=target-problem]").TextContent);
        cut.Find("[data-testid=target-username]").Input("station");
        cut.Find("[data-testid=target-save]").Click();

        var saved = Assert.Single(_admin.SavedTargets).Request;
        Assert.Equal((587, SmtpSecurityModes.StartTls, 2), (saved.Port, saved.Security, saved.To!.Count));
    }

    [Fact]
    public void MatcherForm_PicksTargetsAndTags_HourlyDigest_ListsWhatItTakes()
    {
        _admin.TargetList.Add(new NotificationTargetView(4, "ops hook", NotificationTargetTypes.Webhook, true, "https://h.example.com", false, null, null, null, null, false,
            null, [], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        var cut = Render<NotificationsAdminPage>();
        cut.Find("[data-testid=matcher-name]").Input("rack 2 errors");
        Assert.Contains("'targets' must list", cut.Find("[data-testid=matcher-problem]").TextContent);

        cut.Find("[data-testid=matcher-target-4]").Change(true);
        cut.Find("[data-testid=matcher-severity]").Change(NotificationSeverities.Error);
        cut.Find("[data-testid=matcher-tags]").Input("rack-2, rack-3");
        cut.Find("[data-testid=matcher-digest]").Change(DigestPolicies.Hourly);
        Assert.Empty(cut.FindAll("[data-testid=matcher-problem]"));
        cut.Find("[data-testid=matcher-save]").Click();

        var saved = Assert.Single(_admin.SavedMatchers);
        Assert.Equal([4L], saved.Targets);
        Assert.Equal((NotificationSeverities.Error, DigestPolicies.Hourly), (saved.MinSeverity, saved.Digest));
        Assert.Equal(["rack-2", "rack-3"], saved.UnitTags);
        Assert.Contains("tags rack-2/rack-3", cut.Find("[data-testid=matcher-1] [data-testid=matcher-takes]").TextContent);
    }

    [Fact]
    public void DeliveryLog_ShowsEveryAttempt_AndNonAdminsSeeNoForms()
    {
        _admin.DeliveryList.Add(new NotificationDeliveryView(2, DateTimeOffset.UnixEpoch, 4, "ops hook", NotificationTypes.TaskFailed, "Task 7 failed", 2, DeliveryResults.Delivered, 200, null));
        _admin.DeliveryList.Add(new NotificationDeliveryView(1, DateTimeOffset.UnixEpoch, 4, "ops hook", NotificationTypes.TaskFailed, "Task 7 failed", 1, DeliveryResults.Retrying, 500, "the receiver answered 500"));
        var cut = Render<NotificationsAdminPage>();
        Assert.Equal(["delivered (200)", "retrying (500)"], cut.FindAll("[data-testid=delivery-result]").Select(c => c.TextContent));

        _admin.MayManage = false;
        var denied = Render<NotificationsAdminPage>();
        Assert.NotEmpty(denied.FindAll("[data-testid=notify-admin-denied]"));
        Assert.Empty(denied.FindAll("[data-testid=target-form]"));
    }
}
