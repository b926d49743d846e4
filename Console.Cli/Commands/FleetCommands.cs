using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>Joining and labelling units: <c>enrol create|list|revoke</c> (the tokens new agents enrol with) and <c>units tag</c>.</summary>
public static class FleetCommands
{
    /// <summary>The station's longest token lifetime (Enrolments.MaxLifetime, 7 days).</summary>
    public const int MaxMinutes = 7 * 24 * 60;

    public static Command Enrol()
    {
        var note = new Option<string?>("--note") { Description = "what the token is for (the unit or fleet it will enrol)" };
        var minutes = new Option<int?>("--expires-in-minutes") { Description = $"how long the token stays valid, 1 to {MaxMinutes} minutes (the station's default when absent)" };
        var count = new Option<int?>("--count") { Description = $"how many units may enrol with the token, 1 to {AuthEnrol.MaxCount} (default 1: a one-time token)" };
        var create = new Command("create", "A token new units' agents enrol with (--enrol TOKEN): one-time, or for a fleet of --count units. The secret is shown only now.") { note, minutes, count };
        create.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            if (parse.GetValue(minutes) is { } m && m is < 1 or > MaxMinutes)
                throw new CliException(ExitCodes.Usage, $"--expires-in-minutes must be between 1 and {MaxMinutes} (7 days)");
            if (parse.GetValue(count) is { } n && n is < 1 or > AuthEnrol.MaxCount)
                throw new CliException(ExitCodes.Usage, $"--count must be between 1 and {AuthEnrol.MaxCount}: how many units may enrol with the token");
            using var client = inv.Open();
            var created = await client.PostAsync("api/v1/enrolments",
                new { note = parse.GetValue(note), expiresInMinutes = parse.GetValue(minutes), count = parse.GetValue(count) }, token).ConfigureAwait(false);
            Output.Print(inv, created, [Column.Of("ID", "id"), Column.Of("TOKEN", "token"), Column.Of("COUNT", "count"), Column.Time("EXPIRES", "expiresAt"), Column.Of("NOTE", "note")],
                e => Output.Text(e, "token"));
            return ExitCodes.Success;
        }));

        var list = new Command("list", "Enrolment tokens (never their secrets): state, uses of count, who made them.");
        list.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            using var client = inv.Open();
            Output.Print(inv, await client.GetAsync("api/v1/enrolments", token).ConfigureAwait(false),
                [Column.Of("ID", "id"), Column.Of("STATE", "state"), new Column("USES", e => $"{Output.Text(e, "uses")}/{Output.Text(e, "count")}"),
                 Column.Time("EXPIRES", "expiresAt"), Column.Of("BY", "createdBy"), Column.Of("FIRST UNIT", "usedByUnit"), Column.Of("NOTE", "note")]);
            return ExitCodes.Success;
        }));

        var id = new Argument<string>("ID") { Description = "the token's id (ccdsvm enrol list)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "revoke without asking (needed without a terminal)" };
        var revoke = new Command("revoke", "Revokes an enrolment token: it enrols no further unit (units it enrolled keep their credentials).") { id, yes };
        revoke.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string given = parse.GetValue(id)!;
            if (!long.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number < 1)
                throw new CliException(ExitCodes.Usage, $"ID '{given}' is not a token id: a positive number from 'ccdsvm enrol list'");
            Confirm.Destructive(inv, parse.GetValue(yes), $"revoke enrolment token {number}");
            using var client = inv.Open();
            var revoked = await client.PostAsync($"api/v1/enrolments/{number}/revoke", null, token).ConfigureAwait(false);
            Output.Print(inv, revoked, [Column.Of("ID", "id"), Column.Time("REVOKED", "revokedAt"), Column.Of("BY", "revokedBy"),
                new Column("USES", e => $"{Output.Text(e, "uses")}/{Output.Text(e, "count")}"), Column.Of("NOTE", "note")]);
            return ExitCodes.Success;
        }));
        return new Command("enrol", "Enrolment of new units (administrators).") { create, list, revoke };
    }

    private const int MaxTags = 32, MaxTagLength = 40;

    /// <summary><c>units tag UNIT TAG… [--remove TAG…]</c>: reads the unit's tags, adds and removes, sends the whole set.</summary>
    public static Command Tag()
    {
        var unit = new Argument<string>("UNIT") { Description = "the unit's id" };
        var add = new Argument<string[]>("TAG") { Description = $"tags to add: 1-{MaxTagLength} lower-case letters, digits and - _ . : =", Arity = ArgumentArity.ZeroOrMore };
        var remove = new Option<string[]>("--remove") { Description = "a tag to take away (repeat for several: --remove a --remove b)", HelpName = "TAG" };
        var tag = new Command("tag", $"Adds and removes a unit's tags (PUT /api/v1/units/UNIT/tags with the whole set; at most {MaxTags}).") { unit, add, remove };
        tag.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, async (inv, token) =>
        {
            string id = parse.GetValue(unit)!;
            string[] adding = parse.GetValue(add) ?? [], removing = parse.GetValue(remove) ?? [];
            if (adding.Length + removing.Length == 0) throw new CliException(ExitCodes.Usage, "name a TAG to add or --remove TAG");
            // As the station's SetUnitTags checks them.
            foreach (var t in adding.Concat(removing))
                if (t.Length is 0 or > MaxTagLength || !t.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.' or ':' or '='))
                    throw new CliException(ExitCodes.Usage, $"tag '{t}' must be 1-{MaxTagLength} lower-case letters, digits and - _ . : =");
            if (adding.Intersect(removing, StringComparer.Ordinal).FirstOrDefault() is { } both)
                throw new CliException(ExitCodes.Usage, $"tag '{both}' is both added and removed");
            using var client = inv.Open();
            var view = await ListCommands.GetUnitAsync(client, id, token).ConfigureAwait(false);
            var current = view.TryGetProperty("tags", out var tags) && tags.ValueKind == System.Text.Json.JsonValueKind.Array
                ? tags.EnumerateArray().Select(t => t.GetString() ?? "").ToList() : [];
            var next = current.Concat(adding).Except(removing, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).ToList();
            if (next.Count > MaxTags) throw new CliException(ExitCodes.Usage, $"a unit carries at most {MaxTags} tags; that would make {next.Count}");
            foreach (var gone in removing.Where(r => !current.Contains(r, StringComparer.Ordinal))) inv.Note($"unit {id} has no tag '{gone}'");
            var answer = await client.SendAsync(HttpMethod.Put, $"api/v1/units/{Uri.EscapeDataString(id)}/tags", new { tags = next }, token).ConfigureAwait(false);
            if (inv.Format != OutputFormat.Table) Output.Print(inv, answer, []);
            else if (!inv.Quiet) inv.Out.WriteLine($"{id}: {(Output.Text(answer, "tags") is { Length: > 0 } now ? now : "no tags")}");
            return ExitCodes.Success;
        }));
        return tag;
    }
}
