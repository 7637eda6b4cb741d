using System.Globalization;
using Crm.Tests.Infrastructure;
using Crm.Web.Records;

namespace Crm.Tests.Records;

/// <summary>Alone, after every other test: it measures the process's live managed heap.</summary>
[CollectionDefinition(nameof(ExportMemoryTests), DisableParallelization = true)]
public sealed class ExportMemoryRun;

/// <summary>
/// An export of 100,000 rows is written in constant memory: the live heap after a full collection
/// grows by less than a few megabytes between the 10,000th row and the last, while holding the
/// file (12 MB of CSV, a 100 MB package for xlsx the SDK's usual way) would grow it far more.
/// Speed is measured by bench/export-formats, not here.
/// </summary>
[Trait(TestLanes.Database, TestLanes.None)]
[Collection(nameof(ExportMemoryTests))]
public sealed class ExportMemoryTests
{
    private const int Rows = 100_000;
    private const long Bound = 8_000_000;

    /// <summary>A synthetic list generated while it is written, sampling the live heap as it goes.</summary>
    private sealed class Sampled
    {
        public long AtTenThousand { get; private set; }
        public long HighWater { get; private set; }

        public TableExport Table => new("bench", ["ID", "Name", "City", "Country", "Phone", "Email", "Website", "Owner"], RowsAsync);

        private async IAsyncEnumerable<IReadOnlyList<string?>> RowsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (var i = 1; i <= Rows; i++)
            {
                if (i % 10_000 == 0)
                {
                    var live = GC.GetTotalMemory(forceFullCollection: true);
                    AtTenThousand = i == 10_000 ? live : AtTenThousand;
                    HighWater = Math.Max(HighWater, live);
                    await Task.Yield();
                }

                cancellationToken.ThrowIfCancellationRequested();
                var n = i.ToString(CultureInfo.InvariantCulture);
                yield return [n, i % 50 == 0 ? $"=HYPERLINK(\"http://x/{n}\")" : $"Company {n}, Ltd.", "München", "DE", "+49 30 " + n, $"contact{n}@example.com", "https://example.com/" + n, "Ada Lovelace"];
            }
        }
    }

    /// <summary>Counts what it is given and keeps none of it, as a client reading the download would.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written += count;
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Written += count;
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }

    [Theory]
    [InlineData(ExportFormat.Csv, 10_000_000)]
    [InlineData(ExportFormat.Xlsx, 5_000_000)]
    public async Task A_list_of_100000_rows_is_written_in_constant_memory(ExportFormat format, long smallestFile)
    {
        var sampled = new Sampled();
        await using var output = new CountingStream();
        await sampled.Table.WriteAsync(output, format, CancellationToken.None);

        // The whole list went out (so keeping it would have cost at least this much)...
        Assert.True(output.Written > smallestFile, $"{format}: {output.Written:N0} bytes written");
        // ...and the heap did not grow with it.
        Assert.True(sampled.HighWater - sampled.AtTenThousand < Bound,
            $"{format}: the live heap grew by {sampled.HighWater - sampled.AtTenThousand:N0} bytes between row 10,000 and row {Rows:N0}");
    }
}
