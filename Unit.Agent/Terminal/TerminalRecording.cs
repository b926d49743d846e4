using System.Globalization;
using System.Text;

namespace Ccdsvm.Unit.Agent.Terminal;

/// <summary>
/// A terminal session recorded to the unit's log, as the station's policy asks (the order's <c>record</c>): in
/// <c>Agent:TerminalRecordDirectory</c>, one file per task, <c>TASK.log</c>, created anew (O_EXCL: never over another
/// file, never through a link) with mode 0600. It holds a header (task, station user, local account, unit, start), the
/// session's output bytes as the terminal showed them, and a last line with the end. Written unbuffered, so what was
/// shown is on disk even when the agent dies mid-session.
/// </summary>
public sealed class TerminalRecording : IDisposable
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly FileStream _file;

    private TerminalRecording(string path, FileStream file)
    {
        Path = path;
        _file = file;
    }

    /// <summary>The recording's file.</summary>
    public string Path { get; }

    /// <summary>The file a task's session is recorded to, in <paramref name="directory"/>.</summary>
    public static string FileOf(string directory, long taskId) =>
        System.IO.Path.Combine(directory, taskId.ToString(CultureInfo.InvariantCulture) + ".log");

    /// <summary>
    /// Creates the recording of task <paramref name="taskId"/> and writes its header; refuses the session, in words,
    /// when <paramref name="directory"/> cannot be written (or holds a recording of that task already).
    /// </summary>
    public static TerminalRecording Start(string directory, long taskId, string user, LocalAccount account, string unit, DateTimeOffset started)
    {
        string path = FileOf(directory, taskId);
        FileStream? file = null;
        try
        {
            if (!System.IO.Path.IsPathRooted(directory)) throw new IOException("it is not an absolute path");
            // A terminal runs on Linux only (a pty, setsid); the guards keep the platform analyzer informed.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 0 };
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else
            {
                Directory.CreateDirectory(directory, DirectoryMode);
                options.UnixCreateMode = FileMode600;
            }
            file = new FileStream(path, options);
            var recording = new TerminalRecording(path, file);
            recording.Line("# ccdsvm terminal recording");
            recording.Line($"# task: {taskId.ToString(CultureInfo.InvariantCulture)}");
            recording.Line($"# station user: {user}");
            recording.Line($"# local account: {account.Name} (uid {account.Uid.ToString(CultureInfo.InvariantCulture)})");
            recording.Line($"# unit: {unit}");
            recording.Line($"# started: {Time(started)}");
            return recording;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            file?.Dispose();
            throw TaskFailureException.Refused(
                $"refused by the unit: the station's policy asks that this session be recorded, but Agent:TerminalRecordDirectory '{directory}' "
                + $"cannot be written ({ex.Message}); the session was not started. Make the directory writable for the agent, "
                + "or ask the station's administrator to turn Station:Terminal:Record off");
        }
    }

    /// <summary>What the terminal showed; an <see cref="IOException"/> when the disk refuses it.</summary>
    public void Write(ReadOnlySpan<byte> output) => _file.Write(output);

    /// <summary>The last line: when and how the session ended.</summary>
    public void End(DateTimeOffset ended, string how)
    {
        Line("");
        Line($"# ended: {Time(ended)} ({how})");
        _file.Flush(flushToDisk: true);
    }

    private void Line(string text) => _file.Write(Encoding.UTF8.GetBytes(text + "\n"));

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public void Dispose() => _file.Dispose();
}
