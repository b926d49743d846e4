using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>A bulk task's children as the signed-in user sees them (the station's <c>BulkRollouts</c>); scripted in bUnit tests.</summary>
public interface IConsoleBulk
{
    /// <summary>One page of the parent's children in rollout order, only those in <paramref name="state"/> when given, with the roll-up.</summary>
    Outcome<BulkChildPage> Children(long parentId, string? state, int offset, int limit);

    /// <summary>Which units a bulk task would run on, and which would refuse it at once (the "run on many units" preview).</summary>
    Outcome<BulkPreview> Preview(BulkPreviewRequest request);
}

/// <summary>The circuit's <see cref="IConsoleBulk"/>: the station's bulk rollouts, as the signed-in user.</summary>
public sealed class ConsoleBulk(ConsoleUser user, Station.Core.Bulk.BulkRollouts bulk, Station.Core.Bulk.BulkPreviews previews) : IConsoleBulk
{
    public Outcome<BulkPreview> Preview(BulkPreviewRequest request) => previews.Preview(request, user.Caller);

    public Outcome<BulkChildPage> Children(long parentId, string? state, int offset, int limit) => bulk.Children(parentId, user.Caller, state, offset, limit);
}
