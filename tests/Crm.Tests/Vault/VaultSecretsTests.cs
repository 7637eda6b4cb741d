using System.Data.Common;
using System.Net;
using System.Text;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Vault;

/// <summary>
/// Secrets at rest and in transit (issue 27): after entries are saved through the page and the API
/// and changed, no table holds a secret in clear, in base64 or as UTF-8 hex; lists, reads, history,
/// the activity log and the application log carry none either, and the history says "password changed".
/// </summary>
public sealed class VaultSecretsTests
{
    private const string FirstPassword = "Tangerine-Otter-7731!";
    private const string SecondPassword = "Quartz lagoon 5519 ember";
    private const string PagePassword = "Velvet-Harbour-2208?";
    private const string Notes = "Alarm code 4417, spare key under the blue pot";
    private const string TotpSeed = "JBSWY3DPEHPK3PXP";

    private static readonly string[] s_secrets = [FirstPassword, SecondPassword, PagePassword, Notes, TotpSeed];

    [Fact]
    public async Task No_table_list_history_or_log_holds_a_secret_in_clear_base64_or_hex()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var category = await VaultKit.CategoryAsync(admin, "Suppliers");

        // One entry through the API, then its password changed; one through the page's form.
        var api = await VaultKit.EntryAsync(admin, category, "Supplier portal", FirstPassword, Notes, TotpSeed);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"/api/v1/vault/{api}",
            $$"""{"name":"Supplier portal","categoryId":{{category}},"password":"{{SecondPassword}}"}""")).StatusCode);
        var saved = await admin.SubmitAsync("/vault/new", new()
        {
            ["Input.Name"] = "Router",
            ["Input.CategoryId"] = category.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.Password"] = PagePassword,
            ["Input.Notes"] = Notes,
        }, "#entry-form");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        // A reveal hands the secrets back (so they are really stored), and is logged without them.
        var revealed = await admin.PostJsonAsync($"/api/v1/vault/{api}/reveal", "{}");
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        var secrets = await revealed.ReadJsonAsync();
        Assert.Equal((SecondPassword, Notes, TotpSeed), (secrets.GetProperty("password").GetString(), secrets.GetProperty("notes").GetString(), secrets.GetProperty("totpSeed").GetString()));

        var dump = await DumpAsync(app);
        Assert.Contains("Supplier portal", dump, StringComparison.Ordinal);
        AssertHoldsNoSecret("the database", dump);

        AssertHoldsNoSecret("the API's list", await admin.Http.GetStringAsync("/api/v1/vault"));
        AssertHoldsNoSecret("the API's read", await admin.Http.GetStringAsync($"/api/v1/vault/{api}"));
        AssertHoldsNoSecret("the list page", await admin.Http.GetStringAsync("/vault"));
        var entryPage = await admin.Http.GetStringAsync($"/vault/{api}");
        AssertHoldsNoSecret("the entry page", entryPage);
        AssertHoldsNoSecret("the application log", string.Join("\n", app.Log.Lines.Select(l => l.Message + l.Exception)));

        // The history records the change of password without a value.
        var (_, page) = await admin.GetPageAsync($"/vault/{api}");
        var history = page.QuerySelectorAll("#history li").Select(l => l.TextContent).ToList();
        Assert.Contains(history, h => h.Contains("password changed", StringComparison.Ordinal));
        Assert.Contains(history, h => h.Contains("created", StringComparison.Ordinal));

        Assert.Equal(1, await app.InDatabaseAsync(db => db.ActivityLog.CountAsync(e => e.Kind == ActivityKinds.VaultRevealed)));
    }

    private static void AssertHoldsNoSecret(string where, string text)
    {
        foreach (var secret in s_secrets)
        {
            var bytes = Encoding.UTF8.GetBytes(secret);
            foreach (var form in new[] { secret, Convert.ToBase64String(bytes), Convert.ToHexString(bytes), Convert.ToHexStringLower(bytes) })
            {
                Assert.False(text.Contains(form, StringComparison.Ordinal), $"{where} holds '{secret}' as '{form}'");
            }
        }
    }

    /// <summary>Every value of every table of the model, as text (binary columns as base64, hex and text).</summary>
    private static Task<string> DumpAsync(CrmApp app) => app.InDatabaseAsync(async db =>
    {
        var dump = new StringBuilder();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    dump.Append(value is byte[] bytes
                        ? Convert.ToBase64String(bytes) + "|" + Convert.ToHexString(bytes) + "|" + Encoding.UTF8.GetString(bytes)
                        : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\t');
                }

                dump.AppendLine();
            }
        }

        return dump.ToString();
    });
}
