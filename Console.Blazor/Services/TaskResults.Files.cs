using System.Globalization;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>File kinds and the station's own (users, grants, enrolment): what changed, with a link to it.</summary>
public static partial class TaskResults
{
    private static ResultSummary? Files(string kind, JsonElement result, string unit) => kind switch
    {
        TaskKinds.FsChecksum => Fit(FsChecksum.Contract.ReadResult(result)) is { Sha256: not null } r
            ? new($"SHA-256 of {r.Path}", [new("size", Size(r.Bytes)), FileLink(unit, r.Path)]) : null,
        TaskKinds.FsList => Fit(FsList.Contract.ReadResult(result)) is { Entries: not null } r
            ? new($"{Count(r.Entries.Count, "entry")} in {r.Path}", [FolderLink(unit, r.Path)]) : null,
        TaskKinds.FsStat => Fit(FsStat.Contract.ReadResult(result)) is { } r
            ? new($"The {Word(r.Type)} {r.Path}",
                [new("size", Size(r.Size)), new("mode", r.Mode), new("modified", When(r.Modified)), new("created", When(r.Created)),
                 r.Type == FsEntryType.Directory ? FolderLink(unit, r.Path) : FileLink(unit, r.Path)]) : null,
        TaskKinds.FsMkdir => Fit(FsMkdir.Contract.ReadResult(result)) is { } r
            ? new(r.Created ? $"Folder {r.Path} made" : $"Folder {r.Path} was already there", [FolderLink(unit, r.Path)]) : null,
        TaskKinds.FsWrite => Fit(FsWrite.Contract.ReadResult(result)) is { } r
            ? new($"Wrote {Size(r.Bytes)} to {r.Path}",
                [.. r.Sha256 is { } sum ? [new ResultFact("SHA-256", sum)] : Array.Empty<ResultFact>(), FileLink(unit, r.Path)]) : null,
        TaskKinds.FsRename => Fit(FsRename.Contract.ReadResult(result)) is { } r
            ? new($"Renamed {r.From} to {r.To}", [FileLink(unit, r.To)]) : null,
        TaskKinds.FsCopy => Fit(FsCopy.Contract.ReadResult(result)) is { } r
            ? new($"Copied {Size(r.Bytes)} in {Count(r.Files, "file")} from {r.From} to {r.To}", [FileLink(unit, r.To)]) : null,
        TaskKinds.FsDelete => Fit(FsDelete.Contract.ReadResult(result)) is { } r
            ? new($"Deleted {Word(r.Type)} {r.Path}", [FolderLink(unit, Parent(r.Path), "was in")]) : null,
        TaskKinds.FsChmod => Fit(FsChmod.Contract.ReadResult(result)) is { } r
            ? new($"{r.Path} now has mode {r.Mode}", [FileLink(unit, r.Path)]) : null,
        TaskKinds.FsChown => Fit(FsChown.Contract.ReadResult(result)) is { } r
            ? new($"{r.Path} now belongs to {r.User ?? "(same user)"}:{r.Group ?? "(same group)"}", [FileLink(unit, r.Path)]) : null,
        _ => null,
    };

    private static ResultSummary? User(AuthUserResult? r)
    {
        if (r is null) return null;
        string who = r.Username ?? "group " + r.Group;
        string headline = r.Action switch
        {
            AuthUserAction.Create => $"User {who} created",
            AuthUserAction.Delete => r.Deleted == false ? $"User {who} was already gone" : $"User {who} deleted",
            AuthUserAction.SetPassword => $"Password of {who} changed",
            AuthUserAction.SetGroups => $"Groups of {who} set",
            AuthUserAction.SetQuota => $"Volume quota of {who} set",
            AuthUserAction.SetDisabled => r.Disabled == true ? $"User {who} locked" : $"User {who} unlocked",
            AuthUserAction.CreateGroup => $"Group {r.Group} created",
            AuthUserAction.DeleteGroup => r.Deleted == false ? $"Group {r.Group} was already gone" : $"Group {r.Group} deleted",
            _ => $"{ActionWords.Of(r.Action)} {who}",
        };
        var facts = new List<ResultFact>();
        if (r.Groups is { } groups) facts.Add(new("groups", groups.Count == 0 ? "none" : string.Join(", ", groups)));
        if (r.Admin is { } admin) facts.Add(new("administrator", YesNo(admin)));
        if (r.QuotaMiB is { } quota) facts.Add(new("volume quota", quota > 0 ? MiB(quota) : "no limit"));
        facts.Add(new("users and access", "the access page", "/access", "Open Access"));
        return new(headline, facts);
    }

    private static ResultSummary? Grant(AuthGrantResult? r) => r is null ? null : new(
        r.Action == AuthGrantAction.Grant ? $"{r.Subject} may now act as {r.Role} on {r.Path}" : $"{r.Subject} no longer has {r.Role ?? "any role"} on {r.Path}",
        [new("access entries changed", r.Changed.ToString(CultureInfo.InvariantCulture)), new("users and access", "the access page", "/access", "Open Access")]);

    private static ResultSummary? Enrol(AuthEnrolResult? r)
    {
        if (r is null) return null;
        if (r.Action == AuthEnrolAction.CreateToken)
        {
            var facts = new List<ResultFact>();
            if (r.ExpiresAt is { } expires) facts.Add(new("expires", expires.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)));
            if (r.Note is { } note) facts.Add(new("note", note));
            if (r.Count is > 1 and var count) facts.Add(new("units it may enrol", count.ToString(CultureInfo.InvariantCulture)));
            facts.Add(new("the token", "shown once, to whoever made it; not kept in the task"));
            return new($"Enrolment token {r.Id} made", facts);
        }
        if (r.Action == AuthEnrolAction.RevokeToken)
            return new($"Enrolment token {r.Id} revoked",
            [
                new("revoked by", r.RevokedBy ?? "?"),
                new("units it enrolled", $"{r.Uses ?? 0} of {r.Count ?? 1}; they keep their credentials"),
            ]);
        return new($"Unit {r.Unit} revoked",
        [
            new("revoked by", r.RevokedBy ?? "?"), new("connections closed", (r.ConnectionsClosed ?? 0).ToString(CultureInfo.InvariantCulture)),
            new("units", "the unit list", "/units", "Open Units"),
        ]);
    }

    private static string Word(FsEntryType type) => type switch
    {
        FsEntryType.Directory => "folder",
        FsEntryType.Symlink => "link",
        _ => "file",
    };

    private static string When(DateTime t) => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
