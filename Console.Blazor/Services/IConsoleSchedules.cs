using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>Schedules as the signed-in user sees them (the station's <c>ScheduleService</c>); scripted in bUnit tests.</summary>
public interface IConsoleSchedules
{
    IReadOnlyList<ScheduleView> List();
    Outcome<ScheduleView> Create(ScheduleRequest request);
    Outcome<ScheduleView> Update(long id, ScheduleRequest request);
    Outcome<bool> Delete(long id);

    /// <summary>The next three instants the cron expression gives in the time zone, or the refusal naming what is wrong.</summary>
    Outcome<IReadOnlyList<DateTimeOffset>> Preview(string? cron, string? timeZone);
}

/// <summary>The circuit's <see cref="IConsoleSchedules"/>: the station's schedules, as the signed-in user.</summary>
public sealed class ConsoleSchedules(ConsoleUser user, Station.Core.Schedules.ScheduleService schedules, TimeProvider clock) : IConsoleSchedules
{
    public IReadOnlyList<ScheduleView> List() => schedules.List(user.Caller);
    public Outcome<ScheduleView> Create(ScheduleRequest request) => schedules.Create(request, user.Caller);
    public Outcome<ScheduleView> Update(long id, ScheduleRequest request) => schedules.Update(id, request, user.Caller);
    public Outcome<bool> Delete(long id) => schedules.Delete(id, user.Caller);
    public Outcome<IReadOnlyList<DateTimeOffset>> Preview(string? cron, string? timeZone) =>
        Station.Core.Schedules.ScheduleService.Preview(cron, timeZone, clock.GetUtcNow());
}
