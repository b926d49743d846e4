using AngleSharp.Dom;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

public sealed class MoveDataDialogTests : ConsoleTestContext
{
    private readonly PaneWorkspace _workspace = new();

    public MoveDataDialogTests()
    {
        Services.AddSingleton(_workspace);
        Tasks.UnitList.AddRange([Views.Unit("a"), Views.Unit("b"), Views.Unit("c", status: "offline")]);
    }

    private IRenderedComponent<MoveDataDialog> RenderDialog(Action<long>? onSubmitted = null) =>
        Render<MoveDataDialog>(p => { if (onSubmitted is not null) p.Add(x => x.OnSubmitted, onSubmitted); });

    private static IElement Get(IRenderedComponent<MoveDataDialog> cut, string id) => cut.Find($"[data-testid=move-{id}]");

    private static bool SubmitDisabled(IRenderedComponent<MoveDataDialog> cut) => Get(cut, "submit").HasAttribute("disabled");

    private static void Fill(IRenderedComponent<MoveDataDialog> cut)
    {
        Get(cut, "source-unit").Change("a");
        Get(cut, "source-path").Input("/srv/data/big.bin");
        Get(cut, "destination-unit").Change("b");
        Get(cut, "destination-path").Input("/srv/backup/big.bin");
        Get(cut, "mode").Change("move");
        Get(cut, "overwrite").Change(true);
    }

    [Fact]
    public void Filled_SubmitsDataMoveOnTheDestinationAndOpensItsPane()
    {
        var submitted = new List<long>();
        var cut = RenderDialog(submitted.Add);
        Assert.True(SubmitDisabled(cut));
        Assert.True(cut.Find("[data-testid=move-source-unit] option[value=c]").HasAttribute("disabled"));

        Fill(cut);
        Assert.False(SubmitDisabled(cut));
        Get(cut, "submit").Click();

        var request = Assert.Single(Tasks.Submitted);
        Assert.Equal("data.move", request.Kind);
        Assert.Equal("b", request.Target);
        var p = request.Parameters!.Value;
        Assert.Equal("a", p.GetProperty("source").GetProperty("unit").GetString());
        Assert.Equal("/srv/data/big.bin", p.GetProperty("source").GetProperty("path").GetString());
        Assert.Equal("b", p.GetProperty("destination").GetProperty("unit").GetString());
        Assert.Equal("/srv/backup/big.bin", p.GetProperty("destination").GetProperty("path").GetString());
        Assert.Equal("move", p.GetProperty("mode").GetString());
        Assert.True(p.GetProperty("overwrite").GetBoolean());
        Assert.True(p.GetProperty("verify").GetBoolean());
        long id = Assert.Single(submitted);
        Assert.Equal([id], _workspace.Open);
        Assert.Equal(id, _workspace.Selected);
        Assert.Empty(cut.FindAll("[data-testid=move-error]"));
    }

    [Fact]
    public void RelativePath_IsRefusedAsYouType()
    {
        var cut = RenderDialog();
        Get(cut, "source-unit").Change("a");
        Get(cut, "destination-unit").Change("b");
        Get(cut, "destination-path").Input("/srv/backup/x");
        Get(cut, "source-path").Input("srv/data/x");

        Assert.Contains("is not absolute", Get(cut, "source-path").Closest(".mud-input-control")!.TextContent);
        Assert.True(SubmitDisabled(cut));

        Get(cut, "source-path").Input("/srv/../etc/x");
        Assert.Contains("'..'", Get(cut, "source-path").Closest(".mud-input-control")!.TextContent);

        Get(cut, "source-path").Input("/srv/data/x");
        Assert.False(SubmitDisabled(cut));
    }

    [Fact]
    public void OneUnit_DestinationInsideTheSource_IsRefusedAsYouType_WithTheStationsWords()
    {
        var cut = RenderDialog();
        Get(cut, "source-unit").Change("a");
        Get(cut, "destination-unit").Change("a");
        Get(cut, "source-path").Input("/srv/data");
        Get(cut, "destination-path").Input("/srv/data//sub/");

        Assert.Contains("the destination /srv/data/sub lies inside the source /srv/data", Get(cut, "destination-path").Closest(".mud-input-control")!.TextContent);
        Assert.True(SubmitDisabled(cut));

        Get(cut, "destination-unit").Change("b");
        Assert.False(SubmitDisabled(cut));
    }

    [Fact]
    public void StationRefusal_IsShownInTheDialogAndTypedValuesStay()
    {
        const string refusal = "'/srv/backup/big.bin' already exists on b; pass overwrite: true to replace it";
        Tasks.OnSubmit = _ => StationError.Conflict(refusal);
        var submitted = new List<long>();
        var cut = RenderDialog(submitted.Add);
        Fill(cut);

        Get(cut, "submit").Click();

        Assert.Equal(refusal, cut.Find("[data-testid=move-error]").TextContent.Trim());
        Assert.Empty(submitted);
        Assert.Empty(_workspace.Open);
        Assert.Equal("a", Get(cut, "source-unit").GetAttribute("value"));
        Assert.Equal("/srv/data/big.bin", Get(cut, "source-path").GetAttribute("value"));
        Assert.Equal("b", Get(cut, "destination-unit").GetAttribute("value"));
        Assert.Equal("/srv/backup/big.bin", Get(cut, "destination-path").GetAttribute("value"));
        Assert.Equal("move", Get(cut, "mode").GetAttribute("value"));
        Assert.True(Get(cut, "overwrite").HasAttribute("checked"));
        Assert.True(Get(cut, "verify").HasAttribute("checked"));
        Assert.False(SubmitDisabled(cut));
    }
}
