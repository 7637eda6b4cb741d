using System.Globalization;
using System.Net;
using System.Text.Json;
using Crm.Tests.Infrastructure;

namespace Crm.Tests.Records;

/// <summary>Reading exports back: the header and the first column (the ID) of a CSV or xlsx export.</summary>
public static class ExportKit
{
    public sealed record Table(HttpStatusCode Status, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
    {
        public List<int> Ids => [.. Rows.Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)).Order()];
    }

    /// <summary><paramref name="url"/> is the module's export address with its query; the format is added.</summary>
    public static async Task<Table> ExportAsync(this PageClient client, string url, string format)
    {
        var response = await client.Http.GetAsync(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "format=" + format);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new Table(response.StatusCode, [], []);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync();
        List<List<string>> rows;
        if (format == "xlsx")
        {
            Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes));
            using var sheetStream = zip.GetEntry("xl/worksheets/sheet1.xml")!.Open();
            var sheet = System.Xml.Linq.XDocument.Load(sheetStream);
            System.Xml.Linq.XNamespace ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
            rows = [.. sheet.Descendants(ns + "row").Select(r => Cells(r.Elements(ns + "c")))];
        }
        else
        {
            Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
            // Test data has no commas, quotes or line breaks in the cells read here.
            var text = System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
            rows = [.. text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',').ToList())];
        }

        return new Table(response.StatusCode, rows.Count == 0 ? [] : rows[0], [.. rows.Skip(1)]);
    }

    /// <summary>Empty cells are not written: each cell goes to the column its reference (B7) names.</summary>
    private static List<string> Cells(IEnumerable<System.Xml.Linq.XElement> cells)
    {
        var row = new List<string>();
        foreach (var cell in cells)
        {
            var column = ((string)cell.Attribute("r")!).TakeWhile(char.IsLetter).Aggregate(0, (n, c) => (n * 26) + (c - 'A' + 1)) - 1;
            while (row.Count <= column)
            {
                row.Add("");
            }

            row[column] = cell.Value;
        }

        return row;
    }

    /// <summary>Every ID the list API returns for the caller, all pages (of <paramref name="pageSize"/> rows each).</summary>
    public static async Task<List<int>> ListIdsAsync(this PageClient client, string url, int pageSize = 100)
    {
        var ids = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            // A cursor that never ends the walk is a failure, not a hang.
            Assert.True(++pages <= 1000, $"{url} gave more than 1000 pages");
            var response = await client.Http.GetAsync(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "pageSize=" + pageSize.ToString(CultureInfo.InvariantCulture)
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJsonAsync();
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? page.GetProperty("nextCursor").GetString() : null;
        }
        while (cursor is not null);

        return [.. ids.Order()];
    }

    /// <summary>The labels the global search API finds in one module.</summary>
    public static async Task<List<string>> SearchAsync(this PageClient client, string module, string query)
    {
        var response = await client.Http.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(query));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadJsonAsync();
        return [.. json.GetProperty("groups").EnumerateArray().Where(g => g.GetProperty("module").GetString() == module)
            .SelectMany(g => g.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("label").GetString()!))];
    }
}
