using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Tests.ApiTokens;

/// <summary>What the token tests share: creating tokens through the front door and calling the API with one.</summary>
internal static partial class TokenKit
{
    public const string Password = "a good long passphrase";

    [GeneratedRegex("^crm_[0-9a-z]{8}_[A-Za-z0-9_-]{43}$")]
    public static partial Regex TokenShape();

    /// <summary>The secret part: what must never be stored or logged.</summary>
    public static string SecretOf(string token) => token[13..];

    public static string PrefixOf(string token) => token[4..12];

    /// <summary>Writes the use counted in memory so far, as the app does every few seconds.</summary>
    public static Task FlushUsageAsync(CrmApp app) =>
        app.Services.GetRequiredService<Crm.Web.Features.ApiTokens.ApiTokenUsage>().FlushAsync(CancellationToken.None);

    /// <summary>Creates a token on the page, as an administrator would, and returns the text shown once.</summary>
    public static async Task<string> CreateOnPageAsync(PageClient admin, string name, Guid userId, string expiresInDays = "", bool acknowledge = false, string? scopes = null)
    {
        var values = new Dictionary<string, string>
        {
            ["Input.Name"] = name,
            ["Input.UserId"] = userId.ToString(),
            ["Input.ExpiresInDays"] = expiresInDays,
            ["Input.AcknowledgeFullAccess"] = acknowledge ? "true" : "false",
        };
        if (scopes is not null)
        {
            values["Input.Scopes"] = scopes;
        }

        var response = await admin.SubmitAsync("/admin/tokens/new", values);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
        var token = page.QuerySelector("input#token")?.GetAttribute("value");
        Assert.True(token is not null, "No token shown: " + string.Join(" | ", page.ValidationMessages()));
        return token;
    }

    /// <summary>Creates a token through the API with the administrator's session; returns the answer as JSON.</summary>
    public static async Task<JsonElement> CreateByApiAsync(PageClient admin, string name, Guid userId, int? expiresInDays = null, bool acknowledge = false)
    {
        var response = await admin.Http.PostAsJsonAsync("/api/v1/tokens", new { name, userId, expiresInDays, acknowledgeFullAccess = acknowledge });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A client with no cookie jar at all: an integration holds only its token.</summary>
    public static HttpClient Integration(CrmApp app, string token)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A token refusal: 401 ProblemDetails with a Bearer challenge, no redirect, no cookie.</summary>
    public static async Task<string> AssertRefusedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"Expected 401, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.Location);
        Assert.False(response.Headers.Contains("Set-Cookie"), "A token request was given a cookie");
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    /// <summary>Neither the secret nor the whole token in any log line or logged exception.</summary>
    public static void AssertNeverLogged(CrmApp app, string token)
    {
        Assert.NotEmpty(app.Log.Lines);
        Assert.DoesNotContain(app.Log.Lines, l => (l.Message + l.Exception).Contains(SecretOf(token), StringComparison.Ordinal));
    }
}
