using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using Crm.Tests.Infrastructure;

namespace Crm.Tests.Vault;

/// <summary>Builds vault categories, entries and grants through the API, and posts the entry page's actions as its forms would.</summary>
public static class VaultKit
{
    public static async Task<int> CategoryAsync(PageClient admin, string name, int? rotationDays = null)
    {
        var days = rotationDays is { } d ? $",\"rotationDays\":{d}" : "";
        var response = await admin.PostJsonAsync("/api/v1/vault/categories", $$"""{"name":"{{name}}"{{days}}}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    public static async Task<int> EntryAsync(PageClient client, int categoryId, string name, string password, string? notes = null, string? totpSeed = null)
    {
        var body = JsonSerializer.Serialize(new { name, categoryId, password, notes, totpSeed, url = "https://portal.example.com/login", userName = "ops@example.com" });
        var response = await client.PostJsonAsync("/api/v1/vault", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    /// <summary>A grant on a category ("category") or an entry ("entry"); <paramref name="targetJson"/> as <see cref="Sharing.SharingOrg.TargetJson"/> gives it.</summary>
    public static async Task<long> GrantAsync(PageClient admin, string place, int id, string targetJson, string access)
    {
        var url = place == "category" ? $"/api/v1/vault/categories/{id}/grants" : $"/api/v1/vault/{id}/grants";
        var response = await admin.PostJsonAsync(url, $$"""{{{targetJson}},"access":"{{access}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    /// <summary>The antiforgery token of the layout's sign-out form: valid for any POST of this person's session.</summary>
    public static async Task<string> AntiforgeryAsync(PageClient client)
    {
        var (_, page) = await client.GetPageAsync("/account");
        return page.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
            ?? throw new InvalidOperationException("No antiforgery token on /account");
    }

    /// <summary>Posts a handler of the entry page (Reveal, Copy, Delete) as its form would, with the password when given.</summary>
    public static async Task<(HttpResponseMessage Response, IDocument Page)> PostEntryAsync(PageClient client, int id, string handler, string? password = null)
    {
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = await AntiforgeryAsync(client) };
        if (password is not null)
        {
            fields["Password"] = password;
        }

        using var content = new FormUrlEncodedContent(fields);
        var response = await client.Http.PostAsync($"/vault/{id}?handler={handler}", content);
        return (response, await PageClient.ParseAsync(await response.Content.ReadAsStringAsync()));
    }
}
