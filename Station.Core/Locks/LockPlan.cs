namespace Ccdsvm.Station.Core.Locks;

/// <summary>
/// One lock of a task's plan. <see cref="ReleaseAfterStage"/> is the stage whose end releases it
/// (staged release); 0 means it is held until the task ends.
/// </summary>
public sealed record LockRequest(string Resource, LockMode Mode, int ReleaseAfterStage = 0);

/// <summary>A held lock as the API shows it.</summary>
public sealed record HeldLock(string Resource, LockMode Mode, long TaskId, DateTimeOffset Since, int ReleaseAfterStage);

/// <summary>A task waiting for a resource, and the tasks that hold it.</summary>
public sealed record AwaitedLock(long TaskId, string Resource, LockMode Mode, IReadOnlyList<long> HeldBy, DateTimeOffset Since);
