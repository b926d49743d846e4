using System.Text.Json;
using AngleSharp.Dom;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

public sealed class TaskFormTests : ConsoleTestContext
{
    private IRenderedComponent<TaskForm> RenderForm(string? initialKind = null, Action<long>? onSubmitted = null) =>
        Render<TaskForm>(p =>
        {
            p.Add(x => x.Target, "unit-a");
            if (initialKind is not null) p.Add(x => x.InitialKind, initialKind);
            if (onSubmitted is not null) p.Add(x => x.OnSubmitted, onSubmitted);
        });

    private static IElement Field(IRenderedComponent<TaskForm> cut, string name) => cut.Find($"[data-testid=param-{name}]");

    /// <summary>
    /// The text under a field: its helper text, or its error once it has one. MudBlazor drops the input's
    /// aria-describedby while it shows an error, so go through the field's control instead.
    /// </summary>
    private static string FieldText(IRenderedComponent<TaskForm> cut, string name) =>
        Field(cut, name).Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")!.TextContent;

    private static bool SubmitDisabled(IRenderedComponent<TaskForm> cut) => cut.Find("[data-testid=form-submit]").HasAttribute("disabled");

    /// <summary>Picks a {unit, path} location: the unit from the list, the path typed.</summary>
    private static void Place(IRenderedComponent<TaskForm> cut, string name, string unit, string path)
    {
        cut.Find($"[data-testid=param-{name}-unit]").Change(unit);
        cut.Find($"[data-testid=param-{name}-path]").Input(path);
    }

    private void WithUnits() { Tasks.UnitList.Add(Views.Unit("unit-a")); Tasks.UnitList.Add(Views.Unit("unit-b")); }

    private static void FillHold(IRenderedComponent<TaskForm> cut)
    {
        cut.Find("[data-testid=form-kind]").Change("maintenance.hold");
        Field(cut, "resource").Input("disks/sdb");
        Field(cut, "seconds").Input("30");
        Field(cut, "reason").Input("replacing cable");
    }

    [Fact]
    public void ChoosingKind_RendersItsParameterFields()
    {
        var cut = RenderForm();
        cut.Find("[data-testid=form-kind]").Change("fs.checksum");
        Assert.Equal("fs.checksum", cut.Find("[data-testid=form-kind]").GetAttribute("value"));
        Assert.Single(cut.FindAll("[data-testid=param-path]"));

        cut.Find("[data-testid=form-kind]").Change("maintenance.hold");

        Assert.Empty(cut.FindAll("[data-testid=param-path]"));
        foreach (var name in new[] { "resource", "seconds", "reason", "waitSeconds" })
            Assert.Single(cut.FindAll($"[data-testid=param-{name}]"));
        Assert.Equal("number", Field(cut, "seconds").GetAttribute("type"));
        Assert.Equal("Hold for maintenance", cut.Find("[data-testid=form-submit]").TextContent.Trim());
    }

    [Fact]
    public void KindWithoutParameters_CanBeSubmittedAtOnce()
    {
        var cut = RenderForm("storage.inventory");

        Assert.False(SubmitDisabled(cut));
    }

    [Fact]
    public void RequiredField_TypedThenCleared_ShowsRequiredErrorAndKeepsSubmitDisabled()
    {
        var cut = RenderForm("fs.checksum");
        Assert.True(SubmitDisabled(cut));
        Assert.Equal("false", Field(cut, "path").GetAttribute("aria-invalid"));

        Field(cut, "path").Input("/srv/data/a.bin");
        Assert.False(SubmitDisabled(cut));

        Field(cut, "path").Input("");

        Assert.Equal("path is required", FieldText(cut, "path"));
        Assert.Equal("true", Field(cut, "path").GetAttribute("aria-invalid"));
        Assert.True(SubmitDisabled(cut));
    }

    [Fact]
    public void NumberOutOfRange_ShowsRangeErrorAndDisablesSubmit()
    {
        var cut = RenderForm("maintenance.hold");
        Field(cut, "resource").Input("disks/sdb");

        Field(cut, "seconds").Input("0");

        Assert.Equal("parameter 'seconds' must be at least 1", FieldText(cut, "seconds"));
        Assert.True(SubmitDisabled(cut));

        Field(cut, "seconds").Input("60");

        Assert.Equal("how long to hold it", FieldText(cut, "seconds"));
        Assert.False(SubmitDisabled(cut));
    }

    [Fact]
    public void Submit_SendsKindTargetAndTypedParameters_NumbersAsNumbers()
    {
        var submitted = new List<long>();
        var cut = RenderForm(onSubmitted: submitted.Add);
        FillHold(cut);

        cut.Find("[data-testid=form-submit]").Click();

        var request = Assert.Single(Tasks.Submitted);
        Assert.Equal("maintenance.hold", request.Kind);
        Assert.Equal("unit-a", request.Target);
        Assert.Null(request.WaitSeconds);
        var p = request.Parameters!.Value;
        Assert.Equal("disks/sdb", p.GetProperty("resource").GetString());
        Assert.Equal(JsonValueKind.Number, p.GetProperty("seconds").ValueKind);
        Assert.Equal(30, p.GetProperty("seconds").GetDouble());
        Assert.Equal("replacing cable", p.GetProperty("reason").GetString());
        var id = Assert.Single(submitted);
        Assert.Equal("queued", Tasks.Get(id)!.State);
        Assert.Empty(cut.FindAll("[data-testid=form-error]"));
    }

    [Fact]
    public void Locations_ArePickedAsUnitAndPath_AndSentAsObjects()
    {
        WithUnits();
        var cut = RenderForm();
        cut.Find("[data-testid=form-kind]").Change("data.move");
        Assert.Equal(["", "unit-a", "unit-b"], cut.FindAll("[data-testid=param-source-unit] option").Select(o => o.GetAttribute("value")));
        cut.Find("[data-testid=param-source-unit]").Change("unit-b");
        Assert.Contains("path", cut.Find("[data-testid=param-source-path]").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")!.TextContent);
        Assert.True(SubmitDisabled(cut));

        Place(cut, "source", "unit-b", "/srv/b/f.bin");
        Place(cut, "destination", "unit-a", "/srv/a/f.bin");
        cut.Find("[data-testid=form-submit]").Click();

        var p = Assert.Single(Tasks.Submitted).Parameters!.Value;
        Assert.Equal(JsonValueKind.Object, p.GetProperty("source").ValueKind);
        Assert.Equal("unit-b", p.GetProperty("source").GetProperty("unit").GetString());
        Assert.Equal("/srv/b/f.bin", p.GetProperty("source").GetProperty("path").GetString());
        Assert.Equal("unit-a", p.GetProperty("destination").GetProperty("unit").GetString());
    }

    [Fact]
    public void Submit_LeavesOutEmptyOptionalFieldsAndPassesWaitLimit()
    {
        var cut = RenderForm("maintenance.hold");
        Field(cut, "resource").Input("disks/sdb");
        Field(cut, "seconds").Input("5");
        Field(cut, "waitSeconds").Input("2.5");

        cut.Find("[data-testid=form-submit]").Click();

        var request = Assert.Single(Tasks.Submitted);
        Assert.False(request.Parameters!.Value.TryGetProperty("reason", out _));
        Assert.Equal(2.5, request.WaitSeconds);
    }

    [Fact]
    public void StationRefusal_IsShownInFormAndTypedValuesStay()
    {
        const string refusal = "the task list is full (8 of 8 slots in use); try again when a task has ended";
        Tasks.OnSubmit = _ => StationError.TooMany(refusal);
        var submitted = new List<long>();
        var cut = RenderForm(onSubmitted: submitted.Add);
        FillHold(cut);

        cut.Find("[data-testid=form-submit]").Click();

        Assert.Equal(refusal, cut.Find("[data-testid=form-error]").TextContent.Trim());
        Assert.Empty(submitted);
        Assert.Equal("maintenance.hold", cut.Find("[data-testid=form-kind]").GetAttribute("value"));
        Assert.Equal("disks/sdb", Field(cut, "resource").GetAttribute("value"));
        Assert.Equal("30", Field(cut, "seconds").GetAttribute("value"));
        Assert.Equal("replacing cable", Field(cut, "reason").GetAttribute("value"));
        Assert.False(SubmitDisabled(cut));
    }

    [Fact]
    public void StationRefusal_IsClearedWhenUserEditsAField()
    {
        Tasks.OnSubmit = _ => StationError.Conflict("a task holding disks/sdb is already running");
        var cut = RenderForm();
        FillHold(cut);
        cut.Find("[data-testid=form-submit]").Click();
        Assert.Single(cut.FindAll("[data-testid=form-error]"));

        Field(cut, "resource").Input("disks/sdc");

        Assert.Empty(cut.FindAll("[data-testid=form-error]"));
    }

    [Fact]
    public void KindsTheUserMayNotRun_AreNotOffered_AndAnInitialDeniedKindFallsBack()
    {
        Tasks.DeniedKinds.Add("maintenance.hold");
        Tasks.DeniedKinds.Add("storage.mkfs");

        var cut = RenderForm(initialKind: "storage.mkfs");

        var offered = cut.FindAll("[data-testid=form-kind] option").Select(o => o.GetAttribute("value")).ToList();
        Assert.DoesNotContain("maintenance.hold", offered);
        Assert.DoesNotContain("storage.mkfs", offered);
        Assert.DoesNotContain(offered, k => k!.StartsWith("auth.", StringComparison.Ordinal));
        Assert.Contains("fs.list", offered);
        Assert.Equal(offered[0], cut.Find("[data-testid=form-kind]").GetAttribute("value"));
        Assert.DoesNotContain("Format", cut.Find("[data-testid=form-submit]").TextContent);
    }

    [Fact]
    public void UserWhoMayRunNothing_IsToldSo()
    {
        foreach (var k in Tasks.Kinds) Tasks.DeniedKinds.Add(k.Kind);

        var cut = RenderForm();

        Assert.Contains("You may not start tasks on unit-a", cut.Find("[data-testid=form-no-kinds]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=form-kind] option"));
    }

    [Fact]
    public void DataMove_AsAPlainCopy_AsksNothing_AsAMove_WantsItTyped()
    {
        WithUnits();
        var cut = RenderForm();
        cut.Find("[data-testid=form-kind]").Change("data.move");
        Place(cut, "source", "unit-b", "/srv/b/f.bin");
        Place(cut, "destination", "unit-a", "/srv/a/f.bin");

        // A copy destroys nothing: no warning, no confirmation, a plain button.
        Assert.Empty(cut.FindAll("[data-testid=form-danger]"));
        Assert.Empty(cut.FindAll("[data-testid=form-confirm]"));
        Assert.False(SubmitDisabled(cut));

        Field(cut, "mode").Change("move");
        Assert.Contains("deletes the source", cut.Find("[data-testid=form-danger]").TextContent);
        cut.Find("[data-testid=form-submit]").Click();
        // The button opens the confirmation; nothing is sent until the word is typed there.
        Assert.Empty(Tasks.Submitted);
        Assert.True(cut.Find("[data-testid=confirm-submit]").HasAttribute("disabled"));
        cut.Find("[data-testid=form-confirm]").Input("yes");
        cut.Find("[data-testid=confirm-submit]").Click();

        var p = Assert.Single(Tasks.Submitted).Parameters!.Value;
        Assert.Equal("move", p.GetProperty("mode").GetString());
    }

    [Fact]
    public void Booleans_AreSwitches_ShowingTheDefault_AndEnumerationsAreSelects()
    {
        WithUnits();
        var cut = RenderForm();
        cut.Find("[data-testid=form-kind]").Change("data.move");

        // verify is on unless turned off; overwrite is off.
        Assert.True(cut.Find("[data-testid=param-verify]").HasAttribute("checked"));
        Assert.False(cut.Find("[data-testid=param-overwrite]").HasAttribute("checked"));
        Assert.Equal("SELECT", Field(cut, "mode").TagName);
        Assert.Equal(["", "copy", "move"], Field(cut, "mode").QuerySelectorAll("option").Select(o => o.GetAttribute("value")));

        cut.Find("[data-testid=param-overwrite]").Change(true);
        Place(cut, "source", "unit-b", "/srv/b/f.bin");
        Place(cut, "destination", "unit-a", "/srv/a/f.bin");
        Assert.Contains("replaces what is there", cut.Find("[data-testid=form-danger]").TextContent);
    }
}
