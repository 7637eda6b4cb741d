using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Crm.Tests.Infrastructure;
using Crm.Web.Data;
using Crm.Web.Features.Import;
using Crm.Web.Records;
using Microsoft.Extensions.DependencyInjection;
using static Crm.Tests.Import.ImportKit;

namespace Crm.Tests.Import;

/// <summary>
/// An import stages its new records and writes them a hundred at a time, with keys reserved before they
/// are written (ADR 0054). For every importable module, whatever its fields: a file of more rows than
/// one batch is imported, and every record the results name is there, as the API shows it, with the
/// values the import says it wrote; the keys come after any the module ever gave. A constraint that
/// two staged rows break together refuses the row as the save alone would.
/// </summary>
public sealed class ImportStagingTests(ImportApp app) : IClassFixture<ImportApp>
{
    private const int Rows = 150; // a full batch of 100 and part of the next

    public static TheoryData<string> Modules() => [.. new ImportApp().Services.GetRequiredService<ImportModules>().All.Select(m => m.Definition.Key)];

    [Theory]
    [MemberData(nameof(Modules))]
    public async Task Every_module_writes_what_each_row_says_with_new_keys(string module)
    {
        var admin = await app.SignInAsAdminAsync();
        var fields = app.Services.GetRequiredService<ImportModules>().Find(module)!.Fields;

        // A record made and deleted through the API first: its key is never given again (AUTOINCREMENT on SQLite, a sequence on PostgreSQL).
        var before = await LastKeyGivenAsync(admin, module, fields);

        var csv = new StringBuilder(string.Join(',', fields.Select(f => Quoted(f.Label)))).Append("\r\n");
        for (var i = 1; i <= Rows; i++)
        {
            csv.AppendJoin(',', fields.Select(f => Quoted(Value(f, i)))).Append("\r\n");
        }

        var id = (await StartAsync(admin, module, $"{module}-staged.csv", csv.ToString())).GetProperty("id").GetInt32();
        var check = await CheckAsync(app, admin, id, """{"mode":"create"}""");
        Assert.True(check.GetProperty("failed").GetInt32() == 0, string.Join("\n", (await RowsAsync(admin, id, "error")).Take(5).Select(r => r.GetRawText())));
        var imported = await ConfirmAsync(app, admin, id);
        Assert.Equal("imported", imported.GetProperty("status").GetString());
        Assert.Equal(Rows, imported.GetProperty("created").GetInt32());

        var rows = await RowsAsync(admin, id);
        var keys = rows.Select(r => r.GetProperty("recordId").GetInt32()).ToList();
        Assert.Equal(Rows, keys.Distinct().Count());
        Assert.All(keys, k => Assert.True(k > before, $"Key {k} was given before ({before})."));
        foreach (var row in rows)
        {
            var record = await admin.Http.GetAsync($"/api/v1/{module}/{row.GetProperty("recordId").GetInt32()}");
            Assert.Equal(HttpStatusCode.OK, record.StatusCode);
            var shown = await record.ReadJsonAsync();
            foreach (var change in row.GetProperty("changes").EnumerateObject())
            {
                if (shown.TryGetProperty(change.Name, out var value))
                {
                    Assert.Equal(Normal(change.Value[1]), Normal(value));
                }
            }
        }
    }

    /// <summary>
    /// A staged batch goes to PostgreSQL by COPY only when its record type fits (StagedCreates.Copy); one that
    /// does not is written by EF, correctly but at a fraction of the speed. Every CRM record type fits, so a
    /// change that stops one from fitting (a column the database fills, a type COPY is not given) shows here.
    /// </summary>
    [Fact]
    public void Every_record_type_is_one_a_staged_batch_copies()
    {
        using var scope = app.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<CrmDb>().Model;
        var records = model.GetEntityTypes().Where(t => typeof(OwnedRecord).IsAssignableFrom(t.ClrType)).ToList();
        Assert.NotEmpty(records);
        Assert.All(records, t => Assert.True(StagedCreates.CopyTable.Of(t) is not null, $"{t.ClrType.Name} cannot be copied"));
    }

    [Fact]
    public async Task Two_rows_of_one_batch_with_one_product_code_are_refused_as_the_save_refuses_them()
    {
        var admin = await app.SignInAsAdminAsync();
        var first = await admin.PostJsonAsync("/api/v1/products", """{"name":"Staged anvil","code":"STG-1","price":"10.00","currency":"EUR"}""");
        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var again = await admin.PostJsonAsync("/api/v1/products", """{"name":"Staged anvil too","code":"stg-1","price":"10.00","currency":"EUR"}""");
        var refusal = (await again.ReadJsonAsync()).GetProperty("errors").GetProperty("code")[0].GetString();

        // Rows 3 and 5 share a code no record has yet: each passes the save's check, which cannot see the other staged row.
        var csv = "Name,Code,Price,Currency\r\nWidget A,STG-2,1.00,EUR\r\nWidget B,STG-3,1.00,EUR\r\nWidget C,STG-3,1.00,EUR\r\nWidget D,STG-4,1.00,EUR\r\n";
        var id = (await StartAsync(admin, "products", "products-twice.csv", csv)).GetProperty("id").GetInt32();
        var check = await CheckAsync(app, admin, id, """{"mode":"create"}""");
        Assert.Equal(1, check.GetProperty("failed").GetInt32());
        var refused = Assert.Single(await RowsAsync(admin, id, "error"));
        Assert.Equal(4, refused.GetProperty("row").GetInt32());
        var problem = refused.GetProperty("problems")[0].GetProperty("message").GetString()!;
        Assert.Equal(refusal!.Replace("stg-1", "STG-3", StringComparison.Ordinal), problem);
        Assert.Equal(0, await app.InDatabaseAsync(db => Task.FromResult(db.Products.Count(p => p.Code.StartsWith("STG-") && p.Code != "STG-1"))));
    }

    private static async Task<int> LastKeyGivenAsync(PageClient admin, string module, IReadOnlyList<ImportField> fields)
    {
        var body = new Dictionary<string, object?>();
        foreach (var field in fields.Where(f => f.Kind is ImportValueKind.Text or ImportValueKind.Date or ImportValueKind.Boolean || f.Choices is not null))
        {
            body[field.Key] = Value(field, 0) switch { "" => null, "yes" => true, var v => v };
        }

        var created = await admin.PostJsonAsync($"/api/v1/{module}", JsonSerializer.Serialize(body));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var key = (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
        var deleted = await admin.Http.DeleteAsync($"/api/v1/{module}/{key}");
        Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());
        return key;
    }

    /// <summary>A value the field takes, different on each row where a field may have to be unique.</summary>
    private static string Value(ImportField field, int row) => field.Key.EndsWith("Module", StringComparison.Ordinal) ? "" // a link's module goes with its ID, left empty
        : field.Choices is { Count: > 0 } choices ? choices[row % choices.Count]
        : field.Key.Contains("date", StringComparison.OrdinalIgnoreCase) ? "2027-01-15"
        : field.Key.Contains("currency", StringComparison.OrdinalIgnoreCase) ? "EUR"
        : field.Key is "amount" or "price" ? $"{row + 1}0.50"
        : field.Kind switch
    {
        ImportValueKind.WholeNumber => field.Key.EndsWith("Id", StringComparison.Ordinal) ? "" : (row % 10 * 10).ToString(CultureInfo.InvariantCulture),
        ImportValueKind.Date => "2027-01-15",
        ImportValueKind.Boolean => "yes",
        ImportValueKind.User or ImportValueKind.Users => "",
        _ => field.Key.Contains("email", StringComparison.OrdinalIgnoreCase) ? $"row{row}.{field.Key}@staged.example"
            : field.Key.Contains("phone", StringComparison.OrdinalIgnoreCase) ? $"+44 20 7946 {row:0000}"
            : field.Key.Contains("website", StringComparison.OrdinalIgnoreCase) ? $"https://row{row}.staged.example"
            : $"Staged {field.Key} {row}",
    };

    private static string Quoted(string value) => $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static string Normal(JsonElement value) => value.ValueKind == JsonValueKind.Number
        ? value.GetDecimal().ToString(CultureInfo.InvariantCulture)
        : value.ValueKind == JsonValueKind.String && DateTime.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : value.GetRawText();
}
