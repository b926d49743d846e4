using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>The agent's durable record on a real file: what survives a restart, a torn last line, another station.</summary>
public sealed class OrderJournalTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private OrderJournal Open(string station = "key-a")
    {
        var journal = new OrderJournal(_dir.Path);
        journal.BindTo(station);
        return journal;
    }

    [Fact]
    public void ReceivedEndedAndUsedNonces_SurviveARestart_AndATornLastLineIsIgnored()
    {
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        using (var journal = Open())
        {
            Assert.True(journal.TryUse("nonce-1", expires));
            journal.Received(7);
            journal.Received(8);
            journal.Ended(new TaskResult(7, TaskOutcome.Succeeded, "{\"n\":1}", null, DateTimeOffset.UtcNow));
        }
        // A crash in the middle of a write leaves half a line.
        File.AppendAllText(Path.Combine(_dir.Path, OrderJournal.FileName), "{\"k\":\"e\",\"id\":8,\"at\":\"20");

        using var again = Open();
        Assert.Equal((TaskOutcome.Succeeded, "{\"n\":1}"), (again.Find(7)!.Outcome!.Outcome, again.Find(7)!.Outcome!.ResultJson));
        Assert.Null(again.Find(8)!.Outcome);
        Assert.Null(again.Find(9));
        Assert.False(again.TryUse("nonce-1", expires));
        Assert.True(again.TryUse("nonce-2", expires));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void TheRecordOfAnotherStation_IsDropped_AndTheFileIsTheAgentsAlone()
    {
        using (var journal = Open("key-a")) journal.Received(7);
        using var other = Open("key-b");
        Assert.Null(other.Find(7));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(other.FilePath));
    }

    [Fact]
    public void A_failed_tasks_error_kind_survives_a_restart_and_a_rewrite_and_an_older_line_reads_as_none()
    {
        var at = DateTimeOffset.UtcNow;
        using (var journal = Open())
        {
            journal.Received(21);
            journal.Ended(new TaskResult(21, TaskOutcome.Failed, null, "'/srv/x' does not exist", at, TaskErrorKind.NotFound));
            journal.Received(22);
            journal.Ended(new TaskResult(22, TaskOutcome.Succeeded, "{}", null, at));
        }
        // A line written by an agent that predates error kinds.
        File.AppendAllText(Path.Combine(_dir.Path, OrderJournal.FileName),
            $"{{\"k\":\"r\",\"id\":23,\"at\":\"{at:O}\"}}\n{{\"k\":\"e\",\"id\":23,\"at\":\"{at:O}\",\"outcome\":1,\"error\":\"disk is busy\"}}\n");

        // Opening reads every line, then writes the file afresh: the kind goes through both.
        using (var again = Open()) Assert.Equal(TaskErrorKind.NotFound, again.Find(21)!.Outcome!.ErrorKind);
        using var third = Open();
        Assert.Equal((TaskOutcome.Failed, "'/srv/x' does not exist", TaskErrorKind.NotFound),
            (third.Find(21)!.Outcome!.Outcome, third.Find(21)!.Outcome!.Error, third.Find(21)!.Outcome!.ErrorKind));
        Assert.Equal(TaskErrorKind.None, third.Find(22)!.Outcome!.ErrorKind);
        Assert.Equal((TaskOutcome.Failed, "disk is busy", TaskErrorKind.None), (third.Find(23)!.Outcome!.Outcome, third.Find(23)!.Outcome!.Error, third.Find(23)!.Outcome!.ErrorKind));
    }
}
