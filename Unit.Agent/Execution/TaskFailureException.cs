namespace Ccdsvm.Unit.Agent;

/// <summary>A failure whose message is meant for the person who started the task.</summary>
public sealed class TaskFailureException(string message, Exception? inner = null) : Exception(message, inner);
