using System.CommandLine;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary><c>login</c>, <c>logout</c> and <c>token create|list|revoke</c>.</summary>
public static class LoginCommands
{
    public static Command Login()
    {
        var user = new Option<string?>("--user", "-u") { Description = "the account to log in as (prompted on a terminal when left out)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "read the password from standard input (one line) instead of prompting" };
        var totp = new Option<string?>("--totp") { Description = "the one-time code (or a recovery code) when the account has a second factor; prompted on a terminal" };
        var command = new Command("login", "Log in to a station and keep the token in the profile (~/.config/ccdsvm/config.json, mode 0600). " +
            "Trust the station with --fingerprint (the station CA's SHA-256, as agents use) or --ca-file; otherwise the system trust store decides.")
        {
            user, passwordStdin, totp,
        };
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            var config = CliConfig.Load();
            var connection = Connection.Resolve(parse, config) with { Token = null };
            string name = parse.GetValue(user) ?? (inv.Interactive && !System.Console.IsInputRedirected
                ? inv.Out.Prompt(new TextPrompt<string>("User:"))
                : throw new CliException(ExitCodes.Usage, "give --user NAME"));
            string password = ReadPassword(inv, parse.GetValue(passwordStdin));
            using var client = connection.Open();
            var issued = await RequestTokenAsync(inv, client, name, password, parse.GetValue(totp), token).ConfigureAwait(false);
            config.Profiles[connection.ProfileName] = new Profile
            {
                Url = connection.Url.ToString().TrimEnd('/'),
                Token = issued.GetProperty("token").GetString(),
                User = name,
                ExpiresAt = issued.TryGetProperty("expiresAt", out var e) ? e.GetDateTimeOffset() : null,
                Fingerprint = client.Trust.Pins.Count > 0 ? client.Trust.Pins[0] : null,
                CaPem = client.Trust.AnchorPem,
                CaFile = connection.Fingerprint is null ? connection.CaFile : null,
            };
            config.Save();
            inv.Note($"logged in to {connection.Url} as {name} (profile '{connection.ProfileName}', token saved in {CliConfig.FilePath})");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string ReadPassword(Invocation inv, bool fromStdin)
    {
        if (fromStdin)
        {
            string? line = System.Console.In.ReadLine();
            if (string.IsNullOrEmpty(line)) throw new CliException(ExitCodes.Usage, "--password-stdin: standard input held no password");
            return line.TrimEnd('\r', '\n');
        }
        if (!inv.Interactive || System.Console.IsInputRedirected)
            throw new CliException(ExitCodes.Usage, "no terminal to ask the password on: use --password-stdin (echo \"$PASSWORD\" | ccdsvm login … --password-stdin)");
        return inv.Out.Prompt(new TextPrompt<string>("Password:").Secret());
    }

    private static async Task<JsonElement> RequestTokenAsync(Invocation inv, StationClient client, string name, string password, string? code, CancellationToken ct)
    {
        while (true)
        {
            using var response = await client.RawAsync(HttpMethod.Post, "api/v1/auth/token", new { username = name, password, totp = code }, ct).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                using var doc = JsonDocument.Parse(body);
                return doc.RootElement.Clone();
            }
            bool needsCode = response.StatusCode == HttpStatusCode.Unauthorized && body.Contains("\"totpRequired\":true", StringComparison.Ordinal);
            if (needsCode && code is null)
            {
                if (!inv.Interactive || System.Console.IsInputRedirected)
                    throw new CliException(ExitCodes.NotAllowed, $"the account '{name}' has a second factor: give --totp CODE (6 digits from the app, or a recovery code)");
                code = inv.Out.Prompt(new TextPrompt<string>("One-time code:"));
                continue;
            }
            throw client.Refusal(response.StatusCode, body, HttpMethod.Post, "api/v1/auth/token");
        }
    }

    public static Command Logout()
    {
        var command = new Command("logout", "Forget the token of the profile (its address and pin stay, so the next login needs only --user).");
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, _) =>
        {
            var config = CliConfig.Load();
            string name = Connection.ProfileNameOf(parse);
            if (!config.Profiles.TryGetValue(name, out var profile) || profile.Token is null)
                throw new CliException(ExitCodes.NotFound, $"profile '{name}' holds no token{Suggest.Hint(name, config.Profiles.Keys, "profiles")}");
            config.Profiles[name] = profile with { Token = null, ExpiresAt = null };
            config.Save();
            inv.Note($"logged out of {profile.Url} (profile '{name}')");
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    public static Command Token()
    {
        var name = new Option<string>("--name") { Description = "what the token is for (shown to administrators)", Required = true };
        var expires = new Option<string>("--expires") { Description = "lifetime: 30d, 12w or a number of days (1–365)", DefaultValueFactory = _ => "30d" };
        var create = new Command("create", "Create a long-lived API token for scripts; it is printed once (use it as CCDSVM_TOKEN).") { name, expires };
        create.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            int days = ParseDays(parse.GetValue(expires)!);
            using var client = inv.Open();
            var created = await client.PostAsync("api/v1/auth/tokens", new { name = parse.GetValue(name), expiresInDays = days }, token).ConfigureAwait(false);
            Output.Print(inv, created, [Column.Of("ID", "id"), Column.Of("NAME", "name"), Column.Time("EXPIRES", "expiresAt"), Column.Of("TOKEN", "token")],
                t => Output.Text(t, "token"));
            return ExitCodes.Success;
        }));

        var list = new Command("list", "Your named API tokens (never their secrets).");
        list.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            Output.Print(inv, await client.GetAsync("api/v1/auth/tokens", token).ConfigureAwait(false),
                [Column.Of("ID", "id"), Column.Of("NAME", "name"), Column.Time("CREATED", "createdAt"), Column.Time("EXPIRES", "expiresAt"), Column.Time("LAST USED", "lastUsedAt")]);
            return ExitCodes.Success;
        }));

        var id = new Argument<string>("ID") { Description = "the token's id (from 'ccdsvm token list')" };
        var revoke = new Command("revoke", "Revoke one of your API tokens.") { id };
        revoke.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            await client.SendAsync(HttpMethod.Delete, "api/v1/auth/tokens/" + Uri.EscapeDataString(parse.GetValue(id)!), null, token).ConfigureAwait(false);
            inv.Note($"token {parse.GetValue(id)} revoked");
            return ExitCodes.Success;
        }));
        return new Command("token", "API tokens for scripts.") { create, list, revoke };
    }

    /// <summary>"30d", "12w" or "30" as days.</summary>
    public static int ParseDays(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        int factor = t.EndsWith('w') ? 7 : 1;
        if (t.EndsWith('d') || t.EndsWith('w')) t = t[..^1];
        if (!int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n <= 0)
            throw new CliException(ExitCodes.Usage, $"--expires '{text}': give a lifetime such as 30d, 12w or 90");
        return n * factor;
    }
}
