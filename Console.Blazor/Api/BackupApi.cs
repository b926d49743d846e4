using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Backup;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>POST /api/v1/admin/backup: an encrypted online backup of the station, for administrators.</summary>
public static class BackupApi
{
    public static RouteGroupBuilder MapBackupApi(this RouteGroupBuilder secured)
    {
        secured.MapPost("/admin/backup", async (HttpContext context, StoreBackup backup) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<BackupRequest>();
            if (error is not null) return error;
            return Problems.Map(await backup.CreateAsync(context.Caller(), body!.Passphrase, context.ClientAddress(), context.RequestAborted), Results.Ok);
        }).WithTags("Admin")
            .WithDescription("Backs up the store (VACUUM INTO, checked with PRAGMA integrity_check), the data-protection keys, the TLS directory and the "
                + "embedded unit's state into one file encrypted with the passphrase (AES-256-GCM, PBKDF2-SHA256 600,000 iterations) under the backups "
                + "directory. 400 for a missing passphrase or one shorter than 12 characters; 403 for anyone but an administrator.")
            .Produces<BackupMade>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(503);
        return secured;
    }
}
