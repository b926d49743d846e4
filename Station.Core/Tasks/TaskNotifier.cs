using Microsoft.Extensions.Logging;
namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Every change of every task.</summary>
public sealed class TaskNotifier(ILogger<TaskNotifier>? logger = null) : Notifier<TaskUpdate>(logger);
