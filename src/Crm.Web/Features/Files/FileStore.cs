using System.Security.Cryptography;
using Crm.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Crm.Web.Features.Files;

/// <summary>Where stored content lives and how big one upload may be (<c>Files:Root</c>, <c>Files:MaxBytes</c>).</summary>
public sealed class FileSettings
{
    public const long DefaultMaxBytes = 25L * 1024 * 1024;

    /// <summary>The folder of the stored content, outside wwwroot; default <c>data/files</c> next to the SQLite database.</summary>
    public string Root { get; set; } = "";

    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>The limit in words, for messages.</summary>
    public string MaxDescription => MaxBytes % (1024 * 1024) == 0 ? $"{MaxBytes / (1024 * 1024)} MB" : $"{MaxBytes} bytes";
}

/// <summary>An upload written to a temporary file and hashed on the way; deleted on dispose unless it became the stored content.</summary>
public sealed class StagedContent(string path, string sha256, long size) : IDisposable
{
    public string TempPath { get; } = path;
    public string Sha256 { get; } = sha256;
    public long Size { get; } = size;

    public void Dispose()
    {
        if (File.Exists(TempPath))
        {
            File.Delete(TempPath);
        }
    }
}

/// <summary>
/// The content-addressed folder: each content once, at <c>root/ab/cd/&lt;sha256&gt;</c>. Rows decide
/// what is referenced; the folder follows them (content placed before its rows commit, removed
/// after the rows that referenced it are gone), and <see cref="SweepAsync"/> removes what a crash left behind.
/// </summary>
public sealed class FileStore(FileSettings settings, TimeProvider clock, ILogger<FileStore> logger)
{
    /// <summary>An unreferenced file this old is an orphan; younger ones may belong to an upload still committing.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(10);

    public FileSettings Settings => settings;

    /// <summary>Copies <paramref name="source"/> to a temporary file, hashing it; null when it is over the size limit (nothing is kept).</summary>
    public async Task<StagedContent?> StageAsync(Stream source, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(settings.Root, "tmp");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, Guid.CreateVersion7().ToString("N"));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var buffer = new byte[81920];
        var tooLarge = false;
        await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                size += read;
                if (size > settings.MaxBytes)
                {
                    tooLarge = true;
                    break;
                }

                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        if (tooLarge)
        {
            File.Delete(path);
            return null;
        }

        return new StagedContent(path, Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    /// <summary>Puts staged content in its place unless the same content is already there (then the stage stays for <see cref="EnsureStored"/>).</summary>
    public void Place(StagedContent staged)
    {
        var target = PathOf(staged.Sha256);
        if (File.Exists(target))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(staged.TempPath, target);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Someone stored the same content meanwhile: theirs is the same bytes.
        }
    }

    /// <summary>
    /// After the rows committed: if a concurrent delete of the last other reference removed the
    /// content between <see cref="Place"/> and the commit, the stage puts it back.
    /// </summary>
    public void EnsureStored(StagedContent staged)
    {
        if (!File.Exists(PathOf(staged.Sha256)) && File.Exists(staged.TempPath))
        {
            Place(staged);
        }
    }

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    public Stream Open(string sha256) =>
        new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);

    /// <summary>Removes content whose row is gone; called after the deleting transaction committed.</summary>
    public async Task RemoveUnreferencedAsync(CrmDb db, IEnumerable<string> sha256s, CancellationToken cancellationToken)
    {
        foreach (var sha in sha256s.Distinct(StringComparer.Ordinal))
        {
            if (!await db.StoredFiles.AnyAsync(f => f.Sha256 == sha, cancellationToken) && File.Exists(PathOf(sha)))
            {
                File.Delete(PathOf(sha));
            }
        }
    }

    /// <summary>
    /// Removes content no row refers to and stale temporary files, leaving anything younger than
    /// <see cref="OrphanAge"/> (an upload places its content just before its rows commit).
    /// </summary>
    public async Task<int> SweepAsync(CrmDb db, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(settings.Root))
        {
            return 0;
        }

        var cutoff = clock.GetUtcNow().UtcDateTime - OrphanAge;
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(settings.Root, "*", SearchOption.AllDirectories))
        {
            if (File.GetLastWriteTimeUtc(path) > cutoff)
            {
                continue;
            }

            var name = Path.GetFileName(path);
            var isTemp = Path.GetFileName(Path.GetDirectoryName(path)) == "tmp";
            if (isTemp || (IsHash(name) && !await db.StoredFiles.AnyAsync(f => f.Sha256 == name, cancellationToken)))
            {
                File.Delete(path);
                removed++;
            }
        }

        if (removed > 0)
        {
            logger.LogInformation("File sweep removed {Count} unreferenced files.", removed);
        }

        return removed;
    }

    private string PathOf(string sha256)
    {
        if (!IsHash(sha256))
        {
            throw new ArgumentException("Not a SHA-256 in hex.", nameof(sha256));
        }

        return Path.Combine(settings.Root, sha256[..2], sha256[2..4], sha256);
    }

    private static bool IsHash(string text) => text.Length == StoredFile.HashLength && text.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}

/// <summary>Runs the orphan sweep at start and then hourly, so content left by a crash or by a cascade delete does not linger.</summary>
public sealed class FileSweeper(IServiceScopeFactory scopes, ILogger<FileSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                try
                {
                    using var scope = scopes.CreateScope();
                    await scope.ServiceProvider.GetRequiredService<FileStore>().SweepAsync(scope.ServiceProvider.GetRequiredService<CrmDb>(), stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "The file sweep failed; it runs again in an hour.");
                }

                await Task.Delay(TimeSpan.FromHours(1), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped: an ordinary end, also when the host failed to start and cancelled its
            // workers without stopping them (the host would otherwise log it as a crashed worker).
        }
    }
}
