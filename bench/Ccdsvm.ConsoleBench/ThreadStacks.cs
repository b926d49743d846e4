using Microsoft.Diagnostics.Runtime;

namespace Ccdsvm.ConsoleBench;

/// <summary>The managed stacks of every thread of a process (ClrMD, suspended while read): where a stalled station waits.</summary>
public static class ThreadStacks
{
    public static string Dump(int pid)
    {
        var text = new System.Text.StringBuilder();
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        foreach (var thread in runtime.Threads)
        {
            var frames = thread.EnumerateStackTrace().Take(40).Select(f => f.ToString()).Where(f => f is { Length: > 0 }).ToList();
            if (frames.Count == 0) continue;
            text.Append("thread ").Append(thread.ManagedThreadId).Append(" (os ").Append(thread.OSThreadId).AppendLine("):");
            foreach (var f in frames) text.AppendLine("  " + f);
        }
        return text.ToString();
    }
}
