using System.CommandLine;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Spectre.Console;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>Administration of people: <c>users</c> (accounts, passwords, locks) and <c>acl</c> (roles on paths).</summary>
public static class AdminCommands
{
    /// <summary>The station's shortest password (UserService.MinPasswordLength): checked here so a short one costs no request.</summary>
    public const int MinPasswordLength = 10;

    public static Command Users()
    {
        var list = new Command("list", "The station's user accounts (administrators see all, others themselves).");
        list.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            Output.Print(inv, await client.GetAsync("api/v1/users", token).ConfigureAwait(false),
                [Column.Of("USER", "username"), Column.Of("ADMIN", "isAdmin"), Column.Of("LOCKED", "disabled"), Column.Of("GROUPS", "groups"),
                 Column.Of("TOTP", "totpEnabled"), Column.Time("CREATED", "createdAt")]);
            return ExitCodes.Success;
        }));
        return new Command("users", "User accounts (administrators).") { list, Add(), Passwd(), Lock(true), Lock(false) };
    }

    private static Argument<string> UserArgument(string what) => new("USER") { Description = what };

    private static Option<bool> PasswordStdin() => new("--password-stdin")
    { Description = "read the password from standard input (one line) instead of asking on the terminal without echo" };

    private static Option<bool> MustChange() => new("--must-change-password") { Description = "the user has to choose a new password at their next sign-in" };

    private static Command Add()
    {
        var user = UserArgument("the new account's name (letters, digits, - _ .)");
        var admin = new Option<bool>("--admin") { Description = "make the user an administrator (Administrator on /)" };
        var groups = new Option<string[]>("--group") { Description = "a group the user belongs to (repeat for several; the groups must exist)", HelpName = "GROUP" };
        var quota = new Option<long?>("--quota-mib") { Description = "total size in MiB of the volumes the user may own (0 or absent: no limit)" };
        var role = new Option<string?>("--role") { Description = "also grant this role (see 'ccdsvm acl grant') on --path" };
        var path = new Option<string?>("--path") { Description = "where --role applies: /, or a path under /units or /station, e.g. /units/web-1" };
        var stdin = PasswordStdin();
        var must = MustChange();
        var add = new Command("add", "Creates a user account (POST /api/v1/users), and with --role/--path grants them a role; the password is asked without echo or read with --password-stdin.")
            { user, admin, groups, quota, role, path, stdin, must };
        add.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string name = parse.GetValue(user)!;
            if (NameRules.UserProblem(name, "USER") is { } bad) throw new CliException(ExitCodes.Usage, bad);
            string[] groupNames = parse.GetValue(groups) ?? [];
            if (groupNames.FirstOrDefault(g => !NameRules.IsValidUser(g)) is { } badGroup)
                throw new CliException(ExitCodes.Usage, $"--group '{badGroup}': {NameRules.UserProblem(badGroup, "group")}");
            if (parse.GetValue(quota) is < 0) throw new CliException(ExitCodes.Usage, "--quota-mib must be 0 (no limit) or a positive number of MiB");
            if ((parse.GetValue(role) is null) != (parse.GetValue(path) is null)) throw new CliException(ExitCodes.Usage, "--role and --path go together: the role, and where it applies");
            string? grantPath = parse.GetValue(path) is { } p ? Validate(p, name).Path : null;
            string password = ReadNewPassword(inv, parse.GetValue(stdin));
            using var client = inv.Open();
            string? grantRole = parse.GetValue(role) is { } r ? await RoleAsync(client, r, token).ConfigureAwait(false) : null;
            var created = await client.PostAsync("api/v1/users", new
            {
                username = name, password, groups = groupNames, admin = parse.GetValue(admin), quotaMiB = parse.GetValue(quota),
                mustChangePassword = parse.GetValue(must),
            }, token).ConfigureAwait(false);
            if (grantRole is null)
            {
                PrintChange(inv, created, $"user {name} created");
                return ExitCodes.Success;
            }
            var granted = await client.SendAsync(HttpMethod.Put, "api/v1/acl", new { path = grantPath, subject = name, role = grantRole }, token).ConfigureAwait(false);
            // One document for scripts: the user's creation and the grant.
            PrintChange(inv, JsonSerializer.SerializeToElement(new { user = created, grant = granted }), $"user {name} created, {grantRole} on {grantPath}");
            return ExitCodes.Success;
        }));
        return add;
    }

    private static Command Passwd()
    {
        var user = UserArgument("the account whose password is set");
        var stdin = PasswordStdin();
        var must = MustChange();
        var passwd = new Command("passwd", "Sets a user's password (PUT /api/v1/users/USER/password); their sign-in sessions end.") { user, stdin, must };
        passwd.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string name = parse.GetValue(user)!;
            if (NameRules.UserProblem(name, "USER") is { } bad) throw new CliException(ExitCodes.Usage, bad);
            string password = ReadNewPassword(inv, parse.GetValue(stdin));
            using var client = inv.Open();
            var changed = await client.SendAsync(HttpMethod.Put, $"api/v1/users/{Uri.EscapeDataString(name)}/password",
                new { password, mustChangePassword = parse.GetValue(must) }, token).ConfigureAwait(false);
            PrintChange(inv, changed, $"password of {name} changed");
            return ExitCodes.Success;
        }));
        return passwd;
    }

    private static Command Lock(bool disabled)
    {
        var user = UserArgument(disabled ? "the account to lock" : "the account to unlock");
        var yes = new Option<bool>("--yes", "-y") { Description = "lock without asking (needed without a terminal)" };
        var command = disabled
            ? new Command("lock", "Locks an account (PUT /api/v1/users/USER/disabled): no sign-in, its sessions end, its tokens are refused until it is unlocked. You cannot lock yourself or the last unlocked administrator.") { user, yes }
            : new Command("unlock", "Unlocks a locked account: its password and named tokens work again.") { user };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string name = parse.GetValue(user)!;
            if (NameRules.UserProblem(name, "USER") is { } bad) throw new CliException(ExitCodes.Usage, bad);
            if (disabled) Confirm.Destructive(inv, parse.GetValue(yes), $"lock the account '{name}' (its sessions end, its tokens are refused)");
            using var client = inv.Open();
            var changed = await client.SendAsync(HttpMethod.Put, $"api/v1/users/{Uri.EscapeDataString(name)}/disabled", new { disabled }, token).ConfigureAwait(false);
            PrintChange(inv, changed, disabled ? $"user {name} locked" : $"user {name} unlocked");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>A new password: one line of standard input, or asked twice without echo on a terminal.</summary>
    private static string ReadNewPassword(Invocation inv, bool fromStdin)
    {
        string password;
        if (fromStdin)
        {
            string? line = System.Console.In.ReadLine();
            if (string.IsNullOrEmpty(line)) throw new CliException(ExitCodes.Usage, "--password-stdin: standard input held no password");
            password = line.TrimEnd('\r', '\n');
        }
        else
        {
            if (!inv.Interactive || System.Console.IsInputRedirected)
                throw new CliException(ExitCodes.Usage, "no terminal to ask the password on: use --password-stdin (echo \"$PASSWORD\" | ccdsvm users … --password-stdin)");
            password = inv.Out.Prompt(new TextPrompt<string>("New password:").Secret());
            if (password != inv.Out.Prompt(new TextPrompt<string>("Again:").Secret()))
                throw new CliException(ExitCodes.Usage, "the two passwords differ; nothing was changed");
        }
        if (password.Length < MinPasswordLength) throw new CliException(ExitCodes.Usage, $"the password must have at least {MinPasswordLength} characters");
        return password;
    }

    /// <summary>A change the station ran as a task ({task, result}): one line for people, the whole answer for json/yaml.</summary>
    public static void PrintChange(Invocation inv, JsonElement answer, string summary)
    {
        ArgumentNullException.ThrowIfNull(inv);
        if (inv.Format != OutputFormat.Table)
        {
            Output.Print(inv, answer, []);
            return;
        }
        string task = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("task", out var t) ? Output.Text(t, "id")
            : answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("grant", out var g) && g.TryGetProperty("task", out var gt) ? Output.Text(gt, "id") : "";
        if (!inv.Quiet) inv.Out.WriteLine(summary + (task.Length > 0 ? $" (task {task})" : ""));
    }

    public static Command Acl()
    {
        var list = new Command("list", "Every grant: a role on a path for a user or @group.");
        list.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            Output.Print(inv, await client.GetAsync("api/v1/acl", token).ConfigureAwait(false),
                [Column.Of("PATH", "path"), Column.Of("SUBJECT", "subject"), Column.Of("ROLE", "role"), Column.Of("BY", "createdBy"), Column.Time("SINCE", "createdAt")]);
            return ExitCodes.Success;
        }));

        var path = new Argument<string>("PATH") { Description = "what the role covers: /, or a path under /units or /station, e.g. /units/web-1" };
        var subject = new Argument<string>("SUBJECT") { Description = "a user name, or @group for a group" };
        var role = new Argument<string>("ROLE") { Description = "the role (see GET /api/v1/roles: Administrator, Operator, HelpDesk, …)" };
        var grant = new Command("grant", "Gives SUBJECT the role ROLE on PATH (PUT /api/v1/acl).") { path, subject, role };
        grant.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var (p, s) = Validate(parse.GetValue(path)!, parse.GetValue(subject)!);
            using var client = inv.Open();
            string r = await RoleAsync(client, parse.GetValue(role)!, token).ConfigureAwait(false);
            var changed = await client.SendAsync(HttpMethod.Put, "api/v1/acl", new { path = p, subject = s, role = r }, token).ConfigureAwait(false);
            PrintChange(inv, changed, $"{s} is {r} on {p}");
            return ExitCodes.Success;
        }));

        var revokePath = new Argument<string>("PATH") { Description = "the path the grant is on" };
        var revokeSubject = new Argument<string>("SUBJECT") { Description = "the user, or @group, that holds it" };
        var revokeRole = new Argument<string?>("ROLE") { Description = "only this role (all of the subject's roles on PATH when absent)", Arity = ArgumentArity.ZeroOrOne };
        var yes = new Option<bool>("--yes", "-y") { Description = "revoke without asking (needed without a terminal)" };
        var revoke = new Command("revoke", "Takes a grant away (DELETE /api/v1/acl): the subject loses what the role allowed on PATH.") { revokePath, revokeSubject, revokeRole, yes };
        revoke.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var (p, s) = Validate(parse.GetValue(revokePath)!, parse.GetValue(revokeSubject)!);
            using var client = inv.Open();
            string? r = parse.GetValue(revokeRole) is { Length: > 0 } given ? await RoleAsync(client, given, token).ConfigureAwait(false) : null;
            Confirm.Destructive(inv, parse.GetValue(yes), $"revoke {r ?? "every role"} of {s} on {p}");
            var changed = await client.SendAsync(HttpMethod.Delete, "api/v1/acl" + ListCommands.Query(("path", p), ("subject", s), ("role", r)), null, token).ConfigureAwait(false);
            PrintChange(inv, changed, $"revoked {r ?? "every role"} of {s} on {p}");
            return ExitCodes.Success;
        }));
        return new Command("acl", "Who may do what where: roles on paths (administrators).") { list, grant, revoke };
    }

    /// <summary>The path and subject as the station accepts them (AccessControl.ValidateGrant), or a usage error.</summary>
    private static (string Path, string Subject) Validate(string path, string subject)
    {
        string normal = path.Length > 1 ? path.TrimEnd('/') : path;
        var segments = normal.Split('/');
        bool ok = normal == "/" || (normal.StartsWith('/') && segments.Skip(1).All(s => s.Length > 0 && s is not "." and not "..")
                                   && segments[1] is "units" or "station");
        if (!ok) throw new CliException(ExitCodes.Usage, $"PATH '{path}' must be '/', or a path under /units or /station without '.' or '..' segments, e.g. /units/web-1");
        string name = subject.StartsWith('@') ? subject[1..] : subject;
        if (NameRules.UserProblem(name, subject.StartsWith('@') ? "group" : "user") is { } bad)
            throw new CliException(ExitCodes.Usage, $"SUBJECT '{subject}': {bad} (a user name, or @group for a group)");
        return (normal, subject);
    }

    /// <summary>The role's name as the station spells it, from GET /api/v1/roles; an unknown one is a usage error naming the roles.</summary>
    private static async Task<string> RoleAsync(StationClient client, string role, CancellationToken ct)
    {
        var roles = await client.GetAsync("api/v1/roles", ct).ConfigureAwait(false);
        var names = roles.EnumerateArray().Select(r => Output.Text(r, "name")).ToList();
        return names.FirstOrDefault(n => string.Equals(n, role, StringComparison.OrdinalIgnoreCase))
            ?? throw new CliException(ExitCodes.Usage, $"ROLE '{role}' is not a role{Suggest.Hint(role, names, "roles")}");
    }
}
