using System.Text.Json;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Tests.Storage;

public static class AnsweringTasks
{
    private static long _nextId = 5000;

    /// <summary>Every submit ends at once as succeeded with the result <paramref name="answer"/> gives for it.</summary>
    public static void AnswerWith(this ScriptedConsoleTasks tasks, Func<SubmitTask, string> answer) =>
        tasks.OnSubmit = request =>
        {
            var task = Views.Task(Interlocked.Increment(ref _nextId), request.Kind!, request.Target!, "succeeded", 1, tasks.UserName)
                with { Parameters = request.Parameters, Result = Views.Json(answer(request)), EndedAt = Views.Created.AddSeconds(1) };
            return (Outcome<TaskView>)tasks.Add(task);
        };

    public static string Param(this SubmitTask request, string name) =>
        request.Parameters is { } p && p.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText() : "";
}
