using Crm.Web.Data;
using Crm.Web.Features.Scheduler;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Web.Features.Import;

/// <summary>
/// Removes uploaded import files once nothing needs them: <see cref="ImportOptions.UndoDays"/> (30 by
/// default) after the import, or after the upload for a file never imported. An uploaded spreadsheet is
/// often a whole customer list, personal data that must not be kept longer than its purpose (GDPR
/// storage limitation), and it can be 50 MB. The run, its rows and what it changed stay: the undo reads
/// the rows, not the file. A run still being checked, imported or undone keeps its file.
/// </summary>
public sealed class PruneImportFiles(CrmDb db, IOptionsMonitor<ImportOptions> options, TimeProvider clock) : IRecurringJob
{
    public const string JobName = "prune-import-files";

    public static string Gone(ImportOptions options) =>
        $"The file of this import is no longer kept: uploaded files are removed {options.UndoDays} days after the import (or the upload). Upload the file again.";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-Math.Max(1, options.CurrentValue.UndoDays));
        var done = db.ImportRuns
            .Where(r => (r.ImportedAt ?? r.CreatedAt) < cutoff
                && r.Status != ImportStatuses.Checking && r.Status != ImportStatuses.Importing && r.Status != ImportStatuses.Undoing)
            .Select(r => r.Id);
        await db.ImportFiles.Where(f => done.Contains(f.RunId)).ExecuteDeleteAsync(cancellationToken);
    }
}
