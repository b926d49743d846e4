using System.CommandLine;
using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>
/// <c>files stat|mkdir|rm|mv|cp|chmod</c>: each a task of its fs.* kind, submitted and followed like <c>task run</c>
/// (same -o json, progress and exit codes); several UNIT:PATH arguments run one task each, all at once.
/// </summary>
public static partial class FilesCommands
{
    private static readonly Column[] StatColumns =
    [
        Column.Of("UNIT", "target"), new("PATH", t => Result(t, "path")), new("TYPE", t => Result(t, "type")), new("SIZE", t => Result(t, "size")),
        new("MODE", t => Result(t, "mode")), new("MODIFIED", t => Result(t, "modified")), Column.Of("ERROR", "error"),
    ];

    private static Argument<string[]> Locations(string description) =>
        new("UNIT:PATH") { Description = description, Arity = ArgumentArity.OneOrMore };

    private static Option<bool> Detach() => new("--detach", "-d") { Description = "print the tasks and return at once" };

    private static Command Stat()
    {
        var at = Locations("the files or directories to describe, e.g. station:/srv/data/file.bin (several: one fs.stat task each)");
        var detach = Detach();
        var command = new Command("stat", "Details of files or directories (fs.stat): type, size, mode, modified; a table, or -o json for the tasks.") { at, detach };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
            RunEachAsync(inv, FsStat.Contract, parse.GetValue(at)!, l => FsStat.Contract.Write(new FsStatParameters(l.Path)), parse.GetValue(detach), StatColumns, token)));
        return command;
    }

    private static Command Mkdir()
    {
        var at = Locations("the directories to create, e.g. station:/srv/data/new (several: one fs.mkdir task each)");
        var parents = new Option<bool>("--parents", "-p") { Description = "create missing parent directories too; an existing directory is then no error" };
        var detach = Detach();
        var command = new Command("mkdir", "Create directories on units (fs.mkdir).") { at, parents, detach };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
        {
            bool p = parse.GetValue(parents);
            return RunEachAsync(inv, FsMkdir.Contract, parse.GetValue(at)!, l => FsMkdir.Contract.Write(new FsMkdirParameters(l.Path, p ? true : null)),
                parse.GetValue(detach), null, token);
        }));
        return command;
    }

    private static Command Rm()
    {
        var at = Locations("the files or directories to delete, e.g. station:/srv/data/old.bin (several: one fs.delete task each)");
        var recursive = new Option<bool>("--recursive", "-r") { Description = "delete a directory with everything inside it (without it, only an empty one)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "confirm the deletion without asking (required when there is no terminal to ask on)" };
        var detach = Detach();
        var command = new Command("rm", "Delete files or directories on units (fs.delete); destructive: asks on a terminal, needs --yes otherwise. A link is removed itself, not what it points to.")
        {
            at, recursive, yes, detach,
        };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
        {
            bool r = parse.GetValue(recursive);
            var locations = Parsed(FsDelete.Contract, parse.GetValue(at)!, l => FsDelete.Contract.Write(new FsDeleteParameters(l.Path, r ? true : null)));
            Confirm.Destructive(inv, parse.GetValue(yes), $"delete {(r ? "recursively " : "")}{string.Join(", ", locations.Select(l => l.Location))}");
            return FollowAsync(inv, FsDelete.Contract, locations, parse.GetValue(detach), null, token);
        }));
        return command;
    }

    private static Command Chmod()
    {
        var mode = new Argument<string>("MODE") { Description = "the new permissions as 3 or 4 octal digits, e.g. 0640 or 755" };
        var at = Locations("the files or directories to change, e.g. station:/srv/data/file.bin (several: one fs.chmod task each)");
        var detach = Detach();
        var command = new Command("chmod", "Change permissions of files or directories on units (fs.chmod).") { mode, at, detach };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
        {
            string m = parse.GetValue(mode)!;
            if (!FsChmod.IsOctalMode(m))
                throw new CliException(ExitCodes.Usage, $"MODE '{m}': write 3 or 4 octal digits (0-7), e.g. 0640 or 755; symbolic modes such as u+x are not taken");
            return RunEachAsync(inv, FsChmod.Contract, parse.GetValue(at)!, l => FsChmod.Contract.Write(new FsChmodParameters(l.Path, m)), parse.GetValue(detach), null, token);
        }));
        return command;
    }

    /// <summary><c>mv</c> (fs.rename) and <c>cp</c> (fs.copy): both ends on one unit; across units is <c>ccdsvm move</c>.</summary>
    private static Command SameUnit(string name, bool copy)
    {
        var src = new Argument<string>("SRC") { Description = copy ? "UNIT:PATH to copy, e.g. station:/srv/data/a.bin" : "UNIT:PATH to rename, e.g. station:/srv/data/a.bin" };
        var dst = new Argument<string>("DST") { Description = "UNIT:PATH on the same unit; must not exist (a path ending in / keeps the source's name)" };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "copy a directory with everything inside it" };
        var detach = Detach();
        var command = copy
            ? new Command(name, "Copy a file or directory within one unit (fs.copy); the destination must not exist. Between units: ccdsvm move.") { src, dst, recursive, detach }
            : new Command(name, "Rename or move a file or directory within one file system of one unit (fs.rename); never replaces. Between units: ccdsvm move --mode move.") { src, dst, detach };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var from = UnitLocation.Parse(parse.GetValue(src)!, "SRC");
            var to = UnitLocation.Parse(parse.GetValue(dst)!, "DST");
            if (from.Unit != to.Unit)
                throw new CliException(ExitCodes.Usage, $"files {name} works within one unit, but {from} and {to} are on '{from.Unit}' and '{to.Unit}': " +
                    $"use 'ccdsvm move {from} {to}{(copy ? "" : " --mode move")}' to {(copy ? "copy" : "move")} between units");
            if (to.Path.EndsWith('/')) to = to with { Path = to.Path + Path.GetFileName(from.Path.TrimEnd('/')) };
            IKindContract contract = copy ? FsCopy.Contract : FsRename.Contract;
            var json = copy
                ? FsCopy.Contract.Write(new FsCopyParameters(from.Path, to.Path, parse.GetValue(recursive) ? true : null))
                : FsRename.Contract.Write(new FsRenameParameters(from.Path, to.Path));
            if (contract.Check(json) is { } problem) throw new CliException(ExitCodes.Usage, problem);
            using var client = inv.Open();
            return await TaskCommands.SubmitAndFollowAsync(inv, client, contract.Kind, [(from.Unit, json)],
                new TaskCommands.RunSettings(parse.GetValue(detach), null, false), null, token).ConfigureAwait(false);
        }));
        return command;
    }

    private static Task<int> RunEachAsync(Invocation inv, IKindContract contract, string[] texts, Func<UnitLocation, JsonElement> parameters, bool detach,
        IReadOnlyList<Column>? columns, CancellationToken token) =>
        FollowAsync(inv, contract, Parsed(contract, texts, parameters), detach, columns, token);

    /// <summary>Every UNIT:PATH parsed and its parameters checked by the kind's contract before the first request.</summary>
    private static List<(UnitLocation Location, JsonElement Parameters)> Parsed(IKindContract contract, string[] texts, Func<UnitLocation, JsonElement> parameters)
    {
        var all = new List<(UnitLocation, JsonElement)>();
        foreach (var text in texts)
        {
            var location = UnitLocation.Parse(text, "UNIT:PATH");
            var json = parameters(location);
            if (contract.Check(json) is { } problem) throw new CliException(ExitCodes.Usage, $"{location}: {problem}");
            all.Add((location, json));
        }
        return all;
    }

    private static async Task<int> FollowAsync(Invocation inv, IKindContract contract, List<(UnitLocation Location, JsonElement Parameters)> orders, bool detach,
        IReadOnlyList<Column>? columns, CancellationToken token)
    {
        using var client = inv.Open();
        return await TaskCommands.SubmitAndFollowAsync(inv, client, contract.Kind, [.. orders.Select(o => (o.Location.Unit, o.Parameters))],
            new TaskCommands.RunSettings(detach, null, false), columns, token).ConfigureAwait(false);
    }

    /// <summary>One field of an ended task's result (an object, or its JSON as text), for the table.</summary>
    private static string Result(JsonElement task, string field)
    {
        if (!task.TryGetProperty("result", out var result)) return "";
        if (result.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var doc = JsonDocument.Parse(result.GetString() ?? "");
                return Field(doc.RootElement, field);
            }
            catch (JsonException) { return ""; }
        }
        return Field(result, field);
    }

    /// <summary>The type in words and times as the other tables show them (UTC to the second); anything else as it came.</summary>
    private static string Field(JsonElement result, string field) => field switch
    {
        "type" => EntryType(result),
        "modified" => Column.Time("", field).Value(result),
        _ => Output.Text(result, field),
    };
}
