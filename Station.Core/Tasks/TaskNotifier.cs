namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Every change of every task.</summary>
public sealed class TaskNotifier : Notifier<TaskUpdate>;
