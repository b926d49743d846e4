using AngleSharp.Dom;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>
/// "Run on many units" in the run-task form: filters with a live count of what matches before anything starts, the
/// rollout fields validated as you type, and one bulk task submitted with the selector and the rollout instead of a target.
/// </summary>
public sealed class ManyUnitsFormTests : ConsoleTestContext
{
    public ManyUnitsFormTests()
    {
        foreach (var id in new[] { "web-1", "web-2", "web-3", "db-1" }) Tasks.UnitList.Add(Views.Unit(id));
        Tasks.UnitList.Add(Views.Unit("web-4", status: "offline"));
    }

    private IRenderedComponent<TaskForm> FormWithHold()
    {
        var cut = Render<TaskForm>(p => p.Add(x => x.Target, "web-1"));
        cut.Find("[data-testid=form-kind]").Change("maintenance.hold");
        cut.Find("[data-testid=param-resource]").Input("disks/sdb");
        cut.Find("[data-testid=param-seconds]").Input("30");
        cut.Find("[data-testid=param-reason]").Input("firmware");
        return cut;
    }

    private static IElement Submit(IRenderedComponent<TaskForm> cut) => cut.Find("[data-testid=form-submit]");

    [Fact]
    public void Switched_on_it_counts_the_matching_units_live_and_starts_one_bulk_task_with_the_selector_and_rollout()
    {
        var cut = FormWithHold();
        Assert.Empty(cut.FindAll("[data-testid=many-preview]"));

        cut.Find("[data-testid=form-many]").Change(true);
        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("[data-testid=many-count]").TextContent), TimeSpan.FromSeconds(5));
        Assert.Contains("on 4 units", Submit(cut).TextContent, StringComparison.Ordinal);

        cut.Find("[data-testid=many-name]").Input("web-*");
        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=many-count]").TextContent), TimeSpan.FromSeconds(5));
        Assert.Single(cut.FindAll("[data-testid=many-unit-web-2]"));
        Assert.Empty(cut.FindAll("[data-testid=many-unit-db-1]"));
        cut.Find("[data-testid=many-parallelism]").Input("50%");
        cut.Find("[data-testid=many-max-failures]").Input("2");
        Assert.Equal("maintenance.hold", Bulk.Previewed[^1].Kind);

        Submit(cut).Click();

        var sent = Assert.Single(Tasks.Submitted);
        Assert.Null(sent.Target);
        Assert.Equal(new BulkSelector(Status: "online", Name: "web-*"), sent.Selector);
        Assert.Equal(BulkParallelism.OfPercent(50), sent.Rollout!.Parallelism);
        Assert.Equal(2, sent.Rollout.MaxFailures);
        Assert.Equal(30, sent.Parameters!.Value.GetProperty("seconds").GetDouble());
    }

    [Fact]
    public void Rollout_fields_that_cannot_be_read_say_so_and_keep_the_button_off()
    {
        var cut = FormWithHold();
        cut.Find("[data-testid=form-many]").Change(true);

        cut.Find("[data-testid=many-parallelism]").Input("lots");
        cut.WaitForAssertion(() => Assert.Contains("'at once' must be a number of units", cut.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.True(Submit(cut).HasAttribute("disabled"));

        cut.Find("[data-testid=many-parallelism]").Input("5");
        cut.Find("[data-testid=many-max-failures]").Input("0");
        cut.WaitForAssertion(() => Assert.Contains("'stop after failures' must be a whole number of at least 1", cut.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.True(Submit(cut).HasAttribute("disabled"));

        cut.Find("[data-testid=many-max-failures]").Input("");
        cut.WaitForAssertion(() => Assert.False(Submit(cut).HasAttribute("disabled")), TimeSpan.FromSeconds(5));
        Assert.Empty(Tasks.Submitted);
    }

    [Fact]
    public void A_selector_matching_nothing_shows_the_stations_words_and_starts_nothing()
    {
        var cut = FormWithHold();
        cut.Find("[data-testid=form-many]").Change(true);
        cut.Find("[data-testid=many-name]").Input("mail-*");

        cut.WaitForAssertion(() => Assert.Equal("the selector matches no unit", cut.Find("[data-testid=many-problem]").TextContent), TimeSpan.FromSeconds(5));
        Assert.True(Submit(cut).HasAttribute("disabled"));
        Submit(cut).Click();
        Assert.Empty(Tasks.Submitted);
    }

    [Fact]
    public void Units_that_would_refuse_at_once_are_counted_before_starting()
    {
        Bulk.PreviewAnswer = _ => new BulkPreview(40, [new BulkPreviewUnit("web-1", "web-1", "online", null), new BulkPreviewUnit("web-2", "web-2", "online", "you lack Task.maintenance.hold on /units/web-2")],
            MayNotRun: 3, CannotRun: 1, Offline: 0);
        var cut = FormWithHold();
        cut.Find("[data-testid=form-many]").Change(true);

        cut.WaitForAssertion(() => Assert.Equal("40", cut.Find("[data-testid=many-count]").TextContent), TimeSpan.FromSeconds(5));
        Assert.Contains("3 you may not run this on and 1 cannot run it", cut.Find("[data-testid=many-refused]").TextContent, StringComparison.Ordinal);
        Assert.Contains("and 38 more", cut.Find("[data-testid=many-more]").TextContent, StringComparison.Ordinal);
        Assert.Equal("you lack Task.maintenance.hold on /units/web-2", cut.Find("[data-testid=many-unit-web-2]").GetAttribute("title"));
    }

    [Fact]
    public void Switched_off_again_the_form_starts_one_task_on_its_unit()
    {
        var cut = FormWithHold();
        cut.Find("[data-testid=form-many]").Change(true);
        cut.WaitForAssertion(() => Assert.Contains("on 4 units", Submit(cut).TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        cut.Find("[data-testid=form-many]").Change(false);

        Submit(cut).Click();

        var sent = Assert.Single(Tasks.Submitted);
        Assert.Equal("web-1", sent.Target);
        Assert.Null(sent.Selector);
        Assert.Null(sent.Rollout);
    }
}
