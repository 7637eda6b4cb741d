using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Web.Features.Import;

/// <summary>
/// One import of a file into one module (ADR 0038): the file's headers and the mapping chosen, the
/// mode, and where it stands. The rows it checked and wrote are <see cref="ImportRow"/>s, the file
/// itself an <see cref="ImportFile"/>. Work records, not audited themselves: the records an import
/// writes are, each entry naming the importer and the import (<see cref="ImportRuns.RequestIdOf"/>).
/// </summary>
public sealed class ImportRun
{
    public const int FileNameMaxLength = 255;

    public int Id { get; set; }
    public string Module { get; set; } = "";
    public string FileName { get; set; } = "";

    /// <summary>"csv" or "xlsx".</summary>
    public string FileKind { get; set; } = "";

    /// <summary>The file's column headers, as JSON (a list of strings).</summary>
    public string Headers { get; set; } = "[]";

    /// <summary>Header → field key (null: ignored), as JSON.</summary>
    public string Mapping { get; set; } = "{}";

    /// <summary><see cref="ImportModes"/>.</summary>
    public string Mode { get; set; } = ImportModes.Create;

    /// <summary>What an update matches records on: "id" or one of the module's match keys ("email").</summary>
    public string? MatchKey { get; set; }

    /// <summary>The importer confirmed that the columns mapped to nothing are to be ignored.</summary>
    public bool IgnoreUnmapped { get; set; }

    /// <summary>Only the first this many rows (a trial); null: all of them.</summary>
    public int? RowLimit { get; set; }

    /// <summary><see cref="ImportStatuses"/>.</summary>
    public string Status { get; set; } = ImportStatuses.Mapping;

    /// <summary>Why it failed or what stopped it, in words for the importer.</summary>
    public string? Message { get; set; }

    public int RowCount { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Failed { get; set; }

    public Guid CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CheckedAt { get; set; }
    public DateTime? ImportedAt { get; set; }
    public DateTime? UndoneAt { get; set; }

    /// <summary>Who asked for the undo: it runs as them.</summary>
    public Guid? UndoneById { get; set; }

    /// <summary>An administrator's choice at confirm: the import's records (and its undo's) set off no automation rule and no webhook (<see cref="Audit.QuietRequest"/>).</summary>
    public bool SkipAutomation { get; set; }

    /// <summary>Until when an instance holds it while checking or importing; a lease run out means that instance stopped.</summary>
    public DateTime? LeaseUntil { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ImportRun>
    {
        public void Configure(EntityTypeBuilder<ImportRun> builder)
        {
            builder.ToTable("ImportRuns");
            builder.Property(r => r.Module).HasMaxLength(50);
            builder.Property(r => r.FileName).HasMaxLength(FileNameMaxLength);
            builder.Property(r => r.FileKind).HasMaxLength(10);
            builder.Property(r => r.Headers).HasMaxLength(100000);
            builder.Property(r => r.Mapping).HasMaxLength(100000);
            builder.Property(r => r.Mode).HasMaxLength(20);
            builder.Property(r => r.MatchKey).HasMaxLength(50);
            builder.Property(r => r.Status).HasMaxLength(20);
            builder.Property(r => r.Message).HasMaxLength(2000);
            // The column came after the table (20261210110000): its rows before it are imports with automation on.
            builder.Property(r => r.SkipAutomation).HasDefaultValue(false);
            builder.HasIndex(r => new { r.Module, r.Status });
            builder.HasIndex(r => r.CreatedAt);
        }
    }
}

/// <summary>The uploaded file of an import, kept apart so that listing imports never reads it; removed when the import can no longer be undone.</summary>
public sealed class ImportFile
{
    public int RunId { get; set; }
    public byte[] Content { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<ImportFile>
    {
        public void Configure(EntityTypeBuilder<ImportFile> builder)
        {
            builder.ToTable("ImportFiles");
            builder.HasKey(f => f.RunId);
            builder.HasOne<ImportRun>().WithOne().HasForeignKey<ImportFile>(f => f.RunId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>
/// What the check or the import did with one row of the file: created or updated which record (and
/// its version after, which undo compares), the fields it changed (old → new, which the dry run shows
/// and undo restores), or why the row was refused.
/// </summary>
public sealed class ImportRow
{
    public long Id { get; set; }
    public int RunId { get; set; }

    /// <summary>The row's number in the file, counting the header as row 1 (as a spreadsheet shows it).</summary>
    public int Row { get; set; }

    /// <summary><see cref="ImportRowOutcomes"/>.</summary>
    public string Outcome { get; set; } = "";
    public int? RecordId { get; set; }
    public int? VersionAfter { get; set; }

    /// <summary>Field → [old, new] as JSON; for a created record only the new values.</summary>
    public string? Changes { get; set; }

    /// <summary>The row's problems as JSON: a list of { column, message }.</summary>
    public string? Errors { get; set; }

    /// <summary>After an undo: "undone", or why this record was left as it is.</summary>
    public string? UndoNote { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ImportRow>
    {
        public void Configure(EntityTypeBuilder<ImportRow> builder)
        {
            builder.ToTable("ImportRows");
            builder.Property(r => r.Outcome).HasMaxLength(20);
            builder.Property(r => r.Changes).HasMaxLength(100000);
            builder.Property(r => r.Errors).HasMaxLength(100000);
            builder.Property(r => r.UndoNote).HasMaxLength(1000);
            builder.HasIndex(r => new { r.RunId, r.Row });
            builder.HasOne<ImportRun>().WithMany().HasForeignKey(r => r.RunId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>The last mapping used for a module (header → field key), offered again for the next import of a file with those headers.</summary>
public sealed class ImportMapping
{
    public string Module { get; set; } = "";
    public string Mapping { get; set; } = "{}";
    public DateTime UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ImportMapping>
    {
        public void Configure(EntityTypeBuilder<ImportMapping> builder)
        {
            builder.ToTable("ImportMappings");
            builder.HasKey(m => m.Module);
            builder.Property(m => m.Module).HasMaxLength(50);
            builder.Property(m => m.Mapping).HasMaxLength(100000);
        }
    }
}

public static class ImportModes
{
    public const string Create = "create";
    public const string Update = "update";
    public const string CreateOrUpdate = "create-or-update";

    public static readonly IReadOnlyList<string> All = [Create, Update, CreateOrUpdate];
}

public static class ImportStatuses
{
    /// <summary>Uploaded; the importer maps the columns and chooses the mode.</summary>
    public const string Mapping = "mapping";
    public const string Checking = "checking";

    /// <summary>The dry run is done: its rows say what would happen; the importer confirms or changes the mapping.</summary>
    public const string Checked = "checked";
    public const string Importing = "importing";
    public const string Imported = "imported";

    /// <summary>Nothing was written: rows were refused, the file could not be read, or the import was interrupted.</summary>
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Undoing = "undoing";
    public const string Undone = "undone";

    /// <summary>Checking, importing or undoing: a worker holds it or is about to.</summary>
    public static bool IsRunning(string status) => status is Checking or Importing or Undoing;
}

public static class ImportRowOutcomes
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Unchanged = "unchanged";
    public const string Error = "error";
}
