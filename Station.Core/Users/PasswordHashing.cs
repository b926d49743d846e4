using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;

namespace Ccdsvm.Station.Core.Users;

/// <summary>
/// Password hashing and checking (PBKDF2 through ASP.NET Core's hasher: 100,000 rounds of HMAC-SHA512, tens of
/// milliseconds of CPU each) on a few dedicated threads, awaited by the caller. On the thread pool, a burst of logins
/// and user creations filled every pool thread with hashing and left cheap requests (/healthz, task listings) queued
/// behind them; here at most <see cref="Threads"/> hashes run at once, one core stays for everything else, and the
/// requests waiting for a hash hold no thread.
/// </summary>
public sealed class PasswordHashing : IDisposable
{
    private readonly PasswordHasher<string> _hasher = new();
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread[] _threads;

    public PasswordHashing() : this(Math.Max(1, Environment.ProcessorCount - 1))
    {
    }

    public PasswordHashing(int threads)
    {
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(() =>
            {
                foreach (var work in _work.GetConsumingEnumerable()) work();
            })
            { IsBackground = true, Name = $"ccdsvm-password-hash-{i}" };
            _threads[i].Start();
        }
    }

    public int Threads => _threads.Length;

    public Task<string> HashAsync(string username, string password) => Run(() => _hasher.HashPassword(username, password));

    public Task<PasswordVerificationResult> VerifyAsync(string username, string hash, string password) =>
        Run(() => _hasher.VerifyHashedPassword(username, hash, password));

    private Task<T> Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { done.SetException(ex); }
        });
        return done.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        foreach (var t in _threads) t.Join(TimeSpan.FromSeconds(5));
        _work.Dispose();
    }
}
