using System.CommandLine;
using Ccdsvm.Console.Cli;
using Ccdsvm.Console.Cli.Commands;

var root = new RootCommand("ccdsvm: the CCDSVM fleet console from a terminal or a script. Speaks the station's REST API (/api/v1) over HTTPS.\n\n" + ExitCodes.Help)
{
    LoginCommands.Login(), LoginCommands.Logout(), LoginCommands.Token(),
    ListCommands.Units(), TaskCommands.Task(), BulkCommands.Bulk(), ScheduleCommands.Schedule(), FilesCommands.Files(), FilesCommands.Move(), ListCommands.Locks(), ListCommands.Audit(), BackupCommands.Backup(),
    StorageCommands.Storage(),
    MonitoringCommands.Metrics(), MonitoringCommands.Processes(), ShellCommand.Shell(),
    AdminCommands.Users(), AdminCommands.Acl(), FleetCommands.Enrol(),
    CompletionCommand.Create(),
};
foreach (var option in GlobalOptions.All) root.Options.Add(option);

var parse = root.Parse(args);
if (parse.Errors.Count > 0 && !(args.Length > 0 && args[0].StartsWith("[suggest", StringComparison.Ordinal)))
{
    foreach (var error in parse.Errors) Console.Error.WriteLine("ccdsvm: " + error.Message);
    Console.Error.WriteLine($"(see 'ccdsvm {string.Join(' ', parse.CommandResult.Command.Parents.OfType<Command>().Reverse().Skip(1).Select(c => c.Name).Append(parse.CommandResult.Command.Name)).Replace("ccdsvm", "", StringComparison.Ordinal).Trim()} --help')".Replace("  ", " ", StringComparison.Ordinal));
    return ExitCodes.Usage;
}
// Ctrl-C cancels the command's token; a follow then detaches (or cancels its tasks) within this time.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
